package assembly

import (
	"context"
	"errors"

	"github.com/jackc/pgx/v5"

	"maeul"
)

// AgendaInputOf returns the input that would recreate g, for edits.
func AgendaInputOf(g *Agenda) AgendaInput { return g.AgendaFields }

// Execution types (실행 유형).
const (
	ExecPrivate       = "private"        // 민간 주도형
	ExecPublicPrivate = "public_private" // 민관 협력형
	ExecPublic        = "public"         // 관주도형
	ExecOther         = "other"          // 기타
)

// ExecutionTypes lists the execution types in the order of the form.
var ExecutionTypes = []string{ExecPrivate, ExecPublicPrivate, ExecPublic, ExecOther}

// executionLabels maps the Korean labels (spaces removed) and the API
// names to the execution types, for the import.
var executionLabels = map[string]string{
	"민간주도형": ExecPrivate, "민간주도": ExecPrivate, "private": ExecPrivate,
	"민관협력형": ExecPublicPrivate, "민관협력": ExecPublicPrivate, "public_private": ExecPublicPrivate,
	"관주도형": ExecPublic, "관주도": ExecPublic, "public": ExecPublic,
	"기타": ExecOther, "other": ExecOther,
}

// lockEditable locks the assembly row for the rest of tx and returns it;
// ENOTFOUND for an unknown id, ECONFLICT once voting has opened. The lock
// makes opening the vote wait for an agenda change in flight, and orders
// concurrent changes so numbers stay 1..N.
func lockEditable(ctx context.Context, tx pgx.Tx, id int64) (*Assembly, error) {
	a, err := lockAssembly(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if a.RulesFrozen() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "agenda.frozen")
	}
	return a, nil
}

// lockAssembly locks the assembly row for the rest of tx and returns it.
// A resubmission takes the same row (FOR SHARE) before it builds the list,
// so it waits for a correction in flight.
func lockAssembly(ctx context.Context, tx pgx.Tx, id int64) (*Assembly, error) {
	rows, _ := tx.Query(ctx, `SELECT `+assemblyColumns+` FROM assemblies WHERE id = $1 FOR UPDATE`, id)
	return oneAssembly(rows)
}

// FindAgenda returns the agenda with that id, or ENOTFOUND.
func FindAgenda(ctx context.Context, q Querier, id int64) (*Agenda, error) {
	rows, _ := q.Query(ctx, `SELECT `+agendaColumns+` FROM agendas WHERE id = $1`, id)
	g, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	return g, wrap("find agenda", err)
}

// AddAgenda adds an agenda after the existing ones. Returns EINVALID for a
// bad field, ENOTFOUND for an unknown assembly and ECONFLICT once voting has
// opened.
func (s *Service) AddAgenda(ctx context.Context, assemblyID int64, in AgendaInput) (*Agenda, error) {
	if err := in.keepReadOnly(&AgendaFields{}); err != nil {
		return nil, err
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	var g *Agenda
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		var err error
		g, err = insertAgenda(ctx, tx, assemblyID, in)
		return err
	})
	if err != nil {
		return nil, wrap("add agenda", err)
	}
	s.OnChange(assemblyID)
	return g, nil
}

// insertAgenda numbers the agenda after the last one; the caller holds the
// assembly's lock.
func insertAgenda(ctx context.Context, tx pgx.Tx, assemblyID int64, in AgendaInput) (*Agenda, error) {
	rows, _ := tx.Query(ctx, agendaInsert, in.args(assemblyID)...)
	return pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
}

// UpdateAgenda changes an agenda of an assembly: edit gets the current
// fields and changes them (a PATCH applies its JSON; a form sets them all).
// Returns ENOTFOUND if the agenda is not the assembly's, EINVALID for a bad
// field or whatever edit returns, and ECONFLICT once voting has opened —
// except while the district has returned the list: then the correctable
// fields may change, and a change to any other is an ECONFLICT naming it.
func (s *Service) UpdateAgenda(ctx context.Context, assemblyID, agendaID int64, edit func(*AgendaInput) error) (*Agenda, error) {
	var g *Agenda
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		a, err := lockAssembly(ctx, tx, assemblyID)
		if err != nil {
			return err
		}
		correcting := false
		if a.RulesFrozen() {
			note, err := s.returned(ctx, tx, assemblyID)
			if err != nil {
				return err
			}
			if note == nil {
				return maeul.Errorf(maeul.ECONFLICT, "agenda.frozen")
			}
			correcting = true
		}
		cur, err := FindAgenda(ctx, tx, agendaID)
		if err != nil {
			return err
		}
		if cur.AssemblyID != assemblyID {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		in := AgendaInputOf(cur)
		if err := edit(&in); err != nil {
			return err
		}
		if err := in.keepReadOnly(&cur.AgendaFields); err != nil {
			return err
		}
		if err := in.Validate(); err != nil {
			return err
		}
		if correcting {
			if err := checkCorrection(&cur.AgendaFields, &in); err != nil {
				return err
			}
		}
		rows, _ := tx.Query(ctx, agendaUpdate, in.args(agendaID)...)
		g, err = pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Agenda])
		return err
	})
	if err != nil {
		return nil, wrap("update agenda", err)
	}
	s.OnChange(assemblyID)
	return g, nil
}

// DeleteAgenda removes an agenda (with its photos and opinions) and closes
// the gap in the numbers. Returns ENOTFOUND if it is not the assembly's and
// ECONFLICT once voting has opened.
func (s *Service) DeleteAgenda(ctx context.Context, assemblyID, agendaID int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		var number int
		err := tx.QueryRow(ctx, `DELETE FROM agendas WHERE id = $1 AND assembly_id = $2 RETURNING number`,
			agendaID, assemblyID).Scan(&number)
		if errors.Is(err, pgx.ErrNoRows) {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE agendas SET number = number - 1, updated_at = now()
			WHERE assembly_id = $1 AND number > $2`, assemblyID, number)
		return err
	})
	if err != nil {
		return wrap("delete agenda", err)
	}
	s.OnChange(assemblyID)
	return nil
}

// ReorderAgendas numbers the agendas 1..N in the order given, which must
// name every agenda of the assembly once (EINVALID, field order, otherwise).
// ECONFLICT once voting has opened.
func (s *Service) ReorderAgendas(ctx context.Context, assemblyID int64, order []int64) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		return reorder(ctx, tx, assemblyID, order)
	})
	if err != nil {
		return wrap("reorder agendas", err)
	}
	s.OnChange(assemblyID)
	return nil
}

func reorder(ctx context.Context, tx pgx.Tx, assemblyID int64, order []int64) error {
	rows, _ := tx.Query(ctx, `SELECT id FROM agendas WHERE assembly_id = $1`, assemblyID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return err
	}
	have := make(map[int64]bool, len(ids))
	for _, id := range ids {
		have[id] = true
	}
	seen := make(map[int64]bool, len(order))
	for _, id := range order {
		if !have[id] || seen[id] {
			return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
		}
		seen[id] = true
	}
	if len(order) != len(ids) {
		return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
	}
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS agendas_number_unique DEFERRED`); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `UPDATE agendas g SET number = t.n, updated_at = now()
		FROM unnest($2::bigint[]) WITH ORDINALITY AS t(id, n)
		WHERE g.id = t.id AND g.assembly_id = $1 AND g.number <> t.n`, assemblyID, order)
	return err
}

// MoveAgenda swaps an agenda with its neighbour above (delta -1) or below
// (+1); a move past either end changes nothing.
func (s *Service) MoveAgenda(ctx context.Context, assemblyID, agendaID int64, delta int) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := lockEditable(ctx, tx, assemblyID); err != nil {
			return err
		}
		gs, err := FindAgendas(ctx, tx, assemblyID)
		if err != nil {
			return err
		}
		order := make([]int64, len(gs))
		at := -1
		for i, g := range gs {
			order[i] = g.ID
			if g.ID == agendaID {
				at = i
			}
		}
		if at < 0 {
			return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
		}
		to := at + delta
		if to < 0 || to >= len(order) {
			return nil
		}
		order[at], order[to] = order[to], order[at]
		return reorder(ctx, tx, assemblyID, order)
	})
	if err != nil {
		return wrap("move agenda", err)
	}
	s.OnChange(assemblyID)
	return nil
}

// SetReview fills an agenda's read-only review fields (서식 2-6 종합검토결과,
// the reviewing department, the notes) from a department's final review;
// package planning calls it in the transaction that stores the review.
// result is "adequate", "inadequate" or "" (no final review).
func SetReview(ctx context.Context, q Querier, agendaID int64, result, department, notes string) error {
	var id int64
	err := q.QueryRow(ctx, `UPDATE agendas SET review_result = $2, review_department = $3, review_notes = $4,
		updated_at = now() WHERE id = $1 RETURNING id`, agendaID, result, department, notes).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	return wrap("set review", err)
}
