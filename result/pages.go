package result

import (
	"errors"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// page is the layout's data with amounts written in the page's language.
type page struct{ web.Page }

// Money writes an amount: 30,000,000원, or 30,000,000 won in English.
func (p page) Money(n int64) string {
	if p.Lang == "en" {
		return web.Group(n) + " won"
	}
	return web.Won(n)
}

func newPage(c *fiber.Ctx, title string) page { return page{web.NewPage(c, title)} }

// formError returns the message a form shows again when err is an EINVALID
// the person can fix; "" otherwise.
func formError(c *fiber.Ctx, err error) string {
	var me *maeul.Error
	if errors.As(err, &me) && me.Code == maeul.EINVALID {
		return i18n.T(web.Lang(c), me.Key, me.Args...)
	}
	return ""
}
