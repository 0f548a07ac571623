package execution

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// GET /api/v1/districts/{district}/agreements?year=&dong=
func (h *Handlers) apiAgreements(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Agreements(c.UserContext(), account.CurrentUser(c), param(c, "district"), c.Query("dong"), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agreements": list})
}

// POST /api/v1/districts/{district}/agreements: JSON, or multipart with
// the fields and a file (PDF or image, ≤ 10 MB).
func (h *Handlers) apiAddAgreement(c *fiber.Ctx) error {
	in, err := agreementInput(c)
	if err != nil {
		return err
	}
	g, err := h.svc.AddAgreement(c.UserContext(), account.CurrentUser(c), param(c, "district"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(g)
}

func agreementInput(c *fiber.Ctx) (AgreementInput, error) {
	var in AgreementInput
	if strings.HasPrefix(c.Get(fiber.HeaderContentType), fiber.MIMEApplicationJSON) {
		return in, web.DecodeJSON(c, &in)
	}
	in.Dong, in.Parties, in.SignedOn = c.FormValue("dong"), c.FormValue("parties"), c.FormValue("signed_on")
	in.Year, _ = strconv.Atoi(c.FormValue("year"))
	in.AgendaID = web.ParseID(c.FormValue("agenda_id"))
	var err error
	in.File, in.FileName, err = upload(c, "file", MaxFileBytes)
	return in, err
}

// GET /api/v1/files/{id}: the file as an attachment, for its dong's readers.
func (h *Handlers) apiFile(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	f, err := h.svc.FileOf(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return sendFile(c, f.Data, f.ContentType, f.Name)
}

// POST /api/v1/districts/{district}/field-reports
func (h *Handlers) apiAddFieldReport(c *fiber.Ctx) error {
	var in FieldReportInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.svc.AddFieldReport(c.UserContext(), account.CurrentUser(c), param(c, "district"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// GET /api/v1/districts/{district}/monitoring?year=
func (h *Handlers) apiCoverage(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	cv, err := h.svc.Coverage(c.UserContext(), account.CurrentUser(c), param(c, "district"), y)
	if err != nil {
		return err
	}
	return c.JSON(cv)
}

// POST /api/v1/meetings
func (h *Handlers) apiAddMeeting(c *fiber.Ctx) error {
	var in MeetingInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	m, err := h.svc.AddMeeting(c.UserContext(), account.CurrentUser(c), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

// GET /api/v1/meetings?district=&dong=&year=
func (h *Handlers) apiMeetings(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	dong := c.Query("dong")
	if u.Role == account.RoleDong && c.Query("district") == "" {
		dong = u.Dong
	}
	list, err := h.svc.Meetings(c.UserContext(), u, district(c, u), dong, y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"meetings": list})
}

// POST /api/v1/meetings/{id}/photos (multipart photo, caption)
func (h *Handlers) apiMeetingPhoto(c *fiber.Ctx) error {
	id, err := idParam(c, "id")
	if err != nil {
		return err
	}
	b, _, err := upload(c, "photo", assembly.MaxPhotoBytes)
	if err != nil {
		return err
	}
	pid, err := h.svc.AddMeetingPhoto(c.UserContext(), account.CurrentUser(c), id, c.FormValue("caption"), b)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": strconv.FormatInt(pid, 10), "url": photoURL(pid)})
}

// GET /api/v1/activity?district=&year= (district empty: the city's view)
func (h *Handlers) apiActivity(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Activities(c.UserContext(), account.CurrentUser(c), c.Query("district"), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": y, "minimums": fiber.Map{"tf_by_selection": TFBySelection, "tf_by_run_end": TFByRunEnd},
		"activity": list})
}

// GET /api/v1/activity.xlsx?district=&year=
func (h *Handlers) apiActivityXLSX(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Activities(c.UserContext(), account.CurrentUser(c), c.Query("district"), y)
	if err != nil {
		return err
	}
	b, err := ActivityXLSX(list)
	if err != nil {
		return err
	}
	return sendFile(c, b, xlsxType, strconv.Itoa(y)+"_회의현황.xlsx")
}

// GET /api/v1/sharing?district=&dong=&year=
func (h *Handlers) apiSharing(c *fiber.Ctx) error {
	y, err := h.year(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	sh, err := h.svc.Sharing(c.UserContext(), u, district(c, u), c.Query("dong"), y)
	if err != nil {
		return err
	}
	return c.JSON(sh)
}

// POST /api/v1/sharing/link {"district","dong","year"} → {"url"}
func (h *Handlers) apiShareLink(c *fiber.Ctx) error {
	var in struct {
		District string `json:"district"`
		Dong     string `json:"dong"`
		Year     int    `json:"year"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	tok, err := h.svc.ShareLink(c.UserContext(), account.CurrentUser(c), in.District, in.Dong, in.Year)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"url": h.env.BaseURL + "/s/" + tok})
}
