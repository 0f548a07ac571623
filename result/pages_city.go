package result

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// CityPage is the data of /host/city.
type CityPage struct {
	page
	St                      *CityStatus
	DongDue, DistDue, CtDue string
	DongISO, DistISO, CtISO string
	ListSHA                 string
	Audit                   []AuditEntry
	Error                   string
}

// GET /host/city[?year=]: the city only.
func (h *Handlers) cityPage(c *fiber.Ctx) error {
	return h.renderCity(c, "")
}

func (h *Handlers) renderCity(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	if err := cityHost(u); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := h.svc.CityStatus(ctx, u, y)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	d := st.Deadlines
	p := &CityPage{page: newPage(c, i18n.T(lang, "workflow.city_title", y)), St: st,
		DongDue: web.FormatDate(lang, d.DongDue), DistDue: web.FormatDate(lang, d.DistrictDue), CtDue: web.FormatDate(lang, d.CityDue),
		DongISO: d.DongDue.Format("2006-01-02"), DistISO: d.DistrictDue.Format("2006-01-02"), CtISO: d.CityDue.Format("2006-01-02"),
		Error: msg}
	p.NoIndex, p.Wide = true, true
	cl, err := h.svc.CityList(ctx, u, y)
	if err != nil {
		return err
	}
	p.ListSHA = cl.SHA256()
	if p.Audit, err = h.svc.Audit(ctx, u, lang, "", "", 100); err != nil {
		return err
	}
	if msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "result/city", p)
}

// POST /host/city/deadlines
func (h *Handlers) deadlinesForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	_, err := h.svc.SetDeadlines(c.UserContext(), account.CurrentUser(c), y, c.FormValue("dong"), c.FormValue("district"), c.FormValue("city"))
	if msg := formError(c, err); msg != "" {
		return h.renderCity(c, msg)
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/city?year="+strconv.Itoa(y), fiber.StatusSeeOther)
}
