package result

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/format"
)

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
	// Reply is the dong's answer to the return, sent with the resubmission.
	Reply     string `db:"reply" json:"reply,omitempty"`
	ForwardID *int64 `db:"forward_id" json:"-"`
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
	returned_at, return_reason, reply, forward_id`

func collectSubmissions(ctx context.Context, q assembly.Querier, rows pgx.Rows) ([]SubmissionRecord, error) {
	list, err := pgx.CollectRows(rows, pgx.RowToStructByName[SubmissionRecord])
	if err != nil {
		return nil, wrap("read submissions", err)
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
		list[i].Late = format.Late(d.DongDue, list[i].FirstSubmittedAt)
	}
	return list, nil
}

// FindSubmission returns a submission by id, or ENOTFOUND.
func FindSubmission(ctx context.Context, q assembly.Querier, id int64) (*SubmissionRecord, error) {
	return findSubmission(ctx, q, id, "")
}

// findSubmission is FindSubmission with a locking clause ("FOR UPDATE").
func findSubmission(ctx context.Context, q assembly.Querier, id int64, lock string) (*SubmissionRecord, error) {
	rows, _ := q.Query(ctx, `SELECT `+submissionColumns+` FROM submissions WHERE id = $1 `+lock, id)
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
// a returned one again with the dong's reply (up to 1000 characters; it may
// be empty). The content and its hash are stored as sent; a resubmission's
// history entry names what changed since the list was last sent.
// Returns EFORBIDDEN unless u manages the dong, ECONFLICT unless the result
// is announced and the submission is new or returned.
func (s *Service) Submit(ctx context.Context, assemblyID int64, u *account.User, reply string) (*SubmissionRecord, error) {
	reply = strings.TrimSpace(reply)
	if len([]rune(reply)) > maxReply {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "reply", "submission.reply_long", maxReply)
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("submit", err)
	}
	defer tx.Rollback(ctx)
	// The assembly's row, shared: a correction of its agendas (which holds
	// it exclusively) finishes before the list is built, or waits for it.
	if _, err := tx.Exec(ctx, `SELECT 1 FROM assemblies WHERE id = $1 FOR SHARE`, assemblyID); err != nil {
		return nil, wrap("submit: lock assembly", err)
	}
	a, err := assembly.FindAssembly(ctx, tx, assemblyID)
	if err != nil {
		return nil, wrap("submit: find assembly", err)
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
	// What was sent before, to name what changed.
	var before []byte
	var returnedAt *time.Time
	err = tx.QueryRow(ctx, `SELECT content, returned_at FROM submissions WHERE assembly_id = $1 FOR UPDATE`, a.ID).Scan(&before, &returnedAt)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, wrap("submit: previous content", err)
	}
	var id int64
	var inserted bool
	err = tx.QueryRow(ctx, `INSERT INTO submissions (assembly_id, district, dong, year, state, content, sha256, submitted_by, reply)
		VALUES ($1, $2, $3, $4, 'submitted', $5, $6, $7, $8)
		ON CONFLICT (assembly_id) DO UPDATE SET state = 'submitted', content = EXCLUDED.content, sha256 = EXCLUDED.sha256,
			submitted_at = now(), submitted_by = EXCLUDED.submitted_by, returned_at = NULL, return_reason = '', reply = EXCLUDED.reply
		WHERE submissions.state = 'returned'
		RETURNING id, xmax = 0`, a.ID, a.District, a.Dong, PlanYear(a), content, sum, u.ID, reply).Scan(&id, &inserted)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ECONFLICT, "submission.already")
	}
	if err != nil {
		return nil, wrap("submit", err)
	}
	d := auditDetail{Key: "workflow.audit.submit", Args: []string{strconv.Itoa(len(sub.Rows)), group(sub.Allocated), sum}}
	action := "submit"
	if !inserted {
		action = "resubmit"
		d.Key = "workflow.audit.resubmit"
		if d.Changes, err = changesSince(ctx, tx, a.ID, before, sub, returnedAt); err != nil {
			return nil, err
		}
		d.Changed = true
	}
	if reply != "" {
		d.Reply = reply
	}
	if err := auditDetailed(ctx, tx, u, a.District, a.Dong, &a.ID, action, d); err != nil {
		return nil, err
	}
	rec, err := FindSubmission(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return rec, wrap("submit", tx.Commit(ctx))
}

// maxReply is the longest reply a dong may send with its list.
const maxReply = 1000

// SubmissionOf returns the assembly's submission, or nil.
func (s *Service) SubmissionOf(ctx context.Context, assemblyID int64) (*SubmissionRecord, error) {
	return FindSubmissionByAssembly(ctx, s.pool, assemblyID)
}

// ReadableSubmission returns a submission u may read (its dong's host, its
// district's, the city): ENOTFOUND or EFORBIDDEN otherwise.
func (s *Service) ReadableSubmission(ctx context.Context, u *account.User, id int64) (*SubmissionRecord, error) {
	if id <= 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "submission.not_found")
	}
	rec, err := FindSubmission(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	if !u.CanRead(rec.District, rec.Dong) {
		return nil, account.Forbid()
	}
	return rec, nil
}

// SubmissionView is a stored submission with its content as sent and now.
type SubmissionView struct {
	*SubmissionRecord
	Content       *Submission `json:"content"`
	CurrentSHA256 string      `json:"current_sha256"`
	Current       *Submission `json:"-"`
}

// MarshalJSON keeps the record's fields flat next to the content.
func (v SubmissionView) MarshalJSON() ([]byte, error) {
	rec, err := v.SubmissionRecord.MarshalJSON()
	if err != nil {
		return nil, err
	}
	content, _ := json.Marshal(v.Content)
	return []byte(strings.TrimSuffix(string(rec), "}") + `,"content":` + string(content) +
		`,"current_sha256":"` + v.CurrentSHA256 + `"}`), nil
}

// View returns the submission as sent (the stored content) next to what it
// would be now (with the departments designated since), and its assembly.
func (s *Service) View(ctx context.Context, rec *SubmissionRecord) (*SubmissionView, *assembly.Assembly, error) {
	v := &SubmissionView{SubmissionRecord: rec}
	var raw []byte
	if err := s.pool.QueryRow(ctx, `SELECT content FROM submissions WHERE id = $1`, rec.ID).Scan(&raw); err != nil {
		return nil, nil, wrap("read submission content", err)
	}
	v.Content = &Submission{}
	if err := json.Unmarshal(raw, v.Content); err != nil {
		return nil, nil, wrap("read submission content", err)
	}
	a, err := assembly.FindAssembly(ctx, s.pool, rec.AssemblyID)
	if err != nil {
		return nil, nil, wrap("view submission: find assembly", err)
	}
	cur, err := BuildSubmission(ctx, s.pool, a)
	if err != nil {
		return nil, nil, err
	}
	v.Current, v.CurrentSHA256 = cur, cur.SHA256()
	return v, a, nil
}
