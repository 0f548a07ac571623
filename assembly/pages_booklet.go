package assembly

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

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

func (h *Handlers) booklet(c *fiber.Ctx) error {
	a, _, err := h.publicAssembly(c)
	if err != nil {
		return err
	}
	return h.renderBooklet(c, a, nil)
}

// renderBooklet shows the booklet; form is a failed opinion to show again.
func (h *Handlers) renderBooklet(c *fiber.Ctx, a *Assembly, form *opinionForm) error {
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
	gs, err := h.svc.FindAgendas(ctx, a.ID)
	if err != nil {
		return err
	}
	photos, err := h.svc.FindPhotos(ctx, a.ID)
	if err != nil {
		return err
	}
	opinions, err := h.svc.FindOpinions(ctx, a.ID, p.CanManage)
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
	return h.env.Views.Render(c, "assembly/booklet", p)
}
