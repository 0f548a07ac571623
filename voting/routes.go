package voting

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of voting: the ballot pages, the ballots API,
// the host's console, cards and paper desk. It parses, checks the role,
// calls the Service and renders.
type Handlers struct {
	env   *web.Env
	svc   *Service
	auth  *account.Handlers
	cards cardJobs
	// inline is the ballot's CSS and JS, inlined in its pages.
	inline inlineAssets
}

// NewHandlers returns the HTTP half on svc.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the ballot pages, the ballots API and the host's console:
// the package's only route table, so every path of it is greppable here.
func (h *Handlers) Routes(app fiber.Router) {
	auth := h.auth.Require

	// Residents.
	app.Post("/api/v1/ballots", h.apiBallot)
	// Each form posts, then redirects to a page that Back and Reload
	// show again without the browser's "resubmit" question.
	app.Get("/v/:slug", h.ballotPage)
	app.Get("/v/:slug/code", h.ballotCodePage)
	app.Post("/v/:slug/code", h.ballotCode)
	app.Get("/v/:slug/confirm", h.ballotConfirmPage)
	app.Post("/v/:slug/confirm", h.ballotConfirm)
	app.Post("/v/:slug/back", h.ballotBack)
	app.Post("/v/:slug/ballot", h.ballotSubmit)
	app.Get("/v/:slug/receipt", h.ballotReceiptPage)

	// Hosts: the API.
	// auth on each route, not on the group: a group's middleware would
	// also run for other packages' public routes under the same prefix
	// (the results and ballots.pb once announced).
	api := app.Group("/api/v1/assemblies/:id")
	api.Post("/open", auth, h.apiOpen)
	api.Post("/close", auth, h.apiClose)
	api.Post("/reveal", auth, h.apiReveal)
	api.Get("/codes", auth, h.apiCodeBatches)
	api.Post("/codes", auth, h.apiIssueCodes)
	api.Post("/codes/revoke", auth, h.apiRevoke)
	api.Post("/codes/reprint", auth, h.apiReprint)
	api.Get("/paper", auth, h.apiPaperLog)
	api.Post("/paper", auth, h.apiPaper)
	api.Post("/paper/:ballot/correct", auth, h.apiPaperCorrect)
	api.Post("/paper/:ballot/void", auth, h.apiPaperVoid)
	api.Get("/questions", auth, h.apiQuestions)
	api.Post("/questions", auth, h.apiAddQuestion)
	api.Delete("/questions/:question", auth, h.apiDeleteQuestion)

	// Hosts: the assembly-day console.
	host := app.Group("/host/assemblies/:id", auth)
	host.Get("/console", h.consolePage)
	host.Post("/open", h.consoleOpen)
	host.Post("/close", h.consoleClose)
	host.Post("/reveal", h.consoleReveal)
	host.Post("/codes", h.consoleIssue)
	host.Post("/codes/revoke", h.consoleRevoke)
	host.Post("/codes/reprint", h.consoleReprint)
	host.Get("/cards/:job", h.cardsPage)
	host.Get("/cards/:job/status", h.cardsStatus)
	host.Get("/paper", h.paperPage)
	host.Post("/paper", h.paperEnter)
	host.Post("/paper/:ballot/correct", h.paperCorrect)
	host.Post("/paper/:ballot/void", h.paperVoid)
	host.Get("/questions", h.questionsPage)
	host.Post("/questions", h.questionsAdd)
	host.Post("/questions/:question/delete", h.questionsDelete)
}
