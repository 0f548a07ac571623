package live

import (
	"time"

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
	if _, err := h.mayView(c, a); err != nil {
		return err
	}
	t, err := h.svc.Current(c.UserContext(), id)
	if err != nil {
		return err
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
		key := web.ClientKey(c)
		if err := h.linkBlocked(key); err != nil {
			return 0, err
		}
		id, err := h.svc.LinkValid(c.UserContext(), a.ID, tok)
		if err != nil {
			return 0, err
		}
		if id != 0 {
			return id, nil
		}
		if err := h.linkFailed(key); err != nil {
			return 0, err
		}
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

// linkBlocked refuses a client that has failed too many link tokens
// lately. Only failures count, so a wall (or a hall of phones behind one
// address) may reconnect as often as it needs.
func (h *Handlers) linkBlocked(key string) error {
	h.blockMu.Lock()
	defer h.blockMu.Unlock()
	until, ok := h.blocked[key]
	if !ok {
		return nil
	}
	if wait := time.Until(until); wait > 0 {
		e := maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		e.RetryAfter = int(wait/time.Second) + 1
		return e
	}
	delete(h.blocked, key)
	return nil
}

// linkFailed counts a wrong link token; past the budget the client is
// blocked until its bucket refills.
func (h *Handlers) linkFailed(key string) error {
	err := h.linkLimit.Check(key)
	if e, ok := err.(*maeul.Error); ok {
		h.blockMu.Lock()
		if len(h.blocked) > 10_000 {
			for k, t := range h.blocked {
				if time.Now().After(t) {
					delete(h.blocked, k)
				}
			}
		}
		h.blocked[key] = time.Now().Add(time.Duration(e.RetryAfter) * time.Second)
		h.blockMu.Unlock()
	}
	return err
}
