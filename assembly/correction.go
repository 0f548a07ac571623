package assembly

import (
	"context"
	"time"
)

// The correction window: once voting has opened an agenda is frozen, except
// while the district has returned the dong's submitted list. Then the dong
// may correct what the district asks about (the fields marked Correctable
// in agendaFields); the title and the cost, which decided the vote, stay.

// ReturnNote is a district's return of an assembly's submitted list.
type ReturnNote struct {
	SubmissionID int64
	Reason       string
	At           time.Time
}

// Returns tells assembly which submitted lists a district has returned.
// The submission workflow lives above assembly (in result); the server
// wires it in as Service.Returns.
type Returns interface {
	// Returned returns the assembly's returned list, or nil when its list
	// is not returned (or was never submitted).
	Returned(ctx context.Context, q Querier, assemblyID int64) (*ReturnNote, error)
	// ReturnedAmong returns the returned lists among the assemblies, by id.
	ReturnedAmong(ctx context.Context, q Querier, ids []int64) (map[int64]ReturnNote, error)
}

// Returned is the assembly's returned list, or nil (also when nothing
// tells the service about submissions).
func (s *Service) Returned(ctx context.Context, assemblyID int64) (*ReturnNote, error) {
	return s.returned(ctx, s.pool, assemblyID)
}

func (s *Service) returned(ctx context.Context, q Querier, assemblyID int64) (*ReturnNote, error) {
	if s.Returns == nil {
		return nil, nil
	}
	n, err := s.Returns.Returned(ctx, q, assemblyID)
	return n, wrap("returned list", err)
}

// ReturnedAmong returns the returned lists among the assemblies, by id.
func (s *Service) ReturnedAmong(ctx context.Context, list []*Assembly) (map[int64]ReturnNote, error) {
	if s.Returns == nil || len(list) == 0 {
		return map[int64]ReturnNote{}, nil
	}
	ids := make([]int64, len(list))
	for i, a := range list {
		ids[i] = a.ID
	}
	m, err := s.Returns.ReturnedAmong(ctx, s.pool, ids)
	return m, wrap("returned lists", err)
}

// Correcting reports whether the assembly's agendas are in the correction
// window: voting has opened and the district has returned the list.
func (s *Service) Correcting(ctx context.Context, a *Assembly) (*ReturnNote, error) {
	if !a.RulesFrozen() {
		return nil, nil
	}
	return s.Returned(ctx, a.ID)
}
