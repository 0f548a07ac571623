package execution

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/format"
)

// Owners of meetings: a dong's council or a district. The record is
// generic so that other plan types (the district-level plan) reuse it.
const (
	OwnerDong     = "dong"
	OwnerDistrict = "district"
)

// Bodies that meet: the council, its 분과, the TF, the district.
const (
	BodyCouncil      = "council"
	BodySubcommittee = "subcommittee"
	BodyTF           = "tf"
	BodyDistrict     = "district"
)

// Bodies are every body, in display order.
var Bodies = []string{BodyCouncil, BodySubcommittee, BodyTF, BodyDistrict}

// The TF's minimums: 2 meetings by 동선정 (3.31), 8 by the end of the
// council's run (7.31).
const (
	TFBySelection = 2
	TFByRunEnd    = 8
)

// SelectionDue is the last day of 동선정; RunEnd the last of the council's run.
func SelectionDue(year int) time.Time { return day(year, time.March, 31) }

// RunEnd is the end of the council's run (동회의 운영, April–July).
func RunEnd(year int) time.Time { return day(year, time.July, 31) }

// Meeting is one meeting and its minutes (회의록, 서식 2-9).
type Meeting struct {
	ID                int64     `json:"id,string"`
	OwnerKind         string    `json:"owner_kind"`
	District          string    `json:"district"`
	Dong              string    `json:"dong"`
	Year              int       `json:"year"`
	Body              string    `json:"body"`
	AuthorAffiliation string    `json:"author_affiliation"` // 작성자 소속
	AuthorName        string    `json:"author_name"`        // 작성자 성명
	Title             string    `json:"title"`              // 회의명
	HeldAt            time.Time `json:"held_at"`            // 일시
	Place             string    `json:"place"`              // 장소
	Attendees         int       `json:"attendees"`          // 참석자 수
	AttendeeNames     string    `json:"attendee_names"`     // 참석자 (only when given)
	Summary           string    `json:"summary"`            // 회의내용 요약
	Photos            []int64   `json:"photos"`
}

// MeetingInput is a meeting as typed; HeldAt is YYYY-MM-DDTHH:MM (Seoul).
type MeetingInput struct {
	OwnerKind         string `json:"owner_kind"`
	District          string `json:"district"`
	Dong              string `json:"dong"`
	Body              string `json:"body"`
	AuthorAffiliation string `json:"author_affiliation"`
	AuthorName        string `json:"author_name"`
	Title             string `json:"title"`
	HeldAt            string `json:"held_at"`
	Place             string `json:"place"`
	Attendees         int    `json:"attendees"`
	AttendeeNames     string `json:"attendee_names"`
	Summary           string `json:"summary"`
}

// writesMinutes: a dong's host for its council, a district's hosts for
// the district.
func writesMinutes(u *account.User, kind, district, dong string) bool {
	if u == nil || district == "" || u.District != district {
		return false
	}
	if kind == OwnerDong {
		return u.CanManage(district, dong)
	}
	return kind == OwnerDistrict && u.Role == account.RoleDistrict
}

// AddMeeting records a meeting with its minutes.
func (s *Service) AddMeeting(ctx context.Context, u *account.User, in MeetingInput) (*Meeting, error) {
	if in.OwnerKind == OwnerDistrict {
		in.Dong = ""
	}
	if !writesMinutes(u, in.OwnerKind, in.District, in.Dong) {
		return nil, account.Forbid()
	}
	ok := map[string]bool{BodyCouncil: in.OwnerKind == OwnerDong, BodySubcommittee: in.OwnerKind == OwnerDong,
		BodyTF: true, BodyDistrict: in.OwnerKind == OwnerDistrict}
	if !ok[in.Body] {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "body", "execution.bad_body")
	}
	m := &Meeting{OwnerKind: in.OwnerKind, District: in.District, Dong: in.Dong, Body: in.Body, Attendees: in.Attendees, Photos: []int64{}}
	var err error
	for _, f := range []struct {
		name, in string
		out      *string
		req      bool
		max      int
	}{{"author_affiliation", in.AuthorAffiliation, &m.AuthorAffiliation, true, 100}, {"author_name", in.AuthorName, &m.AuthorName, true, 100},
		{"title", in.Title, &m.Title, true, 200}, {"place", in.Place, &m.Place, false, 200},
		{"attendee_names", in.AttendeeNames, &m.AttendeeNames, false, 4000}, {"summary", in.Summary, &m.Summary, true, 8000}} {
		if f.req {
			*f.out, err = required(f.name, f.in, f.max)
		} else {
			*f.out, err = optional(f.name, f.in, f.max)
		}
		if err != nil {
			return nil, err
		}
	}
	if in.Attendees < 0 || in.Attendees > 100000 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "attendees", "execution.bad_count")
	}
	if m.HeldAt, err = parseTime("held_at", in.HeldAt); err != nil {
		return nil, err
	}
	m.Year = m.HeldAt.In(seoul).Year()
	err = s.pool.QueryRow(ctx, `INSERT INTO meetings (owner_kind, district, dong, year, body, author_affiliation, author_name,
		title, held_at, place, attendees, attendee_names, summary, created_by)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
		m.OwnerKind, m.District, m.Dong, m.Year, m.Body, m.AuthorAffiliation, m.AuthorName, m.Title, m.HeldAt, m.Place,
		m.Attendees, m.AttendeeNames, m.Summary, u.ID).Scan(&m.ID)
	if err != nil {
		return nil, wrap("add meeting", err)
	}
	return m, nil
}

// AddMeetingPhoto adds a photo to a meeting's minutes.
func (s *Service) AddMeetingPhoto(ctx context.Context, u *account.User, meetingID int64, caption string, data []byte) (int64, error) {
	var kind, district, dong string
	err := s.pool.QueryRow(ctx, `SELECT owner_kind, district, dong FROM meetings WHERE id = $1`, meetingID).Scan(&kind, &district, &dong)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	if err != nil {
		return 0, wrap("meeting photo", err)
	}
	if !writesMinutes(u, kind, district, dong) {
		return 0, account.Forbid()
	}
	return s.addPhoto(ctx, "meeting_id", meetingID, caption, data)
}

// readsMinutes: the owner's readers (a dong's: its host, its district's
// hosts and monitors, the city and finance).
func readsMinutes(u *account.User, district, dong string) bool {
	if readsAll(u) {
		return true
	}
	if u == nil || u.District != district {
		return false
	}
	switch u.Role {
	case account.RoleDistrict, account.RoleMonitor:
		return true
	case account.RoleDong:
		return dong != "" && u.Dong == dong
	}
	return false
}

// Meetings lists the year's meetings of a district (dong "") and its
// dongs, or of one dong.
func (s *Service) Meetings(ctx context.Context, u *account.User, district, dong string, year int) ([]Meeting, error) {
	if !readsMinutes(u, district, dong) {
		return nil, account.Forbid()
	}
	return s.meetings(ctx, district, dong, year)
}

func (s *Service) meetings(ctx context.Context, district, dong string, year int) ([]Meeting, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id, owner_kind, district, dong, year, body, author_affiliation, author_name, title,
		held_at, place, attendees, attendee_names, summary,
		coalesce((SELECT array_agg(p.id ORDER BY p.id) FROM execution_photos p WHERE p.meeting_id = m.id), '{}')
		FROM meetings m WHERE district = $1 AND ($2 = '' OR dong = $2) AND year = $3 ORDER BY held_at, id`, district, dong, year)
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Meeting])
	return list, wrap("meetings", err)
}

// Activity is one owner's meeting counts of the year.
type Activity struct {
	OwnerKind     string         `json:"owner_kind"`
	District      string         `json:"district"`
	Dong          string         `json:"dong"`
	Counts        map[string]int `json:"counts"` // per body
	Total         int            `json:"total"`
	TFBySelection int            `json:"tf_by_selection"` // TF meetings held by 3.31
	TFByRunEnd    int            `json:"tf_by_run_end"`   // by 7.31
	// Short flags a minimum missed once its day has passed (the district's TF).
	ShortSelection bool `json:"short_selection"`
	ShortRunEnd    bool `json:"short_run_end"`
}

// Activities counts meetings per owner: the district itself first, then
// each of its dongs (district "": every district, for the city).
func (s *Service) Activities(ctx context.Context, u *account.User, district string, year int) ([]Activity, error) {
	if !(readsAll(u) || (district != "" && readsMinutes(u, district, ""))) {
		return nil, account.Forbid()
	}
	return s.activities(ctx, district, "", year)
}

// activities counts meetings of a district and its dongs (dong: of one dong).
func (s *Service) activities(ctx context.Context, district, dong string, year int) ([]Activity, error) {
	rows, err := s.pool.Query(ctx, `SELECT owner_kind, district, dong, body, count(*),
		count(*) FILTER (WHERE held_at < $3), count(*) FILTER (WHERE held_at < $4)
		FROM meetings WHERE ($1 = '' OR district = $1) AND year = $2 AND ($5 = '' OR dong = $5)
		GROUP BY 1, 2, 3, 4 ORDER BY 2, owner_kind = 'district' DESC, 3`, district, year,
		SelectionDue(year).AddDate(0, 0, 1), RunEnd(year).AddDate(0, 0, 1), dong)
	if err != nil {
		return nil, wrap("activities", err)
	}
	defer rows.Close()
	var out []Activity
	idx := map[string]int{}
	for rows.Next() {
		var kind, dist, dong, body string
		var n, bySel, byEnd int
		if err := rows.Scan(&kind, &dist, &dong, &body, &n, &bySel, &byEnd); err != nil {
			return nil, wrap("activities", err)
		}
		k := kind + "\x00" + dist + "\x00" + dong
		i, ok := idx[k]
		if !ok {
			i = len(out)
			idx[k] = i
			out = append(out, Activity{OwnerKind: kind, District: dist, Dong: dong, Counts: map[string]int{}})
		}
		a := &out[i]
		a.Counts[body] += n
		a.Total += n
		if body == BodyTF {
			a.TFBySelection += bySel
			a.TFByRunEnd += byEnd
		}
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("activities", err)
	}
	// Every district asked about has its line, even with no meeting.
	if district != "" && dong == "" {
		if _, ok := idx[OwnerDistrict+"\x00"+district+"\x00"]; !ok {
			out = append([]Activity{{OwnerKind: OwnerDistrict, District: district, Counts: map[string]int{}}}, out...)
		}
	}
	now := s.Now()
	for i := range out {
		a := &out[i]
		if a.OwnerKind != OwnerDistrict {
			continue
		}
		a.ShortSelection = a.TFBySelection < TFBySelection && format.Late(SelectionDue(year), now)
		a.ShortRunEnd = a.TFByRunEnd < TFByRunEnd && format.Late(RunEnd(year), now)
	}
	return out, nil
}

// ActivityHeader is the activity export's header.
var ActivityHeader = []string{"자치구", "동", "구분", "동회의", "분과", "TF", "자치구 회의", "합계",
	"TF(3.31까지)", "TF(7.31까지)", "TF 최소 미달(동선정)", "TF 최소 미달(동회의 운영)"}

// ActivityXLSX writes activity counts, one row per owner.
func ActivityXLSX(list []Activity) ([]byte, error) {
	rows := make([][]any, 0, len(list))
	for _, a := range list {
		owner := "동"
		if a.OwnerKind == OwnerDistrict {
			owner = "자치구"
		}
		rows = append(rows, []any{a.District, a.Dong, owner, a.Counts[BodyCouncil], a.Counts[BodySubcommittee],
			a.Counts[BodyTF], a.Counts[BodyDistrict], a.Total, a.TFBySelection, a.TFByRunEnd,
			yesNo(a.ShortSelection), yesNo(a.ShortRunEnd)})
	}
	return table("회의 현황", ActivityHeader, rows)
}
