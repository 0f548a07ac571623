package planning

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of the package.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the planning pages and API on svc.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the planning pages and API: the package's only route
// table. Every route needs a login; who may do what is the Service's.
func (h *Handlers) Routes(app fiber.Router) {
	need := h.auth.Require

	// Reviews (서식 2-6): a department's queue, or the dong's and the
	// district's list of missing and late final reviews; one review with
	// the department's form; the printed form.
	app.Get("/host/reviews", need, h.reviewsPage)
	app.Get("/host/reviews/:id", need, h.reviewPage)
	app.Post("/host/reviews/:id", need, h.answerReview)
	app.Get("/host/reviews/:id/print", need, h.reviewPrint)

	// One agenda's plan: drafts and their changes, review requests, Q&A.
	app.Get("/host/planning/agendas/:id", need, h.agendaPage)
	app.Post("/host/planning/agendas/:id/drafts", need, h.postDraft)
	app.Post("/host/planning/agendas/:id/reviews", need, h.postRequest)
	app.Post("/host/planning/agendas/:id/questions", need, h.postQuestion)

	// The council's organisation (서식 2-3): printed sheet and the dong's form.
	app.Get("/host/organisation", need, h.organisationPage)
	app.Post("/host/organisation", need, h.saveOrganisation)
	app.Get("/host/organisation/rules", need, h.rulesFile)

	// The resource survey (서식 2-4), the 동 현황 and the 발굴의제.
	app.Get("/host/survey", need, h.surveyPage)
	app.Post("/host/survey/entries", need, h.postEntry)
	app.Get("/host/survey/entries/:id/photo.jpg", need, h.entryPhoto)
	app.Post("/host/survey/status", need, h.postStatus)
	app.Post("/host/survey/files", need, h.postStatusFile)
	app.Get("/host/survey/files/:id", need, h.statusFile)
	app.Post("/host/survey/discovered", need, h.postDiscovered)
	app.Post("/host/survey/discovered/:id/draft", need, h.postMakeDraft)

	// API.
	app.Get("/api/v1/organisation", need, h.apiOrganisation)
	app.Put("/api/v1/organisation", need, h.apiSaveOrganisation)
	app.Get("/api/v1/survey", need, h.apiSurvey)
	app.Post("/api/v1/survey/entries", need, h.apiAddEntry)
	app.Put("/api/v1/survey/status", need, h.apiSaveStatus)
	app.Post("/api/v1/survey/discovered", need, h.apiAddDiscovered)
	app.Post("/api/v1/survey/discovered/:id/draft", need, h.apiMakeDraft)
	app.Get("/api/v1/reviews", need, h.apiReviews)
	app.Get("/api/v1/reviews/:id", need, h.apiReview)
	app.Put("/api/v1/reviews/:id", need, h.apiAnswer)
	app.Get("/api/v1/agendas/:id/reviews", need, h.apiAgendaReviews)
	app.Post("/api/v1/agendas/:id/reviews", need, h.apiRequest)
	app.Get("/api/v1/agendas/:id/drafts", need, h.apiDrafts)
	app.Post("/api/v1/agendas/:id/drafts", need, h.apiSaveDraft)
	app.Get("/api/v1/agendas/:id/questions", need, h.apiQuestions)
	app.Post("/api/v1/agendas/:id/questions", need, h.apiAsk)
}
