package planning

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Service is the domain half of the package: the rules and the SQL.
type Service struct {
	pool       *pgxpool.Pool
	assemblies *assembly.Service
	// Now is the clock (tests move it around the review deadline).
	Now func() time.Time
}

// NewService returns the planning service on pool; agendas are changed
// through assemblies.
func NewService(pool *pgxpool.Pool, assemblies *assembly.Service) *Service {
	return &Service{pool: pool, assemblies: assemblies, Now: time.Now}
}

// wrap names the operation on an error from the store; an *maeul.Error
// (meant for people) and nil pass as they are.
func wrap(op string, err error) error {
	var me *maeul.Error
	if err == nil || errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("planning: %s: %w", op, err)
}

// Seoul is the time zone of plan years and deadlines.
var Seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600)
	}
	return l
}()

// agendaOf returns an agenda with its assembly.
func (s *Service) agendaOf(ctx context.Context, q assembly.Querier, agendaID int64) (*assembly.Agenda, *assembly.Assembly, error) {
	g, err := assembly.FindAgenda(ctx, q, agendaID)
	if err != nil {
		return nil, nil, err
	}
	a, err := assembly.FindAssembly(ctx, q, g.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	return g, a, nil
}

// readAgenda returns the agenda if u may read it: the hosts who read its
// assembly, and a department of its district named on it or asked for a
// review of it.
func (s *Service) readAgenda(ctx context.Context, u *account.User, agendaID int64) (*assembly.Agenda, *assembly.Assembly, error) {
	g, a, err := s.agendaOf(ctx, s.pool, agendaID)
	if err != nil {
		return nil, nil, err
	}
	if u.CanRead(a.District, a.Dong) {
		return g, a, nil
	}
	if ok, err := s.departmentOf(ctx, u, g, a); err != nil || !ok {
		if err == nil {
			err = account.Forbid()
		}
		return nil, nil, err
	}
	return g, a, nil
}

// manageAgenda returns the agenda if u is a host of its dong.
func (s *Service) manageAgenda(ctx context.Context, u *account.User, agendaID int64) (*assembly.Agenda, *assembly.Assembly, error) {
	g, a, err := s.agendaOf(ctx, s.pool, agendaID)
	if err != nil {
		return nil, nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, nil, account.Forbid()
	}
	return g, a, nil
}

// departmentOf reports whether u is a department of the agenda's district
// that the agenda names (자치구 담당부서) or that was asked to review it.
func (s *Service) departmentOf(ctx context.Context, u *account.User, g *assembly.Agenda, a *assembly.Assembly) (bool, error) {
	if u == nil || u.Role != account.RoleDepartment || u.District != a.District {
		return false, nil
	}
	for _, d := range Departments(g.DistrictDepartment) {
		if d == u.Department {
			return true, nil
		}
	}
	var n int
	err := s.pool.QueryRow(ctx, `SELECT count(*) FROM planning_reviews WHERE agenda_id = $1 AND district = $2 AND department = $3`,
		g.ID, u.District, u.Department).Scan(&n)
	return n > 0, wrap("department of", err)
}

// PlanYear is the plan year of an assembly: the year it meets, in Seoul.
func PlanYear(a *assembly.Assembly) int { return a.StartsAt.In(Seoul).Year() }

// ReviewDeadline is when the final review is due: one month before the
// assembly meets (서식 2-6: "마을총회 개최 1개월 전까지").
func ReviewDeadline(a *assembly.Assembly) time.Time { return reviewDue(a.StartsAt) }

// reviewDue is the final review's deadline for an assembly starting then.
func reviewDue(startsAt time.Time) time.Time { return startsAt.In(Seoul).AddDate(0, -1, 0) }

func one[T any](rows pgx.Rows, notFound string) (*T, error) {
	v, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[T])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, notFound)
	}
	return v, err
}

// Agenda returns an agenda and its assembly for a reader (see readAgenda),
// and whether u may change its plan (a host of its dong) and take part in
// its Q&A.
func (s *Service) Agenda(ctx context.Context, u *account.User, agendaID int64) (g *assembly.Agenda, a *assembly.Assembly, manage bool, err error) {
	g, a, err = s.readAgenda(ctx, u, agendaID)
	if err != nil {
		return nil, nil, false, err
	}
	return g, a, u.CanManage(a.District, a.Dong), nil
}
