package selection

import (
	"context"
	"sort"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
)

// Decide ranks the district's received applications and selects its quota:
// 찾동 마을계획 dongs first ("찾동 마을계획 추진동 우선 선정"), then the others by
// the committee's average total score (dong name breaks ties). When only 찾동
// dongs applied the committee may be skipped ("선정심의 절차 생략 가능");
// otherwise the committee must meet the rule and every member must have
// scored every other dong. The city must have set the district's group
// (its quota). ECONFLICT once decided.
func (s *Service) Decide(ctx context.Context, u *account.User, year int) (*Report, error) {
	if u == nil || u.Role != account.RoleDistrict {
		return nil, account.Forbid()
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, true); err != nil {
			return err
		}
		g, err := groupOf(ctx, tx, u.District, year)
		if err != nil {
			return err
		}
		if g == nil {
			return maeul.Errorf(maeul.EINVALID, "selection.err.no_group")
		}
		type cand struct {
			id       int64
			dong     string
			chatdong bool
			score    *float64
		}
		rows, _ := tx.Query(ctx, `SELECT a.id, a.dong, a.chatdong,
				(SELECT avg(t)::float8 FROM (SELECT sum(points) t FROM selection_scores WHERE application_id = a.id GROUP BY member_id) x)
			FROM selection_applications a WHERE a.district = $1 AND a.plan_year = $2 AND a.submitted_at IS NOT NULL`, u.District, year)
		var cs []cand
		var c cand
		if _, err := pgx.ForEachRow(rows, []any{&c.id, &c.dong, &c.chatdong, &c.score}, func() error {
			cs = append(cs, c)
			return nil
		}); err != nil {
			return err
		}
		if len(cs) == 0 {
			return maeul.Errorf(maeul.EINVALID, "selection.err.none_received")
		}
		others := 0
		for _, c := range cs {
			if !c.chatdong {
				others++
			}
		}
		if others > 0 {
			r, err := s.review(ctx, tx, u.District, year)
			if err != nil {
				return err
			}
			if !r.Rule.OK {
				return maeul.Errorf(maeul.EINVALID, "selection.err.committee")
			}
			var missing int
			if err := tx.QueryRow(ctx, `SELECT count(*) FROM selection_members m CROSS JOIN selection_applications a
				WHERE m.district = $1 AND m.plan_year = $2 AND a.district = $1 AND a.plan_year = $2
					AND a.submitted_at IS NOT NULL AND NOT a.chatdong
					AND (SELECT count(*) FROM selection_scores s WHERE s.member_id = m.id AND s.application_id = a.id) < $3`,
				u.District, year, len(Items)).Scan(&missing); err != nil {
				return err
			}
			if missing > 0 {
				return maeul.Errorf(maeul.EINVALID, "selection.err.scores_missing", missing)
			}
		}
		sort.SliceStable(cs, func(i, j int) bool {
			a, b := cs[i], cs[j]
			if a.chatdong != b.chatdong {
				return a.chatdong
			}
			as, bs := -1.0, -1.0
			if a.score != nil {
				as = *a.score
			}
			if b.score != nil {
				bs = *b.score
			}
			if as != bs {
				return as > bs
			}
			return a.dong < b.dong
		})
		for i, c := range cs {
			if _, err := tx.Exec(ctx, `UPDATE selection_applications SET rank = $2, selected = $3, score = $4 WHERE id = $1`,
				c.id, i+1, i < g.Quota, c.score); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, `UPDATE selection_reviews SET decided_at = $3, skipped = $4 WHERE district = $1 AND plan_year = $2`,
			u.District, year, s.Now(), others == 0)
		return err
	})
	if err != nil {
		return nil, wrap("decide", err)
	}
	return s.Report(ctx, u, u.District, year)
}

// Reopen undoes a decision not yet submitted to the city.
func (s *Service) Reopen(ctx context.Context, u *account.User, year int) error {
	if u == nil || u.Role != account.RoleDistrict {
		return account.Forbid()
	}
	return wrap("reopen", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, false); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE selection_applications SET rank = NULL, selected = NULL, score = NULL
			WHERE district = $1 AND plan_year = $2`, u.District, year); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE selection_reviews SET decided_at = NULL, skipped = false WHERE district = $1 AND plan_year = $2`,
			u.District, year)
		return err
	}))
}

// Report is 서식 2-2: the review with its ranking 1–N.
type Report struct {
	*Review
	Received int            `json:"received"`
	Selected int            `json:"selected"`
	Ranking  []*Application `json:"ranking"`
	Group    *Group         `json:"group"`
}

// Report returns the district's 서식 2-2 of the year (district hosts of the
// district and the city).
func (s *Service) Report(ctx context.Context, u *account.User, district string, year int) (*Report, error) {
	r, err := s.Review(ctx, u, district, year)
	if err != nil {
		return nil, err
	}
	apps, err := s.Applications(ctx, u, district, year)
	if err != nil {
		return nil, err
	}
	rep := &Report{Review: r, Ranking: []*Application{}}
	for _, a := range apps {
		if a.SubmittedAt == nil {
			continue
		}
		rep.Received++
		if a.Selected != nil && *a.Selected {
			rep.Selected++
		}
		if a.Rank != nil {
			rep.Ranking = append(rep.Ranking, a)
		}
	}
	if rep.Group, err = groupOf(ctx, s.pool, district, year); err != nil {
		return nil, wrap("report", err)
	}
	return rep, nil
}

// SubmitReport sends 서식 2-2 to the city: the decision must be made and the
// meeting's date and place written (unless the 심의 was skipped). The
// selected dongs enter the city's register. Late after the selection's last
// day (3.31); ECONFLICT when already submitted.
func (s *Service) SubmitReport(ctx context.Context, u *account.User, year int) (*Report, error) {
	if u == nil || u.Role != account.RoleDistrict {
		return nil, account.Forbid()
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := lockReview(ctx, tx, u.District, year, false); err != nil {
			return err
		}
		r, err := s.review(ctx, tx, u.District, year)
		if err != nil {
			return err
		}
		if r.DecidedAt == nil {
			return maeul.Errorf(maeul.EINVALID, "selection.err.not_decided")
		}
		if !r.Skipped && (r.HeldAt == nil || r.Place == "") {
			return maeul.FieldErrorf(maeul.EINVALID, "place", "selection.err.meeting")
		}
		// The city may have changed the group since the decision.
		g, err := groupOf(ctx, tx, u.District, year)
		if err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM selection_applications WHERE district = $1 AND plan_year = $2 AND selected`,
			u.District, year).Scan(&n); err != nil {
			return err
		}
		if g == nil || n > g.Quota {
			return maeul.Errorf(maeul.EINVALID, "selection.err.over_quota", n)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO selection_register (plan_year, district, dong, source, chatdong, rank, added_by, added_at)
			SELECT plan_year, district, dong, 'district', chatdong, rank, $3, $4 FROM selection_applications
			WHERE district = $1 AND plan_year = $2 AND selected
			ON CONFLICT (plan_year, district, dong) DO UPDATE SET source = 'district', rank = EXCLUDED.rank`,
			u.District, year, u.ID, s.Now()); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE selection_reviews SET submitted_at = $3 WHERE district = $1 AND plan_year = $2`, u.District, year, s.Now())
		return err
	})
	if err != nil {
		return nil, wrap("submit report", err)
	}
	return s.Report(ctx, u, u.District, year)
}
