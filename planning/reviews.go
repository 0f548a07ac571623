package planning

import (
	"context"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Review kinds (서식 2-6 과정 / 최종).
const (
	KindProcess = "process"
	KindFinal   = "final"
)

// Verdicts (종합검토결과), as the agenda's review_result.
const (
	VerdictAdequate   = "adequate"
	VerdictInadequate = "inadequate"
)

const (
	maxShort = 200
	maxLong  = 4000
)

// Review is one request for a department's review and its answer.
type Review struct {
	ID          int64      `db:"id" json:"-"`
	AgendaID    int64      `db:"agenda_id" json:"-"`
	Kind        string     `db:"kind" json:"kind"`
	Round       int16      `db:"round" json:"round"`
	District    string     `db:"district" json:"district"`
	Department  string     `db:"department" json:"department"`
	RequestedAt time.Time  `db:"requested_at" json:"requested_at"`
	AnsweredAt  *time.Time `db:"answered_at" json:"answered_at"`
	ProcessAnswer
	FinalAnswer
}

// ProcessAnswer is the 과정 form's part a department writes.
type ProcessAnswer struct {
	Opinion  string `db:"opinion" json:"opinion"`   // 검토의견 (법령 저촉, 타당성 등 종합의견)
	Proposal string `db:"proposal" json:"proposal"` // 실행방안 제안
	Requests string `db:"requests" json:"requests"` // 요청사항
	// 작성부서 / 검토기관: 기관명, and the officials (office numbers).
	Org          string `db:"org" json:"org"`
	OfficerName  string `db:"officer_name" json:"officer_name"`
	OfficerPhone string `db:"officer_phone" json:"officer_phone"`
}

// FinalAnswer is the 최종 form's part (with ProcessAnswer's 기관명 and 담당).
type FinalAnswer struct {
	Overview         string `db:"overview" json:"overview"` // 사업개요
	Budget           int64  `db:"budget" json:"budget"`     // 소요예산 (원)
	Period           string `db:"period" json:"period"`     // 사업기간
	LawConflict      *bool  `db:"law_conflict" json:"law_conflict"`
	LawReason        string `db:"law_reason" json:"law_reason"`
	Ineligible       *bool  `db:"ineligible" json:"ineligible"`
	IneligibleReason string `db:"ineligible_reason" json:"ineligible_reason"`
	Assessment       string `db:"assessment" json:"assessment"` // 타당성, 시급성, 사업효과, 수혜범위
	Verdict          string `db:"verdict" json:"verdict"`
	LeadName         string `db:"lead_name" json:"lead_name"` // 팀장
	LeadPhone        string `db:"lead_phone" json:"lead_phone"`
}

// Answer is what a department sends: the fields of its form's kind.
type Answer struct {
	ProcessAnswer
	FinalAnswer
}

const reviewCols = `r.id, r.agenda_id, r.kind, r.round, r.district, r.department, r.requested_at, r.answered_at,
	r.opinion, r.proposal, r.requests, r.org, r.officer_name, r.officer_phone, r.overview, r.budget, r.period,
	r.law_conflict, r.law_reason, r.ineligible, r.ineligible_reason, r.assessment, r.verdict, r.lead_name, r.lead_phone`

// Departments splits an agenda's 자치구 담당부서 ("마을과/지역경제과") into
// department names.
func Departments(s string) []string {
	var out []string
	for _, d := range strings.FieldsFunc(s, func(r rune) bool { return r == '/' || r == ',' || r == '·' }) {
		if d = strings.TrimSpace(d); d != "" {
			out = append(out, d)
		}
	}
	return out
}

// RequestReview asks a department named on the agenda for a review: kind
// process with round 1 or 2 (the draft reviewed), or final. department
// picks one of the agenda's departments ("": the first). Only the agenda's
// dong hosts ask; ECONFLICT when that review was asked for already.
func (s *Service) RequestReview(ctx context.Context, u *account.User, agendaID int64, kind string, round int, department string) (*Review, error) {
	g, a, err := s.manageAgenda(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	switch {
	case kind == KindProcess && (round == 1 || round == 2):
	case kind == KindFinal:
		round = 0
	case kind == KindProcess:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "round", "planning.review.bad_round")
	default:
		return nil, maeul.FieldErrorf(maeul.EINVALID, "kind", "planning.review.bad_kind")
	}
	deps := Departments(g.DistrictDepartment)
	if len(deps) == 0 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "department", "planning.review.no_department")
	}
	department = strings.TrimSpace(department)
	if department == "" {
		department = deps[0]
	} else if !contains(deps, department) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "department", "planning.review.not_named")
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO planning_reviews AS r (agenda_id, kind, round, district, department, requested_by)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (agenda_id, kind, round) DO NOTHING RETURNING `+reviewCols,
		g.ID, kind, round, a.District, department, u.ID)
	r, err := one[Review](rows, "planning.review.asked_already")
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		return nil, maeul.Errorf(maeul.ECONFLICT, "planning.review.asked_already")
	}
	return r, wrap("request review", err)
}

// QueueItem is a review request with its agenda, as a department's queue
// and the status lists show it.
type QueueItem struct {
	Review
	AgendaNumber int       `db:"agenda_number"`
	AgendaTitle  string    `db:"agenda_title"`
	AssemblyID   int64     `db:"assembly_id"`
	Dong         string    `db:"dong"`
	StartsAt     time.Time `db:"starts_at"`
}

// Deadline is when a final review is due.
func (q *QueueItem) Deadline() time.Time { return reviewDue(q.StartsAt) }

// Queue is a department's review requests across its district's dongs,
// the unanswered first, then by the assembly's date. Only departments.
func (s *Service) Queue(ctx context.Context, u *account.User) ([]QueueItem, error) {
	if u == nil || u.Role != account.RoleDepartment {
		return nil, account.Forbid()
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+reviewCols+`, g.number AS agenda_number, g.title AS agenda_title,
		a.id AS assembly_id, a.dong, a.starts_at
		FROM planning_reviews r JOIN agendas g ON g.id = r.agenda_id JOIN assemblies a ON a.id = g.assembly_id
		WHERE r.district = $1 AND r.department = $2
		ORDER BY r.answered_at IS NOT NULL, a.starts_at, a.dong, g.number, r.kind DESC, r.round`, u.District, u.Department)
	items, err := pgx.CollectRows(rows, pgx.RowToStructByName[QueueItem])
	return items, wrap("queue", err)
}

// FindReview returns a review for its department or for the hosts who
// read its agenda; another district's department gets EFORBIDDEN.
func (s *Service) FindReview(ctx context.Context, u *account.User, id int64) (*QueueItem, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+reviewCols+`, g.number AS agenda_number, g.title AS agenda_title,
		a.id AS assembly_id, a.dong, a.starts_at
		FROM planning_reviews r JOIN agendas g ON g.id = r.agenda_id JOIN assemblies a ON a.id = g.assembly_id
		WHERE r.id = $1`, id)
	q, err := one[QueueItem](rows, "planning.review.not_found")
	if err != nil {
		return nil, wrap("find review", err)
	}
	if !ownReview(u, &q.Review) && !u.CanRead(q.District, q.Dong) {
		return nil, account.Forbid()
	}
	return q, nil
}

// ownReview reports whether u is the department asked for r.
func ownReview(u *account.User, r *Review) bool {
	return u != nil && u.Role == account.RoleDepartment && u.District == r.District && u.Department == r.Department
}

// AgendaReviews lists an agenda's review requests and answers.
func (s *Service) AgendaReviews(ctx context.Context, u *account.User, agendaID int64) ([]Review, error) {
	if _, _, err := s.readAgenda(ctx, u, agendaID); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT `+reviewCols+` FROM planning_reviews r WHERE r.agenda_id = $1
		ORDER BY r.kind DESC, r.round`, agendaID)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Review])
	return rs, wrap("agenda reviews", err)
}

// Answer stores the department's answer to a review request (again: it
// replaces the last). Only the department asked — same district, same
// name — answers; a final answer fills the agenda's review fields, which
// the dong cannot type. ECONFLICT once the assembly's voting has opened.
func (s *Service) Answer(ctx context.Context, u *account.User, id int64, in Answer) (*Review, error) {
	var out *Review
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, _ := tx.Query(ctx, `SELECT `+reviewCols+` FROM planning_reviews r WHERE r.id = $1 FOR UPDATE`, id)
		r, err := one[Review](rows, "planning.review.not_found")
		if err != nil {
			return err
		}
		if !ownReview(u, r) {
			return account.Forbid()
		}
		g, a, err := s.agendaOf(ctx, tx, r.AgendaID)
		if err != nil {
			return err
		}
		if a.RulesFrozen() {
			return maeul.Errorf(maeul.ECONFLICT, "planning.review.frozen")
		}
		if err := in.check(r.Kind); err != nil {
			return err
		}
		p, f := in.ProcessAnswer, in.FinalAnswer
		rows, _ = tx.Query(ctx, `UPDATE planning_reviews r SET answered_by = $2, answered_at = $3,
			opinion = $4, proposal = $5, requests = $6, org = $7, officer_name = $8, officer_phone = $9,
			overview = $10, budget = $11, period = $12, law_conflict = $13, law_reason = $14, ineligible = $15,
			ineligible_reason = $16, assessment = $17, verdict = $18, lead_name = $19, lead_phone = $20
			WHERE id = $1 RETURNING `+reviewCols, id, u.ID, s.Now(),
			p.Opinion, p.Proposal, p.Requests, p.Org, p.OfficerName, p.OfficerPhone,
			f.Overview, f.Budget, f.Period, f.LawConflict, f.LawReason, f.Ineligible, f.IneligibleReason,
			f.Assessment, f.Verdict, f.LeadName, f.LeadPhone)
		if out, err = one[Review](rows, "planning.review.not_found"); err != nil {
			return err
		}
		if r.Kind == KindFinal {
			return assembly.SetReview(ctx, tx, g.ID, f.Verdict, a.District+" "+r.Department, finalNotes(out))
		}
		return nil
	})
	return out, wrap("answer review", err)
}

// finalNotes sums a final review up for the agenda's review notes (and so
// for the booklet): the two 해당 checks with their reasons, then the
// assessment.
func finalNotes(r *Review) string {
	var b strings.Builder
	if *r.LawConflict {
		b.WriteString("법령/조례 저촉: 해당 — " + r.LawReason + "\n")
	} else {
		b.WriteString("법령/조례 저촉: 해당없음\n")
	}
	if *r.Ineligible {
		b.WriteString("부적격 심사기준: 해당 — " + r.IneligibleReason + "\n")
	} else {
		b.WriteString("부적격 심사기준: 해당없음\n")
	}
	b.WriteString(r.Assessment)
	out := strings.TrimSpace(b.String())
	for utf8.RuneCountInString(out) > maxLong {
		_, n := utf8.DecodeLastRuneInString(out)
		out = out[:len(out)-n]
	}
	return out
}

// check trims and checks the answer for a form of kind.
func (in *Answer) check(kind string) error {
	p, f := &in.ProcessAnswer, &in.FinalAnswer
	texts := []struct {
		s     *string
		field string
		max   int
		need  bool
	}{
		{&p.Opinion, "opinion", maxLong, kind == KindProcess}, {&p.Proposal, "proposal", maxLong, false},
		{&p.Requests, "requests", maxLong, false}, {&p.Org, "org", maxShort, false},
		{&p.OfficerName, "officer_name", maxShort, true}, {&p.OfficerPhone, "officer_phone", maxShort, false},
		{&f.Overview, "overview", maxLong, kind == KindFinal}, {&f.Period, "period", maxShort, false},
		{&f.LawReason, "law_reason", maxLong, false}, {&f.IneligibleReason, "ineligible_reason", maxLong, false},
		{&f.Assessment, "assessment", maxLong, kind == KindFinal}, {&f.LeadName, "lead_name", maxShort, false},
		{&f.LeadPhone, "lead_phone", maxShort, false},
	}
	for _, t := range texts {
		*t.s = strings.TrimSpace(*t.s)
		if t.need && *t.s == "" {
			return maeul.FieldErrorf(maeul.EINVALID, t.field, "planning.review.need."+t.field)
		}
		if utf8.RuneCountInString(*t.s) > t.max {
			return maeul.FieldErrorf(maeul.EINVALID, t.field, "planning.too_long", t.max)
		}
	}
	if kind == KindProcess {
		in.FinalAnswer = FinalAnswer{}
		return nil
	}
	if f.Budget < 0 || f.Budget > 1_000_000_000_000 {
		return maeul.FieldErrorf(maeul.EINVALID, "budget", "planning.review.bad_budget")
	}
	if f.LawConflict == nil {
		return maeul.FieldErrorf(maeul.EINVALID, "law_conflict", "planning.review.need.law_conflict")
	}
	if *f.LawConflict && f.LawReason == "" {
		return maeul.FieldErrorf(maeul.EINVALID, "law_reason", "planning.review.need.law_reason")
	}
	if f.Ineligible == nil {
		return maeul.FieldErrorf(maeul.EINVALID, "ineligible", "planning.review.need.ineligible")
	}
	if *f.Ineligible && f.IneligibleReason == "" {
		return maeul.FieldErrorf(maeul.EINVALID, "ineligible_reason", "planning.review.need.ineligible_reason")
	}
	if f.Verdict != VerdictAdequate && f.Verdict != VerdictInadequate {
		return maeul.FieldErrorf(maeul.EINVALID, "verdict", "planning.review.need.verdict")
	}
	in.Opinion, in.Proposal, in.Requests = "", "", ""
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
