package result

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Submission states.
const (
	SubmissionSubmitted = "submitted" // 동 → 구, waiting for the district
	SubmissionReturned  = "returned"  // sent back with a reason; the dong fixes and resubmits
	SubmissionForwarded = "forwarded" // in the district's list sent to the city
)

// Deadlines of one plan year. Each is a last day: a step done on that day
// (in Seoul) is on time, the next day late.
type Deadlines struct {
	Year        int       `json:"year"`
	DongDue     time.Time `json:"dong"`
	DistrictDue time.Time `json:"district"`
	CityDue     time.Time `json:"city"`
	Custom      bool      `json:"custom"`
}

// DefaultDeadlines are the plan's: 동 7.17, 구 7.24, 시 7.31.
func DefaultDeadlines(year int) *Deadlines {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, seoul) }
	return &Deadlines{Year: year, DongDue: d(7, 17), DistrictDue: d(7, 24), CityDue: d(7, 31)}
}

// FindDeadlines returns the year's deadlines, the defaults when none were set.
func FindDeadlines(ctx context.Context, q assembly.Querier, year int) (*Deadlines, error) {
	var a, b, c time.Time
	err := q.QueryRow(ctx, `SELECT dong_due, district_due, city_due FROM submission_deadlines WHERE year = $1`, year).Scan(&a, &b, &c)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultDeadlines(year), nil
	}
	if err != nil {
		return nil, wrap("find deadlines", err)
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, seoul) }
	return &Deadlines{Year: year, DongDue: day(a), DistrictDue: day(b), CityDue: day(c), Custom: true}, nil
}

// Deadlines returns the year's deadlines (see FindDeadlines).
func (s *Service) Deadlines(ctx context.Context, year int) (*Deadlines, error) {
	return FindDeadlines(ctx, s.pool, year)
}

// SetDeadlines changes a year's deadlines. Only the city may (EFORBIDDEN);
// dates must be YYYY-MM-DD in order dong ≤ district ≤ city (EINVALID).
func (s *Service) SetDeadlines(ctx context.Context, u *account.User, year int, dong, district, city string) (*Deadlines, error) {
	if u == nil || u.Role != account.RoleCity {
		return nil, account.Forbid()
	}
	if year < 2000 || year > 2100 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	parse := func(field, v string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), seoul)
		if err != nil {
			return t, maeul.FieldErrorf(maeul.EINVALID, field, "workflow.bad_date")
		}
		return t, nil
	}
	a, err := parse("dong", dong)
	if err != nil {
		return nil, err
	}
	b, err := parse("district", district)
	if err != nil {
		return nil, err
	}
	c, err := parse("city", city)
	if err != nil {
		return nil, err
	}
	if b.Before(a) || c.Before(b) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "district", "workflow.deadline_order")
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("set deadlines", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO submission_deadlines (year, dong_due, district_due, city_due, updated_by)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO UPDATE SET dong_due = $2, district_due = $3, city_due = $4,
		updated_by = $5, updated_at = now()`, year, a.Format("2006-01-02"), b.Format("2006-01-02"), c.Format("2006-01-02"), u.ID); err != nil {
		return nil, wrap("set deadlines", err)
	}
	if err := audit(ctx, tx, u, "", "", nil, "deadlines", "workflow.audit.deadlines", strconv.Itoa(year),
		a.Format("2006-01-02"), b.Format("2006-01-02"), c.Format("2006-01-02")); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, wrap("set deadlines", err)
	}
	return &Deadlines{Year: year, DongDue: a, DistrictDue: b, CityDue: c, Custom: true}, nil
}
