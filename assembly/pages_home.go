package assembly

import (
	"sort"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// homePage lists the public assemblies.
type homePage struct {
	web.Page
	Assemblies []homeAssembly
	LoggedIn   bool
	// The 구 and 동 filter (a GET form: works without JavaScript).
	Districts, Dongs []string
	District, Dong   string
	Filtered         bool // a filter is set: "none" means none match
}

type homeAssembly struct {
	Assembly
	When string
}

func (h *Handlers) home(c *fiber.Ctx) error {
	list, err := h.svc.PublicAssemblies(c.UserContext(), 100)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := homePage{Page: web.NewPage(c, i18n.T(lang, "home.title")), LoggedIn: account.CurrentUser(c) != nil,
		District: c.Query("district"), Dong: c.Query("dong")}
	seenD, seenG := map[string]bool{}, map[string]bool{}
	for _, a := range list {
		if !seenD[a.District] {
			seenD[a.District] = true
			p.Districts = append(p.Districts, a.District)
		}
	}
	if !seenD[p.District] {
		p.District = ""
	}
	for _, a := range list {
		if (p.District == "" || a.District == p.District) && !seenG[a.Dong] {
			seenG[a.Dong] = true
			p.Dongs = append(p.Dongs, a.Dong)
		}
	}
	if !seenG[p.Dong] {
		p.Dong = ""
	}
	sort.Strings(p.Districts)
	sort.Strings(p.Dongs)
	p.Filtered = p.District != "" || p.Dong != ""
	for _, a := range list {
		if (p.District != "" && a.District != p.District) || (p.Dong != "" && a.Dong != p.Dong) {
			continue
		}
		p.Assemblies = append(p.Assemblies, homeAssembly{Assembly: a, When: timeRange(lang, a.StartsAt, a.EndsAt)})
	}
	return h.env.Views.Render(c, "assembly/home", p)
}
