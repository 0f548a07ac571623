package assembly

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

func hostRoutes(app *fiber.App, s *Service, auth *account.Auth) {
	app.Get("/host", auth.Require, s.hostHome)
	app.Get("/host/assemblies/new", auth.Require, s.hostNewAssembly)
	app.Post("/host/assemblies", auth.Require, s.hostCreateAssembly)
	app.Get("/host/assemblies/:id", auth.Require, s.hostAssembly)
	app.Get("/host/assemblies/:id/edit", auth.Require, s.hostEditAssembly)
	app.Post("/host/assemblies/:id/edit", auth.Require, s.hostSaveAssembly)
	app.Post("/host/assemblies/:id/publish", auth.Require, s.hostPublish)
	app.Post("/host/assemblies/:id/unpublish", auth.Require, s.hostUnpublish)
	app.Get("/host/assemblies/:id/agendas/new", auth.Require, s.hostNewAgenda)
	app.Post("/host/assemblies/:id/agendas", auth.Require, s.hostCreateAgenda)
	app.Get("/host/assemblies/:id/import", auth.Require, s.hostImportPage)
	app.Post("/host/assemblies/:id/import", auth.Require, s.hostImport)
	app.Get("/host/agendas/:id", auth.Require, s.hostEditAgenda)
	app.Post("/host/agendas/:id", auth.Require, s.hostSaveAgenda)
	app.Post("/host/agendas/:id/delete", auth.Require, s.hostDeleteAgenda)
	app.Post("/host/agendas/:id/move", auth.Require, s.hostMoveAgenda)
	app.Get("/host/import-example.csv", auth.Require, s.hostImportExample)
	// A refused form is answered at its own address; the page's language
	// link (?lang=en) comes back to it with GET: send it to the form.
	app.Get("/host/assemblies", auth.Require, func(c *fiber.Ctx) error {
		return c.Redirect("/host/assemblies/new", fiber.StatusSeeOther)
	})
	app.Get("/host/assemblies/:id/agendas", auth.Require, func(c *fiber.Ctx) error {
		return c.Redirect("/host/assemblies/"+strconv.FormatInt(web.ParseID(c.Params("id")), 10)+"/agendas/new", fiber.StatusSeeOther)
	})
}

// --- the dashboard ---------------------------------------------------------

type hostHomePage struct {
	web.Page
	Assemblies []hostRow
	CanCreate  bool
	ScopeText  string
	// Role lets district and city hosts reach their submission overviews.
	Role string
}

type hostRow struct {
	*Assembly
	When       string
	StateLabel string
}

func (s *Service) hostHome(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	lang := web.Lang(c)
	list, err := s.ListAssemblies(c.UserContext(), ScopeOf(u))
	if err != nil {
		return err
	}
	p := hostHomePage{Page: hostPage(c, nil, i18n.T(lang, "host.home.title")), CanCreate: u.Role == account.RoleDong, Role: u.Role}
	switch u.Role {
	case account.RoleCity:
		p.ScopeText = i18n.T(lang, "host.scope.city")
	case account.RoleDistrict:
		p.ScopeText = i18n.T(lang, "host.scope.district", u.District)
	default:
		p.ScopeText = i18n.T(lang, "host.scope.dong", u.District, u.Dong)
	}
	for _, a := range list {
		p.Assemblies = append(p.Assemblies, hostRow{Assembly: a, When: timeRange(lang, a.StartsAt, a.EndsAt),
			StateLabel: i18n.T(lang, "host.state."+a.State)})
	}
	return s.Env.Views.Render(c, "assembly/host_home", p)
}

func hostPage(c *fiber.Ctx, a *Assembly, title string) web.Page {
	p := Page(c, a, title)
	p.NoIndex = true
	return p
}

// --- forms -----------------------------------------------------------------

// formField is one labelled control; the template draws every kind the same
// way, with its hint and error tied to it by aria-describedby.
type formField struct {
	Name     string
	Label    string
	Hint     string
	Kind     string // text, textarea, number, datetime, select, checkbox, static
	Value    string
	Checked  bool
	Error    string
	Required bool
	Options  []formOption
}

type formOption struct {
	Value, Label string
}

type formGroup struct {
	Legend string
	Fields []formField
}

type formPage struct {
	web.Page
	Assembly *Assembly
	Agenda   *Agenda
	Heading  string
	Action   string
	Submit   string
	Cancel   string
	Groups   []formGroup
	HasError bool
	Notice   string
}

// formValues is a submitted (or prefilled) form with its problems by field.
type formValues struct {
	V    map[string]string
	Errs map[string]string
	lang string
	// prefix picks the labels: "host.f." (assembly) or "host.g." (agenda);
	// hints are under prefix + "hint.".
	prefix string
}

func newForm(lang, prefix string) *formValues {
	return &formValues{V: map[string]string{}, Errs: map[string]string{}, lang: lang, prefix: prefix}
}

func (f *formValues) fail(err error) error {
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code != maeul.EINVALID && !(me.Code == maeul.ECONFLICT && me.Field != "") {
		return err
	}
	if _, dup := f.Errs[me.Field]; !dup {
		f.Errs[me.Field] = web.Message(f.lang, me)
	}
	return nil
}

func (f *formValues) field(name, kind string, required bool, opts ...formOption) formField {
	return formField{Name: name, Label: i18n.T(f.lang, f.prefix+name), Kind: kind, Value: f.V[name],
		Checked: f.V[name] == "on", Error: f.Errs[name], Required: required, Options: opts}
}

func (f *formValues) hinted(ff formField) formField {
	ff.Hint = i18n.T(f.lang, f.prefix+"hint."+ff.Name)
	return ff
}

const formTime = "2006-01-02T15:04"

func localTime(t time.Time) string { return t.In(web.Seoul).Format(formTime) }

// parseLocal reads a datetime-local value in Seoul time.
func parseLocal(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{formTime, "2006-01-02T15:04:05", "2006-01-02 15:04"} {
		if t, err := time.ParseInLocation(layout, s, web.Seoul); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// parseWon reads "30,000,000" or "30000000원".
func parseWon(s string) (int64, bool) {
	s = strings.TrimSuffix(squeeze(strings.ReplaceAll(s, ",", "")), "원")
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil && n >= 0
}

// --- assembly forms --------------------------------------------------------

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
		"max_choices", "online_from", "online_until", "sealed", "tie_break"} {
		f.V[k] = c.FormValue(k)
	}
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
}

func (s *Service) assemblyFormPage(c *fiber.Ctx, a *Assembly, f *formValues) formPage {
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
			p.Groups[1].Fields[i].Value = s.ruleText(lang, a, p.Groups[1].Fields[i].Name)
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
func (s *Service) ruleText(lang string, a *Assembly, name string) string {
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

func (s *Service) hostNewAssembly(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if u.Role != account.RoleDong {
		return account.Forbid()
	}
	f := newForm(web.Lang(c), "host.f.")
	assemblyValues(f, AssemblyInput{District: u.District, Dong: u.Dong, Method: MethodApproval, MaxChoices: 3,
		BudgetCap: 30_000_000, Sealed: true, TieBreak: TieBreakCostAsc,
		Title: i18n.T(f.lang, "host.new.default_title", time.Now().In(web.Seoul).Year(), u.Dong)})
	return s.Env.Views.Render(c, "assembly/host_form", s.assemblyFormPage(c, nil, f))
}

func (s *Service) hostCreateAssembly(c *fiber.Ctx) error {
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
		a, err := s.CreateAssembly(c.UserContext(), in, &u.ID)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=created", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.Env.Views.Render(c, "assembly/host_form", s.assemblyFormPage(c, nil, f))
}

func (s *Service) hostEditAssembly(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.f.")
	assemblyValues(f, InputOf(a))
	return s.Env.Views.Render(c, "assembly/host_form", s.assemblyFormPage(c, a, f))
}

func (s *Service) hostSaveAssembly(c *fiber.Ctx) error {
	a, err := s.load(c, true)
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
		_, err := s.UpdateAssembly(c.UserContext(), a.ID, in)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=saved", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.Env.Views.Render(c, "assembly/host_form", s.assemblyFormPage(c, a, f))
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
}

var doneKeys = map[string]bool{"created": true, "saved": true, "published": true, "unpublished": true,
	"agenda_added": true, "agenda_saved": true, "agenda_deleted": true, "moved": true, "imported": true}

func (s *Service) hostAssembly(c *fiber.Ctx) error {
	a, err := s.load(c, false)
	if err != nil {
		return err
	}
	return s.renderOverview(c, a, "")
}

func (s *Service) renderOverview(c *fiber.Ctx, a *Assembly, errMsg string) error {
	lang := web.Lang(c)
	gs, err := FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	p := hostAssemblyPage{Page: hostPage(c, a, a.Title), A: a, Agendas: gs,
		StateLabel: i18n.T(lang, "host.state."+a.State), MethodText: MethodText(lang, a),
		When: timeRange(lang, a.StartsAt, a.EndsAt), TieText: i18n.T(lang, "host.tie."+a.TieBreak),
		CanManage: account.CurrentUser(c).CanManage(a.District, a.Dong), Frozen: a.RulesFrozen(), Error: errMsg}
	p.Wide = true
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
	return s.Env.Views.Render(c, "assembly/host_assembly", p)
}

// stateAction runs a state change; a refusal (409/422) is shown on the
// overview instead of an error page, so the host sees why.
func (s *Service) stateAction(c *fiber.Ctx, do func(id int64) (*Assembly, error), done string) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	if _, err := do(a.ID); err != nil {
		var me *maeul.Error
		if errors.As(err, &me) && (me.Code == maeul.ECONFLICT || me.Code == maeul.EINVALID) {
			return s.renderOverview(c, a, web.Message(web.Lang(c), me))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done="+done, fiber.StatusSeeOther)
}

func (s *Service) hostPublish(c *fiber.Ctx) error {
	return s.stateAction(c, func(id int64) (*Assembly, error) { return s.Publish(c.UserContext(), id) }, "published")
}

func (s *Service) hostUnpublish(c *fiber.Ctx) error {
	return s.stateAction(c, func(id int64) (*Assembly, error) { return s.Unpublish(c.UserContext(), id) }, "unpublished")
}

// --- agenda forms ----------------------------------------------------------

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

func (s *Service) agendaFormPage(c *fiber.Ctx, a *Assembly, g *Agenda, f *formValues) formPage {
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

func (s *Service) hostNewAgenda(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInput{DraftingRound: 1})
	f.V["cost"], f.V["current_subsidy"], f.V["capital_subsidy"] = "", "", ""
	return s.Env.Views.Render(c, "assembly/host_form", s.agendaFormPage(c, a, nil, f))
}

func (s *Service) hostCreateAgenda(c *fiber.Ctx) error {
	a, err := s.load(c, true)
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
		_, err := s.AddAgenda(c.UserContext(), a.ID, in)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_added", fiber.StatusSeeOther)
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.Env.Views.Render(c, "assembly/host_form", s.agendaFormPage(c, a, nil, f))
}

// loadAgenda finds the agenda of the :id parameter and its assembly, and
// checks the host's rights as load does.
func (s *Service) loadAgenda(c *fiber.Ctx, manage bool) (*Assembly, *Agenda, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, nil, maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	g, err := FindAgenda(c.UserContext(), s.Env.Pool, id)
	if err != nil {
		return nil, nil, err
	}
	a, err := FindAssembly(c.UserContext(), s.Env.Pool, g.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	u := account.CurrentUser(c)
	if !u.CanRead(a.District, a.Dong) || (manage && !u.CanManage(a.District, a.Dong)) {
		return nil, nil, account.Forbid()
	}
	return a, g, nil
}

func (s *Service) hostEditAgenda(c *fiber.Ctx) error {
	a, g, err := s.loadAgenda(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInputOf(g))
	return s.Env.Views.Render(c, "assembly/host_form", s.agendaFormPage(c, a, g, f))
}

func (s *Service) hostSaveAgenda(c *fiber.Ctx) error {
	a, g, err := s.loadAgenda(c, true)
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
		_, err := s.UpdateAgenda(c.UserContext(), a.ID, g.ID, func(cur *AgendaInput) error {
			*cur = in
			return nil
		})
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_saved", fiber.StatusSeeOther)
		}
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			f.Errs["title"] = web.Message(f.lang, web.Normalize(err))
			c.Status(fiber.StatusConflict)
			return s.Env.Views.Render(c, "assembly/host_form", s.agendaFormPage(c, a, g, f))
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return s.Env.Views.Render(c, "assembly/host_form", s.agendaFormPage(c, a, g, f))
}

func (s *Service) hostDeleteAgenda(c *fiber.Ctx) error {
	a, g, err := s.loadAgenda(c, true)
	if err != nil {
		return err
	}
	if err := s.DeleteAgenda(c.UserContext(), a.ID, g.ID); err != nil {
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			return s.renderOverview(c, a, web.Message(web.Lang(c), web.Normalize(err)))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_deleted", fiber.StatusSeeOther)
}

func (s *Service) hostMoveAgenda(c *fiber.Ctx) error {
	a, g, err := s.loadAgenda(c, true)
	if err != nil {
		return err
	}
	delta := 1
	if c.FormValue("dir") == "up" {
		delta = -1
	}
	if err := s.MoveAgenda(c.UserContext(), a.ID, g.ID, delta); err != nil {
		if maeul.ErrorCode(err) == maeul.ECONFLICT {
			return s.renderOverview(c, a, web.Message(web.Lang(c), web.Normalize(err)))
		}
		return err
	}
	return c.Redirect("/host/assemblies/"+a.IDString()+"?done=moved#agenda-"+g.IDString(), fiber.StatusSeeOther)
}

// --- import ----------------------------------------------------------------

type hostImportPage struct {
	web.Page
	A       *Assembly
	Error   string
	Rows    []web.APIRowError
	Columns []string
}

var importHeader = []string{"사업명", "사업내용", "위치", "사업비 (원)", "경상보조", "자본보조", "자치구 담당부서",
	"서울시 담당부서", "분과", "제안자", "실행유형", "비고"}

func (s *Service) hostImportPage(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	return s.renderImport(c, a, "", nil)
}

func (s *Service) renderImport(c *fiber.Ctx, a *Assembly, msg string, rows []web.APIRowError) error {
	lang := web.Lang(c)
	p := hostImportPage{Page: hostPage(c, a, i18n.T(lang, "host.import.title")), A: a, Error: msg, Rows: rows,
		Columns: importHeader}
	p.Wide = len(rows) > 0
	return s.Env.Views.Render(c, "assembly/host_import", p)
}

func (s *Service) hostImport(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	name, data, err := importFile(c)
	if err == nil {
		var n int
		n, err = s.ImportAgendas(c.UserContext(), a.ID, name, data)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=imported&n="+strconv.Itoa(n), fiber.StatusSeeOther)
		}
	}
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code == maeul.EINTERNAL || me.Code == maeul.EUNAVAILABLE {
		return err
	}
	c.Status(web.Status(me.Code))
	var rows []web.APIRowError
	if len(me.Rows) > 0 {
		rows = rowErrors(lang, me)
	}
	return s.renderImport(c, a, web.Message(lang, me), rows)
}

// hostImportExample is a CSV with the 서식 2-5 headers and one example row,
// to fill in with a spreadsheet.
func (s *Service) hostImportExample(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("\ufeff")
	b.WriteString(strings.Join(importHeader, ",") + "\r\n")
	b.WriteString(`주민과 상인 우리 지금 만나!,축산물시장 인근 환경개선을 위한 소통모임 운영,축산물시장 인근 상가,5000000,2000000,3000000,마을과/지역경제과,지역공동체담당관,소통분과,주민 홍길동,민관 협력형,` + "\r\n")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="agendas.csv"; filename*=UTF-8''`+url.PathEscape("의제목록.csv"))
	return c.SendString(b.String())
}
