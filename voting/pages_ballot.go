package voting

import (
	"errors"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// stop renders a plain page that ends the way: a used code, an unknown
// code, a vote that is not open, too many attempts.
func (h *Handlers) stop(c *fiber.Ctx, bi *ballotInfo, err error) error {
	e := web.Normalize(err)
	if e.Code == maeul.EINTERNAL || e.Code == maeul.EUNAVAILABLE {
		return err
	}
	p := h.newBallotPage(c, bi, stepStop)
	p.Stop = web.Message(p.Lang, e)
	switch e.Key {
	case "code.used":
		// A re-scan of a card that has voted: nothing is wrong.
		p.Voted, p.Stop, p.StopHint = true, i18n.T(p.Lang, "ballot.voted_title"), i18n.T(p.Lang, "ballot.voted_hint")
	case "code.unknown", "code.bad_symbol":
		p.StopHint, p.Retry = i18n.T(p.Lang, "ballot.unknown_hint"), true
	case "ballot.closed":
		p.Results = true
	}
	if e.RetryAfter > 0 {
		c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	c.Status(web.Status(e.Code))
	return h.render(c, p)
}

// bodyValue is a form field of the POST body only: never the query string,
// so that no code travels in a URL.
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

// formCode is the code of a ballot form: its hidden field, or the cookie.
func formCode(c *fiber.Ctx) string {
	if v := bodyValue(c, "code"); v != "" {
		return v
	}
	return c.Cookies(codeCookie)
}

// ballotPage: with ?code= (a QR card) checks the code without consuming
// it, keeps it in a cookie and shows the choices at once (no redirect: one
// round trip less on a slow line; the script takes the code out of the
// address bar); then, with the cookie, the choices again (as picked, after
// "change my choices"). Without a code: the receipt of a ballot this
// browser cast (Back after the receipt), or the typed-code form.
func (h *Handlers) ballotPage(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	raw, fromQR := "", false
	if q := c.Request().URI().QueryArgs(); q.Has("code") {
		raw, fromQR = string(q.Peek("code")), true
	} else {
		raw = c.Cookies(codeCookie)
	}
	if raw != "" {
		plain, ch, err := h.svc.LookUpCode(c.UserContext(), bi.a, raw)
		if err != nil {
			// Used, revoked, closed: the cookie has done its work.
			h.clearCodeCookie(c, bi)
			return h.codeProblem(c, bi, "", raw, h.guessFailed(c, bi.a.ID, err))
		}
		if fromQR {
			h.setCodeCookie(c, bi, plain, codeCookieLife)
		}
		p := h.newBallotPage(c, bi, stepChoose)
		p.Code, p.Nonce, p.Channel = plain, NewNonce(), ch
		if pk, ok := h.readPick(c, bi, plain); ok {
			p.Nonce = pk.nonce
			p.fill(pk.choices)
			p.fillAnswers(pk.answers)
		}
		return h.render(c, p)
	}
	if _, r := h.readReceipt(c, bi); r != "" {
		return h.showReceipt(c, bi, r)
	}
	return h.ballotCodePage(c)
}

// ballotCodePage asks for a typed code (also after a ballot of this
// browser, for the next resident on the same phone).
func (h *Handlers) ballotCodePage(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if err := votingOpenFor(bi.a, ChannelOnsite, time.Now()); err != nil {
		return h.stop(c, bi, err)
	}
	return h.render(c, h.newBallotPage(c, bi, stepCode))
}

// codeProblem shows why a code was not taken: the typed-code page with the
// message next to the field for a code that is not recognised, malformed
// or one wrong code too many; the stop page for the rest (used, closed…).
// A used code whose ballot this browser cast shows its receipt again.
func (h *Handlers) codeProblem(c *fiber.Ctx, bi *ballotInfo, typed, raw string, err error) error {
	e := web.Normalize(err)
	if e.Code == maeul.EINVALID || e.Key == "code.unknown" || e.Code == maeul.ETOOMANY {
		p := h.newBallotPage(c, bi, stepCode)
		p.Typed, p.Error = typed, web.Message(p.Lang, e)
		if e.RetryAfter > 0 {
			c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		c.Status(web.Status(e.Code))
		return h.render(c, p)
	}
	if e.Key == "code.used" {
		if k, perr := ParseCode(raw); perr == nil {
			if code, r := h.readReceipt(c, bi); r != "" && code == k.plain {
				return h.showReceipt(c, bi, r)
			}
		}
	}
	return h.stop(c, bi, err)
}

// ballotCode takes a typed code (the venue QR leads here) and goes on to
// the choices.
func (h *Handlers) ballotCode(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	typed := bodyValue(c, "code")
	plain, _, err := h.svc.LookUpCode(c.UserContext(), bi.a, typed)
	if err != nil {
		return h.codeProblem(c, bi, typed, typed, h.guessFailed(c, bi.a.ID, err))
	}
	h.setCodeCookie(c, bi, plain, codeCookieLife)
	h.clearCookie(c, bi, pickCookie)
	return c.Redirect("/v/"+bi.a.Slug, fiber.StatusSeeOther)
}

// formChoices reads the choices of the choose step: checkboxes named
// "choice" (approval, budget) or a rank select per agenda (ranked), or the
// ordered hidden "choice" fields of the confirm step.
func formChoices(c *fiber.Ctx, bi *ballotInfo, ordered bool) ([]AgendaRef, error) {
	var out []AgendaRef
	if ordered || bi.a.Method != assembly.MethodRanked {
		for _, v := range c.Request().PostArgs().PeekMulti("choice") {
			out = append(out, AgendaRef(v))
		}
		return out, nil
	}
	type rk struct {
		id   string
		rank int
	}
	var rs []rk
	used := map[int]bool{}
	for _, g := range bi.agendas {
		v := strings.TrimSpace(c.FormValue("rank_" + g.IDString()))
		if v == "" {
			continue
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > bi.a.MaxChoices {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.bad_rank", bi.a.MaxChoices)
		}
		if used[n] {
			return nil, maeul.FieldErrorf(maeul.EINVALID, "choices", "ballot.rank_twice", n)
		}
		used[n] = true
		rs = append(rs, rk{g.IDString(), n})
	}
	sort.Slice(rs, func(i, j int) bool { return rs[i].rank < rs[j].rank })
	for _, r := range rs {
		out = append(out, AgendaRef(r.id))
	}
	return out, nil
}

// ballotConfirm checks the choices; if they are good, keeps them (sealed)
// and redirects to the confirm page, else shows them again with the
// message. A client without the code cookie gets the confirm page at once.
func (h *Handlers) ballotConfirm(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	code, nonce := formCode(c), bodyValue(c, "nonce")
	choices, err := formChoices(c, bi, false)
	if err == nil {
		_, err = bi.rules.Check(choices)
	}
	answers := formAnswers(c, bi)
	if err == nil {
		_, err = bi.rules.CheckAnswers(answers)
	}
	p := h.newBallotPage(c, bi, stepConfirm)
	p.Code, p.Nonce = code, nonce
	p.fill(choices)
	p.fillAnswers(answers)
	if err != nil {
		e := web.Normalize(err)
		if e.Code != maeul.EINVALID {
			return err
		}
		p.Step, p.Error = stepChoose, web.Message(p.Lang, e)
		c.Status(web.Status(e.Code))
		return h.render(c, p)
	}
	if h.prg(c, code) {
		h.setPick(c, bi, pick{code: code, nonce: nonce, choices: choices, answers: answers})
		return c.Redirect("/v/"+bi.a.Slug+"/confirm", fiber.StatusSeeOther)
	}
	return h.render(c, p)
}

// prg reports whether the form came from a browser that holds the code's
// cookie, so that its answer can be a redirect to a page it can GET.
func (h *Handlers) prg(c *fiber.Ctx, code string) bool {
	return code != "" && c.Cookies(codeCookie) == code && len(code) <= 100
}

// ballotConfirmPage shows the kept choices to confirm; after the ballot
// was cast (Back from the receipt) the receipt again.
func (h *Handlers) ballotConfirmPage(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	code := c.Cookies(codeCookie)
	pk, ok := h.readPick(c, bi, code)
	if !ok {
		if _, r := h.readReceipt(c, bi); r != "" {
			return h.showReceipt(c, bi, r)
		}
		return c.Redirect("/v/"+bi.a.Slug, fiber.StatusSeeOther)
	}
	if _, _, err := h.svc.LookUpCode(c.UserContext(), bi.a, code); err != nil {
		h.clearCodeCookie(c, bi)
		return h.codeProblem(c, bi, "", code, err)
	}
	p := h.newBallotPage(c, bi, stepConfirm)
	p.Code, p.Nonce = pk.code, pk.nonce
	p.fill(pk.choices)
	p.fillAnswers(pk.answers)
	return h.render(c, p)
}

// ballotBack returns to the choices, as they were.
func (h *Handlers) ballotBack(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	choices, _ := formChoices(c, bi, true)
	code, nonce := formCode(c), bodyValue(c, "nonce")
	answers := formAnswers(c, bi)
	if h.prg(c, code) {
		h.setPick(c, bi, pick{code: code, nonce: nonce, choices: choices, answers: answers})
		return c.Redirect("/v/"+bi.a.Slug, fiber.StatusSeeOther)
	}
	p := h.newBallotPage(c, bi, stepChoose)
	p.Code, p.Nonce = code, nonce
	p.fill(choices)
	p.fillAnswers(answers)
	return h.render(c, p)
}

// ballotSubmit casts the ballot. A resubmitted form carries the same nonce
// and so shows the same receipt. The receipt is kept (sealed, with the
// code, never the choices) in a cookie, and the answer redirects to the
// receipt page: Back and Reload show the receipt, not a resubmit question.
func (h *Handlers) ballotSubmit(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	choices, _ := formChoices(c, bi, true)
	code, nonce := formCode(c), bodyValue(c, "nonce")
	answers := formAnswers(c, bi)
	receipt, err := h.svc.Submit(c.UserContext(), Submission{Slug: bi.a.Slug, Code: code,
		Nonce: nonce, Choices: choices, Answers: answers})
	if err != nil {
		err = h.guessFailed(c, bi.a.ID, err)
		var e *maeul.Error
		if errors.As(err, &e) && e.Key == "ballot.changed" {
			// Back, other choices, cast again: the first ballot stands.
			// Say so plainly, with the first receipt (only the holder of
			// the code and this form's nonce could open it).
			p := h.newBallotPage(c, bi, stepStop)
			p.Stop, p.Receipt = web.Message(p.Lang, e), receipt
			c.Status(web.Status(e.Code))
			return h.render(c, p)
		}
		if errors.As(err, &e) && e.Code == maeul.EINVALID && (e.Field == "choices" || e.Field == "answers") {
			p := h.newBallotPage(c, bi, stepChoose)
			p.Code, p.Nonce = code, nonce
			p.fill(choices)
			p.fillAnswers(answers)
			p.Error = web.Message(p.Lang, e)
			c.Status(web.Status(e.Code))
			return h.render(c, p)
		}
		return h.codeProblem(c, bi, "", code, err)
	}
	redirect := h.prg(c, code)
	h.clearCodeCookie(c, bi)
	h.clearCookie(c, bi, pickCookie)
	if k, err := ParseCode(code); err == nil {
		h.setCookie(c, bi, receiptCookie, h.svc.sealCookie(cookieReceipt, bi.a.Slug, k.plain, receipt), receiptCookieLife)
	}
	if redirect {
		return c.Redirect("/v/"+bi.a.Slug+"/receipt", fiber.StatusSeeOther)
	}
	return h.showReceipt(c, bi, receipt)
}

// ballotReceiptPage shows the receipt of the ballot this browser cast.
func (h *Handlers) ballotReceiptPage(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if _, r := h.readReceipt(c, bi); r != "" {
		return h.showReceipt(c, bi, r)
	}
	return c.Redirect("/v/"+bi.a.Slug, fiber.StatusSeeOther)
}

// showReceipt renders the receipt step: the receipt number, nothing else
// of the ballot.
func (h *Handlers) showReceipt(c *fiber.Ctx, bi *ballotInfo, receipt string) error {
	p := h.newBallotPage(c, bi, stepReceipt)
	p.Receipt = receipt
	c.Status(fiber.StatusOK)
	return h.render(c, p)
}
