package result

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul/assembly"
)

// The correction window of a returned list: assembly lets a dong correct
// its agendas while the district has returned the list; it asks result
// (through assembly.Returns, wired by the server) whether it is.

// Returned returns the assembly's returned list, or nil.
func (s *Service) Returned(ctx context.Context, q assembly.Querier, assemblyID int64) (*assembly.ReturnNote, error) {
	var n assembly.ReturnNote
	err := q.QueryRow(ctx, `SELECT id, return_reason, returned_at FROM submissions
		WHERE assembly_id = $1 AND state = 'returned'`, assemblyID).Scan(&n.SubmissionID, &n.Reason, &n.At)
	if err == pgx.ErrNoRows {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("returned list", err)
	}
	return &n, nil
}

// ReturnedAmong returns the returned lists among the assemblies, by id.
func (s *Service) ReturnedAmong(ctx context.Context, q assembly.Querier, ids []int64) (map[int64]assembly.ReturnNote, error) {
	rows, err := q.Query(ctx, `SELECT assembly_id, id, return_reason, returned_at FROM submissions
		WHERE assembly_id = ANY($1) AND state = 'returned'`, ids)
	if err != nil {
		return nil, wrap("returned lists", err)
	}
	defer rows.Close()
	out := map[int64]assembly.ReturnNote{}
	for rows.Next() {
		var id int64
		var n assembly.ReturnNote
		if err := rows.Scan(&id, &n.SubmissionID, &n.Reason, &n.At); err != nil {
			return nil, wrap("returned lists", err)
		}
		out[id] = n
	}
	return out, wrap("returned lists", rows.Err())
}

var _ assembly.Returns = (*Service)(nil)

// changesSince names, per agenda in priority order, the columns of 서식 2-5
// that differ between the list sent before (raw JSON) and now; an agenda
// edited since the return without a change to those columns changed its
// execution plan (실행계획서).
func changesSince(ctx context.Context, q assembly.Querier, assemblyID int64, raw []byte, now *Submission, returnedAt *time.Time) ([]auditChange, error) {
	var before Submission
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &before); err != nil {
			return nil, wrap("resubmit: previous content", err)
		}
	}
	old := map[string]SubmissionRow{}
	for _, r := range before.Rows {
		old[r.AgendaID] = r
	}
	edited := map[string]bool{}
	if returnedAt != nil {
		agendas, err := assembly.FindAgendas(ctx, q, assemblyID)
		if err != nil {
			return nil, wrap("resubmit: agendas", err)
		}
		for _, g := range agendas {
			edited[g.IDString()] = g.UpdatedAt.After(*returnedAt)
		}
	}
	changes := []auditChange{}
	for _, r := range now.Rows {
		o, ok := old[r.AgendaID]
		var fields []string
		add := func(differs bool, key string) {
			if differs {
				fields = append(fields, key)
			}
		}
		add(ok && o.Location != r.Location, "submission.col.location")
		add(ok && o.Content != r.Content, "submission.col.content")
		add(ok && (o.CurrentSubsidy != r.CurrentSubsidy || o.CapitalSubsidy != r.CapitalSubsidy), "submission.col.split")
		add(ok && o.DistrictDepartment != r.DistrictDepartment, "submission.col.dept_gu")
		add(ok && o.CityDepartment != r.CityDepartment, "submission.col.dept_si")
		add(ok && o.Remarks != r.Remarks, "submission.col.remarks")
		if !ok {
			fields = []string{"workflow.change.new"}
		}
		if len(fields) == 0 && edited[r.AgendaID] {
			fields = []string{"workflow.change.plan"}
		}
		if len(fields) > 0 {
			changes = append(changes, auditChange{Number: r.Number, Fields: fields})
		}
	}
	return changes, nil
}
