package account

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// TokensPage lists the host's API tokens, with a revoke button each.
type TokensPage struct {
	web.Page
	Tokens []TokenRow
}

// TokenRow is one token as the page shows it.
type TokenRow struct {
	ID                         int64
	Created, LastUsed, Expires string
	Live                       bool
	State                      string
}

func (a *Handlers) tokensPage(c *fiber.Ctx) error {
	u := CurrentUser(c)
	list, err := a.Service.ListTokens(c.UserContext(), u.Email)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := TokensPage{Page: web.NewPage(c, i18n.T(lang, "tokens.title"))}
	p.NoIndex = true
	now := time.Now()
	when := func(t *time.Time, none string) string {
		if t == nil {
			return i18n.T(lang, none)
		}
		return web.FormatDateTime(lang, *t)
	}
	for _, t := range list {
		r := TokenRow{ID: t.ID, Created: web.FormatDateTime(lang, t.CreatedAt), LastUsed: when(t.LastUsedAt, "tokens.never_used"),
			Expires: when(t.ExpiresAt, "tokens.never_expires"), Live: t.Live(now)}
		switch {
		case t.RevokedAt != nil:
			r.State = i18n.T(lang, "tokens.revoked")
		case !r.Live:
			r.State = i18n.T(lang, "tokens.expired")
		default:
			r.State = i18n.T(lang, "tokens.live")
		}
		p.Tokens = append(p.Tokens, r)
	}
	return a.Env.Views.Render(c, "account/tokens", p)
}

func (a *Handlers) tokenRevoke(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "tokens.not_found")
	}
	if err := a.Service.RevokeToken(c.UserContext(), CurrentUser(c), id); err != nil {
		return err
	}
	return c.Redirect("/host/tokens", fiber.StatusSeeOther)
}
