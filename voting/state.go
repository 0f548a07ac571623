package voting

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// StateResult is what open and close answer.
type StateResult struct {
	State   string `json:"state"`
	Ballots int64  `json:"ballots"`
}

// Open opens the vote of a published assembly. Opening an open assembly
// again answers the same; any other state is ECONFLICT.
func (s *Service) Open(ctx context.Context, u *account.User, id int64) (*StateResult, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return nil, err
	}
	var st string
	err = s.Env.Pool.QueryRow(ctx, `UPDATE assemblies SET state = 'open', opened_at = now(), updated_at = now()
		WHERE id = $1 AND state = 'published' RETURNING state`, a.ID).Scan(&st)
	if errors.Is(err, pgx.ErrNoRows) {
		a, err = assembly.FindAssembly(ctx, s.Env.Pool, a.ID)
		if err != nil {
			return nil, err
		}
		if a.State != assembly.StateOpen {
			return nil, maeul.Errorf(maeul.ECONFLICT, "console.cannot_open")
		}
	} else if err != nil {
		return nil, err
	}
	s.forget(a.Slug)
	s.OnChange(a.ID)
	return &StateResult{State: assembly.StateOpen, Ballots: s.countBallots(ctx, a.ID)}, nil
}

// Close closes the vote and answers the final number of ballots. The
// UPDATE waits for every ballot transaction in flight (they hold the
// assembly row FOR SHARE), so the count read after it is final; closing a
// closed assembly again answers the same count. A draft or published
// assembly is ECONFLICT.
func (s *Service) Close(ctx context.Context, u *account.User, id int64) (*StateResult, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return nil, err
	}
	tx, err := s.Env.Pool.Begin(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(ctx)
	var st string
	err = tx.QueryRow(ctx, `UPDATE assemblies SET state = 'closed', closed_at = now(), updated_at = now()
		WHERE id = $1 AND state = 'open' RETURNING state`, a.ID).Scan(&st)
	closed := err == nil
	if errors.Is(err, pgx.ErrNoRows) {
		// Another close won (and we waited for it), or it was never open.
		if err := tx.QueryRow(ctx, `SELECT state FROM assemblies WHERE id = $1`, a.ID).Scan(&st); err != nil {
			return nil, err
		}
		if st != assembly.StateClosed && st != assembly.StateAnnounced {
			return nil, maeul.Errorf(maeul.ECONFLICT, "console.cannot_close")
		}
	} else if err != nil {
		return nil, err
	}
	var n int64
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM ballots WHERE assembly_id = $1`, a.ID).Scan(&n); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, err
	}
	s.forget(a.Slug)
	if closed {
		s.OnChange(a.ID)
	}
	return &StateResult{State: st, Ballots: n}, nil
}

func (s *Service) countBallots(ctx context.Context, id int64) int64 {
	var n int64
	s.Env.Pool.QueryRow(ctx, `SELECT count(*) FROM ballots WHERE assembly_id = $1`, id).Scan(&n)
	return n
}
