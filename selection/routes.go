package selection

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half: the API and the host pages over Service.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the selection and timeline handlers.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the package's only route table. Roles are checked in the
// Service: a dong host files its own dong's application, a district host
// runs its district's committee, the city keeps the register and schedule.
func (h *Handlers) Routes(app fiber.Router) {
	host := h.auth.Require

	// API.
	app.Get("/api/v1/selection/:year/application", host, h.apiApplication)
	app.Put("/api/v1/selection/:year/application", host, h.apiSaveApplication)
	app.Post("/api/v1/selection/:year/application/submit", host, h.apiSubmitApplication)
	app.Get("/api/v1/selection/:year/districts/:district/applications", host, h.apiApplications)
	app.Get("/api/v1/selection/:year/districts/:district/review", host, h.apiReview)
	app.Get("/api/v1/selection/:year/districts/:district/report", host, h.apiReport)
	app.Get("/api/v1/selection/:year/districts/:district/report.xlsx", host, h.reportXLSX)
	app.Put("/api/v1/selection/:year/review", host, h.apiSaveHeader)
	app.Post("/api/v1/selection/:year/review/members", host, h.apiAddMember)
	app.Delete("/api/v1/selection/:year/review/members/:id", host, h.apiRemoveMember)
	app.Put("/api/v1/selection/:year/review/scores", host, h.apiSetScores)
	app.Post("/api/v1/selection/:year/review/decide", host, h.apiDecide)
	app.Post("/api/v1/selection/:year/review/reopen", host, h.apiReopen)
	app.Post("/api/v1/selection/:year/review/submit", host, h.apiSubmitReport)
	app.Get("/api/v1/selection/:year/register", host, h.apiRegister)
	app.Post("/api/v1/selection/:year/register", host, h.apiAddDong)
	app.Delete("/api/v1/selection/:year/register/:district/:dong", host, h.apiRemoveDong)
	app.Put("/api/v1/selection/:year/groups/:district", host, h.apiSetGroup)
	app.Get("/api/v1/timeline/:year", host, h.apiTimeline)
	app.Get("/api/v1/timeline/:year/schedule", host, h.apiSchedule)
	app.Put("/api/v1/timeline/:year/schedule", host, h.apiSetSchedule)

	// Host pages and their forms.
	app.Get("/host/selection", host, h.page)
	app.Get("/host/selection/application", host, h.printApplication)
	app.Get("/host/selection/report", host, h.printReport)
	app.Get("/host/selection/report.xlsx", host, h.reportXLSX)
	app.Post("/host/selection/application", host, h.formApplication)
	app.Post("/host/selection/review", host, h.formReview)
	app.Post("/host/selection/members", host, h.formMember)
	app.Post("/host/selection/members/delete", host, h.formRemoveMember)
	app.Post("/host/selection/scores", host, h.formScores)
	app.Post("/host/selection/decide", host, h.formDecide)
	app.Post("/host/selection/register", host, h.formRegister)
	app.Post("/host/selection/schedule", host, h.formSchedule)
	app.Get("/host/timeline", host, h.timelinePage)
}
