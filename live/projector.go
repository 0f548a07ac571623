package live

import (
	"context"
	"net/url"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/voting"
	"maeul/web"
)

// Routes mounts the websocket, the tally API, the projector page, its QR
// code and the host's projector links.
func Routes(app *fiber.App, h *Hub, auth *account.Auth) {
	// Hijacked websockets outlive their handler: fasthttp must not close
	// them when it returns (it only affects hijacked connections).
	app.Server().KeepHijackedConns = true

	app.Get("/ws/assemblies/:id/tally", h.serveWS)
	app.Get("/api/v1/assemblies/:id/tally", h.apiTally)
	app.Get("/p/:slug", h.projector)
	app.Get("/p/:slug/qr.png", h.qr)
	app.Get("/p/:slug/links", auth.Require, h.linksPage)
	app.Post("/p/:slug/links", auth.Require, h.createLink)
	app.Post("/p/:slug/links/:link/revoke", auth.Require, h.revokeLink)
}

// apiTally is GET /api/v1/assemblies/{id}/tally: the tally object of
// API.md, counted now.
func (h *Hub) apiTally(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := assembly.FindAssembly(c.UserContext(), h.env.Pool, id)
	if err != nil {
		return err
	}
	if _, err := h.mayView(c, a); err != nil {
		return err
	}
	t, err := h.Current(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.JSON(t)
}

// ProjectorPage is the data of the projector.
type ProjectorPage struct {
	web.Page
	A         *assembly.Assembly
	Tally     *voting.Tally
	Rows      []Row
	Allocated int64
	// VoteURL is what the QR code holds; ShortURL is it without the scheme.
	VoteURL, ShortURL string
	QRPath            string
	WSPath            string
	Now               time.Time
	CanManage         bool
	// Reveal is true when the ranking may be shown.
	Reveal bool
}

func (h *Hub) projector(c *fiber.Ctx) error {
	a, err := assembly.FindAssemblyBySlug(c.UserContext(), h.env.Pool, c.Params("slug"))
	if err != nil {
		return err
	}
	if _, err := h.mayView(c, a); err != nil {
		if maeul.ErrorCode(err) == maeul.EUNAUTHORIZED && c.Query("t") == "" {
			return c.Redirect("/login?next="+url.QueryEscape(c.Path()), fiber.StatusSeeOther)
		}
		return err
	}
	t, err := h.Current(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := ProjectorPage{Page: assembly.Page(c, a, i18n.T(lang, "projector.title", a.Dong)), A: a, Tally: t,
		Now: time.Now().In(web.Seoul), CanManage: account.CurrentUser(c).CanManage(a.District, a.Dong)}
	p.NoIndex, p.Wide = true, true
	p.Rows = Order(t)
	p.Reveal = p.Rows != nil
	p.Allocated = Allocated(p.Rows)
	p.VoteURL = h.env.BaseURL + "/v/" + a.Slug
	p.ShortURL = trimScheme(p.VoteURL)
	p.QRPath = "/p/" + a.Slug + "/qr.png"
	p.WSPath = "/ws/assemblies/" + a.IDString() + "/tally"
	if tok := c.Query("t"); tok != "" {
		p.WSPath += "?t=" + url.QueryEscape(tok)
	}
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "live/projector", p)
}

// Money writes won as notices do in Korean (3천만원) and as KRW 30,000,000
// in English.
func (p ProjectorPage) Money(n int64) string {
	if p.Lang == "en" {
		return "KRW " + web.Group(n)
	}
	return web.Manwon(n)
}

func trimScheme(u string) string {
	for _, s := range []string{"https://", "http://"} {
		if len(u) > len(s) && u[:len(s)] == s {
			return u[len(s):]
		}
	}
	return u
}

// qr is the PNG of the voting URL. The URL is public (it is on the
// notice), so the image is too.
func (h *Hub) qr(c *fiber.Ctx) error {
	a, err := assembly.FindAssemblyBySlug(c.UserContext(), h.env.Pool, c.Params("slug"))
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(h.env.BaseURL+"/v/"+a.Slug, qrcode.Medium, 512)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	c.Set("Cache-Control", "public, max-age=300")
	return c.Send(png)
}

// LinksPage is the host's list of projector links.
type LinksPage struct {
	web.Page
	A     *assembly.Assembly
	Links []Link
	// NewURL is the URL of a link just made; it is shown this once.
	NewURL string
	Error  string
}

func (h *Hub) managed(c *fiber.Ctx) (*assembly.Assembly, error) {
	a, err := assembly.FindAssemblyBySlug(c.UserContext(), h.env.Pool, c.Params("slug"))
	if err != nil {
		return nil, err
	}
	if !account.CurrentUser(c).CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	return a, nil
}

func (h *Hub) renderLinks(c *fiber.Ctx, a *assembly.Assembly, newURL, msg string) error {
	links, err := FindLinks(c.UserContext(), h.env.Pool, a.ID)
	if err != nil {
		return err
	}
	p := LinksPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "projector.links_title", a.Dong)), A: a,
		Links: links, NewURL: newURL, Error: msg}
	p.NoIndex = true
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "live/links", p)
}

func (h *Hub) linksPage(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	return h.renderLinks(c, a, "", "")
}

func (h *Hub) createLink(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	tok, _, err := CreateLink(c.UserContext(), h.env.Pool, a.ID, &u.ID, c.FormValue("label"))
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

func (h *Hub) revokeLink(c *fiber.Ctx) error {
	a, err := h.managed(c)
	if err != nil {
		return err
	}
	id := web.ParseID(c.Params("link"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "projector.link_not_found")
	}
	if err := RevokeLink(c.UserContext(), h.env.Pool, a.ID, id); err != nil {
		return err
	}
	// Screens opened with the link stop now here, and at the next resync
	// on the other instances.
	go h.cutRevoked(context.Background())
	if web.WantsJSON(c) {
		return c.SendStatus(fiber.StatusNoContent)
	}
	return c.Redirect("/p/"+a.Slug+"/links", fiber.StatusSeeOther)
}
