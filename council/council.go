// Package council owns the dong council's roster (서식 2-1): the member
// counts checked against the plan's composition rules.
package council

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Service is the council part of the service.
type Service struct {
	Env *web.Env
}

// NewService returns the council service.
func NewService(env *web.Env) *Service { return &Service{Env: env} }

// Routes mounts the roster pages.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {}
