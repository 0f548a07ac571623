package planning

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// ReviewJSON is a review as the API shows it.
type ReviewJSON struct {
	ID     string `json:"id"`
	Agenda string `json:"agenda"`
	Review
}

func reviewJSON(r *Review) ReviewJSON {
	return ReviewJSON{ID: strconv.FormatInt(r.ID, 10), Agenda: strconv.FormatInt(r.AgendaID, 10), Review: *r}
}

// QueueJSON is a queue entry: the review, its agenda and its deadline.
type QueueJSON struct {
	ReviewJSON
	Dong        string    `json:"dong"`
	AgendaTitle string    `json:"agenda_title"`
	Deadline    time.Time `json:"deadline"`
}

func queueJSON(q *QueueItem) QueueJSON {
	return QueueJSON{ReviewJSON: reviewJSON(&q.Review), Dong: q.Dong, AgendaTitle: q.AgendaTitle, Deadline: q.Deadline()}
}

func paramID(c *fiber.Ctx) (int64, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return 0, maeul.Errorf(maeul.ENOTFOUND, "planning.not_found")
	}
	return id, nil
}

// parseYear reads a plan year; empty means this year in Seoul.
func parseYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Now().In(Seoul).Year(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "planning.bad_year")
	}
	return y, nil
}

// apiReviews: a department's queue ({"reviews": […]}), or for the dong,
// district and city the final reviews' status ({"agendas": […]}).
func (h *Handlers) apiReviews(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	if u.Role == account.RoleDepartment {
		items, err := h.svc.Queue(c.UserContext(), u)
		if err != nil {
			return err
		}
		out := make([]QueueJSON, 0, len(items))
		for i := range items {
			out = append(out, queueJSON(&items[i]))
		}
		return c.JSON(fiber.Map{"reviews": out})
	}
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	list, err := h.svc.ReviewStatus(c.UserContext(), u, year, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	type item struct {
		Agenda string `json:"agenda"`
		AgendaStatus
	}
	out := make([]item, 0, len(list))
	for _, st := range list {
		out = append(out, item{Agenda: strconv.FormatInt(st.AgendaID, 10), AgendaStatus: st})
	}
	return c.JSON(fiber.Map{"year": year, "agendas": out})
}

func (h *Handlers) apiReview(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	q, err := h.svc.FindReview(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	return c.JSON(queueJSON(q))
}

func (h *Handlers) apiAnswer(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	var in Answer
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	r, err := h.svc.Answer(c.UserContext(), account.CurrentUser(c), id, in)
	if err != nil {
		return err
	}
	return c.JSON(reviewJSON(r))
}

func (h *Handlers) apiAgendaReviews(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	rs, err := h.svc.AgendaReviews(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	out := make([]ReviewJSON, 0, len(rs))
	for i := range rs {
		out = append(out, reviewJSON(&rs[i]))
	}
	return c.JSON(fiber.Map{"reviews": out})
}

func (h *Handlers) apiRequest(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	var b struct {
		Kind       string `json:"kind"`
		Round      int    `json:"round"`
		Department string `json:"department"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	r, err := h.svc.RequestReview(c.UserContext(), account.CurrentUser(c), id, b.Kind, b.Round, b.Department)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(reviewJSON(r))
}

func (h *Handlers) apiDrafts(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	ds, err := h.svc.Drafts(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	if ds == nil {
		ds = []Draft{}
	}
	return c.JSON(fiber.Map{"drafts": ds})
}

func (h *Handlers) apiSaveDraft(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	var b struct {
		Round int `json:"round"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	d, err := h.svc.SaveDraft(c.UserContext(), account.CurrentUser(c), id, b.Round)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(d)
}

func (h *Handlers) apiQuestions(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	qs, err := h.svc.Questions(c.UserContext(), account.CurrentUser(c), id)
	if err != nil {
		return err
	}
	if qs == nil {
		qs = []Question{}
	}
	return c.JSON(fiber.Map{"questions": qs})
}

func (h *Handlers) apiAsk(c *fiber.Ctx) error {
	id, err := paramID(c)
	if err != nil {
		return err
	}
	var b struct {
		Body string `json:"body"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	q, err := h.svc.Ask(c.UserContext(), account.CurrentUser(c), id, b.Body)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(q)
}

func (h *Handlers) apiOrganisation(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	o, err := h.svc.Organisation(c.UserContext(), account.CurrentUser(c), year, c.Query("district"), c.Query("dong"))
	if err != nil {
		return err
	}
	if o == nil {
		return maeul.Errorf(maeul.ENOTFOUND, "planning.org.none")
	}
	return c.JSON(organisationJSON(o))
}

func (h *Handlers) apiSaveOrganisation(c *fiber.Ctx) error {
	year, err := parseYear(c.Query("year"))
	if err != nil {
		return err
	}
	var in OrganisationInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	o, err := h.svc.SaveOrganisation(c.UserContext(), account.CurrentUser(c), year, in)
	if err != nil {
		return err
	}
	return c.JSON(organisationJSON(o))
}

func organisationJSON(o *Organisation) fiber.Map {
	return fiber.Map{"organisation": o, "launch_date": o.LaunchDay()}
}
