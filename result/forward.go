package result

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/format"
)

// DistrictList is a district's consolidated list, as forwarded to the city.
type DistrictList struct {
	District    string        `json:"district"`
	Year        int           `json:"year"`
	Submissions []*Submission `json:"submissions"`
}

// Forward sends the district's submitted lists to the city (구 → 시) as one
// consolidated list, stored with its hash. Only the district's hosts may
// (EFORBIDDEN); ECONFLICT when no list waits to be forwarded.
func (s *Service) Forward(ctx context.Context, district string, year int, u *account.User) (*Forwarding, error) {
	var f *Forwarding
	err := s.inDistrict(ctx, u, district, "forward", func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+submissionColumns+` FROM submissions
			WHERE district = $1 AND year = $2 AND state = 'submitted' ORDER BY dong, id FOR UPDATE`, district, year)
		recs, err := collectSubmissions(ctx, tx, rows)
		if err != nil {
			return err
		}
		if len(recs) == 0 {
			return maeul.Errorf(maeul.ECONFLICT, "workflow.nothing_to_forward")
		}
		list := DistrictList{District: district, Year: year}
		ids := make([]int64, len(recs))
		for i, r := range recs {
			a, err := assembly.FindAssembly(ctx, tx, r.AssemblyID)
			if err != nil {
				return wrap("forward: find assembly", err)
			}
			sub, err := BuildSubmission(ctx, tx, a)
			if err != nil {
				return err
			}
			list.Submissions = append(list.Submissions, sub)
			ids[i] = r.ID
		}
		content, _ := json.Marshal(list)
		f = &Forwarding{District: district, Year: year, SHA256: Hash(content), Dongs: len(recs)}
		if err := tx.QueryRow(ctx, `INSERT INTO district_forwards (district, year, content, sha256, forwarded_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, forwarded_at`, district, year, content, f.SHA256, u.ID).Scan(&f.ID, &f.At); err != nil {
			return wrap("forward", err)
		}
		if _, err := tx.Exec(ctx, `UPDATE submissions SET state = 'forwarded', forward_id = $2 WHERE id = ANY($1)`, ids, f.ID); err != nil {
			return wrap("forward", err)
		}
		dl, err := FindDeadlines(ctx, tx, year)
		if err != nil {
			return err
		}
		f.Late = format.Late(dl.DistrictDue, f.At)
		return audit(ctx, tx, u, district, "", nil, "forward", "workflow.audit.forward",
			strconv.Itoa(year), strconv.Itoa(len(recs)), f.SHA256)
	})
	if err != nil {
		return nil, err
	}
	return f, nil
}

// Forwarding is one consolidated list sent to the city.
type Forwarding struct {
	ID       int64     `json:"-"`
	District string    `json:"district"`
	Year     int       `json:"year"`
	SHA256   string    `json:"sha256"`
	Dongs    int       `json:"dongs"`
	At       time.Time `json:"forwarded_at"`
	Late     bool      `json:"late"`
}

// FindDistrictList builds the district's current list: every submitted or
// forwarded submission, with the departments designated so far.
func FindDistrictList(ctx context.Context, q assembly.Querier, district string, year int) (*DistrictList, error) {
	rows, _ := q.Query(ctx, `SELECT assembly_id FROM submissions WHERE district = $1 AND year = $2 AND state <> 'returned' ORDER BY dong, id`, district, year)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, wrap("district list", err)
	}
	dl := &DistrictList{District: district, Year: year, Submissions: []*Submission{}}
	for _, id := range ids {
		a, err := assembly.FindAssembly(ctx, q, id)
		if err != nil {
			return nil, wrap("district list: find assembly", err)
		}
		sub, err := BuildSubmission(ctx, q, a)
		if err != nil {
			return nil, err
		}
		dl.Submissions = append(dl.Submissions, sub)
	}
	return dl, nil
}

// SHA256 is the hash of the list's JSON, as its exports state it.
func (dl *DistrictList) SHA256() string {
	raw, _ := json.Marshal(dl)
	return Hash(raw)
}

// readableDistrict: the district's hosts and the city.
func readableDistrict(u *account.User, district string) error {
	if u == nil || district == "" {
		return account.Forbid()
	}
	if u.Role == account.RoleCity || (u.Role == account.RoleDistrict && u.District == district) {
		return nil
	}
	return account.Forbid()
}

// DistrictList is FindDistrictList for u: a host of the district or the
// city (EFORBIDDEN otherwise).
func (s *Service) DistrictList(ctx context.Context, u *account.User, district string, year int) (*DistrictList, error) {
	if err := readableDistrict(u, district); err != nil {
		return nil, err
	}
	return FindDistrictList(ctx, s.pool, district, year)
}
