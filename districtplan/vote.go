package districtplan

import (
	"context"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
)

// VoteInput is what a district sets for its residents' vote on the plan's
// projects.
type VoteInput struct {
	StartsAt, EndsAt time.Time
	Place            string
	MaxChoices       int
	// CommitteeWeight is the committee's share of the final score in
	// percent (0: the residents decide alone); the residents have the rest.
	CommitteeWeight int
}

// Vote is a district's vote and how its parts combine.
type Vote struct {
	AssemblyID      int64  `json:"assembly_id,string"`
	Slug            string `json:"slug"`
	State           string `json:"state"`
	CommitteeWeight int    `json:"committee_weight"`
	ResidentWeight  int    `json:"resident_weight"`
}

// CreateVote opens a district-wide vote (dong account.DistrictWide) on the
// latest version's projects, one agenda each with its budget as cost and
// the city grant as the cap; the district's hosts then run it like any
// assembly (booklet, codes, projector). One per plan.
func (s *Service) CreateVote(ctx context.Context, u *account.User, year int, in VoteInput) (*Vote, error) {
	if u.Role != account.RoleDistrict {
		return nil, forbid()
	}
	if in.CommitteeWeight < 0 || in.CommitteeWeight > 100 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "committee_weight", "dp.err.weight")
	}
	a, err := s.Application(ctx, u, year, u.District)
	if err != nil {
		return nil, err
	}
	var exists bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM dp_votes WHERE application_id = $1)`, a.ID).Scan(&exists); err != nil {
		return nil, wrap("create vote", err)
	}
	if exists {
		return nil, maeul.Errorf(maeul.ECONFLICT, "dp.err.vote_exists")
	}
	vs, err := s.Versions(ctx, u, year, u.District)
	if err != nil {
		return nil, err
	}
	if len(vs) == 0 || len(vs[len(vs)-1].Projects) == 0 {
		return nil, maeul.Errorf(maeul.ECONFLICT, "dp.err.vote_needs_projects")
	}
	latest := vs[len(vs)-1]
	budget := latest.CityGrant
	if budget <= 0 {
		budget = latest.SectoralTotal()
	}
	if in.MaxChoices == 0 {
		in.MaxChoices = min(3, len(latest.Projects))
	}
	asm, err := s.assemblies.CreateAssembly(ctx, assembly.AssemblyInput{
		Slug:     "gu-" + strconv.Itoa(year) + "-" + strconv.FormatInt(a.ID, 10),
		District: u.District, Dong: account.DistrictWide,
		Title: strconv.Itoa(year) + " " + u.District + " 지역사회혁신계획 주민투표", Place: in.Place,
		StartsAt: in.StartsAt, EndsAt: in.EndsAt, BudgetCap: budget, Method: assembly.MethodApproval,
		MaxChoices: in.MaxChoices, Sealed: true, TieBreak: assembly.TieBreakNumberAsc}, &u.ID)
	if err != nil {
		return nil, err
	}
	for _, p := range latest.Projects {
		summary := strings.TrimSpace("유형" + strconv.Itoa(p.Kind) + " · " + p.Departments + " · " + p.Partners)
		if _, err := s.assemblies.AddAgenda(ctx, asm.ID, assembly.AgendaInput{Title: p.Title, Cost: p.Budget,
			Summary: summary, DistrictDepartment: p.Departments}); err != nil {
			return nil, err
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO dp_votes (application_id, assembly_id, committee_weight, resident_weight)
			VALUES ($1, $2, $3, $4)`, a.ID, asm.ID, in.CommitteeWeight, 100-in.CommitteeWeight); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "vote", asm.Slug)
	})
	if err != nil {
		return nil, wrap("create vote", err)
	}
	return &Vote{AssemblyID: asm.ID, Slug: asm.Slug, State: asm.State, CommitteeWeight: in.CommitteeWeight,
		ResidentWeight: 100 - in.CommitteeWeight}, nil
}

// FindVote returns the plan's vote, or nil when there is none.
func (s *Service) FindVote(ctx context.Context, u *account.User, year int, district string) (*Vote, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	v := &Vote{}
	err = s.pool.QueryRow(ctx, `SELECT v.assembly_id, s.slug, s.state, v.committee_weight, v.resident_weight
		FROM dp_votes v JOIN assemblies s ON s.id = v.assembly_id WHERE v.application_id = $1`, a.ID).
		Scan(&v.AssemblyID, &v.Slug, &v.State, &v.CommitteeWeight, &v.ResidentWeight)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	return v, wrap("find vote", err)
}

// SetScores records the committee's score (0–100) of each project (agenda
// id → score), all or nothing, until the result is announced.
func (s *Service) SetScores(ctx context.Context, u *account.User, year int, scores map[int64]float64) error {
	if u.Role != account.RoleDistrict {
		return forbid()
	}
	v, err := s.FindVote(ctx, u, year, u.District)
	if err != nil {
		return err
	}
	if v == nil {
		return maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_vote")
	}
	if v.State == assembly.StateAnnounced {
		return maeul.Errorf(maeul.ECONFLICT, "dp.err.vote_announced")
	}
	for _, sc := range scores {
		if sc < 0 || sc > 100 {
			return maeul.FieldErrorf(maeul.EINVALID, "scores", "dp.err.score")
		}
	}
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var appID int64
		if err := tx.QueryRow(ctx, `SELECT application_id FROM dp_votes WHERE assembly_id = $1`, v.AssemblyID).Scan(&appID); err != nil {
			return err
		}
		for id, sc := range scores {
			tag, err := tx.Exec(ctx, `INSERT INTO dp_vote_scores (application_id, agenda_id, score)
				SELECT $1, g.id, $3 FROM agendas g WHERE g.id = $2 AND g.assembly_id = $4
				ON CONFLICT (application_id, agenda_id) DO UPDATE SET score = EXCLUDED.score`, appID, id, sc, v.AssemblyID)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				return maeul.FieldErrorf(maeul.EINVALID, "scores", "dp.err.score_agenda")
			}
		}
		return event(ctx, tx, appID, u, "scores", strconv.Itoa(len(scores)))
	})
	return wrap("set scores", err)
}

// WeightedRow is one project in the combined result.
type WeightedRow struct {
	Rank           int     `json:"rank"`
	AgendaID       int64   `json:"agenda_id,string"`
	Number         int     `json:"number"`
	Title          string  `json:"title"`
	Cost           int64   `json:"cost"`
	CommitteeScore float64 `json:"committee_score"`
	Scored         bool    `json:"scored"`
	Votes          int64   `json:"votes"`
	ResidentShare  float64 `json:"resident_share"` // % of ballots that chose it
	Final          float64 `json:"final"`
}

// WeightedResult combines the committee's scores and the residents' vote:
// final = committee score × committee weight + resident share × resident
// weight (each part out of 100). Only once voting has closed.
type WeightedResult struct {
	Vote    *Vote         `json:"vote"`
	Ballots int64         `json:"ballots"`
	Rows    []WeightedRow `json:"rows"`
}

// Weighted returns the combined result of the district's vote.
func (s *Service) Weighted(ctx context.Context, u *account.User, year int, district string) (*WeightedResult, error) {
	v, err := s.FindVote(ctx, u, year, district)
	if err != nil {
		return nil, err
	}
	if v == nil {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_vote")
	}
	if v.State != assembly.StateClosed && v.State != assembly.StateAnnounced {
		return nil, maeul.Errorf(maeul.ECONFLICT, "dp.err.vote_open")
	}
	asm, err := assembly.FindAssembly(ctx, s.pool, v.AssemblyID)
	if err != nil {
		return nil, err
	}
	agendas, err := assembly.FindAgendas(ctx, s.pool, v.AssemblyID)
	if err != nil {
		return nil, err
	}
	counts, err := voting.CountBallots(ctx, s.pool, asm)
	if err != nil {
		return nil, err
	}
	scores := map[int64]float64{}
	rows, _ := s.pool.Query(ctx, `SELECT agenda_id, score::float8 FROM dp_vote_scores s JOIN dp_votes v USING (application_id)
		WHERE v.assembly_id = $1`, v.AssemblyID)
	var id int64
	var sc float64
	if _, err := pgx.ForEachRow(rows, []any{&id, &sc}, func() error { scores[id] = sc; return nil }); err != nil {
		return nil, wrap("scores", err)
	}
	res := &WeightedResult{Vote: v, Ballots: counts.Ballots}
	for _, g := range agendas {
		r := WeightedRow{AgendaID: g.ID, Number: g.Number, Title: g.Title, Cost: g.Cost}
		for _, c := range counts.Agendas[g.ID] {
			r.Votes += c.Votes
		}
		if counts.Ballots > 0 {
			r.ResidentShare = float64(r.Votes) * 100 / float64(counts.Ballots)
		}
		r.CommitteeScore, r.Scored = scores[g.ID]
		r.Final = (r.CommitteeScore*float64(v.CommitteeWeight) + r.ResidentShare*float64(v.ResidentWeight)) / 100
		res.Rows = append(res.Rows, r)
	}
	sort.SliceStable(res.Rows, func(i, j int) bool {
		if res.Rows[i].Final != res.Rows[j].Final {
			return res.Rows[i].Final > res.Rows[j].Final
		}
		return res.Rows[i].Number < res.Rows[j].Number
	})
	for i := range res.Rows {
		res.Rows[i].Rank = i + 1
	}
	return res, nil
}

// ScoreRow is a project of the vote with the committee's score, if given.
type ScoreRow struct {
	AgendaID int64    `json:"agenda_id,string"`
	Number   int      `json:"number"`
	Title    string   `json:"title"`
	Score    *float64 `json:"score"`
}

// Scores lists the vote's projects with the committee's scores.
func (s *Service) Scores(ctx context.Context, v *Vote) ([]ScoreRow, error) {
	rows, _ := s.pool.Query(ctx, `SELECT g.id, g.number, g.title, sc.score::float8 FROM agendas g
		JOIN dp_votes v ON v.assembly_id = g.assembly_id
		LEFT JOIN dp_vote_scores sc ON sc.application_id = v.application_id AND sc.agenda_id = g.id
		WHERE g.assembly_id = $1 ORDER BY g.number`, v.AssemblyID)
	out, err := pgx.CollectRows(rows, pgx.RowToStructByPos[ScoreRow])
	return out, wrap("scores", err)
}
