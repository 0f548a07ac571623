package result

import (
	"context"
	"strconv"
)

// FinalDecisions returns the city committee's decision per agenda of the
// assembly, by agenda id (package execution records them; empty until the
// committee has decided): approved, conditional or rejected.
func (s *Service) FinalDecisions(ctx context.Context, assemblyID int64) (map[string]string, error) {
	rows, err := s.pool.Query(ctx, `SELECT agenda_id, decision FROM approvals WHERE assembly_id = $1 AND decision <> 'pending'`, assemblyID)
	if err != nil {
		return nil, wrap("final decisions", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id int64
		var d string
		if err := rows.Scan(&id, &d); err != nil {
			return nil, wrap("final decisions", err)
		}
		out[strconv.FormatInt(id, 10)] = d
	}
	return out, wrap("final decisions", rows.Err())
}
