package districtplan

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/format"
)

// Row is one district in the city's overview of a year: both plan types
// side by side, what is late at the time asked.
type Row struct {
	District string `json:"district"`
	// The district type.
	Applied     bool       `json:"applied"` // submitted
	SubmittedAt *time.Time `json:"submitted_at"`
	Stage       string     `json:"stage"` // latest version's stage, "" none
	Versions    int        `json:"versions"`
	Rounds      int        `json:"rounds"`
	ChecksOK    bool       `json:"checks_ok"` // the latest version passes every check
	ApprovedAt  *time.Time `json:"approved_at"`
	AgreementOn *time.Time `json:"agreement_on"`
	Late        []string   `json:"late"` // steps overdue or done late
	// The dong type: the 서식 2-5 lists received from its dongs and forwarded.
	DongSubmissions int `json:"dong_submissions"`
	DongForwarded   int `json:"dong_forwarded"`
}

// Overview returns every Seoul district's row for the year (the city and
// finance), or only the host's own district (a district host).
func (s *Service) Overview(ctx context.Context, u *account.User, year int) ([]Row, error) {
	districts := account.SeoulDistricts
	switch u.Role {
	case account.RoleCity, account.RoleFinance:
	case account.RoleDistrict:
		districts = []string{u.District}
	default:
		return nil, forbid()
	}
	rows, _ := s.pool.Query(ctx, `SELECT d.district, a.id, a.submitted_at, a.approved_at, a.agreement_on,
			(SELECT count(*) FROM dp_rounds r WHERE r.application_id = a.id),
			(SELECT count(*) FROM submissions s WHERE s.district = d.district AND s.year = $1),
			(SELECT count(*) FROM submissions s WHERE s.district = d.district AND s.year = $1 AND s.state = 'forwarded')
		FROM unnest($2::text[]) WITH ORDINALITY AS d(district, n)
		LEFT JOIN dp_applications a ON a.year = $1 AND a.district = d.district
		ORDER BY d.n`, year, districts)
	type raw struct {
		Row
		appID *int64
	}
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (raw, error) {
		var x raw
		err := r.Scan(&x.District, &x.appID, &x.SubmittedAt, &x.ApprovedAt, &x.AgreementOn, &x.Rounds,
			&x.DongSubmissions, &x.DongForwarded)
		return x, err
	})
	if err != nil {
		return nil, wrap("overview", err)
	}
	now, sc := s.Now(), ScheduleOf(year)
	out := make([]Row, 0, len(list))
	for _, x := range list {
		row := x.Row
		row.Late = []string{}
		row.Applied = row.SubmittedAt != nil
		var stages = map[string]*Version{}
		if x.appID != nil {
			vrows, _ := s.pool.Query(ctx, `SELECT id FROM dp_plan_versions WHERE application_id = $1 ORDER BY version`, *x.appID)
			ids, err := pgx.CollectRows(vrows, pgx.RowTo[int64])
			if err != nil {
				return nil, wrap("overview versions", err)
			}
			row.Versions = len(ids)
			for _, id := range ids {
				v, err := s.loadVersion(ctx, year, id)
				if err != nil {
					return nil, err
				}
				if stages[v.Stage] == nil {
					stages[v.Stage] = v
				}
				row.Stage, row.ChecksOK = v.Stage, AllOK(PlanChecks(v))
			}
		}
		late := func(step string, due time.Time, done *time.Time) {
			if done == nil && format.Late(due, now) || done != nil && format.Late(due, *done) {
				row.Late = append(row.Late, step)
			}
		}
		if row.Applied || format.Late(sc.ApplicationDue, now) {
			// A district that never applied is late only if it started one.
			if x.appID != nil {
				late("application", sc.ApplicationDue, row.SubmittedAt)
			}
		}
		if row.Applied {
			for _, st := range Stages {
				var at *time.Time
				if v := stages[st]; v != nil {
					at = &v.SubmittedAt
				}
				late(st, sc.Due(st), at)
			}
			late("approval", sc.ApprovalUntil, row.ApprovedAt)
			if row.ApprovedAt != nil {
				late("agreement", sc.AgreementDue, row.AgreementOn)
			}
		}
		out = append(out, row)
	}
	return out, nil
}
