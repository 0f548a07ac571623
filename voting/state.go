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

// checkCounts compares the running counts with a full recount and logs a
// mismatch loudly (announcing refuses it: result.Announce).
func (s *Service) checkCounts(ctx context.Context, q assembly.Querier, a *assembly.Assembly) error {
	run, err := RunningCounts(ctx, q, a)
	if err != nil {
		return err
	}
	full, err := CountBallots(ctx, q, a)
	if err != nil {
		return err
	}
	if !run.SameChoices(full) || run.Ballots != full.Ballots {
		s.log.Error("the running counts differ from a full recount", "assembly", a.ID,
			"running_ballots", run.Ballots, "recount_ballots", full.Ballots)
	}
	return nil
}

// Open opens the vote of a published assembly. Opening an open assembly
// again answers the same; any other state is ECONFLICT.
func (s *Service) Open(ctx context.Context, u *account.User, id int64) (*StateResult, error) {
	a, err := s.managed(ctx, u, id)
	if err != nil {
		return nil, err
	}
	var st string
	err = s.pool.QueryRow(ctx, `UPDATE assemblies SET state = 'open', opened_at = now(), updated_at = now()
		WHERE id = $1 AND state = 'published' RETURNING state`, a.ID).Scan(&st)
	if errors.Is(err, pgx.ErrNoRows) {
		a, err = assembly.FindAssembly(ctx, s.pool, a.ID)
		if err != nil {
			return nil, wrap("open: find assembly", err)
		}
		if a.State != assembly.StateOpen {
			return nil, maeul.Errorf(maeul.ECONFLICT, "console.cannot_open")
		}
	} else if err != nil {
		return nil, wrap("open", err)
	}
	s.forget(a.Slug)
	s.OnChange(a.ID)
	// The vote is open whatever the count says: a failed count answers 0.
	n, _ := countChannels(ctx, s.pool, a.ID, map[string]int64{})
	return &StateResult{State: assembly.StateOpen, Ballots: n}, nil
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
	st, n, closed, err := s.close(ctx, a.ID)
	if err != nil {
		return nil, wrap("close", err)
	}
	s.forget(a.Slug)
	if closed {
		s.OnChange(a.ID)
	}
	return &StateResult{State: st, Ballots: n}, nil
}

// close sets the state and counts the ballots in one transaction; closed
// is false when the assembly had been closed already.
func (s *Service) close(ctx context.Context, id int64) (st string, n int64, closed bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return "", 0, false, err
	}
	defer tx.Rollback(ctx)
	err = tx.QueryRow(ctx, `UPDATE assemblies SET state = 'closed', closed_at = now(), updated_at = now()
		WHERE id = $1 AND state = 'open' RETURNING state`, id).Scan(&st)
	closed = err == nil
	if errors.Is(err, pgx.ErrNoRows) {
		// Another close won (and we waited for it), or it was never open.
		if err := tx.QueryRow(ctx, `SELECT state FROM assemblies WHERE id = $1`, id).Scan(&st); err != nil {
			return "", 0, false, err
		}
		if st != assembly.StateClosed && st != assembly.StateAnnounced {
			return "", 0, false, maeul.Errorf(maeul.ECONFLICT, "console.cannot_close")
		}
	} else if err != nil {
		return "", 0, false, err
	}
	if closed {
		a, err := assembly.FindAssembly(ctx, tx, id)
		if err != nil {
			return "", 0, false, err
		}
		// Every ballot in flight has committed (the UPDATE waited for
		// them): mix what waits, so the counts read after close are final.
		if err := s.mixFinal(ctx, tx, a); err != nil {
			return "", 0, false, err
		}
		if ok, err := reshuffle(ctx, tx, a); err != nil {
			return "", 0, false, err
		} else if !ok {
			s.log.Info("too many ballots to reshuffle at close: they keep their mixed groups of at least k", "assembly", a.ID)
		}
		if err := s.checkCounts(ctx, tx, a); err != nil {
			return "", 0, false, err
		}
		// No card is reprinted after the close: its sealed plain codes go,
		// in the close's transaction.
		if _, err := tx.Exec(ctx, `DELETE FROM code_cards WHERE assembly_id = $1`, id); err != nil {
			return "", 0, false, err
		}
	}
	if n, err = countChannels(ctx, tx, id, map[string]int64{}); err != nil {
		return "", 0, false, err
	}
	if err := tx.Commit(ctx); err != nil {
		return "", 0, false, err
	}
	return st, n, closed, nil
}
