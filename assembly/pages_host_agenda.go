package assembly

import (
	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

var agendaMoney = []string{"cost", "current_subsidy", "capital_subsidy"}

func agendaValues(f *formValues, in AgendaInput) {
	f.V["title"], f.V["summary"], f.V["location"] = in.Title, in.Summary, in.Location
	f.V["cost"] = strconv.FormatInt(in.Cost, 10)
	f.V["current_subsidy"] = strconv.FormatInt(in.CurrentSubsidy, 10)
	f.V["capital_subsidy"] = strconv.FormatInt(in.CapitalSubsidy, 10)
	f.V["district_department"], f.V["city_department"] = in.DistrictDepartment, in.CityDepartment
	f.V["subcommittee"], f.V["proposer"], f.V["execution_type"] = in.Subcommittee, in.Proposer, in.ExecutionType
	f.V["drafting_round"] = strconv.Itoa(int(max(in.DraftingRound, 1)))
	f.V["purpose"], f.V["period"], f.V["executor"] = in.Purpose, in.Period, in.Executor
	f.V["approach"], f.V["related_parties"], f.V["future_plan"] = in.Approach, in.RelatedParties, in.FuturePlan
	f.V["remarks"], f.V["review_result"] = in.Remarks, in.ReviewResult
	f.V["review_department"], f.V["review_notes"] = in.ReviewDepartment, in.ReviewNotes
}

var agendaFieldNames = []string{"title", "summary", "location", "cost", "current_subsidy", "capital_subsidy",
	"district_department", "city_department", "subcommittee", "proposer", "execution_type", "drafting_round",
	"purpose", "period", "executor", "approach", "related_parties", "future_plan", "remarks",
	"review_result", "review_department", "review_notes"}

func readAgendaForm(c *fiber.Ctx, f *formValues, in *AgendaInput) {
	for _, k := range agendaFieldNames {
		f.V[k] = c.FormValue(k)
	}
	in.Title, in.Summary, in.Location = f.V["title"], f.V["summary"], f.V["location"]
	in.DistrictDepartment, in.CityDepartment = f.V["district_department"], f.V["city_department"]
	in.Subcommittee, in.Proposer, in.ExecutionType = f.V["subcommittee"], f.V["proposer"], f.V["execution_type"]
	in.Purpose, in.Period, in.Executor = f.V["purpose"], f.V["period"], f.V["executor"]
	in.Approach, in.RelatedParties, in.FuturePlan = f.V["approach"], f.V["related_parties"], f.V["future_plan"]
	in.Remarks, in.ReviewResult = f.V["remarks"], f.V["review_result"]
	in.ReviewDepartment, in.ReviewNotes = f.V["review_department"], f.V["review_notes"]
	money := []*int64{&in.Cost, &in.CurrentSubsidy, &in.CapitalSubsidy}
	for i, k := range agendaMoney {
		n, ok := parseWon(f.V[k])
		if !ok {
			f.Errs[k] = i18n.T(f.lang, "host.bad_number")
		}
		*money[i] = n
	}
	if strings.TrimSpace(f.V["cost"]) == "" {
		f.Errs["cost"] = i18n.T(f.lang, "host.need_cost")
	}
	switch strings.TrimSpace(f.V["drafting_round"]) {
	case "", "1":
		in.DraftingRound = 1
	case "2":
		in.DraftingRound = 2
	case "3":
		in.DraftingRound = 3
	default:
		in.DraftingRound = -1
	}
}

func (h *Handlers) agendaFormPage(c *fiber.Ctx, a *Assembly, g *Agenda, f *formValues) formPage {
	lang := f.lang
	execOpts := []formOption{{Value: "", Label: i18n.T(lang, "host.choose")}}
	for _, t := range ExecutionTypes {
		execOpts = append(execOpts, formOption{Value: t, Label: i18n.T(lang, "host.exec."+t)})
	}
	rounds := []formOption{{"1", i18n.T(lang, "host.round", 1)}, {"2", i18n.T(lang, "host.round", 2)}, {"3", i18n.T(lang, "host.round", 3)}}
	review := []formOption{{"", i18n.T(lang, "host.review.none")}, {"adequate", i18n.T(lang, "host.review.adequate")},
		{"inadequate", i18n.T(lang, "host.review.inadequate")}}
	groups := []formGroup{
		{Legend: i18n.T(lang, "host.legend.list"), Fields: []formField{
			f.field("title", "text", true),
			f.hinted(f.field("location", "text", false)),
			f.hinted(f.field("summary", "textarea", false)),
			f.hinted(f.field("cost", "number", true)),
			f.hinted(f.field("current_subsidy", "number", false)),
			f.field("capital_subsidy", "number", false),
			f.field("district_department", "text", false),
			f.field("city_department", "text", false),
			f.field("remarks", "textarea", false),
		}},
		{Legend: i18n.T(lang, "host.legend.plan"), Fields: []formField{
			f.field("subcommittee", "text", false),
			f.field("proposer", "text", false),
			f.field("drafting_round", "select", false, rounds...),
			f.field("execution_type", "select", false, execOpts...),
			f.field("purpose", "textarea", false),
			f.hinted(f.field("period", "text", false)),
			f.field("executor", "text", false),
			f.field("approach", "textarea", false),
			f.field("related_parties", "textarea", false),
			f.field("future_plan", "textarea", false),
		}},
		{Legend: i18n.T(lang, "host.legend.review"), Fields: []formField{
			f.field("review_result", "select", false, review...),
			f.field("review_department", "text", false),
			f.hinted(f.field("review_notes", "textarea", false)),
		}},
	}
	p := formPage{Page: hostPage(c, a, ""), Assembly: a, Agenda: g, Groups: groups, HasError: len(f.Errs) > 0,
		Cancel: "/host/assemblies/" + a.IDString()}
	if g == nil {
		p.Title = i18n.T(lang, "host.agenda.new_title")
		p.Action, p.Submit = "/host/assemblies/"+a.IDString()+"/agendas", i18n.T(lang, "host.agenda.add")
	} else {
		p.Title = i18n.T(lang, "host.agenda.edit_title", g.Number)
		p.Action, p.Submit = "/host/agendas/"+g.IDString(), i18n.T(lang, "host.save")
	}
	p.Heading = p.Title
	if a.RulesFrozen() {
		p.Notice = i18n.T(lang, "agenda.frozen")
	}
	return p
}

func (h *Handlers) hostNewAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInput{DraftingRound: 1})
	f.V["cost"], f.V["current_subsidy"], f.V["capital_subsidy"] = "", "", ""
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, nil, f))
}

func (h *Handlers) hostCreateAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	var in AgendaInput
	readAgendaForm(c, f, &in)
	for _, e := range in.Check() {
		f.fail(e)
	}
	if len(f.Errs) == 0 {
		_, err := h.svc.AddAgenda(c.UserContext(), a.ID, in)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_added", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, nil, f))
}

// loadAgenda finds the agenda of the :id parameter and its assembly, and
// checks the host's rights as load does.
func (h *Handlers) loadAgenda(c *fiber.Ctx, manage bool) (*Assembly, *Agenda, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	g, err := h.svc.FindAgenda(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	a, err := h.svc.FindAssembly(c.UserContext(), g.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	u := account.CurrentUser(c)
	if !u.CanRead(a.District, a.Dong) || (manage && !u.CanManage(a.District, a.Dong)) {
		return nil, nil, account.Forbid()
	}
	return a, g, nil
}

func (h *Handlers) hostEditAgenda(c *fiber.Ctx) error {
	a, g, err := h.loadAgenda(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInputOf(g))
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f))
}

func (h *Handlers) hostSaveAgenda(c *fiber.Ctx) error {
	a, g, err := h.loadAgenda(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	var in AgendaInput
	readAgendaForm(c, f, &in)
	for _, e := range in.Check() {
		f.fail(e)
	}
	if len(f.Errs) == 0 {
		_, err := h.svc.UpdateAgenda(c.UserContext(), a.ID, g.ID, func(cur *AgendaInput) error {
			*cur = in
			return nil
		})
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_saved", fiber.StatusSeeOther)
		}
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			f.Errs["title"] = web.Message(f.lang, web.Normalize(err))
			c.Status(fiber.StatusConflict)
			return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f))
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f))
}

func (h *Handlers) hostDeleteAgenda(c *fiber.Ctx) error {
	a, g, err := h.loadAgenda(c, true)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteAgenda(c.UserContext(), a.ID, g.ID); err != nil {
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			return h.renderOverview(c, a, web.Message(web.Lang(c), web.Normalize(err)))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_deleted", fiber.StatusSeeOther)
}

func (h *Handlers) hostMoveAgenda(c *fiber.Ctx) error {
	a, g, err := h.loadAgenda(c, true)
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := h.svc.MoveAgenda(c.UserContext(), a.ID, g.ID, delta); err != nil {
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			return h.renderOverview(c, a, web.Message(web.Lang(c), web.Normalize(err)))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done=moved#agenda-"+g.IDString(), fiber.StatusSeeOther)
}
