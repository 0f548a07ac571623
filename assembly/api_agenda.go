package assembly

import (
	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/web"
)

func (h *Handlers) apiAddAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	var in AgendaInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	g, err := h.svc.AddAgenda(c.UserContext(), a.ID, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(AgendaView(g))
}

func (h *Handlers) apiUpdateAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	gid := web.ParseID(c.Params("agendaID"))
	if gid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	g, err := h.svc.UpdateAgenda(c.UserContext(), a.ID, gid, func(in *AgendaInput) error {
		return web.DecodeJSON(c, in)
	})
	if err != nil {
		return err
	}
	return c.JSON(AgendaView(g))
}

func (h *Handlers) apiDeleteAgenda(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	gid := web.ParseID(c.Params("agendaID"))
	if gid == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "agenda.not_found")
	}
	if err := h.svc.DeleteAgenda(c.UserContext(), a.ID, gid); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) apiReorder(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	var b struct {
		Order []any `json:"order"` // ids as strings (or numbers, leniently)
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	order := make([]int64, 0, len(b.Order))
	for _, v := range b.Order {
		var id int64
		switch v := v.(type) {
		case string:
			id = web.ParseID(v)
		case float64:
			if v == float64(int64(v)) {
				id = int64(v)
			}
		}
		if id <= 0 {
			return maeul.FieldErrorf(maeul.EINVALID, "order", "agenda.bad_order")
		}
		order = append(order, id)
	}
	if err := h.svc.ReorderAgendas(c.UserContext(), a.ID, order); err != nil {
		return err
	}
	return h.answerAssembly(c, a)
}
