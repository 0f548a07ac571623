package execution

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// AgendaPage is the data of /host/execution/agendas/{agenda}.
type AgendaPage struct {
	page
	A          *Approval
	Reports    []Report
	Notes      []Note
	Agreements []Agreement
	User       *account.User
	CanWrite   bool // plan and reports: its 실행부서 or the dong
	CanNote    bool // the council (the dong's host)
	CanStatus  bool // its 실행부서 or the district
	Kinds      []string
	Statuses   []string
	Error      string
	PlanDue    timeT
	FinalDue   timeT
}

// GET /host/execution/agendas/{agenda}
func (h *Handlers) agendaPage(c *fiber.Ctx) error { return h.renderAgenda(c, "") }

func (h *Handlers) renderAgenda(c *fiber.Ctx, msg string) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	u, ctx := account.CurrentUser(c), c.UserContext()
	a, err := h.svc.Approval(ctx, u, id)
	if err != nil {
		return err
	}
	p := &AgendaPage{page: hostPage(c, "execution.agenda_title", a.Dong, a.Title), A: a, User: u, Error: msg,
		Kinds: ReportKinds, Statuses: []string{StatusPlanning, StatusRunning, StatusDone, StatusStopped},
		PlanDue: PlanDue(a.Year), FinalDue: FinalDue(a.Year)}
	p.CanWrite = a.Approved() && (u.Role == account.RoleDepartment || u.Role == account.RoleDong)
	p.CanNote = u.CanManage(a.District, a.Dong)
	p.CanStatus = a.Approved() && (u.Role == account.RoleDepartment || u.Role == account.RoleDistrict)
	if p.Reports, err = h.svc.Reports(ctx, u, id); err != nil {
		return err
	}
	if p.Notes, err = h.svc.Notes(ctx, u, id); err != nil {
		return err
	}
	if readsDong(u, a.District, a.Dong) {
		all, err := h.svc.Agreements(ctx, u, a.District, a.Dong, a.Year)
		if err != nil {
			return err
		}
		for _, g := range all {
			if g.AgendaID != nil && *g.AgendaID == a.AgendaID {
				p.Agreements = append(p.Agreements, g)
			}
		}
	}
	return h.env.Views.Render(c, "execution/agenda", p)
}

func agendaBack(c *fiber.Ctx) string {
	return "/host/execution/agendas/" + strconv.FormatInt(web.ParseID(c.Params("agenda")), 10)
}

func (h *Handlers) agendaForm(c *fiber.Ctx, do func(id int64) error) error {
	id, err := idParam(c, "agenda")
	if err != nil {
		return err
	}
	return done(c, do(id), func(m string) error { return h.renderAgenda(c, m) }, agendaBack(c))
}

// POST /host/execution/agendas/{agenda}/plan
func (h *Handlers) planForm(c *fiber.Ctx) error {
	return h.agendaForm(c, func(id int64) error {
		_, err := h.svc.SetPlan(c.UserContext(), account.CurrentUser(c), id, PlanInput{Roles: c.FormValue("roles"),
			Method: c.FormValue("method"), Funding: c.FormValue("funding"), AgreedOn: c.FormValue("agreed_on")})
		return err
	})
}

// POST /host/execution/agendas/{agenda}/reports (multipart: the report and an optional photo)
func (h *Handlers) reportForm(c *fiber.Ctx) error {
	return h.agendaForm(c, func(id int64) error {
		spent, _ := strconv.ParseInt(c.FormValue("spent"), 10, 64)
		photo, _, err := upload(c, "photo", assembly.MaxPhotoBytes)
		if err != nil {
			return err
		}
		u := account.CurrentUser(c)
		r, err := h.svc.AddReport(c.UserContext(), u, id, ReportInput{Kind: c.FormValue("kind"),
			ReportedOn: c.FormValue("reported_on"), Body: c.FormValue("body"), Spent: spent})
		if err != nil || photo == nil {
			return err
		}
		_, err = h.svc.AddReportPhoto(c.UserContext(), u, r.ID, c.FormValue("caption"), photo)
		return err
	})
}

// POST /host/execution/agendas/{agenda}/notes
func (h *Handlers) noteForm(c *fiber.Ctx) error {
	return h.agendaForm(c, func(id int64) error {
		_, err := h.svc.AddNote(c.UserContext(), account.CurrentUser(c), id, c.FormValue("body"))
		return err
	})
}

// POST /host/execution/agendas/{agenda}/status
func (h *Handlers) statusForm(c *fiber.Ctx) error {
	return h.agendaForm(c, func(id int64) error {
		_, err := h.svc.SetStatus(c.UserContext(), account.CurrentUser(c), id, c.FormValue("status"), c.FormValue("on"))
		return err
	})
}

// POST /host/execution/agendas/{agenda}/agreements (multipart: parties,
// signed_on and an optional file)
func (h *Handlers) agreementForm(c *fiber.Ctx) error {
	return h.agendaForm(c, func(id int64) error {
		u := account.CurrentUser(c)
		a, err := h.svc.Approval(c.UserContext(), u, id)
		if err != nil {
			return err
		}
		in, err := agreementInput(c)
		if err != nil {
			return err
		}
		in.AgendaID, in.Dong, in.Year = id, a.Dong, a.Year
		_, err = h.svc.AddAgreement(c.UserContext(), u, a.District, in)
		return err
	})
}

// MeetingsPage is the data of /host/execution/meetings: minutes and the form.
type MeetingsPage struct {
	page
	Year      int
	District  string
	Dong      string
	User      *account.User
	Meetings  []Meeting
	Activity  []Activity
	Bodies    []string
	OwnerKind string
	CanWrite  bool
	Error     string
}

// GET /host/execution/meetings[?district=&dong=&year=]
func (h *Handlers) meetingsPage(c *fiber.Ctx) error { return h.renderMeetings(c, "") }

func (h *Handlers) renderMeetings(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	y, err := h.year(c)
	if err != nil {
		return err
	}
	d, dong := district(c, u), c.Query("dong")
	if u.Role == account.RoleDong {
		d, dong = u.District, u.Dong
	}
	ctx := c.UserContext()
	p := &MeetingsPage{page: hostPage(c, "execution.meetings_title", y), Year: y, District: d, Dong: dong, User: u,
		Bodies: Bodies, Error: msg, OwnerKind: OwnerDistrict}
	if dong != "" {
		p.OwnerKind = OwnerDong
	}
	p.CanWrite = writesMinutes(u, p.OwnerKind, d, dong)
	if p.Meetings, err = h.svc.Meetings(ctx, u, d, dong, y); err != nil {
		return err
	}
	if dong == "" {
		if p.Activity, err = h.svc.Activities(ctx, u, d, y); err != nil {
			return err
		}
	} else if p.Activity, err = h.svc.activities(ctx, d, dong, y); err != nil {
		return err
	}
	return h.env.Views.Render(c, "execution/meetings", p)
}

// POST /host/execution/meetings (multipart: the minutes and an optional photo)
func (h *Handlers) meetingForm(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	n, _ := strconv.Atoi(c.FormValue("attendees"))
	in := MeetingInput{OwnerKind: c.FormValue("owner_kind"), District: c.FormValue("district"), Dong: c.FormValue("dong"),
		Body: c.FormValue("body"), AuthorAffiliation: c.FormValue("author_affiliation"), AuthorName: c.FormValue("author_name"),
		Title: c.FormValue("title"), HeldAt: c.FormValue("held_at"), Place: c.FormValue("place"), Attendees: n,
		AttendeeNames: c.FormValue("attendee_names"), Summary: c.FormValue("summary")}
	err := func() error {
		photo, _, err := upload(c, "photo", assembly.MaxPhotoBytes)
		if err != nil {
			return err
		}
		m, err := h.svc.AddMeeting(c.UserContext(), u, in)
		if err != nil || photo == nil {
			return err
		}
		_, err = h.svc.AddMeetingPhoto(c.UserContext(), u, m.ID, c.FormValue("caption"), photo)
		return err
	}()
	back := "/host/execution/meetings?district=" + url.QueryEscape(in.District) + "&dong=" + url.QueryEscape(in.Dong)
	return done(c, err, func(m string) error { return h.renderMeetings(c, m) }, back)
}

// GET /host/execution/sharing?district=&dong=&year=: the host's preview
// of a 성과공유 page, and its link.
func (h *Handlers) sharingPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	y, err := h.year(c)
	if err != nil {
		return err
	}
	d, dong := district(c, u), c.Query("dong")
	if u.Role == account.RoleDong {
		dong = u.Dong
	}
	sh, err := h.svc.Sharing(c.UserContext(), u, d, dong, y)
	if err != nil {
		return err
	}
	p := h.sharingData(c, sh)
	p.NoIndex = true
	if t := c.Query("link"); t != "" {
		p.Link = h.env.BaseURL + "/s/" + url.PathEscape(t)
	}
	return h.env.Views.Render(c, "execution/sharing", p)
}

// POST /host/execution/sharing/link
func (h *Handlers) shareLinkForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	d, dong := c.FormValue("district"), c.FormValue("dong")
	tok, err := h.svc.ShareLink(c.UserContext(), account.CurrentUser(c), d, dong, y)
	if err != nil {
		return err
	}
	return c.Redirect("/host/execution/sharing?district="+url.QueryEscape(d)+"&dong="+url.QueryEscape(dong)+
		"&year="+strconv.Itoa(y)+"&link="+url.QueryEscape(tok), fiber.StatusSeeOther)
}
