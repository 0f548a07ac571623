package rehearsal

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// startRequest is the body of POST /api/v1/rehearsals. Assembly is the
// assembly's slug (a string) or its id (a number or a string of digits).
type startRequest struct {
	Assembly json.RawMessage `json:"assembly"`
	Phones   int             `json:"phones"`
	Minutes  float64         `json:"minutes"`
}

// ref reads the assembly reference: a string, or a number as its digits.
func (r startRequest) ref() (string, error) {
	var ref string
	if err := json.Unmarshal(r.Assembly, &ref); err != nil {
		var n int64
		if json.Unmarshal(r.Assembly, &n) != nil {
			return "", maeul.FieldErrorf(maeul.EINVALID, "assembly", "rehearsal.need_assembly")
		}
		ref = strconv.FormatInt(n, 10)
	}
	return ref, nil
}

func (h *Handlers) startAPI(c *fiber.Ctx) error {
	var req startRequest
	if err := web.DecodeJSON(c, &req); err != nil {
		return err
	}
	ref, err := req.ref()
	if err != nil {
		return err
	}
	a, err := h.svc.Lookup(c.UserContext(), web.ParseID(ref), ref)
	if err != nil {
		return err
	}
	r, err := h.svc.Start(c.UserContext(), account.CurrentUser(c), a.ID, req.Phones, time.Duration(req.Minutes*float64(time.Minute)))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h *Handlers) runAPI(c *fiber.Ctx) error {
	r, _, err := h.svc.ReadableRun(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("run")))
	if err != nil {
		return err
	}
	if r.Progress.Report != nil {
		r.Report = r.Progress.Report.Text(web.Lang(c))
	}
	return c.JSON(r)
}
