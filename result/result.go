// Package result turns a closed vote into the assembly's decision: the
// priority order, the budget fill, the results page, the selected-agenda
// submission (서식 2-5) and its way from the dong to the district and the
// city, the Pabulib export and the recount.
package result

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/voting"
	"maeul/web"
)

// Service is the results part of the service.
type Service struct {
	Env        *web.Env
	Assemblies *assembly.Service
	Voting     *voting.Service
}

// NewService returns the results service.
func NewService(env *web.Env, asm *assembly.Service, vote *voting.Service) *Service {
	return &Service{Env: env, Assemblies: asm, Voting: vote}
}

// Routes mounts the results pages, exports and the submission workflow.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {}

// RecountFile recounts a Pabulib file and prints the ranking and budget fill.
func RecountFile(w io.Writer, path string) error { return errors.New("recount is not built yet") }
