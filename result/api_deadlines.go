package result

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// GET /api/v1/deadlines/{year}
func (h *Handlers) apiDeadlines(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2100 {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	d, err := h.svc.Deadlines(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(deadlinesJSON(d))
}

func deadlinesJSON(d *Deadlines) fiber.Map {
	return fiber.Map{"year": d.Year, "dong": d.DongDue.Format("2006-01-02"), "district": d.DistrictDue.Format("2006-01-02"),
		"city": d.CityDue.Format("2006-01-02"), "custom": d.Custom}
}

// PUT /api/v1/deadlines/{year} {"dong","district","city"} (city hosts)
func (h *Handlers) apiSetDeadlines(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	var in struct{ Dong, District, City string }
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	d, err := h.svc.SetDeadlines(c.UserContext(), account.CurrentUser(c), y, in.Dong, in.District, in.City)
	if err != nil {
		return err
	}
	return c.JSON(deadlinesJSON(d))
}
