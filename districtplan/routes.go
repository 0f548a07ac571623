package districtplan

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half: the district plan's pages and API over Service.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the district plan's pages and API.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the package's pages and API: its only route table. The
// Service checks who may do what (district hosts write their district's
// application, plan and answers; the city keeps the committee, the rounds,
// the approval and the 협약; finance reads what the city shared).
func (h *Handlers) Routes(app fiber.Router) {
	req := h.auth.Require

	// Participants: the anonymous survey of a public link.
	app.Get("/survey/:token", h.surveyPage)
	app.Post("/survey/:token", h.surveyPost)
	app.Post("/api/v1/surveys/:token/answers", h.apiSurveyAnswer)

	// Hosts' pages.
	app.Get("/host/district-plans", req, h.overviewPage)
	app.Get("/host/district-plans/:district", req, h.districtPage)
	app.Get("/host/district-plans/:district/application", req, h.applicationForm)
	app.Get("/host/district-plans/:district/diff", req, h.diffPage)
	app.Get("/host/district-plans/:district/agreement", req, h.agreementFile)

	// Hosts' form posts.
	app.Post("/host/district-plans/:district/application", req, h.applicationPost)
	app.Post("/host/district-plans/:district/submit", req, h.submitPost)
	app.Post("/host/district-plans/:district/versions", req, h.versionPost)
	app.Post("/host/district-plans/:district/rounds", req, h.roundPost)
	app.Post("/host/district-plans/:district/opinions", req, h.opinionPost)
	app.Post("/host/district-plans/:district/answers", req, h.answerPost)
	app.Post("/host/district-plans/:district/approve", req, h.approvePost)
	app.Post("/host/district-plans/:district/agreement", req, h.agreementPost)
	app.Post("/host/district-plans/:district/records", req, h.recordPost)
	app.Get("/host/district-plans/:district/surveys/:id", req, h.surveyResultsPage)
	app.Post("/host/district-plans/:district/surveys", req, h.surveyCreatePost)
	app.Post("/host/district-plans/:district/surveys/:id/close", req, h.surveyClosePost)
	app.Post("/host/district-plans/:district/vote", req, h.votePost)
	app.Post("/host/district-plans/:district/vote/scores", req, h.scoresPost)
	app.Post("/host/district-plans-committee", req, h.memberPost)
	app.Post("/host/district-plans-share", req, h.sharePost)

	// Hosts' API.
	app.Get("/api/v1/district-plans", req, h.apiOverview)
	app.Get("/api/v1/district-plans/committee", req, h.apiMembers)
	app.Post("/api/v1/district-plans/committee", req, h.apiAddMember)
	app.Post("/api/v1/district-plans/share", req, h.apiShare)
	app.Get("/api/v1/district-plans/:district", req, h.apiDistrict)
	app.Put("/api/v1/district-plans/:district/application", req, h.apiSaveApplication)
	app.Post("/api/v1/district-plans/:district/submit", req, h.apiSubmit)
	app.Post("/api/v1/district-plans/:district/versions", req, h.apiFileVersion)
	app.Get("/api/v1/district-plans/:district/diff", req, h.apiDiff)
	app.Post("/api/v1/district-plans/:district/rounds", req, h.apiOpenRound)
	app.Post("/api/v1/district-plans/:district/rounds/:round/opinions", req, h.apiOpinion)
	app.Post("/api/v1/district-plans/:district/opinions/:opinion/answer", req, h.apiAnswer)
	app.Post("/api/v1/district-plans/:district/approve", req, h.apiApprove)
	app.Post("/api/v1/district-plans/:district/agreement", req, h.apiAgreement)
	app.Post("/api/v1/district-plans/:district/records", req, h.apiRecord)
	app.Post("/api/v1/district-plans/:district/surveys", req, h.apiCreateSurvey)
	app.Post("/api/v1/district-plans/:district/vote", req, h.apiCreateVote)
	app.Put("/api/v1/district-plans/:district/vote/scores", req, h.apiScores)
	app.Get("/api/v1/district-plans/:district/vote/result", req, h.apiWeighted)
	app.Get("/api/v1/district-plans/:district/surveys/:id", req, h.apiSurveyResults)
}
