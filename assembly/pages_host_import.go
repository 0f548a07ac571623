package assembly

import (
	"encoding/csv"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

type hostImportPage struct {
	web.Page
	A       *Assembly
	Error   string
	Rows    []web.APIRowError
	Columns []string
}

func (h *Handlers) hostImportPage(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	return h.renderImport(c, a, "", nil)
}

func (h *Handlers) renderImport(c *fiber.Ctx, a *Assembly, msg string, rows []web.APIRowError) error {
	lang := web.Lang(c)
	p := hostImportPage{Page: hostPage(c, a, i18n.T(lang, "host.import.title")), A: a, Error: msg, Rows: rows,
		Columns: ImportHeader()}
	p.Wide = len(rows) > 0
	return h.env.Views.Render(c, "assembly/host_import", p)
}

func (h *Handlers) hostImport(c *fiber.Ctx) error {
	a, err := h.load(c, true)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	name, data, err := importFile(c)
	if err == nil {
		var n int
		n, err = h.svc.ImportAgendas(c.UserContext(), a.ID, name, data)
		if err == nil {
			return c.Redirect("/host/assemblies/"+a.IDString()+"?done=imported&n="+strconv.Itoa(n), fiber.StatusSeeOther)
		}
	}
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code == maeul.EINTERNAL || me.Code == maeul.EUNAVAILABLE {
		return err
	}
	c.Status(web.Status(me.Code))
	var rows []web.APIRowError
	if len(me.Rows) > 0 {
		rows = rowErrors(lang, me)
	}
	return h.renderImport(c, a, web.Message(lang, me), rows)
}

// hostImportExample is a CSV with the 서식 2-5 headers and one example row,
// to fill in with a spreadsheet.
func (h *Handlers) hostImportExample(c *fiber.Ctx) error {
	var b strings.Builder
	b.WriteString("\ufeff")
	w := csv.NewWriter(&b)
	w.UseCRLF = true
	w.Write(ImportHeader())
	w.Write(ImportExample())
	w.Flush()
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="agendas.csv"; filename*=UTF-8''`+url.PathEscape("의제목록.csv"))
	return c.SendString(b.String())
}
