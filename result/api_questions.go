package result

import (
	"bytes"

	"github.com/gofiber/fiber/v2"

	"maeul/web"
)

// announceBody reads the announce request's optional body: {"confirm":
// true} announces a vote under the minimum turnout as invalid; an empty
// body is no confirmation.
func announceBody(c *fiber.Ctx) (bool, error) {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return false, nil
	}
	var in struct {
		Confirm bool `json:"confirm"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return false, err
	}
	return in.Confirm, nil
}
