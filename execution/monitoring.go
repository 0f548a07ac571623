package execution

import (
	"context"
	"sort"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Monitoring rounds: at least one visit of each per dong (예산편성, 실행).
const (
	RoundBudget    = "budget"
	RoundExecution = "execution"
)

// Rounds are the rounds every dong needs, in order.
var Rounds = []string{RoundBudget, RoundExecution}

// FieldReport is a 현장조사 보고서 (서식 2-8).
type FieldReport struct {
	ID             int64     `json:"id,string"`
	District       string    `json:"district"`
	Dong           string    `json:"dong"`                // 동명
	Year           int       `json:"year"`                //
	Round          string    `json:"round"`               // budget | execution
	Interviewees   string    `json:"interviewees"`        // 면접 대상 참여위원
	CouncilMembers string    `json:"council_members"`     // 동회의 위원명
	Center         string    `json:"center"`              // 동주민센터
	VisitedAt      time.Time `json:"visited_at"`          // 현장조사 일시
	OpSystem       string    `json:"opinion_op_system"`   // 의견: 동회의 운영체계 구상
	Resources      string    `json:"opinion_resources"`   // 자원조사
	ExecSystem     string    `json:"opinion_exec_system"` // 실행체계
	Planning       string    `json:"opinion_planning"`    // 민관협력적 실행계획 수립과정
	Assembly       string    `json:"opinion_assembly"`    // 마을총회 등 추진여부
	Other          string    `json:"opinion_other"`       // 기타
	Late           bool      `json:"late"`                // after a month before the sharing date
}

// FieldReportInput is a field report as typed; VisitedAt is
// YYYY-MM-DDTHH:MM (Seoul).
type FieldReportInput struct {
	Dong           string `json:"dong"`
	Year           int    `json:"year"`
	Round          string `json:"round"`
	Interviewees   string `json:"interviewees"`
	CouncilMembers string `json:"council_members"`
	Center         string `json:"center"`
	VisitedAt      string `json:"visited_at"`
	OpSystem       string `json:"opinion_op_system"`
	Resources      string `json:"opinion_resources"`
	ExecSystem     string `json:"opinion_exec_system"`
	Planning       string `json:"opinion_planning"`
	Assembly       string `json:"opinion_assembly"`
	Other          string `json:"opinion_other"`
}

// readsMonitoring: the city, and the district's hosts and monitors.
func readsMonitoring(u *account.User, district string) bool {
	return isCity(u) || (u != nil && district != "" && u.District == district &&
		(u.Role == account.RoleDistrict || u.Role == account.RoleMonitor))
}

// MonitoringDue is the last day of a district's monitoring: a month before
// its results sharing date (nil when the date is not set).
func MonitoringDue(o *Office) *time.Time {
	if o == nil || o.SharingDate == nil {
		return nil
	}
	y, m, d := o.SharingDate.Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, seoul).AddDate(0, -1, 0)
	return &t
}

// AddFieldReport records a field report: the district's monitors only.
func (s *Service) AddFieldReport(ctx context.Context, u *account.User, district string, in FieldReportInput) (*FieldReport, error) {
	if u == nil || u.Role != account.RoleMonitor || u.District != district {
		return nil, account.Forbid()
	}
	if err := checkYear(in.Year); err != nil {
		return nil, err
	}
	if in.Round != RoundBudget && in.Round != RoundExecution {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "round", "execution.bad_round")
	}
	r := &FieldReport{District: district, Year: in.Year, Round: in.Round}
	var err error
	fields := []struct {
		name string
		in   string
		out  *string
		req  bool
	}{{"dong", in.Dong, &r.Dong, true}, {"interviewees", in.Interviewees, &r.Interviewees, false},
		{"council_members", in.CouncilMembers, &r.CouncilMembers, false}, {"center", in.Center, &r.Center, false},
		{"opinion_op_system", in.OpSystem, &r.OpSystem, false}, {"opinion_resources", in.Resources, &r.Resources, false},
		{"opinion_exec_system", in.ExecSystem, &r.ExecSystem, false}, {"opinion_planning", in.Planning, &r.Planning, false},
		{"opinion_assembly", in.Assembly, &r.Assembly, false}, {"opinion_other", in.Other, &r.Other, false}}
	for _, f := range fields {
		if f.req {
			*f.out, err = required(f.name, f.in, 100)
		} else {
			*f.out, err = optional(f.name, f.in, 4000)
		}
		if err != nil {
			return nil, err
		}
	}
	if r.OpSystem+r.Resources+r.ExecSystem+r.Planning+r.Assembly+r.Other == "" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "opinion_other", "execution.opinion_needed")
	}
	if r.VisitedAt, err = parseTime("visited_at", in.VisitedAt); err != nil {
		return nil, err
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO field_reports (district, dong, year, round, interviewees, council_members, center,
		visited_at, op_system, resources, exec_system, planning, assembly, other, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		district, r.Dong, r.Year, r.Round, r.Interviewees, r.CouncilMembers, r.Center, r.VisitedAt, r.OpSystem,
		r.Resources, r.ExecSystem, r.Planning, r.Assembly, r.Other, u.ID).Scan(&r.ID)
	if err != nil {
		return nil, wrap("add field report", err)
	}
	o, err := s.FindOffice(ctx, district)
	if err != nil {
		return nil, err
	}
	if due := MonitoringDue(o); due != nil {
		r.Late = format.Late(*due, r.VisitedAt)
	}
	return r, nil
}

// Coverage is a district's monitoring of the year: per dong, the rounds
// done and missing.
type Coverage struct {
	District string         `json:"district"`
	Year     int            `json:"year"`
	Due      *time.Time     `json:"due"` // a month before the sharing date
	Dongs    []DongCoverage `json:"dongs"`
	Reports  []FieldReport  `json:"reports"`
}

// DongCoverage is one dong's monitoring rounds.
type DongCoverage struct {
	Dong    string   `json:"dong"`
	Budget  int      `json:"budget"`
	Exec    int      `json:"execution"`
	Missing []string `json:"missing"` // rounds without a report (on time)
	Overdue bool     `json:"overdue"` // the due day has passed with a round missing
}

// Coverage lists the district's field reports and which dongs lack which
// round. The dongs are those with an assembly, an agenda handed over or a
// report in the year.
func (s *Service) Coverage(ctx context.Context, u *account.User, district string, year int) (*Coverage, error) {
	if !readsMonitoring(u, district) {
		return nil, account.Forbid()
	}
	o, err := s.FindOffice(ctx, district)
	if err != nil {
		return nil, err
	}
	c := &Coverage{District: district, Year: year, Due: MonitoringDue(o), Dongs: []DongCoverage{}}
	rows, _ := s.pool.Query(ctx, `SELECT id, district, dong, year, round, interviewees, council_members, center, visited_at,
		op_system, resources, exec_system, planning, assembly, other, false FROM field_reports
		WHERE district = $1 AND year = $2 ORDER BY dong, visited_at, id`, district, year)
	if c.Reports, err = pgx.CollectRows(rows, pgx.RowToStructByPos[FieldReport]); err != nil {
		return nil, wrap("coverage", err)
	}
	dongs, err := s.dongsOf(ctx, district, year)
	if err != nil {
		return nil, err
	}
	by := map[string]*DongCoverage{}
	for _, d := range dongs {
		by[d] = &DongCoverage{Dong: d}
	}
	for i := range c.Reports {
		r := &c.Reports[i]
		if c.Due != nil {
			r.Late = format.Late(*c.Due, r.VisitedAt)
		}
		d := by[r.Dong]
		if d == nil {
			d = &DongCoverage{Dong: r.Dong}
			by[r.Dong] = d
		}
		if r.Late {
			continue // a visit after the due day does not count
		}
		if r.Round == RoundBudget {
			d.Budget++
		} else {
			d.Exec++
		}
	}
	now := s.Now()
	for _, d := range by {
		d.Missing = []string{}
		if d.Budget == 0 {
			d.Missing = append(d.Missing, RoundBudget)
		}
		if d.Exec == 0 {
			d.Missing = append(d.Missing, RoundExecution)
		}
		d.Overdue = len(d.Missing) > 0 && c.Due != nil && format.Late(*c.Due, now)
		c.Dongs = append(c.Dongs, *d)
	}
	sort.Slice(c.Dongs, func(i, j int) bool { return c.Dongs[i].Dong < c.Dongs[j].Dong })
	return c, nil
}

// dongsOf lists the district's dongs active in the year.
func (s *Service) dongsOf(ctx context.Context, district string, year int) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT dong FROM assemblies WHERE district = $1 AND rehearsal_of IS NULL
			AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $2
		UNION SELECT dong FROM approvals WHERE district = $1 AND year = $2
		UNION SELECT dong FROM field_reports WHERE district = $1 AND year = $2
		UNION SELECT dong FROM meetings WHERE district = $1 AND year = $2 AND owner_kind = 'dong'
		ORDER BY 1`, district, year)
	list, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return list, wrap("dongs of district", err)
}
