package selection

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
)

// POST /host/selection/application: save (action=save) or save and file
// (action=submit) the dong's 서식 2-1.
func (h *Handlers) formApplication(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	d := Draft{RepName: c.FormValue("rep_name"), RepPhone: c.FormValue("rep_phone"), RepEmail: c.FormValue("rep_email"),
		HeadName: c.FormValue("head_name"), HeadPhone: c.FormValue("head_phone"), HeadEmail: c.FormValue("head_email"),
		StaffName: c.FormValue("staff_name"), StaffPhone: c.FormValue("staff_phone"), CouncilType: c.FormValue("council_type"),
		Chatdong: c.FormValue("chatdong") != "", Pledge: c.FormValue("pledge") != "", Plan: map[string]PlanCell{}}
	for _, it := range Items {
		d.Plan[it.Key] = PlanCell{Council: c.FormValue("council_" + it.Key), Center: c.FormValue("center_" + it.Key)}
	}
	_, err = h.svc.SaveApplication(c.UserContext(), u, y, d)
	done := "saved"
	if err == nil && c.FormValue("action") == "submit" {
		_, err = h.svc.SubmitApplication(c.UserContext(), u, y)
		done = "submitted"
	}
	return h.formDone(c, y, err, done)
}

// POST /host/selection/review: the 2-2 header.
func (h *Handlers) formReview(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	in := headerJSON{HeldAt: c.FormValue("held_at"), Place: c.FormValue("place"), Department: c.FormValue("department"),
		LeadName: c.FormValue("lead_name"), LeadPhone: c.FormValue("lead_phone"), StaffName: c.FormValue("staff_name"),
		StaffPhone: c.FormValue("staff_phone"), NoActionPlan: c.FormValue("no_action_plan"),
		PBCommitteePending: c.FormValue("pb_committee_pending") != ""}
	hd, err := in.header()
	if err == nil {
		_, err = h.svc.SaveHeader(c.UserContext(), account.CurrentUser(c), y, hd)
	}
	return h.formDone(c, y, err, "review")
}

// POST /host/selection/members
func (h *Handlers) formMember(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	_, err = h.svc.AddMember(c.UserContext(), account.CurrentUser(c), y, Member{Name: c.FormValue("name"),
		Title: c.FormValue("title"), Sector: c.FormValue("sector"), Role: c.FormValue("role")})
	return h.formDone(c, y, err, "member")
}

// POST /host/selection/members/delete
func (h *Handlers) formRemoveMember(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	return h.formDone(c, y, h.svc.RemoveMember(c.UserContext(), account.CurrentUser(c), y, id), "member_removed")
}

// POST /host/selection/scores: one member's points for one dong.
func (h *Handlers) formScores(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	mid, _ := strconv.ParseInt(c.FormValue("member"), 10, 64)
	pts := map[string]int{}
	for _, it := range Items {
		v := strings.TrimSpace(c.FormValue("p_" + it.Key))
		n, err := strconv.Atoi(v)
		if err != nil {
			return h.formDone(c, y, maeul.FieldErrorf(maeul.EINVALID, "p_"+it.Key, "selection.err.points", it.Label, MaxPoints), "")
		}
		pts[it.Key] = n
	}
	return h.formDone(c, y, h.svc.SetScores(c.UserContext(), account.CurrentUser(c), y, mid, c.FormValue("dong"), pts), "scores")
}

// POST /host/selection/decide: action = decide | reopen | submit.
func (h *Handlers) formDecide(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	u, ctx := account.CurrentUser(c), c.UserContext()
	switch a := c.FormValue("action"); a {
	case "decide":
		_, err = h.svc.Decide(ctx, u, y)
	case "reopen":
		err = h.svc.Reopen(ctx, u, y)
	case "submit":
		_, err = h.svc.SubmitReport(ctx, u, y)
	default:
		err = maeul.FieldErrorf(maeul.EINVALID, "action", "selection.err.action")
	}
	return h.formDone(c, y, err, "decided_"+c.FormValue("action"))
}

// POST /host/selection/register: action = group | add | remove (city).
func (h *Handlers) formRegister(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	u, ctx := account.CurrentUser(c), c.UserContext()
	switch c.FormValue("action") {
	case "group":
		err = h.svc.SetGroup(ctx, u, y, c.FormValue("district"), c.FormValue("group"))
	case "add":
		err = h.svc.AddDong(ctx, u, y, c.FormValue("district"), c.FormValue("dong"), c.FormValue("chatdong") != "")
	case "remove":
		err = h.svc.RemoveDong(ctx, u, y, c.FormValue("district"), c.FormValue("dong"))
	default:
		err = maeul.FieldErrorf(maeul.EINVALID, "action", "selection.err.action")
	}
	return h.formDone(c, y, err, "register")
}

// POST /host/selection/schedule (city): every step's last day.
func (h *Handlers) formSchedule(c *fiber.Ctx) error {
	y, err := formYear(c)
	if err != nil {
		return err
	}
	sch, custom, err := h.svc.Schedule(c.UserContext(), y)
	if err != nil {
		return err
	}
	for _, st := range Steps {
		v := strings.TrimSpace(c.FormValue("due_" + st))
		if v == sch[st].Format("2006-01-02") && !custom[st] {
			continue // unchanged: the seed's date stays the seed's
		}
		if err := h.svc.SetDue(c.UserContext(), account.CurrentUser(c), y, st, v); err != nil {
			return h.formDone(c, y, err, "")
		}
	}
	return h.formDone(c, y, nil, "schedule")
}
