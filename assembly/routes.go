package assembly

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Service is the assembly part of the service.
type Service struct {
	Env *web.Env
	// OnChange is called after a change that viewers of the live tally
	// should see (a state change, an agenda edit). Set by the server.
	OnChange func(assemblyID int64)
}

// NewService returns the assembly service.
func NewService(env *web.Env) *Service {
	return &Service{Env: env, OnChange: func(int64) {}}
}

// Routes mounts the assembly pages and API.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
}

// The demo dong.
const (
	DemoDistrict = "마포구"
	DemoDong     = "성산1동"
)

// SeedDemo makes sure the demo assembly of the demo dong exists, with its
// agendas, and returns it. Running it again changes nothing.
func SeedDemo(ctx context.Context, s *Service, host *account.User) (*Assembly, error) {
	return nil, errors.New("demo assembly is not built yet")
}
