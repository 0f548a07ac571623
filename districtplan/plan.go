package districtplan

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Stages of the plan: 초안 (6.30), 조정안 after 사전 협의조정 (7.31), 최종안
// after 본 협의조정 (8.31).
const (
	StageDraft    = "draft"
	StageAdjusted = "adjusted"
	StageFinal    = "final"
)

// Stages in order.
var Stages = []string{StageDraft, StageAdjusted, StageFinal}

// Due is the last day of a stage's version.
func (sc Schedule) Due(stage string) time.Time {
	switch stage {
	case StageAdjusted:
		return sc.AdjustedDue
	case StageFinal:
		return sc.FinalDue
	}
	return sc.DraftDue
}

// Project is one project of the 부문별 계획.
type Project struct {
	Title       string `json:"title"`
	Kind        int    `json:"kind"` // 유형1 기존사업 융합형 … 유형4
	Departments string `json:"departments"`
	Partners    string `json:"partners"`
	Budget      int64  `json:"budget"`
	BudgetLines string `json:"budget_lines"`
}

// VersionInput is what the district files as a version of its plan.
type VersionInput struct {
	Stage           string    `json:"stage"`
	BasicPlan       string    `json:"basic_plan"`
	Institutional   string    `json:"institutional"`
	PBSupport       string    `json:"pb_support"`
	NextYear        string    `json:"next_year"`
	ProposalsNote   string    `json:"proposals_note"`
	CityGrant       int64     `json:"city_grant"`
	IntegrationCost int64     `json:"integration_cost"`
	Projects        []Project `json:"projects"`
}

// Version is a filed version of the plan; it never changes.
type Version struct {
	ID     int64 `json:"id,string"`
	Number int   `json:"version"`
	VersionInput
	SubmittedAt time.Time `json:"submitted_at"`
	SubmittedBy string    `json:"submitted_by"`
	Late        bool      `json:"late"`
}

// SectoralTotal is the 부문별 사업비: the projects' budgets.
func (v *Version) SectoralTotal() int64 {
	var t int64
	for _, p := range v.Projects {
		t += p.Budget
	}
	return t
}

func (in *VersionInput) check() error {
	bad := func(field, key string, args ...any) error {
		return maeul.FieldErrorf(maeul.EINVALID, field, key, args...)
	}
	if !oneOf(in.Stage, Stages) {
		return bad("stage", "dp.err.bad_choice")
	}
	for _, f := range []struct {
		p    *string
		name string
	}{{&in.BasicPlan, "basic_plan"}, {&in.Institutional, "institutional"}, {&in.PBSupport, "pb_support"},
		{&in.NextYear, "next_year"}, {&in.ProposalsNote, "proposals_note"}} {
		*f.p = strings.TrimSpace(*f.p)
		if utf8.RuneCountInString(*f.p) > maxLong {
			return bad(f.name, "dp.err.too_long", maxLong)
		}
	}
	if in.CityGrant < 0 || in.CityGrant > 100*GrantCap {
		return bad("city_grant", "dp.err.bad_money")
	}
	if in.IntegrationCost < 0 || in.IntegrationCost > 100*GrantCap {
		return bad("integration_cost", "dp.err.bad_money")
	}
	if len(in.Projects) > maxRows {
		return bad("projects", "dp.err.too_many_rows", maxRows)
	}
	for i := range in.Projects {
		p := &in.Projects[i]
		p.Title, p.Departments = strings.TrimSpace(p.Title), strings.TrimSpace(p.Departments)
		p.Partners, p.BudgetLines = strings.TrimSpace(p.Partners), strings.TrimSpace(p.BudgetLines)
		if p.Title == "" || utf8.RuneCountInString(p.Title) > maxShort {
			return bad("projects", "dp.err.project_title", i+1)
		}
		if p.Kind < 1 || p.Kind > 4 {
			return bad("projects", "dp.err.project_kind", i+1)
		}
		if p.Budget < 0 || p.Budget > 100*GrantCap {
			return bad("projects", "dp.err.project_budget", i+1)
		}
		if utf8.RuneCountInString(p.Departments+p.Partners+p.BudgetLines) > maxLong {
			return bad("projects", "dp.err.too_long", maxLong)
		}
	}
	return nil
}

// FileVersion files a new version of the district's plan. The application
// must have been submitted; a 조정안 follows the 사전 협의조정 (round 0),
// a 최종안 a round of 본 협의조정; nothing is filed after approval.
func (s *Service) FileVersion(ctx context.Context, u *account.User, year int, in VersionInput) (*Version, error) {
	if u.Role != account.RoleDistrict {
		return nil, forbid()
	}
	if err := in.check(); err != nil {
		return nil, err
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, u.District, true)
		if err != nil {
			return err
		}
		if a.SubmittedAt == nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.not_submitted")
		}
		if a.ApprovedAt != nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.approved")
		}
		var rounds, lastRound int
		if err := tx.QueryRow(ctx, `SELECT count(*), coalesce(max(round), -1) FROM dp_rounds WHERE application_id = $1`, a.ID).
			Scan(&rounds, &lastRound); err != nil {
			return err
		}
		switch {
		case in.Stage == StageAdjusted && rounds == 0:
			return maeul.FieldErrorf(maeul.ECONFLICT, "stage", "dp.err.adjusted_needs_pre")
		case in.Stage == StageFinal && lastRound < 1:
			return maeul.FieldErrorf(maeul.ECONFLICT, "stage", "dp.err.final_needs_round")
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) + 1 FROM dp_plan_versions WHERE application_id = $1`, a.ID).Scan(&n); err != nil {
			return err
		}
		err = tx.QueryRow(ctx, `INSERT INTO dp_plan_versions (application_id, version, stage, basic_plan, institutional,
			pb_support, next_year, proposals_note, city_grant, integration_cost, submitted_at, submitted_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.ID, n, in.Stage, in.BasicPlan, in.Institutional, in.PBSupport, in.NextYear, in.ProposalsNote,
			in.CityGrant, in.IntegrationCost, s.Now(), u.Label()).Scan(&id)
		if err != nil {
			return err
		}
		for i, p := range in.Projects {
			if _, err := tx.Exec(ctx, `INSERT INTO dp_projects (version_id, seq, title, kind, departments, partners, budget, budget_lines)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, id, i+1, p.Title, p.Kind, p.Departments, p.Partners, p.Budget, p.BudgetLines); err != nil {
				return err
			}
		}
		return event(ctx, tx, a.ID, u, "version", in.Stage+" v"+strconv.Itoa(n))
	})
	if err != nil {
		return nil, wrap("file version", err)
	}
	return s.loadVersion(ctx, year, id)
}

func (s *Service) loadVersion(ctx context.Context, year int, id int64) (*Version, error) {
	v := &Version{ID: id}
	err := s.pool.QueryRow(ctx, `SELECT version, stage, basic_plan, institutional, pb_support, next_year, proposals_note,
		city_grant, integration_cost, submitted_at, submitted_by FROM dp_plan_versions WHERE id = $1`, id).
		Scan(&v.Number, &v.Stage, &v.BasicPlan, &v.Institutional, &v.PBSupport, &v.NextYear, &v.ProposalsNote,
			&v.CityGrant, &v.IntegrationCost, &v.SubmittedAt, &v.SubmittedBy)
	if err == pgx.ErrNoRows {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_version")
	}
	if err != nil {
		return nil, wrap("load version", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT title, kind, departments, partners, budget, budget_lines FROM dp_projects
		WHERE version_id = $1 ORDER BY seq`, id)
	v.Projects, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Project])
	if v.Projects == nil {
		v.Projects = []Project{}
	}
	v.Late = format.Late(ScheduleOf(year).Due(v.Stage), v.SubmittedAt)
	return v, wrap("load projects", err)
}

// Versions returns every version of the district's plan, oldest first.
func (s *Service) Versions(ctx context.Context, u *account.User, year int, district string) ([]*Version, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT id FROM dp_plan_versions WHERE application_id = $1 ORDER BY version`, a.ID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrap("versions", err)
	}
	out := make([]*Version, 0, len(ids))
	for _, id := range ids {
		v, err := s.loadVersion(ctx, year, id)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// Change is one difference between two versions.
type Change struct {
	Field string `json:"field"`
	From  string `json:"from"`
	To    string `json:"to"`
}

// Diff lists what changed from a to b: the texts and amounts, then the
// projects (added, removed, changed) by title.
func Diff(a, b *Version) []Change {
	var out []Change
	field := func(name, x, y string) {
		if x != y {
			out = append(out, Change{Field: name, From: x, To: y})
		}
	}
	field("stage", a.Stage, b.Stage)
	field("basic_plan", a.BasicPlan, b.BasicPlan)
	field("institutional", a.Institutional, b.Institutional)
	field("pb_support", a.PBSupport, b.PBSupport)
	field("next_year", a.NextYear, b.NextYear)
	field("proposals_note", a.ProposalsNote, b.ProposalsNote)
	field("city_grant", strconv.FormatInt(a.CityGrant, 10), strconv.FormatInt(b.CityGrant, 10))
	field("integration_cost", strconv.FormatInt(a.IntegrationCost, 10), strconv.FormatInt(b.IntegrationCost, 10))
	old := map[string]Project{}
	for _, p := range a.Projects {
		old[p.Title] = p
	}
	seen := map[string]bool{}
	for _, p := range b.Projects {
		seen[p.Title] = true
		q, ok := old[p.Title]
		if !ok {
			out = append(out, Change{Field: "project", To: projectLine(p)})
			continue
		}
		field("project", projectLine(q), projectLine(p))
	}
	for _, p := range a.Projects {
		if !seen[p.Title] {
			out = append(out, Change{Field: "project", From: projectLine(p)})
		}
	}
	return out
}

func projectLine(p Project) string {
	return p.Title + " · 유형" + strconv.Itoa(p.Kind) + " · " + strconv.FormatInt(p.Budget, 10) + "원 · " +
		p.Departments + " · " + p.Partners + " · " + p.BudgetLines
}
