package result

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// POST /api/v1/assemblies/{id}/submit [{"reply"}] → 201 the submission
// record. The body is optional; a resubmission carries the dong's reply.
func (h *Handlers) apiSubmit(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var in struct {
		Reply string `json:"reply"`
	}
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &in); err != nil {
			return err
		}
	}
	rec, err := h.svc.Submit(c.UserContext(), id, account.CurrentUser(c), in.Reply)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rec)
}

// GET /api/v1/submissions/{id}
func (h *Handlers) apiSubmission(c *fiber.Ctx) error {
	ctx := c.UserContext()
	rec, err := h.svc.ReadableSubmission(ctx, account.CurrentUser(c), web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	v, _, err := h.svc.View(ctx, rec)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// POST /api/v1/submissions/{id}/return {"reason"}
func (h *Handlers) apiReturn(c *fiber.Ctx) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	rec, err := h.svc.Return(c.UserContext(), web.ParseID(c.Params("id")), account.CurrentUser(c), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

// POST /api/v1/submissions/{id}/designate {"designations": [{"agenda_id","department"}]}
// (or one {"agenda_id","department"}).
func (h *Handlers) apiDesignate(c *fiber.Ctx) error {
	var in struct {
		Designations []Designation `json:"designations"`
		AgendaID     string        `json:"agenda_id"`
		Department   string        `json:"department"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if in.AgendaID != "" {
		in.Designations = append(in.Designations, Designation{AgendaID: in.AgendaID, Department: in.Department})
	}
	ctx := c.UserContext()
	rec, err := h.svc.Designate(ctx, web.ParseID(c.Params("id")), account.CurrentUser(c), in.Designations)
	if err != nil {
		return err
	}
	v, _, err := h.svc.View(ctx, rec)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
