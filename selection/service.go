package selection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/council"
	"maeul/format"
)

// Service is the domain half: applications, the committee, the decision,
// the register and the timeline. It knows nothing of HTTP.
type Service struct {
	pool    *pgxpool.Pool
	council *council.Service
	clock   atomic.Pointer[func() time.Time]
	mu      sync.RWMutex // guards sources
	sources map[string]StepSource
}

// NewService returns the service; council reads the rosters.
func NewService(pool *pgxpool.Pool, c *council.Service) *Service {
	s := &Service{pool: pool, council: c, sources: map[string]StepSource{}}
	s.registerOwnSources()
	return s
}

// SetClock replaces the clock (tests move it around 3.31); safe while serving.
func (s *Service) SetClock(now func() time.Time) { s.clock.Store(&now) }

// Now is the service's clock.
func (s *Service) Now() time.Time {
	if f := s.clock.Load(); f != nil {
		return (*f)()
	}
	return time.Now()
}

var seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600)
	}
	return l
}()

func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	var me *maeul.Error
	if errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("selection: %s: %w", what, err)
}

// Application is a dong's 서식 2-1 of a plan year.
type Application struct {
	ID          int64      `json:"id"`
	District    string     `json:"district"`
	Dong        string     `json:"dong"`
	Year        int        `json:"year"`
	RepName     string     `json:"rep_name"`
	RepPhone    string     `json:"rep_phone"`
	RepEmail    string     `json:"rep_email"`
	HeadName    string     `json:"head_name"`
	HeadPhone   string     `json:"head_phone"`
	HeadEmail   string     `json:"head_email"`
	StaffName   string     `json:"staff_name"`
	StaffPhone  string     `json:"staff_phone"`
	CouncilType string     `json:"council_type"`
	Chatdong    bool       `json:"chatdong"`
	Pledge      bool       `json:"pledge"`
	SubmittedAt *time.Time `json:"submitted_at"`
	Score       *float64   `json:"score"`
	Rank        *int       `json:"rank"`
	Selected    *bool      `json:"selected"`
	// Plan is the 운영계획 page: item key → the two columns.
	Plan map[string]PlanCell `json:"plan"`
	// Roster is the council's stored make-up (nil without one).
	Roster *council.Roster `json:"roster,omitempty"`
	// Complete: every field, every row's two columns and a roster whose
	// rules pass (or a 찾동 team, exempt).
	Complete bool     `json:"complete"`
	Missing  []string `json:"missing"`
	Late     bool     `json:"late"`
}

// IsSelected reports whether the district selected the dong.
func (a *Application) IsSelected() bool { return a.Selected != nil && *a.Selected }

// RankNo is the rank or 0.
func (a *Application) RankNo() int {
	if a.Rank == nil {
		return 0
	}
	return *a.Rank
}

// PlanCell is one row of the 운영계획: 동회의 and 동주민센터.
type PlanCell struct {
	Council string `json:"council"`
	Center  string `json:"center"`
}

const appCols = `id, district, dong, plan_year, rep_name, rep_phone, rep_email, head_name, head_phone, head_email,
	staff_name, staff_phone, coalesce(council_type, ''), chatdong, pledge, submitted_at, score::float8, rank, selected`

func scanApp(row pgx.Row) (*Application, error) {
	a := &Application{Plan: map[string]PlanCell{}}
	err := row.Scan(&a.ID, &a.District, &a.Dong, &a.Year, &a.RepName, &a.RepPhone, &a.RepEmail, &a.HeadName, &a.HeadPhone,
		&a.HeadEmail, &a.StaffName, &a.StaffPhone, &a.CouncilType, &a.Chatdong, &a.Pledge, &a.SubmittedAt, &a.Score, &a.Rank, &a.Selected)
	return a, err
}

// fill loads the plan rows and the roster, and checks completeness.
func (s *Service) fill(ctx context.Context, a *Application) error {
	rows, _ := s.pool.Query(ctx, `SELECT item, council, center FROM selection_plan_rows WHERE application_id = $1`, a.ID)
	var item string
	var c PlanCell
	_, err := pgx.ForEachRow(rows, []any{&item, &c.Council, &c.Center}, func() error { a.Plan[item] = c; return nil })
	if err != nil {
		return wrap("plan rows", err)
	}
	sh, err := s.council.Sheet(ctx, a.District, a.Dong, a.Year)
	if err != nil && maeul.ErrorCode(err) != maeul.ENOTFOUND {
		return err
	}
	a.Missing = []string{}
	need := func(ok bool, key string) {
		if !ok {
			a.Missing = append(a.Missing, key)
		}
	}
	need(a.RepName != "", "rep_name")
	need(a.HeadName != "", "head_name")
	need(a.StaffName != "", "staff_name")
	need(a.CouncilType != "", "council_type")
	need(a.Pledge, "pledge")
	for _, it := range Items {
		p := a.Plan[it.Key]
		need(strings.TrimSpace(p.Council) != "" && strings.TrimSpace(p.Center) != "", "plan."+it.Key)
	}
	if sh == nil {
		need(false, "roster")
	} else {
		a.Roster = sh.Roster
		need(sh.AllOK || a.Chatdong, "roster_rules")
	}
	a.Complete = len(a.Missing) == 0
	due, err := s.Due(ctx, a.Year, StepApplication)
	if err != nil {
		return err
	}
	at := s.Now()
	if a.SubmittedAt != nil {
		at = *a.SubmittedAt
	}
	a.Late = format.Late(due, at)
	return nil
}

// Application returns the dong's application of the year (ENOTFOUND when
// none). Readable by the dong's hosts, its district's and the city.
func (s *Service) Application(ctx context.Context, u *account.User, district, dong string, year int) (*Application, error) {
	if !u.CanRead(district, dong) {
		return nil, account.Forbid()
	}
	a, err := scanApp(s.pool.QueryRow(ctx, `SELECT `+appCols+` FROM selection_applications
		WHERE district = $1 AND dong = $2 AND plan_year = $3`, district, dong, year))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "selection.err.no_application")
	}
	if err != nil {
		return nil, wrap("application", err)
	}
	return a, s.fill(ctx, a)
}

// Draft is what a dong host writes on 서식 2-1.
type Draft struct {
	RepName, RepPhone, RepEmail    string
	HeadName, HeadPhone, HeadEmail string
	StaffName, StaffPhone          string
	CouncilType                    string
	Chatdong, Pledge               bool
	Plan                           map[string]PlanCell
}

func checkLen(field, v string, n int) error {
	if utf8.RuneCountInString(v) > n {
		return maeul.FieldErrorf(maeul.EINVALID, field, "selection.err.too_long", n)
	}
	return nil
}

// SaveApplication writes u's dong's application of the year (only a dong
// host, for its own dong). Once submitted it can still be corrected until
// the district decides (ECONFLICT after).
func (s *Service) SaveApplication(ctx context.Context, u *account.User, year int, d Draft) (*Application, error) {
	if u == nil || u.Role != account.RoleDong {
		return nil, account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field, v string
		n        int
	}{{"rep_name", d.RepName, 50}, {"rep_phone", d.RepPhone, 30}, {"rep_email", d.RepEmail, 100}, {"head_name", d.HeadName, 50},
		{"head_phone", d.HeadPhone, 30}, {"head_email", d.HeadEmail, 100}, {"staff_name", d.StaffName, 50}, {"staff_phone", d.StaffPhone, 30}} {
		if err := checkLen(f.field, f.v, f.n); err != nil {
			return nil, err
		}
	}
	var ct *string
	switch d.CouncilType {
	case "":
	case council.TypePlanned, council.TypeAutonomous:
		ct = &d.CouncilType
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "council_type", "council.err.type")
	}
	for k, c := range d.Plan {
		if _, ok := itemByKey(k); !ok {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "plan", "selection.err.item", k)
		}
		if err := checkLen("plan."+k, c.Council, 2000); err != nil {
			return nil, err
		}
		if err := checkLen("plan."+k, c.Center, 2000); err != nil {
			return nil, err
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := decidedGuard(ctx, tx, u.District, year); err != nil {
			return err
		}
		var id int64
		err := tx.QueryRow(ctx, `INSERT INTO selection_applications (district, dong, plan_year, rep_name, rep_phone, rep_email,
				head_name, head_phone, head_email, staff_name, staff_phone, council_type, chatdong, pledge)
			VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14)
			ON CONFLICT ON CONSTRAINT selection_applications_dong_year DO UPDATE SET rep_name = EXCLUDED.rep_name,
				rep_phone = EXCLUDED.rep_phone, rep_email = EXCLUDED.rep_email, head_name = EXCLUDED.head_name,
				head_phone = EXCLUDED.head_phone, head_email = EXCLUDED.head_email, staff_name = EXCLUDED.staff_name,
				staff_phone = EXCLUDED.staff_phone, council_type = EXCLUDED.council_type, chatdong = EXCLUDED.chatdong,
				pledge = EXCLUDED.pledge, updated_at = now(),
				submitted_at = CASE WHEN EXCLUDED.pledge AND EXCLUDED.council_type IS NOT NULL AND EXCLUDED.rep_name <> ''
					AND EXCLUDED.head_name <> '' THEN selection_applications.submitted_at END
			RETURNING id`, u.District, u.Dong, year, d.RepName, d.RepPhone, d.RepEmail, d.HeadName, d.HeadPhone, d.HeadEmail,
			d.StaffName, d.StaffPhone, ct, d.Chatdong, d.Pledge).Scan(&id)
		if err != nil {
			return err
		}
		for _, it := range Items {
			c := d.Plan[it.Key]
			if _, err := tx.Exec(ctx, `INSERT INTO selection_plan_rows (application_id, item, council, center) VALUES ($1,$2,$3,$4)
				ON CONFLICT (application_id, item) DO UPDATE SET council = EXCLUDED.council, center = EXCLUDED.center`,
				id, it.Key, c.Council, c.Center); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("save application", err)
	}
	return s.Application(ctx, u, u.District, u.Dong, year)
}

// decidedGuard refuses changes once the district decided (ECONFLICT).
func decidedGuard(ctx context.Context, tx pgx.Tx, district string, year int) error {
	var decided bool
	err := tx.QueryRow(ctx, `SELECT decided_at IS NOT NULL FROM selection_reviews WHERE district = $1 AND plan_year = $2 FOR SHARE`,
		district, year).Scan(&decided)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	if decided {
		return maeul.Errorf(maeul.ECONFLICT, "selection.err.decided")
	}
	return nil
}

// SubmitApplication files u's dong's application with the district: it must
// be complete (EINVALID naming what is missing).
func (s *Service) SubmitApplication(ctx context.Context, u *account.User, year int) (*Application, error) {
	if u == nil || u.Role != account.RoleDong {
		return nil, account.Forbid()
	}
	a, err := s.Application(ctx, u, u.District, u.Dong, year)
	if err != nil {
		return nil, err
	}
	if !a.Complete {
		return nil, maeul.FieldErrorf(maeul.EINVALID, a.Missing[0], "selection.err.incomplete", strings.Join(a.Missing, ", "))
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := decidedGuard(ctx, tx, u.District, year); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE selection_applications SET submitted_at = coalesce(submitted_at, $2) WHERE id = $1`, a.ID, s.Now())
		return err
	})
	if err != nil {
		return nil, wrap("submit application", err)
	}
	return s.Application(ctx, u, u.District, u.Dong, year)
}

// Applications lists a district's applications of the year (its district
// hosts and the city): drafts and received ones, each with Complete.
func (s *Service) Applications(ctx context.Context, u *account.User, district string, year int) ([]*Application, error) {
	if u == nil || !(u.Role == account.RoleCity || (u.Role == account.RoleDistrict && u.District == district)) {
		return nil, account.Forbid()
	}
	rows, err := s.pool.Query(ctx, `SELECT `+appCols+` FROM selection_applications WHERE district = $1 AND plan_year = $2
		ORDER BY rank NULLS LAST, dong`, district, year)
	if err != nil {
		return nil, wrap("applications", err)
	}
	var out []*Application
	for rows.Next() {
		a, err := scanApp(rows)
		if err != nil {
			rows.Close()
			return nil, wrap("applications", err)
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap("applications", err)
	}
	for _, a := range out {
		if err := s.fill(ctx, a); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func checkYear(y int) error {
	if y < 2000 || y > 2100 {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "selection.err.year")
	}
	return nil
}
