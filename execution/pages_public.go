package execution

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/i18n"
	"maeul/web"
)

// DictionaryPage is the data of /open: the open data's dictionary.
type DictionaryPage struct {
	web.Page
	Fields []OpenField
	Years  []int
}

// GET /open: the data dictionary and the files of recent years.
func (h *Handlers) dictionaryPage(c *fiber.Ctx) error {
	p := &DictionaryPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "execution.open_title")), Fields: OpenFields}
	y := h.svc.Now().In(seoul).Year()
	for i := 0; i < 4; i++ {
		p.Years = append(p.Years, y-i)
	}
	return h.env.Views.Render(c, "execution/dictionary", p)
}

// GET /open/{year}.csv|.xlsx|.json: the year's approved agendas, public.
func (h *Handlers) openFile(c *fiber.Ctx) error {
	f := c.Params("file")
	dot := strings.LastIndexByte(f, '.')
	if dot < 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	y, err := strconv.Atoi(f[:dot])
	if err != nil || checkYear(y) != nil {
		return maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	list, err := h.svc.OpenData(c.UserContext(), y)
	if err != nil {
		return err
	}
	name := "maeul_" + strconv.Itoa(y) + "_approved_agendas"
	c.Set("Access-Control-Allow-Origin", "*")
	switch f[dot+1:] {
	case "csv":
		return sendFile(c, OpenCSV(list), "text/csv; charset=utf-8", name+".csv")
	case "xlsx":
		b, err := OpenXLSX(list)
		if err != nil {
			return err
		}
		return sendFile(c, b, xlsxType, name+".xlsx")
	case "json":
		c.Set("Content-Type", fiber.MIMEApplicationJSONCharsetUTF8)
		c.Set("Cache-Control", "no-store")
		return c.Send(OpenJSON(y, list))
	}
	return maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
}

// SharingPage is the data of a 성과공유 page.
type SharingPage struct {
	page
	S       *Sharing
	Heading string
	Link    string // the share link, for hosts
	Public  bool
	Bodies  []string
}

func (h *Handlers) sharingData(c *fiber.Ctx, sh *Sharing) *SharingPage {
	lang := web.Lang(c)
	head := i18n.T(lang, "execution.sharing_dong", sh.Year, sh.District, sh.Dong)
	if sh.Dong == "" {
		head = i18n.T(lang, "execution.sharing_district", sh.Year, sh.District)
	}
	return &SharingPage{page: page{web.NewPage(c, head)}, S: sh, Heading: head, Bodies: Bodies}
}

// GET /s/{token}: a shared 성과공유 page, for everyone with the link.
func (h *Handlers) sharedPage(c *fiber.Ctx) error {
	sh, err := h.svc.Shared(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	p := h.sharingData(c, sh)
	p.Public, p.NoIndex = true, true
	c.Set("Referrer-Policy", "no-referrer")
	return h.env.Views.Render(c, "execution/sharing", p)
}

// GET /execution/photos/{id}.jpg
func (h *Handlers) photo(c *fiber.Ctx) error {
	id := web.ParseID(strings.TrimSuffix(c.Params("file"), ".jpg"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "execution.not_found")
	}
	b, err := h.svc.Photo(c.UserContext(), id)
	if err != nil {
		return err
	}
	c.Set("Content-Type", "image/jpeg")
	c.Set("Cache-Control", "public, max-age=86400, immutable")
	return c.Send(b)
}
