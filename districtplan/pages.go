package districtplan

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/i18n"
	"maeul/web"
)

// OverviewPage is the data of districtplan/overview: every district with
// both plan types (the city, finance) or the host's own (a district).
type OverviewPage struct {
	web.Page
	Year    int
	Rows    []Row
	Members []Member
	IsCity  bool
	Kinds   []string
	Done    string
	Error   string
}

// DistrictPage is the data of districtplan/district.
type DistrictPage struct {
	web.Page
	*DistrictJSON
	App         *Application
	Latest      *Version
	Members     []Member
	IsCity      bool
	IsOwner     bool // this district's host
	NextRound   int
	Private     int
	Governance  int
	Counts      map[string]int // 논의주체 by sector
	Checklist   []string
	Stages      []string
	Kinds       []int
	RecordKinds []string  // record kinds this host may add
	ProjectRows []Project // the version form's rows: the latest version's, then blanks
	AgreementOn string
	Surveys     []*Survey
	BaseURL     string
	Vote        *Vote
	ScoreRows   []ScoreRow
	Weighted    *WeightedResult
	Formula     string
	Done        string
	Error       string
	Schedule    Schedule
	Esc         string // the district, escaped for URLs
}

func (h *Handlers) overviewPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	if u.Role == account.RoleDistrict {
		return c.Redirect("/host/district-plans/"+url.PathEscape(u.District)+"?year="+strconv.Itoa(y), fiber.StatusSeeOther)
	}
	return h.renderOverview(c, y, "")
}

func (h *Handlers) renderOverview(c *fiber.Ctx, y int, errMsg string) error {
	u := account.CurrentUser(c)
	rows, err := h.svc.Overview(c.UserContext(), u, y)
	if err != nil {
		return err
	}
	ms, err := h.svc.Members(c.UserContext(), y)
	if err != nil {
		return err
	}
	p := OverviewPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "dp.overview.title", y)), Year: y, Rows: rows,
		Members: ms, IsCity: u.Role == account.RoleCity, Kinds: MemberKinds, Done: c.Query("done"), Error: errMsg}
	p.NoIndex, p.Wide = true, true
	return h.env.Views.Render(c, "districtplan/overview", p)
}

func (h *Handlers) districtPage(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	return h.renderDistrict(c, y, districtParam(c), "")
}

func (h *Handlers) renderDistrict(c *fiber.Ctx, y int, district, errMsg string) error {
	u := account.CurrentUser(c)
	if u.Role == account.RoleDistrict && u.District != district {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	if u.Role != account.RoleDistrict && u.Role != account.RoleCity && u.Role != account.RoleFinance {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	p := DistrictPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "dp.district.title", district, y)),
		IsCity: u.Role == account.RoleCity, IsOwner: u.Role == account.RoleDistrict, Checklist: Checklist,
		Stages: Stages, Kinds: []int{1, 2, 3, 4}, Done: c.Query("done"), Error: errMsg, Schedule: ScheduleOf(y),
		Esc: url.PathEscape(district)}
	p.NoIndex, p.Wide = true, true
	d, a, vs, err := h.districtData(c, y, district)
	if maeul.ErrorCode(err) == maeul.ENOTFOUND && p.IsOwner {
		// Nothing started yet: the page offers to write the application.
		p.DistrictJSON = &DistrictJSON{Year: y, District: district}
		return h.env.Views.Render(c, "districtplan/district", p)
	}
	if err != nil {
		return err
	}
	p.DistrictJSON, p.App = d, a
	if len(vs) > 0 {
		p.Latest = vs[len(vs)-1]
	}
	p.NextRound = len(d.Rounds)
	p.Private, p.Governance = a.PrivateShare()
	p.Counts = map[string]int{}
	for _, pe := range a.People {
		p.Counts[pe.Sector]++
	}
	if p.Members, err = h.svc.Members(c.UserContext(), y); err != nil {
		return err
	}
	for _, k := range RecordKinds {
		if recordRole(k) == u.Role {
			p.RecordKinds = append(p.RecordKinds, k)
		}
	}
	if p.Latest != nil {
		p.ProjectRows = append(p.ProjectRows, p.Latest.Projects...)
	}
	p.ProjectRows = append(p.ProjectRows, make([]Project, 3)...)
	p.AgreementOn = str(d.Application.AgreementOn)
	if p.Surveys, err = h.svc.Surveys(c.UserContext(), u, y, district); err != nil {
		return err
	}
	p.BaseURL = h.env.BaseURL
	if p.Vote, err = h.svc.FindVote(c.UserContext(), u, y, district); err != nil {
		return err
	}
	if p.Vote != nil {
		if p.ScoreRows, err = h.svc.Scores(c.UserContext(), p.Vote); err != nil {
			return err
		}
		p.Formula = formula(p.Lang, p.Vote)
		if p.Vote.State == "closed" || p.Vote.State == "announced" {
			if p.Weighted, err = h.svc.Weighted(c.UserContext(), u, y, district); err != nil {
				return err
			}
		}
	}
	return h.env.Views.Render(c, "districtplan/district", p)
}

// DiffPage is the data of districtplan/diff.
type DiffPage struct {
	web.Page
	District string
	Esc      string
	Year     int
	From, To *Version
	Changes  []Change
}

func (h *Handlers) diffPage(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	district := districtParam(c)
	vs, err := h.svc.Versions(c.UserContext(), account.CurrentUser(c), y, district)
	if err != nil {
		return err
	}
	a, b, err := versionPair(c, vs)
	if err != nil {
		return err
	}
	p := DiffPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "dp.diff.title", a.Number, b.Number)), District: district,
		Esc: url.PathEscape(district), Year: y, From: a, To: b, Changes: Diff(a, b)}
	p.NoIndex = true
	return h.env.Views.Render(c, "districtplan/diff", p)
}

func (h *Handlers) agreementFile(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	b, name, typ, err := h.svc.AgreementFile(c.UserContext(), account.CurrentUser(c), y, districtParam(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, typ)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="agreement"; filename*=UTF-8''`+url.PathEscape(name))
	c.Set("X-Content-Type-Options", "nosniff")
	return c.Send(b)
}

// formDone answers a page's form: back to the page with a notice, or the
// page again with the problem for what a person can fix.
func (h *Handlers) formDone(c *fiber.Ctx, y int, district string, err error, done string) error {
	if err == nil {
		target := "/host/district-plans/" + url.PathEscape(district)
		if district == "" {
			target = "/host/district-plans"
		}
		return c.Redirect(target+"?year="+strconv.Itoa(y)+"&done="+done, fiber.StatusSeeOther)
	}
	var me *maeul.Error
	if !errors.As(err, &me) || me.Code != maeul.EINVALID && me.Code != maeul.ECONFLICT {
		return err
	}
	c.Status(web.Status(me.Code))
	msg := web.Message(web.Lang(c), me)
	if district == "" {
		return h.renderOverview(c, y, msg)
	}
	return h.renderDistrict(c, y, district, msg)
}
