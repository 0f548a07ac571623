package result

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

// POST /host/assemblies/{id}/submit: confirm=yes and, for a returned
// list, the dong's reply. A refusal is shown on the results page.
func (h *Handlers) submitForm(c *fiber.Ctx) error {
	id, err := assemblyID(c)
	if err != nil {
		return err
	}
	if err := confirmed(c); err != nil {
		return h.renderHostResults(c, formError(c, err))
	}
	rec, err := h.svc.Submit(c.UserContext(), id, account.CurrentUser(c), c.FormValue("reply"))
	if msg := formError(c, err); msg != "" {
		return h.renderHostResults(c, msg)
	}
	if err != nil {
		return err
	}
	done := "submit"
	if rec.FirstSubmittedAt.Before(rec.SubmittedAt) {
		done = "resubmit"
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/results?done="+done+"#submission", fiber.StatusSeeOther)
}

// SubmissionPage is the data of /host/submissions/{id}.
type SubmissionPage struct {
	page
	V            *SubmissionView
	A            *assembly.Assembly
	Rows         []SubmissionRow
	CanAct       bool // the district host: designate, return
	Designatable bool
	Returnable   bool
	DistrictView bool // a district or city host: link the district overview
	// Correcting: the dong's host of a returned list (correct, resubmit).
	Correcting bool
	Audit      []AuditEntry
	Error      string
	Done       string
}

// GET /host/submissions/{id}
func (h *Handlers) submissionPage(c *fiber.Ctx) error {
	return h.renderSubmission(c, "")
}

func (h *Handlers) renderSubmission(c *fiber.Ctx, msg string) error {
	ctx := c.UserContext()
	u := account.CurrentUser(c)
	rec, err := h.svc.ReadableSubmission(ctx, u, web.ParseID(c.Params("id")))
	if err != nil {
		return err
	}
	v, a, err := h.svc.View(ctx, rec)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := &SubmissionPage{page: newPage(c, i18n.T(lang, "workflow.submission_title", rec.District, rec.Dong)),
		V: v, A: a, Rows: v.Current.Rows, Error: msg}
	p.NoIndex, p.Wide = true, true
	p.CanAct = districtHost(u, rec.District) == nil
	p.Designatable = p.CanAct && rec.State == SubmissionSubmitted
	p.Returnable = p.CanAct && rec.State == SubmissionSubmitted
	p.DistrictView = u.Role != account.RoleDong
	p.Correcting = rec.State == SubmissionReturned && u.CanManage(rec.District, rec.Dong)
	p.Done = doneMessage(c)
	all, err := h.svc.Audit(ctx, u, lang, rec.District, rec.Dong, 100)
	if err != nil {
		return err
	}
	for _, e := range all {
		if e.AssemblyID != nil && *e.AssemblyID == rec.AssemblyID {
			p.Audit = append(p.Audit, e)
		}
	}
	if msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.env.Views.Render(c, "result/submission", p)
}

// POST /host/submissions/{id}/return
func (h *Handlers) returnForm(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if err := confirmed(c); err != nil {
		return h.renderSubmission(c, formError(c, err))
	}
	_, err := h.svc.Return(c.UserContext(), id, account.CurrentUser(c), c.FormValue("reason"))
	if msg := formError(c, err); msg != "" {
		return h.renderSubmission(c, msg)
	}
	if err != nil {
		return err
	}
	return c.Redirect(submissionPath(c)+"?done=return", fiber.StatusSeeOther)
}

// POST /host/submissions/{id}/designate: fields dept_<agenda id>.
func (h *Handlers) designateForm(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if err := confirmed(c); err != nil {
		return h.renderSubmission(c, formError(c, err))
	}
	var ds []Designation
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if aid, ok := strings.CutPrefix(string(k), "dept_"); ok {
			ds = append(ds, Designation{AgendaID: aid, Department: string(v)})
		}
	})
	_, err := h.svc.Designate(c.UserContext(), id, account.CurrentUser(c), ds)
	if msg := formError(c, err); msg != "" {
		return h.renderSubmission(c, msg)
	}
	if err != nil {
		return err
	}
	return c.Redirect(submissionPath(c)+"?done=designate", fiber.StatusSeeOther)
}
