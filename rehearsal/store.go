package rehearsal

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/assembly"
)

const runCols = `id, assembly_id, copy_id, copy_slug, phones, seconds, state,
	started_at, finished_at, progress, report`

func (s *Service) insertRun(ctx context.Context, assemblyID int64, cp *assembly.Assembly, phones, secs int, by int64) (int64, error) {
	var id int64
	err := s.pool.QueryRow(ctx, `INSERT INTO rehearsal_runs (assembly_id, copy_id, copy_slug, phones, seconds, started_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, assemblyID, cp.ID, cp.Slug, phones, secs, by).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("rehearsal: save run: %w", err)
	}
	return id, nil
}

// Find returns a run with its latest progress, or ENOTFOUND.
func (s *Service) Find(ctx context.Context, id int64) (*Run, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+runCols+` FROM rehearsal_runs WHERE id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Run])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "rehearsal.not_found")
	}
	if err != nil {
		return nil, fmt.Errorf("rehearsal: find run: %w", err)
	}
	if p, ok := s.live(id); ok {
		r.Progress = p
	}
	return r, nil
}

// Recent returns the last runs of an assembly.
func (s *Service) Recent(ctx context.Context, assemblyID int64) ([]Run, error) {
	rows, _ := s.pool.Query(ctx, `SELECT `+runCols+` FROM rehearsal_runs WHERE assembly_id = $1
		ORDER BY started_at DESC LIMIT 5`, assemblyID)
	rs, err := pgx.CollectRows(rows, pgx.RowToStructByName[Run])
	if err != nil {
		return nil, fmt.Errorf("rehearsal: recent runs: %w", err)
	}
	return rs, nil
}

// saveProgress stores a running run's progress for other instances; a
// failure only delays the figures, so it is not reported.
func (s *Service) saveProgress(id int64, p Progress) {
	s.pool.Exec(context.Background(), `UPDATE rehearsal_runs SET progress = $2 WHERE id = $1`, id, progressJSON(p))
}

// finish records the end of a run: its state, final progress and report.
func (s *Service) finish(id int64, state string, p Progress, report string) error {
	_, err := s.pool.Exec(context.Background(), `UPDATE rehearsal_runs SET state = $2, finished_at = now(), progress = $3,
		report = $4, copy_id = NULL WHERE id = $1`, id, state, progressJSON(p), report)
	if err != nil {
		return fmt.Errorf("rehearsal: finish run: %w", err)
	}
	return nil
}
