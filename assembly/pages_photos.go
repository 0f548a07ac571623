package assembly

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// photosPage is the host's page of one agenda's photos.
type photosPage struct {
	web.Page
	A       *Assembly
	Agenda  *Agenda
	Photos  []Photo
	Frozen  bool
	Error   string
	Caption string
	Done    string
}

func (h *Handlers) renderPhotos(c *fiber.Ctx, a *Assembly, g *Agenda, errMsg, caption string) error {
	all, err := h.svc.FindPhotos(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := photosPage{Page: web.NewPage(c, i18n.T(lang, "photo.title", g.Number, g.Title)), A: a, Agenda: g,
		Photos: all[g.ID], Frozen: a.RulesFrozen(), Error: errMsg, Caption: caption}
	p.NoIndex = true
	p.Rehearsal = a.RehearsalOf != nil
	switch c.Query("done") {
	case "added":
		p.Done = i18n.T(lang, "photo.added")
	case "deleted":
		p.Done = i18n.T(lang, "photo.deleted")
	}
	return h.env.Views.Render(c, "assembly/photos", p)
}

// managedAgenda loads the agenda of the URL's :id for a host who manages it.
func (h *Handlers) managedAgenda(c *fiber.Ctx, param string) (*Agenda, *Assembly, error) {
	id := web.ParseID(c.Params(param))
	if id == 0 {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "photo.no_agenda")
	}
	g, a, err := h.svc.PhotoAgenda(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return nil, nil, account.Forbid()
	}
	return g, a, nil
}

func (h *Handlers) photosPage(c *fiber.Ctx) error {
	g, a, err := h.managedAgenda(c, "id")
	if err != nil {
		return err
	}
	return h.renderPhotos(c, a, g, "", "")
}

func (h *Handlers) uploadPhoto(c *fiber.Ctx) error {
	g, a, err := h.managedAgenda(c, "id")
	if err != nil {
		return err
	}
	caption := c.FormValue("caption")
	data, err := uploadedPhoto(c)
	if err == nil {
		_, err = h.svc.AddPhoto(c.UserContext(), account.CurrentUser(c).ID, g.ID, caption, data)
	}
	var me *maeul.Error
	if errors.As(err, &me) && me.Code == maeul.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPhotos(c, a, g, web.Message(web.Lang(c), me), caption)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/agendas/"+g.IDString()+"/photos?done=added", fiber.StatusSeeOther)
}

func (h *Handlers) deletePhoto(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	g, a, err := h.svc.PhotoPlace(c.UserContext(), id)
	if err != nil {
		return err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return account.Forbid()
	}
	if err := h.svc.DeletePhoto(c.UserContext(), a.ID, id); err != nil {
		return err
	}
	if web.WantsJSON(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect("/host/agendas/"+g.IDString()+"/photos?done=deleted", fiber.StatusSeeOther)
}

// servePhoto is GET /photos/{id}.jpg: public when its assembly is, else only
// for hosts who may read the assembly (404 for everyone else, so drafts do
// not leak). Photos never change in place, so they are cached for a year.
func (h *Handlers) servePhoto(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
	}
	f, err := h.svc.PhotoFile(c.UserContext(), id)
	if err != nil {
		return err
	}
	if f.State == StateDraft {
		if !account.CurrentUser(c).CanRead(f.District, f.Dong) {
			return maeul.Errorf(maeul.ENOTFOUND, "photo.not_found")
		}
		c.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		c.Set("Cache-Control", "public, max-age=31536000, immutable")
	}
	c.Set(fiber.HeaderContentType, "image/jpeg")
	return c.Send(f.Image)
}
