package selection

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

// param is a path parameter, unescaped (Korean names arrive percent-encoded).
func param(c *fiber.Ctx, name string) string {
	v := c.Params(name)
	if u, err := url.PathUnescape(v); err == nil {
		return u
	}
	return v
}

func yearParam(c *fiber.Ctx) (int, error) {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "selection.err.year")
	}
	return y, nil
}

// dongOf is the dong a request is about: ?district=&dong=, or the dong
// host's own.
func dongOf(c *fiber.Ctx, u *account.User) (string, string, error) {
	d, g := strings.TrimSpace(c.Query("district")), strings.TrimSpace(c.Query("dong"))
	if d == "" && g == "" {
		if u.Role != account.RoleDong {
			return "", "", maeul.FieldErrorf(maeul.EINVALID, "dong", "selection.err.need_dong")
		}
		return u.District, u.Dong, nil
	}
	return d, g, nil
}

// GET /api/v1/selection/{year}/application[?district=&dong=]
func (h *Handlers) apiApplication(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	d, g, err := dongOf(c, u)
	if err != nil {
		return err
	}
	a, err := h.svc.Application(c.UserContext(), u, d, g, y)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

type draftJSON struct {
	RepName     string              `json:"rep_name"`
	RepPhone    string              `json:"rep_phone"`
	RepEmail    string              `json:"rep_email"`
	HeadName    string              `json:"head_name"`
	HeadPhone   string              `json:"head_phone"`
	HeadEmail   string              `json:"head_email"`
	StaffName   string              `json:"staff_name"`
	StaffPhone  string              `json:"staff_phone"`
	CouncilType string              `json:"council_type"`
	Chatdong    bool                `json:"chatdong"`
	Pledge      bool                `json:"pledge"`
	Plan        map[string]PlanCell `json:"plan"`
}

func (d draftJSON) draft() Draft {
	return Draft{RepName: d.RepName, RepPhone: d.RepPhone, RepEmail: d.RepEmail, HeadName: d.HeadName, HeadPhone: d.HeadPhone,
		HeadEmail: d.HeadEmail, StaffName: d.StaffName, StaffPhone: d.StaffPhone, CouncilType: d.CouncilType,
		Chatdong: d.Chatdong, Pledge: d.Pledge, Plan: d.Plan}
}

// PUT /api/v1/selection/{year}/application (dong hosts)
func (h *Handlers) apiSaveApplication(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in draftJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.svc.SaveApplication(c.UserContext(), account.CurrentUser(c), y, in.draft())
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// POST /api/v1/selection/{year}/application/submit (dong hosts)
func (h *Handlers) apiSubmitApplication(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	a, err := h.svc.SubmitApplication(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(a)
}

// GET /api/v1/selection/{year}/districts/{district}/applications
func (h *Handlers) apiApplications(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	as, err := h.svc.Applications(c.UserContext(), account.CurrentUser(c), param(c, "district"), y)
	if err != nil {
		return err
	}
	if as == nil {
		as = []*Application{}
	}
	received, complete := 0, 0
	for _, a := range as {
		if a.SubmittedAt != nil {
			received++
			if a.Complete {
				complete++
			}
		}
	}
	return c.JSON(fiber.Map{"applications": as, "received": received, "complete": complete})
}

// GET /api/v1/selection/{year}/districts/{district}/review
func (h *Handlers) apiReview(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	u, d := account.CurrentUser(c), param(c, "district")
	r, err := h.svc.Review(c.UserContext(), u, d, y)
	if err != nil {
		return err
	}
	sc, err := h.svc.Scores(c.UserContext(), u, d, y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"review": r, "scores": sc})
}

// GET /api/v1/selection/{year}/districts/{district}/report (서식 2-2)
func (h *Handlers) apiReport(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Report(c.UserContext(), account.CurrentUser(c), param(c, "district"), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

type headerJSON struct {
	HeldAt             string `json:"held_at"` // YYYY-MM-DDTHH:MM (Seoul) or ""
	Place              string `json:"place"`
	Department         string `json:"department"`
	LeadName           string `json:"lead_name"`
	LeadPhone          string `json:"lead_phone"`
	StaffName          string `json:"staff_name"`
	StaffPhone         string `json:"staff_phone"`
	NoActionPlan       string `json:"no_action_plan"`
	PBCommitteePending bool   `json:"pb_committee_pending"`
}

func (in headerJSON) header() (Header, error) {
	h := Header{Place: in.Place, Department: in.Department, LeadName: in.LeadName, LeadPhone: in.LeadPhone,
		StaffName: in.StaffName, Phone: in.StaffPhone, NoActionPlan: in.NoActionPlan, PBCommitteePending: in.PBCommitteePending}
	if s := strings.TrimSpace(in.HeldAt); s != "" {
		t, err := ParseHeldAt(s)
		if err != nil {
			return h, err
		}
		h.HeldAt = &t
	}
	return h, nil
}

// PUT /api/v1/selection/{year}/review (district hosts): the 2-2 header.
func (h *Handlers) apiSaveHeader(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in headerJSON
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	hd, err := in.header()
	if err != nil {
		return err
	}
	r, err := h.svc.SaveHeader(c.UserContext(), account.CurrentUser(c), y, hd)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// POST /api/v1/selection/{year}/review/members {"name","title","sector","role"}
func (h *Handlers) apiAddMember(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var m Member
	if err := web.DecodeJSON(c, &m); err != nil {
		return err
	}
	r, err := h.svc.AddMember(c.UserContext(), account.CurrentUser(c), y, m)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

// DELETE /api/v1/selection/{year}/review/members/{id}
func (h *Handlers) apiRemoveMember(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.Params("id"), 10, 64)
	if err := h.svc.RemoveMember(c.UserContext(), account.CurrentUser(c), y, id); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PUT /api/v1/selection/{year}/review/scores {"member","dong","points":{item: n}}
func (h *Handlers) apiSetScores(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Member int64          `json:"member"`
		Dong   string         `json:"dong"`
		Points map[string]int `json:"points"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SetScores(c.UserContext(), account.CurrentUser(c), y, in.Member, in.Dong, in.Points); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// POST /api/v1/selection/{year}/review/decide
func (h *Handlers) apiDecide(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Decide(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// POST /api/v1/selection/{year}/review/reopen
func (h *Handlers) apiReopen(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	if err := h.svc.Reopen(c.UserContext(), account.CurrentUser(c), y); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// POST /api/v1/selection/{year}/review/submit: 서식 2-2 to the city.
func (h *Handlers) apiSubmitReport(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	r, err := h.svc.SubmitReport(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// GET /api/v1/selection/{year}/register
func (h *Handlers) apiRegister(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Register(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(r)
}

// POST /api/v1/selection/{year}/register {"district","dong","chatdong"} (city)
func (h *Handlers) apiAddDong(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in struct {
		District string `json:"district"`
		Dong     string `json:"dong"`
		Chatdong bool   `json:"chatdong"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.AddDong(c.UserContext(), account.CurrentUser(c), y, in.District, in.Dong, in.Chatdong); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusCreated)
}

// DELETE /api/v1/selection/{year}/register/{district}/{dong} (city-added only)
func (h *Handlers) apiRemoveDong(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	if err := h.svc.RemoveDong(c.UserContext(), account.CurrentUser(c), y, param(c, "district"), param(c, "dong")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// PUT /api/v1/selection/{year}/groups/{district} {"group"} (city)
func (h *Handlers) apiSetGroup(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in struct {
		Group string `json:"group"`
	}
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	if err := h.svc.SetGroup(c.UserContext(), account.CurrentUser(c), y, param(c, "district"), in.Group); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// GET /api/v1/timeline/{year}?district=[&dong=]: one dong's timeline, or a
// district's dongs' (district hosts, the city).
func (h *Handlers) apiTimeline(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	if c.Query("dong") == "" && u.Role != account.RoleDong {
		d := c.Query("district")
		if d == "" {
			d = u.District
		}
		ts, err := h.svc.DistrictTimelines(c.UserContext(), u, y, d)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"district": d, "year": y, "dongs": ts})
	}
	d, g, err := dongOf(c, u)
	if err != nil {
		return err
	}
	tl, err := h.svc.DongTimeline(c.UserContext(), u, y, d, g)
	if err != nil {
		return err
	}
	return c.JSON(tl)
}

func scheduleJSON(sch map[string]timeT, custom map[string]bool) fiber.Map {
	steps := []fiber.Map{}
	for _, st := range Steps {
		steps = append(steps, fiber.Map{"step": st, "due": sch[st].Format("2006-01-02"), "custom": custom[st]})
	}
	return fiber.Map{"steps": steps}
}

// GET /api/v1/timeline/{year}/schedule
func (h *Handlers) apiSchedule(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	sch, custom, err := h.svc.Schedule(c.UserContext(), y)
	if err != nil {
		return err
	}
	return c.JSON(scheduleJSON(sch, custom))
}

// PUT /api/v1/timeline/{year}/schedule {"step": "YYYY-MM-DD" | ""} (city)
func (h *Handlers) apiSetSchedule(c *fiber.Ctx) error {
	y, err := yearParam(c)
	if err != nil {
		return err
	}
	var in map[string]string
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	for k := range in {
		if !validStep(k) {
			return maeul.FieldErrorf(maeul.EINVALID, "step", "selection.err.step")
		}
	}
	for _, st := range Steps {
		if v, ok := in[st]; ok {
			if err := h.svc.SetDue(c.UserContext(), account.CurrentUser(c), y, st, v); err != nil {
				return err
			}
		}
	}
	return h.apiSchedule(c)
}
