package assembly

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
)

// Service is the domain half of assemblies: the rules and the SQL. The
// HTTP half (Handlers) parses requests and calls it.
type Service struct {
	pool *pgxpool.Pool
	// OnChange is called after a change that viewers of the live tally
	// should see (a state change, an agenda edit). Set by the server.
	OnChange func(assemblyID int64)
	// Returns knows the submitted lists a district has returned (set by
	// the server; nil: none ever is, and agendas stay frozen after voting).
	Returns Returns
	// Subcommittees returns the 분과 list a dong filed for a plan year
	// (서식 2-3, package planning); when there is one, the agenda form
	// offers it as a select. Nil: a text field. Set by the server.
	Subcommittees func(ctx context.Context, district, dong string, year int) ([]string, error)
}

// NewService returns the assembly service on pool.
func NewService(pool *pgxpool.Pool) *Service {
	return &Service{pool: pool, OnChange: func(int64) {}}
}

// wrap names the operation on an error from the store, so a 500 in the log
// says what failed. An *maeul.Error (meant for people) and nil pass as they are.
func wrap(op string, err error) error {
	var me *maeul.Error
	if err == nil || errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("assembly: %s: %w", op, err)
}

// seoul is the time zone of the assemblies' times (as web.Seoul, which the
// domain half does not import).
var seoul = func() *time.Location {
	l, err := time.LoadLocation("Asia/Seoul")
	if err != nil {
		return time.FixedZone("KST", 9*3600)
	}
	return l
}()

// FindAssembly is the package function on the service's pool.
func (s *Service) FindAssembly(ctx context.Context, id int64) (*Assembly, error) {
	return FindAssembly(ctx, s.pool, id)
}

// FindAssemblyBySlug is the package function on the service's pool.
func (s *Service) FindAssemblyBySlug(ctx context.Context, slug string) (*Assembly, error) {
	return FindAssemblyBySlug(ctx, s.pool, slug)
}

// FindAgendas is the package function on the service's pool.
func (s *Service) FindAgendas(ctx context.Context, assemblyID int64) ([]Agenda, error) {
	return FindAgendas(ctx, s.pool, assemblyID)
}

// FindAgenda is the package function on the service's pool.
func (s *Service) FindAgenda(ctx context.Context, id int64) (*Agenda, error) {
	return FindAgenda(ctx, s.pool, id)
}
