package assembly

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// AssemblyJSON is an assembly as the API shows it (../shared/API.md).
type AssemblyJSON struct {
	ID         string   `json:"id"`
	Slug       string   `json:"slug"`
	State      string   `json:"state"`
	District   string   `json:"district"`
	Dong       string   `json:"dong"`
	Title      string   `json:"title"`
	Place      string   `json:"place"`
	StartsAt   string   `json:"starts_at"`
	EndsAt     string   `json:"ends_at"`
	BudgetCap  int64    `json:"budget_cap"`
	Method     string   `json:"method"`
	MaxChoices int      `json:"max_choices"`
	MinChoices int      `json:"min_choices"`
	MinAge     int      `json:"min_age"`
	Eligible   []string `json:"eligible"`
	Residents  *int     `json:"residents"`
	// MinTurnoutPercent is the share of Residents that must vote (null: none).
	MinTurnoutPercent *float64     `json:"min_turnout_percent"`
	OnlineFrom        *string      `json:"online_from"`
	OnlineUntil       *string      `json:"online_until"`
	Sealed            bool         `json:"sealed"`
	TieBreak          string       `json:"tie_break"`
	Agendas           []AgendaJSON `json:"agendas"`
}

// AgendaJSON is an agenda as the API shows it: its id and number, then
// its fields by their JSON names.
type AgendaJSON struct {
	ID     string `json:"id"`
	Number int    `json:"number"`
	AgendaFields
}

// JSON is the API view of an assembly with its agendas (ids as strings,
// times in RFC 3339 in Seoul time). Agendas is never null.
func JSON(a *Assembly, agendas []Agenda) AssemblyJSON {
	j := AssemblyJSON{ID: a.IDString(), Slug: a.Slug, State: a.State, District: a.District, Dong: a.Dong,
		Title: a.Title, Place: a.Place, StartsAt: rfc3339(a.StartsAt), EndsAt: rfc3339(a.EndsAt),
		BudgetCap: a.BudgetCap, Method: a.Method, MaxChoices: a.MaxChoices, Sealed: a.Sealed,
		MinChoices: a.MinChoices, MinAge: a.MinAge, Eligible: a.Eligible, Residents: a.Residents,
		MinTurnoutPercent: a.MinTurnoutPercent,
		TieBreak:          a.TieBreak, Agendas: make([]AgendaJSON, 0, len(agendas))}
	if j.Eligible == nil {
		j.Eligible = []string{}
	}
	if a.OnlineFrom != nil {
		s := rfc3339(*a.OnlineFrom)
		j.OnlineFrom = &s
	}
	if a.OnlineUntil != nil {
		s := rfc3339(*a.OnlineUntil)
		j.OnlineUntil = &s
	}
	for i := range agendas {
		j.Agendas = append(j.Agendas, AgendaView(&agendas[i]))
	}
	return j
}

// AgendaView is the API view of one agenda.
func AgendaView(g *Agenda) AgendaJSON {
	return AgendaJSON{ID: g.IDString(), Number: g.Number, AgendaFields: g.AgendaFields}
}

func rfc3339(t time.Time) string { return t.In(web.Seoul).Format(time.RFC3339) }

// assemblyBody is the JSON a host sends to create or change an assembly.
// Times are strings so that a bad one is reported with its field.
type assemblyBody struct {
	Slug              string   `json:"slug"`
	District          string   `json:"district"`
	Dong              string   `json:"dong"`
	Title             string   `json:"title"`
	Place             string   `json:"place"`
	StartsAt          string   `json:"starts_at"`
	EndsAt            string   `json:"ends_at"`
	BudgetCap         int64    `json:"budget_cap"`
	Method            string   `json:"method"`
	MaxChoices        int      `json:"max_choices"`
	MinChoices        int      `json:"min_choices"`
	MinAge            int      `json:"min_age"`
	Eligible          []string `json:"eligible"`
	Residents         *int     `json:"residents"`
	MinTurnoutPercent *float64 `json:"min_turnout_percent"`
	OnlineFrom        *string  `json:"online_from"`
	OnlineUntil       *string  `json:"online_until"`
	Sealed            bool     `json:"sealed"`
	TieBreak          string   `json:"tie_break"`
}

func bodyOf(in AssemblyInput) assemblyBody {
	b := assemblyBody{Slug: in.Slug, District: in.District, Dong: in.Dong, Title: in.Title, Place: in.Place,
		BudgetCap: in.BudgetCap, Method: in.Method, MaxChoices: in.MaxChoices, Sealed: in.Sealed, TieBreak: in.TieBreak,
		MinChoices: in.MinChoices, MinAge: in.MinAge, Eligible: in.Eligible, Residents: in.Residents,
		MinTurnoutPercent: in.MinTurnoutPercent}
	if !in.StartsAt.IsZero() {
		b.StartsAt = in.StartsAt.Format(time.RFC3339Nano)
	}
	if !in.EndsAt.IsZero() {
		b.EndsAt = in.EndsAt.Format(time.RFC3339Nano)
	}
	if in.OnlineFrom != nil {
		s := in.OnlineFrom.Format(time.RFC3339Nano)
		b.OnlineFrom = &s
	}
	if in.OnlineUntil != nil {
		s := in.OnlineUntil.Format(time.RFC3339Nano)
		b.OnlineUntil = &s
	}
	return b
}

func (b *assemblyBody) input() (AssemblyInput, error) {
	in := AssemblyInput{Slug: b.Slug, District: b.District, Dong: b.Dong, Title: b.Title, Place: b.Place,
		BudgetCap: b.BudgetCap, Method: b.Method, MaxChoices: b.MaxChoices, Sealed: b.Sealed, TieBreak: b.TieBreak,
		MinChoices: b.MinChoices, MinAge: b.MinAge, Eligible: b.Eligible, Residents: b.Residents,
		MinTurnoutPercent: b.MinTurnoutPercent}
	var err error
	if in.StartsAt, err = parseTime("starts_at", b.StartsAt); err != nil {
		return in, err
	}
	if in.EndsAt, err = parseTime("ends_at", b.EndsAt); err != nil {
		return in, err
	}
	if in.OnlineFrom, err = parseOptTime("online_from", b.OnlineFrom); err != nil {
		return in, err
	}
	if in.OnlineUntil, err = parseOptTime("online_until", b.OnlineUntil); err != nil {
		return in, err
	}
	return in, nil
}

func parseTime(field, s string) (time.Time, error) {
	if strings.TrimSpace(s) == "" {
		return time.Time{}, nil // Check reports the missing time
	}
	t, err := time.Parse(time.RFC3339, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, maeul.FieldErrorf(maeul.EINVALID, field, "assembly.bad_time")
	}
	return t, nil
}

func parseOptTime(field string, s *string) (*time.Time, error) {
	if s == nil || strings.TrimSpace(*s) == "" {
		return nil, nil
	}
	t, err := parseTime(field, *s)
	return &t, err
}

// load finds the assembly of the :id parameter and checks that the host may
// read it (manage=false) or change it (manage=true): ENOTFOUND, then
// EFORBIDDEN.
func (h *Handlers) load(c *fiber.Ctx, manage bool) (*Assembly, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := h.svc.FindAssembly(c.UserContext(), id)
	if err != nil {
		return nil, err
	}
	u := account.CurrentUser(c)
	if !u.CanRead(a.District, a.Dong) && a.State == StateDraft {
		// A draft is unknown to whoever may not see it: no existence oracle.
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	if !u.CanRead(a.District, a.Dong) || (manage && !u.CanManage(a.District, a.Dong)) {
		return nil, account.Forbid()
	}
	return a, nil
}
