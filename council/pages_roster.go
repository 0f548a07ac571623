package council

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// RosterPage is the data of council/roster.
type RosterPage struct {
	web.Page
	District, Dong string
	Year           int
	Roster         *Roster
	Rules          []RuleView
	AllOK          bool
	Members        []Member
	CanManage      bool
	RowErrors      []string
	FormError      string
	Flash          string
	KeepNames      bool
	CouncilType    string
	// List mode (district and city hosts without a dong chosen).
	List      []ListRow
	ListMode  bool
	ThisYear  int
	FormField string
}

// ListRow is one dong's roster in the district/city list.
type ListRow struct {
	District, Dong, Link string
	Total                int
	AllOK                bool
	Chatdong             bool
}

func (h *Handlers) newRosterPage(c *fiber.Ctx) RosterPage {
	lang := web.Lang(c)
	p := RosterPage{Page: web.NewPage(c, i18n.T(lang, "council.title")), ThisYear: thisYear()}
	p.NoIndex = true
	return p
}

func (h *Handlers) rosterPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	district, dong, ok, err := ReadableDong(u, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	p := h.newRosterPage(c)
	p.Year = year
	if !ok {
		return h.renderList(c, p, u)
	}
	p.District, p.Dong = district, dong
	switch c.Query("done") {
	case "saved":
		p.Flash = p.T("council.saved")
	case "saved_names":
		p.Flash = p.T("council.saved_names")
	case "deleted":
		p.Flash = p.T("council.deleted")
	case "type":
		p.Flash = p.T("council.type_saved")
	}
	return h.renderRoster(c, p, u)
}

func (h *Handlers) renderList(c *fiber.Ctx, p RosterPage, u *account.User) error {
	p.ListMode = true
	rs, err := h.svc.List(c.UserContext(), u.District, p.Year)
	if err != nil {
		return err
	}
	for _, r := range rs {
		p.List = append(p.List, ListRow{District: r.District, Dong: r.Dong, Total: r.Total, AllOK: AllOK(Exempted(Rules(r.Counts), r.Chatdong)), Chatdong: r.Chatdong,
			Link: "/host/council?district=" + urlQuery(r.District) + "&dong=" + urlQuery(r.Dong) + "&year=" + strconv.Itoa(p.Year)})
	}
	return h.env.Views.Render(c, "council/roster", p)
}

// renderRoster fills the stored roster (if any) into p and renders it.
func (h *Handlers) renderRoster(c *fiber.Ctx, p RosterPage, u *account.User) error {
	p.CanManage = u.CanManage(p.District, p.Dong)
	sh, err := h.svc.Sheet(c.UserContext(), p.District, p.Dong, p.Year)
	if err != nil && maeul.ErrorCode(err) != maeul.ENOTFOUND {
		return err
	}
	if sh != nil {
		p.Roster, p.AllOK, p.Members = sh.Roster, sh.AllOK, sh.Members
		p.Rules = ruleViews(p.Lang, sh.Roster, sh.Rules)
		if p.CouncilType == "" {
			p.CouncilType = sh.Roster.Type()
		}
	}
	return h.env.Views.Render(c, "council/roster", p)
}

func (h *Handlers) upload(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	p := h.newRosterPage(c)
	p.District, p.Dong = u.District, u.Dong
	p.KeepNames = c.FormValue("keep_names") != ""
	p.CouncilType = c.FormValue("council_type")
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		p.Year = thisYear()
		return h.formError(c, p, u, err)
	}
	p.Year = year
	fh, err := c.FormFile("file")
	if err != nil {
		return h.formError(c, p, u, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.no_file"))
	}
	if fh.Size > MaxFileBytes {
		return h.formError(c, p, u, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.too_big", MaxFileBytes>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	f.Close()
	if err != nil {
		return err
	}
	_, rowErrs, err := h.svc.Import(c.UserContext(), u, File{Name: fh.Filename, Data: data, PlanYear: year,
		CouncilType: p.CouncilType, KeepNames: p.KeepNames})
	if len(rowErrs) > 0 {
		for _, re := range rowErrs {
			args := make([]any, len(re.Args))
			for i, a := range re.Args {
				// A column's name is passed as its catalogue key.
				if k, ok := a.(string); ok && strings.HasPrefix(k, "council.") && i18n.Default.Has(k) {
					a = p.T(k)
				}
				args[i] = a
			}
			p.RowErrors = append(p.RowErrors, p.T("council.row_error", re.Row, p.T(re.Key, args...)))
		}
		p.FormError = p.T("council.errors")
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderRoster(c, p, u)
	}
	if err != nil {
		return h.formError(c, p, u, err)
	}
	done := "saved"
	if p.KeepNames {
		done = "saved_names"
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done="+done, fiber.StatusSeeOther)
}

// formError shows the form again with the message (EINVALID → 422), or
// hands other errors to the error handler.
func (h *Handlers) formError(c *fiber.Ctx, p RosterPage, u *account.User, err error) error {
	var e *maeul.Error
	if !errors.As(err, &e) || e.Code != maeul.EINVALID {
		return err
	}
	p.FormError = p.T(e.Key, e.Args...)
	p.FormField = e.Field
	c.Status(fiber.StatusUnprocessableEntity)
	return h.renderRoster(c, p, u)
}

func (h *Handlers) deleteNames(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	if err := h.svc.DeleteNames(c.UserContext(), u.District, u.Dong, year); err != nil {
		return err
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done=deleted", fiber.StatusSeeOther)
}

func (h *Handlers) setType(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	if err := h.svc.SetType(c.UserContext(), u.District, u.Dong, year, c.FormValue("council_type")); err != nil {
		return err
	}
	if err := h.svc.SetChatdong(c.UserContext(), u.District, u.Dong, year, c.FormValue("chatdong") != ""); err != nil {
		return err
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done=type", fiber.StatusSeeOther)
}
