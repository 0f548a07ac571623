package voting

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// QuestionsPage is the host's list of an assembly's yes/no questions, with
// a form to add one while voting has not opened.
type QuestionsPage struct {
	web.Page
	A         *assembly.Assembly
	Questions []Question
	CanEdit   bool
	Text      string
	Rule      string
	Error     string
	Flash     string
}

var questionFlashes = map[string]string{"added": "question.flash_added", "deleted": "question.flash_deleted"}

func (h *Handlers) renderQuestions(c *fiber.Ctx, id int64, text, rule, errMsg string) error {
	u := account.CurrentUser(c)
	a, err := h.svc.readable(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	qs, err := h.svc.QuestionsFor(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	if rule == "" {
		rule = RuleMajority
	}
	p := QuestionsPage{Page: assembly.Page(c, a, i18n.T(web.Lang(c), "question.title")+" · "+a.Dong), A: a, Questions: qs,
		CanEdit: u.CanManage(a.District, a.Dong) && !a.RulesFrozen(), Text: text, Rule: rule, Error: errMsg}
	p.NoIndex = true
	if k, ok := questionFlashes[c.Query("done")]; ok {
		p.Flash = i18n.T(p.Lang, k)
	}
	return h.env.Views.Render(c, "voting/questions", p)
}

func (h *Handlers) questionsPage(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	return h.renderQuestions(c, id, "", "", "")
}

func (h *Handlers) questionsAdd(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	text, rule := c.FormValue("text"), c.FormValue("rule")
	if _, err := h.svc.AddQuestion(c.UserContext(), account.CurrentUser(c), id, text, rule); err != nil {
		return h.questionsFail(c, id, text, rule, err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/questions?done=added", fiber.StatusSeeOther)
}

func (h *Handlers) questionsDelete(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteQuestion(c.UserContext(), account.CurrentUser(c), id, web.ParseID(c.Params("question"))); err != nil {
		return h.questionsFail(c, id, "", "", err)
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/questions?done=deleted", fiber.StatusSeeOther)
}

// questionsFail shows the page again with the message and what was typed.
func (h *Handlers) questionsFail(c *fiber.Ctx, id int64, text, rule string, err error) error {
	var e *maeul.Error
	if !errors.As(err, &e) || e.Code == maeul.EFORBIDDEN || e.Key == "assembly.not_found" {
		return err
	}
	c.Status(web.Status(e.Code))
	return h.renderQuestions(c, id, text, rule, web.Message(web.Lang(c), e))
}
