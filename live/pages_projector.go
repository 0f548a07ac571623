package live

import (
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
	// Covered is true while the ranking is withheld (sealed, or closed and
	// not yet revealed by the host).
	Covered bool
	// RevealURL is where the r key reveals the ranking: set only for a
	// host who manages the assembly, until it is revealed.
	RevealURL string
}

// Phones is the ballots cast with a code (on site, online, early): the figure to
// set beside the phone codes issued, so that ballots never read as more
// than codes ("투표 18 (휴대폰 17 · 종이 1) · 발급된 휴대폰 코드 17").
func (p ProjectorPage) Phones() int64 {
	return p.Tally.Channels[voting.ChannelOnsite] + p.Tally.Channels[voting.ChannelOnline] + p.Tally.Channels[voting.ChannelEarly]
}

func (h *Handlers) projector(c *fiber.Ctx) error {
	a, err := h.svc.AssemblyBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	link, err := h.mayView(c, a)
	if err != nil {
		if maeul.ErrorCode(err) == maeul.EUNAUTHORIZED && c.Query("t") == "" {
			return c.Redirect("/login?next="+url.QueryEscape(c.Path()), fiber.StatusSeeOther)
		}
		return err
	}
	t, err := h.svc.Current(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	u := account.CurrentUser(c)
	p := ProjectorPage{Page: assembly.Page(c, a, i18n.T(lang, "projector.title", a.Dong)), A: a, Tally: t,
		Now: time.Now().In(web.Seoul), CanManage: u.CanManage(a.District, a.Dong)}
	p.NoIndex, p.Wide = true, true
	// Whoever opened it, the wall shows no ranking while it is covered (a
	// host's page gets the numbers over the websocket, but draws them only
	// once revealed).
	p.Covered = t.Covered()
	p.Rows = Order(t.ForProjector())
	// Revealing is a host's act: only a host who manages the assembly,
	// logged in on this screen, may do it from here (the r key). A
	// projector link only shows; it never gains a host's powers.
	// The page may have been opened before the close: the key works once
	// the feed says closed.
	if link == 0 && p.CanManage && (a.State == assembly.StateOpen || a.State == assembly.StateClosed) && !t.Revealed {
		p.RevealURL = "/api/v1/assemblies/" + a.IDString() + "/reveal"
	}
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
func (h *Handlers) qr(c *fiber.Ctx) error {
	a, err := h.svc.AssemblyBySlug(c.UserContext(), c.Params("slug"))
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
