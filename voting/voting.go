// Package voting owns one-time codes, QR cards, ballots (on phones, online
// and on paper), opening and closing the vote, and the tally. It may import
// assembly, never the reverse.
package voting

import (
	"context"
	"sync"
	"time"

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
	// Guesses limits failed typed-code attempts per client.
	Guesses *guessLimit

	cache infoCache
	queue commitQueue
	cards cardJobs
}

// NewService returns the voting service.
func NewService(env *web.Env, asm *assembly.Service) *Service {
	return &Service{Env: env, Assemblies: asm, OnChange: func(int64) {},
		Guesses: newGuessLimit(10, time.Minute)}
}

// Routes mounts the ballot pages, the ballots API and the host's console.
// One table, so every path of the package is greppable here.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
	// Residents.
	app.Post("/api/v1/ballots", s.apiBallot)
	app.Get("/v/:slug", s.ballotPage)
	app.Post("/v/:slug/code", s.ballotCode)
	app.Post("/v/:slug/confirm", s.ballotConfirm)
	app.Post("/v/:slug/back", s.ballotBack)
	app.Post("/v/:slug/ballot", s.ballotSubmit)

	// Hosts: the API.
	// auth.Require on each route, not on the group: a group's middleware
	// would also run for other packages' public routes under the same
	// prefix (the results and ballots.pb once announced).
	api := app.Group("/api/v1/assemblies/:id")
	api.Post("/open", auth.Require, s.apiOpen)
	api.Post("/close", auth.Require, s.apiClose)
	api.Get("/codes", auth.Require, s.apiCodeBatches)
	api.Post("/codes", auth.Require, s.apiIssueCodes)
	api.Post("/codes/revoke", auth.Require, s.apiRevoke)
	api.Get("/paper", auth.Require, s.apiPaperLog)
	api.Post("/paper", auth.Require, s.apiPaper)
	api.Post("/paper/:ballot/correct", auth.Require, s.apiPaperCorrect)
	api.Post("/paper/:ballot/void", auth.Require, s.apiPaperVoid)

	// Hosts: the assembly-day console.
	host := app.Group("/host/assemblies/:id", auth.Require)
	host.Get("/console", s.consolePage)
	host.Post("/open", s.consoleOpen)
	host.Post("/close", s.consoleClose)
	host.Post("/codes", s.consoleIssue)
	host.Post("/codes/revoke", s.consoleRevoke)
	host.Get("/cards/:job", s.cardsPage)
	host.Get("/cards/:job/status", s.cardsStatus)
	host.Get("/paper", s.paperPage)
	host.Post("/paper", s.paperEnter)
	host.Post("/paper/:ballot/correct", s.paperCorrect)
	host.Post("/paper/:ballot/void", s.paperVoid)
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
	if a.State == assembly.StatePublished {
		if _, err := s.Open(ctx, host, a.ID); err != nil {
			return nil, err
		}
	}
	_, _, codes, err := s.IssueCodes(ctx, host, a.ID, n, ChannelOnsite)
	return codes, err
}

// guessLimit refuses a client after too many failed code attempts. Only
// failures cost: a crowded venue shares one address, and its residents'
// valid codes must never be refused.
type guessLimit struct {
	lim     *web.Limiter
	mu      sync.Mutex
	blocked map[string]time.Time
}

func newGuessLimit(n int, per time.Duration) *guessLimit {
	return &guessLimit{lim: web.NewLimiter(n, per/time.Duration(n)), blocked: map[string]time.Time{}}
}

// blockedFor returns the seconds a client must still wait, or 0.
func (g *guessLimit) blockedFor(key string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	until, ok := g.blocked[key]
	if !ok {
		return 0
	}
	d := time.Until(until)
	if d <= 0 {
		delete(g.blocked, key)
		return 0
	}
	return int(d/time.Second) + 1
}

// fail records a failed attempt and returns the seconds to wait if the
// client is now blocked.
func (g *guessLimit) fail(key string) int {
	ok, wait := g.lim.Allow(key)
	if ok {
		return 0
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if len(g.blocked) > 100_000 {
		for k, t := range g.blocked {
			if time.Now().After(t) {
				delete(g.blocked, k)
			}
		}
	}
	g.blocked[key] = time.Now().Add(time.Duration(wait) * time.Second)
	return wait
}
