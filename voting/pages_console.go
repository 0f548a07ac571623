package voting

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// ConsolePage is the host's assembly-day console.
type ConsolePage struct {
	web.Page
	A         *assembly.Assembly
	Stats     *Stats
	CanManage bool
	Flash     string
	Error     string
	// Revealed is true once the projector shows the ranking.
	Revealed bool
	Ballot   string
	MaxCodes int
	// Registrations per channel and place (nil: none wired).
	Registrations *RegistrationStats
}

// flashes are the only messages a redirect may ask the console to show.
var flashes = map[string]string{
	"opened": "console.flash_opened", "closed": "console.flash_closed", "revoked": "console.flash_revoked",
	"revealed": "console.flash_revealed",
}

func (h *Handlers) renderConsole(c *fiber.Ctx, a *assembly.Assembly, errMsg string) error {
	u := account.CurrentUser(c)
	st, err := h.svc.Stats(c.UserContext(), a)
	if err != nil {
		return err
	}
	p := ConsolePage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "console.title")+" · "+a.Dong), A: a, Stats: st,
		CanManage: u.CanManage(a.District, a.Dong), Error: errMsg, Ballot: h.env.BaseURL + "/v/" + a.Slug, MaxCodes: MaxCodes}
	p.NoIndex, p.Wide = true, true
	if a.State == assembly.StateClosed || a.State == assembly.StateAnnounced {
		if p.Revealed, err = h.svc.IsRevealed(c.UserContext(), a); err != nil {
			return err
		}
	}
	if h.svc.Registrations != nil {
		if p.Registrations, err = h.svc.Registrations(c.UserContext(), a.ID); err != nil {
			return err
		}
	}
	if k, ok := flashes[c.Query("done")]; ok {
		if k == "console.flash_opened" || k == "console.flash_revealed" { // the flashes without a count
			p.Flash = i18n.T(p.Lang, k)
		} else {
			p.Flash = i18n.T(p.Lang, k, c.QueryInt("n"))
		}
	}
	return h.env.Views.Render(c, "voting/console", p)
}

func (h *Handlers) consolePage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	a, err := h.svc.readable(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return h.renderConsole(c, a, "")
}

func consoleURL(id int64, done string, n int64) string {
	u := "/host/assemblies/" + strconv.FormatInt(id, 10) + "/console"
	if done != "" {
		u += "?done=" + done + "&n=" + strconv.FormatInt(n, 10)
	}
	return u
}

// consoleFail shows the console again with the message of a refused action.
func (h *Handlers) consoleFail(c *fiber.Ctx, id int64, err error) error {
	e := web.Normalize(err)
	if e.Code == maeul.EINTERNAL || e.Code == maeul.EUNAVAILABLE || e.Code == maeul.EFORBIDDEN || e.Code == maeul.ENOTFOUND && e.Key == "assembly.not_found" {
		return err
	}
	a, ferr := h.svc.readable(c.UserContext(), account.CurrentUser(c), id)
	if ferr != nil {
		return ferr
	}
	c.Status(web.Status(e.Code))
	return h.renderConsole(c, a, web.Message(web.Lang(c), e))
}

func (h *Handlers) consoleOpen(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.Open(c.UserContext(), account.CurrentUser(c), id); err != nil {
		return h.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "opened", 0), fiber.StatusSeeOther)
}

func (h *Handlers) consoleClose(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") == "" {
		return h.consoleFail(c, id, maeul.FieldErrorf(maeul.EINVALID, "confirm", "console.confirm_close"))
	}
	r, err := h.svc.Close(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return h.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "closed", r.Ballots), fiber.StatusSeeOther)
}

// consoleReveal shows the ranking on the projector.
func (h *Handlers) consoleReveal(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if _, err := h.svc.Reveal(c.UserContext(), account.CurrentUser(c), id); err != nil {
		return h.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "revealed", 0), fiber.StatusSeeOther)
}

// consoleIssue issues codes and starts rendering their cards.
func (h *Handlers) consoleIssue(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	n, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("count")))
	u := account.CurrentUser(c)
	a, batch, codes, err := h.svc.IssueCodes(c.UserContext(), u, id, n, c.FormValue("channel"))
	if err != nil {
		return h.consoleFail(c, id, err)
	}
	j := h.startCards(u, a, c.FormValue("channel"), batch, codes, false, nil)
	return c.Redirect("/host/assemblies/"+a.IDString()+"/cards/"+j.id, fiber.StatusSeeOther)
}

// consoleReprint reprints a card or a range of a batch: the same sheet as
// at issue, marked as a reprint.
func (h *Handlers) consoleReprint(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	b := web.ParseID(c.FormValue("batch"))
	if b == 0 {
		return h.consoleFail(c, id, maeul.Errorf(maeul.ENOTFOUND, "code.no_batch"))
	}
	from, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("from")))
	to, _ := strconv.Atoi(strings.TrimSpace(c.FormValue("to")))
	if strings.TrimSpace(c.FormValue("to")) == "" {
		to = from // one card
	}
	u := account.CurrentUser(c)
	r, err := h.svc.Reprint(c.UserContext(), u, id, b, from, to)
	if err != nil {
		return h.consoleFail(c, id, err)
	}
	j := h.startCards(u, r.A, r.Channel, b, r.Codes, true, r.Skipped)
	return c.Redirect("/host/assemblies/"+r.A.IDString()+"/cards/"+j.id, fiber.StatusSeeOther)
}

func (h *Handlers) consoleRevoke(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	if b := c.FormValue("batch"); b != "" {
		bid := web.ParseID(b)
		if bid == 0 {
			return h.consoleFail(c, id, maeul.Errorf(maeul.ENOTFOUND, "code.no_batch"))
		}
		n, err := h.svc.RevokeBatch(c.UserContext(), u, id, bid)
		if err != nil {
			return h.consoleFail(c, id, err)
		}
		return c.Redirect(consoleURL(id, "revoked", n), fiber.StatusSeeOther)
	}
	code := c.FormValue("code")
	if strings.TrimSpace(code) == "" {
		return h.consoleFail(c, id, maeul.FieldErrorf(maeul.EINVALID, "code", "code.revoke_what"))
	}
	if err := h.svc.RevokeCode(c.UserContext(), u, id, code); err != nil {
		return h.consoleFail(c, id, err)
	}
	return c.Redirect(consoleURL(id, "revoked", 1), fiber.StatusSeeOther)
}
