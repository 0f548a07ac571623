package result

import (
	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/web"
)

// GET /api/v1/audit?district=&dong= : the entries the host may see.
func (h *Handlers) apiAudit(c *fiber.Ctx) error {
	list, err := h.svc.Audit(c.UserContext(), account.CurrentUser(c), web.Lang(c), c.Query("district"), c.Query("dong"), 500)
	if err != nil {
		return err
	}
	if list == nil {
		list = []AuditEntry{}
	}
	return c.JSON(fiber.Map{"entries": list})
}
