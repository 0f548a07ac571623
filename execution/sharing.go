package execution

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"errors"
	"strings"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/result"
)

// Share kinds: a dong's results sharing page, a district's overview.
const (
	ShareDong     = "dong"
	ShareDistrict = "district"
)

// Figures are a dong's assembly in numbers.
type Figures struct {
	Title     string `json:"title"`
	Slug      string `json:"slug"`
	Ballots   int64  `json:"ballots"`
	Agendas   int    `json:"agendas"`
	Selected  int    `json:"selected"`
	Allocated int64  `json:"allocated"`
	BudgetCap int64  `json:"budget_cap"`
}

// Sharing is the content of a 성과공유 page: a dong's year, or a
// district's (Dong "") with a line per dong.
type Sharing struct {
	Kind       string         `json:"kind"`
	District   string         `json:"district"`
	Dong       string         `json:"dong"`
	Year       int            `json:"year"`
	Assemblies []Figures      `json:"assemblies"`
	Agendas    []Approval     `json:"agendas"`
	Progress   []ProgressLine `json:"progress"`
	Totals     ProgressLine   `json:"totals"`
	Activity   []Activity     `json:"activity"`
	Photos     []int64        `json:"photos"`
	Monitoring *Coverage      `json:"-"`
}

// BuildSharing gathers a dong's (dong set) or a district's year.
func (s *Service) BuildSharing(ctx context.Context, district, dong string, year int) (*Sharing, error) {
	sh := &Sharing{Kind: ShareDistrict, District: district, Dong: dong, Year: year, Assemblies: []Figures{}}
	if dong != "" {
		sh.Kind = ShareDong
	}
	rows, _ := s.pool.Query(ctx, `SELECT id FROM assemblies WHERE district = $1 AND ($2 = '' OR dong = $2)
		AND rehearsal_of IS NULL AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $3
		AND state IN ('closed', 'announced') ORDER BY dong, starts_at`, district, dong, year)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrap("sharing: assemblies", err)
	}
	for _, id := range ids {
		a, err := assembly.FindAssembly(ctx, s.pool, id)
		if err != nil {
			return nil, wrap("sharing: assembly", err)
		}
		sub, err := result.BuildSubmission(ctx, s.pool, a)
		if err != nil {
			continue // no result yet
		}
		f := Figures{Title: a.Title, Slug: a.Slug, Ballots: sub.Ballots, Agendas: len(sub.Rows), Allocated: sub.Allocated, BudgetCap: sub.BudgetCap}
		for _, r := range sub.Rows {
			if r.Selected {
				f.Selected++
			}
		}
		sh.Assemblies = append(sh.Assemblies, f)
	}
	if sh.Agendas, err = s.find(ctx, `p.year = $1 AND p.district = $2 AND ($3 = '' OR p.dong = $3)`, year, district, dong); err != nil {
		return nil, err
	}
	idx := map[string]int{}
	for _, a := range sh.Agendas {
		i, ok := idx[a.Dong]
		if !ok {
			i = len(sh.Progress)
			idx[a.Dong] = i
			sh.Progress = append(sh.Progress, ProgressLine{District: a.District, Dong: a.Dong})
		}
		sh.Progress[i].add(a)
		sh.Totals.add(a)
	}
	if sh.Activity, err = s.activities(ctx, district, dong, year); err != nil {
		return nil, err
	}
	rows, _ = s.pool.Query(ctx, `SELECT f.id FROM execution_photos f
		LEFT JOIN execution_reports r ON r.id = f.report_id LEFT JOIN approvals p ON p.agenda_id = r.agenda_id
		LEFT JOIN meetings m ON m.id = f.meeting_id
		WHERE (p.year = $1 AND p.district = $2 AND ($3 = '' OR p.dong = $3))
		   OR (m.year = $1 AND m.district = $2 AND ($3 = '' OR m.dong = $3))
		ORDER BY f.id LIMIT 24`, year, district, dong)
	if sh.Photos, err = pgx.CollectRows(rows, pgx.RowTo[int64]); err != nil {
		return nil, wrap("sharing: photos", err)
	}
	return sh, nil
}

// Sharing is BuildSharing for a host who reads the dong or district.
func (s *Service) Sharing(ctx context.Context, u *account.User, district, dong string, year int) (*Sharing, error) {
	if dong != "" && !readsDong(u, district, dong) || dong == "" && !readsDistrict(u, district) {
		return nil, account.Forbid()
	}
	return s.BuildSharing(ctx, district, dong, year)
}

// ShareLink makes (or returns) the unguessable link to a sharing page:
// a dong's host for its dong, a district's hosts for the district's page
// and its dongs'.
func (s *Service) ShareLink(ctx context.Context, u *account.User, district, dong string, year int) (string, error) {
	if err := checkYear(year); err != nil {
		return "", err
	}
	kind := ShareDistrict
	if dong != "" {
		kind = ShareDong
	}
	if !(u != nil && u.District == district && (u.Role == account.RoleDistrict || u.CanManage(district, dong))) {
		return "", account.Forbid()
	}
	var b [20]byte
	rand.Read(b[:])
	tok := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))
	err := s.pool.QueryRow(ctx, `INSERT INTO share_links (token, kind, district, dong, year, created_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (kind, district, dong, year) DO UPDATE SET kind = excluded.kind
		RETURNING token`, tok, kind, district, dong, year, u.ID).Scan(&tok)
	return tok, wrap("share link", err)
}

// Shared returns the page a link opens (ENOTFOUND for an unknown token).
func (s *Service) Shared(ctx context.Context, token string) (*Sharing, error) {
	var district, dong string
	var year int
	err := s.pool.QueryRow(ctx, `SELECT district, dong, year FROM share_links WHERE token = $1`, token).Scan(&district, &dong, &year)
	if errors.Is(err, pgx.ErrNoRows) || len(token) > 64 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	if err != nil {
		return nil, wrap("shared", err)
	}
	return s.BuildSharing(ctx, district, dong, year)
}
