package registration

import (
	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// KiosksPage lists an assembly's kiosk links.
type KiosksPage struct {
	web.Page
	A      *assembly.Assembly
	Kiosks []Kiosk
	// NewURL is the link just made; shown this once.
	NewURL string
	Error  string
}

func (h *Handlers) renderKiosks(c *fiber.Ctx, id int64, p KiosksPage) error {
	a, ks, err := h.svc.Kiosks(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	p.Page = assembly.Page(c, a, i18n.T(web.Lang(c), "registration.kiosks_title")+" · "+a.Dong)
	p.NoIndex = true
	p.A, p.Kiosks = a, ks
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "registration/kiosks", p)
}

func (h *Handlers) kiosksPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return h.renderKiosks(c, id, KiosksPage{})
}

func (h *Handlers) kioskCreate(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	a, tok, _, err := h.svc.CreateKiosk(c.UserContext(), account.CurrentUser(c), id, c.FormValue("label"))
	if maeul.ErrorCode(err) == maeul.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderKiosks(c, id, KiosksPage{Error: web.Message(web.Lang(c), web.Normalize(err))})
	}
	if err != nil {
		return err
	}
	return h.renderKiosks(c, id, KiosksPage{NewURL: h.kioskURL(a.Slug, tok)})
}

func (h *Handlers) kioskRevoke(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.RevokeKiosk(c.UserContext(), account.CurrentUser(c), id, web.ParseID(c.Params("kiosk"))); err != nil {
		return err
	}
	return c.Redirect("/host/assemblies/"+c.Params("id")+"/kiosks", fiber.StatusSeeOther)
}
