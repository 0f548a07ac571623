package live

import (
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
}

// NewHandlers returns the live feed's HTTP handlers.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
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

// linkFailuresPerMinute is how many wrong projector link tokens a client
// may send a minute (on every instance together) before it must wait;
// right tokens are never counted, so a wall reconnects as often as needed.
const linkFailuresPerMinute = 20
