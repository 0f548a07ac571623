package execution

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// POST /api/v1/city/handover {"year"}
func (h *Handlers) apiHandOver(c *fiber.Ctx) error {
	var in struct {
		Year int `json:"year"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	ho, err := h.svc.HandOver(c.UserContext(), account.CurrentUser(c), in.Year)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ho)
}

// GET /api/v1/city/handovers?year=
func (h *Handlers) apiHandovers(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Handovers(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": y, "handovers": list})
}

// POST /api/v1/approvals/decide {"meeting_date","decisions":[{"agenda_id","decision","conditions"}]}
func (h *Handlers) apiDecide(c *fiber.Ctx) error {
	var in struct {
		MeetingDate string     `json:"meeting_date"`
		Decisions   []Decision `json:"decisions"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	list, err := h.svc.Decide(c.UserContext(), account.CurrentUser(c), in.MeetingDate, in.Decisions)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"approvals": list})
}

// GET /api/v1/approvals?year=&district=&dong=
func (h *Handlers) apiApprovals(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Approvals(c.UserContext(), account.CurrentUser(c), y, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": y, "approvals": list})
}

// GET /api/v1/approvals/{agenda}: the agenda with its reports and notes.
func (h *Handlers) apiApproval(c *fiber.Ctx) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	u, ctx := account.CurrentUser(c), c.UserContext()
	a, err := h.svc.Approval(ctx, u, id)
	if err != nil {
		return err
	}
	rs, err := h.svc.Reports(ctx, u, id)
	if err != nil {
		return err
	}
	ns, err := h.svc.Notes(ctx, u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"approval": a, "reports": rs, "notes": ns})
}

// PUT /api/v1/approvals/{agenda}/plan
func (h *Handlers) apiPlan(c *fiber.Ctx) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	var in PlanInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.svc.SetPlan(c.UserContext(), account.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// POST /api/v1/approvals/{agenda}/reports
func (h *Handlers) apiReport(c *fiber.Ctx) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	var in ReportInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.svc.AddReport(c.UserContext(), account.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// POST /api/v1/reports/{id}/photos (multipart photo, caption)
func (h *Handlers) apiReportPhoto(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	b, _, err := upload(c, "photo", assembly.MaxPhotoBytes)
	if err != nil {
		return err
	}
	pid, err := h.svc.AddReportPhoto(c.UserContext(), account.CurrentUser(c), id, c.FormValue("caption"), b)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": strconv.FormatInt(pid, 10), "url": photoURL(pid)})
}

func photoURL(id int64) string { return "/execution/photos/" + strconv.FormatInt(id, 10) + ".jpg" }

// POST /api/v1/approvals/{agenda}/notes {"body"}
func (h *Handlers) apiNote(c *fiber.Ctx) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	var in struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	n, err := h.svc.AddNote(c.UserContext(), account.CurrentUser(c), id, in.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(n)
}

// POST /api/v1/approvals/{agenda}/status {"status","on"}
func (h *Handlers) apiStatus(c *fiber.Ctx) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	var in struct {
		Status string `json:"status"`
		On     string `json:"on"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.svc.SetStatus(c.UserContext(), account.CurrentUser(c), id, in.Status, in.On)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// GET /api/v1/execution/feed
func (h *Handlers) apiFeed(c *fiber.Ctx) error {
	f, err := h.svc.Feed(c.UserContext(), account.CurrentUser(c), 50)
	if err != nil {
		return err
	}
	return c.JSON(f)
}

// POST /api/v1/execution/feed/seen
func (h *Handlers) apiSeen(c *fiber.Ctx) error {
	if err := h.svc.Seen(c.UserContext(), account.CurrentUser(c)); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// GET /api/v1/execution/progress?year=&district=
func (h *Handlers) apiProgress(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	p, _, err := h.svc.Progress(c.UserContext(), account.CurrentUser(c), y, c.Query("district"))
	if err != nil {
		return err
	}
	return c.JSON(p)
}

// GET /api/v1/execution/progress.xlsx?year=&district=
func (h *Handlers) apiProgressXLSX(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	_, list, err := h.svc.Progress(c.UserContext(), account.CurrentUser(c), y, c.Query("district"))
	if err != nil {
		return err
	}
	b, err := ProgressXLSX(list)
	if err != nil {
		return err
	}
	return sendFile(c, b, xlsxType, strconv.Itoa(y)+"_실행현황.xlsx")
}

// GET /api/v1/districts/{district}/office
func (h *Handlers) apiOffice(c *fiber.Ctx) error {
	d := param(c, "district")
	if !readsDistrict(account.CurrentUser(c), d) {
		return account.Forbid()
	}
	o, err := h.svc.FindOffice(c.UserContext(), d)
	if err != nil {
		return err
	}
	return c.JSON(o)
}

// PUT /api/v1/districts/{district}/office {"execution_department","sharing_date"}
func (h *Handlers) apiSetOffice(c *fiber.Ctx) error {
	var in struct {
		Department  string `json:"execution_department"`
		SharingDate string `json:"sharing_date"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.svc.SetOffice(c.UserContext(), account.CurrentUser(c), param(c, "district"), in.Department, in.SharingDate)
	if err != nil {
		return err
	}
	return c.JSON(o)
}
