package planning

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

func (h *Handlers) apiSurvey(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	sv, err := h.svc.Survey(c.UserContext(), account.CurrentUser(c), year, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": sv.Year, "district": sv.District, "dong": sv.Dong, "entries": nonNil(sv.Entries),
		"status": sv.Status, "files": nonNil(sv.Files), "discovered": nonNil(sv.Discovered)})
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handlers) apiAddEntry(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	var in EntryInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	e, err := h.svc.AddEntry(c.UserContext(), account.CurrentUser(c), year, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(e)
}

func (h *Handlers) apiSaveStatus(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	var in DongStatus
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SaveDongStatus(c.UserContext(), account.CurrentUser(c), year, in); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h *Handlers) apiAddDiscovered(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	var b struct {
		Title       string `json:"title"`
		Description string `json:"description"`
		Entry       int64  `json:"entry"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	d, err := h.svc.AddDiscovered(c.UserContext(), account.CurrentUser(c), year, b.Title, b.Description, b.Entry)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handlers) apiMakeDraft(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	var b struct {
		Assembly string `json:"assembly"`
	}
	if len(c.Body()) > 0 {
		if err := web.DecodeJSON(c, &b); err != nil {
			return err
		}
	}
	g, err := h.svc.MakeDraft(c.UserContext(), account.CurrentUser(c), id, web.ParseID(b.Assembly))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(assembly.AgendaView(g))
}
