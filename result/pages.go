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

// confirmed refuses a workflow form (submit, return, resubmit, designate,
// forward) whose confirmation box is not ticked. The box is required, so a
// browser asks before it posts, with or without JavaScript; this answers
// any other client. The JSON API asks no confirmation.
func confirmed(c *fiber.Ctx) error {
	if c.FormValue("confirm") != "yes" {
		return maeul.FieldErrorf(maeul.EINVALID, "confirm", "workflow.confirm_needed")
	}
	return nil
}

// doneSteps are the workflow steps a page confirms after the redirect
// (?done=step); the history on the page keeps the lasting trace.
var doneSteps = map[string]bool{"submit": true, "resubmit": true, "return": true, "designate": true, "forward": true}

// doneMessage is the page's line for ?done=, or "".
func doneMessage(c *fiber.Ctx) string {
	if d := c.Query("done"); doneSteps[d] {
		return i18n.T(web.Lang(c), "workflow.done."+d)
	}
	return ""
}
