package result

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/i18n"
	"maeul/web"
)

func workflowRoutes(app *fiber.App, s *Service, auth *account.Auth) {
	// JSON API.
	app.Post("/api/v1/assemblies/:id/submit", auth.Require, s.apiSubmit)
	app.Get("/api/v1/submissions/:id", auth.Require, s.apiSubmission)
	app.Post("/api/v1/submissions/:id/return", auth.Require, s.apiReturn)
	app.Post("/api/v1/submissions/:id/designate", auth.Require, s.apiDesignate)
	app.Get("/api/v1/districts/:district/submissions", auth.Require, s.apiDistrict)
	app.Post("/api/v1/districts/:district/forward", auth.Require, s.apiForward)
	app.Get("/api/v1/districts/:district/submission.xlsx", auth.Require, s.districtXLSX)
	app.Get("/api/v1/city/submissions", auth.Require, s.apiCity)
	app.Get("/api/v1/city/submission.xlsx", auth.Require, s.cityXLSX)
	app.Get("/api/v1/deadlines/:year", auth.Require, s.apiDeadlines)
	app.Put("/api/v1/deadlines/:year", auth.Require, s.apiSetDeadlines)
	app.Get("/api/v1/audit", auth.Require, s.apiAudit)

	// Pages.
	app.Post("/host/assemblies/:id/submit", auth.Require, s.submitForm)
	app.Get("/host/submissions/:id", auth.Require, s.submissionPage)
	app.Post("/host/submissions/:id/return", auth.Require, s.returnForm)
	app.Post("/host/submissions/:id/designate", auth.Require, s.designateForm)
	app.Get("/host/district", auth.Require, s.districtPage)
	app.Post("/host/district/forward", auth.Require, s.forwardForm)
	app.Get("/host/city", auth.Require, s.cityPage)
	app.Post("/host/city/deadlines", auth.Require, s.deadlinesForm)
	// A refused form is answered at its own address; the page's language
	// link (?lang=en) comes back to it with GET: send it to the page.
	back := func(to func(c *fiber.Ctx) string) fiber.Handler {
		return func(c *fiber.Ctx) error { return c.Redirect(to(c), fiber.StatusSeeOther) }
	}
	submission := back(func(c *fiber.Ctx) string {
		return "/host/submissions/" + strconv.FormatInt(web.ParseID(c.Params("id")), 10)
	})
	app.Get("/host/submissions/:id/return", auth.Require, submission)
	app.Get("/host/submissions/:id/designate", auth.Require, submission)
	app.Get("/host/city/deadlines", auth.Require, back(func(*fiber.Ctx) string { return "/host/city" }))
}

// year reads ?year=, defaulting to this year in Seoul.
func (s *Service) year(c *fiber.Ctx) (int, error) {
	if v := c.Query("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 2000 || y > 2100 {
			return 0, maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
		}
		return y, nil
	}
	return s.Now().In(web.Seoul).Year(), nil
}

func (s *Service) readableSubmission(c *fiber.Ctx) (*SubmissionRecord, error) {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "submission.not_found")
	}
	rec, err := FindSubmission(c.UserContext(), s.Env.Pool, id)
	if err != nil {
		return nil, err
	}
	if !account.CurrentUser(c).CanRead(rec.District, rec.Dong) {
		return nil, account.Forbid()
	}
	return rec, nil
}

// readableDistrict: the district's hosts and the city.
func readableDistrict(u *account.User, district string) error {
	if u == nil || district == "" {
		return account.Forbid()
	}
	if u.Role == account.RoleCity || (u.Role == account.RoleDistrict && u.District == district) {
		return nil
	}
	return account.Forbid()
}

// POST /api/v1/assemblies/{id}/submit → 201 the submission record.
func (s *Service) apiSubmit(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	rec, err := s.Submit(c.UserContext(), id, account.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(rec)
}

// SubmissionView is a stored submission with its content as sent and now.
type SubmissionView struct {
	*SubmissionRecord
	Content       *Submission `json:"content"`
	CurrentSHA256 string      `json:"current_sha256"`
	Current       *Submission `json:"-"`
}

// MarshalJSON keeps the record's fields flat next to the content.
func (v SubmissionView) MarshalJSON() ([]byte, error) {
	rec, err := v.SubmissionRecord.MarshalJSON()
	if err != nil {
		return nil, err
	}
	content, _ := json.Marshal(v.Content)
	return []byte(strings.TrimSuffix(string(rec), "}") + `,"content":` + string(content) +
		`,"current_sha256":"` + v.CurrentSHA256 + `"}`), nil
}

func (s *Service) submissionView(c *fiber.Ctx, rec *SubmissionRecord) (*SubmissionView, *assembly.Assembly, error) {
	ctx := c.UserContext()
	v := &SubmissionView{SubmissionRecord: rec}
	var raw []byte
	if err := s.Env.Pool.QueryRow(ctx, `SELECT content FROM submissions WHERE id = $1`, rec.ID).Scan(&raw); err != nil {
		return nil, nil, err
	}
	v.Content = &Submission{}
	if err := json.Unmarshal(raw, v.Content); err != nil {
		return nil, nil, err
	}
	a, err := assembly.FindAssembly(ctx, s.Env.Pool, rec.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	cur, err := BuildSubmission(ctx, s.Env.Pool, a)
	if err != nil {
		return nil, nil, err
	}
	v.Current, v.CurrentSHA256 = cur, cur.SHA256()
	return v, a, nil
}

// GET /api/v1/submissions/{id}
func (s *Service) apiSubmission(c *fiber.Ctx) error {
	rec, err := s.readableSubmission(c)
	if err != nil {
		return err
	}
	v, _, err := s.submissionView(c, rec)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// POST /api/v1/submissions/{id}/return {"reason"}
func (s *Service) apiReturn(c *fiber.Ctx) error {
	var in struct {
		Reason string `json:"reason"`
	}
	if err := c.BodyParser(&in); err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	rec, err := s.Return(c.UserContext(), web.ParseID(c.Params("id")), account.CurrentUser(c), in.Reason)
	if err != nil {
		return err
	}
	return c.JSON(rec)
}

// POST /api/v1/submissions/{id}/designate {"designations": [{"agenda_id","department"}]}
// (or one {"agenda_id","department"}).
func (s *Service) apiDesignate(c *fiber.Ctx) error {
	var in struct {
		Designations []Designation `json:"designations"`
		AgendaID     string        `json:"agenda_id"`
		Department   string        `json:"department"`
	}
	if err := c.BodyParser(&in); err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	if in.AgendaID != "" {
		in.Designations = append(in.Designations, Designation{AgendaID: in.AgendaID, Department: in.Department})
	}
	rec, err := s.Designate(c.UserContext(), web.ParseID(c.Params("id")), account.CurrentUser(c), in.Designations)
	if err != nil {
		return err
	}
	v, _, err := s.submissionView(c, rec)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// GET /api/v1/districts/{district}/submissions?year=
func (s *Service) apiDistrict(c *fiber.Ctx) error {
	district, _ := url.PathUnescape(c.Params("district"))
	if err := readableDistrict(account.CurrentUser(c), district); err != nil {
		return err
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	st, err := FindDistrictStatus(c.UserContext(), s.Env.Pool, district, y)
	if err != nil {
		return err
	}
	return c.JSON(st)
}

// POST /api/v1/districts/{district}/forward {"year"} → 201
func (s *Service) apiForward(c *fiber.Ctx) error {
	district, _ := url.PathUnescape(c.Params("district"))
	var in struct {
		Year int `json:"year"`
	}
	if len(c.Body()) > 0 {
		if err := c.BodyParser(&in); err != nil {
			return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
		}
	}
	if in.Year == 0 {
		in.Year = s.Now().In(web.Seoul).Year()
	}
	f, err := s.Forward(c.UserContext(), district, in.Year, account.CurrentUser(c))
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(f)
}

// GET /api/v1/districts/{district}/submission.xlsx?year=: the district's
// current consolidated list.
func (s *Service) districtXLSX(c *fiber.Ctx) error {
	district, _ := url.PathUnescape(c.Params("district"))
	if err := readableDistrict(account.CurrentUser(c), district); err != nil {
		return err
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	dl, err := FindDistrictList(c.UserContext(), s.Env.Pool, district, y)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(dl)
	sum := Hash(raw)
	b, err := ConsolidatedXLSX(i18n.T("ko", "workflow.district_sheet_title", y, district), dl.Submissions, sum)
	if err != nil {
		return err
	}
	sendFile(c, b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		district+"_"+strconv.Itoa(y)+"_실행계획목록.xlsx", sum)
	return nil
}

// GET /api/v1/city/submissions?year=
func (s *Service) apiCity(c *fiber.Ctx) error {
	if u := account.CurrentUser(c); u.Role != account.RoleCity {
		return account.Forbid()
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	cs, err := FindCityStatus(c.UserContext(), s.Env.Pool, y)
	if err != nil {
		return err
	}
	return c.JSON(cs)
}

// GET /api/v1/city/submission.xlsx?year=: every forwarded list in one sheet.
func (s *Service) cityXLSX(c *fiber.Ctx) error {
	if u := account.CurrentUser(c); u.Role != account.RoleCity {
		return account.Forbid()
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	cl, err := FindCityList(c.UserContext(), s.Env.Pool, y)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(cl)
	sum := Hash(raw)
	b, err := ConsolidatedXLSX(i18n.T("ko", "workflow.city_sheet_title", y), cl.Submissions, sum)
	if err != nil {
		return err
	}
	sendFile(c, b, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
		"서울시_"+strconv.Itoa(y)+"_실행계획목록.xlsx", sum)
	return nil
}

// GET /api/v1/deadlines/{year}
func (s *Service) apiDeadlines(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil || y < 2000 || y > 2100 {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	d, err := FindDeadlines(c.UserContext(), s.Env.Pool, y)
	if err != nil {
		return err
	}
	return c.JSON(deadlinesJSON(d))
}

func deadlinesJSON(d *Deadlines) fiber.Map {
	return fiber.Map{"year": d.Year, "dong": d.DongDue.Format("2006-01-02"), "district": d.DistrictDue.Format("2006-01-02"),
		"city": d.CityDue.Format("2006-01-02"), "custom": d.Custom}
}

// PUT /api/v1/deadlines/{year} {"dong","district","city"} (city hosts)
func (s *Service) apiSetDeadlines(c *fiber.Ctx) error {
	y, err := strconv.Atoi(c.Params("year"))
	if err != nil {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	var in struct{ Dong, District, City string }
	if err := c.BodyParser(&in); err != nil {
		return maeul.Errorf(maeul.EMALFORMED, "error.malformed_json")
	}
	d, err := s.SetDeadlines(c.UserContext(), account.CurrentUser(c), y, in.Dong, in.District, in.City)
	if err != nil {
		return err
	}
	return c.JSON(deadlinesJSON(d))
}

// GET /api/v1/audit?district=&dong= : the entries the host may see.
func (s *Service) apiAudit(c *fiber.Ctx) error {
	list, err := Audit(c.UserContext(), s.Env.Pool, account.CurrentUser(c), web.Lang(c), c.Query("district"), c.Query("dong"), 500)
	if err != nil {
		return err
	}
	if list == nil {
		list = []AuditEntry{}
	}
	return c.JSON(fiber.Map{"entries": list})
}

// --- pages ---

// POST /host/assemblies/{id}/submit
func (s *Service) submitForm(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	if _, err := s.Submit(c.UserContext(), id, account.CurrentUser(c)); err != nil {
		return err
	}
	return c.Redirect("/host/assemblies/"+strconv.FormatInt(id, 10)+"/results", fiber.StatusSeeOther)
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
	Audit        []AuditEntry
	Error        string
}

func (s *Service) submissionPage(c *fiber.Ctx) error {
	return s.renderSubmission(c, "")
}

func (s *Service) renderSubmission(c *fiber.Ctx, msg string) error {
	rec, err := s.readableSubmission(c)
	if err != nil {
		return err
	}
	v, a, err := s.submissionView(c, rec)
	if err != nil {
		return err
	}
	u := account.CurrentUser(c)
	lang := web.Lang(c)
	p := &SubmissionPage{page: newPage(c, i18n.T(lang, "workflow.submission_title", rec.District, rec.Dong)),
		V: v, A: a, Rows: v.Current.Rows, Error: msg}
	p.NoIndex, p.Wide = true, true
	p.CanAct = districtHost(u, rec.District) == nil
	p.Designatable = p.CanAct && rec.State == SubmissionSubmitted
	p.Returnable = p.CanAct && rec.State == SubmissionSubmitted
	p.DistrictView = u.Role != account.RoleDong
	all, err := Audit(c.UserContext(), s.Env.Pool, u, web.Lang(c), rec.District, rec.Dong, 100)
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
	return s.Env.Views.Render(c, "result/submission", p)
}

// POST /host/submissions/{id}/return
func (s *Service) returnForm(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	_, err := s.Return(c.UserContext(), id, account.CurrentUser(c), c.FormValue("reason"))
	if me, ok := err.(*maeul.Error); ok && me.Code == maeul.EINVALID {
		return s.renderSubmission(c, i18n.T(web.Lang(c), me.Key, me.Args...))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/submissions/"+c.Params("id"), fiber.StatusSeeOther)
}

// POST /host/submissions/{id}/designate: fields dept_<agenda id>.
func (s *Service) designateForm(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	var ds []Designation
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if aid, ok := strings.CutPrefix(string(k), "dept_"); ok {
			ds = append(ds, Designation{AgendaID: aid, Department: string(v)})
		}
	})
	_, err := s.Designate(c.UserContext(), id, account.CurrentUser(c), ds)
	if me, ok := err.(*maeul.Error); ok && me.Code == maeul.EINVALID {
		return s.renderSubmission(c, i18n.T(web.Lang(c), me.Key, me.Args...))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/submissions/"+c.Params("id"), fiber.StatusSeeOther)
}

// DistrictPage is the data of /host/district.
type DistrictPage struct {
	page
	St         *DistrictStatus
	DongDue    string
	DistDue    string
	CanForward bool
	ListSHA    string
	Audit      []AuditEntry
}

// GET /host/district[?district=&year=]: a district host sees its own
// district; the city may look at any.
func (s *Service) districtPage(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	district := u.District
	if u.Role == account.RoleCity {
		district = c.Query("district")
		if district == "" {
			return c.Redirect("/host/city", fiber.StatusSeeOther)
		}
	}
	if err := readableDistrict(u, district); err != nil {
		return err
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := FindDistrictStatus(ctx, s.Env.Pool, district, y)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	p := &DistrictPage{page: newPage(c, i18n.T(lang, "workflow.district_title", district, y)), St: st,
		DongDue: web.FormatDate(lang, st.Deadlines.DongDue), DistDue: web.FormatDate(lang, st.Deadlines.DistrictDue),
		CanForward: districtHost(u, district) == nil && st.Waiting > 0}
	p.NoIndex, p.Wide = true, true
	dl, err := FindDistrictList(ctx, s.Env.Pool, district, y)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(dl)
	p.ListSHA = Hash(raw)
	if p.Audit, err = Audit(ctx, s.Env.Pool, u, web.Lang(c), district, "", 100); err != nil {
		return err
	}
	return s.Env.Views.Render(c, "result/district", p)
}

// POST /host/district/forward
func (s *Service) forwardForm(c *fiber.Ctx) error {
	u := account.CurrentUser(c)
	y, err := strconv.Atoi(c.FormValue("year"))
	if err != nil {
		return maeul.FieldErrorf(maeul.EINVALID, "year", "workflow.bad_year")
	}
	if _, err := s.Forward(c.UserContext(), u.District, y, u); err != nil {
		return err
	}
	return c.Redirect("/host/district?year="+strconv.Itoa(y), fiber.StatusSeeOther)
}

// CityPage is the data of /host/city.
type CityPage struct {
	page
	St                      *CityStatus
	DongDue, DistDue, CtDue string
	DongISO, DistISO, CtISO string
	ListSHA                 string
	Audit                   []AuditEntry
	Error                   string
}

// GET /host/city[?year=]: the city only.
func (s *Service) cityPage(c *fiber.Ctx) error {
	return s.renderCity(c, "")
}

func (s *Service) renderCity(c *fiber.Ctx, msg string) error {
	u := account.CurrentUser(c)
	if u.Role != account.RoleCity {
		return account.Forbid()
	}
	y, err := s.year(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := FindCityStatus(ctx, s.Env.Pool, y)
	if err != nil {
		return err
	}
	lang := web.Lang(c)
	d := st.Deadlines
	p := &CityPage{page: newPage(c, i18n.T(lang, "workflow.city_title", y)), St: st,
		DongDue: web.FormatDate(lang, d.DongDue), DistDue: web.FormatDate(lang, d.DistrictDue), CtDue: web.FormatDate(lang, d.CityDue),
		DongISO: d.DongDue.Format("2006-01-02"), DistISO: d.DistrictDue.Format("2006-01-02"), CtISO: d.CityDue.Format("2006-01-02"),
		Error: msg}
	p.NoIndex, p.Wide = true, true
	cl, err := FindCityList(ctx, s.Env.Pool, y)
	if err != nil {
		return err
	}
	raw, _ := json.Marshal(cl)
	p.ListSHA = Hash(raw)
	if p.Audit, err = Audit(ctx, s.Env.Pool, u, web.Lang(c), "", "", 100); err != nil {
		return err
	}
	if msg != "" {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.Env.Views.Render(c, "result/city", p)
}

// POST /host/city/deadlines
func (s *Service) deadlinesForm(c *fiber.Ctx) error {
	y, _ := strconv.Atoi(c.FormValue("year"))
	_, err := s.SetDeadlines(c.UserContext(), account.CurrentUser(c), y, c.FormValue("dong"), c.FormValue("district"), c.FormValue("city"))
	if me, ok := err.(*maeul.Error); ok && me.Code == maeul.EINVALID {
		return s.renderCity(c, i18n.T(web.Lang(c), me.Key, me.Args...))
	}
	if err != nil {
		return err
	}
	return c.Redirect("/host/city?year="+strconv.Itoa(y), fiber.StatusSeeOther)
}
