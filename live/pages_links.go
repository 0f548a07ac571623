package live

import (
	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// LinksPage is the host's list of projector links.
type LinksPage struct {
	web.Page
	A     *assembly.Assembly
	Links []Link
	// NewURL is the URL of a link just made; it is shown this once.
	NewURL string
	Error  string
}

func (h *Handlers) managed(c *fiber.Ctx) (*assembly.Assembly, error) {
	a, err := h.svc.AssemblyBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	return a, nil
}

func (h *Handlers) renderLinks(c *fiber.Ctx, a *assembly.Assembly, newURL, msg string) error {
	links, err := h.svc.Links(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	p := LinksPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "projector.links_title", a.Dong)), A: a,
		Links: links, NewURL: newURL, Error: msg}
	p.NoIndex = true
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "live/links", p)
}

func (h *Handlers) linksPage(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	return h.renderLinks(c, a, "", "")
}

func (h *Handlers) createLink(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	tok, _, err := h.svc.CreateLink(c.UserContext(), a.ID, &u.ID, c.FormValue("label"))
	if maeul.ErrorCode(err) == maeul.EINVALID {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderLinks(c, a, "", i18n.T(web.Lang(c), "projector.link_label_long"))
	}
	if err != nil {
		return err
	}
	if web.WantsJSON(c) {
		return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": h.env.BaseURL + "/p/" + a.Slug + "?t=" + tok, "token": tok})
	}
	return h.renderLinks(c, a, h.env.BaseURL+"/p/"+a.Slug+"?t="+tok, "")
}

func (h *Handlers) revokeLink(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	id := web.ParseID(c.Params("link"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "projector.link_not_found")
	}
	if err := h.svc.RevokeLink(c.UserContext(), a.ID, id); err != nil {
		return err
	}
	if web.WantsJSON(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect("/p/"+a.Slug+"/links", fiber.StatusSeeOther)
}
