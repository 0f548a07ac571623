package voting

import (
	"errors"
	"net/url"
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

// Ballot steps, one clear step per page.
const (
	stepCode    = "code"    // type the code from the card
	stepChoose  = "choose"  // choose agendas
	stepConfirm = "confirm" // check and cast
	stepReceipt = "receipt" // the vote was received
	stepStop    = "stop"    // nothing more to do here (used code, closed…)
)

// BallotPage is the data of every step of /v/{slug}.
type BallotPage struct {
	web.Page
	Step     string
	A        *assembly.Assembly
	Agendas  []BallotAgenda
	Chosen   []BallotAgenda
	Ranks    []int
	Code     string
	Nonce    string
	Total    int64
	Error    string
	Typed    string
	Receipt  string
	Stop     string
	StopHint string
	// Retry offers to type a code again (the stop was about the code).
	Retry bool
	// Results links to the results page (voting has closed).
	Results bool
	Channel string
	// Questions are the yes/no questions beside the agendas, with the
	// answers given so far (pages_ballot_questions.go).
	Questions []BallotQuestion
}

// BallotAgenda is one agenda as the ballot shows it.
type BallotAgenda struct {
	ID      string
	Number  int
	Title   string
	Summary string
	Cost    int64
	Checked bool
	Rank    int
}

// Method helpers for the template.
func (p BallotPage) Ranked() bool   { return p.A.Method == assembly.MethodRanked }
func (p BallotPage) Budget() bool   { return p.A.Method == assembly.MethodBudget }
func (p BallotPage) Approval() bool { return p.A.Method == assembly.MethodApproval }

// Money writes an amount in the page's language.
func (p BallotPage) Money(n int64) string { return money(p.Lang, n) }

// money writes 5,000,000원 in Korean and KRW 5,000,000 in English, as
// every page does.
func money(lang string, n int64) string { return web.Money(lang, n) }

// Left is what the cap leaves after the chosen agendas.
func (p BallotPage) Left() int64 { return p.A.BudgetCap - p.Total }

func (h *Handlers) newBallotPage(c *fiber.Ctx, bi *ballotInfo, step string) BallotPage {
	p := BallotPage{Page: assembly.Page(c, bi.a, bi.a.Dong+" "+bi.a.Title), Step: step, A: bi.a}
	p.NoIndex = true
	for _, g := range bi.agendas {
		p.Agendas = append(p.Agendas, BallotAgenda{ID: g.IDString(), Number: g.Number, Title: g.Title, Summary: g.Summary, Cost: g.Cost})
	}
	for i := 1; i <= min(bi.a.MaxChoices, len(bi.agendas)); i++ {
		p.Ranks = append(p.Ranks, i)
	}
	p.Questions = ballotQuestions(bi)
	return p
}

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
		p.StopHint, p.Retry = i18n.T(p.Lang, "ballot.used_hint"), true
	case "code.unknown", "code.bad_symbol":
		p.StopHint, p.Retry = i18n.T(p.Lang, "ballot.unknown_hint"), true
	case "ballot.closed":
		p.Results = true
	}
	if e.RetryAfter > 0 {
		c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
	}
	c.Status(web.Status(e.Code))
	return h.env.Views.Render(c, "voting/ballot", p)
}

// codeCookie carries the code between the QR scan and the ballot, so that
// the code leaves the address bar after the first request. Its Path is the
// assembly's ballot (/v/{slug}), it is HttpOnly, SameSite=Lax (a QR scan is
// a top-level navigation from elsewhere, which Strict would strip) and
// Secure behind https.
const (
	codeCookie     = "maeul_code"
	codeCookieLife = 2 * time.Hour
)

func (h *Handlers) setCodeCookie(c *fiber.Ctx, bi *ballotInfo, code string, life time.Duration) {
	c.Cookie(&fiber.Cookie{Name: codeCookie, Value: code, Path: "/v/" + bi.a.Slug, MaxAge: int(life.Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: web.SecureCookie(c)})
}

func (h *Handlers) clearCodeCookie(c *fiber.Ctx, bi *ballotInfo) {
	if c.Cookies(codeCookie) != "" {
		h.setCodeCookie(c, bi, "", -time.Second)
	}
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

// ballotPage: with ?code= (a QR card) checks the code without consuming it,
// keeps it in a cookie and redirects to the same page without it; then, or
// with the cookie, shows the choices; without either, asks for the typed
// code.
func (h *Handlers) ballotPage(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	if q := c.Request().URI().QueryArgs(); q.Has("code") {
		plain, _, err := h.svc.LookUpCode(c.UserContext(), bi.a, string(q.Peek("code")))
		if err != nil {
			h.clearCodeCookie(c, bi)
			return h.codeProblem(c, bi, "", h.guessFailed(c, bi.a.ID, err))
		}
		h.setCodeCookie(c, bi, plain, codeCookieLife)
		to := "/v/" + bi.a.Slug
		rest := fasthttpArgsWithout(q, "code")
		if rest != "" {
			to += "?" + rest
		}
		return c.Redirect(to, fiber.StatusSeeOther)
	}
	if code := c.Cookies(codeCookie); code != "" {
		plain, ch, err := h.svc.LookUpCode(c.UserContext(), bi.a, code)
		if err == nil {
			p := h.newBallotPage(c, bi, stepChoose)
			p.Code, p.Nonce, p.Channel = plain, NewNonce(), ch
			return h.env.Views.Render(c, "voting/ballot", p)
		}
		// Used, revoked, closed: the cookie has done its work.
		h.clearCodeCookie(c, bi)
		return h.codeProblem(c, bi, "", h.guessFailed(c, bi.a.ID, err))
	}
	p := h.newBallotPage(c, bi, stepCode)
	if err := votingOpenFor(bi.a, ChannelOnsite, time.Now()); err != nil {
		return h.stop(c, bi, err)
	}
	return h.env.Views.Render(c, "voting/ballot", p)
}

// codeProblem shows why a code was not taken: the typed-code page with the
// message next to the field for a code that is not recognised, malformed
// or one wrong code too many; the stop page for the rest (used, closed…).
func (h *Handlers) codeProblem(c *fiber.Ctx, bi *ballotInfo, typed string, err error) error {
	e := web.Normalize(err)
	if e.Code == maeul.EINVALID || e.Key == "code.unknown" || e.Code == maeul.ETOOMANY {
		p := h.newBallotPage(c, bi, stepCode)
		p.Typed, p.Error = typed, web.Message(p.Lang, e)
		if e.RetryAfter > 0 {
			c.Set("Retry-After", strconv.Itoa(e.RetryAfter))
		}
		c.Status(web.Status(e.Code))
		return h.env.Views.Render(c, "voting/ballot", p)
	}
	return h.stop(c, bi, err)
}

// ballotCode takes a typed code (the venue QR leads here).
func (h *Handlers) ballotCode(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	typed := bodyValue(c, "code")
	plain, ch, err := h.svc.LookUpCode(c.UserContext(), bi.a, typed)
	if err != nil {
		return h.codeProblem(c, bi, typed, h.guessFailed(c, bi.a.ID, err))
	}
	h.setCodeCookie(c, bi, plain, codeCookieLife)
	p := h.newBallotPage(c, bi, stepChoose)
	p.Code, p.Nonce, p.Channel = plain, NewNonce(), ch
	return h.env.Views.Render(c, "voting/ballot", p)
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

// fill marks the chosen agendas (and their ranks) on the page.
func (p *BallotPage) fill(choices []AgendaRef) {
	pos := map[string]int{}
	for i, c := range choices {
		if _, ok := pos[string(c)]; !ok {
			pos[string(c)] = i + 1
		}
	}
	p.Chosen, p.Total = nil, 0
	for i := range p.Agendas {
		if r, ok := pos[p.Agendas[i].ID]; ok {
			p.Agendas[i].Checked, p.Agendas[i].Rank = true, r
		}
	}
	for _, ch := range choices {
		for _, g := range p.Agendas {
			if g.ID == string(ch) {
				p.Chosen = append(p.Chosen, g)
				p.Total += g.Cost
			}
		}
	}
}

// ballotConfirm checks the choices and asks the resident to confirm them.
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
	}
	return h.env.Views.Render(c, "voting/ballot", p)
}

// ballotBack returns to the choices, as they were.
func (h *Handlers) ballotBack(c *fiber.Ctx) error {
	bi, err := h.svc.info(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	choices, _ := formChoices(c, bi, true)
	p := h.newBallotPage(c, bi, stepChoose)
	p.Code, p.Nonce = formCode(c), bodyValue(c, "nonce")
	p.fill(choices)
	p.fillAnswers(formAnswers(c, bi))
	return h.env.Views.Render(c, "voting/ballot", p)
}

// ballotSubmit casts the ballot. A resubmitted form carries the same nonce
// and so shows the same receipt.
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
			return h.env.Views.Render(c, "voting/ballot", p)
		}
		if errors.As(err, &e) && e.Code == maeul.EINVALID && (e.Field == "choices" || e.Field == "answers") {
			p := h.newBallotPage(c, bi, stepChoose)
			p.Code, p.Nonce = code, nonce
			p.fill(choices)
			p.fillAnswers(answers)
			p.Error = web.Message(p.Lang, e)
			c.Status(web.Status(e.Code))
			return h.env.Views.Render(c, "voting/ballot", p)
		}
		return h.stop(c, bi, err)
	}
	h.clearCodeCookie(c, bi)
	p := h.newBallotPage(c, bi, stepReceipt)
	p.Receipt = receipt
	return h.env.Views.Render(c, "voting/ballot", p)
}

// fasthttpArgsWithout encodes the query args without the named one.
func fasthttpArgsWithout(q interface {
	VisitAll(func(k, v []byte))
}, name string) string {
	v := url.Values{}
	q.VisitAll(func(k, val []byte) {
		if string(k) != name {
			v.Add(string(k), string(val))
		}
	})
	return v.Encode()
}
