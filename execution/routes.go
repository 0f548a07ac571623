package execution

import (
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// Handlers is the HTTP half of execution.
type Handlers struct {
	env  *web.Env
	svc  *Service
	auth *account.Handlers
}

// NewHandlers returns execution's HTTP handlers.
func NewHandlers(env *web.Env, svc *Service, auth *account.Handlers) *Handlers {
	return &Handlers{env: env, svc: svc, auth: auth}
}

// Routes mounts execution's pages, API and public files. Host routes carry
// auth.Require one by one (as result's do).
func (h *Handlers) Routes(app fiber.Router) {
	req := h.auth.Require

	// Everyone: open data, shared results pages, photos.
	app.Get("/open", h.dictionaryPage)
	app.Get("/open/:file", h.openFile)
	app.Get("/s/:token", h.sharedPage)
	app.Get("/execution/photos/:file", h.photo)

	// Hosts' pages.
	app.Get("/host/execution", req, h.homePage)
	app.Get("/host/execution/badge.svg", req, h.badge)
	app.Post("/host/execution/seen", req, h.seenForm)
	app.Get("/host/execution/city", req, h.cityPage)
	app.Post("/host/execution/city/handover", req, h.handoverForm)
	app.Post("/host/execution/city/decide", req, h.decideForm)
	app.Get("/host/execution/district", req, h.districtPage)
	app.Post("/host/execution/district/office", req, h.officeForm)
	app.Post("/host/execution/district/field-reports", req, h.fieldReportForm)
	app.Get("/host/execution/agendas/:agenda", req, h.agendaPage)
	app.Post("/host/execution/agendas/:agenda/plan", req, h.planForm)
	app.Post("/host/execution/agendas/:agenda/reports", req, h.reportForm)
	app.Post("/host/execution/agendas/:agenda/notes", req, h.noteForm)
	app.Post("/host/execution/agendas/:agenda/status", req, h.statusForm)
	app.Get("/host/execution/meetings", req, h.meetingsPage)
	app.Post("/host/execution/meetings", req, h.meetingForm)
	app.Get("/host/execution/sharing", req, h.sharingPage)
	app.Post("/host/execution/sharing/link", req, h.shareLinkForm)
	app.Post("/host/execution/agendas/:agenda/agreements", req, h.agreementForm)

	// Hosts' API.
	app.Post("/api/v1/city/handover", req, h.apiHandOver)
	app.Get("/api/v1/city/handovers", req, h.apiHandovers)
	app.Post("/api/v1/approvals/decide", req, h.apiDecide)
	app.Get("/api/v1/approvals", req, h.apiApprovals)
	app.Get("/api/v1/approvals/:agenda", req, h.apiApproval)
	app.Put("/api/v1/approvals/:agenda/plan", req, h.apiPlan)
	app.Post("/api/v1/approvals/:agenda/reports", req, h.apiReport)
	app.Post("/api/v1/approvals/:agenda/notes", req, h.apiNote)
	app.Post("/api/v1/approvals/:agenda/status", req, h.apiStatus)
	app.Post("/api/v1/reports/:id/photos", req, h.apiReportPhoto)
	app.Get("/api/v1/execution/feed", req, h.apiFeed)
	app.Post("/api/v1/execution/feed/seen", req, h.apiSeen)
	app.Get("/api/v1/execution/progress", req, h.apiProgress)
	app.Get("/api/v1/execution/progress.xlsx", req, h.apiProgressXLSX)
	app.Get("/api/v1/districts/:district/office", req, h.apiOffice)
	app.Put("/api/v1/districts/:district/office", req, h.apiSetOffice)
	app.Get("/api/v1/districts/:district/agreements", req, h.apiAgreements)
	app.Post("/api/v1/districts/:district/agreements", req, h.apiAddAgreement)
	app.Get("/api/v1/files/:id", req, h.apiFile)
	app.Post("/api/v1/districts/:district/field-reports", req, h.apiAddFieldReport)
	app.Get("/api/v1/districts/:district/monitoring", req, h.apiCoverage)
	app.Post("/api/v1/meetings", req, h.apiAddMeeting)
	app.Get("/api/v1/meetings", req, h.apiMeetings)
	app.Post("/api/v1/meetings/:id/photos", req, h.apiMeetingPhoto)
	app.Get("/api/v1/activity", req, h.apiActivity)
	app.Get("/api/v1/activity.xlsx", req, h.apiActivityXLSX)
	app.Get("/api/v1/sharing", req, h.apiSharing)
	app.Post("/api/v1/sharing/link", req, h.apiShareLink)
}

// Request helpers shared by the API and the pages.

func (h *Handlers) year(c *fiber.Ctx) (int, error) {
	v := c.Query("year")
	if v == "" && c.Method() == fiber.MethodPost {
		v = c.FormValue("year")
	}
	if v == "" {
		return h.svc.Now().In(seoul).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || checkYear(y) != nil {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "execution.bad_year")
	}
	return y, nil
}

func param(c *fiber.Ctx, name string) string {
	v, _ := url.PathUnescape(c.Params(name))
	return v
}

func idParam(c *fiber.Ctx, name string) (int64, error) {
	id := web.ParseID(c.Params(name))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	return id, nil
}

// district is the ?district= of the request, or the host's own.
func district(c *fiber.Ctx, u *account.User) string {
	if d := strings.TrimSpace(c.Query("district")); d != "" {
		return d
	}
	return u.District
}

// upload reads a multipart field (nil when absent), at most limit bytes.
func upload(c *fiber.Ctx, field string, limit int64) ([]byte, string, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, "", nil
	}
	if fh.Size > limit {
		return nil, "", maeul.FieldErrorf(maeul.EINVALID, field, "execution.file_size", limit>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	return b, fh.Filename, err
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendFile answers a download as an attachment.
func sendFile(c *fiber.Ctx, body []byte, ctype, name string) error {
	c.Set("Content-Type", ctype)
	c.Set("Cache-Control", "no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	c.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	return c.Send(body)
}
