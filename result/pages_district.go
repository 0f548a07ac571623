package result

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// DistrictPage is the data of /host/district.
type DistrictPage struct {
	page
	St         *DistrictStatus
	DongDue    string
	DistDue    string
	CanForward bool
	ListSHA    string
	Audit      []AuditEntry
	// A refused forward form's problem, and the step just done (?done=).
	Error, Done string
}

// GET /host/district[?district=&year=]: a district host sees its own
// district; the city may look at any.
func (h *Handlers) districtPage(c *fiber.Ctx) error {
	return h.renderDistrict(c, "")
}

func (h *Handlers) renderDistrict(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	district := u.District
	if u.Role == account.RoleCity {
		district = c.Query("district")
		if district == "" {
			return c.Redirect("/host/city", fiber.StatusSeeOther)
		}
	}
	if err := readableDistrict(u, district); err != nil {
		return err
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := h.svc.DistrictStatus(ctx, u, district, y)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := &DistrictPage{page: newPage(c, i18n.T(lang, "workflow.district_title", district, y)), St: st,
		DongDue: web.FormatDate(lang, st.Deadlines.DongDue), DistDue: web.FormatDate(lang, st.Deadlines.DistrictDue),
		CanForward: districtHost(u, district) == nil && st.Waiting > 0}
	p.NoIndex, p.Wide = true, true
	dl, err := h.svc.DistrictList(ctx, u, district, y)
	if err != nil {
		return err
	}
	p.ListSHA = dl.SHA256()
	if p.Audit, err = h.svc.Audit(ctx, u, lang, district, "", 100); err != nil {
		return err
	}
	p.Error, p.Done = msg, doneMessage(c)
	if msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "result/district", p)
}

// POST /host/district/forward
func (h *Handlers) forwardForm(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	y, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	if err := confirmed(c); err != nil {
		c.Request().URI().QueryArgs().Set("year", strconv.Itoa(y))
		return h.renderDistrict(c, formError(c, err))
	}
	if _, err := h.svc.Forward(c.UserContext(), u.District, y, u); err != nil {
		return err
	}
	return c.Redirect("/host/district?year="+strconv.Itoa(y)+"&done=forward", fiber.StatusSeeOther)
}
