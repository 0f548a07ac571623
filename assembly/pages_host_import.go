package assembly

import (
	"errors"
	"maeul"
	"maeul/i18n"
	"maeul/web"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
)

type hostImportPage struct {
	web.Page
	A       *Assembly
	Error   string
	Rows    []web.APIRowError
	Columns []string
}

var importHeader = []string{"사업명", "사업내용", "위치", "사업비 (원)", "경상보조", "자본보조", "자치구 담당부서",
	"서울시 담당부서", "분과", "제안자", "실행유형", "비고"}

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
		Columns: importHeader}
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
	b.WriteString(strings.Join(importHeader, ",") + "\r\n")
	b.WriteString(`주민과 상인 우리 지금 만나!,축산물시장 인근 환경개선을 위한 소통모임 운영,축산물시장 인근 상가,5000000,2000000,3000000,마을과/지역경제과,지역공동체담당관,소통분과,주민 홍길동,민관 협력형,` + "\r\n")
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="agendas.csv"; filename*=UTF-8''`+url.PathEscape("의제목록.csv"))
	return c.SendString(b.String())
}
