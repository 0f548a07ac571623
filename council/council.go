// Package council owns the dong council's roster (서식 2-1): the member
// counts checked against the plan's composition rules, and the printable
// application filled from them. Names are kept only when the host asks.
package council

import (
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// Service is the council part of the service.
type Service struct {
	Env   *web.Env
	Store *Store
}

// NewService returns the council service.
func NewService(env *web.Env) *Service { return &Service{Env: env, Store: &Store{Pool: env.Pool}} }

// Routes mounts the roster pages. Reading: the dong's hosts, its district's
// hosts and the city (CanRead); changing: only that dong's hosts.
func Routes(app *fiber.App, s *Service, auth *account.Auth) {
	dong := account.RequireRole(account.RoleDong)
	app.Get("/host/council", auth.Require, s.rosterPage)
	app.Get("/host/council/application", auth.Require, s.applicationPage)
	app.Post("/host/council", auth.Require, dong, s.upload)
	app.Post("/host/council/names/delete", auth.Require, dong, s.deleteNames)
	app.Post("/host/council/type", auth.Require, dong, s.setType)
}

// RuleView is a rule as the page shows it: the rule, the numbers, and ✓/✗
// with a word (never colour alone).
type RuleView struct {
	Label, Detail string
	OK            bool
}

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
}

// ApplicationPage is the data of council/application (서식 2-1).
type ApplicationPage struct {
	web.Page
	District, Dong string
	Year           int
	Roster         *Roster
	Rules          []RuleView
	BackLink       string
	// Members fills the form's member list (구성원 명단) when the names are
	// kept; phone and signature are left blank for the paper.
	Members []Member
}

func thisYear() int { return time.Now().In(web.Seoul).Year() }

// parseYear reads a plan year; empty means this year.
func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return thisYear(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || len(s) != 4 || y < 2000 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "council.err.year")
	}
	return y, nil
}

// target finds the dong a GET is about: the query's district and dong, or
// the host's own dong. ok is false for district/city hosts who did not
// choose one (they get the list). EFORBIDDEN for a dong the host may not read.
func target(c *fiber.Ctx, u *account.User) (district, dong string, ok bool, err error) {
	district, dong = strings.TrimSpace(c.Query("district")), strings.TrimSpace(c.Query("dong"))
	if district == "" && dong == "" {
		if u.Role != account.RoleDong {
			return "", "", false, nil
		}
		district, dong = u.District, u.Dong
	}
	if !u.CanRead(district, dong) {
		return "", "", false, account.Forbid()
	}
	return district, dong, true, nil
}

func (s *Service) newRosterPage(c *fiber.Ctx) RosterPage {
	lang := web.Lang(c)
	p := RosterPage{Page: web.NewPage(c, i18n.T(lang, "council.title")), ThisYear: thisYear()}
	p.NoIndex = true
	return p
}

func (s *Service) rosterPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	district, dong, ok, err := target(c, u)
	if err != nil {
		return err
	}
	p := s.newRosterPage(c)
	p.Year = year
	if !ok {
		return s.renderList(c, p, u)
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
	return s.renderRoster(c, p, u)
}

func (s *Service) renderList(c *fiber.Ctx, p RosterPage, u *account.User) error {
	p.ListMode = true
	rs, err := s.Store.List(c.UserContext(), u.District, p.Year)
	if err != nil {
		return err
	}
	for _, r := range rs {
		p.List = append(p.List, ListRow{District: r.District, Dong: r.Dong, Total: r.Total, AllOK: AllOK(Rules(r.Counts)),
			Link: "/host/council?district=" + urlQuery(r.District) + "&dong=" + urlQuery(r.Dong) + "&year=" + strconv.Itoa(p.Year)})
	}
	return s.Env.Views.Render(c, "council/roster", p)
}

// renderRoster fills the stored roster (if any) into p and renders it.
func (s *Service) renderRoster(c *fiber.Ctx, p RosterPage, u *account.User) error {
	ctx := c.UserContext()
	p.CanManage = u.CanManage(p.District, p.Dong)
	r, err := s.Store.Find(ctx, p.District, p.Dong, p.Year)
	if err != nil && maeul.ErrorCode(err) != maeul.ENOTFOUND {
		return err
	}
	if r != nil {
		p.Roster = r
		p.Rules, p.AllOK = ruleViews(p.Lang, r)
		if r.KeepNames {
			if p.Members, err = s.Store.Members(ctx, r.ID); err != nil {
				return err
			}
		}
		if p.CouncilType == "" {
			p.CouncilType = r.Type()
		}
	}
	return s.Env.Views.Render(c, "council/roster", p)
}

func ruleViews(lang string, r *Roster) ([]RuleView, bool) {
	rs := Rules(r.Counts)
	t := func(k string, a ...any) string { return i18n.T(lang, k, a...) }
	pct := func(x Rule) string { return x.PctText() }
	vs := []RuleView{
		{Label: t("council.rule.members", MinMembers), Detail: t("council.rule.members_have", r.Total)},
		{Label: t("council.rule.gender", MaxGenderPct), Detail: t("council.rule.gender_have", r.Male, r.Female, pct(rs[1]))},
		{Label: t("council.rule.general", MinNonOfficials), Detail: t("council.rule.general_have", r.General, r.Total, pct(rs[2]))},
		{Label: t("council.rule.young", r.PlanYear-YoungAgeInclusive, MinYoungPct), Detail: t("council.rule.young_have", r.Age39, r.Total, pct(rs[3]))},
	}
	for i := range vs {
		vs[i].OK = rs[i].OK
	}
	return vs, AllOK(rs)
}

func (s *Service) upload(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	p := s.newRosterPage(c)
	p.District, p.Dong = u.District, u.Dong
	p.KeepNames = c.FormValue("keep_names") != ""
	p.CouncilType = c.FormValue("council_type")
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		p.Year = thisYear()
		return s.formError(c, p, u, err)
	}
	p.Year = year
	fh, err := c.FormFile("file")
	if err != nil {
		return s.formError(c, p, u, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.no_file"))
	}
	if fh.Size > MaxFileBytes {
		return s.formError(c, p, u, maeul.FieldErrorf(maeul.EINVALID, "file", "council.err.too_big", MaxFileBytes>>20))
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
	members, rowErrs, err := ParseFile(fh.Filename, data, year)
	if err != nil {
		return s.formError(c, p, u, err)
	}
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
		return s.renderRoster(c, p, u)
	}
	_, err = s.Store.Save(c.UserContext(), Upload{District: u.District, Dong: u.Dong, PlanYear: year,
		CouncilType: p.CouncilType, KeepNames: p.KeepNames, UploadedBy: u.ID, Members: members})
	if err != nil {
		return s.formError(c, p, u, err)
	}
	done := "saved"
	if p.KeepNames {
		done = "saved_names"
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done="+done, fiber.StatusSeeOther)
}

// formError shows the form again with the message (EINVALID → 422), or
// hands other errors to the error handler.
func (s *Service) formError(c *fiber.Ctx, p RosterPage, u *account.User, err error) error {
	e, ok := err.(*maeul.Error)
	if !ok || e.Code != maeul.EINVALID {
		return err
	}
	p.FormError = p.T(e.Key, e.Args...)
	p.FormField = e.Field
	c.Status(fiber.StatusUnprocessableEntity)
	return s.renderRoster(c, p, u)
}

func (s *Service) deleteNames(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	if err := s.Store.DeleteNames(c.UserContext(), u.District, u.Dong, year); err != nil {
		return err
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done=deleted", fiber.StatusSeeOther)
}

func (s *Service) setType(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	if err := s.Store.SetType(c.UserContext(), u.District, u.Dong, year, c.FormValue("council_type")); err != nil {
		return err
	}
	return c.Redirect("/host/council?year="+strconv.Itoa(year)+"&done=type", fiber.StatusSeeOther)
}

func (s *Service) applicationPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	district, dong, ok, err := target(c, u)
	if err != nil {
		return err
	}
	if !ok {
		return maeul.FieldErrorf(maeul.EINVALID, "dong", "council.err.need_dong")
	}
	r, err := s.Store.Find(c.UserContext(), district, dong, year)
	if err != nil {
		return err
	}
	p := ApplicationPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "roster.app.title")),
		District: district, Dong: dong, Year: year, Roster: r}
	p.NoIndex = true
	p.Rules, _ = ruleViews(p.Lang, r)
	if r.KeepNames {
		if p.Members, err = s.Store.Members(c.UserContext(), r.ID); err != nil {
			return err
		}
	}
	p.BackLink = "/host/council?year=" + strconv.Itoa(year)
	if u.Role != account.RoleDong {
		p.BackLink += "&district=" + urlQuery(district) + "&dong=" + urlQuery(dong)
	}
	return s.Env.Views.Render(c, "council/application", p)
}

func urlQuery(s string) string { return url.QueryEscape(s) }
