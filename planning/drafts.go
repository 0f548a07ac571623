package planning

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Draft is a 실행계획서 as it stood at one round (작성 단계 1차/2차/3차).
type Draft struct {
	ID      int64                 `db:"id" json:"-"`
	Round   int16                 `db:"round" json:"round"`
	Fields  assembly.AgendaFields `db:"fields" json:"fields"`
	SavedAt time.Time             `db:"saved_at" json:"saved_at"`
	// Changes are what changed since the round before (nil for the first).
	Changes []Change `db:"-" json:"changes"`
}

// Change is one field that differs between two drafts.
type Change struct {
	Field  string `json:"field"` // the JSON name; its label is "host.g." + Field
	Before string `json:"before"`
	After  string `json:"after"`
}

// SaveDraft keeps the agenda's fields as they are now as the draft of
// round (1–3; saving a round again replaces it) and sets the agenda's
// 작성 단계 to it. Only the dong's hosts; ECONFLICT once voting opened.
func (s *Service) SaveDraft(ctx context.Context, u *account.User, agendaID int64, round int) (*Draft, error) {
	if round < 1 || round > 3 {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "round", "planning.draft.bad_round")
	}
	_, a, err := s.manageAgenda(ctx, u, agendaID)
	if err != nil {
		return nil, err
	}
	g, err := s.assemblies.UpdateAgenda(ctx, a.ID, agendaID, func(in *assembly.AgendaInput) error {
		in.DraftingRound = int16(round)
		return nil
	})
	if err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `INSERT INTO planning_drafts (agenda_id, round, fields, saved_by)
		VALUES ($1, $2, $3, $4) ON CONFLICT (agenda_id, round) DO UPDATE
		SET fields = EXCLUDED.fields, saved_by = EXCLUDED.saved_by, saved_at = now()
		RETURNING id, round, fields, saved_at`, agendaID, round, g.AgendaFields, u.ID)
	d, err := one[Draft](rows, "agenda.not_found")
	return d, wrap("save draft", err)
}

// Drafts lists an agenda's drafts by round, each with its changes since
// the round before.
func (s *Service) Drafts(ctx context.Context, u *account.User, agendaID int64) ([]Draft, error) {
	if _, _, err := s.readAgenda(ctx, u, agendaID); err != nil {
		return nil, err
	}
	rows, _ := s.pool.Query(ctx, `SELECT id, round, fields, saved_at FROM planning_drafts
		WHERE agenda_id = $1 ORDER BY round`, agendaID)
	ds, err := pgx.CollectRows(rows, pgx.RowToStructByName[Draft])
	if err != nil {
		return nil, wrap("drafts", err)
	}
	for i := 1; i < len(ds); i++ {
		ds[i].Changes = Diff(&ds[i-1].Fields, &ds[i].Fields)
	}
	return ds, nil
}

// Diff lists the fields that differ between two versions of an agenda's
// fields, in the order of the form.
func Diff(before, after *assembly.AgendaFields) []Change {
	b, a := asStrings(before), asStrings(after)
	var out []Change
	for _, name := range assembly.AgendaFieldNames() {
		if b[name] != a[name] {
			out = append(out, Change{Field: name, Before: b[name], After: a[name]})
		}
	}
	return out
}

func asStrings(f *assembly.AgendaFields) map[string]string {
	raw, _ := json.Marshal(f)
	var m map[string]any
	json.Unmarshal(raw, &m)
	out := make(map[string]string, len(m))
	for k, v := range m {
		switch v := v.(type) {
		case string:
			out[k] = v
		case float64:
			out[k] = fmt.Sprintf("%.0f", v)
		default:
			out[k] = fmt.Sprint(v)
		}
	}
	return out
}

// DraftsDoneAt is when the latest round of a dong's plan year was saved
// (any agenda), with that round; nil and 0 before any draft.
func (s *Service) DraftsDoneAt(ctx context.Context, year int, district, dong string) (*time.Time, int, error) {
	var at *time.Time
	var round int
	err := s.pool.QueryRow(ctx, `SELECT d.saved_at, d.round FROM planning_drafts d
		JOIN agendas g ON g.id = d.agenda_id JOIN assemblies a ON a.id = g.assembly_id
		WHERE a.rehearsal_of IS NULL AND a.district = $1 AND a.dong = $2
		  AND extract(year FROM a.starts_at AT TIME ZONE 'Asia/Seoul') = $3
		ORDER BY d.round DESC, d.saved_at DESC LIMIT 1`, district, dong, year).Scan(&at, &round)
	if err == pgx.ErrNoRows {
		return nil, 0, nil
	}
	return at, round, wrap("drafts done at", err)
}
