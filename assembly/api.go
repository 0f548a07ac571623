package assembly

import (
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

func apiRoutes(app *fiber.App, s *Service, auth *account.Auth) {
	app.Get("/api/v1/assemblies", auth.Require, s.apiList)
	app.Post("/api/v1/assemblies", auth.Require, s.apiCreate)
	app.Get("/api/v1/assemblies/:id", auth.Require, s.apiGet)
	app.Patch("/api/v1/assemblies/:id", auth.Require, s.apiUpdate)
	app.Post("/api/v1/assemblies/:id/publish", auth.Require, s.apiPublish)
	app.Post("/api/v1/assemblies/:id/unpublish", auth.Require, s.apiUnpublish)
	app.Post("/api/v1/assemblies/:id/agendas", auth.Require, s.apiAddAgenda)
	app.Post("/api/v1/assemblies/:id/agendas/reorder", auth.Require, s.apiReorder)
	app.Post("/api/v1/assemblies/:id/agendas/import", auth.Require, s.apiImport)
	app.Patch("/api/v1/assemblies/:id/agendas/:agendaID", auth.Require, s.apiUpdateAgenda)
	app.Delete("/api/v1/assemblies/:id/agendas/:agendaID", auth.Require, s.apiDeleteAgenda)
}

// AssemblyJSON is an assembly as the API shows it (../shared/API.md).
type AssemblyJSON struct {
	ID          string       `json:"id"`
	Slug        string       `json:"slug"`
	State       string       `json:"state"`
	District    string       `json:"district"`
	Dong        string       `json:"dong"`
	Title       string       `json:"title"`
	Place       string       `json:"place"`
	StartsAt    string       `json:"starts_at"`
	EndsAt      string       `json:"ends_at"`
	BudgetCap   int64        `json:"budget_cap"`
	Method      string       `json:"method"`
	MaxChoices  int          `json:"max_choices"`
	OnlineFrom  *string      `json:"online_from"`
	OnlineUntil *string      `json:"online_until"`
	Sealed      bool         `json:"sealed"`
	TieBreak    string       `json:"tie_break"`
	Agendas     []AgendaJSON `json:"agendas"`
}

// AgendaJSON is an agenda as the API shows it.
type AgendaJSON struct {
	ID                 string `json:"id"`
	Number             int    `json:"number"`
	Title              string `json:"title"`
	Summary            string `json:"summary"`
	Location           string `json:"location"`
	Cost               int64  `json:"cost"`
	CurrentSubsidy     int64  `json:"current_subsidy"`
	CapitalSubsidy     int64  `json:"capital_subsidy"`
	Subcommittee       string `json:"subcommittee"`
	Proposer           string `json:"proposer"`
	ExecutionType      string `json:"execution_type"`
	DistrictDepartment string `json:"district_department"`
	CityDepartment     string `json:"city_department"`
	DraftingRound      int16  `json:"drafting_round"`
	Purpose            string `json:"purpose"`
	Period             string `json:"period"`
	Executor           string `json:"executor"`
	Approach           string `json:"approach"`
	RelatedParties     string `json:"related_parties"`
	FuturePlan         string `json:"future_plan"`
	Remarks            string `json:"remarks"`
	ReviewResult       string `json:"review_result"`
	ReviewDepartment   string `json:"review_department"`
	ReviewNotes        string `json:"review_notes"`
}

// JSON is the API view of an assembly with its agendas (ids as strings,
// times in RFC 3339 in Seoul time). Agendas is never null.
func JSON(a *Assembly, agendas []Agenda) AssemblyJSON {
	j := AssemblyJSON{ID: a.IDString(), Slug: a.Slug, State: a.State, District: a.District, Dong: a.Dong,
		Title: a.Title, Place: a.Place, StartsAt: rfc3339(a.StartsAt), EndsAt: rfc3339(a.EndsAt),
		BudgetCap: a.BudgetCap, Method: a.Method, MaxChoices: a.MaxChoices, Sealed: a.Sealed,
		TieBreak: a.TieBreak, Agendas: make([]AgendaJSON, 0, len(agendas))}
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
	return AgendaJSON{ID: g.IDString(), Number: g.Number, Title: g.Title, Summary: g.Summary,
		Location: g.Location, Cost: g.Cost, CurrentSubsidy: g.CurrentSubsidy, CapitalSubsidy: g.CapitalSubsidy,
		Subcommittee: g.Subcommittee, Proposer: g.Proposer, ExecutionType: g.ExecutionType,
		DistrictDepartment: g.DistrictDepartment, CityDepartment: g.CityDepartment,
		DraftingRound: g.DraftingRound, Purpose: g.Purpose, Period: g.Period, Executor: g.Executor,
		Approach: g.Approach, RelatedParties: g.RelatedParties, FuturePlan: g.FuturePlan, Remarks: g.Remarks,
		ReviewResult: g.ReviewResult, ReviewDepartment: g.ReviewDepartment, ReviewNotes: g.ReviewNotes}
}

func rfc3339(t time.Time) string { return t.In(web.Seoul).Format(time.RFC3339) }

// assemblyBody is the JSON a host sends to create or change an assembly.
// Times are strings so that a bad one is reported with its field.
type assemblyBody struct {
	Slug        string  `json:"slug"`
	District    string  `json:"district"`
	Dong        string  `json:"dong"`
	Title       string  `json:"title"`
	Place       string  `json:"place"`
	StartsAt    string  `json:"starts_at"`
	EndsAt      string  `json:"ends_at"`
	BudgetCap   int64   `json:"budget_cap"`
	Method      string  `json:"method"`
	MaxChoices  int     `json:"max_choices"`
	OnlineFrom  *string `json:"online_from"`
	OnlineUntil *string `json:"online_until"`
	Sealed      bool    `json:"sealed"`
	TieBreak    string  `json:"tie_break"`
}

func bodyOf(in AssemblyInput) assemblyBody {
	b := assemblyBody{Slug: in.Slug, District: in.District, Dong: in.Dong, Title: in.Title, Place: in.Place,
		BudgetCap: in.BudgetCap, Method: in.Method, MaxChoices: in.MaxChoices, Sealed: in.Sealed, TieBreak: in.TieBreak}
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
		BudgetCap: b.BudgetCap, Method: b.Method, MaxChoices: b.MaxChoices, Sealed: b.Sealed, TieBreak: b.TieBreak}
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

// decodeJSON reads a JSON body onto v, keeping the fields it does not name
// (so a PATCH starts from the current values). Unreadable JSON is EMALFORMED
// (400); a value of the wrong type is EINVALID (422) naming the field.
func decodeJSON(c *fiber.Ctx, v any) error {
	body := c.Body()
	if len(strings.TrimSpace(string(body))) == 0 {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	err := json.Unmarshal(body, v)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
		}
		return maeul.FieldErrorf(maeul.EINVALID, field, "assembly.bad_value")
	}
	if err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	return nil
}

// load finds the assembly of the :id parameter and checks that the host may
// read it (manage=false) or change it (manage=true): ENOTFOUND, then
// EFORBIDDEN.
func (s *Service) load(c *fiber.Ctx, manage bool) (*Assembly, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := FindAssembly(c.UserContext(), s.Env.Pool, id)
	if err != nil {
		return nil, err
	}
	u := account.CurrentUser(c)
	if !u.CanRead(a.District, a.Dong) || (manage && !u.CanManage(a.District, a.Dong)) {
		return nil, account.Forbid()
	}
	return a, nil
}

// ScopeOf is what a host may read: the city everything, a district its
// dongs, a dong host its own dong.
func ScopeOf(u *account.User) Scope {
	switch u.Role {
	case account.RoleCity:
		return Scope{}
	case account.RoleDistrict:
		return Scope{District: u.District}
	}
	return Scope{District: u.District, Dong: u.Dong}
}

func (s *Service) apiList(c *fiber.Ctx) error {
	list, err := s.ListAssemblies(c.UserContext(), ScopeOf(account.CurrentUser(c)))
	if err != nil {
		return err
	}
	out := make([]AssemblyJSON, 0, len(list))
	for _, a := range list {
		j := JSON(a, nil)
		j.Agendas = nil
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"assemblies": out})
}

func (s *Service) apiCreate(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	b := assemblyBody{Sealed: true, TieBreak: TieBreakCostAsc}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	if u.Role != account.RoleDong {
		return account.Forbid()
	}
	if strings.TrimSpace(b.District) == "" && strings.TrimSpace(b.Dong) == "" {
		b.District, b.Dong = u.District, u.Dong // a dong host's own dong by default
	}
	if !u.CanManage(strings.TrimSpace(b.District), strings.TrimSpace(b.Dong)) {
		return account.Forbid()
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	a, err := s.CreateAssembly(c.UserContext(), in, &u.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(JSON(a, nil))
}

func (s *Service) apiGet(c *fiber.Ctx) error {
	a, err := s.load(c, false)
	if err != nil {
		return err
	}
	gs, err := FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(JSON(a, gs))
}

func (s *Service) apiUpdate(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	b := bodyOf(InputOf(a))
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	a, err = s.UpdateAssembly(c.UserContext(), a.ID, in)
	if err != nil {
		return err
	}
	gs, err := FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(JSON(a, gs))
}

func (s *Service) apiPublish(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	if a, err = s.Publish(c.UserContext(), a.ID); err != nil {
		return err
	}
	return c.JSON(JSON(a, nil))
}

func (s *Service) apiUnpublish(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	if a, err = s.Unpublish(c.UserContext(), a.ID); err != nil {
		return err
	}
	return c.JSON(JSON(a, nil))
}

func (s *Service) apiAddAgenda(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	var in AgendaInput
	if err := decodeJSON(c, &in); err != nil {
		return err
	}
	g, err := s.AddAgenda(c.UserContext(), a.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(AgendaView(g))
}

func (s *Service) apiUpdateAgenda(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	gid := web.ParseID(c.Params("agendaID"))
	if gid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	g, err := s.UpdateAgenda(c.UserContext(), a.ID, gid, func(in *AgendaInput) error {
		return decodeJSON(c, in)
	})
	if err != nil {
		return err
	}
	return c.JSON(AgendaView(g))
}

func (s *Service) apiDeleteAgenda(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	gid := web.ParseID(c.Params("agendaID"))
	if gid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	if err := s.DeleteAgenda(c.UserContext(), a.ID, gid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Service) apiReorder(c *fiber.Ctx) error {
	a, err := s.load(c, true)
	if err != nil {
		return err
	}
	var b struct {
		Order []any `json:"order"` // ids as strings (or numbers, leniently)
	}
	if err := decodeJSON(c, &b); err != nil {
		return err
	}
	order := make([]int64, 0, len(b.Order))
	for _, v := range b.Order {
		var id int64
		switch v := v.(type) {
		case string:
			id = web.ParseID(v)
		case float64:
			if v == float64(int64(v)) {
				id = int64(v)
			}
		}
		if id <= 0 {
			return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
		}
		order = append(order, id)
	}
	if err := s.ReorderAgendas(c.UserContext(), a.ID, order); err != nil {
		return err
	}
	gs, err := FindAgendas(c.UserContext(), s.Env.Pool, a.ID)
	if err != nil {
		return err
	}
	return c.JSON(JSON(a, gs))
}
