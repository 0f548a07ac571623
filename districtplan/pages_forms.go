package districtplan

import (
	"io"
	"net/http"
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

// ApplicationFormPage is the data of districtplan/application (서식 1-1).
type ApplicationFormPage struct {
	web.Page
	Year       int
	District   string
	Esc        string
	In         ApplicationInput
	PrepFrom   string
	PrepUntil  string
	FiledOn    string
	Rows       []Person
	Structures []string
	Groups     []string
	Sectors    []string
	Error      string
}

const blankPeople = 5

func (h *Handlers) applicationForm(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	if account.CurrentUser(c).Role != account.RoleDistrict {
		return maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	district := districtParam(c)
	var in ApplicationInput
	a, err := h.svc.Application(c.UserContext(), account.CurrentUser(c), y, district)
	switch {
	case err == nil:
		in = a.ApplicationInput
	case maeul.ErrorCode(err) != maeul.ENOTFOUND:
		return err
	}
	return h.renderApplicationForm(c, y, district, in, "")
}

func (h *Handlers) renderApplicationForm(c *fiber.Ctx, y int, district string, in ApplicationInput, errMsg string) error {
	p := ApplicationFormPage{Page: web.NewPage(c, i18n.T(web.Lang(c), "dp.app.title", district, y)), Year: y,
		District: district, Esc: escape(district), In: in, PrepFrom: str(dayString(in.PrepFrom)),
		PrepUntil: str(dayString(in.PrepUntil)), FiledOn: str(dayString(in.PlanFiledOn)),
		Structures: Structures, Groups: Groups, Sectors: Sectors, Error: errMsg}
	p.NoIndex = true
	p.Rows = append(append([]Person{}, in.People...), make([]Person, blankPeople)...)
	return h.env.Views.Render(c, "districtplan/application", p)
}

func str(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func escape(s string) string { return url.PathEscape(s) }

func (h *Handlers) applicationPost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	district := districtParam(c)
	in := ApplicationInput{CouncilName: c.FormValue("council_name"), TFTStanding: c.FormValue("tft_standing") != "",
		CivilRep: c.FormValue("civil_rep"), PublicRep: c.FormValue("public_rep"),
		PrepParticipants: c.FormValue("prep_participants"), Structure: c.FormValue("structure"),
		StructureNote: c.FormValue("structure_note"), Background: c.FormValue("background"),
		PlanFiled: c.FormValue("plan_filed") != "", CouncilsAgreed: c.FormValue("councils_agreed") != ""}
	n, _ := strconv.Atoi(c.FormValue("rows"))
	for i := 0; i < n && i < maxRows; i++ {
		k := strconv.Itoa(i)
		p := Person{Name: strings.TrimSpace(c.FormValue("name_" + k)), Affiliation: c.FormValue("affiliation_" + k),
			Field: c.FormValue("field_" + k), Role: c.FormValue("role_" + k), Group: c.FormValue("group_" + k),
			Sector: c.FormValue("sector_" + k)}
		if p.Name == "" && strings.TrimSpace(p.Affiliation+p.Field+p.Role) == "" {
			continue // a blank row
		}
		in.People = append(in.People, p)
	}
	var perr error
	for _, f := range []struct {
		dst  **time.Time
		name string
	}{{&in.PrepFrom, "prep_from"}, {&in.PrepUntil, "prep_until"}, {&in.PlanFiledOn, "plan_filed_on"}} {
		if *f.dst, err = parseDay(f.name, c.FormValue(f.name)); err != nil && perr == nil {
			perr = err
		}
	}
	if perr == nil {
		_, perr = h.svc.SaveApplication(c.UserContext(), account.CurrentUser(c), y, in)
	}
	if perr != nil {
		if me := asUserError(perr); me != nil {
			c.Status(web.Status(me.Code))
			return h.renderApplicationForm(c, y, district, in, web.Message(web.Lang(c), me))
		}
		return perr
	}
	return c.Redirect("/host/district-plans/"+escape(district)+"?year="+strconv.Itoa(y)+"&done=saved", fiber.StatusSeeOther)
}

func asUserError(err error) *maeul.Error {
	me := web.Normalize(err)
	if me.Code == maeul.EINVALID || me.Code == maeul.ECONFLICT {
		return me
	}
	return nil
}

// confirmed refuses a workflow step whose confirmation box is unchecked.
func confirmed(c *fiber.Ctx) error {
	if c.FormValue("confirm") == "" {
		return maeul.FieldErrorf(maeul.EINVALID, "confirm", "dp.err.confirm")
	}
	return nil
}

func (h *Handlers) submitPost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	err = confirmed(c)
	if err == nil {
		_, err = h.svc.SubmitApplication(c.UserContext(), account.CurrentUser(c), y)
	}
	return h.formDone(c, y, districtParam(c), err, "submitted")
}

// parseWon reads "300,000,000" or "3억" is not accepted: digits, commas and 원.
func parseWon(field, s string) (int64, error) {
	s = strings.TrimSpace(strings.TrimSuffix(strings.ReplaceAll(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), " ", ""), "원"))
	if s == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, maeul.FieldErrorf(maeul.EINVALID, field, "dp.err.bad_money")
	}
	return n, nil
}

func (h *Handlers) versionPost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	in := VersionInput{Stage: c.FormValue("stage"), BasicPlan: c.FormValue("basic_plan"),
		Institutional: c.FormValue("institutional"), PBSupport: c.FormValue("pb_support"),
		NextYear: c.FormValue("next_year"), ProposalsNote: c.FormValue("proposals_note")}
	if in.CityGrant, err = parseWon("city_grant", c.FormValue("city_grant")); err == nil {
		in.IntegrationCost, err = parseWon("integration_cost", c.FormValue("integration_cost"))
	}
	n, _ := strconv.Atoi(c.FormValue("rows"))
	for i := 0; i < n && i < maxRows && err == nil; i++ {
		k := strconv.Itoa(i)
		p := Project{Title: strings.TrimSpace(c.FormValue("title_" + k)), Departments: c.FormValue("departments_" + k),
			Partners: c.FormValue("partners_" + k), BudgetLines: c.FormValue("lines_" + k)}
		if p.Title == "" && strings.TrimSpace(c.FormValue("budget_"+k)) == "" {
			continue
		}
		p.Kind, _ = strconv.Atoi(c.FormValue("kind_" + k))
		p.Budget, err = parseWon("projects", c.FormValue("budget_"+k))
		in.Projects = append(in.Projects, p)
	}
	if err == nil {
		err = confirmed(c)
	}
	if err == nil {
		_, err = h.svc.FileVersion(c.UserContext(), account.CurrentUser(c), y, in)
	}
	return h.formDone(c, y, districtParam(c), err, "version")
}

func (h *Handlers) roundPost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	round, convErr := strconv.Atoi(c.FormValue("round"))
	day, err := parseDay("meeting_on", c.FormValue("meeting_on"))
	if err == nil && (convErr != nil || day == nil) {
		err = maeul.FieldErrorf(maeul.EINVALID, "round", "dp.err.bad_round")
	}
	if err == nil {
		_, err = h.svc.OpenRound(c.UserContext(), account.CurrentUser(c), y, districtParam(c), round, *day)
	}
	return h.formDone(c, y, districtParam(c), err, "round")
}

func (h *Handlers) opinionPost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	var checks []string
	for _, k := range Checklist {
		if c.FormValue("check_"+k) != "" {
			checks = append(checks, k)
		}
	}
	mid, _ := strconv.ParseInt(c.FormValue("member_id"), 10, 64)
	_, err = h.svc.RecordOpinion(c.UserContext(), account.CurrentUser(c), web.ParseID(c.FormValue("round_id")), mid, checks, c.FormValue("opinion"))
	return h.formDone(c, y, districtParam(c), err, "opinion")
}

func (h *Handlers) answerPost(c *fiber.Ctx) error {
	if err := ownDistrict(c); err != nil {
		return err
	}
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	err = h.svc.Answer(c.UserContext(), account.CurrentUser(c), web.ParseID(c.FormValue("opinion_id")), c.FormValue("answer"))
	return h.formDone(c, y, districtParam(c), err, "answer")
}

func (h *Handlers) approvePost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	err = confirmed(c)
	if err == nil {
		err = h.svc.Approve(c.UserContext(), account.CurrentUser(c), y, districtParam(c), c.FormValue("note"))
	}
	return h.formDone(c, y, districtParam(c), err, "approved")
}

func (h *Handlers) agreementPost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	ag := Agreement{Parties: c.FormValue("parties")}
	day, err := parseDay("agreement_on", c.FormValue("agreement_on"))
	if day != nil {
		ag.On = *day
	}
	if fh, ferr := c.FormFile("file"); err == nil && ferr == nil && fh.Size > 0 {
		if fh.Size > MaxAgreementFile {
			err = maeul.FieldErrorf(maeul.EINVALID, "file", "dp.err.file_too_big", MaxAgreementFile>>20)
		} else if f, oerr := fh.Open(); oerr == nil {
			ag.File, err = io.ReadAll(io.LimitReader(f, MaxAgreementFile+1))
			f.Close()
			ag.FileName = fh.Filename
			// The type is what the bytes are, not what the browser says.
			ag.FileType = strings.TrimSuffix(strings.Split(http.DetectContentType(ag.File), ";")[0], " ")
		}
	}
	if err == nil {
		err = h.svc.RecordAgreement(c.UserContext(), account.CurrentUser(c), y, districtParam(c), ag)
	}
	return h.formDone(c, y, districtParam(c), err, "agreement")
}

func (h *Handlers) recordPost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	r := Record{Kind: c.FormValue("kind"), Title: c.FormValue("title"), Body: c.FormValue("body")}
	day, err := parseDay("held_on", c.FormValue("held_on"))
	if day != nil {
		r.HeldOn = *day
	}
	if err == nil {
		_, err = h.svc.AddRecord(c.UserContext(), account.CurrentUser(c), y, districtParam(c), r)
	}
	return h.formDone(c, y, districtParam(c), err, "record")
}

func (h *Handlers) memberPost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	_, err = h.svc.AddMember(c.UserContext(), account.CurrentUser(c), y, c.FormValue("name"), c.FormValue("kind"))
	return h.formDone(c, y, "", err, "member")
}

func (h *Handlers) sharePost(c *fiber.Ctx) error {
	y, err := yearOf(c)
	if err != nil {
		return err
	}
	err = confirmed(c)
	if err == nil {
		_, err = h.svc.ShareWithFinance(c.UserContext(), account.CurrentUser(c), y)
	}
	return h.formDone(c, y, "", err, "shared")
}
