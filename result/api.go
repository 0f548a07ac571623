package result

import (
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// Routes mounts the results pages, exports and the submission workflow.
// Host routes carry auth.Require one by one: a group middleware on /api/v1
// would also run for other packages' routes mounted later.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
	// Results and open data: public once announced, hosts once closed.
	app.Get("/api/v1/assemblies/:id/results", s.apiResults)
	app.Get("/api/v1/assemblies/:id/ballots.pb", s.apiPabulib)
	app.Post("/api/v1/receipts/check", s.apiReceipt)
	app.Get("/r/:slug", s.resultsPage)
	app.Post("/r/:slug/receipt", s.receiptForm)
	// The receipt answer lives at the form's address; its language link
	// (?lang=en) comes back here with GET.
	app.Get("/r/:slug/receipt", func(c *fiber.Ctx) error {
		return c.Redirect("/r/"+url.PathEscape(c.Params("slug"))+"#receipt", fiber.StatusSeeOther)
	})

	// The host's review and announcement.
	app.Post("/api/v1/assemblies/:id/announce", auth.Require, s.apiAnnounce)
	app.Get("/host/assemblies/:id/results", auth.Require, s.hostResultsPage)
	app.Post("/host/assemblies/:id/announce", auth.Require, s.announceForm)

	// The submission (서식 2-5) and its exports.
	app.Get("/api/v1/assemblies/:id/submission.xlsx", auth.Require, s.apiSubmissionFile("xlsx"))
	app.Get("/api/v1/assemblies/:id/submission.csv", auth.Require, s.apiSubmissionFile("csv"))
	app.Get("/api/v1/assemblies/:id/submission.json", auth.Require, s.apiSubmissionFile("json"))

	workflowRoutes(app, s, auth)
}

// showable finds the assembly of the :id parameter and checks that the
// request may see its result.
func (s *Service) showable(c *fiber.Ctx, a *assembly.Assembly) error {
	if CanShow(a, account.CurrentUser(c)) {
		return nil
	}
	u := account.CurrentUser(c)
	switch {
	case u == nil:
		if a.State == assembly.StateClosed {
			return maeul.Errorf(maeul.EUNAUTHORIZED, "result.not_announced")
		}
		return maeul.Errorf(maeul.ENOTFOUND, "result.not_announced")
	case !u.CanRead(a.District, a.Dong):
		return account.Forbid()
	}
	return maeul.Errorf(maeul.ECONFLICT, "result.not_closed")
}

func (s *Service) assemblyParam(c *fiber.Ctx) (*assembly.Assembly, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return assembly.FindAssembly(c.UserContext(), s.Env.Pool, id)
}

// GET /api/v1/assemblies/{id}/results
func (s *Service) apiResults(c *fiber.Ctx) error {
	a, err := s.assemblyParam(c)
	if err != nil {
		return err
	}
	if err := s.showable(c, a); err != nil {
		return err
	}
	r, err := Find(c.UserContext(), s.Env.Pool, a)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.JSON(r)
}

// POST /api/v1/assemblies/{id}/announce
func (s *Service) apiAnnounce(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	r, err := s.Announce(c.UserContext(), id, account.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// submissionFor loads the submission of the :id assembly for a host who may
// read it, once the vote has closed.
func (s *Service) submissionFor(c *fiber.Ctx) (*assembly.Assembly, *Submission, error) {
	a, err := s.assemblyParam(c)
	if err != nil {
		return nil, nil, err
	}
	if !account.CurrentUser(c).CanRead(a.District, a.Dong) {
		return nil, nil, account.Forbid()
	}
	sub, err := BuildSubmission(c.UserContext(), s.Env.Pool, a)
	if err != nil {
		return nil, nil, err
	}
	return a, sub, nil
}

// GET /api/v1/assemblies/{id}/submission.{xlsx,csv,json}
func (s *Service) apiSubmissionFile(ext string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		a, sub, err := s.submissionFor(c)
		if err != nil {
			return err
		}
		name := a.District + "_" + a.Dong + "_실행계획목록." + ext
		return sendSubmission(c, sub, ext, name)
	}
}

func sendSubmission(c *fiber.Ctx, sub *Submission, ext, name string) error {
	var body []byte
	var ctype string
	switch ext {
	case "xlsx":
		b, err := sub.XLSX()
		if err != nil {
			return err
		}
		body, ctype = b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case "csv":
		body, ctype = sub.CSV(), "text/csv; charset=utf-8"
	default:
		body, ctype = sub.JSON(), "application/json; charset=utf-8"
	}
	sendFile(c, body, ctype, name, sub.SHA256())
	return nil
}

// sendFile answers a download with its content hash in X-Content-SHA256.
func sendFile(c *fiber.Ctx, body []byte, ctype, name, sum string) {
	c.Set("Content-Type", ctype)
	c.Set("Cache-Control", "no-store")
	if sum != "" {
		c.Set("X-Content-SHA256", sum)
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	c.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	c.Send(body)
}
