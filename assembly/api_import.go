package assembly

import (
	"errors"
	"io"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// importFile reads the multipart field "file"; EMALFORMED without one.
func importFile(c *fiber.Ctx) (string, []byte, error) {
	fh, err := c.FormFile("file")
	if err != nil {
		return "", nil, maeul.FieldErrorf(maeul.EMALFORMED, "file", "import.no_file")
	}
	f, err := fh.Open()
	if err != nil {
		return "", nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, 12<<20))
	return fh.Filename, data, err
}

// ImportResponse is the import's answer; on failure it also carries the
// usual error object, so both kinds of clients read it.
type ImportResponse struct {
	Created int               `json:"created"`
	Errors  []web.APIRowError `json:"errors"`
	Error   *web.APIErrorBody `json:"error,omitempty"`
}

func (h *Handlers) apiImport(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	name, data, err := importFile(c)
	if err != nil {
		return err
	}
	n, err := h.svc.ImportAgendas(c.UserContext(), a.ID, name, data)
	var me *maeul.Error
	if errors.As(err, &me) && me.Code == maeul.EINVALID {
		lang := web.Lang(c)
		res := ImportResponse{Errors: rowErrors(lang, me)}
		res.Error = &web.APIErrorBody{Code: "invalid", Message: web.Message(lang, me), Field: me.Field,
			Errors: res.Errors, RequestID: web.RequestID(c)}
		return c.Status(fiber.StatusUnprocessableEntity).JSON(res)
	}
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(ImportResponse{Created: n, Errors: []web.APIRowError{}})
}

// rowErrors lists the bad rows of an import in lang; a file-level problem is
// one entry at row 0.
func rowErrors(lang string, e *maeul.Error) []web.APIRowError {
	out := []web.APIRowError{}
	for _, r := range e.Rows {
		out = append(out, web.APIRowError{Row: r.Row, Field: r.Field, Message: i18n.T(lang, r.Key, r.Args...)})
	}
	if len(e.Rows) == 0 {
		out = append(out, web.APIRowError{Row: 0, Field: e.Field, Message: web.Message(lang, e)})
	}
	return out
}
