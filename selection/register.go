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

func groupOf(ctx context.Context, q querier, district string, year int) (*Group, error) {
	var k string
	err := q.QueryRow(ctx, `SELECT grp FROM selection_groups WHERE plan_year = $1 AND district = $2`, year, district).Scan(&k)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	g, _ := GroupByKey(k)
	return &g, nil
}

// SetGroup puts a district in a quota group for the year ("" removes it):
// the city only; a group holds at most its number of districts (찾동 1단계 4,
// 2단계 13, 그 외 8: EINVALID beyond); ECONFLICT once the district submitted.
func (s *Service) SetGroup(ctx context.Context, u *account.User, year int, district, grp string) error {
	if u == nil || u.Role != account.RoleCity {
		return account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return err
	}
	if !account.IsSeoulDistrict(district) {
		return maeul.FieldErrorf(maeul.EINVALID, "district", "selection.err.district")
	}
	g, ok := GroupByKey(grp)
	if grp != "" && !ok {
		return maeul.FieldErrorf(maeul.EINVALID, "group", "selection.err.group")
	}
	return wrap("set group", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One city edit at a time per year: the count below stays true.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('selection_groups'), $1)`, year); err != nil {
			return err
		}
		var submitted bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM selection_reviews WHERE district = $1 AND plan_year = $2
			AND submitted_at IS NOT NULL)`, district, year).Scan(&submitted); err != nil {
			return err
		}
		if submitted {
			return maeul.Errorf(maeul.ECONFLICT, "selection.err.submitted")
		}
		if grp == "" {
			_, err := tx.Exec(ctx, `DELETE FROM selection_groups WHERE plan_year = $1 AND district = $2`, year, district)
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM selection_groups WHERE plan_year = $1 AND grp = $2 AND district <> $3`,
			year, grp, district).Scan(&n); err != nil {
			return err
		}
		if n >= g.Districts {
			return maeul.FieldErrorf(maeul.EINVALID, "group", "selection.err.group_full", g.Label, g.Districts)
		}
		_, err := tx.Exec(ctx, `INSERT INTO selection_groups (plan_year, district, grp) VALUES ($1,$2,$3)
			ON CONFLICT (plan_year, district) DO UPDATE SET grp = EXCLUDED.grp`, year, district, grp)
		return err
	}))
}

// RegisterEntry is one selected dong.
type RegisterEntry struct {
	District string    `json:"district"`
	Dong     string    `json:"dong"`
	Source   string    `json:"source"` // district | city (운영동 추가 선정)
	Chatdong bool      `json:"chatdong"`
	Rank     *int      `json:"rank"`
	AddedAt  time.Time `json:"added_at"`
}

// DistrictLine is a district's line of the register.
type DistrictLine struct {
	District    string     `json:"district"`
	Group       string     `json:"group"`
	Quota       int        `json:"quota"`
	Selected    int        `json:"selected"` // by the district
	Added       int        `json:"added"`    // by the city
	SubmittedAt *time.Time `json:"submitted_at"`
	Late        bool       `json:"late"`
}

// Register is the city's register of a year.
type Register struct {
	Year      int             `json:"year"`
	Planned   int             `json:"planned"`
	Total     int             `json:"total"`
	Districts []DistrictLine  `json:"districts"`
	Dongs     []RegisterEntry `json:"dongs"`
	Groups    map[string]int  `json:"groups"` // districts per group
}

// Register returns the year's register with every Seoul district's line
// (city; a district host gets its own district's part).
func (s *Service) Register(ctx context.Context, u *account.User, year int) (*Register, error) {
	if u == nil || (u.Role != account.RoleCity && u.Role != account.RoleDistrict) {
		return nil, account.Forbid()
	}
	only := ""
	if u.Role == account.RoleDistrict {
		only = u.District
	}
	reg := &Register{Year: year, Planned: PlannedDongs, Dongs: []RegisterEntry{}, Groups: map[string]int{}}
	rows, _ := s.pool.Query(ctx, `SELECT district, dong, source, chatdong, rank, added_at FROM selection_register
		WHERE plan_year = $1 AND ($2 = '' OR district = $2) ORDER BY district, rank NULLS LAST, dong`, year, only)
	var e RegisterEntry
	if _, err := pgx.ForEachRow(rows, []any{&e.District, &e.Dong, &e.Source, &e.Chatdong, &e.Rank, &e.AddedAt}, func() error {
		reg.Dongs = append(reg.Dongs, e)
		return nil
	}); err != nil {
		return nil, wrap("register", err)
	}
	reg.Total = len(reg.Dongs)
	groups := map[string]string{}
	rows, _ = s.pool.Query(ctx, `SELECT district, grp FROM selection_groups WHERE plan_year = $1`, year)
	var d, g string
	if _, err := pgx.ForEachRow(rows, []any{&d, &g}, func() error { groups[d] = g; reg.Groups[g]++; return nil }); err != nil {
		return nil, wrap("register groups", err)
	}
	subs := map[string]*time.Time{}
	rows, _ = s.pool.Query(ctx, `SELECT district, submitted_at FROM selection_reviews WHERE plan_year = $1 AND submitted_at IS NOT NULL`, year)
	var at *time.Time
	if _, err := pgx.ForEachRow(rows, []any{&d, &at}, func() error { subs[d] = at; return nil }); err != nil {
		return nil, wrap("register reviews", err)
	}
	due, err := s.Due(ctx, year, StepSelection)
	if err != nil {
		return nil, err
	}
	for _, name := range account.SeoulDistricts {
		if only != "" && name != only {
			continue
		}
		l := DistrictLine{District: name, Group: groups[name], SubmittedAt: subs[name]}
		if gr, ok := GroupByKey(l.Group); ok {
			l.Quota = gr.Quota
		}
		for _, e := range reg.Dongs {
			if e.District == name {
				if e.Source == "city" {
					l.Added++
				} else {
					l.Selected++
				}
			}
		}
		when := s.Now()
		if l.SubmittedAt != nil {
			when = *l.SubmittedAt
		}
		l.Late = format.Late(due, when)
		reg.Districts = append(reg.Districts, l)
	}
	return reg, nil
}

// AddDong is 운영동 추가 선정 (4.7): the city adds a dong to the register
// beyond the districts' selections. ECONFLICT when already registered.
func (s *Service) AddDong(ctx context.Context, u *account.User, year int, district, dong string, chatdong bool) error {
	if u == nil || u.Role != account.RoleCity {
		return account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return err
	}
	dong = strings.TrimSpace(dong)
	if !account.IsSeoulDistrict(district) {
		return maeul.FieldErrorf(maeul.EINVALID, "district", "selection.err.district")
	}
	if dong == "" || len([]rune(dong)) > 30 || !strings.HasSuffix(dong, "동") {
		return maeul.FieldErrorf(maeul.EINVALID, "dong", "selection.err.dong")
	}
	tag, err := s.pool.Exec(ctx, `INSERT INTO selection_register (plan_year, district, dong, source, chatdong, added_by, added_at)
		VALUES ($1,$2,$3,'city',$4,$5,$6) ON CONFLICT DO NOTHING`, year, district, dong, chatdong, u.ID, s.Now())
	if err != nil {
		return wrap("add dong", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ECONFLICT, "selection.err.registered")
	}
	return nil
}

// RemoveDong takes a city-added dong off the register (the districts'
// selections stay: they are the district's report).
func (s *Service) RemoveDong(ctx context.Context, u *account.User, year int, district, dong string) error {
	if u == nil || u.Role != account.RoleCity {
		return account.Forbid()
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM selection_register WHERE plan_year = $1 AND district = $2 AND dong = $3 AND source = 'city'`,
		year, district, dong)
	if err != nil {
		return wrap("remove dong", err)
	}
	if tag.RowsAffected() == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "selection.err.not_registered")
	}
	return nil
}

// Registered reports whether the dong is in the year's register (and
// whether the year has a register at all).
func (s *Service) Registered(ctx context.Context, year int, district, dong string) (in, any bool, err error) {
	err = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM selection_register WHERE plan_year = $1 AND district = $2 AND dong = $3),
		EXISTS (SELECT 1 FROM selection_register WHERE plan_year = $1)`, year, district, dong).Scan(&in, &any)
	return in, any, wrap("registered", err)
}
