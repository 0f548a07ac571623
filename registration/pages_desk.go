package registration

import (
	"bytes"
	"encoding/base64"
	"html/template"
	"image/png"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"
	qrcode "github.com/skip2/go-qrcode"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// DeskPage is the registration desk: a keyboard-only form (name, date of
// birth, category; Enter registers) and the last person's code to print.
type DeskPage struct {
	web.Page
	A          *assembly.Assembly
	Booths     []Booth
	Opens      time.Time
	Categories []string
	Channels   []string
	// The form's values: kept after a refusal (to correct), the channel,
	// booth and category kept after a success (the next person).
	Name, BirthDate, Category, Channel string
	Booth                              int64
	Error                              string
	ErrorField                         string
	Done                               *Registered
	QR                                 template.URL
}

func (h *Handlers) renderDesk(c *fiber.Ctx, id int64, p DeskPage) error {
	u := account.CurrentUser(c)
	a, bs, err := h.svc.Booths(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	if !u.CanManage(a.District, a.Dong) {
		return account.Forbid()
	}
	p.Page = assembly.Page(c, a, i18n.T(web.Lang(c), "registration.desk_title")+" · "+a.Dong)
	p.NoIndex = true
	p.A, p.Booths, p.Channels = a, bs, Channels
	p.Categories = a.Eligible
	if p.Opens, err = h.svc.VotingOpens(c.UserContext(), a); err != nil {
		return err
	}
	if p.Channel == "" {
		p.Channel = ChannelOnsite
	}
	if p.Category == "" && len(a.Eligible) > 0 {
		p.Category = a.Eligible[0]
	}
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "registration/desk", p)
}

func (h *Handlers) deskPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return h.renderDesk(c, id, DeskPage{Channel: c.Query("channel"), Booth: web.ParseID(c.Query("booth"))})
}

func (h *Handlers) deskRegister(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	p := Person{Name: c.FormValue("name"), BirthDate: c.FormValue("birth_date"), Category: c.FormValue("category"),
		Channel: c.FormValue("channel"), Booth: web.ParseID(c.FormValue("booth"))}
	page := DeskPage{Category: p.Category, Channel: p.Channel, Booth: p.Booth}
	r, err := h.svc.Register(c.UserContext(), account.CurrentUser(c), id, p)
	if err != nil {
		e := web.Normalize(err)
		if e.Code != maeul.EINVALID && e.Code != maeul.ECONFLICT {
			return err
		}
		c.Status(web.Status(e.Code))
		page.Error, page.ErrorField = web.Message(web.Lang(c), e), e.Field
		if e.Code == maeul.EINVALID { // a typo to correct: keep what was typed
			page.Name, page.BirthDate = p.Name, p.BirthDate
		}
		return h.renderDesk(c, id, page)
	}
	page.Done = r
	if page.QR, err = qrDataURL(r.Code.URL); err != nil {
		return err
	}
	c.Status(fiber.StatusCreated)
	return h.renderDesk(c, id, page)
}

// IDString is the booth's id for forms.
func (b Booth) IDString() string { return strconv.FormatInt(b.ID, 10) }

// qrDataURL encodes a URL as a small PNG in a data: URL (as voting's cards).
func qrDataURL(content string) (template.URL, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, q.Image(-4)); err != nil {
		return "", err
	}
	// A data: URL of our own PNG, never user text.
	return template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes())), nil
}
