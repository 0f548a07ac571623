package districtplan

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// Record kinds: the monitoring contractor's observations (the city enters
// them), 공론장 held and the 자체 평가보고서 (the district), the city's
// 종합평가 and 성과공유 워크숍.
var RecordKinds = []string{"monitoring", "forum", "self_evaluation", "city_evaluation", "workshop"}

// recordRole is the role that writes a kind of record.
func recordRole(kind string) string {
	switch kind {
	case "forum", "self_evaluation":
		return account.RoleDistrict
	}
	return account.RoleCity
}

// Record is a monitoring or evaluation record of the plan's year.
type Record struct {
	ID        int64     `json:"id,string"`
	Kind      string    `json:"kind"`
	HeldOn    time.Time `json:"held_on"`
	Title     string    `json:"title"`
	Body      string    `json:"body"`
	CreatedBy string    `json:"created_by"`
}

// AddRecord adds a record to the district's application: forums and the
// self-evaluation by the district, the rest by the city.
func (s *Service) AddRecord(ctx context.Context, u *account.User, year int, district string, r Record) (*Record, error) {
	if !oneOf(r.Kind, RecordKinds) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "kind", "dp.err.bad_choice")
	}
	if u.Role != recordRole(r.Kind) || u.Role == account.RoleDistrict && u.District != district {
		return nil, forbid()
	}
	r.Title, r.Body = strings.TrimSpace(r.Title), strings.TrimSpace(r.Body)
	switch {
	case r.HeldOn.IsZero():
		return nil, maeul.FieldErrorf(maeul.EINVALID, "held_on", "dp.err.need_date")
	case r.Title == "" || utf8.RuneCountInString(r.Title) > maxShort:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "title", "dp.err.need_title")
	case utf8.RuneCountInString(r.Body) > maxLong:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "body", "dp.err.too_long", maxLong)
	}
	r.CreatedBy = u.Label()
	r.HeldOn = Day(r.HeldOn)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, district, false)
		if err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dp_records (application_id, kind, held_on, title, body, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.ID, r.Kind, r.HeldOn, r.Title, r.Body, r.CreatedBy).Scan(&r.ID); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "record", r.Kind)
	})
	if err != nil {
		return nil, wrap("add record", err)
	}
	return &r, nil
}

// Records returns the district's records, by date.
func (s *Service) Records(ctx context.Context, u *account.User, year int, district string) ([]Record, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, kind, held_on, title, body, created_by FROM dp_records
		WHERE application_id = $1 ORDER BY held_on, id`, a.ID)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Record])
	return rs, wrap("records", err)
}
