package result

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// ResultsPage is the data of /r/{slug} and of the host's review page.
type ResultsPage struct {
	page
	A *assembly.Assembly
	R *Result
	// Pending: the results are not public yet (nothing but a notice is shown).
	Pending bool
	// Preview: a host sees the closed, not yet announced result.
	Preview bool
	// Host: the review page with the announce button and the exports.
	Host bool
	// K is the least number of ballots every channel needs before the
	// split of choices by channel is shown.
	K            int
	CanAnnounce  bool
	CanSubmit    bool
	Rows         []ResultRow
	Turnout      []TurnoutRow
	TieBreakRule string
	MaxScore     int64
	// Receipt check.
	Receipt      string
	ReceiptState string // "", "found", "missing", "bad"
	// Host extras.
	SubmissionSHA string
	Submission    *SubmissionRecord
	Deadline      string
	Audit         []AuditEntry
	Announced     bool
	// A refused submit form's problem, and the step just done (?done=).
	Error, Done string
	// Left is what the cap leaves after the selected agendas.
	Left int64

	// Final is the city committee's decision per agenda id, once made.
	Final map[string]string
}

// ResultRow is one agenda's line on the page.
type ResultRow struct {
	AgendaResult
	Score    int64
	BarPct   int64
	NoteText string
	// LineAfter draws the budget line after this row: the last selected
	// agenda in priority order.
	LineAfter bool
	ranked    bool
}

// ChannelScore is the agenda's count within one channel: points for ranked
// ballots, votes otherwise.
func (r ResultRow) ChannelScore(ch string) int64 {
	if r.ranked {
		return r.Channels[ch].Points
	}
	return r.Channels[ch].Votes
}

// TurnoutRow is one channel's ballots.
type TurnoutRow struct {
	Channel string
	Label   string
	Ballots int64
	Pct     int64
}

func fillResultsPage(p *ResultsPage) {
	lang := p.Lang
	r := p.R
	p.TieBreakRule = TieBreakRule(lang, r.TieBreak)
	p.Left = r.BudgetCap - r.Allocated
	lastSel := -1
	for i, x := range r.Agendas {
		sc := x.Votes
		if r.Method == MethodRanked {
			sc = x.Points
		}
		p.MaxScore = max(p.MaxScore, sc)
		if x.Selected {
			lastSel = i
		}
	}
	for i, x := range r.Agendas {
		row := ResultRow{AgendaResult: x, Score: x.Votes, NoteText: x.Note, LineAfter: i == lastSel, ranked: r.Method == MethodRanked}
		if r.Method == MethodRanked {
			row.Score = x.Points
		}
		if lang == "en" {
			row.NoteText = x.NoteEn
		}
		if p.MaxScore > 0 {
			row.BarPct = row.Score * 100 / p.MaxScore
		}
		p.Rows = append(p.Rows, row)
	}
	for _, ch := range Channels {
		t := TurnoutRow{Channel: ch, Label: i18n.T(lang, "result.channel."+ch), Ballots: r.Channels[ch]}
		if r.Ballots > 0 {
			// Rounded, not truncated: 3 of 16 is 19%, not 18%.
			t.Pct = (t.Ballots*200 + r.Ballots) / (2 * r.Ballots)
		}
		p.Turnout = append(p.Turnout, t)
	}
}

// GET /r/{slug}: public once announced; a host who may read the assembly
// previews it once closed.
func (h *Handlers) resultsPage(c *fiber.Ctx) error {
	return h.renderPublic(c, "", "")
}

func (h *Handlers) renderPublic(c *fiber.Ctx, receipt, receiptState string) error {
	ctx := c.UserContext()
	a, err := h.svc.AssemblyBySlug(ctx, c.Params("slug"))
	if err != nil {
		return err
	}
	if a.State == assembly.StateDraft {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	lang := web.Lang(c)
	p := &ResultsPage{page: newPage(c, i18n.T(lang, "result.page_title", a.Title)), A: a, K: h.svc.k(),
		Receipt: receipt, ReceiptState: receiptState}
	p.Rehearsal = a.RehearsalOf != nil
	p.Wide = true
	u := account.CurrentUser(c)
	if !CanShow(a, u) {
		p.Pending = true
		return h.env.Views.Render(c, "result/results", p)
	}
	p.Preview = a.State != assembly.StateAnnounced
	if p.Preview {
		p.NoIndex = true
	}
	r, err := h.svc.Result(ctx, a)
	if err != nil {
		return err
	}
	p.R = r
	p.Announced = a.State == assembly.StateAnnounced
	fillResultsPage(p)
	if p.Final, err = h.svc.FinalDecisions(ctx, a.ID); err != nil {
		return err
	}
	return h.env.Views.Render(c, "result/results", p)
}

// POST /r/{slug}/receipt: is this receipt among the counted ballots? The
// answer is yes or no; no choice is shown. Limited per client address.
func (h *Handlers) receiptForm(c *fiber.Ctx) error {
	if err := h.env.SharedLimit(c, "receipt", receiptsPerMinute); err != nil {
		return err
	}
	a, err := h.svc.AssemblyBySlug(c.UserContext(), c.Params("slug"))
	if err != nil {
		return err
	}
	receipt := strings.TrimSpace(c.FormValue("receipt"))
	state := "bad"
	if receipt != "" && len(receipt) <= 64 && CanShow(a, account.CurrentUser(c)) {
		ok, err := h.svc.CheckReceipt(c.UserContext(), a, receipt)
		if err != nil {
			return err
		}
		state = "missing"
		if ok {
			state = "found"
		}
	}
	return h.renderPublic(c, receipt, state)
}

// GET /host/assemblies/{id}/results: the host's review, with the announce
// button (dong host, once closed), the exports and the submission.
func (h *Handlers) hostResultsPage(c *fiber.Ctx) error {
	return h.renderHostResults(c, "")
}

// renderHostResults draws the host's review; msg is a refused form's
// problem (the page answers 422 then).
func (h *Handlers) renderHostResults(c *fiber.Ctx, msg string) error {
	ctx := c.UserContext()
	a, err := h.assemblyParam(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	if !u.CanRead(a.District, a.Dong) {
		return account.Forbid()
	}
	lang := web.Lang(c)
	p := &ResultsPage{page: newPage(c, i18n.T(lang, "result.host_title", a.Title)), A: a, Host: true, K: h.svc.k()}
	p.NoIndex, p.Wide, p.Rehearsal = true, true, a.RehearsalOf != nil
	if !CanShow(a, u) {
		p.Pending = true
		return h.env.Views.Render(c, "result/results", p)
	}
	r, err := h.svc.Result(ctx, a)
	if err != nil {
		return err
	}
	p.R = r
	p.Announced = a.State == assembly.StateAnnounced
	p.Preview = !p.Announced
	p.CanAnnounce = a.State == assembly.StateClosed && u.CanManage(a.District, a.Dong)
	fillResultsPage(p)
	sub, err := h.svc.Submission(ctx, a)
	if err != nil {
		return err
	}
	p.SubmissionSHA = sub.SHA256()
	rec, err := h.svc.SubmissionOf(ctx, a.ID)
	if err != nil {
		return err
	}
	p.Submission = rec
	p.CanSubmit = p.Announced && u.CanManage(a.District, a.Dong) && a.RehearsalOf == nil &&
		(rec == nil || rec.State == SubmissionReturned)
	dl, err := h.svc.Deadlines(ctx, PlanYear(a))
	if err != nil {
		return err
	}
	p.Deadline = web.FormatDate(lang, dl.DongDue)
	p.Audit, err = h.svc.Audit(ctx, u, lang, a.District, a.Dong, 50)
	if err != nil {
		return err
	}
	p.Error, p.Done = msg, doneMessage(c)
	if msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "result/results", p)
}

// POST /host/assemblies/{id}/announce (form, CSRF): announce, then back to
// the review page.
func (h *Handlers) announceForm(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if c.FormValue("confirm") != "yes" {
		return maeul.FieldErrorf(maeul.EINVALID, "confirm", "result.announce_confirm_needed")
	}
	if _, err := h.svc.AnnounceConfirmed(c.UserContext(), id, account.CurrentUser(c), c.FormValue("confirm_invalid") == "yes"); err != nil {
		return err
	}
	return c.Redirect("/host/assemblies/"+c.Params("id")+"/results", fiber.StatusSeeOther)
}
