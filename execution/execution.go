// Package execution carries the selected agendas past the city's inbox
// (issue 15): the hand-over to finance and the committee's decision, the
// result passed down to districts, dongs and departments, the execution of
// each approved agenda (세부실행계획, 착수·중간·최종 보고, monitoring notes,
// 민-관 협약), the monitoring team's field reports (서식 2-8), the minutes of
// meetings (서식 2-9), results sharing and open data.
package execution

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Service holds the rules and all SQL of execution.
type Service struct {
	pool *pgxpool.Pool
	// Now is the clock of the late flags (tests may move it).
	Now func() time.Time
}

// NewService returns the execution service.
func NewService(pool *pgxpool.Pool) *Service { return &Service{pool: pool, Now: time.Now} }

var seoul = format.Seoul

// wrap names the operation on an error people should not read; an
// *maeul.Error (and nil) passes as is.
func wrap(op string, err error) error {
	var me *maeul.Error
	if err == nil || errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("execution: %s: %w", op, err)
}

func (s *Service) inTx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return wrap(op, err)
	}
	return wrap(op, tx.Commit(ctx))
}

// day is the last day d (a date in Seoul) of year y.
func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, seoul) }

// parseDate reads YYYY-MM-DD (Seoul) or gives the field's EINVALID.
func parseDate(field, v string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), seoul)
	if err != nil {
		return t, maeul.FieldErrorf(maeul.EINVALID, field, "execution.bad_date")
	}
	return t, nil
}

// parseTime reads YYYY-MM-DDTHH:MM or YYYY-MM-DD (Seoul).
func parseTime(field, v string) (time.Time, error) {
	v = strings.TrimSpace(v)
	for _, l := range []string{"2006-01-02T15:04", "2006-01-02 15:04", time.RFC3339, "2006-01-02"} {
		if t, err := time.ParseInLocation(l, v, seoul); err == nil {
			return t, nil
		}
	}
	return time.Time{}, maeul.FieldErrorf(maeul.EINVALID, field, "execution.bad_date")
}

func checkYear(y int) error {
	if y < 2000 || y > 2100 {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "execution.bad_year")
	}
	return nil
}

// required trims v and gives the field's EINVALID when it is empty or
// longer than max runes.
func required(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", maeul.FieldErrorf(maeul.EINVALID, field, "execution.required")
	}
	return optional(field, v, max)
}

func optional(field, v string, max int) (string, error) {
	v = strings.TrimSpace(v)
	if len([]rune(v)) > max {
		return "", maeul.FieldErrorf(maeul.EINVALID, field, "execution.too_long", max)
	}
	return v, nil
}

// Who may do what. Every rule of the package is one of these.

func isCity(u *account.User) bool { return u != nil && (u.Role == account.RoleCity) }

// readsAll: the city and finance read every district.
func readsAll(u *account.User) bool {
	return u != nil && (u.Role == account.RoleCity || u.Role == account.RoleFinance)
}

// readsDistrict: the city, finance, and the district's own hosts, monitors
// and departments (a department's reach over agendas is narrower: see
// seesAgenda).
func readsDistrict(u *account.User, district string) bool {
	if readsAll(u) {
		return true
	}
	return u != nil && district != "" && u.District == district &&
		(u.Role == account.RoleDistrict || u.Role == account.RoleMonitor || u.Role == account.RoleDepartment)
}

// readsDong: readsDistrict, or the dong's own host.
func readsDong(u *account.User, district, dong string) bool {
	if readsDistrict(u, district) {
		return true
	}
	return u != nil && u.Role == account.RoleDong && u.District == district && u.Dong == dong
}

// Departments named in a 실행부서 cell: "마을과/지역경제과" names two.
func Departments(cell string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(cell, func(r rune) bool { return r == '/' || r == ',' || r == '·' || r == '\n' }) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func names(cell, department string) bool {
	for _, d := range Departments(cell) {
		if d == department {
			return true
		}
	}
	return false
}
