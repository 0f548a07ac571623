package live

import (
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the live feed's HTTP half: access checks, the websocket
// upgrade, the tally API, the projector and its links' pages.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
	// linkLimit slows down guessing projector link tokens: failures per
	// client address; blocked holds who is over it, until when.
	linkLimit *web.Limiter
	blockMu   sync.Mutex
	blocked   map[string]time.Time
}

// NewHandlers returns the live feed's HTTP handlers.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth, linkLimit: web.NewLimiter(20, 3*time.Second), blocked: map[string]time.Time{}}
}

// Routes mounts the websocket, the tally API, the projector page, its QR
// code and the host's projector links.
func (h *Handlers) Routes(app fiber.Router) {
	if a, ok := app.(*fiber.App); ok {
		// Hijacked websockets outlive their handler: fasthttp must not
		// close them when it returns (it only affects hijacked connections).
		a.Server().KeepHijackedConns = true
	}

	// Residents, projectors (with a link token) and hosts.
	app.Get("/ws/assemblies/:id/tally", h.serveWS)
	app.Get("/api/v1/assemblies/:id/tally", h.apiTally)
	app.Get("/p/:slug", h.projector)
	app.Get("/p/:slug/qr.png", h.qr)

	// Hosts' pages: projector links.
	app.Get("/p/:slug/links", h.auth.Require, h.linksPage)
	app.Post("/p/:slug/links", h.auth.Require, h.createLink)
	app.Post("/p/:slug/links/:link/revoke", h.auth.Require, h.revokeLink)
}
