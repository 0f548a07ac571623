// Package assembly owns village assemblies (마을총회) and their agendas
// (의제): setting them up, importing agendas, the agenda booklet (자료집),
// residents' opinions and the notice (공고문). It never imports voting.
package assembly

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// States, in order.
const (
	StateDraft     = "draft"
	StatePublished = "published"
	StateOpen      = "open"
	StateClosed    = "closed"
	StateAnnounced = "announced"
)

// Voting methods.
const (
	MethodApproval = "approval" // choose up to MaxChoices
	MethodRanked   = "ranked"   // rank up to MaxChoices; Borda points MaxChoices…1
	MethodBudget   = "budget"   // any set whose total cost fits BudgetCap
)

// Tie-break rules, chosen before voting opens and shown on the results.
const (
	TieBreakCostAsc   = "cost_asc"   // the lower cost first, then the lower number
	TieBreakNumberAsc = "number_asc" // the lower agenda number first
)

// Assembly is one village assembly of one dong.
type Assembly struct {
	ID         int64     `db:"id"`
	Slug       string    `db:"slug"`
	District   string    `db:"district"`
	Dong       string    `db:"dong"`
	Title      string    `db:"title"`
	Place      string    `db:"place"`
	StartsAt   time.Time `db:"starts_at"`
	EndsAt     time.Time `db:"ends_at"`
	BudgetCap  int64     `db:"budget_cap"`
	Method     string    `db:"method"`
	MaxChoices int       `db:"max_choices"`
	MinChoices int       `db:"min_choices"`
	// MinAge is the least age in full years (만 나이) on the day voting
	// opens; 0: none. Eligible lists who may register (EligibleCategories);
	// empty: no registration, codes are issued in bulk.
	MinAge   int      `db:"min_age"`
	Eligible []string `db:"eligible"`
	// Residents is the dong's resident count and MinTurnoutPercent the
	// share of them that must vote for the vote to be valid (nil: none).
	Residents         *int       `db:"residents"`
	MinTurnoutPercent *float64   `db:"min_turnout_percent"`
	OnlineFrom        *time.Time `db:"online_from"`
	OnlineUntil       *time.Time `db:"online_until"`
	Sealed            bool       `db:"sealed"`
	TieBreak          string     `db:"tie_break"`
	State             string     `db:"state"`
	RehearsalOf       *int64     `db:"rehearsal_of"`
	CreatedBy         *int64     `db:"created_by"`
	CreatedAt         time.Time  `db:"created_at"`
	UpdatedAt         time.Time  `db:"updated_at"`
	OpenedAt          *time.Time `db:"opened_at"`
	ClosedAt          *time.Time `db:"closed_at"`
	AnnouncedAt       *time.Time `db:"announced_at"`
}

// IDString is the opaque id the API shows.
func (a *Assembly) IDString() string { return strconv.FormatInt(a.ID, 10) }

// Who may register to vote (Assembly.Eligible).
const (
	EligibleResident        = "resident"         // 주민
	EligibleWorker          = "worker"           // 직장인
	EligibleStudent         = "student"          // 학생
	EligibleForeignResident = "foreign_resident" // 외국인 주민 (영주권자)
)

// EligibleCategories are the categories in the order forms list them.
var EligibleCategories = []string{EligibleResident, EligibleWorker, EligibleStudent, EligibleForeignResident}

// NeedsRegistration reports whether voters must be registered (eligibility
// checked at a desk, a booth or online) before they get a code.
func (a *Assembly) NeedsRegistration() bool { return len(a.Eligible) > 0 }

// IsEligible reports whether category is one of the assembly's.
func (a *Assembly) IsEligible(category string) bool {
	for _, e := range a.Eligible {
		if e == category {
			return true
		}
	}
	return false
}

// ExactChoices reports whether the ballot asks for exactly MaxChoices.
func (a *Assembly) ExactChoices() bool {
	return a.Method != MethodBudget && a.MinChoices == a.MaxChoices
}

// Public reports whether residents may read the booklet.
func (a *Assembly) Public() bool { return a.State != StateDraft }

// RulesFrozen reports whether the voting rules and agendas may no longer change.
func (a *Assembly) RulesFrozen() bool {
	return a.State == StateOpen || a.State == StateClosed || a.State == StateAnnounced
}

// Agenda is one agenda (의제) with every field of 서식 2-5 and the 실행계획서.
type Agenda struct {
	ID         int64 `db:"id"`
	AssemblyID int64 `db:"assembly_id"`
	Number     int   `db:"number"`
	AgendaFields
	CreatedAt time.Time `db:"created_at"`
	UpdatedAt time.Time `db:"updated_at"`
}

// IDString is the opaque id the API shows.
func (g *Agenda) IDString() string { return strconv.FormatInt(g.ID, 10) }

// Querier is a pool, a connection or a transaction.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

const assemblyColumns = `id, slug, district, dong, title, place, starts_at, ends_at, budget_cap, method,
	max_choices, min_choices, min_age, eligible, residents, min_turnout_percent, online_from, online_until, sealed, tie_break, state, rehearsal_of, created_by,
	created_at, updated_at, opened_at, closed_at, announced_at`

// FindAssembly returns the assembly with that id, or ENOTFOUND.
func FindAssembly(ctx context.Context, q Querier, id int64) (*Assembly, error) {
	rows, _ := q.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies WHERE id = $1`, id)
	a, err := oneAssembly(rows)
	return a, wrap("find assembly", err)
}

// FindManaged returns the assembly with that id if u may change it:
// ENOTFOUND, then EFORBIDDEN.
func FindManaged(ctx context.Context, q Querier, u *account.User, id int64) (*Assembly, error) {
	a, err := FindAssembly(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	return a, nil
}

// FindReadable returns the assembly with that id if u may read its host
// views: ENOTFOUND, then EFORBIDDEN.
func FindReadable(ctx context.Context, q Querier, u *account.User, id int64) (*Assembly, error) {
	a, err := FindAssembly(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	return a, nil
}

// FindAssemblyBySlug returns the assembly with that slug, or ENOTFOUND.
func FindAssemblyBySlug(ctx context.Context, q Querier, slug string) (*Assembly, error) {
	rows, _ := q.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies WHERE slug = $1`, slug)
	a, err := oneAssembly(rows)
	return a, wrap("find assembly by slug", err)
}

func oneAssembly(rows pgx.Rows) (*Assembly, error) {
	a, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Assembly])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return a, err
}

// FindAgendas returns the agendas of an assembly by number.
func FindAgendas(ctx context.Context, q Querier, assemblyID int64) ([]Agenda, error) {
	rows, _ := q.Query(ctx, `SELECT `+agendaColumns+` FROM agendas WHERE assembly_id = $1 ORDER BY number`, assemblyID)
	gs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Agenda])
	return gs, wrap("find agendas", err)
}
