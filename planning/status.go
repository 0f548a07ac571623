package planning

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// AgendaStatus is where one agenda's final review stands.
type AgendaStatus struct {
	AssemblyID   int64      `db:"assembly_id" json:"-"`
	Dong         string     `db:"dong" json:"dong"`
	AgendaID     int64      `db:"agenda_id" json:"-"`
	Number       int        `db:"number" json:"number"`
	Title        string     `db:"title" json:"title"`
	Department   string     `db:"district_department" json:"department"`
	StartsAt     time.Time  `db:"starts_at" json:"-"`
	ReviewID     *int64     `db:"review_id" json:"-"`
	RequestedAt  *time.Time `db:"requested_at" json:"requested_at"`
	AnsweredAt   *time.Time `db:"answered_at" json:"answered_at"`
	Verdict      string     `db:"verdict" json:"verdict"`
	Deadline     time.Time  `db:"-" json:"deadline"`
	Missing      bool       `db:"-" json:"missing"`       // no final review answered yet
	Late         bool       `db:"-" json:"late"`          // missing past the deadline, or answered after it
	NotRequested bool       `db:"-" json:"not_requested"` // the dong has not asked for it
}

// ReviewStatus lists the final reviews of a plan year's agendas: a dong's
// hosts see their dong, a district's hosts every dong of it (dong ""), or
// one, the city any. Rehearsal copies are left out.
func (s *Service) ReviewStatus(ctx context.Context, u *account.User, year int, district, dong string) ([]AgendaStatus, error) {
	if u == nil {
		return nil, account.Forbid()
	}
	switch u.Role {
	case account.RoleDong:
		district, dong = u.District, u.Dong
	case account.RoleDistrict:
		district = u.District
	case account.RoleCity:
		if district == "" {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "district", "planning.need_district")
		}
	default:
		return nil, account.Forbid()
	}
	rows, _ := s.pool.Query(ctx, `SELECT a.id AS assembly_id, a.dong, g.id AS agenda_id, g.number, g.title,
		g.district_department, a.starts_at, r.id AS review_id, r.requested_at, r.answered_at, coalesce(r.verdict, '') AS verdict
		FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		LEFT JOIN planning_reviews r ON r.agenda_id = g.id AND r.kind = 'final'
		WHERE a.rehearsal_of IS NULL AND a.district = $1 AND ($2 = '' OR a.dong = $2)
		  AND extract(year FROM a.starts_at AT TIME ZONE 'Asia/Seoul') = $3
		ORDER BY a.dong, a.starts_at, g.number`, district, dong, year)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[AgendaStatus])
	if err != nil {
		return nil, wrap("review status", err)
	}
	now := s.Now()
	for i := range list {
		st := &list[i]
		st.Deadline = reviewDue(st.StartsAt)
		st.NotRequested = st.ReviewID == nil
		st.Missing = st.AnsweredAt == nil
		st.Late = (st.Missing && now.After(st.Deadline)) || (!st.Missing && st.AnsweredAt.After(st.Deadline))
	}
	return list, nil
}

// ReviewsDoneAt is when a dong's plan year had every agenda's final review
// answered (the last answer), or nil while one is missing or there is no
// agenda. For the timeline.
func (s *Service) ReviewsDoneAt(ctx context.Context, year int, district, dong string) (*time.Time, error) {
	var missing, total int
	var last *time.Time
	err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE r.answered_at IS NULL), count(*), max(r.answered_at)
		FROM agendas g JOIN assemblies a ON a.id = g.assembly_id
		LEFT JOIN planning_reviews r ON r.agenda_id = g.id AND r.kind = 'final'
		WHERE a.rehearsal_of IS NULL AND a.district = $1 AND a.dong = $2
		  AND extract(year FROM a.starts_at AT TIME ZONE 'Asia/Seoul') = $3`, district, dong, year).Scan(&missing, &total, &last)
	if err != nil {
		return nil, wrap("reviews done at", err)
	}
	if total == 0 || missing > 0 {
		return nil, nil
	}
	return last, nil
}
