package assembly

import (
	"context"

	"maeul"
)

// Publish makes a draft's booklet and notice public. Returns ENOTFOUND for
// an unknown id, ECONFLICT unless it is a draft, and EINVALID when it has no
// agenda yet (a booklet needs something to read). Opening, closing and
// announcing belong to voting and result.
func (s *Service) Publish(ctx context.Context, id int64) (*Assembly, error) {
	rows, _ := s.pool.Query(ctx, `UPDATE assemblies SET state = 'published', updated_at = now()
		WHERE id = $1 AND state = 'draft' AND EXISTS (SELECT 1 FROM agendas WHERE assembly_id = $1)
		RETURNING `+assemblyColumns, id)
	a, err := oneAssembly(rows)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		cur, ferr := FindAssembly(ctx, s.pool, id)
		if ferr != nil {
			return nil, ferr
		}
		if cur.State != StateDraft {
			return nil, maeul.Errorf(maeul.ECONFLICT, "assembly.not_draft")
		}
		return nil, maeul.Errorf(maeul.EINVALID, "assembly.publish_empty")
	}
	if err != nil {
		return nil, wrap("publish", err)
	}
	s.OnChange(id)
	return a, nil
}

// PublishWarnings are the agendas of an assembly without a department's
// final review (서식 2-6): publishing asks the host to confirm them.
func (s *Service) PublishWarnings(ctx context.Context, id int64) ([]Agenda, error) {
	gs, err := FindAgendas(ctx, s.pool, id)
	if err != nil {
		return nil, err
	}
	var out []Agenda
	for _, g := range gs {
		if g.ReviewResult == "" {
			out = append(out, g)
		}
	}
	return out, nil
}

// Unpublish takes a published booklet back to draft, before voting opens.
// Returns ENOTFOUND for an unknown id and ECONFLICT in any other state.
func (s *Service) Unpublish(ctx context.Context, id int64) (*Assembly, error) {
	rows, _ := s.pool.Query(ctx, `UPDATE assemblies SET state = 'draft', updated_at = now()
		WHERE id = $1 AND state = 'published' RETURNING `+assemblyColumns, id)
	a, err := oneAssembly(rows)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND {
		if _, ferr := FindAssembly(ctx, s.pool, id); ferr != nil {
			return nil, ferr
		}
		return nil, maeul.Errorf(maeul.ECONFLICT, "assembly.not_published")
	}
	if err != nil {
		return nil, wrap("unpublish", err)
	}
	s.OnChange(id)
	return a, nil
}
