package assembly

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of assemblies: it parses requests, checks the
// role, calls the Service and renders pages or JSON.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the assembly pages and API on svc.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the assembly pages and API: the package's only route table.
func (h *Handlers) Routes(app fiber.Router) {
	need := h.auth.Require

	// Residents: the home page, the booklet with its opinions, photos, the
	// notice and its QR code.
	app.Get("/", h.home)
	app.Get("/a/:slug", h.booklet)
	app.Post("/a/:slug/agendas/:agendaID/opinions", h.postOpinion)
	app.Get("/a/:slug/agendas/:agendaID/opinions", h.opinionsBack)
	app.Get("/a/:slug/notice", h.notice)
	app.Get("/a/:slug/qr.png", h.qr)
	app.Get("/photos/:id.jpg", h.servePhoto)

	// Hosts' pages.
	app.Get("/host", need, h.hostHome)
	app.Get("/host/assemblies", need, h.hostNewAssemblyBack)
	app.Get("/host/assemblies/new", need, h.hostNewAssembly)
	app.Post("/host/assemblies", need, h.hostCreateAssembly)
	app.Get("/host/assemblies/:id", need, h.hostAssembly)
	app.Get("/host/assemblies/:id/edit", need, h.hostEditAssembly)
	app.Post("/host/assemblies/:id/edit", need, h.hostSaveAssembly)
	app.Post("/host/assemblies/:id/publish", need, h.hostPublish)
	app.Post("/host/assemblies/:id/unpublish", need, h.hostUnpublish)
	app.Get("/host/assemblies/:id/agendas", need, h.hostNewAgendaBack)
	app.Get("/host/assemblies/:id/agendas/new", need, h.hostNewAgenda)
	app.Post("/host/assemblies/:id/agendas", need, h.hostCreateAgenda)
	app.Get("/host/assemblies/:id/import", need, h.hostImportPage)
	app.Post("/host/assemblies/:id/import", need, h.hostImport)
	app.Get("/host/agendas/:id", need, h.hostEditAgenda)
	app.Post("/host/agendas/:id", need, h.hostSaveAgenda)
	app.Post("/host/agendas/:id/delete", need, h.hostDeleteAgenda)
	app.Post("/host/agendas/:id/move", need, h.hostMoveAgenda)
	app.Get("/host/agendas/:id/photos", need, h.photosPage)
	app.Post("/host/agendas/:id/photos", need, h.uploadPhoto)
	app.Post("/host/photos/:id/delete", need, h.deletePhoto)
	app.Post("/host/opinions/:id/hide", need, h.hideOpinion)
	app.Post("/host/opinions/:id/unhide", need, h.unhideOpinion)
	app.Get("/host/import-example.csv", need, h.hostImportExample)

	// Hosts' API.
	app.Get("/api/v1/assemblies", need, h.apiList)
	app.Post("/api/v1/assemblies", need, h.apiCreate)
	app.Get("/api/v1/assemblies/:id", need, h.apiGet)
	app.Patch("/api/v1/assemblies/:id", need, h.apiUpdate)
	app.Post("/api/v1/assemblies/:id/publish", need, h.apiPublish)
	app.Post("/api/v1/assemblies/:id/unpublish", need, h.apiUnpublish)
	app.Post("/api/v1/assemblies/:id/agendas", need, h.apiAddAgenda)
	app.Post("/api/v1/assemblies/:id/agendas/reorder", need, h.apiReorder)
	app.Post("/api/v1/assemblies/:id/agendas/import", need, h.apiImport)
	app.Patch("/api/v1/assemblies/:id/agendas/:agendaID", need, h.apiUpdateAgenda)
	app.Delete("/api/v1/assemblies/:id/agendas/:agendaID", need, h.apiDeleteAgenda)
	app.Post("/api/v1/assemblies/:id/agendas/:agendaID/photos", need, h.apiUploadPhoto)
}
