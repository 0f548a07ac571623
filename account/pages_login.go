package account

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// LoginPage is the data of the login form.
type LoginPage struct {
	web.Page
	Email string
	Next  string
	Error string
}

func (a *Handlers) loginPage(c *fiber.Ctx) error {
	if CurrentUser(c) != nil {
		return c.Redirect(safeNext(c.Query("next")), fiber.StatusSeeOther)
	}
	p := LoginPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "login.title")), Next: safeNext(c.Query("next"))}
	p.NoIndex = true
	return a.Env.Views.Render(c, "account/login", p)
}

func (a *Handlers) login(c *fiber.Ctx) error {
	email := strings.ToLower(strings.TrimSpace(c.FormValue("email")))
	next := safeNext(c.FormValue("next"))
	lang := web.Lang(c)
	p := LoginPage{Page: web.NewPage(c, i18n.T(lang, "login.title")), Email: email, Next: next}
	p.NoIndex = true
	if err := a.LoginLimit.Check(web.ClientKey(c) + "|" + email); err != nil {
		e := err.(*maeul.Error)
		c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
		c.Status(fiber.StatusTooManyRequests)
		p.Error = i18n.T(lang, "login.too_many", e.RetryAfter)
		return a.Env.Views.Render(c, "account/login", p)
	}
	u, err := a.Service.Authenticate(c.UserContext(), email, c.FormValue("password"))
	if maeul.ErrorCode(err) == maeul.EUNAUTHORIZED {
		c.Status(fiber.StatusUnauthorized)
		p.Error = i18n.T(lang, "account.bad_login")
		return a.Env.Views.Render(c, "account/login", p)
	}
	if err != nil {
		return err
	}
	tok, _, err := a.Service.CreateSession(c.UserContext(), u)
	if err != nil {
		return err
	}
	a.setCookie(c, tok, int(SessionLifetime.Seconds()))
	return c.Redirect(next, fiber.StatusSeeOther)
}

func (a *Handlers) logout(c *fiber.Ctx) error {
	if err := a.Service.DeleteSession(c.UserContext(), c.Cookies(SessionCookie)); err != nil {
		return err
	}
	a.setCookie(c, "", -1)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// safeNext keeps redirects on this site.
func safeNext(s string) string {
	if s == "" || !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/\\") {
		return "/host"
	}
	return s
}
