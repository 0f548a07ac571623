package assembly

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// agendaValues fills the agenda form from in (every field of the table).
func agendaValues(f *formValues, in AgendaInput) {
	for i := range agendaFields {
		fd := &agendaFields[i]
		f.V[fd.JSON] = fd.String(&in)
	}
}

// readAgendaForm reads every field of the table from the posted form; a
// number that cannot be read, or a required one left empty, is a problem of
// its field. The rest is for Check. While correcting, the form shows the
// fields that decided the vote as text: they keep in's value.
func readAgendaForm(c *fiber.Ctx, f *formValues, in *AgendaInput, correcting bool) {
	for i := range agendaFields {
		fd := &agendaFields[i]
		if fd.ReadOnly {
			continue
		}
		if correcting && !fd.Correctable {
			f.V[fd.JSON] = fd.String(in)
			continue
		}
		v := c.FormValue(fd.JSON)
		f.V[fd.JSON] = v
		switch fd.Kind {
		case kindText, kindChoice:
			fd.SetText(in, v)
		case kindMoney:
			n, ok := parseWon(v)
			if !ok {
				f.Errs[fd.JSON] = i18n.T(f.lang, "host.bad_number")
			}
			fd.SetInt(in, n)
			if fd.Required && strings.TrimSpace(v) == "" {
				f.Errs[fd.JSON] = i18n.T(f.lang, "host.need_cost")
			}
		case kindRound:
			n, ok := parseRound(v)
			if !ok {
				n = -1 // Check says why
			}
			fd.SetInt(in, int64(n))
		}
	}
}

var agendaLegends = []string{"list", "plan", "review"}

// agendaFormPage draws the table's fields in their groups.
// Once voting has opened every field is read-only, except the correctable
// ones while the district has returned the list (note).
func (h *Handlers) agendaFormPage(c *fiber.Ctx, a *Assembly, g *Agenda, f *formValues, note *ReturnNote) formPage {
	lang := f.lang
	var groups []formGroup
	for _, legend := range agendaLegends {
		grp := formGroup{Legend: i18n.T(lang, "host.legend."+legend)}
		for i := range agendaFields {
			fd := &agendaFields[i]
			if fd.Group != legend {
				continue
			}
			var opts []formOption
			switch fd.Kind {
			case kindChoice:
				opts = append(opts, formOption{Value: "", Label: i18n.T(lang, fd.OptionNone)})
				for _, v := range fd.Choices {
					opts = append(opts, formOption{Value: v, Label: i18n.T(lang, fd.Options+v)})
				}
			case kindRound:
				for n := 1; n <= 3; n++ {
					opts = append(opts, formOption{Value: strconv.Itoa(n), Label: i18n.T(lang, "host.round", n)})
				}
			}
			control := fd.Control
			if fd.Name == "Subcommittee" {
				if subs := h.subcommittees(c, a); len(subs) > 0 {
					control = "select"
					opts = append(opts, formOption{Value: "", Label: i18n.T(lang, "host.choose")})
					cur := f.V[fd.JSON]
					for _, s := range subs {
						opts = append(opts, formOption{Value: s, Label: s})
					}
					if cur != "" && !contains(subs, cur) {
						opts = append(opts, formOption{Value: cur, Label: cur})
					}
				}
			}
			ff := f.field(fd.JSON, control, fd.Required, opts...)
			if fd.ReadOnly && g != nil {
				ff.Value = fd.String(&g.AgendaFields)
				if fd.Kind == kindChoice && ff.Value != "" {
					ff.Value = i18n.T(lang, fd.Options+ff.Value)
				}
			}
			if fd.Hint {
				ff = f.hinted(ff)
			}
			if a.RulesFrozen() && (note == nil || !fd.Correctable) {
				// Read-only: shown as text, with why when the rest is open.
				ff.Kind, ff.Value = "static", staticValue(lang, fd, f.V[fd.JSON], opts)
				if note != nil && fd.ReadOnly {
					ff.Locked = i18n.T(lang, "host.review.readonly") // the department writes it
				} else if note != nil {
					ff.Locked = i18n.T(lang, fd.LockedKey())
				}
			}
			grp.Fields = append(grp.Fields, ff)
		}
		groups = append(groups, grp)
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
	switch {
	case a.RulesFrozen() && note != nil:
		p.Notice, p.Submit = i18n.T(lang, "agenda.correcting", note.Reason), i18n.T(lang, "agenda.correct_save")
	case a.RulesFrozen():
		p.Notice, p.Submit = i18n.T(lang, "agenda.readonly"), ""
	}
	return p
}

// staticValue is how a read-only field shows its value: an amount in won,
// a choice by its label.
func staticValue(lang string, fd *agendaField, v string, opts []formOption) string {
	if fd.Kind == kindMoney {
		if n, ok := parseWon(v); ok {
			return web.Money(lang, n)
		}
	}
	for _, o := range opts {
		if o.Value == v {
			return o.Label
		}
	}
	return v
}

func (h *Handlers) hostNewAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInput{DraftingRound: 1})
	f.V["cost"], f.V["current_subsidy"], f.V["capital_subsidy"] = "", "", ""
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, nil, f, nil))
}

func (h *Handlers) hostCreateAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	var in AgendaInput
	readAgendaForm(c, f, &in, false)
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
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, nil, f, nil))
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
	note, err := h.svc.Correcting(c.UserContext(), a)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	agendaValues(f, AgendaInputOf(g))
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f, note))
}

func (h *Handlers) hostSaveAgenda(c *fiber.Ctx) error {
	a, g, err := h.loadAgenda(c, true)
	if err != nil {
		return err
	}
	note, err := h.svc.Correcting(c.UserContext(), a)
	if err != nil {
		return err
	}
	f := newForm(web.Lang(c), "host.g.")
	in := AgendaInputOf(g)
	readAgendaForm(c, f, &in, note != nil)
	for _, e := range in.Check() {
		f.fail(e)
	}
	if len(f.Errs) == 0 {
		_, err := h.svc.UpdateAgenda(c.UserContext(), a.ID, g.ID, func(cur *AgendaInput) error {
			in.copyReadOnly(cur)
			*cur = in
			return nil
		})
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=agenda_saved", fiber.StatusSeeOther)
		}
		if me := web.Normalize(err); me.Code == maeul.ECONFLICT {
			field := me.Field
			if field == "" {
				field = "title"
			}
			f.Errs[field] = web.Message(f.lang, me)
			c.Status(fiber.StatusConflict)
			return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f, note))
		}
		if err := f.fail(err); err != nil {
			return err
		}
	}
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "assembly/host_form", h.agendaFormPage(c, a, g, f, note))
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

// subcommittees is the 분과 list of the assembly's dong and year, if filed.
func (h *Handlers) subcommittees(c *fiber.Ctx, a *Assembly) []string {
	if h.svc.Subcommittees == nil {
		return nil
	}
	subs, err := h.svc.Subcommittees(c.UserContext(), a.District, a.Dong, a.StartsAt.In(seoul).Year())
	if err != nil {
		return nil
	}
	return subs
}
