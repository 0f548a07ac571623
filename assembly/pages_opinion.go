package assembly

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// postOpinion takes a resident's opinion from the booklet's form. It works
// without JavaScript: success redirects back to the agenda with a thank-you
// note; a bad field shows the booklet again with the message next to it.
func (h *Handlers) postOpinion(c *fiber.Ctx) error {
	{
		ctx := c.UserContext()
		a, err := h.svc.FindAssemblyBySlug(ctx, c.Params("slug"))
		if err != nil {
			return err
		}
		u := account.CurrentUser(c)
		if !a.Public() && !u.CanRead(a.District, a.Dong) {
			return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
		}
		agendaID := web.ParseID(c.Params("agendaID"))
		if agendaID == 0 {
			return maeul.Errorf(maeul.ENOTFOUND, "opinion.no_agenda")
		}
		if err := h.env.SharedLimit(c, "opinion", opinionsPerMinute); err != nil {
			return err
		}
		n := NewOpinion{Author: c.FormValue("author"), Body: c.FormValue("body")}
		o, err := h.svc.AddOpinion(ctx, a.ID, agendaID, n)
		var me *maeul.Error
		if errors.As(err, &me) && me.Code == maeul.EINVALID && !web.WantsJSON(c) {
			c.Status(fiber.StatusUnprocessableEntity)
			return h.renderBooklet(c, a, &opinionForm{AgendaID: agendaID, Author: n.Author, Body: n.Body,
				Field: me.Field, Error: web.Message(web.Lang(c), me)})
		}
		if err != nil {
			return err
		}
		h.env.Metrics.Add("maeul_opinions_total", "Opinions residents left on booklets.", 1)
		if web.WantsJSON(c) {
			return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": strconv.FormatInt(o.ID, 10)})
		}
		return c.Redirect("/a/"+a.Slug+"?thanks="+strconv.FormatInt(agendaID, 10)+"#opinions-"+strconv.FormatInt(agendaID, 10), fiber.StatusSeeOther)
	}
}

// hideOpinion and unhideOpinion are the host's hide/unhide buttons
// (auth.Require runs first).
func (h *Handlers) hideOpinion(c *fiber.Ctx) error   { return h.setOpinionHidden(c, true) }
func (h *Handlers) unhideOpinion(c *fiber.Ctx) error { return h.setOpinionHidden(c, false) }

func (h *Handlers) setOpinionHidden(c *fiber.Ctx, hidden bool) error {
	{
		ctx := c.UserContext()
		id := web.ParseID(c.Params("id"))
		if id == 0 {
			return maeul.Errorf(maeul.ENOTFOUND, "opinion.not_found")
		}
		p, err := h.svc.FindOpinionPlace(ctx, id)
		if err != nil {
			return err
		}
		if !account.CurrentUser(c).CanManage(p.Assembly.District, p.Assembly.Dong) {
			return account.Forbid()
		}
		if err := h.svc.SetOpinionHidden(ctx, id, hidden); err != nil {
			return err
		}
		if web.WantsJSON(c) {
			return c.JSON(fiber.Map{"id": strconv.FormatInt(id, 10), "hidden": hidden})
		}
		return c.Redirect("/a/"+p.Assembly.Slug+"#opinion-"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
	}
}

// opinionsBack: the page shown after a refused opinion lives at the form's
// address; its language link (?lang=en) comes back here with GET.
func (h *Handlers) opinionsBack(c *fiber.Ctx) error {
	return c.Redirect("/a/"+url.PathEscape(c.Params("slug"))+"#opinions-"+strconv.FormatInt(web.ParseID(c.Params("agendaID")), 10), fiber.StatusSeeOther)
}

// opinionsPerMinute is how many opinions one client (its address through
// the trusted proxy) may post a minute, counted on every instance together.
const opinionsPerMinute = 5
