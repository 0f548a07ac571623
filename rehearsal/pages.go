package rehearsal

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// RehearsalPage is the data of the rehearsal page.
type RehearsalPage struct {
	web.Page
	Assembly *assembly.Assembly
	Runs     []Run
	Phones   string
	Minutes  string
	Error    string
	Field    string
}

// RunPage is the data of one run's page.
type RunPage struct {
	web.Page
	Assembly *assembly.Assembly
	Run      *Run
	Percent  int
	Text     string
}

func (h *Handlers) page(c *fiber.Ctx) error {
	a, err := h.svc.Readable(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	return h.renderPage(c, a, "100", "2", nil)
}

func (h *Handlers) renderPage(c *fiber.Ctx, a *assembly.Assembly, phones, minutes string, perr *maeul.Error) error {
	runs, err := h.svc.Recent(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	p := RehearsalPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "rehearsal.title")), Assembly: a, Runs: runs,
		Phones: phones, Minutes: minutes}
	p.NoIndex = true
	if perr != nil {
		p.Error, p.Field = web.Message(web.Lang(c), perr), perr.Field
		c.Status(web.Status(perr.Code))
	}
	return h.env.Views.Render(c, "rehearsal/rehearsal", p)
}

func parseMinutes(s string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return 0, false
	}
	return time.Duration(f * float64(time.Minute)), true
}

func (h *Handlers) startForm(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	a, err := h.svc.Readable(c.UserContext(), u, web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	phones, minutes := c.FormValue("phones"), c.FormValue("minutes")
	n, err1 := strconv.Atoi(phones)
	d, ok := parseMinutes(minutes)
	var perr error
	switch {
	case err1 != nil:
		perr = maeul.FieldErrorf(maeul.EINVALID, "phones", "rehearsal.bad_phones", MaxPhones)
	case !ok:
		perr = maeul.FieldErrorf(maeul.EINVALID, "minutes", "rehearsal.bad_minutes")
	default:
		var r *Run
		r, perr = h.svc.Start(c.UserContext(), u, a.ID, n, d)
		if perr == nil {
			return c.Redirect("/host/rehearsals/"+strconv.FormatInt(r.ID, 10), fiber.StatusSeeOther)
		}
	}
	// A mistake in the form is shown next to it; anything else (403, a
	// database error) goes to the error handler.
	var me *maeul.Error
	if !errors.As(perr, &me) || me.Code == maeul.EFORBIDDEN {
		return perr
	}
	return h.renderPage(c, a, phones, minutes, me)
}

func (h *Handlers) runPage(c *fiber.Ctx) error {
	r, a, err := h.svc.ReadableRun(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("run")))
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := RunPage{Page: web.NewPage(c, i18n.T(lang, "rehearsal.run_title")), Assembly: a, Run: r}
	p.NoIndex = true
	p.Rehearsal = r.State == "running"
	if r.Progress.Phones > 0 {
		p.Percent = (r.Progress.Voted + r.Progress.Errors) * 100 / r.Progress.Phones
	}
	if r.Progress.Report != nil {
		p.Text = r.Progress.Report.Text(lang)
	}
	return h.env.Views.Render(c, "rehearsal/run", p)
}
