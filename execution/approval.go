package execution

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
	"maeul/result"
)

// Decisions of the city's 시민참여예산위원회, and the pending state before.
const (
	DecisionPending     = "pending"
	DecisionApproved    = "approved"    // 승인
	DecisionRejected    = "rejected"    // 미승인
	DecisionConditional = "conditional" // 조건부 승인
)

// Execution states of an approved agenda.
const (
	StatusPlanning = "planning" // 계획 중
	StatusRunning  = "running"  // 실행 중
	StatusDone     = "done"     // 완료
	StatusStopped  = "stopped"  // 중단
)

// Handover is one hand-over of the year's consolidated list to finance.
type Handover struct {
	ID      int64     `json:"id,string"`
	Year    int       `json:"year"`
	SHA256  string    `json:"sha256"`
	Agendas int       `json:"agendas"`
	By      string    `json:"handed_by"`
	At      time.Time `json:"handed_at"`
	Late    bool      `json:"late"`
}

// Approval is one selected agenda after the hand-over: the committee's
// decision and the agenda's execution.
type Approval struct {
	AgendaID     int64      `json:"agenda_id,string"`
	AssemblyID   int64      `json:"assembly_id,string"`
	Year         int        `json:"year"`
	District     string     `json:"district"`
	Dong         string     `json:"dong"`
	Rank         int        `json:"rank"`
	Title        string     `json:"title"`
	Cost         int64      `json:"cost"`
	Department   string     `json:"department"`
	Decision     string     `json:"decision"`
	Conditions   string     `json:"conditions"`
	MeetingDate  *time.Time `json:"meeting_date"`
	DecidedAt    *time.Time `json:"decided_at"`
	Status       string     `json:"status"`
	StatusAt     *time.Time `json:"status_at"`
	StartedOn    *time.Time `json:"started_on"`
	FinishedOn   *time.Time `json:"finished_on"`
	PlanRoles    string     `json:"plan_roles"`
	PlanMethod   string     `json:"plan_method"`
	PlanFunding  string     `json:"plan_funding"`
	PlanAgreedOn *time.Time `json:"plan_agreed_on"`
	PlanAt       *time.Time `json:"plan_at"`
	Spent        int64      `json:"spent"`
	Reports      []string   `json:"reports"` // kinds reported: start, middle, final
	FinalOn      *time.Time `json:"final_on"`
	PlanLate     bool       `json:"plan_late"`
	FinalLate    bool       `json:"final_late"`
}

// Approved reports whether the committee approved it (with or without conditions).
func (a *Approval) Approved() bool {
	return a.Decision == DecisionApproved || a.Decision == DecisionConditional
}

// PlanDue is the 세부실행계획's last day: the end of December of the year.
func PlanDue(year int) time.Time { return day(year, time.December, 31) }

// FinalDue is the 최종 보고's last day: the end of the next December.
func FinalDue(year int) time.Time { return day(year+1, time.December, 31) }

// HandoverDue is the city's last day to hand the list to finance: the
// city's deadline of the submission chain (7.31 by default).
func HandoverDue(ctx context.Context, q interface {
	Query(context.Context, string, ...any) (pgx.Rows, error)
	QueryRow(context.Context, string, ...any) pgx.Row
}, year int) (time.Time, error) {
	dl, err := result.FindDeadlines(ctx, q, year)
	if err != nil {
		return time.Time{}, err
	}
	return dl.CityDue, nil
}

// HandOver records that the city handed the year's consolidated list to
// finance: every selected agenda of the forwarded lists not handed over
// yet. Only the city (EFORBIDDEN); ECONFLICT when nothing new waits.
func (s *Service) HandOver(ctx context.Context, u *account.User, year int) (*Handover, error) {
	if !isCity(u) {
		return nil, account.Forbid()
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	var h *Handover
	err := s.inTx(ctx, "hand over", func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(15001, $1)`, year); err != nil {
			return err
		}
		cl, err := result.FindCityList(ctx, tx, year)
		if err != nil {
			return err
		}
		type row struct {
			agenda, assembly int64
			sub              *result.Submission
			r                result.SubmissionRow
		}
		var rows []row
		seen := map[int64]bool{} // a list forwarded twice names its agendas twice
		for _, sub := range cl.Submissions {
			aid, _ := strconv.ParseInt(sub.AssemblyID, 10, 64)
			for _, r := range sub.Rows {
				if !r.Selected {
					continue
				}
				id, _ := strconv.ParseInt(r.AgendaID, 10, 64)
				if seen[id] {
					continue
				}
				seen[id] = true
				var done bool
				if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM approvals WHERE agenda_id = $1)`, id).Scan(&done); err != nil {
					return err
				}
				if !done {
					rows = append(rows, row{id, aid, sub, r})
				}
			}
		}
		if len(rows) == 0 {
			return maeul.Errorf(maeul.ECONFLICT, "execution.nothing_to_hand_over")
		}
		content, _ := json.Marshal(cl)
		h = &Handover{Year: year, SHA256: cl.SHA256(), Agendas: len(rows), By: u.Email}
		if err := tx.QueryRow(ctx, `INSERT INTO finance_handovers (year, content, sha256, agendas, handed_by)
			VALUES ($1, $2, $3, $4, $5) RETURNING id, handed_at`, year, content, h.SHA256, h.Agendas, u.ID).Scan(&h.ID, &h.At); err != nil {
			return err
		}
		for _, x := range rows {
			dep := x.r.ExecutingDepartment
			if dep == "" {
				dep = x.r.DistrictDepartment
			}
			if _, err := tx.Exec(ctx, `INSERT INTO approvals (agenda_id, handover_id, assembly_id, year, district, dong, rank, title, cost, department)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, x.agenda, h.ID, x.assembly, year, x.sub.District, x.sub.Dong,
				x.r.Rank, x.r.Title, x.r.Cost, dep); err != nil {
				return err
			}
			if err := event(ctx, tx, x.agenda, "handover", ""); err != nil {
				return err
			}
		}
		due, err := HandoverDue(ctx, tx, year)
		if err != nil {
			return err
		}
		h.Late = format.Late(due, h.At)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return h, nil
}

// Handovers lists the year's hand-overs, for the city and finance.
func (s *Service) Handovers(ctx context.Context, u *account.User, year int) ([]Handover, error) {
	if !readsAll(u) {
		return nil, account.Forbid()
	}
	due, err := HandoverDue(ctx, s.pool, year)
	if err != nil {
		return nil, wrap("handovers", err)
	}
	rows, _ := s.pool.Query(ctx, `SELECT h.id, h.year, h.sha256, h.agendas, u.email, h.handed_at
		FROM finance_handovers h JOIN users u ON u.id = h.handed_by WHERE h.year = $1 ORDER BY h.id`, year)
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Handover, error) {
		var h Handover
		err := r.Scan(&h.ID, &h.Year, &h.SHA256, &h.Agendas, &h.By, &h.At)
		h.Late = format.Late(due, h.At)
		return h, err
	})
	return list, wrap("handovers", err)
}

// Decision is the committee's decision on one agenda.
type Decision struct {
	AgendaID   int64  `json:"agenda_id,string"`
	Decision   string `json:"decision"`
	Conditions string `json:"conditions"`
}

// Decide records the committee's decisions of one meeting (meetingDate
// YYYY-MM-DD). Only the city (EFORBIDDEN). A decision may be corrected;
// an agenda already being carried out cannot become 미승인 (ECONFLICT).
func (s *Service) Decide(ctx context.Context, u *account.User, meetingDate string, ds []Decision) ([]Approval, error) {
	if !isCity(u) {
		return nil, account.Forbid()
	}
	md, err := parseDate("meeting_date", meetingDate)
	if err != nil {
		return nil, err
	}
	if len(ds) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "decisions", "execution.no_decisions")
	}
	ids := make([]int64, 0, len(ds))
	err = s.inTx(ctx, "decide", func(tx pgx.Tx) error {
		for _, d := range ds {
			switch d.Decision {
			case DecisionApproved, DecisionRejected, DecisionConditional:
			default:
				return maeul.FieldErrorf(maeul.EINVALID, "decision", "execution.bad_decision")
			}
			cond, err := optional("conditions", d.Conditions, 2000)
			if err != nil {
				return err
			}
			if d.Decision == DecisionConditional && cond == "" {
				return maeul.FieldErrorf(maeul.EINVALID, "conditions", "execution.conditions_needed")
			}
			if d.Decision != DecisionConditional {
				cond = ""
			}
			var status string
			err = tx.QueryRow(ctx, `SELECT status FROM approvals WHERE agenda_id = $1 FOR UPDATE`, d.AgendaID).Scan(&status)
			if errors.Is(err, pgx.ErrNoRows) {
				return maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
			}
			if err != nil {
				return err
			}
			if d.Decision == DecisionRejected && status != StatusPlanning {
				return maeul.Errorf(maeul.ECONFLICT, "execution.already_running")
			}
			if _, err := tx.Exec(ctx, `UPDATE approvals SET decision = $2, conditions = $3, meeting_date = $4,
				decided_by = $5, decided_at = now(),
				plan_at = CASE WHEN $2 = 'rejected' THEN NULL ELSE plan_at END
				WHERE agenda_id = $1`, d.AgendaID, d.Decision, cond, md.Format("2006-01-02"), u.ID); err != nil {
				return err
			}
			if err := event(ctx, tx, d.AgendaID, "decision", d.Decision); err != nil {
				return err
			}
			ids = append(ids, d.AgendaID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.find(ctx, `p.agenda_id = ANY($1)`, ids)
}

// event records what changed on an agenda for whoever it concerns.
func event(ctx context.Context, tx pgx.Tx, agendaID int64, kind, detail string) error {
	_, err := tx.Exec(ctx, `INSERT INTO execution_events (agenda_id, district, dong, department, kind, detail)
		SELECT agenda_id, district, dong, department, $2, $3 FROM approvals WHERE agenda_id = $1`, agendaID, kind, detail)
	return err
}

// scope is the SQL condition on a table with district, dong and department
// columns (alias p) of what u may see, with its arguments from n on.
func scope(u *account.User, alias string, n int) (string, []any) {
	if readsAll(u) {
		return "TRUE", nil
	}
	if u == nil || u.District == "" {
		return "FALSE", nil
	}
	d := "$" + strconv.Itoa(n)
	switch u.Role {
	case account.RoleDistrict, account.RoleMonitor:
		return alias + ".district = " + d, []any{u.District}
	case account.RoleDong:
		return alias + ".district = " + d + " AND " + alias + ".dong = $" + strconv.Itoa(n+1), []any{u.District, u.Dong}
	case account.RoleDepartment:
		dep := "$" + strconv.Itoa(n+1)
		return alias + ".district = " + d + " AND (" + dep + " = ANY (regexp_split_to_array(" + alias + `.department, '\s*[/,·\n]\s*'))
			OR EXISTS (SELECT 1 FROM district_offices o WHERE o.district = ` + alias + ".district AND o.execution_department = " + dep + "))",
			[]any{u.District, u.Department}
	}
	return "FALSE", nil
}

const approvalColumns = `p.agenda_id, p.assembly_id, p.year, p.district, p.dong, p.rank, p.title, p.cost, p.department,
	p.decision, p.conditions, p.meeting_date, p.decided_at, p.status, p.status_at, p.started_on, p.finished_on,
	p.plan_roles, p.plan_method, p.plan_funding, p.plan_agreed_on, p.plan_at,
	coalesce((SELECT sum(spent) FROM execution_reports r WHERE r.agenda_id = p.agenda_id), 0),
	coalesce((SELECT array_agg(kind ORDER BY reported_on) FROM execution_reports r WHERE r.agenda_id = p.agenda_id), '{}'),
	(SELECT reported_on FROM execution_reports r WHERE r.agenda_id = p.agenda_id AND kind = 'final')`

func (s *Service) find(ctx context.Context, where string, args ...any) ([]Approval, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+approvalColumns+` FROM approvals p WHERE `+where+
		` ORDER BY p.year, p.district, p.dong, p.rank`, args...)
	now := s.Now()
	list, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Approval, error) {
		var a Approval
		err := r.Scan(&a.AgendaID, &a.AssemblyID, &a.Year, &a.District, &a.Dong, &a.Rank, &a.Title, &a.Cost, &a.Department,
			&a.Decision, &a.Conditions, &a.MeetingDate, &a.DecidedAt, &a.Status, &a.StatusAt, &a.StartedOn, &a.FinishedOn,
			&a.PlanRoles, &a.PlanMethod, &a.PlanFunding, &a.PlanAgreedOn, &a.PlanAt, &a.Spent, &a.Reports, &a.FinalOn)
		a.flag(now)
		return a, err
	})
	return list, wrap("find approvals", err)
}

// flag sets the late flags: a plan after (or still missing after) the end
// of December, a final report after (or missing after) the next December.
func (a *Approval) flag(now time.Time) {
	if !a.Approved() {
		return
	}
	if a.PlanAt != nil {
		a.PlanLate = format.Late(PlanDue(a.Year), *a.PlanAt)
	} else {
		a.PlanLate = format.Late(PlanDue(a.Year), now)
	}
	if a.Status == StatusStopped {
		return
	}
	if a.FinalOn != nil {
		a.FinalLate = format.Late(FinalDue(a.Year), *a.FinalOn)
	} else {
		a.FinalLate = format.Late(FinalDue(a.Year), now)
	}
}

// Approvals lists the year's handed-over agendas that u may see (city and
// finance: all; a district's hosts and monitors: the district; a dong: its
// own; a department: those naming it, all of its district when it is the
// district's 실행 총괄). district and dong narrow the list ("" for all).
func (s *Service) Approvals(ctx context.Context, u *account.User, year int, district, dong string) ([]Approval, error) {
	where, args := scope(u, "p", 3)
	args = append([]any{year, district}, args...)
	q := `p.year = $1 AND ($2 = '' OR p.district = $2) AND ` + where
	if dong != "" {
		args = append(args, dong)
		q += ` AND p.dong = $` + strconv.Itoa(len(args))
	}
	return s.find(ctx, q, args...)
}

// Approval returns one agenda if u may see it (ENOTFOUND otherwise, so a
// department cannot learn of others' agendas).
func (s *Service) Approval(ctx context.Context, u *account.User, agendaID int64) (*Approval, error) {
	where, args := scope(u, "p", 2)
	list, err := s.find(ctx, `p.agenda_id = $1 AND `+where, append([]any{agendaID}, args...)...)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	return &list[0], nil
}

// Event is one change on an agenda, as shown in a host's list.
type Event struct {
	ID       int64     `json:"id,string"`
	AgendaID int64     `json:"agenda_id,string"`
	District string    `json:"district"`
	Dong     string    `json:"dong"`
	Title    string    `json:"title"`
	Kind     string    `json:"kind"`
	Detail   string    `json:"detail"`
	At       time.Time `json:"at"`
	New      bool      `json:"new"`
}

// Feed is what changed for u: the newest events and how many are unseen.
type Feed struct {
	Unseen int     `json:"unseen"`
	Events []Event `json:"events"`
}

// Feed returns u's events (newest first, at most limit) and the unseen count.
func (s *Service) Feed(ctx context.Context, u *account.User, limit int) (*Feed, error) {
	where, args := scope(u, "e", 3)
	var uid int64
	if u != nil {
		uid = u.ID
	}
	rows, _ := s.pool.Query(ctx, `SELECT e.id, e.agenda_id, e.district, e.dong, p.title, e.kind, e.detail, e.at,
		e.id > coalesce((SELECT last_event FROM execution_seen WHERE user_id = $1), 0)
		FROM execution_events e JOIN approvals p ON p.agenda_id = e.agenda_id
		WHERE `+where+` ORDER BY e.id DESC LIMIT $2`, append([]any{uid, limit}, args...)...)
	evs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Event, error) {
		var e Event
		return e, r.Scan(&e.ID, &e.AgendaID, &e.District, &e.Dong, &e.Title, &e.Kind, &e.Detail, &e.At, &e.New)
	})
	if err != nil {
		return nil, wrap("feed", err)
	}
	f := &Feed{Events: evs}
	w2, a2 := scope(u, "e", 2)
	err = s.pool.QueryRow(ctx, `SELECT count(*) FROM execution_events e WHERE e.id > coalesce((SELECT last_event
		FROM execution_seen WHERE user_id = $1), 0) AND `+w2, append([]any{uid}, a2...)...).Scan(&f.Unseen)
	return f, wrap("feed: unseen", err)
}

// Seen marks u's events as read up to now.
func (s *Service) Seen(ctx context.Context, u *account.User) error {
	if u == nil {
		return account.Forbid()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO execution_seen (user_id, last_event)
		VALUES ($1, coalesce((SELECT max(id) FROM execution_events), 0))
		ON CONFLICT (user_id) DO UPDATE SET last_event = excluded.last_event`, u.ID)
	return wrap("seen", err)
}
