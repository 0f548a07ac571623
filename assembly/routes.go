package assembly

import (
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
	apiRoutes(app, s, auth)
	hostRoutes(app, s, auth)
	publicRoutes(app, s, auth)
}
