package result

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// Submission states.
const (
	SubmissionSubmitted = "submitted" // 동 → 구, waiting for the district
	SubmissionReturned  = "returned"  // sent back with a reason; the dong fixes and resubmits
	SubmissionForwarded = "forwarded" // in the district's list sent to the city
)

// Deadlines of one plan year. Each is a last day: a step done on that day
// (in Seoul) is on time, the next day late.
type Deadlines struct {
	Year        int       `json:"year"`
	DongDue     time.Time `json:"dong"`
	DistrictDue time.Time `json:"district"`
	CityDue     time.Time `json:"city"`
	Custom      bool      `json:"custom"`
}

// DefaultDeadlines are the plan's: 동 7.17, 구 7.24, 시 7.31.
func DefaultDeadlines(year int) *Deadlines {
	d := func(m time.Month, day int) time.Time { return time.Date(year, m, day, 0, 0, 0, 0, web.Seoul) }
	return &Deadlines{Year: year, DongDue: d(7, 17), DistrictDue: d(7, 24), CityDue: d(7, 31)}
}

// Late reports whether at is after the last day due.
func Late(due, at time.Time) bool {
	y, m, d := due.In(web.Seoul).Date()
	return !at.Before(time.Date(y, m, d+1, 0, 0, 0, 0, web.Seoul))
}

// FindDeadlines returns the year's deadlines, the defaults when none were set.
func FindDeadlines(ctx context.Context, q assembly.Querier, year int) (*Deadlines, error) {
	var a, b, c time.Time
	err := q.QueryRow(ctx, `SELECT dong_due, district_due, city_due FROM submission_deadlines WHERE year = $1`, year).Scan(&a, &b, &c)
	if errors.Is(err, pgx.ErrNoRows) {
		return DefaultDeadlines(year), nil
	}
	if err != nil {
		return nil, err
	}
	day := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, web.Seoul) }
	return &Deadlines{Year: year, DongDue: day(a), DistrictDue: day(b), CityDue: day(c), Custom: true}, nil
}

// SetDeadlines changes a year's deadlines. Only the city may (EFORBIDDEN);
// dates must be YYYY-MM-DD in order dong ≤ district ≤ city (EINVALID).
func (s *Service) SetDeadlines(ctx context.Context, u *account.User, year int, dong, district, city string) (*Deadlines, error) {
	if u == nil || u.Role != account.RoleCity {
		return nil, account.Forbid()
	}
	if year < 2000 || year > 2100 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	parse := func(field, v string) (time.Time, error) {
		t, err := time.ParseInLocation("2006-01-02", strings.TrimSpace(v), web.Seoul)
		if err != nil {
			return t, maeul.FieldErrorf(maeul.EINVALID, field, "workflow.bad_date")
		}
		return t, nil
	}
	a, err := parse("dong", dong)
	if err != nil {
		return nil, err
	}
	b, err := parse("district", district)
	if err != nil {
		return nil, err
	}
	c, err := parse("city", city)
	if err != nil {
		return nil, err
	}
	if b.Before(a) || c.Before(b) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "district", "workflow.deadline_order")
	}
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO submission_deadlines (year, dong_due, district_due, city_due, updated_by)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (year) DO UPDATE SET dong_due = $2, district_due = $3, city_due = $4,
		updated_by = $5, updated_at = now()`, year, a.Format("2006-01-02"), b.Format("2006-01-02"), c.Format("2006-01-02"), u.ID); err != nil {
		return nil, err
	}
	if err := audit(ctx, tx, u, "", "", nil, "deadlines", "workflow.audit.deadlines", strconv.Itoa(year),
		a.Format("2006-01-02"), b.Format("2006-01-02"), c.Format("2006-01-02")); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	return &Deadlines{Year: year, DongDue: a, DistrictDue: b, CityDue: c, Custom: true}, nil
}

// SubmissionRecord is a stored submission: what the dong sent and where it is.
type SubmissionRecord struct {
	ID               int64      `db:"id" json:"-"`
	AssemblyID       int64      `db:"assembly_id" json:"-"`
	District         string     `db:"district" json:"district"`
	Dong             string     `db:"dong" json:"dong"`
	Year             int        `db:"year" json:"year"`
	State            string     `db:"state" json:"state"`
	SHA256           string     `db:"sha256" json:"sha256"`
	FirstSubmittedAt time.Time  `db:"first_submitted_at" json:"first_submitted_at"`
	SubmittedAt      time.Time  `db:"submitted_at" json:"submitted_at"`
	ReturnedAt       *time.Time `db:"returned_at" json:"returned_at,omitempty"`
	ReturnReason     string     `db:"return_reason" json:"return_reason,omitempty"`
	ForwardID        *int64     `db:"forward_id" json:"-"`
	// Late: first submitted after the dong deadline.
	Late bool `db:"-" json:"late"`
}

// IDString is the opaque id the API shows.
func (r *SubmissionRecord) IDString() string { return strconv.FormatInt(r.ID, 10) }

// MarshalJSON adds the opaque ids.
func (r SubmissionRecord) MarshalJSON() ([]byte, error) {
	type plain SubmissionRecord
	return json.Marshal(struct {
		ID         string `json:"id"`
		AssemblyID string `json:"assembly_id"`
		plain
	}{strconv.FormatInt(r.ID, 10), strconv.FormatInt(r.AssemblyID, 10), plain(r)})
}

const submissionColumns = `id, assembly_id, district, dong, year, state, sha256, first_submitted_at, submitted_at,
	returned_at, return_reason, forward_id`

func collectSubmissions(ctx context.Context, q assembly.Querier, rows pgx.Rows) ([]SubmissionRecord, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[SubmissionRecord])
	if err != nil {
		return nil, err
	}
	dues := map[int]*Deadlines{}
	for i := range list {
		d, ok := dues[list[i].Year]
		if !ok {
			if d, err = FindDeadlines(ctx, q, list[i].Year); err != nil {
				return nil, err
			}
			dues[list[i].Year] = d
		}
		list[i].Late = Late(d.DongDue, list[i].FirstSubmittedAt)
	}
	return list, nil
}

// FindSubmission returns a submission by id, or ENOTFOUND.
func FindSubmission(ctx context.Context, q assembly.Querier, id int64) (*SubmissionRecord, error) {
	rows, _ := q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1`, id)
	list, err := collectSubmissions(ctx, q, rows)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "submission.not_found")
	}
	return &list[0], nil
}

// FindSubmissionByAssembly returns the assembly's submission, or nil.
func FindSubmissionByAssembly(ctx context.Context, q assembly.Querier, assemblyID int64) (*SubmissionRecord, error) {
	rows, _ := q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE assembly_id = $1`, assemblyID)
	list, err := collectSubmissions(ctx, q, rows)
	if err != nil || len(list) == 0 {
		return nil, err
	}
	return &list[0], nil
}

// Submit sends the assembly's submission to its district (동 → 구), or sends
// a returned one again. The content and its hash are stored as sent.
// Returns EFORBIDDEN unless u manages the dong, ECONFLICT unless the result
// is announced and the submission is new or returned.
func (s *Service) Submit(ctx context.Context, assemblyID int64, u *account.User) (*SubmissionRecord, error) {
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	a, err := assembly.FindAssembly(ctx, tx, assemblyID)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	if a.State != assembly.StateAnnounced {
		return nil, maeul.Errorf(maeul.ECONFLICT, "submission.not_announced")
	}
	if a.RehearsalOf != nil {
		return nil, maeul.Errorf(maeul.ECONFLICT, "submission.rehearsal")
	}
	sub, err := BuildSubmission(ctx, tx, a)
	if err != nil {
		return nil, err
	}
	content := sub.JSON()
	sum := Hash(content)
	var id int64
	var inserted bool
	err = tx.QueryRow(ctx, `INSERT INTO submissions (assembly_id, district, dong, year, state, content, sha256, submitted_by)
		VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7)
		ON CONFLICT (assembly_id) DO UPDATE SET state = 'submitted', content = EXCLUDED.content, sha256 = EXCLUDED.sha256,
			submitted_at = now(), submitted_by = EXCLUDED.submitted_by, returned_at = NULL, return_reason = ''
		WHERE submissions.state = 'returned'
		RETURNING id, xmax = 0`, a.ID, a.District, a.Dong, PlanYear(a), content, sum, u.ID).Scan(&id, &inserted)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ECONFLICT, "submission.already")
	}
	if err != nil {
		return nil, err
	}
	action := "submit"
	if !inserted {
		action = "resubmit"
	}
	if err := audit(ctx, tx, u, a.District, a.Dong, &a.ID, action, "workflow.audit.submit",
		strconv.Itoa(len(sub.Rows)), web.Group(sub.Allocated), sum); err != nil {
		return nil, err
	}
	rec, err := FindSubmission(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return rec, tx.Commit(ctx)
}

// districtHost refuses everyone but the hosts of the submission's district.
func districtHost(u *account.User, district string) error {
	if u == nil || u.Role != account.RoleDistrict || u.District != district {
		return account.Forbid()
	}
	return nil
}

// Return sends a submitted list back to its dong with a reason. Only the
// district's hosts may (EFORBIDDEN); the reason is required (EINVALID); a
// list already returned or forwarded cannot be (ECONFLICT).
func (s *Service) Return(ctx context.Context, id int64, u *account.User, reason string) (*SubmissionRecord, error) {
	reason = strings.TrimSpace(reason)
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rec, err := FindSubmission(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(rec.District, rec.Dong) {
		return nil, account.Forbid()
	}
	if err := districtHost(u, rec.District); err != nil {
		return nil, err
	}
	if reason == "" || len([]rune(reason)) > 1000 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "reason", "workflow.reason_needed")
	}
	tag, err := tx.Exec(ctx, `UPDATE submissions SET state = 'returned', returned_at = now(), return_reason = $2
		WHERE id = $1 AND state = 'submitted'`, id, reason)
	if err != nil {
		return nil, err
	}
	if tag.RowsAffected() == 0 {
		return nil, maeul.Errorf(maeul.ECONFLICT, "workflow.not_returnable")
	}
	if err := audit(ctx, tx, u, rec.District, rec.Dong, &rec.AssemblyID, "return", "workflow.audit.return", reason); err != nil {
		return nil, err
	}
	rec, err = FindSubmission(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return rec, tx.Commit(ctx)
}

// Designation is one agenda's executing department (실행부서).
type Designation struct {
	AgendaID   string `json:"agenda_id"`
	Department string `json:"department"`
}

// Designate sets the executing department of agendas of a submitted list;
// an empty department clears it. Only the district's hosts may
// (EFORBIDDEN); not once forwarded or while returned (ECONFLICT); an agenda
// of another assembly or a department over 100 characters is EINVALID.
// Nothing is written unless every designation is good.
func (s *Service) Designate(ctx context.Context, id int64, u *account.User, ds []Designation) (*SubmissionRecord, error) {
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rec, err := FindSubmission(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(rec.District, rec.Dong) {
		return nil, account.Forbid()
	}
	if err := districtHost(u, rec.District); err != nil {
		return nil, err
	}
	var st string
	if err := tx.QueryRow(ctx, `SELECT state FROM submissions WHERE id = $1 FOR UPDATE`, id).Scan(&st); err != nil {
		return nil, err
	}
	if st != SubmissionSubmitted {
		return nil, maeul.Errorf(maeul.ECONFLICT, "workflow.not_designatable")
	}
	if len(ds) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "designations", "workflow.designation_empty")
	}
	agendas, err := assembly.FindAgendas(ctx, tx, rec.AssemblyID)
	if err != nil {
		return nil, err
	}
	numbers := map[int64]int{}
	for _, g := range agendas {
		numbers[g.ID] = g.Number
	}
	var details []string
	for _, d := range ds {
		aid := web.ParseID(d.AgendaID)
		if _, ok := numbers[aid]; !ok {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "agenda_id", "workflow.designation_agenda")
		}
		dep := strings.TrimSpace(d.Department)
		if len([]rune(dep)) > 100 {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "department", "workflow.department_long")
		}
		var old string
		tx.QueryRow(ctx, `SELECT department FROM designations WHERE agenda_id = $1`, aid).Scan(&old)
		if old == dep {
			continue
		}
		if dep == "" {
			_, err = tx.Exec(ctx, `DELETE FROM designations WHERE agenda_id = $1`, aid)
		} else {
			_, err = tx.Exec(ctx, `INSERT INTO designations (agenda_id, assembly_id, department, designated_by)
				VALUES ($1, $2, $3, $4) ON CONFLICT (agenda_id) DO UPDATE SET department = $3, designated_by = $4, designated_at = now()`,
				aid, rec.AssemblyID, dep, u.ID)
		}
		if err != nil {
			return nil, err
		}
		if dep == "" {
			dep = "—"
		}
		details = append(details, strconv.Itoa(numbers[aid])+" → "+dep)
	}
	if len(details) > 0 {
		if err := audit(ctx, tx, u, rec.District, rec.Dong, &rec.AssemblyID, "designate", "workflow.audit.designate", strings.Join(details, "; ")); err != nil {
			return nil, err
		}
	}
	return rec, tx.Commit(ctx)
}

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
	if err := districtHost(u, district); err != nil {
		return nil, err
	}
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	rows, _ := tx.Query(ctx, `SELECT `+submissionColumns+` FROM submissions
		WHERE district = $1 AND year = $2 AND state = 'submitted' ORDER BY dong, id FOR UPDATE`, district, year)
	recs, err := collectSubmissions(ctx, tx, rows)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, maeul.Errorf(maeul.ECONFLICT, "workflow.nothing_to_forward")
	}
	list := DistrictList{District: district, Year: year}
	ids := make([]int64, len(recs))
	for i, r := range recs {
		a, err := assembly.FindAssembly(ctx, tx, r.AssemblyID)
		if err != nil {
			return nil, err
		}
		sub, err := BuildSubmission(ctx, tx, a)
		if err != nil {
			return nil, err
		}
		list.Submissions = append(list.Submissions, sub)
		ids[i] = r.ID
	}
	content, _ := json.Marshal(list)
	f := &Forwarding{District: district, Year: year, SHA256: Hash(content), Dongs: len(recs)}
	if err := tx.QueryRow(ctx, `INSERT INTO district_forwards (district, year, content, sha256, forwarded_by)
		VALUES ($1, $2, $3, $4, $5) RETURNING id, forwarded_at`, district, year, content, f.SHA256, u.ID).Scan(&f.ID, &f.At); err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `UPDATE submissions SET state = 'forwarded', forward_id = $2 WHERE id = ANY($1)`, ids, f.ID); err != nil {
		return nil, err
	}
	dl, err := FindDeadlines(ctx, tx, year)
	if err != nil {
		return nil, err
	}
	f.Late = Late(dl.DistrictDue, f.At)
	if err := audit(ctx, tx, u, district, "", nil, "forward", "workflow.audit.forward",
		strconv.Itoa(year), strconv.Itoa(len(recs)), f.SHA256); err != nil {
		return nil, err
	}
	return f, tx.Commit(ctx)
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
// dong that has an assembly that year or a dong host account, with its
// submission. "missing" is such a dong without one.
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
			UNION SELECT dong FROM users WHERE role = 'dong' AND district = $1) d
		LEFT JOIN LATERAL (SELECT x.id, x.title, x.state FROM assemblies x
			LEFT JOIN submissions s ON s.assembly_id = x.id
			WHERE x.district = $1 AND x.dong = d.dong AND x.rehearsal_of IS NULL
				AND extract(year FROM x.starts_at AT TIME ZONE 'Asia/Seoul') = $2
			ORDER BY s.id IS NULL, x.starts_at DESC, x.id DESC LIMIT 1) a ON true
		LEFT JOIN submissions s ON s.assembly_id = a.id
		ORDER BY d.dong`, district, year)
	if err != nil {
		return nil, err
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
			return nil, err
		}
		ds.Status = "missing"
		if aid != nil {
			ds.AssemblyID = strconv.FormatInt(*aid, 10)
		}
		if sid != nil {
			rec.ID, rec.AssemblyID, rec.District, rec.Dong, rec.Year = *sid, *aid, district, ds.Dong, year
			rec.State, rec.SHA256, rec.FirstSubmittedAt, rec.SubmittedAt = *sstate, *ssha, *first, *at
			rec.Late = Late(dl.DongDue, rec.FirstSubmittedAt)
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
		return nil, err
	}
	rows, err = q.Query(ctx, `SELECT f.id, f.sha256, f.forwarded_at, (SELECT count(*) FROM submissions s WHERE s.forward_id = f.id)
		FROM district_forwards f WHERE f.district = $1 AND f.year = $2 ORDER BY f.forwarded_at`, district, year)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		f := Forwarding{District: district, Year: year}
		if err := rows.Scan(&f.ID, &f.SHA256, &f.At, &f.Dongs); err != nil {
			return nil, err
		}
		f.Late = Late(dl.DistrictDue, f.At)
		st.Forwards = append(st.Forwards, f)
	}
	return st, rows.Err()
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

// FindCityStatus lists every district that has hosts, assemblies or
// submissions for the year.
func FindCityStatus(ctx context.Context, q assembly.Querier, year int) (*CityStatus, error) {
	dl, err := FindDeadlines(ctx, q, year)
	if err != nil {
		return nil, err
	}
	rows, _ := q.Query(ctx, `SELECT district FROM users WHERE role IN ('district', 'dong')
		UNION SELECT district FROM assemblies WHERE rehearsal_of IS NULL AND extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul') = $1
		UNION SELECT district FROM submissions WHERE year = $1 ORDER BY 1`, year)
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
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
			line.Late = Late(dl.DistrictDue, st.Forwards[0].At)
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
		return nil, err
	}
	cl := &CityList{Year: year, Submissions: []*Submission{}}
	for _, raw := range raws {
		var dlist DistrictList
		if err := json.Unmarshal(raw, &dlist); err != nil {
			return nil, err
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

// FindDistrictList builds the district's current list: every submitted or
// forwarded submission, with the departments designated so far.
func FindDistrictList(ctx context.Context, q assembly.Querier, district string, year int) (*DistrictList, error) {
	rows, _ := q.Query(ctx, `SELECT assembly_id FROM submissions WHERE district = $1 AND year = $2 AND state <> 'returned' ORDER BY dong, id`, district, year)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	dl := &DistrictList{District: district, Year: year, Submissions: []*Submission{}}
	for _, id := range ids {
		a, err := assembly.FindAssembly(ctx, q, id)
		if err != nil {
			return nil, err
		}
		sub, err := BuildSubmission(ctx, q, a)
		if err != nil {
			return nil, err
		}
		dl.Submissions = append(dl.Submissions, sub)
	}
	return dl, nil
}
