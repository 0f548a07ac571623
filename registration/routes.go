package registration

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/voting"
	"maeul/web"
)

// Handlers is the HTTP half of registration: the registrations, booths and
// kiosks API, the host's desk, booths and kiosks pages, and the kiosk.
type Handlers struct {
	env    *web.Env
	svc    *Service
	auth   *account.Handlers
	voting *voting.Service
}

// NewHandlers returns the HTTP half on svc; the kiosk checks typed codes
// through v (the ballot itself goes through POST /api/v1/ballots).
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers, v *voting.Service) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth, voting: v}
}

// Routes mounts the package's routes: its only route table.
func (h *Handlers) Routes(app fiber.Router) {
	auth := h.auth.Require

	// Hosts: the API (auth on each route, as voting does).
	api := app.Group("/api/v1/assemblies/:id")
	api.Post("/registrations", auth, h.apiRegister)
	api.Get("/registrations", auth, h.apiStats)
	api.Get("/booths", auth, h.apiBooths)
	api.Post("/booths", auth, h.apiCreateBooth)
	api.Patch("/booths/:booth", auth, h.apiUpdateBooth)
	api.Delete("/booths/:booth", auth, h.apiDeleteBooth)
	api.Get("/kiosks", auth, h.apiKiosks)
	api.Post("/kiosks", auth, h.apiCreateKiosk)
	api.Post("/kiosks/:kiosk/revoke", auth, h.apiRevokeKiosk)

	// Hosts: the desk, booths and kiosks pages.
	host := app.Group("/host/assemblies/:id")
	host.Get("/registrations", auth, h.deskPage)
	host.Post("/registrations", auth, h.deskRegister)
	host.Get("/booths", auth, h.boothsPage)
	host.Post("/booths", auth, h.boothCreate)
	host.Post("/booths/:booth/delete", auth, h.boothDelete)
	host.Get("/kiosks", auth, h.kiosksPage)
	host.Post("/kiosks", auth, h.kioskCreate)
	host.Post("/kiosks/:kiosk/revoke", auth, h.kioskRevoke)

	// The kiosk (its link's token in ?t= or the JSON body).
	app.Get("/k/:slug", h.kioskPage)
	app.Post("/k/:slug/register", h.kioskRegister)
	app.Post("/k/:slug/code", h.kioskCode)
}
