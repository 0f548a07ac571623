package result

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// GET /api/v1/districts/{district}/submissions?year=
func (h *Handlers) apiDistrict(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	district := districtParam(c)
	if err := readableDistrict(u, district); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	st, err := h.svc.DistrictStatus(c.UserContext(), u, district, y)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// POST /api/v1/districts/{district}/forward {"year"} (the body is optional:
// this year by default) → 201
func (h *Handlers) apiForward(c *fiber.Ctx) error {
	var in struct {
		Year int `json:"year"`
	}
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	if in.Year == 0 {
		in.Year = h.svc.ThisYear()
	}
	f, err := h.svc.Forward(c.UserContext(), districtParam(c), in.Year, account.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

// GET /api/v1/districts/{district}/submission.xlsx?year=: the district's
// current consolidated list.
func (h *Handlers) districtXLSX(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	district := districtParam(c)
	if err := readableDistrict(u, district); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	dl, err := h.svc.DistrictList(c.UserContext(), u, district, y)
	if err != nil {
		return err
	}
	sum := dl.SHA256()
	b, err := ConsolidatedXLSX(i18n.T("ko", "workflow.district_sheet_title", y, district), dl.Submissions, sum)
	if err != nil {
		return err
	}
	return sendFile(c, b, xlsxType, district+"_"+strconv.Itoa(y)+"_실행계획목록.xlsx", sum)
}
