package voting

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// PaperPage is the fast keyboard entry of paper ballots.
type PaperPage struct {
	web.Page
	A       *assembly.Assembly
	Agendas []assembly.Agenda
	Entries []PaperEntry
	Typed   string
	Error   string
	Saved   string
	Flash   string
	Count   int64
	// Questions each paper ballot answers (pages_ballot_questions.go).
	Questions []BallotQuestion
}

// paperFlashes are the only confirmations a redirect may ask the paper
// page to show.
var paperFlashes = map[string]string{"corrected": "paper.flash_corrected", "voided": "paper.flash_voided"}

// Money writes an amount in the page's language.
func (p PaperPage) Money(n int64) string { return money(p.Lang, n) }

func (h *Handlers) renderPaper(c *fiber.Ctx, id int64, typed, errMsg string) error {
	d, err := h.svc.Desk(c.UserContext(), account.CurrentUser(c), id, 20)
	if err != nil {
		return err
	}
	a := d.A
	p := PaperPage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "paper.title")+" · "+a.Dong), A: a, Agendas: d.Agendas, Entries: d.Entries,
		Typed: typed, Error: errMsg, Saved: c.Query("saved"), Count: d.Count}
	p.NoIndex = true
	p.Questions = paperQuestions(c, d.Questions)
	if k, ok := paperFlashes[c.Query("done")]; ok {
		p.Flash = i18n.T(p.Lang, k)
	}
	return h.env.Views.Render(c, "voting/paper", p)
}

func (h *Handlers) paperPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return h.renderPaper(c, id, "", "")
}

// paperFail shows the entry page again with the message and what was typed.
func (h *Handlers) paperFail(c *fiber.Ctx, id int64, typed string, err error) error {
	var e *maeul.Error
	if !errors.As(err, &e) || e.Code == maeul.EFORBIDDEN || e.Key == "assembly.not_found" {
		return err
	}
	c.Status(web.Status(e.Code))
	return h.renderPaper(c, id, typed, web.Message(web.Lang(c), e))
}

func (h *Handlers) paperEnter(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	typed := c.FormValue("numbers")
	if err := h.svc.EnterPaperNumbersAnswered(c.UserContext(), account.CurrentUser(c), id, typed, paperAnswers(c)); err != nil {
		return h.paperFail(c, id, typed, err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/paper?saved="+url.QueryEscape(strings.Join(strings.Fields(typed), " ")), fiber.StatusSeeOther)
}

func (h *Handlers) paperCorrect(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.CorrectPaperNumbers(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), c.FormValue("numbers")); err != nil {
		return h.paperFail(c, id, "", err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/paper?done=corrected", fiber.StatusSeeOther)
}

func (h *Handlers) paperVoid(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.CorrectPaper(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), nil, true); err != nil {
		return h.paperFail(c, id, "", err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/paper?done=voided", fiber.StatusSeeOther)
}
