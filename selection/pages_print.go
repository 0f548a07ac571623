package selection

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/council"
)

// GET /host/selection/application?year=[&district=&dong=]: 서식 2-1 to print —
// the cover, the 운영계획 page and the roster (names when kept).
func (h *Handlers) printApplication(c *fiber.Ctx) error {
	y, err := queryYear(c.Query("year"))
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	d, g, err := dongOf(c, u)
	if err != nil {
		return err
	}
	a, err := h.svc.Application(c.UserContext(), u, d, g, y)
	if err != nil {
		return err
	}
	p := h.newPage(c, "selection.app.title", y)
	p.App, p.District, p.Dong = a, d, g
	sh, err := h.svc.council.Sheet(c.UserContext(), d, g, y)
	if err != nil && maeul.ErrorCode(err) != maeul.ENOTFOUND {
		return err
	}
	if sh != nil {
		for _, m := range sh.Members {
			r := MemberRow{Name: m.Name, BirthYear: m.BirthYear, Gender: p.T("council.g." + m.Gender)}
			if m.Affiliation != council.General {
				r.Affiliation = p.T("council.aff." + m.Affiliation)
			}
			p.Members = append(p.Members, r)
		}
	}
	return h.env.Views.Render(c, "selection/application", p)
}

func districtOf(c *fiber.Ctx, u *account.User) string {
	if d := param(c, "district"); d != "" {
		return d
	}
	if d := c.Query("district"); d != "" {
		return d
	}
	return u.District
}

// GET /host/selection/report?year=[&district=]: 서식 2-2 to print.
func (h *Handlers) printReport(c *fiber.Ctx) error {
	y, err := queryYear(c.Query("year"))
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	rep, err := h.svc.Report(c.UserContext(), u, districtOf(c, u), y)
	if err != nil {
		return err
	}
	p := h.newPage(c, "selection.report.title", y)
	p.Report, p.District = rep, rep.District
	return h.env.Views.Render(c, "selection/report", p)
}

// GET …/report.xlsx: 서식 2-2 as a workbook.
func (h *Handlers) reportXLSX(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if c.Params("year") == "" {
		y, err = queryYear(c.Query("year"))
	}
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	rep, err := h.svc.Report(c.UserContext(), u, districtOf(c, u), y)
	if err != nil {
		return err
	}
	b, err := rep.XLSX()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="selection-`+strconv.Itoa(y)+`.xlsx"; filename*=UTF-8''`+
		q(rep.District+"-심의결과보고서-"+strconv.Itoa(y)+".xlsx"))
	return c.Send(b)
}

// GET /host/timeline?year=[&district=][&dong=]: a dong's year on one
// timeline, or every dong of a district.
func (h *Handlers) timelinePage(c *fiber.Ctx) error {
	y, err := queryYear(c.Query("year"))
	if err != nil {
		return err
	}
	u, ctx := account.CurrentUser(c), c.UserContext()
	p := h.newPage(c, "timeline.title", y)
	if u.Role == account.RoleDong || c.Query("dong") != "" {
		d, g, err := dongOf(c, u)
		if err != nil {
			return err
		}
		tl, err := h.svc.DongTimeline(ctx, u, y, d, g)
		if err != nil {
			return err
		}
		p.District, p.Dong, p.Timelines = d, g, []*Timeline{tl}
		return h.env.Views.Render(c, "selection/timeline", p)
	}
	d := districtOf(c, u)
	if d == "" {
		return maeul.FieldErrorf(maeul.EINVALID, "district", "selection.err.district")
	}
	ts, err := h.svc.DistrictTimelines(ctx, u, y, d)
	if err != nil {
		return err
	}
	p.District, p.Dong, p.Timelines = d, "", ts
	return h.env.Views.Render(c, "selection/timeline", p)
}
