package districtplan

import (
	"context"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Committee member kinds (협의조정위원회: 지역공동체담당관, 지역시민사회,
// 외부 전문가).
var MemberKinds = []string{"official", "civil_society", "expert"}

// Member is a member of the year's 협의조정위원회.
type Member struct {
	ID   int64  `json:"id,string"`
	Seq  int    `json:"seq"`
	Name string `json:"name"`
	Kind string `json:"kind"`
}

// Members returns the year's committee (city, district and finance read it).
func (s *Service) Members(ctx context.Context, year int) ([]Member, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, seq, name, kind FROM dp_committee WHERE year = $1 ORDER BY seq`, year)
	ms, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Member])
	return ms, wrap("members", err)
}

// AddMember adds a member to the year's committee: the city only, at most
// MaxCommittee (the database refuses an eleventh too).
func (s *Service) AddMember(ctx context.Context, u *account.User, year int, name, kind string) (*Member, error) {
	if u.Role != account.RoleCity {
		return nil, forbid()
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > maxShort {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "name", "dp.err.need_name")
	}
	if !oneOf(kind, MemberKinds) {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "kind", "dp.err.bad_choice")
	}
	m := &Member{Name: name, Kind: kind}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// One year's committee at a time: the advisory lock keeps two
		// additions from taking the same place.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7120, $1)`, year); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, `SELECT count(*) + 1 FROM dp_committee WHERE year = $1`, year).Scan(&m.Seq); err != nil {
			return err
		}
		if m.Seq > MaxCommittee {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.committee_full", MaxCommittee)
		}
		return tx.QueryRow(ctx, `INSERT INTO dp_committee (year, seq, name, kind) VALUES ($1, $2, $3, $4) RETURNING id`,
			year, m.Seq, name, kind).Scan(&m.ID)
	})
	if err != nil {
		return nil, wrap("add member", err)
	}
	return m, nil
}

// Opinion is a member's opinion in a round and the district's answer.
type Opinion struct {
	ID         int64      `json:"id,string"`
	Member     string     `json:"member"`
	MemberKind string     `json:"member_kind"`
	Checks     []string   `json:"checks"`
	Text       string     `json:"opinion"`
	Answer     string     `json:"answer"`
	AnsweredAt *time.Time `json:"answered_at"`
}

// Round is a round of coordination: 0 사전 협의조정, 1–3 본 협의조정.
type Round struct {
	ID        int64     `json:"id,string"`
	Round     int       `json:"round"`
	MeetingOn time.Time `json:"meeting_on"`
	Version   int       `json:"version"`
	Late      bool      `json:"late"`
	Opinions  []Opinion `json:"opinions"`
}

// Unanswered counts opinions the district has not answered.
func (r *Round) Unanswered() int {
	n := 0
	for _, o := range r.Opinions {
		if o.AnsweredAt == nil {
			n++
		}
	}
	return n
}

// OpenRound records a round's meeting on the district's latest version:
// the city only; round 0 first, then 1, 2, 3 in order (a fourth is
// refused); round 1 needs the 조정안.
func (s *Service) OpenRound(ctx context.Context, u *account.User, year int, district string, round int, meeting time.Time) (*Round, error) {
	if u.Role != account.RoleCity {
		return nil, forbid()
	}
	if round > MaxRounds {
		return nil, maeul.FieldErrorf(maeul.ECONFLICT, "round", "dp.err.max_rounds", MaxRounds)
	}
	if round < 0 || meeting.IsZero() {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "round", "dp.err.bad_round")
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, district, true)
		if err != nil {
			return err
		}
		if a.ApprovedAt != nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.approved")
		}
		var next int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(round), -1) + 1 FROM dp_rounds WHERE application_id = $1`, a.ID).Scan(&next); err != nil {
			return err
		}
		if round != next {
			return maeul.FieldErrorf(maeul.ECONFLICT, "round", "dp.err.round_order", next)
		}
		var versionID int64
		var stage string
		err = tx.QueryRow(ctx, `SELECT id, stage FROM dp_plan_versions WHERE application_id = $1 ORDER BY version DESC LIMIT 1`, a.ID).
			Scan(&versionID, &stage)
		if err == pgx.ErrNoRows {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.no_version")
		}
		if err != nil {
			return err
		}
		if round >= 1 && stage == StageDraft {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.round_needs_adjusted")
		}
		if err := tx.QueryRow(ctx, `INSERT INTO dp_rounds (application_id, round, version_id, meeting_on) VALUES ($1, $2, $3, $4) RETURNING id`,
			a.ID, round, versionID, Day(meeting)).Scan(&id); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "round", strconv.Itoa(round))
	})
	if err != nil {
		return nil, wrap("open round", err)
	}
	rs, err := s.rounds(ctx, year, district)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.ID == id {
			return r, nil
		}
	}
	return nil, maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_round")
}

// Rounds returns the district's rounds with their opinions.
func (s *Service) Rounds(ctx context.Context, u *account.User, year int, district string) ([]*Round, error) {
	if _, err := s.Application(ctx, u, year, district); err != nil {
		return nil, err
	}
	return s.rounds(ctx, year, district)
}

func (s *Service) rounds(ctx context.Context, year int, district string) ([]*Round, error) {
	rows, _ := s.pool.Query(ctx, `SELECT r.id, r.round, r.meeting_on, v.version FROM dp_rounds r
		JOIN dp_applications a ON a.id = r.application_id JOIN dp_plan_versions v ON v.id = r.version_id
		WHERE a.year = $1 AND a.district = $2 ORDER BY r.round`, year, district)
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (*Round, error) {
		x := &Round{Opinions: []Opinion{}}
		err := r.Scan(&x.ID, &x.Round, &x.MeetingOn, &x.Version)
		return x, err
	})
	if err != nil {
		return nil, wrap("rounds", err)
	}
	sc := ScheduleOf(year)
	for _, r := range out {
		due := sc.FinalDue
		if r.Round == 0 {
			due = sc.PreReviewUntil
		}
		r.Late = format.Late(due, r.MeetingOn)
		rows, _ := s.pool.Query(ctx, `SELECT o.id, m.name, m.kind, o.checks, o.opinion, o.answer, o.answered_at
			FROM dp_opinions o JOIN dp_committee m ON m.id = o.member_id WHERE o.round_id = $1 ORDER BY m.seq`, r.ID)
		r.Opinions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Opinion])
		if err != nil {
			return nil, wrap("opinions", err)
		}
		if r.Opinions == nil {
			r.Opinions = []Opinion{}
		}
	}
	return out, nil
}

// RecordOpinion records a committee member's opinion in a round against the
// checklist (the items the member found met): the city only.
func (s *Service) RecordOpinion(ctx context.Context, u *account.User, roundID, memberID int64, checks []string, text string) (int64, error) {
	if u.Role != account.RoleCity {
		return 0, forbid()
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > maxLong {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "opinion", "dp.err.need_opinion")
	}
	var clean []string
	for _, c := range Checklist {
		if oneOf(c, checks) {
			clean = append(clean, c)
		}
	}
	for _, c := range checks {
		if !oneOf(c, Checklist) {
			return 0, maeul.FieldErrorf(maeul.EINVALID, "checks", "dp.err.bad_choice")
		}
	}
	if clean == nil {
		clean = []string{}
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var appID int64
		var approved *time.Time
		err := tx.QueryRow(ctx, `SELECT a.id, a.approved_at FROM dp_rounds r JOIN dp_applications a ON a.id = r.application_id
			JOIN dp_committee m ON m.year = a.year AND m.id = $2 WHERE r.id = $1`, roundID, memberID).Scan(&appID, &approved)
		if err == pgx.ErrNoRows {
			return maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_round")
		}
		if err != nil {
			return err
		}
		if approved != nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.approved")
		}
		err = tx.QueryRow(ctx, `INSERT INTO dp_opinions (round_id, member_id, checks, opinion) VALUES ($1, $2, $3, $4)
			ON CONFLICT (round_id, member_id) DO UPDATE SET checks = EXCLUDED.checks, opinion = EXCLUDED.opinion
			RETURNING id`, roundID, memberID, clean, text).Scan(&id)
		if err != nil {
			return err
		}
		return event(ctx, tx, appID, u, "opinion", strconv.FormatInt(id, 10))
	})
	return id, wrap("record opinion", err)
}

// Answer records the district's answer to an opinion: the district's hosts.
func (s *Service) Answer(ctx context.Context, u *account.User, opinionID int64, answer string) error {
	if u.Role != account.RoleDistrict {
		return forbid()
	}
	answer = strings.TrimSpace(answer)
	if answer == "" || utf8.RuneCountInString(answer) > maxLong {
		return maeul.FieldErrorf(maeul.EINVALID, "answer", "dp.err.need_answer")
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		var appID int64
		var district string
		err := tx.QueryRow(ctx, `SELECT a.id, a.district FROM dp_opinions o JOIN dp_rounds r ON r.id = o.round_id
			JOIN dp_applications a ON a.id = r.application_id WHERE o.id = $1`, opinionID).Scan(&appID, &district)
		if err == pgx.ErrNoRows || err == nil && district != u.District {
			return maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_opinion")
		}
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE dp_opinions SET answer = $2, answered_at = now() WHERE id = $1`, opinionID, answer); err != nil {
			return err
		}
		return event(ctx, tx, appID, u, "answer", strconv.FormatInt(opinionID, 10))
	})
	return wrap("answer", err)
}

// Approve records the city's 참여예산위원회 approval: the city only, once
// a 최종안 was filed, every opinion answered, and the 협치구회의 formed (a
// TFT may stand in only until approval).
func (s *Service) Approve(ctx context.Context, u *account.User, year int, district, note string) error {
	if u.Role != account.RoleCity {
		return forbid()
	}
	note = strings.TrimSpace(note)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, district, true)
		if err != nil {
			return err
		}
		if a.ApprovedAt != nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.approved")
		}
		var finals, unanswered int
		if err := tx.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM dp_plan_versions WHERE application_id = $1 AND stage = 'final'),
			(SELECT count(*) FROM dp_opinions o JOIN dp_rounds r ON r.id = o.round_id WHERE r.application_id = $1 AND o.answered_at IS NULL)`,
			a.ID).Scan(&finals, &unanswered); err != nil {
			return err
		}
		switch {
		case finals == 0:
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.need_final")
		case unanswered > 0:
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.unanswered", unanswered)
		case a.TFTStanding:
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.tft_until_approval")
		}
		if _, err := tx.Exec(ctx, `UPDATE dp_applications SET approved_at = $2, approval_note = $3 WHERE id = $1`, a.ID, s.Now(), note); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "approve", note)
	})
	return wrap("approve", err)
}

// Agreement is the 협약 after the city council's approval.
type Agreement struct {
	On       time.Time
	Parties  string
	File     []byte
	FileName string
	FileType string
}

// Agreement file types accepted.
var agreementTypes = []string{"application/pdf", "image/jpeg", "image/png"}

// MaxAgreementFile is the largest signed file kept.
const MaxAgreementFile = 10 << 20

// RecordAgreement records the signed 협약: the city only, after approval.
func (s *Service) RecordAgreement(ctx context.Context, u *account.User, year int, district string, ag Agreement) error {
	if u.Role != account.RoleCity {
		return forbid()
	}
	ag.Parties = strings.TrimSpace(ag.Parties)
	switch {
	case ag.On.IsZero():
		return maeul.FieldErrorf(maeul.EINVALID, "agreement_on", "dp.err.need_date")
	case ag.Parties == "" || utf8.RuneCountInString(ag.Parties) > maxLong:
		return maeul.FieldErrorf(maeul.EINVALID, "parties", "dp.err.need_parties")
	case len(ag.File) > MaxAgreementFile:
		return maeul.FieldErrorf(maeul.EINVALID, "file", "dp.err.file_too_big", MaxAgreementFile>>20)
	case len(ag.File) > 0 && !oneOf(ag.FileType, agreementTypes):
		return maeul.FieldErrorf(maeul.EINVALID, "file", "dp.err.file_type")
	}
	var file any
	if len(ag.File) > 0 {
		file = ag.File
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := loadApp(ctx, tx, year, district, true)
		if err != nil {
			return err
		}
		if a.ApprovedAt == nil {
			return maeul.Errorf(maeul.ECONFLICT, "dp.err.not_approved")
		}
		if _, err := tx.Exec(ctx, `UPDATE dp_applications SET agreement_on = $2, agreement_parties = $3,
			agreement_file = coalesce($4, agreement_file), agreement_file_name = CASE WHEN $4::bytea IS NULL THEN agreement_file_name ELSE $5 END,
			agreement_file_type = CASE WHEN $4::bytea IS NULL THEN agreement_file_type ELSE $6 END WHERE id = $1`,
			a.ID, Day(ag.On), ag.Parties, file, ag.FileName, ag.FileType); err != nil {
			return err
		}
		return event(ctx, tx, a.ID, u, "agreement", ag.Parties)
	})
	return wrap("record agreement", err)
}

// AgreementFile returns the signed 협약 file for whoever may read the application.
func (s *Service) AgreementFile(ctx context.Context, u *account.User, year int, district string) ([]byte, string, string, error) {
	a, err := s.Application(ctx, u, year, district)
	if err != nil {
		return nil, "", "", err
	}
	var b []byte
	var name, typ string
	err = s.pool.QueryRow(ctx, `SELECT agreement_file, agreement_file_name, agreement_file_type FROM dp_applications WHERE id = $1`, a.ID).
		Scan(&b, &name, &typ)
	if err == nil && b == nil {
		return nil, "", "", maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_file")
	}
	return b, name, typ, wrap("agreement file", err)
}
