package selection

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Steps of a dong's year, in order.
const (
	StepApplication  = "application"  // 참여신청 (서식 2-1)
	StepSelection    = "selection"    // 선정 (서식 2-2 to the city; in the register)
	StepOrganisation = "organisation" // 운영체계 구상 (서식 2-3)
	StepSurvey       = "survey"       // 자원조사·의제발굴 (서식 2-4)
	StepDrafts       = "drafts"       // 실행계획 수립 (서식 2-5)
	StepReviews      = "reviews"      // 담당부서 검토 (서식 2-6)
	StepBooklet      = "booklet"      // 자료집 공개 (assembly published)
	StepAssembly     = "assembly"     // 마을총회
	StepSubmission   = "submission"   // 선정의제 제출
)

// Steps is the timeline's order.
var Steps = []string{StepApplication, StepSelection, StepOrganisation, StepSurvey, StepDrafts, StepReviews, StepBooklet,
	StepAssembly, StepSubmission}

// DefaultDue is the seed's schedule for a plan year (Ⅴ 주요 추진일정 and the
// 운영절차 table): 동 선정 ~3.31 (참여신청 and the district's 심의결과 통보);
// 운영체계구상 4월중; 자원조사·의제발굴 4월중; 실행계획 수립 6월중; the
// departments' final reviews one month before the assembly (6.17); 마을총회 7월중 — before 선정의제 제출 by the dong on 7.17,
// so the assembly and its booklet are due by 7.17 (the seed gives the booklet
// no date of its own); 선정의제 제출 동 7.17.
func DefaultDue(year int, step string) time.Time {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, seoul) }
	switch step {
	case StepApplication, StepSelection:
		return d(3, 31)
	case StepOrganisation, StepSurvey:
		return d(4, 30)
	case StepReviews:
		// 최종 검토의견서: "마을총회 개최 1개월 전까지" — a month before the
		// assembly's last day (7.17).
		return d(6, 17)
	case StepDrafts:
		return d(6, 30)
	case StepBooklet, StepAssembly, StepSubmission:
		return d(7, 17)
	}
	return d(12, 31)
}

func validStep(step string) bool {
	for _, s := range Steps {
		if s == step {
			return true
		}
	}
	return false
}

// Schedule returns the year's last day per step: the city's, else the seed's.
// The submission step follows result's deadlines (동 due) when the city set
// those and not this.
func (s *Service) Schedule(ctx context.Context, year int) (map[string]time.Time, map[string]bool, error) {
	out, custom := map[string]time.Time{}, map[string]bool{}
	for _, st := range Steps {
		out[st] = DefaultDue(year, st)
	}
	var dongDue time.Time
	err := s.pool.QueryRow(ctx, `SELECT dong_due FROM submission_deadlines WHERE year = $1`, year).Scan(&dongDue)
	if err == nil {
		out[StepSubmission] = time.Date(dongDue.Year(), dongDue.Month(), dongDue.Day(), 0, 0, 0, 0, seoul)
	} else if !errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, wrap("schedule", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT step, due FROM timeline_schedule WHERE plan_year = $1`, year)
	var st string
	var due time.Time
	_, err = pgx.ForEachRow(rows, []any{&st, &due}, func() error {
		out[st] = time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, seoul)
		custom[st] = true
		return nil
	})
	return out, custom, wrap("schedule", err)
}

// Due returns one step's last day.
func (s *Service) Due(ctx context.Context, year int, step string) (time.Time, error) {
	var due time.Time
	err := s.pool.QueryRow(ctx, `SELECT due FROM timeline_schedule WHERE plan_year = $1 AND step = $2`, year, step).Scan(&due)
	if errors.Is(err, pgx.ErrNoRows) {
		if step == StepSubmission {
			sch, _, err := s.Schedule(ctx, year)
			if err != nil {
				return time.Time{}, err
			}
			return sch[step], nil
		}
		return DefaultDue(year, step), nil
	}
	if err != nil {
		return time.Time{}, wrap("due", err)
	}
	return time.Date(due.Year(), due.Month(), due.Day(), 0, 0, 0, 0, seoul), nil
}

// SetDue changes a step's last day for a year (city only; YYYY-MM-DD in that
// year; "" returns to the seed's).
func (s *Service) SetDue(ctx context.Context, u *account.User, year int, step, date string) error {
	if u == nil || u.Role != account.RoleCity {
		return account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return err
	}
	if !validStep(step) {
		return maeul.FieldErrorf(maeul.EINVALID, "step", "selection.err.step")
	}
	date = strings.TrimSpace(date)
	if date == "" {
		_, err := s.pool.Exec(ctx, `DELETE FROM timeline_schedule WHERE plan_year = $1 AND step = $2`, year, step)
		return wrap("set due", err)
	}
	t, err := time.ParseInLocation("2006-01-02", date, seoul)
	if err != nil || t.Year() != year {
		return maeul.FieldErrorf(maeul.EINVALID, step, "selection.err.date", year)
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO timeline_schedule (plan_year, step, due) VALUES ($1,$2,$3)
		ON CONFLICT (plan_year, step) DO UPDATE SET due = EXCLUDED.due`, year, step, date)
	return wrap("set due", err)
}

// StepSource tells when a dong finished a step of a year (nil: not yet).
type StepSource func(ctx context.Context, year int, district, dong string) (*time.Time, error)

// RegisterSource sets the source of a step (the lead wires organisation,
// survey, drafts and reviews from the planning package); it replaces the
// step's source, if any.
func (s *Service) RegisterSource(step string, src StepSource) {
	if !validStep(step) {
		panic("selection: unknown step " + step)
	}
	s.mu.Lock()
	s.sources[step] = src
	s.mu.Unlock()
}

// at runs one query returning a nullable time.
func (s *Service) at(sql string) StepSource {
	return func(ctx context.Context, year int, district, dong string) (*time.Time, error) {
		var t *time.Time
		err := s.pool.QueryRow(ctx, sql, year, district, dong).Scan(&t)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		return t, err
	}
}

// registerOwnSources: application (filed), selection (in the register),
// booklet (the year's assembly published: opened, else last changed while
// published — assemblies keep no publication time), assembly (closed),
// submission (first submitted to the district).
func (s *Service) registerOwnSources() {
	const year = `extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $1`
	s.sources[StepApplication] = s.at(`SELECT submitted_at FROM selection_applications WHERE plan_year = $1 AND district = $2 AND dong = $3`)
	s.sources[StepSelection] = s.at(`SELECT added_at FROM selection_register WHERE plan_year = $1 AND district = $2 AND dong = $3`)
	s.sources[StepBooklet] = s.at(`SELECT min(coalesce(opened_at, updated_at)) FROM assemblies WHERE rehearsal_of IS NULL
		AND state <> 'draft' AND ` + year + ` AND district = $2 AND dong = $3`)
	s.sources[StepAssembly] = s.at(`SELECT min(closed_at) FROM assemblies WHERE rehearsal_of IS NULL
		AND state IN ('closed', 'announced') AND ` + year + ` AND district = $2 AND dong = $3`)
	s.sources[StepSubmission] = s.at(`SELECT min(first_submitted_at) FROM submissions WHERE year = $1 AND district = $2 AND dong = $3`)
}

// StepState is one step of a dong's timeline.
type StepState struct {
	Step   string     `json:"step"`
	Due    time.Time  `json:"due"`
	DoneAt *time.Time `json:"done_at"`
	// State: done | done_late | late (not done, past due) | due (not yet) |
	// unknown (no source registered yet).
	State string `json:"state"`
}

// Timeline is a dong's year.
type Timeline struct {
	District string      `json:"district"`
	Dong     string      `json:"dong"`
	Year     int         `json:"year"`
	Steps    []StepState `json:"steps"`
	Late     int         `json:"late"`
}

func (s *Service) timeline(ctx context.Context, sch map[string]time.Time, year int, district, dong string) (*Timeline, error) {
	tl := &Timeline{District: district, Dong: dong, Year: year}
	now := s.Now()
	for _, st := range Steps {
		ss := StepState{Step: st, Due: sch[st]}
		s.mu.RLock()
		src := s.sources[st]
		s.mu.RUnlock()
		if src == nil {
			ss.State = "unknown"
		} else {
			at, err := src(ctx, year, district, dong)
			if err != nil {
				return nil, wrap("timeline "+st, err)
			}
			ss.DoneAt = at
			switch {
			case at != nil && format.Late(ss.Due, *at):
				ss.State = "done_late"
			case at != nil:
				ss.State = "done"
			case format.Late(ss.Due, now):
				ss.State = "late"
				tl.Late++
			default:
				ss.State = "due"
			}
		}
		tl.Steps = append(tl.Steps, ss)
	}
	return tl, nil
}

// DongTimeline is one dong's year (its hosts, its district's, the city).
func (s *Service) DongTimeline(ctx context.Context, u *account.User, year int, district, dong string) (*Timeline, error) {
	if !u.CanRead(district, dong) {
		return nil, account.Forbid()
	}
	sch, _, err := s.Schedule(ctx, year)
	if err != nil {
		return nil, err
	}
	return s.timeline(ctx, sch, year, district, dong)
}

// DistrictTimelines is every dong of a district: those in the year's
// register, and those that applied (district hosts of it and the city).
func (s *Service) DistrictTimelines(ctx context.Context, u *account.User, year int, district string) ([]*Timeline, error) {
	if !canReadDistrict(u, district) {
		return nil, account.Forbid()
	}
	rows, _ := s.pool.Query(ctx, `SELECT dong FROM selection_register WHERE plan_year = $1 AND district = $2
		UNION SELECT dong FROM selection_applications WHERE plan_year = $1 AND district = $2 ORDER BY 1`, year, district)
	dongs, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap("district timelines", err)
	}
	sch, _, err := s.Schedule(ctx, year)
	if err != nil {
		return nil, err
	}
	out := []*Timeline{}
	for _, d := range dongs {
		tl, err := s.timeline(ctx, sch, year, district, d)
		if err != nil {
			return nil, err
		}
		out = append(out, tl)
	}
	return out, nil
}

type timeT = time.Time

// ParseHeldAt reads a meeting time typed as YYYY-MM-DDTHH:MM or YYYY-MM-DD
// HH:MM (Seoul).
func ParseHeldAt(s string) (time.Time, error) {
	s = strings.Replace(strings.TrimSpace(s), " ", "T", 1)
	t, err := time.ParseInLocation("2006-01-02T15:04", s, seoul)
	if err != nil {
		return t, maeul.FieldErrorf(maeul.EINVALID, "held_at", "selection.err.held_at")
	}
	return t, nil
}
