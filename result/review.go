package result

import (
	"context"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// The district's review of a submitted list: return it to the dong with a
// reason, or designate the executing departments of its agendas.

// districtHost refuses everyone but the hosts of the district.
func districtHost(u *account.User, district string) error {
	if u == nil || u.Role != account.RoleDistrict || u.District != district {
		return account.Forbid()
	}
	return nil
}

// inTx runs fn in one transaction and commits it when fn returns nil.
func (s *Service) inTx(ctx context.Context, op string, fn func(tx pgx.Tx) error) error {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback(ctx)
	if err := fn(tx); err != nil {
		return err
	}
	return wrap(op, tx.Commit(ctx))
}

// inDistrict runs fn in one transaction for a host of the district
// (EFORBIDDEN for anyone else) and commits when fn returns nil.
func (s *Service) inDistrict(ctx context.Context, u *account.User, district, op string, fn func(tx pgx.Tx) error) error {
	if err := districtHost(u, district); err != nil {
		return err
	}
	return s.inTx(ctx, op, fn)
}

// inSubmission is how every district action on one submission starts: it
// loads the submission in a transaction, locked until the transaction ends,
// and checks that u is a host of its district (ENOTFOUND when there is no
// such submission, EFORBIDDEN for anyone else), then runs fn and commits
// when fn returns nil.
func (s *Service) inSubmission(ctx context.Context, id int64, u *account.User, op string, fn func(tx pgx.Tx, rec *SubmissionRecord) error) error {
	return s.inTx(ctx, op, func(tx pgx.Tx) error {
		rec, err := findSubmission(ctx, tx, id, "FOR UPDATE")
		if err != nil {
			return err
		}
		if !u.CanRead(rec.District, rec.Dong) {
			return account.Forbid()
		}
		if err := districtHost(u, rec.District); err != nil {
			return err
		}
		return fn(tx, rec)
	})
}

// Return sends a submitted list back to its dong with a reason. Only the
// district's hosts may (EFORBIDDEN); the reason is required (EINVALID); a
// list already returned or forwarded cannot be (ECONFLICT).
func (s *Service) Return(ctx context.Context, id int64, u *account.User, reason string) (*SubmissionRecord, error) {
	reason = strings.TrimSpace(reason)
	var out *SubmissionRecord
	err := s.inSubmission(ctx, id, u, "return submission", func(tx pgx.Tx, rec *SubmissionRecord) error {
		if reason == "" || len([]rune(reason)) > 1000 {
			return maeul.FieldErrorf(maeul.EINVALID, "reason", "workflow.reason_needed")
		}
		tag, err := tx.Exec(ctx, `UPDATE submissions SET state = 'returned', returned_at = now(), return_reason = $2, reply = ''
			WHERE id = $1 AND state = 'submitted'`, id, reason)
		if err != nil {
			return wrap("return submission", err)
		}
		if tag.RowsAffected() == 0 {
			return maeul.Errorf(maeul.ECONFLICT, "workflow.not_returnable")
		}
		if err := audit(ctx, tx, u, rec.District, rec.Dong, &rec.AssemblyID, "return", "workflow.audit.return", reason); err != nil {
			return err
		}
		out, err = FindSubmission(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Designation is one agenda's executing department (실행부서).
type Designation struct {
	AgendaID   string `json:"agenda_id"`
	Department string `json:"department"`
}

// Designate sets the executing department of agendas of a submitted list;
// an empty department clears it. Only the district's hosts may
// (EFORBIDDEN); not once forwarded or while returned (ECONFLICT); an agenda
// of another assembly or a department over 100 characters is EINVALID.
// Nothing is written unless every designation is good.
func (s *Service) Designate(ctx context.Context, id int64, u *account.User, ds []Designation) (*SubmissionRecord, error) {
	var out *SubmissionRecord
	err := s.inSubmission(ctx, id, u, "designate", func(tx pgx.Tx, rec *SubmissionRecord) error {
		if rec.State != SubmissionSubmitted {
			return maeul.Errorf(maeul.ECONFLICT, "workflow.not_designatable")
		}
		if len(ds) == 0 {
			return maeul.FieldErrorf(maeul.EINVALID, "designations", "workflow.designation_empty")
		}
		agendas, err := assembly.FindAgendas(ctx, tx, rec.AssemblyID)
		if err != nil {
			return wrap("designate: agendas", err)
		}
		numbers := map[int64]int{}
		for _, g := range agendas {
			numbers[g.ID] = g.Number
		}
		var details []string
		for _, d := range ds {
			aid := parseID(d.AgendaID)
			if _, ok := numbers[aid]; !ok {
				return maeul.FieldErrorf(maeul.EINVALID, "agenda_id", "workflow.designation_agenda")
			}
			dep := strings.TrimSpace(d.Department)
			if len([]rune(dep)) > 100 {
				return maeul.FieldErrorf(maeul.EINVALID, "department", "workflow.department_long")
			}
			var old string
			tx.QueryRow(ctx, `SELECT department FROM designations WHERE agenda_id = $1`, aid).Scan(&old)
			if old == dep {
				continue
			}
			if dep == "" {
				_, err = tx.Exec(ctx, `DELETE FROM designations WHERE agenda_id = $1`, aid)
			} else {
				_, err = tx.Exec(ctx, `INSERT INTO designations (agenda_id, assembly_id, department, designated_by)
					VALUES ($1, $2, $3, $4) ON CONFLICT (agenda_id) DO UPDATE SET department = $3, designated_by = $4, designated_at = now()`,
					aid, rec.AssemblyID, dep, u.ID)
			}
			if err != nil {
				return wrap("designate", err)
			}
			if dep == "" {
				dep = "—"
			}
			details = append(details, strconv.Itoa(numbers[aid])+" → "+dep)
		}
		if len(details) > 0 {
			if err := audit(ctx, tx, u, rec.District, rec.Dong, &rec.AssemblyID, "designate", "workflow.audit.designate", strings.Join(details, "; ")); err != nil {
				return err
			}
		}
		out = rec
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
