package registration

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// kioskURL is the secret URL that opens a kiosk.
func (h *Handlers) kioskURL(slug, tok string) string {
	return h.env.BaseURL + "/k/" + slug + "?t=" + tok
}

func (h *Handlers) apiCreateKiosk(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Label string `json:"label"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	a, tok, k, err := h.svc.CreateKiosk(c.UserContext(), account.CurrentUser(c), id, req.Label)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": h.kioskURL(a.Slug, tok), "id": strconv.FormatInt(k.ID, 10), "label": k.Label})
}

func (h *Handlers) apiKiosks(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	_, ks, err := h.svc.Kiosks(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"kiosks": ks})
}

func (h *Handlers) apiRevokeKiosk(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	kid := web.ParseID(c.Params("kiosk"))
	if kid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "kiosk.not_found")
	}
	if err := h.svc.RevokeKiosk(c.UserContext(), account.CurrentUser(c), id, kid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
