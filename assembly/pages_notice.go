package assembly

import (
	"github.com/gofiber/fiber/v2"
	"github.com/skip2/go-qrcode"

	"maeul/i18n"
	"maeul/web"
)

// noticePage is the notice (공고문, 서식 2-7) of an assembly.
type noticePage struct {
	web.Page
	A          *Assembly
	Agendas    []Agenda
	Preview    bool
	When       string // 2027. 7. 15.(목) 14:00 ~ 17:00
	Online     string // the online window, "" when not set
	Method     string // the voting method in plain words
	BookletURL string // absolute, as the QR code encodes it
	QRAlt      string
	Signed     string // the date under the signature
}

// BookletURL is the absolute URL of an assembly's booklet, as printed and
// encoded in its QR code.
func BookletURL(env *web.Env, a *Assembly) string { return env.BaseURL + "/a/" + a.Slug }

func (h *Handlers) notice(c *fiber.Ctx) error {
	a, preview, err := h.publicAssembly(c)
	if err != nil {
		return err
	}
	gs, err := h.svc.FindAgendas(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := noticePage{Page: Page(c, a, i18n.T(lang, "notice.title", a.Dong)), A: a, Agendas: gs, Preview: preview,
		When: timeRange(lang, a.StartsAt, a.EndsAt), BookletURL: BookletURL(h.env, a)}
	if a.OnlineFrom != nil && a.OnlineUntil != nil {
		p.Online = timeRange(lang, *a.OnlineFrom, *a.OnlineUntil)
	} else if a.OnlineUntil != nil {
		p.Online = i18n.T(lang, "notice.online_until", web.FormatDateTime(lang, *a.OnlineUntil))
	} else if a.OnlineFrom != nil {
		p.Online = i18n.T(lang, "notice.online_from", web.FormatDateTime(lang, *a.OnlineFrom))
	}
	p.Method = MethodText(lang, a)
	p.QRAlt = i18n.T(lang, "notice.qr_alt", p.BookletURL)
	signed := a.CreatedAt
	if a.StartsAt.Before(signed) || signed.IsZero() {
		signed = a.StartsAt
	}
	p.Signed = web.FormatDate(lang, signed)
	p.Rehearsal = a.RehearsalOf != nil
	p.NoIndex = preview || p.Rehearsal
	return h.env.Views.Render(c, "assembly/notice", p)
}

// qr is GET /a/{slug}/qr.png: a PNG QR code of the booklet's URL.
// ?download=1 makes the browser save it instead of showing it.
func (h *Handlers) qr(c *fiber.Ctx) error {
	a, preview, err := h.publicAssembly(c)
	if err != nil {
		return err
	}
	png, err := qrcode.Encode(BookletURL(h.env, a), qrcode.Medium, 512)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "image/png")
	if preview {
		c.Set("Cache-Control", "private, no-store")
	} else {
		c.Set("Cache-Control", "public, max-age=86400")
	}
	if c.Query("download") != "" {
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="qr-`+a.Slug+`.png"`)
	}
	return c.Send(png)
}
