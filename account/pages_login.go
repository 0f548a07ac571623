package account

import (
	"net/url"
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
	email := strings.ToLower(strings.TrimSpace(bodyValue(c, "email")))
	next := safeNext(bodyValue(c, "next"))
	lang := web.Lang(c)
	p := LoginPage{Page: web.NewPage(c, i18n.T(lang, "login.title")), Email: email, Next: next}
	p.NoIndex = true
	if !a.sameSite(c) {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.csrf")
	}
	client := web.ClientKey(c)
	tooMany := func(wait int) error {
		c.Set("Retry-After", strconv.Itoa(wait))
		c.Status(fiber.StatusTooManyRequests)
		p.Error = i18n.T(lang, "login.too_many", wait)
		return a.Env.Views.Render(c, "account/login", p)
	}
	// Only this client's own wrong passwords can make it wait here.
	if w, err := a.Service.LoginWait(c.UserContext(), client); err != nil {
		return err
	} else if w > 0 {
		return tooMany(w)
	}
	u, err := a.Service.Authenticate(c.UserContext(), email, bodyValue(c, "password"))
	if maeul.ErrorCode(err) == maeul.EUNAUTHORIZED {
		w, err := a.Service.LoginFailed(c.UserContext(), client, email)
		if err != nil {
			return err
		}
		if w > 0 {
			return tooMany(w)
		}
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

// safeNext keeps redirects on this site: a path that starts with exactly
// one "/", with no scheme, host, backslash or control character (raw or
// percent-encoded), else /host. "/%09/evil.example" and "/\\evil" would
// lead a browser off-site.
func safeNext(s string) string {
	const home = "/host"
	if s == "" || len(s) > 2000 {
		return home
	}
	dec, err := url.PathUnescape(s)
	if err != nil {
		return home
	}
	for _, v := range []string{s, dec} {
		if !strings.HasPrefix(v, "/") || strings.HasPrefix(v, "//") {
			return home
		}
		for _, r := range v {
			if r < 0x20 || r == 0x7f || r == '\\' {
				return home
			}
		}
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return home
	}
	return s
}

// sameSite refuses a login posted from another site (login CSRF): the
// Origin header must name this host (the request's or the public URL's); without it, Sec-Fetch-Site must not
// say cross-site, and a Referer must name this host. A client that sends
// none of them is no browser on another site.
func (a *Handlers) sameSite(c *fiber.Ctx) bool {
	ours := func(h string) bool {
		if h == "" {
			return false
		}
		if b, err := url.Parse(a.Env.BaseURL); err == nil && strings.EqualFold(b.Host, h) {
			return true
		}
		return strings.EqualFold(c.Hostname(), h)
	}
	if o := c.Get(fiber.HeaderOrigin); o != "" {
		u, err := url.Parse(o)
		return err == nil && ours(u.Host)
	}
	switch c.Get("Sec-Fetch-Site") {
	case "", "same-origin", "none":
	default:
		return false
	}
	if r := c.Get(fiber.HeaderReferer); r != "" {
		u, err := url.Parse(r)
		return err == nil && ours(u.Host)
	}
	return true
}
