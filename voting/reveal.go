package voting

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Revealing. Closing stops the phones; the host then counts the paper
// ballots, and the projector keeps the ranking covered until the host says
// so (Reveal, or announcing, which reveals too). The reveal gates the wall
// only: hosts read tallies and results once closed, as before.

// RevealResult is what a reveal answers.
type RevealResult struct {
	State      string    `json:"state"`
	Revealed   bool      `json:"revealed"`
	RevealedAt time.Time `json:"revealed_at"`
}

// Reveal lets the projector show the ranking of a closed assembly, records
// who did it in the audit log and pushes it to the live feed. Revealing
// again answers the same (and is not logged twice); an announced assembly
// is revealed already. ECONFLICT while voting has not closed.
func (s *Service) Reveal(ctx context.Context, u *account.User, id int64) (*RevealResult, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return nil, err
	}
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("reveal", err)
	}
	defer tx.Rollback(ctx)
	var st string
	var at *time.Time
	if err := tx.QueryRow(ctx, `SELECT state, revealed_at FROM assemblies WHERE id = $1 FOR UPDATE`, a.ID).Scan(&st, &at); err != nil {
		return nil, wrap("reveal", err)
	}
	if st != assembly.StateClosed && st != assembly.StateAnnounced {
		return nil, maeul.Errorf(maeul.ECONFLICT, "reveal.not_closed")
	}
	if at != nil {
		return &RevealResult{State: st, Revealed: true, RevealedAt: *at}, nil
	}
	var now time.Time
	if err := tx.QueryRow(ctx, `UPDATE assemblies SET revealed_at = now(), revealed_by = $2 WHERE id = $1 RETURNING revealed_at`,
		a.ID, u.ID).Scan(&now); err != nil {
		return nil, wrap("reveal", err)
	}
	if err := Audit(ctx, tx, u, a, "reveal", "audit.reveal"); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, wrap("reveal", err)
	}
	s.OnChange(a.ID)
	return &RevealResult{State: st, Revealed: true, RevealedAt: now}, nil
}

// Revealed reports whether the projector may show an assembly's ranking:
// the host revealed it, or the result is announced.
func Revealed(ctx context.Context, q assembly.Querier, a *assembly.Assembly) (bool, error) {
	if a.State == assembly.StateAnnounced {
		return true, nil
	}
	var at *time.Time
	err := q.QueryRow(ctx, `SELECT revealed_at FROM assemblies WHERE id = $1`, a.ID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	return at != nil, err
}

// IsRevealed reports whether the projector may show the ranking (Revealed).
func (s *Service) IsRevealed(ctx context.Context, a *assembly.Assembly) (bool, error) {
	ok, err := Revealed(ctx, s.pool, a)
	return ok, wrap("revealed", err)
}

// Audit records one step in the audit log, in the same form as the results'
// workflow (a message key and its arguments, so each reader gets it in their
// own language).
func Audit(ctx context.Context, tx pgx.Tx, u *account.User, a *assembly.Assembly, action, key string, args ...string) error {
	if args == nil {
		args = []string{}
	}
	detail, err := json.Marshal(struct {
		Key  string   `json:"k"`
		Args []string `json:"a"`
	}{key, args})
	if err != nil {
		return wrap("audit", err)
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (user_id, actor, role, district, dong, assembly_id, action, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, u.ID, u.Email, u.Role, a.District, a.Dong, a.ID, action, string(detail))
	return wrap("audit "+action, err)
}
