package registration

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

func assemblyID(c *fiber.Ctx) (int64, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return id, nil
}

// RegisterRequest is the body of POST /api/v1/assemblies/{id}/registrations.
type RegisterRequest struct {
	Name      string `json:"name"`
	BirthDate string `json:"birth_date"`
	Category  string `json:"category"`
	Channel   string `json:"channel"`
	Booth     any    `json:"booth"` // an early booth's id (string or number)
}

func (h *Handlers) apiRegister(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	var req RegisterRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	p := Person{Name: req.Name, BirthDate: req.BirthDate, Category: req.Category, Channel: req.Channel}
	switch b := req.Booth.(type) {
	case string:
		p.Booth = web.ParseID(b)
	case float64:
		p.Booth = int64(b)
	}
	r, err := h.svc.Register(c.UserContext(), account.CurrentUser(c), id, p)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	out := fiber.Map{"code": r.Code.Code, "short": r.Code.Short, "url": r.Code.URL, "channel": r.Channel,
		"category": r.Category, "age_band": r.AgeBand}
	if r.Place != "" {
		out["place"] = r.Place
	}
	return c.Status(fiber.StatusCreated).JSON(out)
}

func (h *Handlers) apiStats(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	st, err := h.svc.Stats(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

func (h *Handlers) apiBooths(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	_, bs, err := h.svc.Booths(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"booths": bs})
}

// boothBody reads a booth; times are RFC 3339.
func boothBody(c *fiber.Ctx) (BoothInput, error) {
	var req struct {
		Place    string `json:"place"`
		StartsAt string `json:"starts_at"`
		EndsAt   string `json:"ends_at"`
	}
	if err := web.DecodeJSON(c, &req); err != nil {
		return BoothInput{}, err
	}
	in := BoothInput{Place: req.Place}
	var err error
	if in.StartsAt, err = time.Parse(time.RFC3339, req.StartsAt); err != nil {
		return in, maeul.FieldErrorf(maeul.EINVALID, "starts_at", "booth.no_start")
	}
	if in.EndsAt, err = time.Parse(time.RFC3339, req.EndsAt); err != nil {
		return in, maeul.FieldErrorf(maeul.EINVALID, "ends_at", "booth.bad_window")
	}
	return in, nil
}

func (h *Handlers) apiCreateBooth(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	in, err := boothBody(c)
	if err != nil {
		return err
	}
	b, err := h.svc.CreateBooth(c.UserContext(), account.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(b)
}

func (h *Handlers) apiUpdateBooth(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	in, err := boothBody(c)
	if err != nil {
		return err
	}
	b, err := h.svc.UpdateBooth(c.UserContext(), account.CurrentUser(c), id, web.ParseID(c.Params("booth")), in)
	if err != nil {
		return err
	}
	return c.JSON(b)
}

func (h *Handlers) apiDeleteBooth(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := h.svc.DeleteBooth(c.UserContext(), account.CurrentUser(c), id, web.ParseID(c.Params("booth"))); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
