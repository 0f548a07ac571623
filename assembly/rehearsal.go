package assembly

import (
	"context"
	"crypto/rand"
	"encoding/base32"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// IsRehearsal reports whether a is a rehearsal copy (리허설).
func (a *Assembly) IsRehearsal() bool { return a.RehearsalOf != nil }

// CopyForRehearsal makes a rehearsal copy of assembly id: same rules and
// agendas, its own slug, open for voting from now for d. Its codes, ballots
// and tallies live on the copy only, so they never mix with the real ones;
// DeleteRehearsal removes all of it.
func CopyForRehearsal(ctx context.Context, pool *pgxpool.Pool, id int64, d time.Duration, by int64) (*Assembly, error) {
	var copyID int64
	err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		a, err := FindAssembly(ctx, tx, id)
		if err != nil {
			return err
		}
		b := make([]byte, 5)
		rand.Read(b)
		slug := "rh-" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
		now := time.Now()
		var creator *int64
		if by > 0 {
			creator = &by
		}
		err = tx.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
				budget_cap, method, max_choices, sealed, tie_break, state, rehearsal_of, created_by, opened_at,
				min_choices, min_age, eligible, residents, min_turnout_percent)
			SELECT $2, district, dong, title, place, $3, $4, budget_cap, method, max_choices, sealed, tie_break,
				'published', id, $5, $3, min_choices, min_age, eligible, residents, min_turnout_percent
			FROM assemblies WHERE id = $1 RETURNING id`, a.ID, slug, now, now.Add(d+10*time.Minute), creator).Scan(&copyID)
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO agendas (assembly_id, number, `+agendaFieldColumns+`)
			SELECT $2, number, `+agendaFieldColumns+` FROM agendas WHERE assembly_id = $1`, a.ID, copyID)
		if err != nil {
			return err
		}
		// The yes/no questions too, while the copy is not yet open (they
		// are frozen once voting opens); then it opens.
		if _, err = tx.Exec(ctx, `INSERT INTO questions (assembly_id, text, rule)
			SELECT $2, text, rule FROM questions WHERE assembly_id = $1 ORDER BY id`, a.ID, copyID); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE assemblies SET state = 'open' WHERE id = $1`, copyID)
		return err
	})
	if err != nil {
		return nil, wrap("copy for rehearsal", err)
	}
	return FindAssembly(ctx, pool, copyID)
}

// DeleteRehearsal removes a rehearsal copy with everything in it (codes,
// ballots, opinions cascade). It refuses to delete a real assembly.
//
// It first takes the ballot mixer's lock on the copy (the advisory lock
// voting's mixer holds while it moves the copy's ballots), so a delete and
// a mix never wait on each other's rows in opposite order (a deadlock that
// would leave the copy behind).
func DeleteRehearsal(ctx context.Context, pool *pgxpool.Pool, copyID int64) error {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return wrap("delete rehearsal", err)
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1, $2::int)`, MixLockClass, copyID); err != nil {
		return wrap("delete rehearsal: lock", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM assemblies WHERE id = $1 AND rehearsal_of IS NOT NULL`, copyID); err != nil {
		return wrap("delete rehearsal", err)
	}
	return wrap("delete rehearsal", tx.Commit(ctx))
}

// MixLockClass is the first key of the advisory lock under which voting's
// mixer moves an assembly's ballots (one mixer per assembly across every
// instance); declared here, below voting, so that deleting a rehearsal copy
// can take it too.
const MixLockClass = 0x6d6978 // "mix"
