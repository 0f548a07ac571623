package live

import (
	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// apiTally is GET /api/v1/assemblies/{id}/tally: the tally object of
// API.md, counted now.
func (h *Handlers) apiTally(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := h.svc.Assembly(c.UserContext(), id)
	if err != nil {
		return err
	}
	link, err := h.mayView(c, a)
	if err != nil {
		return err
	}
	t, err := h.svc.Current(c.UserContext(), id)
	if err != nil {
		return err
	}
	if link != 0 {
		// A projector link sees what the wall may show.
		t = t.ForProjector()
	}
	c.Set("Cache-Control", "no-store")
	return c.JSON(t)
}

// mayView returns nil when the request may see the assembly's live tally
// and projector: a host who can read the assembly (session or Bearer
// token), a projector link token (?t=), or anyone once the results are
// announced. Otherwise EUNAUTHORIZED (no or bad credentials; bad link
// tokens are rate-limited per client) or EFORBIDDEN (another dong's host).
// The id of the projector link used, if any, is returned so its viewers
// can be cut off when it is revoked.
func (h *Handlers) mayView(c *fiber.Ctx, a *assembly.Assembly) (int64, error) {
	u := account.CurrentUser(c)
	if u.CanRead(a.District, a.Dong) {
		return 0, nil
	}
	if tok := c.Query("t"); tok != "" {
		if err := h.env.SharedBlocked(c, "projector-link", linkFailuresPerMinute); err != nil {
			return 0, err
		}
		id, err := h.svc.LinkValid(c.UserContext(), a.ID, tok)
		if err != nil {
			return 0, err
		}
		if id != 0 {
			return id, nil
		}
		h.env.SharedFail(c, "projector-link")
		if a.State != assembly.StateAnnounced {
			return 0, maeul.Errorf(maeul.EUNAUTHORIZED, "projector.bad_link")
		}
	}
	if a.State == assembly.StateAnnounced {
		return 0, nil
	}
	if a.State == assembly.StateDraft {
		// A draft is unknown to whoever may not see it: no existence oracle.
		return 0, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	if u != nil {
		return 0, account.Forbid()
	}
	return 0, maeul.Errorf(maeul.EUNAUTHORIZED, "error.unauthorized")
}
