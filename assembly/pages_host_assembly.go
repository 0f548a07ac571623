package assembly

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

func assemblyValues(f *formValues, in AssemblyInput) {
	f.V["slug"], f.V["title"], f.V["place"] = in.Slug, in.Title, in.Place
	f.V["district"], f.V["dong"] = in.District, in.Dong
	if !in.StartsAt.IsZero() {
		f.V["starts_at"] = localTime(in.StartsAt)
	}
	if !in.EndsAt.IsZero() {
		f.V["ends_at"] = localTime(in.EndsAt)
	}
	if in.BudgetCap > 0 {
		f.V["budget_cap"] = strconv.FormatInt(in.BudgetCap, 10)
	}
	f.V["method"], f.V["tie_break"] = in.Method, in.TieBreak
	if in.MaxChoices > 0 {
		f.V["max_choices"] = strconv.Itoa(in.MaxChoices)
	}
	if in.MinChoices > 1 {
		f.V["min_choices"] = strconv.Itoa(in.MinChoices)
	}
	if in.MinAge > 0 {
		f.V["min_age"] = strconv.Itoa(in.MinAge)
	}
	f.V["eligible"] = strings.Join(in.Eligible, ",")
	if in.Residents != nil {
		f.V["residents"] = strconv.Itoa(*in.Residents)
	}
	if in.MinTurnoutPercent != nil {
		f.V["min_turnout_percent"] = strconv.FormatFloat(*in.MinTurnoutPercent, 'f', -1, 64)
	}
	if in.OnlineFrom != nil {
		f.V["online_from"] = localTime(*in.OnlineFrom)
	}
	if in.OnlineUntil != nil {
		f.V["online_until"] = localTime(*in.OnlineUntil)
	}
	if in.Sealed {
		f.V["sealed"] = "on"
	}
}

// readAssemblyForm fills in from the posted form; with rulesToo false only
// the title and place are read (voting has opened).
func readAssemblyForm(c *fiber.Ctx, f *formValues, in *AssemblyInput, rulesToo bool) {
	for _, k := range []string{"slug", "title", "place", "starts_at", "ends_at", "budget_cap", "method",
		"max_choices", "min_choices", "min_age", "residents", "min_turnout_percent", "online_from",
		"online_until", "sealed", "tie_break"} {
		f.V[k] = c.FormValue(k)
	}
	var eligible []string
	for _, e := range EligibleCategories {
		if c.FormValue("eligible_"+e) != "" {
			eligible = append(eligible, e)
		}
	}
	f.V["eligible"] = strings.Join(eligible, ",")
	in.Title, in.Place = f.V["title"], f.V["place"]
	if !rulesToo {
		return
	}
	in.Slug = strings.TrimSpace(f.V["slug"])
	badTime := func(k string) {
		f.Errs[k] = i18n.T(f.lang, "host.bad_local_time")
	}
	in.StartsAt, in.EndsAt = time.Time{}, time.Time{}
	if v := f.V["starts_at"]; v != "" {
		if t, ok := parseLocal(v); ok {
			in.StartsAt = t
		} else {
			badTime("starts_at")
		}
	}
	if v := f.V["ends_at"]; v != "" {
		if t, ok := parseLocal(v); ok {
			in.EndsAt = t
		} else {
			badTime("ends_at")
		}
	}
	in.OnlineFrom, in.OnlineUntil = nil, nil
	if v := f.V["online_from"]; strings.TrimSpace(v) != "" {
		if t, ok := parseLocal(v); ok {
			in.OnlineFrom = &t
		} else {
			badTime("online_from")
		}
	}
	if v := f.V["online_until"]; strings.TrimSpace(v) != "" {
		if t, ok := parseLocal(v); ok {
			in.OnlineUntil = &t
		} else {
			badTime("online_until")
		}
	}
	if n, ok := parseWon(f.V["budget_cap"]); ok {
		in.BudgetCap = n
	} else {
		f.Errs["budget_cap"] = i18n.T(f.lang, "host.bad_number")
	}
	in.Method, in.TieBreak = f.V["method"], f.V["tie_break"]
	in.MaxChoices = 0
	if v := strings.TrimSpace(f.V["max_choices"]); v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			in.MaxChoices = n
		} else {
			f.Errs["max_choices"] = i18n.T(f.lang, "host.bad_number")
		}
	}
	in.Sealed = f.V["sealed"] != ""
	in.Eligible = eligible
	in.MinChoices, in.MinAge, in.Residents, in.MinTurnoutPercent = 0, 0, nil, nil
	optInt := func(k string) (int, bool) {
		v := strings.ReplaceAll(strings.TrimSpace(f.V[k]), ",", "")
		if v == "" {
			return 0, false
		}
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Errs[k] = i18n.T(f.lang, "host.bad_number")
			return 0, false
		}
		return n, true
	}
	in.MinChoices, _ = optInt("min_choices")
	in.MinAge, _ = optInt("min_age")
	if n, ok := optInt("residents"); ok {
		in.Residents = &n
	}
	if v := strings.TrimSuffix(strings.TrimSpace(f.V["min_turnout_percent"]), "%"); v != "" {
		if p, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil {
			in.MinTurnoutPercent = &p
		} else {
			f.Errs["min_turnout_percent"] = i18n.T(f.lang, "host.bad_number")
		}
	}
}

func (h *Handlers) assemblyFormPage(c *fiber.Ctx, a *Assembly, f *formValues) formPage {
	lang := f.lang
	opt := func(prefix string, vals ...string) []formOption {
		var out []formOption
		for _, v := range vals {
			out = append(out, formOption{Value: v, Label: i18n.T(lang, prefix+v)})
		}
		return out
	}
	frozen := a != nil && a.RulesFrozen()
	where := f.field("where", "static", false)
	where.Value = f.V["district"] + " " + f.V["dong"]
	basics := formGroup{Legend: i18n.T(lang, "host.legend.basics"), Fields: []formField{
		where,
		f.hinted(f.field("title", "text", true)),
		f.hinted(f.field("place", "textarea", false)),
	}}
	rules := formGroup{Legend: i18n.T(lang, "host.legend.rules"), Fields: []formField{
		f.hinted(f.field("starts_at", "datetime", true)),
		f.field("ends_at", "datetime", true),
		f.hinted(f.field("budget_cap", "number", true)),
		f.hinted(f.field("method", "select", true, opt("host.method.", MethodApproval, MethodRanked, MethodBudget)...)),
		f.hinted(f.field("max_choices", "number", false)),
		f.hinted(f.field("min_choices", "number", false)),
		f.hinted(f.checks("eligible", opt("host.eligible.", EligibleCategories...)...)),
		f.hinted(f.field("min_age", "number", false)),
		f.hinted(f.field("residents", "number", false)),
		f.hinted(f.field("min_turnout_percent", "text", false)),
		f.hinted(f.field("online_from", "datetime", false)),
		f.field("online_until", "datetime", false),
		f.hinted(f.field("sealed", "checkbox", false)),
		f.hinted(f.field("tie_break", "select", true, opt("host.tie.", TieBreakCostAsc, TieBreakNumberAsc)...)),
	}}
	if a == nil || a.State == StateDraft {
		rules.Fields = append(rules.Fields, f.hinted(f.field("slug", "text", false)))
	}
	p := formPage{Page: hostPage(c, a, ""), Assembly: a, Groups: []formGroup{basics, rules}, HasError: len(f.Errs) > 0}
	if frozen {
		for i := range p.Groups[1].Fields {
			p.Groups[1].Fields[i].Kind = "static"
			p.Groups[1].Fields[i].Required = false
			p.Groups[1].Fields[i].Value = h.ruleText(lang, a, p.Groups[1].Fields[i].Name)
			p.Groups[1].Fields[i].Hint = ""
		}
		p.Notice = i18n.T(lang, "host.rules_frozen_note")
	}
	p.Page.Wide = false
	if a == nil {
		p.Title = i18n.T(lang, "host.new.title")
		p.Heading, p.Action, p.Submit, p.Cancel = p.Title, "/host/assemblies", i18n.T(lang, "host.new.submit"), "/host"
	} else {
		p.Title = i18n.T(lang, "host.edit.title")
		p.Heading, p.Action = p.Title+" — "+a.Title, "/host/assemblies/"+a.IDString()+"/edit"
		p.Submit, p.Cancel = i18n.T(lang, "host.save"), "/host/assemblies/"+a.IDString()
	}
	return p
}

// ruleText shows a frozen rule as text.
func (h *Handlers) ruleText(lang string, a *Assembly, name string) string {
	switch name {
	case "starts_at":
		return web.FormatDateTime(lang, a.StartsAt)
	case "ends_at":
		return web.FormatDateTime(lang, a.EndsAt)
	case "budget_cap":
		return web.Money(lang, a.BudgetCap)
	case "method":
		return i18n.T(lang, "host.method."+a.Method)
	case "max_choices":
		return strconv.Itoa(a.MaxChoices)
	case "min_choices":
		return strconv.Itoa(a.MinChoices)
	case "min_age":
		if a.MinAge > 0 {
			return i18n.T(lang, "host.min_age_value", a.MinAge)
		}
	case "eligible":
		if len(a.Eligible) == 0 {
			return i18n.T(lang, "host.eligible.none")
		}
		var names []string
		for _, e := range a.Eligible {
			names = append(names, i18n.T(lang, "host.eligible."+e))
		}
		return strings.Join(names, ", ")
	case "residents":
		if a.Residents != nil {
			return web.Group(int64(*a.Residents))
		}
	case "min_turnout_percent":
		if a.MinTurnoutPercent != nil {
			return strconv.FormatFloat(*a.MinTurnoutPercent, 'f', -1, 64) + "%"
		}
	case "online_from":
		if a.OnlineFrom != nil {
			return web.FormatDateTime(lang, *a.OnlineFrom)
		}
	case "online_until":
		if a.OnlineUntil != nil {
			return web.FormatDateTime(lang, *a.OnlineUntil)
		}
	case "sealed":
		if a.Sealed {
			return i18n.T(lang, "host.yes")
		}
		return i18n.T(lang, "host.no")
	case "tie_break":
		return i18n.T(lang, "host.tie."+a.TieBreak)
	}
	return "—"
}

func (h *Handlers) hostNewAssembly(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if u.Role != account.RoleDong {
		return account.Forbid()
	}
	f := newForm(web.Lang(c), "host.f.")
	assemblyValues(f, AssemblyInput{District: u.District, Dong: u.Dong, Method: MethodApproval, MaxChoices: 3,
		BudgetCap: 30_000_000, Sealed: true, TieBreak: TieBreakCostAsc,
		Title: i18n.T(f.lang, "host.new.default_title", time.Now().In(web.Seoul).Year(), u.Dong)})
	return h.env.Views.Render(c, "assembly/host_form", h.assemblyFormPage(c, nil, f))
}

func (h *Handlers) hostCreateAssembly(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if u.Role != account.RoleDong {
		return account.Forbid()
	}
	f := newForm(web.Lang(c), "host.f.")
	in := AssemblyInput{District: u.District, Dong: u.Dong}
	readAssemblyForm(c, f, &in, true)
	f.V["district"], f.V["dong"] = u.District, u.Dong
	for _, e := range in.Check() {
		f.fail(e)
	}
	if len(f.Errs) == 0 {
		a, err := h.svc.CreateAssembly(c.UserContext(), in, &u.ID)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=created", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "assembly/host_form", h.assemblyFormPage(c, nil, f))
}

func (h *Handlers) hostEditAssembly(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.f.")
	assemblyValues(f, InputOf(a))
	return h.env.Views.Render(c, "assembly/host_form", h.assemblyFormPage(c, a, f))
}

func (h *Handlers) hostSaveAssembly(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.f.")
	assemblyValues(f, InputOf(a))
	in := InputOf(a)
	readAssemblyForm(c, f, &in, !a.RulesFrozen())
	for _, e := range in.Check() {
		f.fail(e)
	}
	if len(f.Errs) == 0 {
		_, err := h.svc.UpdateAssembly(c.UserContext(), a.ID, in)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=saved", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "assembly/host_form", h.assemblyFormPage(c, a, f))
}

// --- the overview ----------------------------------------------------------

type hostAssemblyPage struct {
	web.Page
	A          *Assembly
	Agendas    []Agenda
	Total      int64
	Over       bool
	BudgetText string
	Pct        int64
	StateLabel string
	MethodText string
	When       string
	Online     string
	TieText    string
	CanManage  bool
	Frozen     bool
	Done       string
	Error      string
	// Correcting: the district has returned the list; its reason.
	Correcting *ReturnNote
	// Unreviewed lists the agendas without a final review when a publish
	// waits for the host's confirmation.
	Unreviewed []Agenda
}

var doneKeys = map[string]bool{"created": true, "saved": true, "published": true, "unpublished": true,
	"agenda_added": true, "agenda_saved": true, "agenda_deleted": true, "moved": true, "imported": true}

func (h *Handlers) hostAssembly(c *fiber.Ctx) error {
	a, err := h.load(c, false)
	if err != nil {
		return err
	}
	return h.renderOverview(c, a, "")
}

func (h *Handlers) renderOverview(c *fiber.Ctx, a *Assembly, errMsg string) error {
	return h.renderOverviewWarn(c, a, nil, errMsg)
}

// renderOverviewWarn is renderOverview asking to confirm a publish despite
// the agendas in unreviewed.
func (h *Handlers) renderOverviewWarn(c *fiber.Ctx, a *Assembly, unreviewed []Agenda, errMsgs ...string) error {
	errMsg := ""
	if len(errMsgs) > 0 {
		errMsg = errMsgs[0]
	}
	lang := web.Lang(c)
	gs, err := h.svc.FindAgendas(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	p := hostAssemblyPage{Page: hostPage(c, a, a.Title), A: a, Agendas: gs,
		StateLabel: i18n.T(lang, "host.state."+a.State), MethodText: MethodText(lang, a),
		When: timeRange(lang, a.StartsAt, a.EndsAt), TieText: i18n.T(lang, "host.tie."+a.TieBreak),
		CanManage: account.CurrentUser(c).CanManage(a.District, a.Dong), Frozen: a.RulesFrozen(), Error: errMsg,
		Unreviewed: unreviewed}
	p.Wide = true
	if p.Correcting, err = h.svc.Correcting(c.UserContext(), a); err != nil {
		return err
	}
	for _, g := range gs {
		p.Total += g.Cost
	}
	p.BudgetText, p.Over = BudgetText(lang, p.Total, a.BudgetCap)
	p.Pct = min(100, p.Total*100/a.BudgetCap)
	if a.OnlineFrom != nil && a.OnlineUntil != nil {
		p.Online = timeRange(lang, *a.OnlineFrom, *a.OnlineUntil)
	}
	if d := c.Query("done"); doneKeys[d] {
		p.Done = i18n.T(lang, "host.done."+d)
		if d == "imported" {
			p.Done = i18n.T(lang, "host.done.imported", web.ParseID(c.Query("n")))
		}
	}
	if errMsg != "" {
		c.Status(fiber.StatusConflict)
	}
	return h.env.Views.Render(c, "assembly/host_assembly", p)
}

// stateAction runs a state change; a refusal (409/422) is shown on the
// overview instead of an error page, so the host sees why.
func (h *Handlers) stateAction(c *fiber.Ctx, do func(id int64) (*Assembly, error), done string) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	if _, err := do(a.ID); err != nil {
		var me *maeul.Error
		if errors.As(err, &me) && (me.Code == maeul.ECONFLICT || me.Code == maeul.EINVALID) {
			return h.renderOverview(c, a, web.Message(web.Lang(c), me))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done="+done, fiber.StatusSeeOther)
}

func (h *Handlers) hostPublish(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		a, err := h.load(c, true)
		if err != nil {
			return err
		}
		ws, err := h.svc.PublishWarnings(c.UserContext(), a.ID)
		if err != nil {
			return err
		}
		if len(ws) > 0 && a.State == StateDraft {
			return h.renderOverviewWarn(c, a, ws)
		}
	}
	return h.stateAction(c, func(id int64) (*Assembly, error) { return h.svc.Publish(c.UserContext(), id) }, "published")
}

func (h *Handlers) hostUnpublish(c *fiber.Ctx) error {
	return h.stateAction(c, func(id int64) (*Assembly, error) { return h.svc.Unpublish(c.UserContext(), id) }, "unpublished")
}
