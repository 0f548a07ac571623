package assembly

import (
	"context"
	"crypto/rand"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/database"
)

// Limits on what a host may type. The database holds the hard ones (title ≤ 200).
const (
	maxTitle     = 200
	maxShortText = 200
	maxLongText  = 5000
	maxMoney     = 1_000_000_000_000 // 1조원: far above any dong's budget
	maxChoices   = 100
)

// AssemblyInput is what a host sets on an assembly.
type AssemblyInput struct {
	Slug        string
	District    string
	Dong        string
	Title       string
	Place       string
	StartsAt    time.Time
	EndsAt      time.Time
	BudgetCap   int64
	Method      string
	MaxChoices  int
	OnlineFrom  *time.Time
	OnlineUntil *time.Time
	Sealed      bool
	TieBreak    string
}

// InputOf returns the input that would recreate a, for edits.
func InputOf(a *Assembly) AssemblyInput {
	return AssemblyInput{Slug: a.Slug, District: a.District, Dong: a.Dong, Title: a.Title, Place: a.Place,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, BudgetCap: a.BudgetCap, Method: a.Method, MaxChoices: a.MaxChoices,
		OnlineFrom: a.OnlineFrom, OnlineUntil: a.OnlineUntil, Sealed: a.Sealed, TieBreak: a.TieBreak}
}

var slugRe = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{2,63}$`)

// Check trims the text fields and returns every problem, each an EINVALID
// naming its field (the JSON name); nil when the input is good.
func (in *AssemblyInput) Check() []*maeul.Error {
	var errs []*maeul.Error
	bad := func(field, key string, args ...any) {
		errs = append(errs, maeul.FieldErrorf(maeul.EINVALID, field, key, args...))
	}
	in.Slug = strings.TrimSpace(in.Slug)
	in.District, in.Dong = strings.TrimSpace(in.District), strings.TrimSpace(in.Dong)
	in.Title, in.Place = strings.TrimSpace(in.Title), strings.TrimSpace(in.Place)
	if in.Slug != "" && !slugRe.MatchString(in.Slug) {
		bad("slug", "assembly.bad_slug")
	}
	if in.District == "" || utf8.RuneCountInString(in.District) > 40 {
		bad("district", "assembly.need_district")
	}
	if in.Dong == "" || utf8.RuneCountInString(in.Dong) > 40 {
		bad("dong", "assembly.need_dong")
	}
	if in.Title == "" {
		bad("title", "assembly.need_title")
	} else if utf8.RuneCountInString(in.Title) > maxTitle {
		bad("title", "assembly.title_too_long", maxTitle)
	}
	if utf8.RuneCountInString(in.Place) > maxLongText {
		bad("place", "assembly.text_too_long", maxLongText)
	}
	if in.StartsAt.IsZero() {
		bad("starts_at", "assembly.need_time")
	}
	if in.EndsAt.IsZero() {
		bad("ends_at", "assembly.need_time")
	} else if !in.StartsAt.IsZero() && !in.EndsAt.After(in.StartsAt) {
		bad("ends_at", "assembly.ends_before_start")
	}
	if in.BudgetCap <= 0 || in.BudgetCap > maxMoney {
		bad("budget_cap", "assembly.bad_budget_cap")
	}
	switch in.Method {
	case MethodApproval, MethodRanked, MethodBudget:
	default:
		bad("method", "assembly.bad_method")
	}
	if in.Method == MethodBudget && in.MaxChoices == 0 {
		in.MaxChoices = maxChoices // the budget, not a count, limits a budget ballot
	}
	if in.MaxChoices < 1 || in.MaxChoices > maxChoices {
		bad("max_choices", "assembly.bad_max_choices", maxChoices)
	}
	switch {
	case (in.OnlineFrom == nil) != (in.OnlineUntil == nil):
		if in.OnlineFrom == nil {
			bad("online_from", "assembly.online_both")
		} else {
			bad("online_until", "assembly.online_both")
		}
	case in.OnlineFrom != nil && !in.OnlineUntil.After(*in.OnlineFrom):
		bad("online_until", "assembly.online_order")
	case in.OnlineUntil != nil && !in.EndsAt.IsZero() && in.OnlineUntil.After(in.EndsAt):
		bad("online_until", "assembly.online_after_end")
	}
	if in.TieBreak == "" {
		in.TieBreak = TieBreakCostAsc
	}
	if in.TieBreak != TieBreakCostAsc && in.TieBreak != TieBreakNumberAsc {
		bad("tie_break", "assembly.bad_tie_break")
	}
	return errs
}

// Validate returns the first problem of Check, or nil.
func (in *AssemblyInput) Validate() error {
	if errs := in.Check(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

// CreateAssembly creates a draft assembly. It returns EINVALID for a bad
// field and ECONFLICT (field slug) when the chosen slug is taken. Without a
// slug one is made up from the year and random letters.
func (s *Service) CreateAssembly(ctx context.Context, in AssemblyInput, createdBy *int64) (*Assembly, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var a *Assembly
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		var err error
		a, err = createAssembly(ctx, tx, in, createdBy)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.OnChange(a.ID)
	return a, nil
}

func createAssembly(ctx context.Context, tx pgx.Tx, in AssemblyInput, createdBy *int64) (*Assembly, error) {
	chosen := in.Slug != ""
	for attempt := 0; ; attempt++ {
		slug := in.Slug
		if !chosen {
			slug = newSlug(in.StartsAt)
		}
		// A savepoint, so a taken generated slug can be retried in the same transaction.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return nil, err
		}
		rows, _ := sp.Query(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
			budget_cap, method, max_choices, online_from, online_until, sealed, tie_break, created_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
			RETURNING `+assemblyColumns,
			slug, in.District, in.Dong, in.Title, in.Place, in.StartsAt, in.EndsAt, in.BudgetCap, in.Method,
			in.MaxChoices, in.OnlineFrom, in.OnlineUntil, in.Sealed, in.TieBreak, createdBy)
		a, err := oneAssembly(rows)
		if database.IsUniqueViolation(err, "assemblies_slug_key") {
			sp.Rollback(ctx)
			if chosen {
				return nil, maeul.FieldErrorf(maeul.ECONFLICT, "slug", "assembly.slug_taken")
			}
			if attempt < 5 {
				continue
			}
		}
		if err != nil {
			sp.Rollback(ctx)
			return nil, err
		}
		return a, sp.Commit(ctx)
	}
}

const slugLetters = "abcdefghijkmnpqrstuvwxyz23456789"

// newSlug makes a short, unguessable-enough, readable slug: 2027-k3f9x2.
func newSlug(starts time.Time) string {
	b := make([]byte, 6)
	rand.Read(b)
	for i := range b {
		b[i] = slugLetters[int(b[i])%len(slugLetters)]
	}
	year := time.Now().Year()
	if !starts.IsZero() {
		year = starts.Year()
	}
	return strconv.Itoa(year) + "-" + string(b)
}

// UpdateAssembly changes an assembly. District and dong never change
// (EINVALID). Once voting has opened the voting rules (budget cap, method,
// max choices, online window, sealed, tie-break, times) are frozen and a
// change answers ECONFLICT; title and place may still be corrected until the
// results are announced. The slug changes only while draft (ECONFLICT
// afterwards). Returns ENOTFOUND for an unknown id.
func (s *Service) UpdateAssembly(ctx context.Context, id int64, in AssemblyInput) (*Assembly, error) {
	cur, err := FindAssembly(ctx, s.Env.Pool, id)
	if err != nil {
		return nil, err
	}
	if in.District != cur.District {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "district", "assembly.district_fixed")
	}
	if in.Dong != cur.Dong {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "dong", "assembly.district_fixed")
	}
	if in.Slug == "" {
		in.Slug = cur.Slug
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	// The WHERE clause is the guard: the rules (and the slug) may differ from
	// the stored ones only in the states that allow it.
	rows, _ := s.Env.Pool.Query(ctx, `UPDATE assemblies SET slug = $2, title = $3, place = $4, starts_at = $5,
		ends_at = $6, budget_cap = $7, method = $8, max_choices = $9, online_from = $10, online_until = $11,
		sealed = $12, tie_break = $13, updated_at = now()
		WHERE id = $1 AND state <> 'announced'
		  AND (slug = $2 OR state = 'draft')
		  AND (state IN ('draft', 'published') OR (starts_at = $5 AND ends_at = $6 AND budget_cap = $7
		       AND method = $8 AND max_choices = $9 AND online_from IS NOT DISTINCT FROM $10
		       AND online_until IS NOT DISTINCT FROM $11 AND sealed = $12 AND tie_break = $13))
		RETURNING `+assemblyColumns,
		id, in.Slug, in.Title, in.Place, in.StartsAt, in.EndsAt, in.BudgetCap, in.Method, in.MaxChoices,
		in.OnlineFrom, in.OnlineUntil, in.Sealed, in.TieBreak)
	a, err := oneAssembly(rows)
	if database.IsUniqueViolation(err, "assemblies_slug_key") {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "slug", "assembly.slug_taken")
	}
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		if _, ferr := FindAssembly(ctx, s.Env.Pool, id); ferr != nil {
			return nil, ferr
		}
		return nil, maeul.Errorf(maeul.ECONFLICT, "assembly.rules_frozen")
	}
	if err != nil {
		return nil, err
	}
	s.OnChange(a.ID)
	return a, nil
}

// Scope says which assemblies a list covers: a district ("" = every
// district) and a dong ("" = every dong of it).
type Scope struct{ District, Dong string }

// ListAssemblies returns the assemblies in scope, the latest first (at most 500).
// Rehearsal copies are left out: they are reached from the real assembly.
func (s *Service) ListAssemblies(ctx context.Context, sc Scope) ([]*Assembly, error) {
	rows, _ := s.Env.Pool.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies
		WHERE rehearsal_of IS NULL AND ($1 = '' OR district = $1) AND ($2 = '' OR dong = $2)
		ORDER BY starts_at DESC, id DESC LIMIT 500`, sc.District, sc.Dong)
	return pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Assembly])
}

// AgendaInput is what a host sets on an agenda: every field of 서식 2-5, the
// 실행계획서 and the 서식 2-6 review.
type AgendaInput struct {
	Title              string `json:"title"`
	Summary            string `json:"summary"`
	Location           string `json:"location"`
	Cost               int64  `json:"cost"`
	CurrentSubsidy     int64  `json:"current_subsidy"`
	CapitalSubsidy     int64  `json:"capital_subsidy"`
	DistrictDepartment string `json:"district_department"`
	CityDepartment     string `json:"city_department"`
	Subcommittee       string `json:"subcommittee"`
	Proposer           string `json:"proposer"`
	ExecutionType      string `json:"execution_type"`
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

// AgendaInputOf returns the input that would recreate g, for edits.
func AgendaInputOf(g *Agenda) AgendaInput {
	return AgendaInput{Title: g.Title, Summary: g.Summary, Location: g.Location, Cost: g.Cost,
		CurrentSubsidy: g.CurrentSubsidy, CapitalSubsidy: g.CapitalSubsidy,
		DistrictDepartment: g.DistrictDepartment, CityDepartment: g.CityDepartment,
		Subcommittee: g.Subcommittee, Proposer: g.Proposer, ExecutionType: g.ExecutionType,
		DraftingRound: g.DraftingRound, Purpose: g.Purpose, Period: g.Period, Executor: g.Executor,
		Approach: g.Approach, RelatedParties: g.RelatedParties, FuturePlan: g.FuturePlan, Remarks: g.Remarks,
		ReviewResult: g.ReviewResult, ReviewDepartment: g.ReviewDepartment, ReviewNotes: g.ReviewNotes}
}

// Execution types (실행 유형).
const (
	ExecPrivate       = "private"        // 민간 주도형
	ExecPublicPrivate = "public_private" // 민관 협력형
	ExecPublic        = "public"         // 관주도형
	ExecOther         = "other"          // 기타
)

// ExecutionTypes lists the execution types in the order of the form.
var ExecutionTypes = []string{ExecPrivate, ExecPublicPrivate, ExecPublic, ExecOther}

// Check trims the text fields and returns every problem, each an EINVALID
// naming its JSON field; nil when the input is good.
func (in *AgendaInput) Check() []*maeul.Error {
	var errs []*maeul.Error
	bad := func(field, key string, args ...any) {
		errs = append(errs, maeul.FieldErrorf(maeul.EINVALID, field, key, args...))
	}
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		bad("title", "agenda.need_title")
	} else if utf8.RuneCountInString(in.Title) > maxTitle {
		bad("title", "assembly.title_too_long", maxTitle)
	}
	short := []struct {
		field string
		v     *string
	}{
		{"location", &in.Location}, {"district_department", &in.DistrictDepartment},
		{"city_department", &in.CityDepartment}, {"subcommittee", &in.Subcommittee},
		{"proposer", &in.Proposer}, {"period", &in.Period}, {"executor", &in.Executor},
		{"review_department", &in.ReviewDepartment},
	}
	for _, f := range short {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > maxShortText {
			bad(f.field, "assembly.text_too_long", maxShortText)
		}
	}
	long := []struct {
		field string
		v     *string
	}{
		{"summary", &in.Summary}, {"purpose", &in.Purpose}, {"approach", &in.Approach},
		{"related_parties", &in.RelatedParties}, {"future_plan", &in.FuturePlan},
		{"remarks", &in.Remarks}, {"review_notes", &in.ReviewNotes},
	}
	for _, f := range long {
		*f.v = strings.TrimSpace(*f.v)
		if utf8.RuneCountInString(*f.v) > maxLongText {
			bad(f.field, "assembly.text_too_long", maxLongText)
		}
	}
	if in.Cost < 0 || in.Cost > maxMoney {
		bad("cost", "agenda.bad_cost")
	}
	if in.CurrentSubsidy < 0 || in.CurrentSubsidy > maxMoney {
		bad("current_subsidy", "agenda.bad_money")
	}
	if in.CapitalSubsidy < 0 || in.CapitalSubsidy > maxMoney {
		bad("capital_subsidy", "agenda.bad_money")
	}
	if in.CurrentSubsidy >= 0 && in.CapitalSubsidy >= 0 && in.CurrentSubsidy+in.CapitalSubsidy != 0 &&
		in.CurrentSubsidy+in.CapitalSubsidy != in.Cost {
		bad("current_subsidy", "agenda.subsidy_sum")
	}
	in.ExecutionType = strings.TrimSpace(in.ExecutionType)
	if in.ExecutionType != "" && !contains(ExecutionTypes, in.ExecutionType) {
		bad("execution_type", "agenda.bad_execution_type")
	}
	if in.DraftingRound == 0 {
		in.DraftingRound = 1
	}
	if in.DraftingRound < 1 || in.DraftingRound > 3 {
		bad("drafting_round", "agenda.bad_round")
	}
	in.ReviewResult = strings.TrimSpace(in.ReviewResult)
	if in.ReviewResult != "" && in.ReviewResult != "adequate" && in.ReviewResult != "inadequate" {
		bad("review_result", "agenda.bad_review")
	}
	return errs
}

// Validate returns the first problem of Check, or nil.
func (in *AgendaInput) Validate() error {
	if errs := in.Check(); len(errs) > 0 {
		return errs[0]
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// lockEditable locks the assembly row for the rest of tx and returns it;
// ENOTFOUND for an unknown id, ECONFLICT once voting has opened. The lock
// makes opening the vote wait for an agenda change in flight, and orders
// concurrent changes so numbers stay 1..N.
func lockEditable(ctx context.Context, tx pgx.Tx, id int64) (*Assembly, error) {
	rows, _ := tx.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies WHERE id = $1 FOR UPDATE`, id)
	a, err := oneAssembly(rows)
	if err != nil {
		return nil, err
	}
	if a.RulesFrozen() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "agenda.frozen")
	}
	return a, nil
}

// FindAgenda returns the agenda with that id, or ENOTFOUND.
func FindAgenda(ctx context.Context, q Querier, id int64) (*Agenda, error) {
	rows, _ := q.Query(ctx, `SELECT `+agendaColumns+` FROM agendas WHERE id = $1`, id)
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	return g, err
}

// AddAgenda adds an agenda after the existing ones. Returns EINVALID for a
// bad field, ENOTFOUND for an unknown assembly and ECONFLICT once voting has
// opened.
func (s *Service) AddAgenda(ctx context.Context, assemblyID int64, in AgendaInput) (*Agenda, error) {
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var g *Agenda
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		var err error
		g, err = insertAgenda(ctx, tx, assemblyID, in)
		return err
	})
	if err != nil {
		return nil, err
	}
	s.OnChange(assemblyID)
	return g, nil
}

// insertAgenda numbers the agenda after the last one; the caller holds the
// assembly's lock.
func insertAgenda(ctx context.Context, tx pgx.Tx, assemblyID int64, in AgendaInput) (*Agenda, error) {
	rows, _ := tx.Query(ctx, `INSERT INTO agendas (assembly_id, number, title, summary, location, cost,
		current_subsidy, capital_subsidy, district_department, city_department, subcommittee, proposer,
		execution_type, drafting_round, purpose, period, executor, approach, related_parties, future_plan,
		remarks, review_result, review_department, review_notes)
		VALUES ($1, (SELECT coalesce(max(number), 0) + 1 FROM agendas WHERE assembly_id = $1),
		$2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23)
		RETURNING `+agendaColumns,
		assemblyID, in.Title, in.Summary, in.Location, in.Cost, in.CurrentSubsidy, in.CapitalSubsidy,
		in.DistrictDepartment, in.CityDepartment, in.Subcommittee, in.Proposer, in.ExecutionType,
		in.DraftingRound, in.Purpose, in.Period, in.Executor, in.Approach, in.RelatedParties, in.FuturePlan,
		in.Remarks, in.ReviewResult, in.ReviewDepartment, in.ReviewNotes)
	return pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
}

// UpdateAgenda changes an agenda of an assembly: edit gets the current
// fields and changes them (a PATCH applies its JSON; a form sets them all).
// Returns ENOTFOUND if the agenda is not the assembly's, ECONFLICT once
// voting has opened, EINVALID for a bad field or whatever edit returns.
func (s *Service) UpdateAgenda(ctx context.Context, assemblyID, agendaID int64, edit func(*AgendaInput) error) (*Agenda, error) {
	var g *Agenda
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		cur, err := FindAgenda(ctx, tx, agendaID)
		if err != nil {
			return err
		}
		if cur.AssemblyID != assemblyID {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		in := AgendaInputOf(cur)
		if err := edit(&in); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		rows, _ := tx.Query(ctx, `UPDATE agendas SET title = $2, summary = $3, location = $4, cost = $5,
			current_subsidy = $6, capital_subsidy = $7, district_department = $8, city_department = $9,
			subcommittee = $10, proposer = $11, execution_type = $12, drafting_round = $13, purpose = $14,
			period = $15, executor = $16, approach = $17, related_parties = $18, future_plan = $19,
			remarks = $20, review_result = $21, review_department = $22, review_notes = $23, updated_at = now()
			WHERE id = $1 RETURNING `+agendaColumns,
			agendaID, in.Title, in.Summary, in.Location, in.Cost, in.CurrentSubsidy, in.CapitalSubsidy,
			in.DistrictDepartment, in.CityDepartment, in.Subcommittee, in.Proposer, in.ExecutionType,
			in.DraftingRound, in.Purpose, in.Period, in.Executor, in.Approach, in.RelatedParties,
			in.FuturePlan, in.Remarks, in.ReviewResult, in.ReviewDepartment, in.ReviewNotes)
		g, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
		return err
	})
	if err != nil {
		return nil, err
	}
	s.OnChange(assemblyID)
	return g, nil
}

// DeleteAgenda removes an agenda (with its photos and opinions) and closes
// the gap in the numbers. Returns ENOTFOUND if it is not the assembly's and
// ECONFLICT once voting has opened.
func (s *Service) DeleteAgenda(ctx context.Context, assemblyID, agendaID int64) error {
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		var number int
		err := tx.QueryRow(ctx, `DELETE FROM agendas WHERE id = $1 AND assembly_id = $2 RETURNING number`,
			agendaID, assemblyID).Scan(&number)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE agendas SET number = number - 1, updated_at = now()
			WHERE assembly_id = $1 AND number > $2`, assemblyID, number)
		return err
	})
	if err != nil {
		return err
	}
	s.OnChange(assemblyID)
	return nil
}

// ReorderAgendas numbers the agendas 1..N in the order given, which must
// name every agenda of the assembly once (EINVALID, field order, otherwise).
// ECONFLICT once voting has opened.
func (s *Service) ReorderAgendas(ctx context.Context, assemblyID int64, order []int64) error {
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		return reorder(ctx, tx, assemblyID, order)
	})
	if err != nil {
		return err
	}
	s.OnChange(assemblyID)
	return nil
}

func reorder(ctx context.Context, tx pgx.Tx, assemblyID int64, order []int64) error {
	rows, _ := tx.Query(ctx, `SELECT id FROM agendas WHERE assembly_id = $1`, assemblyID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	have := make(map[int64]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	seen := make(map[int64]bool, len(order))
	for _, id := range order {
		if !have[id] || seen[id] {
			return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
		}
		seen[id] = true
	}
	if len(order) != len(ids) {
		return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
	}
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS agendas_number_unique DEFERRED`); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE agendas g SET number = t.n, updated_at = now()
		FROM unnest($2::bigint[]) WITH ORDINALITY AS t(id, n)
		WHERE g.id = t.id AND g.assembly_id = $1 AND g.number <> t.n`, assemblyID, order)
	return err
}

// MoveAgenda swaps an agenda with its neighbour above (delta -1) or below
// (+1); a move past either end changes nothing.
func (s *Service) MoveAgenda(ctx context.Context, assemblyID, agendaID int64, delta int) error {
	err := pgx.BeginFunc(ctx, s.Env.Pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		gs, err := FindAgendas(ctx, tx, assemblyID)
		if err != nil {
			return err
		}
		order := make([]int64, len(gs))
		at := -1
		for i, g := range gs {
			order[i] = g.ID
			if g.ID == agendaID {
				at = i
			}
		}
		if at < 0 {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		to := at + delta
		if to < 0 || to >= len(order) {
			return nil
		}
		order[at], order[to] = order[to], order[at]
		return reorder(ctx, tx, assemblyID, order)
	})
	if err != nil {
		return err
	}
	s.OnChange(assemblyID)
	return nil
}
