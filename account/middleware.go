package account

import (
	"crypto/subtle"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/web"
)

// SessionCookie is the name of the host's session cookie.
const SessionCookie = "maeul_session"

// Handlers is the HTTP half of the package: the middleware that finds the host
// of a request, from a Bearer token or the session cookie, guards host pages
// and the API, and serves the login pages.
type Handlers struct {
	Service *Service
	Env     *web.Env
}

// NewHandlers builds the middleware on the store. Wrong passwords are
// limited in the store (LoginWait, LoginFailed).
func NewHandlers(env *web.Env, store *Service) *Handlers {
	return &Handlers{Service: store, Env: env}
}

const localBearer = "maeul.bearer"

// Load is global middleware: it sets the current user (if any) and the CSRF
// token in the request's locals. It never refuses a request itself, except
// a malformed or unknown Bearer token.
func (a *Handlers) Load(c *fiber.Ctx) error {
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || tok == "" {
			return maeul.Errorf(maeul.EUNAUTHORIZED, "account.bad_token")
		}
		u, err := a.Service.UserByToken(c.UserContext(), strings.TrimSpace(tok))
		if err != nil {
			return err
		}
		c.Locals(web.LocalUser, u)
		c.Locals(localBearer, true)
		return c.Next()
	}
	if tok := c.Cookies(SessionCookie); tok != "" {
		s, err := a.Service.SessionByToken(c.UserContext(), tok)
		switch {
		case maeul.ErrorCode(err) == maeul.ENOTFOUND:
			// A stale cookie: the request goes on as a resident's.
		case err != nil:
			return err
		default:
			c.Locals(web.LocalUser, s.User)
			c.Locals(web.LocalCSRF, s.CSRF)
			c.Locals(web.LocalUserLabel, s.User.Label())
		}
	}
	return c.Next()
}

// CurrentUser returns the request's host, or nil for a resident.
func CurrentUser(c *fiber.Ctx) *User {
	u, _ := c.Locals(web.LocalUser).(*User)
	return u
}

// Require refuses anyone who is not a logged-in host: 401 JSON for the API;
// pages redirect to the login page. For cookie sessions, any state-changing
// request must carry the session's CSRF token (form field _csrf or header
// X-CSRF-Token); Bearer requests need none, since browsers never add them.
func (a *Handlers) Require(c *fiber.Ctx) error {
	u := CurrentUser(c)
	if u == nil {
		if web.WantsJSON(c) || c.Method() != fiber.MethodGet {
			return maeul.Errorf(maeul.EUNAUTHORIZED, "error.unauthorized")
		}
		return c.Redirect("/login?next="+url.QueryEscape(c.OriginalURL()), fiber.StatusSeeOther)
	}
	return a.CheckCSRF(c)
}

// CheckCSRF enforces the CSRF token on unsafe methods of cookie sessions.
func (a *Handlers) CheckCSRF(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	if b, _ := c.Locals(localBearer).(bool); b {
		return c.Next()
	}
	want, _ := c.Locals(web.LocalCSRF).(string)
	// The header or the POST body, never the query string: a token in a
	// URL leaks through logs and Referer.
	got := c.Get("X-CSRF-Token")
	if got == "" {
		got = bodyValue(c, "_csrf")
	}
	if want == "" || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.csrf")
	}
	return c.Next()
}

// RequireRole refuses hosts of other roles with 403.
func RequireRole(roles ...string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u := CurrentUser(c)
		for _, r := range roles {
			if u != nil && u.Role == r {
				return c.Next()
			}
		}
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
}

func (a *Handlers) setCookie(c *fiber.Ctx, value string, maxAge int) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: web.SecureCookie(c)})
}

// CSRFToken returns the request's CSRF token ("" for residents).
func CSRFToken(c *fiber.Ctx) string {
	s, _ := c.Locals(web.LocalCSRF).(string)
	return s
}

// bodyValue is a form field of the POST body only, never of the query
// string.
func bodyValue(c *fiber.Ctx, name string) string {
	if v := c.Request().PostArgs().Peek(name); v != nil {
		return string(v)
	}
	if f, err := c.MultipartForm(); err == nil {
		if vs := f.Value[name]; len(vs) > 0 {
			return vs[0]
		}
	}
	return ""
}
