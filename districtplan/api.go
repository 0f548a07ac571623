package districtplan

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/web"
)

func districtParam(c *fiber.Ctx) string {
	d, _ := url.PathUnescape(c.Params("district"))
	return d
}

// yearOf reads ?year= (or the form's year), defaulting to this year in Seoul.
func yearOf(c *fiber.Ctx) (int, error) {
	v := c.Query("year")
	if v == "" {
		v = c.FormValue("year")
	}
	if v == "" {
		return time.Now().In(seoul).Year(), nil
	}
	y, err := strconv.Atoi(v)
	if err != nil || y < 2017 || y > 2100 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "dp.err.bad_year")
	}
	return y, nil
}

// parseDay reads "2027-04-20" (empty: nil).
func parseDay(field, s string) (*time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, seoul)
	if err != nil {
		return nil, maeul.FieldErrorf(maeul.EINVALID, field, "dp.err.bad_date")
	}
	return &t, nil
}

// DistrictJSON is everything about one district's plan of a year.
type DistrictJSON struct {
	Year        int            `json:"year"`
	District    string         `json:"district"`
	Application *ApplicationJS `json:"application"`
	Checks      []Check        `json:"checks"`
	Versions    []VersionJSON  `json:"versions"`
	Rounds      []*Round       `json:"rounds"`
	Records     []Record       `json:"records"`
	Events      []Event        `json:"events"`
}

// ApplicationJS is the application as the API shows it.
type ApplicationJS struct {
	ApplicationInput
	PrepFrom     *string    `json:"prep_from"`
	PrepUntil    *string    `json:"prep_until"`
	PlanFiledOn  *string    `json:"plan_filed_on"`
	SubmittedAt  *time.Time `json:"submitted_at"`
	Late         bool       `json:"late"`
	SharedAt     *time.Time `json:"shared_at"`
	ApprovedAt   *time.Time `json:"approved_at"`
	ApprovalNote string     `json:"approval_note"`
	AgreementOn  *string    `json:"agreement_on"`
	Parties      string     `json:"agreement_parties"`
	HasFile      bool       `json:"agreement_file"`
}

// VersionJSON is a version with its computed checks.
type VersionJSON struct {
	*Version
	SectoralTotal int64   `json:"sectoral_total"`
	Checks        []Check `json:"checks"`
}

func dayString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.In(seoul).Format("2006-01-02")
	return &s
}

func appJSON(a *Application) *ApplicationJS {
	return &ApplicationJS{ApplicationInput: a.ApplicationInput, PrepFrom: dayString(a.PrepFrom), PrepUntil: dayString(a.PrepUntil),
		PlanFiledOn: dayString(a.PlanFiledOn), SubmittedAt: a.SubmittedAt, Late: a.LateSubmission(), SharedAt: a.SharedAt,
		ApprovedAt: a.ApprovedAt, ApprovalNote: a.ApprovalNote, AgreementOn: dayString(a.AgreementOn),
		Parties: a.AgreementParties, HasFile: a.AgreementFileName != ""}
}

func versionJSON(v *Version) VersionJSON {
	return VersionJSON{Version: v, SectoralTotal: v.SectoralTotal(), Checks: PlanChecks(v)}
}

// districtData loads everything about one district's plan.
func (h *Handlers) districtData(c *fiber.Ctx, year int, district string) (*DistrictJSON, *Application, []*Version, error) {
	ctx, u := c.UserContext(), account.CurrentUser(c)
	a, err := h.svc.Application(ctx, u, year, district)
	if err != nil {
		return nil, nil, nil, err
	}
	d := &DistrictJSON{Year: year, District: district, Application: appJSON(a), Checks: ApplicationChecks(a)}
	vs, err := h.svc.Versions(ctx, u, year, district)
	if err != nil {
		return nil, nil, nil, err
	}
	d.Versions = make([]VersionJSON, 0, len(vs))
	for _, v := range vs {
		d.Versions = append(d.Versions, versionJSON(v))
	}
	if d.Rounds, err = h.svc.Rounds(ctx, u, year, district); err != nil {
		return nil, nil, nil, err
	}
	if d.Records, err = h.svc.Records(ctx, u, year, district); err != nil {
		return nil, nil, nil, err
	}
	if d.Events, err = h.svc.Events(ctx, u, year, district); err != nil {
		return nil, nil, nil, err
	}
	if d.Records == nil {
		d.Records = []Record{}
	}
	return d, a, vs, nil
}

func (h *Handlers) apiOverview(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	rows, err := h.svc.Overview(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"year": y, "districts": rows})
}

func (h *Handlers) apiDistrict(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	d, _, _, err := h.districtData(c, y, districtParam(c))
	if err != nil {
		return err
	}
	return c.JSON(d)
}

// applicationBody is the JSON of an application (dates as YYYY-MM-DD).
type applicationBody struct {
	ApplicationInput
	PrepFrom    string `json:"prep_from"`
	PrepUntil   string `json:"prep_until"`
	PlanFiledOn string `json:"plan_filed_on"`
}

func (b *applicationBody) input() (ApplicationInput, error) {
	in := b.ApplicationInput
	var err error
	if in.PrepFrom, err = parseDay("prep_from", b.PrepFrom); err != nil {
		return in, err
	}
	if in.PrepUntil, err = parseDay("prep_until", b.PrepUntil); err != nil {
		return in, err
	}
	in.PlanFiledOn, err = parseDay("plan_filed_on", b.PlanFiledOn)
	return in, err
}

// ownDistrict refuses a district host writing for another district.
func ownDistrict(c *fiber.Ctx) error {
	if u := account.CurrentUser(c); u.Role == account.RoleDistrict && u.District != districtParam(c) {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	return nil
}

func (h *Handlers) apiSaveApplication(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b applicationBody
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	in, err := b.input()
	if err != nil {
		return err
	}
	a, err := h.svc.SaveApplication(c.UserContext(), account.CurrentUser(c), y, in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"application": appJSON(a), "checks": ApplicationChecks(a)})
}

func (h *Handlers) apiSubmit(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	a, err := h.svc.SubmitApplication(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"application": appJSON(a), "checks": ApplicationChecks(a)})
}

func (h *Handlers) apiShare(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	n, err := h.svc.ShareWithFinance(c.UserContext(), account.CurrentUser(c), y)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"shared": n})
}

func (h *Handlers) apiFileVersion(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var in VersionInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	v, err := h.svc.FileVersion(c.UserContext(), account.CurrentUser(c), y, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(versionJSON(v))
}

// versionPair finds versions ?from= and ?to= (numbers) among vs.
func versionPair(c *fiber.Ctx, vs []*Version) (*Version, *Version, error) {
	find := func(key string) (*Version, error) {
		n, _ := strconv.Atoi(c.Query(key))
		for _, v := range vs {
			if v.Number == n {
				return v, nil
			}
		}
		return nil, maeul.FieldErrorf(maeul.ENOTFOUND, key, "dp.err.no_version")
	}
	a, err := find("from")
	if err != nil {
		return nil, nil, err
	}
	b, err := find("to")
	return a, b, err
}

func (h *Handlers) apiDiff(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	vs, err := h.svc.Versions(c.UserContext(), account.CurrentUser(c), y, districtParam(c))
	if err != nil {
		return err
	}
	a, b, err := versionPair(c, vs)
	if err != nil {
		return err
	}
	ch := Diff(a, b)
	if ch == nil {
		ch = []Change{}
	}
	return c.JSON(fiber.Map{"from": a.Number, "to": b.Number, "changes": ch})
}

func (h *Handlers) apiMembers(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	if account.CurrentUser(c).Role == account.RoleDong {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	ms, err := h.svc.Members(c.UserContext(), y)
	if err != nil {
		return err
	}
	if ms == nil {
		ms = []Member{}
	}
	return c.JSON(fiber.Map{"year": y, "members": ms})
}

func (h *Handlers) apiAddMember(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct{ Name, Kind string }
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	m, err := h.svc.AddMember(c.UserContext(), account.CurrentUser(c), y, b.Name, b.Kind)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(m)
}

func (h *Handlers) apiOpenRound(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct {
		Round     *int   `json:"round"`
		MeetingOn string `json:"meeting_on"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	day, err := parseDay("meeting_on", b.MeetingOn)
	if err != nil {
		return err
	}
	if b.Round == nil || day == nil {
		return maeul.FieldErrorf(maeul.EINVALID, "round", "dp.err.bad_round")
	}
	r, err := h.svc.OpenRound(c.UserContext(), account.CurrentUser(c), y, districtParam(c), *b.Round, *day)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(r)
}

func (h *Handlers) apiOpinion(c *fiber.Ctx) error {
	var b struct {
		MemberID string   `json:"member_id"`
		Checks   []string `json:"checks"`
		Opinion  string   `json:"opinion"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	mid, _ := strconv.ParseInt(b.MemberID, 10, 64)
	id, err := h.svc.RecordOpinion(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("round")), mid, b.Checks, b.Opinion)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": strconv.FormatInt(id, 10)})
}

func (h *Handlers) apiAnswer(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	var b struct{ Answer string }
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	if err := h.svc.Answer(c.UserContext(), account.CurrentUser(c), web.ParseID(c.Params("opinion")), b.Answer); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

func (h *Handlers) apiApprove(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct{ Note string }
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	if err := h.svc.Approve(c.UserContext(), account.CurrentUser(c), y, districtParam(c), b.Note); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

func (h *Handlers) apiAgreement(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct {
		AgreementOn string `json:"agreement_on"`
		Parties     string `json:"parties"`
	}
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	day, err := parseDay("agreement_on", b.AgreementOn)
	if err != nil {
		return err
	}
	ag := Agreement{Parties: b.Parties}
	if day != nil {
		ag.On = *day
	}
	if err := h.svc.RecordAgreement(c.UserContext(), account.CurrentUser(c), y, districtParam(c), ag); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

func (h *Handlers) apiRecord(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var b struct{ Kind, HeldOn, Title, Body string }
	if err := web.DecodeJSON(c, &b); err != nil {
		return err
	}
	var r Record
	r.Kind, r.Title, r.Body = b.Kind, b.Title, b.Body
	day, err := parseDay("held_on", b.HeldOn)
	if err != nil {
		return err
	}
	if day != nil {
		r.HeldOn = *day
	}
	rec, err := h.svc.AddRecord(c.UserContext(), account.CurrentUser(c), y, districtParam(c), r)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rec)
}
