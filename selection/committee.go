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

// Review is a district's 심의 of a year: the header of 서식 2-2, the
// committee, the decision and the report to the city.
type Review struct {
	District           string     `json:"district"`
	Year               int        `json:"year"`
	HeldAt             *time.Time `json:"held_at"`
	Place              string     `json:"place"`
	Department         string     `json:"department"`
	LeadName           string     `json:"lead_name"`
	LeadPhone          string     `json:"lead_phone"`
	StaffName          string     `json:"staff_name"`
	StaffPhone         string     `json:"staff_phone"`
	NoActionPlan       string     `json:"no_action_plan"`
	PBCommitteePending bool       `json:"pb_committee_pending"`
	Skipped            bool       `json:"skipped"`
	DecidedAt          *time.Time `json:"decided_at"`
	SubmittedAt        *time.Time `json:"submitted_at"`
	Late               bool       `json:"late"`
	Members            []Member   `json:"members"`
	// Rule: the committee's make-up checked (≤ 10, the three heads, a 참여예산위원).
	Rule CommitteeRule `json:"rule"`
}

// Member is one 심의위원.
type Member struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Title  string `json:"title"`
	Sector string `json:"sector"`
	Role   string `json:"role"`
}

// CommitteeRule is the make-up rule checked: every missing part by key.
type CommitteeRule struct {
	OK      bool     `json:"ok"`
	Missing []string `json:"missing"`
}

func checkCommittee(ms []Member, pbPending bool) CommitteeRule {
	r := CommitteeRule{Missing: []string{}}
	has := map[string]bool{}
	for _, m := range ms {
		has[m.Role] = true
	}
	if len(ms) > MaxMembers {
		r.Missing = append(r.Missing, "too_many")
	}
	for _, role := range []string{RoleBudgetHead, RoleVillageHead, RoleAutonomyHead} {
		if !has[role] {
			r.Missing = append(r.Missing, role)
		}
	}
	if !has[RolePBMember] && !pbPending {
		r.Missing = append(r.Missing, RolePBMember)
	}
	r.OK = len(r.Missing) == 0
	return r
}

func districtHost(u *account.User, district string) bool {
	return u != nil && u.Role == account.RoleDistrict && u.District == district
}

func canReadDistrict(u *account.User, district string) bool {
	return u != nil && (u.Role == account.RoleCity || districtHost(u, district))
}

// Review returns the district's review of the year (an empty one when none
// was started). District hosts of the district and the city.
func (s *Service) Review(ctx context.Context, u *account.User, district string, year int) (*Review, error) {
	if !canReadDistrict(u, district) {
		return nil, account.Forbid()
	}
	return s.review(ctx, s.pool, district, year)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (s *Service) review(ctx context.Context, q querier, district string, year int) (*Review, error) {
	r := &Review{District: district, Year: year, Members: []Member{}}
	err := q.QueryRow(ctx, `SELECT held_at, place, department, lead_name, lead_phone, staff_name, staff_phone, no_action_plan,
			pb_committee_pending, skipped, decided_at, submitted_at
		FROM selection_reviews WHERE district = $1 AND plan_year = $2`, district, year).Scan(&r.HeldAt, &r.Place, &r.Department,
		&r.LeadName, &r.LeadPhone, &r.StaffName, &r.StaffPhone, &r.NoActionPlan, &r.PBCommitteePending, &r.Skipped, &r.DecidedAt, &r.SubmittedAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, wrap("review", err)
	}
	rows, _ := q.Query(ctx, `SELECT id, name, title, sector, role FROM selection_members WHERE district = $1 AND plan_year = $2 ORDER BY id`,
		district, year)
	var m Member
	if _, err := pgx.ForEachRow(rows, []any{&m.ID, &m.Name, &m.Title, &m.Sector, &m.Role}, func() error {
		r.Members = append(r.Members, m)
		return nil
	}); err != nil {
		return nil, wrap("members", err)
	}
	r.Rule = checkCommittee(r.Members, r.PBCommitteePending)
	due, err := s.Due(ctx, year, StepSelection)
	if err != nil {
		return nil, err
	}
	at := s.Now()
	if r.SubmittedAt != nil {
		at = *r.SubmittedAt
	}
	r.Late = format.Late(due, at)
	return r, nil
}

// Header is what the district writes at the top of 서식 2-2.
type Header struct {
	HeldAt                                *time.Time
	Place, Department                     string
	LeadName, LeadPhone, StaffName, Phone string
	NoActionPlan                          string
	PBCommitteePending                    bool
}

// SaveHeader writes the review's header (district hosts of the district;
// ECONFLICT once submitted to the city).
func (s *Service) SaveHeader(ctx context.Context, u *account.User, year int, h Header) (*Review, error) {
	if u == nil || u.Role != account.RoleDistrict {
		return nil, account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	for _, f := range []struct {
		field, v string
		n        int
	}{{"place", h.Place, 200}, {"department", h.Department, 100}, {"lead_name", h.LeadName, 50}, {"lead_phone", h.LeadPhone, 30},
		{"staff_name", h.StaffName, 50}, {"staff_phone", h.Phone, 30}, {"no_action_plan", h.NoActionPlan, 2000}} {
		if err := checkLen(f.field, f.v, f.n); err != nil {
			return nil, err
		}
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, false); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE selection_reviews SET held_at = $3, place = $4, department = $5, lead_name = $6,
			lead_phone = $7, staff_name = $8, staff_phone = $9, no_action_plan = $10, pb_committee_pending = $11
			WHERE district = $1 AND plan_year = $2`, u.District, year, h.HeldAt, strings.TrimSpace(h.Place), h.Department,
			h.LeadName, h.LeadPhone, h.StaffName, h.Phone, h.NoActionPlan, h.PBCommitteePending)
		return err
	})
	if err != nil {
		return nil, wrap("save header", err)
	}
	return s.review(ctx, s.pool, u.District, year)
}

// lockReview creates the review row if needed and locks it; ECONFLICT when
// already submitted (or decided, when decidedToo).
func lockReview(ctx context.Context, tx pgx.Tx, district string, year int, decidedToo bool) error {
	if _, err := tx.Exec(ctx, `INSERT INTO selection_reviews (district, plan_year) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
		district, year); err != nil {
		return err
	}
	var decided, submitted bool
	if err := tx.QueryRow(ctx, `SELECT decided_at IS NOT NULL, submitted_at IS NOT NULL FROM selection_reviews
		WHERE district = $1 AND plan_year = $2 FOR UPDATE`, district, year).Scan(&decided, &submitted); err != nil {
		return err
	}
	if submitted {
		return maeul.Errorf(maeul.ECONFLICT, "selection.err.submitted")
	}
	if decided && decidedToo {
		return maeul.Errorf(maeul.ECONFLICT, "selection.err.decided")
	}
	return nil
}

// AddMember adds a 심의위원 (at most 10: EINVALID beyond; the heads are 행정,
// a 참여예산위원 민간). ECONFLICT once decided.
func (s *Service) AddMember(ctx context.Context, u *account.User, year int, m Member) (*Review, error) {
	if u == nil || u.Role != account.RoleDistrict {
		return nil, account.Forbid()
	}
	m.Name, m.Title = strings.TrimSpace(m.Name), strings.TrimSpace(m.Title)
	if m.Name == "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "name", "selection.err.member_name")
	}
	if err := checkLen("name", m.Name, 50); err != nil {
		return nil, err
	}
	if err := checkLen("title", m.Title, 100); err != nil {
		return nil, err
	}
	if m.Sector != SectorAdmin && m.Sector != SectorCivil {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "sector", "selection.err.sector")
	}
	switch m.Role {
	case RoleBudgetHead, RoleVillageHead, RoleAutonomyHead:
		if m.Sector != SectorAdmin {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "role", "selection.err.head_admin")
		}
	case RolePBMember:
		if m.Sector != SectorCivil {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "role", "selection.err.pb_civil")
		}
	case RoleOther:
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "role", "selection.err.role")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, true); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM selection_members WHERE district = $1 AND plan_year = $2`,
			u.District, year).Scan(&n); err != nil {
			return err
		}
		if n >= MaxMembers {
			return maeul.FieldErrorf(maeul.EINVALID, "name", "selection.err.too_many_members", MaxMembers)
		}
		_, err := tx.Exec(ctx, `INSERT INTO selection_members (district, plan_year, name, title, sector, role) VALUES ($1,$2,$3,$4,$5,$6)`,
			u.District, year, m.Name, m.Title, m.Sector, m.Role)
		return err
	})
	if err != nil {
		return nil, wrap("add member", err)
	}
	return s.review(ctx, s.pool, u.District, year)
}

// RemoveMember removes a 심의위원 and their scores (ECONFLICT once decided).
func (s *Service) RemoveMember(ctx context.Context, u *account.User, year int, id int64) error {
	if u == nil || u.Role != account.RoleDistrict {
		return account.Forbid()
	}
	return wrap("remove member", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, true); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM selection_members WHERE id = $1 AND district = $2 AND plan_year = $3`, id, u.District, year)
		if err == nil && tag.RowsAffected() == 0 {
			return maeul.Errorf(maeul.ENOTFOUND, "selection.err.no_member")
		}
		return err
	}))
}

// SetScores records one member's points for one received application: item
// key → 0…MaxPoints, every one of the ten (EINVALID otherwise).
func (s *Service) SetScores(ctx context.Context, u *account.User, year int, memberID int64, dong string, points map[string]int) error {
	if u == nil || u.Role != account.RoleDistrict {
		return account.Forbid()
	}
	for _, it := range Items {
		p, ok := points[it.Key]
		if !ok {
			return maeul.FieldErrorf(maeul.EINVALID, "points."+it.Key, "selection.err.points_missing", it.Label)
		}
		if p < 0 || p > MaxPoints {
			return maeul.FieldErrorf(maeul.EINVALID, "points."+it.Key, "selection.err.points", it.Label, MaxPoints)
		}
	}
	if len(points) != len(Items) {
		return maeul.FieldErrorf(maeul.EINVALID, "points", "selection.err.item", "?")
	}
	return wrap("set scores", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, true); err != nil {
			return err
		}
		var ok bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM selection_members WHERE id = $1 AND district = $2 AND plan_year = $3)`,
			memberID, u.District, year).Scan(&ok); err != nil {
			return err
		}
		if !ok {
			return maeul.Errorf(maeul.ENOTFOUND, "selection.err.no_member")
		}
		var appID int64
		err := tx.QueryRow(ctx, `SELECT id FROM selection_applications WHERE district = $1 AND dong = $2 AND plan_year = $3
			AND submitted_at IS NOT NULL`, u.District, dong, year).Scan(&appID)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "selection.err.no_application")
		}
		if err != nil {
			return err
		}
		for k, p := range points {
			if _, err := tx.Exec(ctx, `INSERT INTO selection_scores (member_id, application_id, item, points) VALUES ($1,$2,$3,$4)
				ON CONFLICT (member_id, application_id, item) DO UPDATE SET points = EXCLUDED.points`, memberID, appID, k, p); err != nil {
				return err
			}
		}
		return nil
	}))
}

// Scores returns a member's points per dong and item for the district's year.
func (s *Service) Scores(ctx context.Context, u *account.User, district string, year int) (map[int64]map[string]map[string]int, error) {
	if !canReadDistrict(u, district) {
		return nil, account.Forbid()
	}
	rows, _ := s.pool.Query(ctx, `SELECT sc.member_id, a.dong, sc.item, sc.points FROM selection_scores sc
		JOIN selection_applications a ON a.id = sc.application_id WHERE a.district = $1 AND a.plan_year = $2`, district, year)
	out := map[int64]map[string]map[string]int{}
	var mid int64
	var dong, item string
	var p int
	_, err := pgx.ForEachRow(rows, []any{&mid, &dong, &item, &p}, func() error {
		if out[mid] == nil {
			out[mid] = map[string]map[string]int{}
		}
		if out[mid][dong] == nil {
			out[mid][dong] = map[string]int{}
		}
		out[mid][dong][item] = p
		return nil
	})
	return out, wrap("scores", err)
}
