// Package voting owns one-time codes, QR cards, ballots (on phones, online
// and on paper), opening and closing the vote, and the tally. It may import
// assembly, never the reverse.
package voting

import (
	"context"
	"errors"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// Service is the voting part of the service.
type Service struct {
	Env        *web.Env
	Assemblies *assembly.Service
	// OnChange is called after every committed change of a tally (a ballot,
	// a close). Set by the server to the live hub.
	OnChange func(assemblyID int64)
}

// NewService returns the voting service.
func NewService(env *web.Env, asm *assembly.Service) *Service {
	return &Service{Env: env, Assemblies: asm, OnChange: func(int64) {}}
}

// Routes mounts the ballot pages, the ballots API and the host's console.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
}

// IssuedCode is a code as shown once to the host: the QR URL and the typed form.
type IssuedCode struct {
	Code  string `json:"code"`
	Short string `json:"short"`
	URL   string `json:"url"`
}

// DemoCodes opens the demo assembly's vote if it is not open yet and issues
// n onsite codes for it.
func DemoCodes(ctx context.Context, s *Service, a *assembly.Assembly, host *account.User, n int) ([]IssuedCode, error) {
	return nil, errors.New("codes are not built yet")
}
