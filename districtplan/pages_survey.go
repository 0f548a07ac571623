package districtplan

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// surveysPerMinute is how many answers one address may send a minute.
const surveysPerMinute = 20

// SurveyPage is the data of districtplan/survey: the public questionnaire.
type SurveyPage struct {
	web.Page
	Survey  *Survey
	Thanks  bool
	Error   string
	Ratings []int
	Comment string
	Scale   []int
}

func (h *Handlers) surveyPage(c *fiber.Ctx) error {
	sv, err := h.svc.SurveyByToken(c.UserContext(), c.Params("token"))
	if err != nil {
		return err
	}
	return h.renderSurvey(c, sv, SurveyPage{Thanks: c.Query("thanks") != ""})
}

func (h *Handlers) renderSurvey(c *fiber.Ctx, sv *Survey, p SurveyPage) error {
	p.Page = web.NewPage(c, sv.Title)
	p.NoIndex = true
	p.Survey, p.Scale = sv, []int{1, 2, 3, 4, 5}
	if p.Ratings == nil {
		p.Ratings = make([]int, len(sv.Questions))
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return h.env.Views.Render(c, "districtplan/survey", p)
}

// ratingsOf reads q0…qN from the form (0 where missing).
func ratingsOf(c *fiber.Ctx, n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i], _ = strconv.Atoi(c.FormValue("q" + strconv.Itoa(i)))
	}
	return out
}

func (h *Handlers) surveyPost(c *fiber.Ctx) error {
	ctx := c.UserContext()
	sv, err := h.svc.SurveyByToken(ctx, c.Params("token"))
	if err != nil {
		return err
	}
	if err := h.env.SharedLimit(c, "survey", surveysPerMinute); err != nil {
		return err
	}
	ratings, comment := ratingsOf(c, len(sv.Questions)), c.FormValue("comment")
	if err := h.svc.AnswerSurvey(ctx, sv.Token, ratings, comment); err != nil {
		if me := asUserError(err); me != nil {
			c.Status(web.Status(me.Code))
			return h.renderSurvey(c, sv, SurveyPage{Error: web.Message(web.Lang(c), me), Ratings: ratings, Comment: comment})
		}
		return err
	}
	return c.Redirect("/survey/"+sv.Token+"?thanks=1", fiber.StatusSeeOther)
}

func (h *Handlers) apiSurveyAnswer(c *fiber.Ctx) error {
	if err := h.env.SharedLimit(c, "survey", surveysPerMinute); err != nil {
		return err
	}
	var b struct {
		Ratings []int  `json:"ratings"`
		Comment string `json:"comment"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	if err := h.svc.AnswerSurvey(c.UserContext(), c.Params("token"), b.Ratings, b.Comment); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"ok": true})
}

// SurveyResultsPage is the data of districtplan/survey_results.
type SurveyResultsPage struct {
	web.Page
	*SurveyResults
	Esc   string
	Link  string
	Scale []int
}

func (h *Handlers) surveyResultsPage(c *fiber.Ctx) error {
	res, err := h.svc.SurveyResults(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	p := SurveyResultsPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "dp.survey.results_title", res.Survey.Title)),
		SurveyResults: res, Esc: escape(res.Survey.District), Link: h.env.BaseURL + "/survey/" + res.Survey.Token,
		Scale: []int{1, 2, 3, 4, 5}}
	p.NoIndex = true
	return h.env.Views.Render(c, "districtplan/survey_results", p)
}

func (h *Handlers) surveyCreatePost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	district := districtParam(c)
	_, err = h.svc.CreateSurvey(c.UserContext(), account.CurrentUser(c), y, district, c.FormValue("title"),
		strings.Split(strings.ReplaceAll(c.FormValue("questions"), "\r\n", "\n"), "\n"))
	return h.formDone(c, y, district, err, "survey")
}

func (h *Handlers) surveyClosePost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	err = h.svc.CloseSurvey(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("id")))
	return h.formDone(c, y, districtParam(c), err, "survey_closed")
}

func (h *Handlers) apiCreateSurvey(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct {
		Title     string   `json:"title"`
		Questions []string `json:"questions"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	sv, err := h.svc.CreateSurvey(c.UserContext(), account.CurrentUser(c), y, districtParam(c), b.Title, b.Questions)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": strconv.FormatInt(sv.ID, 10), "url": h.env.BaseURL + "/survey/" + sv.Token})
}

func (h *Handlers) apiSurveyResults(c *fiber.Ctx) error {
	res, err := h.svc.SurveyResults(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	if res.Survey.District != districtParam(c) {
		return maeul.Errorf(maeul.ENOTFOUND, "dp.err.no_survey")
	}
	return c.JSON(res)
}
