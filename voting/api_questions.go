package voting

import (
	"bytes"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// GET /api/v1/assemblies/{id}/questions → {"questions": [{"id","text","rule"}]}
func (h *Handlers) apiQuestions(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	qs, err := h.svc.QuestionsFor(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	out := make([]map[string]string, 0, len(qs))
	for _, q := range qs {
		out = append(out, q.apiJSON())
	}
	return c.JSON(fiber.Map{"questions": out})
}

// POST /api/v1/assemblies/{id}/questions {"text", "rule"} → 201 {"id"};
// 409 once voting opened.
func (h *Handlers) apiAddQuestion(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Text string `json:"text"`
		Rule string `json:"rule"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	qid, err := h.svc.AddQuestion(c.UserContext(), account.CurrentUser(c), id, req.Text, req.Rule)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": Question{ID: qid}.IDString()})
}

// DELETE /api/v1/assemblies/{id}/questions/{question} → 204; 409 once
// voting opened.
func (h *Handlers) apiDeleteQuestion(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	qid := web.ParseID(c.Params("question"))
	if qid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "question.not_found")
	}
	if err := h.svc.DeleteQuestion(c.UserContext(), account.CurrentUser(c), id, qid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PaperBallot is one paper ballot as the API takes it: a list of agenda
// ids (as before) or {"choices": […], "answers": {"<question id>": "yes"}}.
type PaperBallot struct {
	Choices []AgendaRef
	Answers map[string]string
}

// UnmarshalJSON accepts a list of choices or an object with its answers.
func (p *PaperBallot) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &p.Choices)
	}
	var o struct {
		Choices []AgendaRef       `json:"choices"`
		Answers map[string]string `json:"answers"`
	}
	if err := json.Unmarshal(b, &o); err != nil {
		return err
	}
	p.Choices, p.Answers = o.Choices, o.Answers
	return nil
}

// splitPaper separates the choices and the answers of paper ballots.
func splitPaper(ps []PaperBallot) ([][]AgendaRef, []map[string]string) {
	choices := make([][]AgendaRef, len(ps))
	answers := make([]map[string]string, len(ps))
	for i, p := range ps {
		choices[i], answers[i] = p.Choices, p.Answers
	}
	return choices, answers
}
