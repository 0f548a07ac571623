package result

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of results: it parses requests, calls the
// Service and renders the pages and the JSON API.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns the results' HTTP handlers.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts the results pages, exports and the submission workflow.
// Host routes carry auth.Require one by one: a group middleware on /api/v1
// would also run for other packages' routes mounted later.
func (h *Handlers) Routes(app fiber.Router) {
	req := h.auth.Require

	// Residents: results and open data, public once announced (hosts see
	// them once closed), and the receipt check.
	app.Get("/api/v1/assemblies/:id/results", h.apiResults)
	app.Get("/api/v1/assemblies/:id/ballots.pb", h.apiPabulib)
	app.Post("/api/v1/receipts/check", h.apiReceipt)
	app.Get("/r/:slug", h.resultsPage)
	app.Post("/r/:slug/receipt", h.receiptForm)
	// The receipt answer lives at the form's address; its language link
	// (?lang=en) comes back here with GET.
	app.Get("/r/:slug/receipt", redirect(func(c *fiber.Ctx) string { return "/r/" + url.PathEscape(c.Params("slug")) + "#receipt" }))

	// Hosts' pages: the review and announcement, the submission (서식 2-5)
	// and its way 동 → 구 → 시.
	app.Get("/host/assemblies/:id/results", req, h.hostResultsPage)
	app.Post("/host/assemblies/:id/announce", req, h.announceForm)
	app.Post("/host/assemblies/:id/submit", req, h.submitForm)
	app.Get("/host/submissions/:id", req, h.submissionPage)
	app.Post("/host/submissions/:id/return", req, h.returnForm)
	app.Post("/host/submissions/:id/designate", req, h.designateForm)
	app.Get("/host/district", req, h.districtPage)
	app.Post("/host/district/forward", req, h.forwardForm)
	app.Get("/host/city", req, h.cityPage)
	app.Post("/host/city/deadlines", req, h.deadlinesForm)
	// A refused form is answered at its own address; the page's language
	// link (?lang=en) comes back to it with GET: send it to the page.
	app.Get("/host/submissions/:id/return", req, redirect(submissionPath))
	app.Get("/host/submissions/:id/designate", req, redirect(submissionPath))
	app.Get("/host/city/deadlines", req, redirect(func(*fiber.Ctx) string { return "/host/city" }))
	app.Get("/host/assemblies/:id/submit", req, redirect(func(c *fiber.Ctx) string {
		return "/host/assemblies/" + strconv.FormatInt(web.ParseID(c.Params("id")), 10) + "/results"
	}))
	app.Get("/host/district/forward", req, redirect(func(*fiber.Ctx) string { return "/host/district" }))

	// Hosts' API.
	app.Post("/api/v1/assemblies/:id/announce", req, h.apiAnnounce)
	app.Get("/api/v1/assemblies/:id/submission.xlsx", req, h.apiSubmissionFile("xlsx"))
	app.Get("/api/v1/assemblies/:id/submission.csv", req, h.apiSubmissionFile("csv"))
	app.Get("/api/v1/assemblies/:id/submission.json", req, h.apiSubmissionFile("json"))
	app.Post("/api/v1/assemblies/:id/submit", req, h.apiSubmit)
	app.Get("/api/v1/submissions/:id", req, h.apiSubmission)
	app.Post("/api/v1/submissions/:id/return", req, h.apiReturn)
	app.Post("/api/v1/submissions/:id/designate", req, h.apiDesignate)
	app.Get("/api/v1/districts/:district/submissions", req, h.apiDistrict)
	app.Post("/api/v1/districts/:district/forward", req, h.apiForward)
	app.Get("/api/v1/districts/:district/submission.xlsx", req, h.districtXLSX)
	app.Get("/api/v1/city/submissions", req, h.apiCity)
	app.Get("/api/v1/city/submission.xlsx", req, h.cityXLSX)
	app.Get("/api/v1/deadlines/:year", req, h.apiDeadlines)
	app.Put("/api/v1/deadlines/:year", req, h.apiSetDeadlines)
	app.Get("/api/v1/audit", req, h.apiAudit)
}

// redirect answers GET with 303 to the address to gives.
func redirect(to func(c *fiber.Ctx) string) fiber.Handler {
	return func(c *fiber.Ctx) error { return c.Redirect(to(c), fiber.StatusSeeOther) }
}

func submissionPath(c *fiber.Ctx) string {
	return "/host/submissions/" + strconv.FormatInt(web.ParseID(c.Params("id")), 10)
}

// receiptsPerMinute is how many receipt checks one client (its address
// through the trusted proxy) may make a minute, on every instance together.
const receiptsPerMinute = 10
