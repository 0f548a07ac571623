package rehearsal

import (
	"encoding/json"
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

// Routes mounts the rehearsal page, its form and the JSON API.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
	app.Get("/host/assemblies/:id/rehearsal", auth.Require, s.page)
	app.Post("/host/assemblies/:id/rehearsal", auth.Require, s.startForm)
	app.Get("/host/rehearsals/:run", auth.Require, s.runPage)
	app.Post("/api/v1/rehearsals", auth.Require, s.startAPI)
	app.Get("/api/v1/rehearsals/:run", auth.Require, s.runAPI)
}

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

func (s *Service) readable(c *fiber.Ctx, id int64) (*assembly.Assembly, error) {
	a, err := assembly.FindAssembly(c.UserContext(), s.Env.Pool, id)
	if err != nil {
		return nil, err
	}
	if !account.CurrentUser(c).CanRead(a.District, a.Dong) {
		return nil, maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	return a, nil
}

func (s *Service) page(c *fiber.Ctx) error {
	a, err := s.readable(c, web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	return s.renderPage(c, a, "100", "2", nil)
}

func (s *Service) renderPage(c *fiber.Ctx, a *assembly.Assembly, phones, minutes string, perr *maeul.Error) error {
	runs, err := s.Recent(c.UserContext(), a.ID)
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
	return s.Env.Views.Render(c, "rehearsal/rehearsal", p)
}

func parseMinutes(s string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != f {
		return 0, false
	}
	return time.Duration(f * float64(time.Minute)), true
}

func (s *Service) startForm(c *fiber.Ctx) error {
	a, err := s.readable(c, web.ParseID(c.Params("id")))
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
		r, perr = s.Start(c.UserContext(), account.CurrentUser(c), a.ID, n, d)
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
	return s.renderPage(c, a, phones, minutes, me)
}

func (s *Service) run(c *fiber.Ctx) (*Run, *assembly.Assembly, error) {
	r, err := s.Find(c.UserContext(), web.ParseID(c.Params("run")))
	if err != nil {
		return nil, nil, err
	}
	a, err := s.readable(c, r.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	return r, a, nil
}

func (s *Service) runPage(c *fiber.Ctx) error {
	r, a, err := s.run(c)
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
	return s.Env.Views.Render(c, "rehearsal/run", p)
}

type startRequest struct {
	Assembly json.RawMessage `json:"assembly"`
	Phones   int             `json:"phones"`
	Minutes  float64         `json:"minutes"`
}

func (s *Service) startAPI(c *fiber.Ctx) error {
	var req startRequest
	if err := json.Unmarshal(c.Body(), &req); err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	var ref string
	if err := json.Unmarshal(req.Assembly, &ref); err != nil {
		var n int64
		if json.Unmarshal(req.Assembly, &n) != nil {
			return maeul.FieldErrorf(maeul.EINVALID, "assembly", "rehearsal.need_assembly")
		}
		ref = strconv.FormatInt(n, 10)
	}
	var a *assembly.Assembly
	var err error
	if id := web.ParseID(ref); id > 0 {
		a, err = assembly.FindAssembly(c.UserContext(), s.Env.Pool, id)
	} else {
		a, err = assembly.FindAssemblyBySlug(c.UserContext(), s.Env.Pool, ref)
	}
	if err != nil {
		return err
	}
	r, err := s.Start(c.UserContext(), account.CurrentUser(c), a.ID, req.Phones, time.Duration(req.Minutes*float64(time.Minute)))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (s *Service) runAPI(c *fiber.Ctx) error {
	r, _, err := s.run(c)
	if err != nil {
		return err
	}
	if r.Progress.Report != nil {
		r.Report = r.Progress.Report.Text(web.Lang(c))
	}
	return c.JSON(r)
}
