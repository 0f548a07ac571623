package assembly

import (
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// uploadedPhoto reads the multipart field "photo"; EINVALID if it is
// missing or larger than 10 MB.
func uploadedPhoto(c *fiber.Ctx) ([]byte, error) {
	fh, err := c.FormFile("photo")
	if err != nil || fh.Size == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.missing")
	}
	if fh.Size > MaxPhotoBytes {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "photo", "photo.too_big", MaxPhotoBytes>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, MaxPhotoBytes+1))
}

// apiUploadPhoto is POST /api/v1/assemblies/{id}/agendas/{agendaID}/photos.
func (h *Handlers) apiUploadPhoto(c *fiber.Ctx) error {
	g, a, err := h.managedAgenda(c, "agendaID")
	if err != nil {
		return err
	}
	if a.ID != web.ParseID(c.Params("id")) {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	data, err := uploadedPhoto(c)
	if err != nil {
		return err
	}
	p, err := h.svc.AddPhoto(c.UserContext(), account.CurrentUser(c).ID, g.ID, c.FormValue("caption"), data)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{
		"id": strconv.FormatInt(p.ID, 10), "width": p.Width, "height": p.Height, "url": p.URL(), "caption": p.Caption,
	})
}
