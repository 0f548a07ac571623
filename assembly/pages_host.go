package assembly

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

type hostHomePage struct {
	web.Page
	Assemblies []hostRow
	CanCreate  bool
	ScopeText  string
	// Role lets district and city hosts reach their submission overviews.
	Role string
	// Returned: the dong's lists the district has returned, at the top.
	Returned []hostRow
}

type hostRow struct {
	*Assembly
	When       string
	StateLabel string
	Returned   *ReturnNote
}

func (h *Handlers) hostHome(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	lang := web.Lang(c)
	list, err := h.svc.ListAssemblies(c.UserContext(), ScopeOf(u))
	if err != nil {
		return err
	}
	p := hostHomePage{Page: hostPage(c, nil, i18n.T(lang, "host.home.title")), CanCreate: u.Role == account.RoleDong, Role: u.Role}
	switch u.Role {
	case account.RoleCity:
		p.ScopeText = i18n.T(lang, "host.scope.city")
	case account.RoleDistrict:
		p.ScopeText = i18n.T(lang, "host.scope.district", u.District)
	default:
		p.ScopeText = i18n.T(lang, "host.scope.dong", u.District, u.Dong)
	}
	returned, err := h.svc.ReturnedAmong(c.UserContext(), list)
	if err != nil {
		return err
	}
	for _, a := range list {
		row := hostRow{Assembly: a, When: timeRange(lang, a.StartsAt, a.EndsAt),
			StateLabel: i18n.T(lang, "host.state."+a.State)}
		if n, ok := returned[a.ID]; ok {
			row.Returned = &n
			if u.CanManage(a.District, a.Dong) {
				p.Returned = append(p.Returned, row)
			}
		}
		p.Assemblies = append(p.Assemblies, row)
	}
	return h.env.Views.Render(c, "assembly/host_home", p)
}

func hostPage(c *fiber.Ctx, a *Assembly, title string) web.Page {
	p := Page(c, a, title)
	p.NoIndex = true
	return p
}

// A refused form is answered at its own address; the page's language link
// (?lang=en) comes back to it with GET: send it to the form.

func (h *Handlers) hostNewAssemblyBack(c *fiber.Ctx) error {
	return c.Redirect("/host/assemblies/new", fiber.StatusSeeOther)
}

func (h *Handlers) hostNewAgendaBack(c *fiber.Ctx) error {
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(web.ParseID(c.Params("id")), 10)+"/agendas/new", fiber.StatusSeeOther)
}
