package council

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of the package: the roster pages over Service.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the roster pages.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the roster pages: the package's only route table. Reading:
// the dong's hosts, its district's hosts and the city (CanRead); changing:
// only that dong's hosts.
func (h *Handlers) Routes(app fiber.Router) {
	host, dong := h.auth.Require, account.RequireRole(account.RoleDong)

	// Hosts' pages.
	app.Get("/host/council", host, h.rosterPage)
	app.Get("/host/council/application", host, h.applicationPage)

	// Dong hosts' form posts.
	app.Post("/host/council", host, dong, h.upload)
	app.Post("/host/council/names/delete", host, dong, h.deleteNames)
	app.Post("/host/council/type", host, dong, h.setType)
}
