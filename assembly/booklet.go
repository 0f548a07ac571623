package assembly

import (
	"net/url"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// publicRoutes mounts what residents read: the home page, the booklet with
// its opinions, photos, the notice and its QR code; and the host's buttons
// that belong to them (photo uploads, hiding opinions).
func publicRoutes(app *fiber.App, s *Service, auth *account.Auth) {
	// Five opinions at once per client, then one every two minutes.
	opinions := web.NewLimiter(5, 2*time.Minute)

	app.Get("/", s.home)
	app.Get("/a/:slug", s.booklet)
	app.Post("/a/:slug/agendas/:agendaID/opinions", s.postOpinion(opinions))
	// The page shown after a refused opinion lives at the form's address;
	// its language link (?lang=en) comes back here with GET.
	app.Get("/a/:slug/agendas/:agendaID/opinions", func(c *fiber.Ctx) error {
		return c.Redirect("/a/"+url.PathEscape(c.Params("slug"))+"#opinions-"+strconv.FormatInt(web.ParseID(c.Params("agendaID")), 10), fiber.StatusSeeOther)
	})
	app.Get("/a/:slug/notice", s.notice)
	app.Get("/a/:slug/qr.png", s.qr)
	app.Get("/photos/:id.jpg", s.servePhoto)

	app.Get("/host/agendas/:id/photos", auth.Require, s.photosPage)
	app.Post("/host/agendas/:id/photos", auth.Require, s.uploadPhoto)
	app.Post("/host/photos/:id/delete", auth.Require, s.deletePhoto)
	app.Post("/host/opinions/:id/hide", auth.Require, s.setOpinionHidden(true))
	app.Post("/host/opinions/:id/unhide", auth.Require, s.setOpinionHidden(false))
	app.Post("/api/v1/assemblies/:id/agendas/:agendaID/photos", auth.Require, s.apiUploadPhoto)
}

// publicAssembly loads the assembly of the URL's :slug for a public page.
// A draft is ENOTFOUND for everyone but the hosts who may read it; for them
// preview is true.
func (s *Service) publicAssembly(c *fiber.Ctx) (a *Assembly, preview bool, err error) {
	a, err = FindAssemblyBySlug(c.UserContext(), s.Env.Pool, c.Params("slug"))
	if err != nil {
		return nil, false, err
	}
	if a.Public() {
		return a, false, nil
	}
	if account.CurrentUser(c).CanRead(a.District, a.Dong) {
		return a, true, nil
	}
	return nil, false, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
}

// bookletPage is the agenda booklet (자료집) of an assembly.
type bookletPage struct {
	web.Page
	A            *Assembly
	Agendas      []bookletAgenda
	Preview      bool
	CanManage    bool
	OpinionsOpen bool
	When         string
	Online       string
	Method       string // the voting method in plain words
	TieBreak     string
	Budget       string // the total against the cap, in words
	Over         bool
	Total        int64
	MeterPct     int64 // the cap's share of the bar, or the total's when under it
	Thanks       int64 // the agenda whose opinion was just received
	Form         *opinionForm
	NoticeURL    string
}

// bookletAgenda is an agenda with its photos and opinions.
type bookletAgenda struct {
	Agenda
	Photos   []Photo
	Opinions []Opinion
	// Form is the failed opinion form of this agenda, shown again.
	Form *opinionForm
}

// opinionForm is a resident's opinion that failed validation.
type opinionForm struct {
	AgendaID     int64
	Author, Body string
	Field, Error string
}

func (s *Service) booklet(c *fiber.Ctx) error {
	a, _, err := s.publicAssembly(c)
	if err != nil {
		return err
	}
	return s.renderBooklet(c, a, nil)
}

// renderBooklet shows the booklet; form is a failed opinion to show again.
func (s *Service) renderBooklet(c *fiber.Ctx, a *Assembly, form *opinionForm) error {
	ctx := c.UserContext()
	lang := web.Lang(c)
	u := account.CurrentUser(c)
	p := bookletPage{Page: Page(c, a, i18n.T(lang, "booklet.title", a.Title)), A: a,
		Preview: !a.Public(), CanManage: u.CanManage(a.District, a.Dong), Form: form,
		OpinionsOpen: a.State == StatePublished || a.State == StateOpen,
		When:         timeRange(lang, a.StartsAt, a.EndsAt), NoticeURL: "/a/" + a.Slug + "/notice"}
	p.Rehearsal = a.RehearsalOf != nil
	p.NoIndex = p.Preview || p.Rehearsal
	if a.OnlineFrom != nil && a.OnlineUntil != nil {
		p.Online = timeRange(lang, *a.OnlineFrom, *a.OnlineUntil)
	}
	gs, err := FindAgendas(ctx, s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	photos, err := FindPhotos(ctx, s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	opinions, err := FindOpinions(ctx, s.Env.Pool, a.ID, p.CanManage)
	if err != nil {
		return err
	}
	p.Thanks = web.ParseID(c.Query("thanks"))
	for _, g := range gs {
		ba := bookletAgenda{Agenda: g, Photos: photos[g.ID], Opinions: opinions[g.ID]}
		if form != nil && form.AgendaID == g.ID {
			ba.Form = form
		}
		p.Agendas = append(p.Agendas, ba)
		p.Total += g.Cost
	}
	p.Method = MethodText(lang, a)
	p.TieBreak = i18n.T(lang, "booklet.tie."+a.TieBreak)
	p.Budget, p.Over = BudgetText(lang, p.Total, a.BudgetCap)
	if p.Over {
		p.MeterPct = a.BudgetCap * 100 / p.Total
	} else {
		p.MeterPct = p.Total * 100 / a.BudgetCap
	}
	return s.Env.Views.Render(c, "assembly/booklet", p)
}

// MethodText explains the voting method in plain words.
func MethodText(lang string, a *Assembly) string {
	switch a.Method {
	case MethodApproval:
		return i18n.T(lang, "booklet.method.approval", a.MaxChoices)
	case MethodRanked:
		return i18n.T(lang, "booklet.method.ranked", a.MaxChoices, a.MaxChoices)
	case MethodBudget:
		return i18n.T(lang, "booklet.method.budget", web.Money(lang, a.BudgetCap))
	}
	return ""
}

// BudgetText compares the agendas' total cost with the dong's cap in words,
// and reports whether the total is over it.
func BudgetText(lang string, total, limit int64) (string, bool) {
	switch {
	case total > limit:
		return i18n.T(lang, "booklet.budget.over", web.Money(lang, total), web.Money(lang, limit), web.Money(lang, total-limit)), true
	case total == limit:
		return i18n.T(lang, "booklet.budget.equal", web.Money(lang, total), web.Money(lang, limit)), false
	}
	return i18n.T(lang, "booklet.budget.under", web.Money(lang, total), web.Money(lang, limit), web.Money(lang, limit-total)), false
}

// timeRange writes a from–to range in Seoul time: the end's date is left
// out when both fall on the same day (2027. 7. 15.(목) 14:00 ~ 17:00).
func timeRange(lang string, from, to time.Time) string {
	f, t := from.In(web.Seoul), to.In(web.Seoul)
	if f.Year() == t.Year() && f.YearDay() == t.YearDay() {
		return web.FormatDateTime(lang, f) + " ~ " + web.FormatTime(t)
	}
	return web.FormatDateTime(lang, f) + " ~ " + web.FormatDateTime(lang, t)
}
