package execution

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// page is the layout's data with money in the page's language.
type page struct{ web.Page }

// Money writes an amount: 30,000,000원, or 30,000,000 won.
func (p page) Money(n int64) string {
	if p.Lang == "en" {
		return web.Group(n) + " won"
	}
	return web.Won(n)
}

// Day writes a date (nil: empty).
func (p page) Day(t any) string {
	switch v := t.(type) {
	case *timeT:
		if v == nil {
			return ""
		}
		return web.FormatDate(p.Lang, *v)
	case timeT:
		return web.FormatDate(p.Lang, v)
	}
	return ""
}

// Detail writes an event's detail in the page's language.
func (p page) Detail(kind, detail string) string {
	switch kind {
	case "decision":
		return p.T("execution.decision." + detail)
	case "report":
		return p.T("execution.report." + detail)
	case "status":
		return p.T("execution.status." + detail)
	}
	return detail
}

// ISO writes a date as YYYY-MM-DD for a date input (nil: empty).
func (p page) ISO(t *timeT) string { return dayString(t) }

func hostPage(c *fiber.Ctx, key string, args ...any) page {
	p := page{web.NewPage(c, i18n.T(web.Lang(c), key, args...))}
	p.NoIndex, p.Wide = true, true
	return p
}

// formError is the message a form shows again for an EINVALID or ECONFLICT
// the person can fix; "" otherwise.
func formError(c *fiber.Ctx, err error) string {
	var me *maeul.Error
	if errors.As(err, &me) && (me.Code == maeul.EINVALID || me.Code == maeul.ECONFLICT) {
		return i18n.T(web.Lang(c), me.Key, me.Args...)
	}
	return ""
}

// done answers a form: the page again with its message when the person can
// fix what went wrong, the error page otherwise, else a redirect.
func done(c *fiber.Ctx, err error, again func(msg string) error, to string) error {
	if msg := formError(c, err); msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
		return again(msg)
	}
	if err != nil {
		return err
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// HomePage is the data of /host/execution: what changed and the agendas.
type HomePage struct {
	page
	Year      int
	User      *account.User
	Feed      *Feed
	Approvals []Approval
}

// GET /host/execution[?year=]
func (h *Handlers) homePage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	y, err := h.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p := &HomePage{page: hostPage(c, "execution.home_title", y), Year: y, User: u}
	if p.Feed, err = h.svc.Feed(ctx, u, 30); err != nil {
		return err
	}
	if p.Approvals, err = h.svc.Approvals(ctx, u, y, "", ""); err != nil {
		return err
	}
	return h.env.Views.Render(c, "execution/home", p)
}

// GET /host/execution/badge.svg: the number of unseen changes, for the
// host home page (an image, so the home page's package needs nothing of
// this one).
func (h *Handlers) badge(c *fiber.Ctx) error {
	f, err := h.svc.Feed(c.UserContext(), account.CurrentUser(c), 1)
	if err != nil {
		return err
	}
	n, fill := strconv.Itoa(f.Unseen), "#c0392b"
	if f.Unseen == 0 {
		fill = "#6b7280"
	}
	w := 14 + 9*len(n)
	c.Set("Content-Type", "image/svg+xml")
	c.Set("Cache-Control", "no-store")
	return c.SendString(fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="22" role="img" aria-label="%s">`+
		`<rect width="%d" height="22" rx="11" fill="%s"/><text x="%d" y="16" font-family="sans-serif" font-size="14" fill="#fff" text-anchor="middle">%s</text></svg>`,
		w, n, w, fill, w/2, n))
}

// POST /host/execution/seen
func (h *Handlers) seenForm(c *fiber.Ctx) error {
	if err := h.svc.Seen(c.UserContext(), account.CurrentUser(c)); err != nil {
		return err
	}
	return c.Redirect("/host/execution", fiber.StatusSeeOther)
}

// CityPage is the data of /host/execution/city: the hand-over and the
// committee's decisions.
type CityPage struct {
	page
	Year      int
	Due       timeT
	Handovers []Handover
	Approvals []Approval
	Progress  *Progress
	Error     string
	Today     string
}

// GET /host/execution/city[?year=]: the city and finance.
func (h *Handlers) cityPage(c *fiber.Ctx) error { return h.renderCity(c, "") }

func (h *Handlers) renderCity(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	if !readsAll(u) {
		return account.Forbid()
	}
	y, err := h.year(c)
	if err != nil {
		y, _ = strconv.Atoi(c.FormValue("year"))
	}
	ctx := c.UserContext()
	p := &CityPage{page: hostPage(c, "execution.city_title", y), Year: y, Error: msg, Today: h.svc.Now().In(seoul).Format("2006-01-02")}
	if p.Due, err = HandoverDue(ctx, h.svc.pool, y); err != nil {
		return err
	}
	if p.Handovers, err = h.svc.Handovers(ctx, u, y); err != nil {
		return err
	}
	if p.Progress, p.Approvals, err = h.svc.Progress(ctx, u, y, ""); err != nil {
		return err
	}
	return h.env.Views.Render(c, "execution/city", p)
}

// POST /host/execution/city/handover
func (h *Handlers) handoverForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	_, err := h.svc.HandOver(c.UserContext(), account.CurrentUser(c), y)
	return done(c, err, func(m string) error { return h.renderCity(c, m) }, "/host/execution/city?year="+strconv.Itoa(y))
}

// POST /host/execution/city/decide: decision_<agenda>, conditions_<agenda>, meeting_date.
func (h *Handlers) decideForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	var ds []Decision
	args := c.Request().PostArgs()
	args.VisitAll(func(k, v []byte) {
		key := string(k)
		if len(key) > 9 && key[:9] == "decision_" && len(v) > 0 {
			id := web.ParseID(key[9:])
			ds = append(ds, Decision{AgendaID: id, Decision: string(v), Conditions: string(args.Peek("conditions_" + key[9:]))})
		}
	})
	_, err := h.svc.Decide(c.UserContext(), account.CurrentUser(c), c.FormValue("meeting_date"), ds)
	return done(c, err, func(m string) error { return h.renderCity(c, m) }, "/host/execution/city?year="+strconv.Itoa(y))
}

// DistrictPage is the data of /host/execution/district.
type DistrictPage struct {
	page
	Year      int
	District  string
	User      *account.User
	Office    *Office
	Progress  *Progress
	Coverage  *Coverage
	Activity  []Activity
	Bodies    []string
	Error     string
	SharingOn string
	Query     string
}

// GET /host/execution/district[?district=&year=]
func (h *Handlers) districtPage(c *fiber.Ctx) error { return h.renderDistrict(c, "") }

func (h *Handlers) renderDistrict(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	d := district(c, u)
	if fd := c.FormValue("district"); d == "" && fd != "" {
		d = fd
	}
	if !readsMonitoring(u, d) {
		return account.Forbid()
	}
	y, err := h.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	p := &DistrictPage{page: hostPage(c, "execution.district_title", y, d), Year: y, District: d, User: u, Bodies: Bodies, Error: msg,
		Query: "year=" + strconv.Itoa(y) + "&district=" + url.QueryEscape(d)}
	if p.Office, err = h.svc.FindOffice(ctx, d); err != nil {
		return err
	}
	p.SharingOn = dayString(p.Office.SharingDate)
	if p.Progress, _, err = h.svc.Progress(ctx, u, y, d); err != nil {
		return err
	}
	if p.Coverage, err = h.svc.Coverage(ctx, u, d, y); err != nil {
		return err
	}
	if p.Activity, err = h.svc.Activities(ctx, u, d, y); err != nil {
		return err
	}
	return h.env.Views.Render(c, "execution/district", p)
}

func districtBack(c *fiber.Ctx) string {
	return "/host/execution/district?district=" + url.QueryEscape(c.FormValue("district")) + "&year=" + url.QueryEscape(c.FormValue("year"))
}

// POST /host/execution/district/office
func (h *Handlers) officeForm(c *fiber.Ctx) error {
	_, err := h.svc.SetOffice(c.UserContext(), account.CurrentUser(c), c.FormValue("district"),
		c.FormValue("execution_department"), c.FormValue("sharing_date"))
	return done(c, err, func(m string) error { return h.renderDistrict(c, m) }, districtBack(c))
}

// POST /host/execution/district/field-reports
func (h *Handlers) fieldReportForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	in := FieldReportInput{Dong: c.FormValue("dong"), Year: y, Round: c.FormValue("round"),
		Interviewees: c.FormValue("interviewees"), CouncilMembers: c.FormValue("council_members"), Center: c.FormValue("center"),
		VisitedAt: c.FormValue("visited_at"), OpSystem: c.FormValue("opinion_op_system"), Resources: c.FormValue("opinion_resources"),
		ExecSystem: c.FormValue("opinion_exec_system"), Planning: c.FormValue("opinion_planning"),
		Assembly: c.FormValue("opinion_assembly"), Other: c.FormValue("opinion_other")}
	_, err := h.svc.AddFieldReport(c.UserContext(), account.CurrentUser(c), c.FormValue("district"), in)
	return done(c, err, func(m string) error { return h.renderDistrict(c, m) }, districtBack(c))
}
