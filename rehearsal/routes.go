package rehearsal

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of the package: the rehearsal pages, their
// form and the JSON API over Service.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the rehearsal pages and API.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the rehearsal page, its form and the JSON API: the
// package's only route table.
func (h *Handlers) Routes(app fiber.Router) {
	host := h.auth.Require

	// Hosts' pages.
	app.Get("/host/assemblies/:id/rehearsal", host, h.page)
	app.Post("/host/assemblies/:id/rehearsal", host, h.startForm)
	app.Get("/host/rehearsals/:run", host, h.runPage)

	// Hosts' API.
	app.Post("/api/v1/rehearsals", host, h.startAPI)
	app.Get("/api/v1/rehearsals/:run", host, h.runAPI)
}
