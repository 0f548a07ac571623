package planning

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// AgendaPage is planning/agenda: one agenda's drafts with what changed
// between rounds, its review requests and its Q&A.
type AgendaPage struct {
	web.Page
	G           *assembly.Agenda
	A           *assembly.Assembly
	Manage      bool
	CanAsk      bool
	Drafts      []Draft
	Reviews     []Review
	Questions   []Question
	Departments []string
	Origin      *Discovered
	Rounds      []int
	Round       int
	Deadline    string
	Done        string
	Error       string
	ErrorField  string
}

// FieldLabel is the label of an agenda field by its JSON name.
func (p AgendaPage) FieldLabel(name string) string { return p.T("host.g." + name) }

var agendaDone = map[string]bool{"draft": true, "requested": true, "asked": true}

func (h *Handlers) agendaPage(c *fiber.Ctx) error {
	return h.renderAgenda(c, nil)
}

func (h *Handlers) renderAgenda(c *fiber.Ctx, failed error) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	ctx := c.UserContext()
	g, a, manage, err := h.svc.Agenda(ctx, u, id)
	if err != nil {
		return err
	}
	p := AgendaPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.agenda.title", g.Title)), G: g, A: a,
		Manage: manage, CanAsk: manage || u.Role == account.RoleDepartment,
		Departments: Departments(g.DistrictDepartment), Rounds: []int{1, 2, 3}, Round: int(g.DraftingRound)}
	p.NoIndex = true
	p.Deadline = web.FormatDate(p.Lang, ReviewDeadline(a))
	if p.Drafts, err = h.svc.Drafts(ctx, u, id); err != nil {
		return err
	}
	if p.Reviews, err = h.svc.AgendaReviews(ctx, u, id); err != nil {
		return err
	}
	if p.Questions, err = h.svc.Questions(ctx, u, id); err != nil {
		return err
	}
	if p.Origin, err = h.svc.Origin(ctx, id); err != nil {
		return err
	}
	if d := c.Query("done"); agendaDone[d] {
		p.Done = p.T("planning.agenda.done." + d)
	}
	if failed != nil {
		var me *maeul.Error
		if !errors.As(failed, &me) || (me.Code != maeul.EINVALID && me.Code != maeul.ECONFLICT) {
			return failed
		}
		p.Error, p.ErrorField = web.Message(p.Lang, me), me.Field
		c.Status(fiber.StatusUnprocessableEntity)
		if me.Code == maeul.ECONFLICT {
			c.Status(fiber.StatusConflict)
		}
	}
	return h.env.Views.Render(c, "planning/agenda", p)
}

// after redirects to the agenda page on success and shows the page with
// the problem otherwise.
func (h *Handlers) after(c *fiber.Ctx, id int64, err error, done string) error {
	if err != nil {
		return h.renderAgenda(c, err)
	}
	return c.Redirect("/host/planning/agendas/"+strconv.FormatInt(id, 10)+"?done="+done, fiber.StatusSeeOther)
}

func (h *Handlers) postDraft(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	round, _ := strconv.Atoi(c.FormValue("round"))
	_, err = h.svc.SaveDraft(c.UserContext(), account.CurrentUser(c), id, round)
	return h.after(c, id, err, "draft")
}

func (h *Handlers) postRequest(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	kind, round := KindFinal, 0
	switch c.FormValue("which") {
	case "process1":
		kind, round = KindProcess, 1
	case "process2":
		kind, round = KindProcess, 2
	}
	_, err = h.svc.RequestReview(c.UserContext(), account.CurrentUser(c), id, kind, round, c.FormValue("department"))
	return h.after(c, id, err, "requested")
}

func (h *Handlers) postQuestion(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	_, err = h.svc.Ask(c.UserContext(), account.CurrentUser(c), id, c.FormValue("body"))
	return h.after(c, id, err, "asked")
}
