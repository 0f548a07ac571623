package execution

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Report kinds: 착수, 중간, 최종 보고.
var ReportKinds = []string{"start", "middle", "final"}

// writer returns the agenda when u may write its execution record: its
// 실행부서 (or the district's 실행 총괄), or the dong's own host (the council).
func (s *Service) writer(ctx context.Context, u *account.User, agendaID int64) (*Approval, error) {
	a, err := s.Approval(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	if u.Role != account.RoleDepartment && u.Role != account.RoleDong {
		return nil, account.Forbid()
	}
	if !a.Approved() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "execution.not_approved")
	}
	return a, nil
}

// PlanInput is the 세부실행계획: the roles of each actor, the method, the
// funding, and the date of the 동회의 전체 모임 that agreed it.
type PlanInput struct {
	Roles    string `json:"roles"`
	Method   string `json:"method"`
	Funding  string `json:"funding"`
	AgreedOn string `json:"agreed_on"`
}

// SetPlan records (or corrects) the agenda's 세부실행계획.
func (s *Service) SetPlan(ctx context.Context, u *account.User, agendaID int64, in PlanInput) (*Approval, error) {
	if _, err := s.writer(ctx, u, agendaID); err != nil {
		return nil, err
	}
	roles, err := required("roles", in.Roles, 4000)
	if err != nil {
		return nil, err
	}
	method, err := required("method", in.Method, 4000)
	if err != nil {
		return nil, err
	}
	funding, err := required("funding", in.Funding, 4000)
	if err != nil {
		return nil, err
	}
	agreed, err := parseDate("agreed_on", in.AgreedOn)
	if err != nil {
		return nil, err
	}
	err = s.inTx(ctx, "set plan", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE approvals SET plan_roles = $2, plan_method = $3, plan_funding = $4,
			plan_agreed_on = $5, plan_at = now(), plan_by = $6 WHERE agenda_id = $1`,
			agendaID, roles, method, funding, agreed.Format("2006-01-02"), u.ID); err != nil {
			return err
		}
		return event(ctx, tx, agendaID, "plan", agreed.Format("2006-01-02"))
	})
	if err != nil {
		return nil, err
	}
	return s.Approval(ctx, u, agendaID)
}

// Report is a 착수, 중간 or 최종 보고.
type Report struct {
	ID         int64     `json:"id,string"`
	AgendaID   int64     `json:"agenda_id,string"`
	Kind       string    `json:"kind"`
	ReportedOn time.Time `json:"reported_on"`
	Body       string    `json:"body"`
	Spent      int64     `json:"spent"`
	Photos     []int64   `json:"photos"`
}

// ReportInput is a report as typed.
type ReportInput struct {
	Kind       string `json:"kind"`
	ReportedOn string `json:"reported_on"`
	Body       string `json:"body"`
	Spent      int64  `json:"spent"`
}

// AddReport records a report (one of each kind; ECONFLICT for a second).
// 착수 moves a planned agenda to 실행 중, 최종 to 완료.
func (s *Service) AddReport(ctx context.Context, u *account.User, agendaID int64, in ReportInput) (*Report, error) {
	a, err := s.writer(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	if in.Kind != "start" && in.Kind != "middle" && in.Kind != "final" {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "kind", "execution.bad_kind")
	}
	on, err := parseDate("reported_on", in.ReportedOn)
	if err != nil {
		return nil, err
	}
	body, err := required("body", in.Body, 8000)
	if err != nil {
		return nil, err
	}
	if in.Spent < 0 || in.Spent > 100_000_000_000 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "spent", "execution.bad_money")
	}
	if a.Status == StatusStopped || a.Status == StatusDone {
		return nil, maeul.Errorf(maeul.ECONFLICT, "execution.closed")
	}
	r := &Report{AgendaID: agendaID, Kind: in.Kind, ReportedOn: on, Body: body, Spent: in.Spent, Photos: []int64{}}
	err = s.inTx(ctx, "add report", func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `INSERT INTO execution_reports (agenda_id, kind, reported_on, body, spent, created_by)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agenda_id, kind) DO NOTHING RETURNING id`,
			agendaID, in.Kind, on.Format("2006-01-02"), body, in.Spent, u.ID).Scan(&r.ID)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ECONFLICT, "execution.report_exists")
		}
		if err != nil {
			return err
		}
		switch in.Kind {
		case "start":
			_, err = tx.Exec(ctx, `UPDATE approvals SET status = 'running', status_at = now(), started_on = coalesce(started_on, $2)
				WHERE agenda_id = $1 AND status = 'planning'`, agendaID, on.Format("2006-01-02"))
		case "final":
			_, err = tx.Exec(ctx, `UPDATE approvals SET status = 'done', status_at = now(), finished_on = $2,
				started_on = coalesce(started_on, $2) WHERE agenda_id = $1`, agendaID, on.Format("2006-01-02"))
		}
		if err != nil {
			return err
		}
		return event(ctx, tx, agendaID, "report", in.Kind)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Reports lists an agenda's reports for whoever may see the agenda.
func (s *Service) Reports(ctx context.Context, u *account.User, agendaID int64) ([]Report, error) {
	if _, err := s.Approval(ctx, u, agendaID); err != nil {
		return nil, err
	}
	return s.reports(ctx, agendaID)
}

func (s *Service) reports(ctx context.Context, agendaID int64) ([]Report, error) {
	rows, _ := s.pool.Query(ctx, `SELECT r.id, r.agenda_id, r.kind, r.reported_on, r.body, r.spent,
		coalesce((SELECT array_agg(id ORDER BY id) FROM execution_photos f WHERE f.report_id = r.id), '{}')
		FROM execution_reports r WHERE r.agenda_id = $1 ORDER BY r.reported_on, r.id`, agendaID)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Report, error) {
		var x Report
		return x, r.Scan(&x.ID, &x.AgendaID, &x.Kind, &x.ReportedOn, &x.Body, &x.Spent, &x.Photos)
	})
	return list, wrap("reports", err)
}

// AddReportPhoto adds a photo to a report (resized as assembly's photos).
func (s *Service) AddReportPhoto(ctx context.Context, u *account.User, reportID int64, caption string, data []byte) (int64, error) {
	var agendaID int64
	err := s.pool.QueryRow(ctx, `SELECT agenda_id FROM execution_reports WHERE id = $1`, reportID).Scan(&agendaID)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	if err != nil {
		return 0, wrap("report photo", err)
	}
	if _, err := s.writer(ctx, u, agendaID); err != nil {
		return 0, err
	}
	return s.addPhoto(ctx, "report_id", reportID, caption, data)
}

func (s *Service) addPhoto(ctx context.Context, col string, owner int64, caption string, data []byte) (int64, error) {
	caption, err := optional("caption", caption, assembly.MaxPhotoCaption)
	if err != nil {
		return 0, err
	}
	if len(data) == 0 || len(data) > assembly.MaxPhotoBytes {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "photo", "execution.bad_photo")
	}
	img, w, h, err := assembly.ResizePhoto(data)
	if err != nil {
		return 0, err
	}
	var id int64
	err = s.pool.QueryRow(ctx, `INSERT INTO execution_photos (`+col+`, caption, image, width, height)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`, owner, caption, img, w, h).Scan(&id)
	return id, wrap("add photo", err)
}

// Photo returns a stored JPEG. Photos show on results sharing pages, so
// they are public (as agenda photos are).
func (s *Service) Photo(ctx context.Context, id int64) ([]byte, error) {
	var b []byte
	err := s.pool.QueryRow(ctx, `SELECT image FROM execution_photos WHERE id = $1`, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	return b, wrap("photo", err)
}

// Note is one of the council's monitoring notes on an agenda.
type Note struct {
	ID   int64     `json:"id,string"`
	Body string    `json:"body"`
	By   string    `json:"by"`
	At   time.Time `json:"at"`
}

// AddNote records a monitoring note of the council (the dong's host).
func (s *Service) AddNote(ctx context.Context, u *account.User, agendaID int64, body string) (*Note, error) {
	a, err := s.Approval(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	body, err = required("body", body, 4000)
	if err != nil {
		return nil, err
	}
	n := &Note{Body: body, By: u.Email}
	err = s.inTx(ctx, "add note", func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO execution_notes (agenda_id, body, created_by) VALUES ($1, $2, $3)
			RETURNING id, created_at`, agendaID, body, u.ID).Scan(&n.ID, &n.At); err != nil {
			return err
		}
		return event(ctx, tx, agendaID, "note", "")
	})
	return n, err
}

// Notes lists an agenda's monitoring notes.
func (s *Service) Notes(ctx context.Context, u *account.User, agendaID int64) ([]Note, error) {
	if _, err := s.Approval(ctx, u, agendaID); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT n.id, n.body, u.email, n.created_at FROM execution_notes n
		JOIN users u ON u.id = n.created_by WHERE n.agenda_id = $1 ORDER BY n.id`, agendaID)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Note])
	return list, wrap("notes", err)
}

// SetStatus moves an approved agenda to running, done or stopped on a
// date: its 실행부서 or the district's hosts.
func (s *Service) SetStatus(ctx context.Context, u *account.User, agendaID int64, status, on string) (*Approval, error) {
	a, err := s.Approval(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	if u.Role != account.RoleDepartment && u.Role != account.RoleDistrict {
		return nil, account.Forbid()
	}
	if !a.Approved() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "execution.not_approved")
	}
	d, err := parseDate("on", on)
	if err != nil {
		return nil, err
	}
	var q string
	switch status {
	case StatusPlanning:
		q = `started_on = NULL, finished_on = NULL`
	case StatusRunning:
		q = `started_on = $3, finished_on = NULL`
	case StatusDone:
		q = `started_on = coalesce(started_on, $3), finished_on = $3`
	case StatusStopped:
		q = `finished_on = $3`
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "status", "execution.bad_status")
	}
	err = s.inTx(ctx, "set status", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE approvals SET status = $2, status_at = now(), `+q+` WHERE agenda_id = $1`,
			agendaID, status, d.Format("2006-01-02")); err != nil {
			return err
		}
		return event(ctx, tx, agendaID, "status", status)
	})
	if err != nil {
		return nil, err
	}
	return s.Approval(ctx, u, agendaID)
}

// File limits: PDF and images, at most 10 MB.
const MaxFileBytes = 10 << 20

// FileTypes are the content types files may have.
var FileTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// File is a stored document.
type File struct {
	ID          int64
	District    string
	Dong        string
	Name        string
	ContentType string
	Data        []byte
}

// sniff returns the allowed content type of data, judged by its bytes.
func sniff(data []byte) (string, error) {
	if len(data) == 0 || len(data) > MaxFileBytes {
		return "", maeul.FieldErrorf(maeul.EINVALID, "file", "execution.file_size", MaxFileBytes>>20)
	}
	ct := http.DetectContentType(data)
	if !FileTypes[ct] {
		return "", maeul.FieldErrorf(maeul.EINVALID, "file", "execution.file_type")
	}
	return ct, nil
}

// FileOf returns a file for whoever reads its dong (ENOTFOUND otherwise).
func (s *Service) FileOf(ctx context.Context, u *account.User, id int64) (*File, error) {
	var f File
	err := s.pool.QueryRow(ctx, `SELECT id, district, dong, name, content_type, data FROM execution_files WHERE id = $1`, id).
		Scan(&f.ID, &f.District, &f.Dong, &f.Name, &f.ContentType, &f.Data)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !readsDong(u, f.District, f.Dong)) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	if err != nil {
		return nil, wrap("file", err)
	}
	if u.Role == account.RoleDepartment {
		// A department reads only the files of its own agendas.
		where, args := scope(u, "p", 2)
		var ok bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM agreements g JOIN approvals p ON p.agenda_id = g.agenda_id
			WHERE g.file_id = $1 AND `+where+`)`, append([]any{id}, args...)...).Scan(&ok); err != nil {
			return nil, wrap("file", err)
		}
		if !ok {
			return nil, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
		}
	}
	return &f, nil
}
