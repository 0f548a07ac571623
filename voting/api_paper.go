package voting

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

func (h *Handlers) apiPaper(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Ballots []PaperBallot `json:"ballots"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	choices, answers := splitPaper(req.Ballots)
	ids, err := h.svc.EnterPaperAnswered(c.UserContext(), account.CurrentUser(c), id, choices, answers)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"created": len(ids), "ballots": ids})
}

// apiPaperLog lists the paper-ballot log (choices, staff, times). While a
// sealed vote is open only the dong's own hosts see it: district and city
// hosts get an empty list and a note, so nobody above the desk follows the
// count as it is entered.
func (h *Handlers) apiPaperLog(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	a, err := h.svc.readable(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	if a.Sealed && a.State == assembly.StateOpen && !u.CanManage(a.District, a.Dong) {
		return c.JSON(fiber.Map{"entries": []PaperEntry{}, "hidden": true,
			"note": i18n.T(web.Lang(c), "paper.log_sealed")})
	}
	log, err := h.svc.PaperEntries(c.UserContext(), u, id, 1000)
	if err != nil {
		return err
	}
	if log == nil {
		log = []PaperEntry{}
	}
	return c.JSON(fiber.Map{"entries": log})
}

func (h *Handlers) apiPaperCorrect(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Choices []AgendaRef       `json:"choices"`
		Answers map[string]string `json:"answers"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	if err := h.svc.CorrectPaperAnswered(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), req.Choices, req.Answers, false); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ballot": c.Params("ballot"), "action": "correct"})
}

func (h *Handlers) apiPaperVoid(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.CorrectPaper(c.UserContext(), account.CurrentUser(c), id, c.Params("ballot"), nil, true); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ballot": c.Params("ballot"), "action": "void"})
}
