package planning

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// ReviewsPage is planning/reviews: a department's queue, or the status of
// the final reviews for a dong or a district.
type ReviewsPage struct {
	web.Page
	Department bool
	Queue      []QueueItem
	Status     []AgendaStatus
	Year       int
	District   string
	Dong       string
	ShowDong   bool
	Missing    int
	Late       int
}

func (h *Handlers) reviewsPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	p := ReviewsPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.reviews.title"))}
	p.NoIndex, p.Wide = true, true
	if u.Role == account.RoleDepartment {
		items, err := h.svc.Queue(c.UserContext(), u)
		if err != nil {
			return err
		}
		p.Department, p.Queue, p.District = true, items, u.District+" "+u.Department
		return h.env.Views.Render(c, "planning/reviews", p)
	}
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	p.Year, p.District, p.Dong = year, c.Query("district"), c.Query("dong")
	if u.Role == account.RoleDong || u.Role == account.RoleDistrict {
		p.District = u.District
	}
	p.ShowDong = u.Role != account.RoleDong
	list, err := h.svc.ReviewStatus(c.UserContext(), u, year, p.District, p.Dong)
	if err != nil {
		return err
	}
	p.Status = list
	for _, st := range list {
		if st.Missing {
			p.Missing++
		}
		if st.Late {
			p.Late++
		}
	}
	return h.env.Views.Render(c, "planning/reviews", p)
}

// ReviewPage is planning/review: one request with its agenda and, for the
// department asked, its form.
type ReviewPage struct {
	web.Page
	R         *QueueItem
	G         *assembly.Agenda
	A         *assembly.Assembly
	CanAnswer bool
	V         map[string]string // the form's values
	FormError string
	FormField string
	Saved     bool
}

func (h *Handlers) loadReview(c *fiber.Ctx) (*QueueItem, *assembly.Agenda, *assembly.Assembly, error) {
	id, err := paramID(c)
	if err != nil {
		return nil, nil, nil, err
	}
	u := account.CurrentUser(c)
	q, err := h.svc.FindReview(c.UserContext(), u, id)
	if err != nil {
		return nil, nil, nil, err
	}
	g, a, _, err := h.svc.Agenda(c.UserContext(), u, q.AgendaID)
	if err != nil {
		return nil, nil, nil, err
	}
	return q, g, a, nil
}

func (h *Handlers) newReviewPage(c *fiber.Ctx, q *QueueItem, g *assembly.Agenda, a *assembly.Assembly) ReviewPage {
	u := account.CurrentUser(c)
	p := ReviewPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.review.title_"+q.Kind)), R: q, G: g, A: a,
		CanAnswer: ownReview(u, &q.Review) && !a.RulesFrozen()}
	p.NoIndex = true
	p.V = answerValues(&q.Review)
	if p.V["budget"] == "0" && q.AnsweredAt == nil {
		p.V["budget"] = strconv.FormatInt(g.Cost, 10)
	}
	if q.AnsweredAt == nil && p.V["period"] == "" {
		p.V["period"] = g.Period
	}
	if q.AnsweredAt == nil && p.V["org"] == "" {
		p.V["org"] = a.District
	}
	return p
}

func (h *Handlers) reviewPage(c *fiber.Ctx) error {
	q, g, a, err := h.loadReview(c)
	if err != nil {
		return err
	}
	p := h.newReviewPage(c, q, g, a)
	p.Saved = c.Query("done") == "saved"
	return h.env.Views.Render(c, "planning/review", p)
}

func (h *Handlers) answerReview(c *fiber.Ctx) error {
	q, g, a, err := h.loadReview(c)
	if err != nil {
		return err
	}
	in, bad := readAnswer(c)
	if bad == "" {
		_, err = h.svc.Answer(c.UserContext(), account.CurrentUser(c), q.ID, in)
		if err == nil {
			return c.Redirect("/host/reviews/"+strconv.FormatInt(q.ID, 10)+"?done=saved", fiber.StatusSeeOther)
		}
	} else {
		err = maeul.FieldErrorf(maeul.EINVALID, bad, "planning.review.bad_budget")
	}
	var me *maeul.Error
	if !errors.As(err, &me) || (me.Code != maeul.EINVALID && me.Code != maeul.ECONFLICT) {
		return err
	}
	p := h.newReviewPage(c, q, g, a)
	for k := range p.V {
		p.V[k] = c.FormValue(k)
	}
	p.FormError, p.FormField = web.Message(p.Lang, me), me.Field
	c.Status(fiber.StatusUnprocessableEntity)
	return h.env.Views.Render(c, "planning/review", p)
}

// answerFields are the form keys of an answer.
var answerFields = []string{"opinion", "proposal", "requests", "org", "officer_name", "officer_phone", "overview",
	"budget", "period", "law_conflict", "law_reason", "ineligible", "ineligible_reason", "assessment", "verdict",
	"lead_name", "lead_phone"}

func yesNo(b *bool) string {
	switch {
	case b == nil:
		return ""
	case *b:
		return "yes"
	}
	return "no"
}

func answerValues(r *Review) map[string]string {
	return map[string]string{"opinion": r.Opinion, "proposal": r.Proposal, "requests": r.Requests, "org": r.Org,
		"officer_name": r.OfficerName, "officer_phone": r.OfficerPhone, "overview": r.Overview,
		"budget": strconv.FormatInt(r.Budget, 10), "period": r.Period, "law_conflict": yesNo(r.LawConflict),
		"law_reason": r.LawReason, "ineligible": yesNo(r.Ineligible), "ineligible_reason": r.IneligibleReason,
		"assessment": r.Assessment, "verdict": r.Verdict, "lead_name": r.LeadName, "lead_phone": r.LeadPhone}
}

// readAnswer reads the posted form; bad names a number that cannot be read.
func readAnswer(c *fiber.Ctx) (in Answer, bad string) {
	v := func(k string) string { return c.FormValue(k) }
	yn := func(k string) *bool {
		switch v(k) {
		case "yes":
			t := true
			return &t
		case "no":
			f := false
			return &f
		}
		return nil
	}
	in.ProcessAnswer = ProcessAnswer{Opinion: v("opinion"), Proposal: v("proposal"), Requests: v("requests"),
		Org: v("org"), OfficerName: v("officer_name"), OfficerPhone: v("officer_phone")}
	in.FinalAnswer = FinalAnswer{Overview: v("overview"), Period: v("period"), LawConflict: yn("law_conflict"),
		LawReason: v("law_reason"), Ineligible: yn("ineligible"), IneligibleReason: v("ineligible_reason"),
		Assessment: v("assessment"), Verdict: v("verdict"), LeadName: v("lead_name"), LeadPhone: v("lead_phone")}
	if s := strings.NewReplacer(",", "", " ", "", "원", "").Replace(v("budget")); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return in, "budget"
		}
		in.Budget = n
	}
	return in, ""
}

// PrintPage is planning/review_print: 서식 2-6 (과정 or 최종) as printed.
type PrintPage struct {
	web.Page
	R *QueueItem
	G *assembly.Agenda
	A *assembly.Assembly
}

func (h *Handlers) reviewPrint(c *fiber.Ctx) error {
	q, g, a, err := h.loadReview(c)
	if err != nil {
		return err
	}
	p := PrintPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "planning.form.title_"+q.Kind)), R: q, G: g, A: a}
	p.NoIndex = true
	return h.env.Views.Render(c, "planning/review_print", p)
}

// AnswerField is one control of the department's form.
type AnswerField struct {
	Name, Label, Hint, Value string
	Yes, No                  string
	Required, Error          bool
}

// Field describes the form's control name.
func (p ReviewPage) Field(name string, required bool) AnswerField {
	f := AnswerField{Name: name, Label: p.T("planning.f." + name), Value: p.V[name], Required: required,
		Error: p.FormField == name, Yes: p.T("planning.yes"), No: p.T("planning.no")}
	if i18n.Default.Has("planning.f.hint." + name) {
		f.Hint = p.T("planning.f.hint." + name)
	}
	return f
}

// Mark is "○" when the answer b is want (a 해당 / 해당없음 box).
func (p PrintPage) Mark(b *bool, want bool) string {
	if b != nil && *b == want {
		return "○"
	}
	return ""
}
