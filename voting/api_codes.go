package voting

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

func (h *Handlers) apiOpen(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Open(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handlers) apiClose(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Close(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// apiReveal is POST /api/v1/assemblies/{id}/reveal: the projector may show
// the ranking of a closed assembly.
func (h *Handlers) apiReveal(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Reveal(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

func (h *Handlers) apiIssueCodes(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Count   int    `json:"count"`
		Channel string `json:"channel"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	_, batch, codes, err := h.svc.IssueCodes(c.UserContext(), account.CurrentUser(c), id, req.Count, req.Channel)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"batch": strconv.FormatInt(batch, 10), "codes": codes})
}

func (h *Handlers) apiRevoke(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Batch string `json:"batch"`
		Code  string `json:"code"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	u := account.CurrentUser(c)
	switch {
	case req.Batch != "":
		b := web.ParseID(req.Batch)
		if b == 0 {
			return maeul.FieldErrorf(maeul.ENOTFOUND, "batch", "code.no_batch")
		}
		n, err := h.svc.RevokeBatch(c.UserContext(), u, id, b)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"revoked": n})
	case req.Code != "":
		if err := h.svc.RevokeCode(c.UserContext(), u, id, req.Code); err != nil {
			return err
		}
		return c.JSON(fiber.Map{"revoked": 1})
	}
	return maeul.FieldErrorf(maeul.EINVALID, "code", "code.revoke_what")
}

// apiReprint is POST /api/v1/assemblies/{id}/codes/reprint
// {"batch","from","to"}: the unused cards of that range again.
func (h *Handlers) apiReprint(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req struct {
		Batch string `json:"batch"`
		From  int    `json:"from"`
		To    int    `json:"to"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	b := web.ParseID(req.Batch)
	if b == 0 {
		return maeul.FieldErrorf(maeul.ENOTFOUND, "batch", "code.no_batch")
	}
	r, err := h.svc.Reprint(c.UserContext(), account.CurrentUser(c), id, b, req.From, req.To)
	if err != nil {
		return err
	}
	skipped := r.Skipped
	if skipped == nil {
		skipped = []int{}
	}
	c.Set("Cache-Control", "no-store")
	return c.JSON(fiber.Map{"batch": strconv.FormatInt(b, 10), "codes": r.Codes, "skipped": skipped})
}

func (h *Handlers) apiCodeBatches(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	_, st, err := h.svc.ConsoleStats(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(st)
}
