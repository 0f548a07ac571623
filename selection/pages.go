package selection

import (
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// Page is the data of every selection page.
type Page struct {
	web.Page
	Year            int
	Role            string
	District, Dong  string
	Flash           string
	FormError       string
	Items           []Item
	Criteria        []string
	CriterionLabels map[string]string
	MaxPoints       int
	// Dong.
	App  *Application
	Plan map[string]PlanCell // the form's 운영계획 (never nil)
	// District.
	Apps     []*Application
	Received int
	Complete int
	Report   *Report
	Scores   map[int64]map[string]map[string]int
	Roles    []string
	// City.
	Register *Register
	Groups   []Group
	Schedule []ScheduleRow
	// Timeline.
	Timelines []*Timeline
	Steps     []string
	// Print.
	Members []MemberRow
}

// ScheduleRow is one step's last day on the city's form.
type ScheduleRow struct {
	Step, Due string
	Custom    bool
}

// MemberRow is a roster line on the printed 서식 2-1.
type MemberRow struct {
	Name, Gender, Affiliation string
	BirthYear                 int
}

func thisYear() int { return time.Now().In(seoul).Year() }

func queryYear(s string) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return thisYear(), nil
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 2000 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "selection.err.year")
	}
	return y, nil
}

func (h *Handlers) newPage(c *fiber.Ctx, key string, year int) *Page {
	u := account.CurrentUser(c)
	p := &Page{Page: web.NewPage(c, i18n.T(web.Lang(c), key)), Year: year, Role: u.Role, District: u.District, Dong: u.Dong,
		Items: Items, Criteria: Criteria, CriterionLabels: CriterionLabels, MaxPoints: MaxPoints, Groups: Groups, Steps: Steps,
		Roles: []string{RoleBudgetHead, RoleVillageHead, RoleAutonomyHead, RolePBMember, RoleOther}}
	p.NoIndex, p.Wide = true, true
	return p
}

// GET /host/selection?year=: the dong's application, the district's
// committee, or the city's register.
func (h *Handlers) page(c *fiber.Ctx) error {
	y, err := queryYear(c.Query("year"))
	if err != nil {
		return err
	}
	if d := c.Query("done"); d != "" && i18n.Default.Has("selection.done."+d) {
		return h.render(c, y, i18n.T(web.Lang(c), "selection.done."+d), "")
	}
	return h.render(c, y, "", "")
}

func (h *Handlers) render(c *fiber.Ctx, y int, flash, formErr string) error {
	u := account.CurrentUser(c)
	ctx := c.UserContext()
	switch u.Role {
	case account.RoleDong:
		p := h.newPage(c, "selection.title.dong", y)
		p.Flash, p.FormError = flash, formErr
		a, err := h.svc.Application(ctx, u, u.District, u.Dong, y)
		if err != nil && maeul.ErrorCode(err) != maeul.ENOTFOUND {
			return err
		}
		p.App, p.Plan = a, map[string]PlanCell{}
		if a != nil {
			p.Plan = a.Plan
		}
		return h.env.Views.Render(c, "selection/dong", p)
	case account.RoleDistrict:
		p := h.newPage(c, "selection.title.district", y)
		p.Flash, p.FormError = flash, formErr
		if err := h.fillDistrict(c, p, u.District); err != nil {
			return err
		}
		return h.env.Views.Render(c, "selection/district", p)
	case account.RoleCity:
		p := h.newPage(c, "selection.title.city", y)
		p.Flash, p.FormError = flash, formErr
		reg, err := h.svc.Register(ctx, u, y)
		if err != nil {
			return err
		}
		p.Register = reg
		sch, custom, err := h.svc.Schedule(ctx, y)
		if err != nil {
			return err
		}
		for _, st := range Steps {
			p.Schedule = append(p.Schedule, ScheduleRow{Step: st, Due: sch[st].Format("2006-01-02"), Custom: custom[st]})
		}
		return h.env.Views.Render(c, "selection/city", p)
	}
	return account.Forbid()
}

func (h *Handlers) fillDistrict(c *fiber.Ctx, p *Page, district string) error {
	u, ctx := account.CurrentUser(c), c.UserContext()
	rep, err := h.svc.Report(ctx, u, district, p.Year)
	if err != nil {
		return err
	}
	p.Report, p.District = rep, district
	if p.Apps, err = h.svc.Applications(ctx, u, district, p.Year); err != nil {
		return err
	}
	for _, a := range p.Apps {
		if a.SubmittedAt != nil {
			p.Received++
			if a.Complete {
				p.Complete++
			}
		}
	}
	p.Scores, err = h.svc.Scores(ctx, u, district, p.Year)
	return err
}

// formDone redirects after a form post, or shows the page again with the
// message of an EINVALID/ECONFLICT the person can act on (422/409).
func (h *Handlers) formDone(c *fiber.Ctx, y int, err error, done string) error {
	var me *maeul.Error
	if errors.As(err, &me) && (me.Code == maeul.EINVALID || me.Code == maeul.ECONFLICT || me.Code == maeul.ENOTFOUND) {
		st := fiber.StatusUnprocessableEntity
		if me.Code == maeul.ECONFLICT {
			st = fiber.StatusConflict
		} else if me.Code == maeul.ENOTFOUND {
			st = fiber.StatusNotFound
		}
		c.Status(st)
		return h.render(c, y, "", i18n.T(web.Lang(c), me.Key, me.Args...))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/selection?year="+strconv.Itoa(y)+"&done="+done, fiber.StatusSeeOther)
}

func formYear(c *fiber.Ctx) (int, error) { return queryYear(c.FormValue("year")) }

func q(s string) string { return url.QueryEscape(s) }

// Total is a member's total for a dong on the district page ("" unscored,
// "…/10" while partly scored).
func (p *Page) Total(member int64, dong string) string {
	pts := p.Scores[member][dong]
	if len(pts) == 0 {
		return "—"
	}
	t := 0
	for _, v := range pts {
		t += v
	}
	if len(pts) < len(Items) {
		return strconv.Itoa(t) + " (" + strconv.Itoa(len(pts)) + "/" + strconv.Itoa(len(Items)) + ")"
	}
	return strconv.Itoa(t)
}

// Local formats a time for a datetime-local input (Seoul).
func (p *Page) Local(t time.Time) string { return t.In(seoul).Format("2006-01-02T15:04") }

// MaxMembers is the committee's limit, for the page.
func (p *Page) MaxMembers() int { return MaxMembers }
