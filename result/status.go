package result

import (
	"context"
	"encoding/json"
	"sort"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/assembly"
	"maeul/format"
)

// DongStatus is one dong's line on the district page.
type DongStatus struct {
	Dong       string            `json:"dong"`
	AssemblyID string            `json:"assembly_id,omitempty"`
	Assembly   string            `json:"assembly,omitempty"`
	State      string            `json:"assembly_state,omitempty"`
	Status     string            `json:"status"` // submitted | late | returned | forwarded | missing
	Submission *SubmissionRecord `json:"submission,omitempty"`
	Agendas    int               `json:"agendas"`
	Selected   int               `json:"selected"`
	Allocated  int64             `json:"allocated"`
}

// DistrictStatus is the district page: every dong, submitted or not.
type DistrictStatus struct {
	District  string        `json:"district"`
	Year      int           `json:"year"`
	Deadlines *Deadlines    `json:"deadlines"`
	Dongs     []DongStatus  `json:"dongs"`
	Forwards  []Forwarding  `json:"forwards"`
	Totals    StatusTotals  `json:"totals"`
	Waiting   int           `json:"waiting"` // submitted, not forwarded yet
	Audit     []AuditEntry  `json:"-"`
	Pending   []*Submission `json:"-"`
}

// StatusTotals counts the dongs by status.
type StatusTotals struct {
	Dongs     int   `json:"dongs"`
	Submitted int   `json:"submitted"` // on time or late, including forwarded
	Late      int   `json:"late"`
	Returned  int   `json:"returned"`
	Forwarded int   `json:"forwarded"`
	Missing   int   `json:"missing"`
	Agendas   int   `json:"agendas"`
	Selected  int   `json:"selected"`
	Allocated int64 `json:"allocated"`
}

// FindDistrictStatus lists the dongs of a district for a plan year: every
// dong that has an assembly that year, and every dong of the year's register
// of selected dongs (selection) — or, for a year without a register, every
// dong with a host account — with its submission. "missing" is such a dong
// without one.
func FindDistrictStatus(ctx context.Context, q assembly.Querier, district string, year int) (*DistrictStatus, error) {
	dl, err := FindDeadlines(ctx, q, year)
	if err != nil {
		return nil, err
	}
	st := &DistrictStatus{District: district, Year: year, Deadlines: dl, Dongs: []DongStatus{}, Forwards: []Forwarding{}}
	// One query: every dong, its assembly of the year (the submitted one
	// first), and that assembly's submission with its counts.
	rows, err := q.Query(ctx, `SELECT d.dong, a.id, coalesce(a.title, ''), coalesce(a.state, ''),
			s.id, s.state, s.sha256, s.first_submitted_at, s.submitted_at, s.returned_at, coalesce(s.return_reason, ''),
			s.forward_id, coalesce(jsonb_array_length(s.content->'rows'), 0),
			coalesce((SELECT count(*) FROM jsonb_array_elements(s.content->'rows') r WHERE (r->>'selected')::boolean), 0),
			coalesce((s.content->>'allocated')::bigint, 0)
		FROM (SELECT dong FROM assemblies WHERE district = $1 AND rehearsal_of IS NULL
				AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $2
			-- The year's register of selected dongs when the city keeps one;
			-- else the dongs that have a host account.
			UNION SELECT dong FROM selection_register WHERE plan_year = $2 AND district = $1
			UNION SELECT dong FROM users WHERE role = 'dong' AND district = $1
				AND NOT EXISTS (SELECT 1 FROM selection_register WHERE plan_year = $2)) d
		LEFT JOIN LATERAL (SELECT x.id, x.title, x.state FROM assemblies x
			LEFT JOIN submissions s ON s.assembly_id = x.id
			WHERE x.district = $1 AND x.dong = d.dong AND x.rehearsal_of IS NULL
				AND extract(year FROM x.starts_at AT TIME ZONE 'Asia/Seoul') = $2
			ORDER BY s.id IS NULL, x.starts_at DESC, x.id DESC LIMIT 1) a ON true
		LEFT JOIN submissions s ON s.assembly_id = a.id
		ORDER BY d.dong`, district, year)
	if err != nil {
		return nil, wrap("district status", err)
	}
	defer rows.Close()
	for rows.Next() {
		var ds DongStatus
		var aid, sid *int64
		var rec SubmissionRecord
		var sstate, ssha *string
		var first, at *time.Time
		if err := rows.Scan(&ds.Dong, &aid, &ds.Assembly, &ds.State, &sid, &sstate, &ssha, &first, &at, &rec.ReturnedAt,
			&rec.ReturnReason, &rec.ForwardID, &ds.Agendas, &ds.Selected, &ds.Allocated); err != nil {
			return nil, wrap("district status", err)
		}
		ds.Status = "missing"
		if aid != nil {
			ds.AssemblyID = strconv.FormatInt(*aid, 10)
		}
		if sid != nil {
			rec.ID, rec.AssemblyID, rec.District, rec.Dong, rec.Year = *sid, *aid, district, ds.Dong, year
			rec.State, rec.SHA256, rec.FirstSubmittedAt, rec.SubmittedAt = *sstate, *ssha, *first, *at
			rec.Late = format.Late(dl.DongDue, rec.FirstSubmittedAt)
			ds.Submission = &rec
			ds.Status = rec.State
			if rec.State == SubmissionSubmitted && rec.Late {
				ds.Status = "late"
			}
		}
		t := &st.Totals
		t.Dongs++
		switch {
		case ds.Submission == nil:
			t.Missing++
		case ds.Submission.State == SubmissionReturned:
			t.Returned++
		default:
			t.Submitted++
			t.Agendas += ds.Agendas
			t.Selected += ds.Selected
			t.Allocated += ds.Allocated
			if ds.Submission.Late {
				t.Late++
			}
			if ds.Submission.State == SubmissionForwarded {
				t.Forwarded++
			} else {
				st.Waiting++
			}
		}
		st.Dongs = append(st.Dongs, ds)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("district status", err)
	}
	rows, err = q.Query(ctx, `SELECT f.id, f.sha256, f.forwarded_at, (SELECT count(*) FROM submissions s WHERE s.forward_id = f.id)
		FROM district_forwards f WHERE f.district = $1 AND f.year = $2 ORDER BY f.forwarded_at`, district, year)
	if err != nil {
		return nil, wrap("district forwards", err)
	}
	defer rows.Close()
	for rows.Next() {
		f := Forwarding{District: district, Year: year}
		if err := rows.Scan(&f.ID, &f.SHA256, &f.At, &f.Dongs); err != nil {
			return nil, wrap("district forwards", err)
		}
		f.Late = format.Late(dl.DistrictDue, f.At)
		st.Forwards = append(st.Forwards, f)
	}
	return st, wrap("district forwards", rows.Err())
}

// DistrictLine is one district's line on the city page.
type DistrictLine struct {
	District   string       `json:"district"`
	Totals     StatusTotals `json:"totals"`
	Forwarded  bool         `json:"forwarded"`
	LastAt     *time.Time   `json:"last_forwarded_at,omitempty"`
	Late       bool         `json:"late"`
	LastSHA256 string       `json:"last_sha256,omitempty"`
}

// CityStatus is the city page: every district.
type CityStatus struct {
	Year      int            `json:"year"`
	Deadlines *Deadlines     `json:"deadlines"`
	Districts []DistrictLine `json:"districts"`
	Totals    StatusTotals   `json:"totals"`
}

// FindCityStatus lists every district that has assemblies, submissions or
// registered dongs for the year (hosts, for a year without a register).
func FindCityStatus(ctx context.Context, q assembly.Querier, year int) (*CityStatus, error) {
	dl, err := FindDeadlines(ctx, q, year)
	if err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, `SELECT district FROM users WHERE role IN ('district', 'dong')
			AND NOT EXISTS (SELECT 1 FROM selection_register WHERE plan_year = $1)
		UNION SELECT district FROM selection_register WHERE plan_year = $1
		UNION SELECT district FROM assemblies WHERE rehearsal_of IS NULL AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $1
		UNION SELECT district FROM submissions WHERE year = $1 ORDER BY 1`, year)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, wrap("city status", err)
	}
	cs := &CityStatus{Year: year, Deadlines: dl, Districts: []DistrictLine{}}
	for _, d := range names {
		st, err := FindDistrictStatus(ctx, q, d, year)
		if err != nil {
			return nil, err
		}
		line := DistrictLine{District: d, Totals: st.Totals}
		if n := len(st.Forwards); n > 0 {
			last := st.Forwards[n-1]
			line.Forwarded, line.LastAt, line.LastSHA256 = true, &last.At, last.SHA256
			line.Late = format.Late(dl.DistrictDue, st.Forwards[0].At)
		}
		t := &cs.Totals
		t.Dongs += st.Totals.Dongs
		t.Submitted += st.Totals.Submitted
		t.Late += st.Totals.Late
		t.Returned += st.Totals.Returned
		t.Forwarded += st.Totals.Forwarded
		t.Missing += st.Totals.Missing
		t.Agendas += st.Totals.Agendas
		t.Selected += st.Totals.Selected
		t.Allocated += st.Totals.Allocated
		cs.Districts = append(cs.Districts, line)
	}
	return cs, nil
}

// CityList is the city's consolidated list: every district's forwarded lists.
type CityList struct {
	Year        int           `json:"year"`
	Submissions []*Submission `json:"submissions"`
}

// FindCityList gathers what the districts forwarded for the year, as they
// forwarded it (the stored content, not a fresh build).
func FindCityList(ctx context.Context, q assembly.Querier, year int) (*CityList, error) {
	rows, _ := q.Query(ctx, `SELECT content FROM district_forwards WHERE year = $1 ORDER BY district, forwarded_at, id`, year)
	raws, err := pgx.CollectRows(rows, pgx.RowTo[[]byte])
	if err != nil {
		return nil, wrap("city list", err)
	}
	cl := &CityList{Year: year, Submissions: []*Submission{}}
	for _, raw := range raws {
		var dlist DistrictList
		if err := json.Unmarshal(raw, &dlist); err != nil {
			return nil, wrap("city list", err)
		}
		cl.Submissions = append(cl.Submissions, dlist.Submissions...)
	}
	sort.SliceStable(cl.Submissions, func(i, j int) bool {
		a, b := cl.Submissions[i], cl.Submissions[j]
		if a.District != b.District {
			return a.District < b.District
		}
		return a.Dong < b.Dong
	})
	return cl, nil
}

// SHA256 is the hash of the list's JSON, as its exports state it.
func (cl *CityList) SHA256() string {
	raw, _ := json.Marshal(cl)
	return Hash(raw)
}

// cityHost refuses everyone but the city's hosts.
func cityHost(u *account.User) error {
	if u == nil || u.Role != account.RoleCity {
		return account.Forbid()
	}
	return nil
}

// DistrictStatus is FindDistrictStatus for u: a host of the district or
// the city (EFORBIDDEN otherwise).
func (s *Service) DistrictStatus(ctx context.Context, u *account.User, district string, year int) (*DistrictStatus, error) {
	if err := readableDistrict(u, district); err != nil {
		return nil, err
	}
	return FindDistrictStatus(ctx, s.pool, district, year)
}

// CityStatus is FindCityStatus for the city's hosts (EFORBIDDEN otherwise).
func (s *Service) CityStatus(ctx context.Context, u *account.User, year int) (*CityStatus, error) {
	if err := cityHost(u); err != nil {
		return nil, err
	}
	return FindCityStatus(ctx, s.pool, year)
}

// CityList is FindCityList for the city's hosts (EFORBIDDEN otherwise).
func (s *Service) CityList(ctx context.Context, u *account.User, year int) (*CityList, error) {
	if err := cityHost(u); err != nil {
		return nil, err
	}
	return FindCityList(ctx, s.pool, year)
}
