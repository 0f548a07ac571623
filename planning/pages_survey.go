package planning

import (
	"errors"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// SurveyPage is planning/survey: 서식 2-4 as printed, the 동 현황, the
// 발굴의제, and the dong's forms.
type SurveyPage struct {
	web.Page
	S          *Survey
	Manage     bool
	Categories []string
	Query      string
	Done       string
	Error      string
}

// In lists the entries of a category.
func (p SurveyPage) In(category string) []Entry {
	var out []Entry
	for _, e := range p.S.Entries {
		if e.Category == category {
			out = append(out, e)
		}
	}
	return out
}

// Num shows an optional figure.
func (p SurveyPage) Num(n *int) string {
	if n == nil {
		return ""
	}
	return strconv.Itoa(*n)
}

var surveyDone = map[string]bool{"entry": true, "status": true, "file": true, "discovered": true, "draft": true}

func (h *Handlers) surveyPage(c *fiber.Ctx) error { return h.renderSurvey(c, nil) }

func (h *Handlers) renderSurvey(c *fiber.Ctx, failed error) error {
	u := account.CurrentUser(c)
	year, err := parseYear(c.Query("year", c.FormValue("year")))
	if err != nil {
		return err
	}
	sv, err := h.svc.Survey(c.UserContext(), u, year, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	p := SurveyPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.survey.title")), S: sv,
		Manage: u.CanManage(sv.District, sv.Dong), Categories: SurveyCategories,
		Query: "year=" + strconv.Itoa(year) + "&district=" + url.QueryEscape(sv.District) + "&dong=" + url.QueryEscape(sv.Dong)}
	p.NoIndex = true
	if d := c.Query("done"); surveyDone[d] {
		p.Done = p.T("planning.survey.done." + d)
	}
	if failed != nil {
		var me *maeul.Error
		if !errors.As(failed, &me) || (me.Code != maeul.EINVALID && me.Code != maeul.ECONFLICT) {
			return failed
		}
		p.Error = web.Message(p.Lang, me)
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "planning/survey", p)
}

// surveyAfter redirects back to the survey, or shows it with the problem.
func (h *Handlers) surveyAfter(c *fiber.Ctx, year int, err error, done string) error {
	if err != nil {
		return h.renderSurvey(c, err)
	}
	return c.Redirect("/host/survey?year="+strconv.Itoa(year)+"&done="+done, fiber.StatusSeeOther)
}

// upload reads an optional file field (≤ max bytes).
func upload(c *fiber.Ctx, field string, max int64) ([]byte, string, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return nil, "", nil
	}
	if fh.Size > max {
		return nil, "", maeul.FieldErrorf(maeul.EINVALID, field, "planning.org.file_too_big", max>>20)
	}
	f, err := fh.Open()
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	return data, fh.Filename, err
}

func (h *Handlers) postEntry(c *fiber.Ctx) error {
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	in := EntryInput{Category: c.FormValue("category"), Team: c.FormValue("team"), Place: c.FormValue("place"), Detail: c.FormValue("detail")}
	if in.Photo, _, err = upload(c, "photo", 20<<20); err == nil {
		_, err = h.svc.AddEntry(c.UserContext(), account.CurrentUser(c), year, in)
	}
	return h.surveyAfter(c, year, err, "entry")
}

func (h *Handlers) entryPhoto(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	data, err := h.svc.EntryPhoto(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	c.Set("Content-Type", "image/jpeg")
	c.Set("Cache-Control", "private, max-age=3600")
	return c.Send(data)
}

func (h *Handlers) postStatus(c *fiber.Ctx) error {
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	in := DongStatus{Facilities: c.FormValue("facilities"), Statistics: c.FormValue("statistics")}
	num := func(k string) (*int, error) {
		s := strings.ReplaceAll(strings.TrimSpace(c.FormValue(k)), ",", "")
		if s == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, maeul.FieldErrorf(maeul.EINVALID, k, "planning.survey.bad_number")
		}
		return &n, nil
	}
	if in.Population, err = num("population"); err == nil {
		if in.Households, err = num("households"); err == nil {
			err = h.svc.SaveDongStatus(c.UserContext(), account.CurrentUser(c), year, in)
		}
	}
	return h.surveyAfter(c, year, err, "status")
}

func (h *Handlers) postStatusFile(c *fiber.Ctx) error {
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	data, name, err := upload(c, "file", MaxRulesFile)
	if err == nil {
		err = h.svc.AddStatusFile(c.UserContext(), account.CurrentUser(c), year, name, data)
	}
	return h.surveyAfter(c, year, err, "file")
}

func (h *Handlers) statusFile(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	name, data, err := h.svc.StatusFileData(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	c.Set("Content-Type", "application/octet-stream")
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": name}))
	return c.Send(data)
}

func (h *Handlers) postDiscovered(c *fiber.Ctx) error {
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	_, err = h.svc.AddDiscovered(c.UserContext(), account.CurrentUser(c), year, c.FormValue("title"), c.FormValue("description"),
		web.ParseID(c.FormValue("entry")))
	return h.surveyAfter(c, year, err, "discovered")
}

func (h *Handlers) postMakeDraft(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	year, err := parseYear(c.FormValue("year"))
	if err != nil {
		return err
	}
	g, err := h.svc.MakeDraft(c.UserContext(), account.CurrentUser(c), id, 0)
	if err != nil {
		return h.surveyAfter(c, year, err, "")
	}
	return c.Redirect("/host/planning/agendas/"+g.IDString()+"?done=draft", fiber.StatusSeeOther)
}
