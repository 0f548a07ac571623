package result

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
)

// GET /api/v1/city/submissions?year=
func (h *Handlers) apiCity(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if err := cityHost(u); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	cs, err := h.svc.CityStatus(c.UserContext(), u, y)
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

// GET /api/v1/city/submission.xlsx?year=: every forwarded list in one sheet.
func (h *Handlers) cityXLSX(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if err := cityHost(u); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	cl, err := h.svc.CityList(c.UserContext(), u, y)
	if err != nil {
		return err
	}
	sum := cl.SHA256()
	b, err := ConsolidatedXLSX(i18n.T("ko", "workflow.city_sheet_title", y), cl.Submissions, sum)
	if err != nil {
		return err
	}
	return sendFile(c, b, xlsxType, "서울시_"+strconv.Itoa(y)+"_실행계획목록.xlsx", sum)
}
