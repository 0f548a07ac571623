package assembly

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

func (h *Handlers) apiList(c *fiber.Ctx) error {
	list, err := h.svc.ListAssemblies(c.UserContext(), ScopeOf(account.CurrentUser(c)))
	if err != nil {
		return err
	}
	out := make([]AssemblyJSON, 0, len(list))
	for _, a := range list {
		j := JSON(a, nil)
		j.Agendas = nil
		out = append(out, j)
	}
	return c.JSON(fiber.Map{"assemblies": out})
}

func (h *Handlers) apiCreate(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	b := assemblyBody{Sealed: true, TieBreak: TieBreakCostAsc}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	if u.Role != account.RoleDong {
		return account.Forbid()
	}
	if strings.TrimSpace(b.District) == "" && strings.TrimSpace(b.Dong) == "" {
		b.District, b.Dong = u.District, u.Dong // a dong host's own dong by default
	}
	if !u.CanManage(strings.TrimSpace(b.District), strings.TrimSpace(b.Dong)) {
		return account.Forbid()
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	a, err := h.svc.CreateAssembly(c.UserContext(), in, &u.ID)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(JSON(a, nil))
}

func (h *Handlers) apiGet(c *fiber.Ctx) error {
	a, err := h.load(c, false)
	if err != nil {
		return err
	}
	return h.answerAssembly(c, a)
}

func (h *Handlers) apiUpdate(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	b := bodyOf(InputOf(a))
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	a, err = h.svc.UpdateAssembly(c.UserContext(), a.ID, in)
	if err != nil {
		return err
	}
	return h.answerAssembly(c, a)
}

func (h *Handlers) apiPublish(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	if a, err = h.svc.Publish(c.UserContext(), a.ID); err != nil {
		return err
	}
	// Published all the same; the agendas without a final review are named.
	ws, err := h.svc.PublishWarnings(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	type warning struct {
		Code   string `json:"code"`
		Agenda string `json:"agenda"`
		Number int    `json:"number"`
		Title  string `json:"title"`
	}
	out := struct {
		AssemblyJSON
		Warnings []warning `json:"warnings"`
	}{AssemblyJSON: JSON(a, nil), Warnings: []warning{}}
	for _, g := range ws {
		out.Warnings = append(out.Warnings, warning{Code: "no_final_review", Agenda: g.IDString(), Number: g.Number, Title: g.Title})
	}
	return c.JSON(out)
}

func (h *Handlers) apiUnpublish(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	if a, err = h.svc.Unpublish(c.UserContext(), a.ID); err != nil {
		return err
	}
	return c.JSON(JSON(a, nil))
}

// answerAssembly answers an assembly with its agendas, as GET shows it.
func (h *Handlers) answerAssembly(c *fiber.Ctx, a *Assembly) error {
	gs, err := h.svc.FindAgendas(c.UserContext(), a.ID)
	if err != nil {
		return err
	}
	return c.JSON(JSON(a, gs))
}
