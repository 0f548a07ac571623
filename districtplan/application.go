package districtplan

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/format"
)

// Service is the domain half: the district plan type's rules and SQL.
type Service struct {
	pool       *pgxpool.Pool
	assemblies *assembly.Service
	// Now is the clock (tests move it to a deadline's edge).
	Now func() time.Time
}

// NewService returns the service over pool; a district's residents' vote
// is an assembly of assemblies.
func NewService(pool *pgxpool.Pool, assemblies *assembly.Service) *Service {
	return &Service{pool: pool, assemblies: assemblies, Now: time.Now}
}

func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *maeul.Error
	if errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("districtplan: %s: %w", op, err)
}

// Discussion structures (논의구조 설계): 유형1 위원장 참여, 유형2 융합 분과,
// 유형3 별도 회의구조, or another the district describes.
var Structures = []string{"type1", "type2", "type3", "other"}

// Groups of the 논의주체 명단 (구분) and sectors for the 민간 share.
var (
	Groups  = []string{"district_councillor", "city_councillor", "governance_council", "budget_committee", "other"}
	Sectors = []string{"private", "public", "councillor"}
)

// Person is one row of the 논의주체 명단.
type Person struct {
	Seq         int    `json:"seq"`
	Name        string `json:"name"`
	Affiliation string `json:"affiliation"` // 소속/직위
	Field       string `json:"field"`       // 주요활동분야
	Role        string `json:"role"`        // 회의 내 역할
	Group       string `json:"group"`       // 구분
	Sector      string `json:"sector"`      // 민간 / 행정 / 의원
}

// ApplicationInput is what the district writes (서식 1-1).
type ApplicationInput struct {
	CouncilName      string     `json:"council_name"`
	TFTStanding      bool       `json:"tft_standing"`
	CivilRep         string     `json:"civil_rep"`
	PublicRep        string     `json:"public_rep"`
	PrepFrom         *time.Time `json:"-"`
	PrepUntil        *time.Time `json:"-"`
	PrepParticipants string     `json:"prep_participants"`
	Structure        string     `json:"structure"`
	StructureNote    string     `json:"structure_note"`
	Background       string     `json:"background"`
	PlanFiled        bool       `json:"plan_filed"`
	PlanFiledOn      *time.Time `json:"-"`
	CouncilsAgreed   bool       `json:"councils_agreed"`
	People           []Person   `json:"people"`
}

// Application is a district's application of a year with its state.
type Application struct {
	ID       int64
	Year     int
	District string
	ApplicationInput
	SubmittedAt, SharedAt, ApprovedAt *time.Time
	ApprovalNote                      string
	AgreementOn                       *time.Time
	AgreementParties                  string
	AgreementFileName                 string
	UpdatedAt                         time.Time
}

// PrivateShare counts the 협치○○구회의 members of the roster: 민간 and all.
func (a *Application) PrivateShare() (private, total int) {
	for _, p := range a.People {
		if p.Group != "governance_council" {
			continue
		}
		total++
		if p.Sector == "private" {
			private++
		}
	}
	return private, total
}

// LateSubmission reports an application submitted after 4.20.
func (a *Application) LateSubmission() bool {
	return a.SubmittedAt != nil && format.Late(ScheduleOf(a.Year).ApplicationDue, *a.SubmittedAt)
}

const (
	maxShort = 200
	maxLong  = 10000
	maxRows  = 300
)

func oneOf(v string, set []string) bool {
	for _, s := range set {
		if s == v {
			return true
		}
	}
	return false
}

// check trims the input and returns the first problem, naming its field.
func (in *ApplicationInput) check() error {
	bad := func(field, key string, args ...any) error {
		return maeul.FieldErrorf(maeul.EINVALID, field, key, args...)
	}
	for _, f := range []struct {
		p    *string
		name string
		max  int
	}{{&in.CouncilName, "council_name", maxShort}, {&in.CivilRep, "civil_rep", maxShort}, {&in.PublicRep, "public_rep", maxShort},
		{&in.PrepParticipants, "prep_participants", maxLong}, {&in.StructureNote, "structure_note", maxLong},
		{&in.Background, "background", maxLong}} {
		*f.p = strings.TrimSpace(*f.p)
		if utf8.RuneCountInString(*f.p) > f.max {
			return bad(f.name, "dp.err.too_long", f.max)
		}
	}
	if in.Structure != "" && !oneOf(in.Structure, Structures) {
		return bad("structure", "dp.err.bad_choice")
	}
	if in.PrepFrom != nil && in.PrepUntil != nil && in.PrepUntil.Before(*in.PrepFrom) {
		return bad("prep_until", "dp.err.period_order")
	}
	if !in.PlanFiled {
		in.PlanFiledOn = nil
	}
	if len(in.People) > maxRows {
		return bad("people", "dp.err.too_many_rows", maxRows)
	}
	for i := range in.People {
		p := &in.People[i]
		p.Seq = i + 1
		p.Name, p.Affiliation = strings.TrimSpace(p.Name), strings.TrimSpace(p.Affiliation)
		p.Field, p.Role = strings.TrimSpace(p.Field), strings.TrimSpace(p.Role)
		if p.Name == "" || utf8.RuneCountInString(p.Name) > maxShort {
			return bad("people", "dp.err.person_name", i+1)
		}
		if !oneOf(p.Group, Groups) || !oneOf(p.Sector, Sectors) {
			return bad("people", "dp.err.person_group", i+1)
		}
		if utf8.RuneCountInString(p.Affiliation+p.Field+p.Role) > 3*maxShort {
			return bad("people", "dp.err.too_long", maxShort)
		}
	}
	return nil
}

// canRead reports whether u may read the district's application.
func canRead(u *account.User, district string, shared bool) bool {
	switch u.Role {
	case account.RoleCity:
		return true
	case account.RoleDistrict:
		return u.District == district
	case account.RoleFinance:
		return shared
	}
	return false
}

func forbid() error { return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden") }

const appColumns = `id, year, district, council_name, tft_standing, civil_rep, public_rep, prep_from, prep_until,
	prep_participants, structure, structure_note, background, plan_filed, plan_filed_on, councils_agreed,
	submitted_at, shared_at, approved_at, approval_note, agreement_on, agreement_parties, agreement_file_name, updated_at`

func scanApp(row pgx.Row) (*Application, error) {
	a := &Application{}
	err := row.Scan(&a.ID, &a.Year, &a.District, &a.CouncilName, &a.TFTStanding, &a.CivilRep, &a.PublicRep,
		&a.PrepFrom, &a.PrepUntil, &a.PrepParticipants, &a.Structure, &a.StructureNote, &a.Background,
		&a.PlanFiled, &a.PlanFiledOn, &a.CouncilsAgreed, &a.SubmittedAt, &a.SharedAt, &a.ApprovedAt,
		&a.ApprovalNote, &a.AgreementOn, &a.AgreementParties, &a.AgreementFileName, &a.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_application")
	}
	return a, err
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func loadApp(ctx context.Context, q querier, year int, district string, lock bool) (*Application, error) {
	sql := `SELECT ` + appColumns + ` FROM dp_applications WHERE year = $1 AND district = $2`
	if lock {
		sql += ` FOR UPDATE`
	}
	a, err := scanApp(q.QueryRow(ctx, sql, year, district))
	if err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, `SELECT seq, name, affiliation, field, role, grp, sector FROM dp_people
		WHERE application_id = $1 ORDER BY seq`, a.ID)
	a.People, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (Person, error) {
		var p Person
		err := r.Scan(&p.Seq, &p.Name, &p.Affiliation, &p.Field, &p.Role, &p.Group, &p.Sector)
		return p, err
	})
	if a.People == nil {
		a.People = []Person{}
	}
	return a, err
}

// Application returns the district's application of the year: ENOTFOUND
// when none was started, EFORBIDDEN for whoever may not read it.
func (s *Service) Application(ctx context.Context, u *account.User, year int, district string) (*Application, error) {
	if u.Role == account.RoleDistrict && u.District != district {
		return nil, forbid()
	}
	a, err := loadApp(ctx, s.pool, year, district, false)
	if err != nil {
		return nil, wrap("application", err)
	}
	if !canRead(u, district, a.SharedAt != nil) {
		return nil, forbid()
	}
	return a, nil
}

func event(ctx context.Context, tx pgx.Tx, appID int64, u *account.User, action, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO dp_events (application_id, actor, action, detail) VALUES ($1, $2, $3, $4)`,
		appID, u.Label(), action, detail)
	return err
}

// SaveApplication writes the district's application (only its own
// district's hosts, only until it is submitted). All or nothing.
func (s *Service) SaveApplication(ctx context.Context, u *account.User, year int, in ApplicationInput) (*Application, error) {
	if u.Role != account.RoleDistrict {
		return nil, forbid()
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var id int64
		var submitted *time.Time
		err := tx.QueryRow(ctx, `INSERT INTO dp_applications (year, district) VALUES ($1, $2)
			ON CONFLICT (year, district) DO UPDATE SET updated_at = now()
			RETURNING id, submitted_at`, year, u.District).Scan(&id, &submitted)
		if err != nil {
			return err
		}
		if submitted != nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.submitted")
		}
		_, err = tx.Exec(ctx, `UPDATE dp_applications SET council_name = $2, tft_standing = $3, civil_rep = $4,
			public_rep = $5, prep_from = $6, prep_until = $7, prep_participants = $8, structure = $9,
			structure_note = $10, background = $11, plan_filed = $12, plan_filed_on = $13, councils_agreed = $14,
			updated_at = now() WHERE id = $1`, id, in.CouncilName, in.TFTStanding, in.CivilRep, in.PublicRep,
			in.PrepFrom, in.PrepUntil, in.PrepParticipants, in.Structure, in.StructureNote, in.Background,
			in.PlanFiled, in.PlanFiledOn, in.CouncilsAgreed)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM dp_people WHERE application_id = $1`, id); err != nil {
			return err
		}
		for _, p := range in.People {
			if _, err := tx.Exec(ctx, `INSERT INTO dp_people (application_id, seq, name, affiliation, field, role, grp, sector)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, p.Seq, p.Name, p.Affiliation, p.Field, p.Role, p.Group, p.Sector); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap("save application", err)
	}
	return s.Application(ctx, u, year, u.District)
}

// SubmitApplication sends the application to the city (지역공동체담당관).
// It needs the 협치구회의 (or TFT), both representatives and a roster.
func (s *Service) SubmitApplication(ctx context.Context, u *account.User, year int) (*Application, error) {
	if u.Role != account.RoleDistrict {
		return nil, forbid()
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, u.District, true)
		if err != nil {
			return err
		}
		switch {
		case a.SubmittedAt != nil:
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.submitted")
		case a.CouncilName == "":
			return maeul.FieldErrorf(maeul.EINVALID, "council_name", "dp.err.need_council")
		case a.CivilRep == "" || a.PublicRep == "":
			return maeul.FieldErrorf(maeul.EINVALID, "civil_rep", "dp.err.need_reps")
		case len(a.People) == 0:
			return maeul.FieldErrorf(maeul.EINVALID, "people", "dp.err.need_people")
		}
		if _, err := tx.Exec(ctx, `UPDATE dp_applications SET submitted_at = $2 WHERE id = $1`, a.ID, s.Now()); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "submit", "")
	})
	if err != nil {
		return nil, wrap("submit application", err)
	}
	return s.Application(ctx, u, year, u.District)
}

// ShareWithFinance shares the year's received applications with finance
// (재정담당관): the city only; returns how many were newly shared.
func (s *Service) ShareWithFinance(ctx context.Context, u *account.User, year int) (int, error) {
	if u.Role != account.RoleCity {
		return 0, forbid()
	}
	var n int
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `UPDATE dp_applications SET shared_at = $2
			WHERE year = $1 AND submitted_at IS NOT NULL AND shared_at IS NULL RETURNING id`, year, s.Now())
		ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
		if err != nil {
			return err
		}
		for _, id := range ids {
			if err := event(ctx, tx, id, u, "share", ""); err != nil {
				return err
			}
		}
		n = len(ids)
		return nil
	})
	return n, wrap("share with finance", err)
}

// Event is one line of an application's history.
type Event struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// Events returns the application's history, oldest first.
func (s *Service) Events(ctx context.Context, u *account.User, year int, district string) ([]Event, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT at, actor, action, detail FROM dp_events WHERE application_id = $1 ORDER BY at, id`, a.ID)
	evs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Event])
	return evs, wrap("events", err)
}
