package assembly

import (
	"context"
	"crypto/rand"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
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
	Slug       string
	District   string
	Dong       string
	Title      string
	Place      string
	StartsAt   time.Time
	EndsAt     time.Time
	BudgetCap  int64
	Method     string
	MaxChoices int
	MinChoices int // 0: 1
	MinAge     int
	Eligible   []string
	Residents  *int
	// MinTurnoutPercent needs Residents.
	MinTurnoutPercent *float64
	OnlineFrom        *time.Time
	OnlineUntil       *time.Time
	Sealed            bool
	TieBreak          string
}

// InputOf returns the input that would recreate a, for edits.
func InputOf(a *Assembly) AssemblyInput {
	return AssemblyInput{Slug: a.Slug, District: a.District, Dong: a.Dong, Title: a.Title, Place: a.Place,
		StartsAt: a.StartsAt, EndsAt: a.EndsAt, BudgetCap: a.BudgetCap, Method: a.Method, MaxChoices: a.MaxChoices,
		MinChoices: a.MinChoices, MinAge: a.MinAge, Eligible: a.Eligible, Residents: a.Residents,
		MinTurnoutPercent: a.MinTurnoutPercent,
		OnlineFrom:        a.OnlineFrom, OnlineUntil: a.OnlineUntil, Sealed: a.Sealed, TieBreak: a.TieBreak}
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
	if in.MinChoices == 0 || in.Method == MethodBudget {
		in.MinChoices = 1
	}
	if in.MinChoices < 1 || in.MaxChoices >= 1 && in.MinChoices > in.MaxChoices {
		bad("min_choices", "assembly.bad_min_choices")
	}
	if in.MinAge < 0 || in.MinAge > 120 {
		bad("min_age", "assembly.bad_min_age")
	}
	in.Eligible = normalEligible(in.Eligible)
	if in.Eligible == nil {
		bad("eligible", "assembly.bad_eligible")
	}
	if in.Residents != nil && (*in.Residents < 1 || *in.Residents > 10_000_000) {
		bad("residents", "assembly.bad_residents")
	}
	if p := in.MinTurnoutPercent; p != nil {
		switch {
		case !(*p > 0 && *p <= 100):
			bad("min_turnout_percent", "assembly.bad_min_turnout")
		case in.Residents == nil:
			bad("residents", "assembly.need_residents")
		}
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

// normalEligible returns the categories in their usual order without
// repeats ([] for none), or nil when one is unknown.
func normalEligible(in []string) []string {
	out := []string{}
	for _, c := range EligibleCategories {
		for _, v := range in {
			if v == c {
				out = append(out, c)
				break
			}
		}
	}
	for _, v := range in {
		known := false
		for _, c := range EligibleCategories {
			known = known || v == c
		}
		if !known {
			return nil
		}
	}
	return out
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
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var err error
		a, err = createAssembly(ctx, tx, in, createdBy)
		return err
	})
	if err != nil {
		return nil, wrap("create assembly", err)
	}
	s.OnChange(a.ID)
	return a, nil
}

func createAssembly(ctx context.Context, tx pgx.Tx, in AssemblyInput, createdBy *int64) (*Assembly, error) {
	chosen := in.Slug != ""
	for attempt := 0; ; attempt++ {
		slug := in.Slug
		if !chosen {
			slug = dongSlug(ctx, tx, in.Dong, in.StartsAt)
		}
		// A savepoint, so a taken generated slug can be retried in the same transaction.
		sp, err := tx.Begin(ctx)
		if err != nil {
			return nil, err
		}
		rows, _ := sp.Query(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
			budget_cap, method, max_choices, online_from, online_until, sealed, tie_break, created_by,
			min_choices, min_age, eligible, residents, min_turnout_percent)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20)
			RETURNING `+assemblyColumns,
			slug, in.District, in.Dong, in.Title, in.Place, in.StartsAt, in.EndsAt, in.BudgetCap, in.Method,
			in.MaxChoices, in.OnlineFrom, in.OnlineUntil, in.Sealed, in.TieBreak, createdBy,
			in.MinChoices, in.MinAge, in.Eligible, in.Residents, in.MinTurnoutPercent)
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
// min and max choices, eligibility, turnout minimum, online window, sealed,
// tie-break, times) are frozen and a
// change answers ECONFLICT; title and place may still be corrected until the
// results are announced. The slug changes only while draft (ECONFLICT
// afterwards). Returns ENOTFOUND for an unknown id.
func (s *Service) UpdateAssembly(ctx context.Context, id int64, in AssemblyInput) (*Assembly, error) {
	cur, err := FindAssembly(ctx, s.pool, id)
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
	rows, _ := s.pool.Query(ctx, `UPDATE assemblies SET slug = $2, title = $3, place = $4, starts_at = $5,
		ends_at = $6, budget_cap = $7, method = $8, max_choices = $9, online_from = $10, online_until = $11,
		sealed = $12, tie_break = $13, min_choices = $14, min_age = $15, eligible = $16, residents = $17,
		min_turnout_percent = $18, updated_at = now()
		WHERE id = $1 AND state <> 'announced'
		  AND (slug = $2 OR state = 'draft')
		  AND (state IN ('draft', 'published') OR (starts_at = $5 AND ends_at = $6 AND budget_cap = $7
		       AND method = $8 AND max_choices = $9 AND online_from IS NOT DISTINCT FROM $10
		       AND online_until IS NOT DISTINCT FROM $11 AND sealed = $12 AND tie_break = $13
		       AND min_choices = $14 AND min_age = $15 AND eligible = $16
		       AND residents IS NOT DISTINCT FROM $17 AND min_turnout_percent IS NOT DISTINCT FROM $18))
		RETURNING `+assemblyColumns,
		id, in.Slug, in.Title, in.Place, in.StartsAt, in.EndsAt, in.BudgetCap, in.Method, in.MaxChoices,
		in.OnlineFrom, in.OnlineUntil, in.Sealed, in.TieBreak, in.MinChoices, in.MinAge, in.Eligible,
		in.Residents, in.MinTurnoutPercent)
	a, err := oneAssembly(rows)
	if database.IsUniqueViolation(err, "assemblies_slug_key") {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "slug", "assembly.slug_taken")
	}
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		if _, ferr := FindAssembly(ctx, s.pool, id); ferr != nil {
			return nil, ferr
		}
		return nil, maeul.Errorf(maeul.ECONFLICT, "assembly.rules_frozen")
	}
	if err != nil {
		return nil, wrap("update assembly", err)
	}
	s.OnChange(a.ID)
	return a, nil
}

// Scope says which assemblies a list covers: a district ("" = every
// district) and a dong ("" = every dong of it).
type Scope struct {
	District, Dong string
	None           bool // nothing: a role that lists no assemblies
}

// ScopeOf is what a host may read: the city everything, a district its
// dongs, a dong host its own dong.
func ScopeOf(u *account.User) Scope {
	switch u.Role {
	case account.RoleCity:
		return Scope{}
	case account.RoleDistrict:
		return Scope{District: u.District}
	case account.RoleDong:
		return Scope{District: u.District, Dong: u.Dong}
	}
	// Departments, finance and monitors see agendas through their own
	// pages, never the host list of assemblies (drafts included).
	return Scope{None: true}
}

// ListAssemblies returns the assemblies in scope, the latest first (at most 500).
// Rehearsal copies are left out: they are reached from the real assembly.
func (s *Service) ListAssemblies(ctx context.Context, sc Scope) ([]*Assembly, error) {
	if sc.None {
		return nil, nil
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies
		WHERE rehearsal_of IS NULL AND ($1 = '' OR district = $1) AND ($2 = '' OR dong = $2)
		ORDER BY starts_at DESC, id DESC LIMIT 500`, sc.District, sc.Dong)
	list, err := pgx.CollectRows(rows, pgx.RowToAddrOfStructByName[Assembly])
	return list, wrap("list assemblies", err)
}

// PublicAssemblies returns the assemblies residents may read (published or
// later, rehearsal copies left out), newest first, at most limit of them.
func PublicAssemblies(ctx context.Context, q Querier, limit int) ([]Assembly, error) {
	rows, _ := q.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies
		WHERE state <> 'draft' AND rehearsal_of IS NULL
		ORDER BY starts_at DESC, id DESC LIMIT $1`, limit)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[Assembly])
	return list, wrap("public assemblies", err)
}

// PublicAssemblies is the package function on the service's pool.
func (s *Service) PublicAssemblies(ctx context.Context, limit int) ([]Assembly, error) {
	return PublicAssemblies(ctx, s.pool, limit)
}
