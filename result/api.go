package result

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/assembly"
	"maeul/web"
)

// Request helpers shared by the API and the pages.

// assemblyID reads the :id parameter: ENOTFOUND when it is not an id.
func assemblyID(c *fiber.Ctx) (int64, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	return id, nil
}

// assemblyParam finds the assembly of the :id parameter.
func (h *Handlers) assemblyParam(c *fiber.Ctx) (*assembly.Assembly, error) {
	id, err := assemblyID(c)
	if err != nil {
		return nil, err
	}
	return h.svc.Assembly(c.UserContext(), id)
}

// districtParam reads the :district parameter.
func districtParam(c *fiber.Ctx) string {
	d, _ := url.PathUnescape(c.Params("district"))
	return d
}

// year reads ?year=, defaulting to this year in Seoul.
func (h *Handlers) year(c *fiber.Ctx) (int, error) {
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
		}
		return y, nil
	}
	return h.svc.ThisYear(), nil
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// sendFile answers a download with its content hash in X-Content-SHA256.
func sendFile(c *fiber.Ctx, body []byte, ctype, name, sum string) error {
	c.Set("Content-Type", ctype)
	c.Set("Cache-Control", "no-store")
	if sum != "" {
		c.Set("X-Content-SHA256", sum)
	}
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	c.Set("Content-Disposition", `attachment; filename="`+ascii+`"; filename*=UTF-8''`+url.PathEscape(name))
	return c.Send(body)
}
