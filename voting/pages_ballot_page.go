package voting

import (
	"crypto/sha256"
	"encoding/base64"
	"html/template"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul/assembly"
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

// BallotPage is the data of every step of /v/{slug}. The template
// (voting/ballot) has one partial per step and one per section of the
// choose step (ballot_agendas, ballot_bar), so that another kind of
// question is one more section.
type BallotPage struct {
	web.Page
	Step    string
	A       *assembly.Assembly
	Agendas []BallotAgenda
	Chosen  []BallotAgenda
	Ranks   []int
	// Points is what each rank is worth (ranked ballots).
	Points   []RankPoint
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
	// Voted: the stop is a card whose vote was already received (a
	// re-scan): said calmly, with the way to check the receipt.
	Voted   bool
	Channel string
	// CSS and JS are the ballot's stylesheet and script, inlined (one
	// round trip on a slow line); the CSP allows exactly these by hash.
	CSS template.CSS
	JS  template.JS
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
	Points  int
}

// RankPoint is a rank and the Borda points it gives (rank r of K: K−r+1).
type RankPoint struct{ Rank, Points int }

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

// PointsText is "1순위 3점 · 2순위 2점 · 3순위 1점".
func (p BallotPage) PointsText() string {
	parts := make([]string, len(p.Points))
	for i, rp := range p.Points {
		parts[i] = p.T("ballot.rank_points", rp.Rank, rp.Points)
	}
	return strings.Join(parts, " · ")
}

func (h *Handlers) newBallotPage(c *fiber.Ctx, bi *ballotInfo, step string) BallotPage {
	p := BallotPage{Page: assembly.Page(c, bi.a, bi.a.Dong+" "+bi.a.Title), Step: step, A: bi.a}
	p.NoIndex = true
	for _, g := range bi.agendas {
		p.Agendas = append(p.Agendas, BallotAgenda{ID: g.IDString(), Number: g.Number, Title: g.Title, Summary: g.Summary, Cost: g.Cost})
	}
	for i := 1; i <= min(bi.a.MaxChoices, len(bi.agendas)); i++ {
		p.Ranks = append(p.Ranks, i)
		p.Points = append(p.Points, RankPoint{i, bi.a.MaxChoices - i + 1})
	}
	p.Questions = ballotQuestions(bi)
	return p
}

// fill marks the chosen agendas (and their ranks) on the page. The confirm
// list is in rank order for a ranked ballot, in agenda order otherwise: an
// approval ballot has no order, and must not look as if it had one.
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
			p.Agendas[i].Points = p.A.MaxChoices - r + 1
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
	if !p.Ranked() {
		sort.SliceStable(p.Chosen, func(a, b int) bool { return p.Chosen[a].Number < p.Chosen[b].Number })
	}
}

// inlineAssets is the ballot's CSS and JS, read once, with the CSP
// directives that allow exactly them.
type inlineAssets struct {
	once sync.Once
	css  template.CSS
	js   template.JS
	csp  string
}

func (h *Handlers) inlined() *inlineAssets {
	in := &h.inline
	in.once.Do(func() {
		a := h.env.Assets
		css := string(a.Bytes("css/app.css")) + "\n" + string(a.Bytes("css/ballot.css"))
		js := string(a.Bytes("js/app.js")) + "\n" + string(a.Bytes("js/ballot.js"))
		in.css, in.js = template.CSS(css), template.JS(js)
		in.csp = "; style-src 'self' '" + sha256B64(css) + "'; script-src 'self' '" + sha256B64(js) + "'"
	})
	return in
}

func sha256B64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// render writes a ballot step with its inlined CSS and JS, and a CSP that
// allows those two by their hashes and no other inline code.
func (h *Handlers) render(c *fiber.Ctx, p BallotPage) error {
	in := h.inlined()
	p.CSS, p.JS = in.css, in.js
	if csp := c.Response().Header.Peek("Content-Security-Policy"); len(csp) > 0 && !strings.Contains(string(csp), "style-src") {
		c.Set("Content-Security-Policy", string(csp)+in.csp)
	}
	return h.env.Views.Render(c, "voting/ballot", p)
}

// codeCookie carries the code between the QR scan and the ballot, so that
// later steps need no code in their address. Its Path is the assembly's
// ballot (/v/{slug}), it is HttpOnly, SameSite=Lax (a QR scan is a
// top-level navigation from elsewhere, which Strict would strip) and
// Secure behind https. pickCookie and receiptCookie are sealed (see
// Service.sealCookie).
const (
	codeCookie        = "maeul_code"
	pickCookie        = "maeul_pick"
	receiptCookie     = "maeul_receipt"
	codeCookieLife    = 2 * time.Hour
	receiptCookieLife = 12 * time.Hour
)

func (h *Handlers) setCookie(c *fiber.Ctx, bi *ballotInfo, name, value string, life time.Duration) {
	c.Cookie(&fiber.Cookie{Name: name, Value: value, Path: "/v/" + bi.a.Slug, MaxAge: int(life.Seconds()),
		HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode, Secure: web.SecureCookie(c)})
}

func (h *Handlers) clearCookie(c *fiber.Ctx, bi *ballotInfo, name string) {
	if c.Cookies(name) != "" {
		h.setCookie(c, bi, name, "", -time.Second)
	}
}

func (h *Handlers) setCodeCookie(c *fiber.Ctx, bi *ballotInfo, code string, life time.Duration) {
	h.setCookie(c, bi, codeCookie, code, life)
}

func (h *Handlers) clearCodeCookie(c *fiber.Ctx, bi *ballotInfo) { h.clearCookie(c, bi, codeCookie) }

// pick is the choices between "next" and "cast", kept for one code.
type pick struct {
	code, nonce string
	choices     []AgendaRef
	answers     map[string]string // question id → yes, no, abstain
}

func (h *Handlers) setPick(c *fiber.Ctx, bi *ballotInfo, pk pick) {
	ids := make([]string, len(pk.choices))
	for i, ch := range pk.choices {
		ids[i] = strings.TrimSpace(string(ch))
	}
	var answers []string
	for q, a := range pk.answers {
		answers = append(answers, strings.TrimSpace(q)+":"+strings.TrimSpace(a))
	}
	sort.Strings(answers)
	h.setCookie(c, bi, pickCookie, h.svc.sealCookie(cookiePick, bi.a.Slug, pk.code, pk.nonce, strings.Join(ids, ","),
		strings.Join(answers, ",")), codeCookieLife)
}

// readPick returns the pick of this code, if the browser holds one.
func (h *Handlers) readPick(c *fiber.Ctx, bi *ballotInfo, code string) (pick, bool) {
	parts, ok := h.svc.openCookie(cookiePick, bi.a.Slug, c.Cookies(pickCookie), 4)
	if !ok || parts[0] != code || code == "" {
		return pick{}, false
	}
	pk := pick{code: parts[0], nonce: parts[1]}
	if parts[2] != "" {
		for _, id := range strings.Split(parts[2], ",") {
			pk.choices = append(pk.choices, AgendaRef(id))
		}
	}
	if parts[3] != "" {
		pk.answers = map[string]string{}
		for _, qa := range strings.Split(parts[3], ",") {
			if q, a, ok := strings.Cut(qa, ":"); ok {
				pk.answers[q] = a
			}
		}
	}
	return pk, true
}

// readReceipt returns the receipt this browser got for a ballot of this
// assembly, and the code it was cast with.
func (h *Handlers) readReceipt(c *fiber.Ctx, bi *ballotInfo) (code, receipt string) {
	parts, ok := h.svc.openCookie(cookieReceipt, bi.a.Slug, c.Cookies(receiptCookie), 2)
	if !ok {
		return "", ""
	}
	return parts[0], parts[1]
}
