package result

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
)

// announce moves a closed assembly to announced and freezes its result, in
// one transaction: the state change, the snapshot and the audit entry are
// written together or not at all. Returns EFORBIDDEN unless u manages the
// assembly's dong, ECONFLICT unless the assembly is closed, and ECONFLICT
// for an invalid vote (turnout under the minimum) unless confirmInvalid
// (Announce, AnnounceConfirmed: questions.go).
func (s *Service) announce(ctx context.Context, id int64, u *account.User, confirmInvalid bool) (*Result, error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return nil, wrap("announce", err)
	}
	defer tx.Rollback(ctx)
	a, err := assembly.FindAssembly(ctx, tx, id)
	if err != nil {
		return nil, wrap("announce: find assembly", err)
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, account.Forbid()
	}
	var at time.Time
	// Announcing reveals the ranking on the projector too (if the host had
	// not yet), and the paper desk stops: the trigger and the desk refuse
	// paper once announced, and this UPDATE waits for an entry in flight.
	err = tx.QueryRow(ctx, `UPDATE assemblies SET state = 'announced', announced_at = now(), updated_at = now(),
			revealed_at = coalesce(revealed_at, now()), revealed_by = coalesce(revealed_by, $2)
		WHERE id = $1 AND state = 'closed' RETURNING announced_at`, id, u.ID).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ECONFLICT, "result.announce_not_closed")
	}
	if err != nil {
		return nil, wrap("announce", err)
	}
	a.State, a.AnnouncedAt = assembly.StateAnnounced, &at
	// The running counts must agree with a full recount of the ballots, or
	// nothing is announced.
	run, err := voting.RunningCounts(ctx, tx, a)
	if err != nil {
		return nil, wrap("announce: running counts", err)
	}
	full, err := voting.CountBallots(ctx, tx, a)
	if err != nil {
		return nil, wrap("announce: recount", err)
	}
	if !run.SameChoices(full) || run.Ballots != full.Ballots {
		return nil, maeul.Errorf(maeul.ECONFLICT, "result.recount_mismatch")
	}
	r, err := ComputeK(ctx, tx, a, s.k())
	if err != nil {
		return nil, err
	}
	if !r.Valid && !confirmInvalid {
		return nil, maeul.Errorf(maeul.ECONFLICT, "result.invalid_confirm_needed")
	}
	r.Frozen = true
	raw, err := json.Marshal(r)
	if err != nil {
		return nil, wrap("announce: snapshot", err)
	}
	r.SHA256 = Hash(raw)
	pb, err := WritePabulib(ctx, tx, a, r, s.K)
	if err != nil {
		return nil, err
	}
	if _, err := tx.Exec(ctx, `INSERT INTO results (assembly_id, snapshot, sha256, announced_by, pabulib) VALUES ($1, $2, $3, $4, $5)`,
		id, raw, r.SHA256, u.ID, string(pb)); err != nil {
		return nil, wrap("announce: store snapshot", err)
	}
	if err := audit(ctx, tx, u, a.District, a.Dong, &a.ID, "announce", "workflow.audit.announce",
		group(r.Ballots), group(r.Allocated), r.SHA256); err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, wrap("announce", err)
	}
	s.OnChange(id)
	return r, nil
}
