package assembly

import (
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
	p := homePage{Page: web.NewPage(c, i18n.T(lang, "home.title")), LoggedIn: account.CurrentUser(c) != nil}
	for _, a := range list {
		p.Assemblies = append(p.Assemblies, homeAssembly{Assembly: a, When: timeRange(lang, a.StartsAt, a.EndsAt)})
	}
	return h.env.Views.Render(c, "assembly/home", p)
}
