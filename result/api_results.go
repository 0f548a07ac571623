package result

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// GET /api/v1/assemblies/{id}/results
func (h *Handlers) apiResults(c *fiber.Ctx) error {
	a, err := h.assemblyParam(c)
	if err != nil {
		return err
	}
	if err := Showable(a, account.CurrentUser(c)); err != nil {
		return err
	}
	r, err := h.svc.Result(c.UserContext(), a)
	if err != nil {
		return err
	}
	c.Set("Cache-Control", "no-store")
	return c.JSON(r)
}

// POST /api/v1/assemblies/{id}/announce
func (h *Handlers) apiAnnounce(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	confirm, err := announceBody(c)
	if err != nil {
		return err
	}
	r, err := h.svc.AnnounceConfirmed(c.UserContext(), id, account.CurrentUser(c), confirm)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// GET /api/v1/assemblies/{id}/ballots.pb
func (h *Handlers) apiPabulib(c *fiber.Ctx) error {
	a, err := h.assemblyParam(c)
	if err != nil {
		return err
	}
	if err := Showable(a, account.CurrentUser(c)); err != nil {
		return err
	}
	b, err := h.svc.Pabulib(c.UserContext(), a)
	if err != nil {
		return err
	}
	return sendFile(c, b, "text/plain; charset=utf-8", "maeul_"+a.Slug+".pb", Hash(b))
}

// POST /api/v1/receipts/check {"assembly": slug, "receipt": "…"} →
// {"counted": true|false}. Public once announced; limited per client.
func (h *Handlers) apiReceipt(c *fiber.Ctx) error {
	if err := h.env.SharedLimit(c, "receipt", receiptsPerMinute); err != nil {
		return err
	}
	var in struct {
		Assembly string `json:"assembly"`
		Receipt  string `json:"receipt"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	in.Receipt = strings.TrimSpace(in.Receipt)
	if in.Receipt == "" || len(in.Receipt) > 64 {
		return maeul.FieldErrorf(maeul.EINVALID, "receipt", "result.receipt_bad")
	}
	a, err := h.svc.AssemblyBySlug(c.UserContext(), in.Assembly)
	if err != nil {
		return err
	}
	if err := Showable(a, account.CurrentUser(c)); err != nil {
		return err
	}
	ok, err := h.svc.CheckReceipt(c.UserContext(), a, in.Receipt)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"counted": ok})
}

// GET /api/v1/assemblies/{id}/submission.{xlsx,csv,json}: for a host who
// may read the assembly, once the vote has closed.
func (h *Handlers) apiSubmissionFile(ext string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, err := assemblyID(c)
		if err != nil {
			return err
		}
		a, sub, err := h.svc.SubmissionFor(c.UserContext(), account.CurrentUser(c), id)
		if err != nil {
			return err
		}
		var body []byte
		var ctype string
		switch ext {
		case "xlsx":
			if body, err = sub.XLSX(); err != nil {
				return err
			}
			ctype = xlsxType
		case "csv":
			body, ctype = sub.CSV(), "text/csv; charset=utf-8"
		default:
			body, ctype = sub.JSON(), "application/json; charset=utf-8"
		}
		return sendFile(c, body, ctype, a.District+"_"+a.Dong+"_실행계획목록."+ext, sub.SHA256())
	}
}
