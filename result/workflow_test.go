package result_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"maeul/account"
	"maeul/result"
	"maeul/server/servertest"
)

type subJSON struct {
	ID            string `json:"id"`
	AssemblyID    string `json:"assembly_id"`
	District      string `json:"district"`
	Dong          string `json:"dong"`
	State         string `json:"state"`
	SHA256        string `json:"sha256"`
	Late          bool   `json:"late"`
	ReturnReason  string `json:"return_reason"`
	Reply         string `json:"reply"`
	CurrentSHA256 string `json:"current_sha256"`
	Content       struct {
		Rows []struct {
			AgendaID            string `json:"agenda_id"`
			Number              int    `json:"number"`
			ExecutingDepartment string `json:"executing_department"`
			CurrentSubsidy      int64  `json:"current_subsidy"`
			CapitalSubsidy      int64  `json:"capital_subsidy"`
		} `json:"rows"`
	} `json:"content"`
}

type districtJSON struct {
	Dongs []struct {
		Dong       string   `json:"dong"`
		Status     string   `json:"status"`
		Submission *subJSON `json:"submission"`
	} `json:"dongs"`
	Totals result.StatusTotals `json:"totals"`
}

func (d districtJSON) status(dong string) string {
	for _, x := range d.Dongs {
		if x.Dong == dong {
			return x.Status
		}
	}
	return "(absent)"
}

// The workflow 동 → 구 → 시, one test per step. Each test builds the state
// right before its step with workflowAt (through the Service, not the
// pages), so any step runs alone: go test -run TestWorkflowForward.

// Steps of the workflow fixture, in order.
const (
	announced   = iota // 성산1동 and 망원1동 (마포구) and 역삼1동 (강남구) announced
	submitted          // 성산1동 submitted its list (late: the default 7월 17일 has passed)
	returned           // the city moved the deadlines to 2099; 마포구 returned 성산1동's list
	resubmitted        // 성산1동 sent it again
	designated         // 마포구 designated two executing departments
	forwarded          // 망원1동 submitted; 마포구 forwarded both lists to the city
)

// workflow is the fixture's state: the service, the hosts, the assemblies.
type workflow struct {
	e                                                   *servertest.Env
	dong, other, district, otherDistrict, city, gangnam *servertest.Host
	aID, bID                                            int64
	aAgendas, bAgendas                                  []string
	year                                                int
	sub                                                 subJSON // 성산1동's submission, from step submitted
}

// workflowAt starts the service and brings the workflow to step.
func workflowAt(t *testing.T, step int) *workflow {
	t.Helper()
	e := servertest.Start(t)
	w := &workflow{e: e, year: 2026} // the fixtures' year (7월 15일)
	w.dong, w.other, w.district, w.otherDistrict, w.city = hosts(t, e)
	w.gangnam = e.NewHost(t, account.RoleDong, "강남구", "역삼1동")
	// A dong with a host and no assembly: missing. It never signs in, so it
	// goes straight into the table (hashing a password costs seconds under -race).
	if _, err := e.DB.Pool.Exec(context.Background(), `INSERT INTO users (email, password_hash, role, district, dong)
		VALUES ('seogyo@example.kr', 'x', 'dong', '마포구', '서교동')`); err != nil {
		t.Fatal(err)
	}
	svc := e.Server.Results
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	announce := func(h *servertest.Host, o servertest.FixtureOptions) (int64, []string) {
		a, gs, _ := closedVote(t, e, o, standardVotes())
		_, err := svc.Announce(ctx, a.ID, h.User)
		must(err)
		ids := make([]string, len(gs))
		for i, g := range gs {
			ids[i] = g.IDString()
		}
		return a.ID, ids
	}
	w.aID, w.aAgendas = announce(w.dong, servertest.FixtureOptions{})
	w.bID, w.bAgendas = announce(w.other, servertest.FixtureOptions{Dong: "망원1동", District: "마포구"})
	announce(w.gangnam, servertest.FixtureOptions{District: "강남구", Dong: "역삼1동"})
	if step >= submitted {
		rec, err := svc.Submit(ctx, w.aID, w.dong.User, "")
		must(err)
		w.sub = subJSON{ID: strconv.FormatInt(rec.ID, 10), AssemblyID: strconv.FormatInt(rec.AssemblyID, 10),
			District: rec.District, Dong: rec.Dong, State: rec.State, SHA256: rec.SHA256, Late: rec.Late}
	}
	if step >= returned {
		_, err := svc.SetDeadlines(ctx, w.city.User, w.year, "2099-12-30", "2099-12-30", "2099-12-31")
		must(err)
		_, err = svc.Return(ctx, parseID(t, w.sub.ID), w.district.User, "사업비 근거를 보완해 주세요")
		must(err)
	}
	if step >= resubmitted {
		_, err := svc.Submit(ctx, w.aID, w.dong.User, "")
		must(err)
	}
	if step >= designated {
		_, err := svc.Designate(ctx, parseID(t, w.sub.ID), w.district.User, []result.Designation{
			{AgendaID: w.aAgendas[0], Department: "마을공동체과"}, {AgendaID: w.aAgendas[1], Department: "공원녹지과"}})
		must(err)
	}
	if step >= forwarded {
		_, err := svc.Submit(ctx, w.bID, w.other.User, "")
		must(err)
		_, err = svc.Forward(ctx, "마포구", w.year, w.district.User)
		must(err)
	}
	return w
}

func parseID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestWorkflowSubmit(t *testing.T) {
	w := workflowAt(t, announced)
	e, dong, other, district, aID := w.e, w.dong, w.other, w.district, w.aID
	var sub subJSON
	if r := other.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", aID), nil); r.Status != 403 {
		t.Fatalf("another dong submits: %d", r.Status)
	}
	if r := district.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", aID), nil); r.Status != 403 {
		t.Fatalf("the district submits for the dong: %d", r.Status)
	}
	closed, _, _ := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", closed.ID), nil); r.Status != 409 {
		t.Fatalf("submitting a result not yet announced: %d", r.Status)
	}
	r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", aID), nil)
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	r.JSON(t, &sub)
	// The fixtures' assembly day is 2026-07-15; today is later than the default 7월 17일.
	if sub.State != "submitted" || sub.Dong != "성산1동" || len(sub.SHA256) != 64 || !sub.Late {
		t.Fatalf("submission: %+v", sub)
	}
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", aID), nil); r.Status != 409 {
		t.Fatalf("submitting twice: %d", r.Status)
	}
	// What was stored is the JSON export at that time.
	j := dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.json", aID), nil)
	if j.Header.Get("X-Content-SHA256") != sub.SHA256 {
		t.Fatalf("stored hash %s, export hash %s", sub.SHA256, j.Header.Get("X-Content-SHA256"))
	}
}

func TestWorkflowWhoSees(t *testing.T) {
	w := workflowAt(t, submitted)
	dong, other, district, otherDistrict, city, gangnam, sub := w.dong, w.other, w.district, w.otherDistrict, w.city, w.gangnam, w.sub
	path := "/api/v1/submissions/" + sub.ID
	for _, h := range []*servertest.Host{other, otherDistrict, gangnam} {
		if r := h.API(t, "GET", path, nil); r.Status != 403 {
			t.Fatalf("%s %s %s reads it: %d", h.User.Role, h.User.District, h.User.Dong, r.Status)
		}
	}
	for _, h := range []*servertest.Host{dong, district, city} {
		if r := h.API(t, "GET", path, nil); r.Status != 200 {
			t.Fatalf("%s cannot read it: %d", h.User.Role, r.Status)
		}
	}
	if r := dong.API(t, "GET", "/api/v1/districts/마포구/submissions", nil); r.Status != 403 {
		t.Fatalf("a dong host reads the district list: %d", r.Status)
	}
	if r := otherDistrict.API(t, "GET", "/api/v1/districts/"+url.PathEscape("마포구")+"/submissions", nil); r.Status != 403 {
		t.Fatalf("another district reads it: %d", r.Status)
	}
	if r := district.API(t, "GET", "/api/v1/city/submissions", nil); r.Status != 403 {
		t.Fatalf("a district reads the city list: %d", r.Status)
	}
	if r := dong.Get(t, "/host/district"); r.Status != 403 {
		t.Fatalf("a dong host opens the district page: %d", r.Status)
	}
	if r := district.Get(t, "/host/city"); r.Status != 403 {
		t.Fatalf("a district host opens the city page: %d", r.Status)
	}
	if r := otherDistrict.Get(t, "/host/submissions/"+sub.ID); r.Status != 403 {
		t.Fatalf("another district opens the submission page: %d", r.Status)
	}
	if r := other.Get(t, "/host/submissions/"+sub.ID); r.Status != 403 {
		t.Fatalf("another dong opens the submission page: %d", r.Status)
	}
}

func TestWorkflowDistrictStatus(t *testing.T) {
	w := workflowAt(t, submitted)
	district, city, year := w.district, w.city, w.year
	var d districtJSON
	district.API(t, "GET", fmt.Sprintf("/api/v1/districts/%s/submissions?year=%d", url.PathEscape("마포구"), year), nil).JSON(t, &d)
	if d.status("성산1동") != "late" || d.status("망원1동") != "missing" || d.status("서교동") != "missing" || d.status("역삼1동") != "(absent)" {
		t.Fatalf("statuses: %+v", d.Dongs)
	}
	if d.Totals.Dongs != 3 || d.Totals.Submitted != 1 || d.Totals.Late != 1 || d.Totals.Missing != 2 || d.Totals.Allocated != 28_000_000 {
		t.Fatalf("totals: %+v", d.Totals)
	}
	// The city moves the deadline: the same submission is on time.
	if r := district.API(t, "PUT", fmt.Sprintf("/api/v1/deadlines/%d", year), map[string]string{"dong": "2026-12-30", "district": "2026-12-30", "city": "2026-12-31"}); r.Status != 403 {
		t.Fatalf("a district sets deadlines: %d", r.Status)
	}
	if r := city.API(t, "PUT", fmt.Sprintf("/api/v1/deadlines/%d", year), map[string]string{"dong": "2026-12-30", "district": "2026-12-01", "city": "2026-12-31"}); r.Status != 422 {
		t.Fatalf("deadlines out of order: %d", r.Status)
	}
	if r := city.API(t, "PUT", fmt.Sprintf("/api/v1/deadlines/%d", year), map[string]string{"dong": "2099-12-30", "district": "2099-12-30", "city": "2099-12-31"}); r.Status != 200 {
		t.Fatalf("deadlines: %d %s", r.Status, r.Body)
	}
	district.API(t, "GET", fmt.Sprintf("/api/v1/districts/%s/submissions?year=%d", url.PathEscape("마포구"), year), nil).JSON(t, &d)
	if d.status("성산1동") != "submitted" || d.Totals.Late != 0 {
		t.Fatalf("after moving the deadline: %+v", d.Dongs)
	}
	page := district.Get(t, fmt.Sprintf("/host/district?year=%d", year))
	clean(t, "district page", page.Body)
	clean(t, "district page (en)", district.Get(t, fmt.Sprintf("/host/district?year=%d&lang=en", year)).Body)
	district.Get(t, "/host/district?lang=ko")
	body := string(page.Body)
	if page.Status != 200 || !strings.Contains(body, "미제출") || !strings.Contains(body, "망원1동") || !strings.Contains(body, "2099. 12. 30.") {
		t.Fatalf("district page: %d", page.Status)
	}
}

func TestWorkflowReturnAndResubmit(t *testing.T) {
	w := workflowAt(t, submitted)
	dong, district, otherDistrict, city, aID, aAgendas, sub := w.dong, w.district, w.otherDistrict, w.city, w.aID, w.aAgendas, w.sub
	path := "/api/v1/submissions/" + sub.ID
	if r := otherDistrict.API(t, "POST", path+"/return", map[string]string{"reason": "x"}); r.Status != 403 {
		t.Fatalf("another district returns: %d", r.Status)
	}
	if r := city.API(t, "POST", path+"/return", map[string]string{"reason": "x"}); r.Status != 403 {
		t.Fatalf("the city returns: %d", r.Status)
	}
	if r := district.API(t, "POST", path+"/return", map[string]string{"reason": "  "}); r.Status != 422 {
		t.Fatalf("return without a reason: %d", r.Status)
	}
	// The page asks for a confirmation (a required box); without it nothing happens.
	if r := district.PostForm(t, "/host/submissions/"+sub.ID+"/return", url.Values{"reason": {"사업비 근거를 보완해 주세요"}}); r.Status != 422 ||
		!strings.Contains(string(r.Body), `id="form-error"`) {
		t.Fatalf("return (form) without the confirmation: %d", r.Status)
	}
	r := district.PostForm(t, "/host/submissions/"+sub.ID+"/return", url.Values{"reason": {"사업비 근거를 보완해 주세요"}, "confirm": {"yes"}})
	if r.Status != 303 {
		t.Fatalf("return (form): %d %s", r.Status, r.Body)
	}
	var got subJSON
	dong.API(t, "GET", path, nil).JSON(t, &got)
	if got.State != "returned" || got.ReturnReason != "사업비 근거를 보완해 주세요" {
		t.Fatalf("after return: %+v", got)
	}
	if r := district.API(t, "POST", path+"/designate", map[string]string{"agenda_id": aAgendas[0], "department": "마을공동체과"}); r.Status != 409 {
		t.Fatalf("designating on a returned list: %d", r.Status)
	}
	page := dong.Get(t, fmt.Sprintf("/host/assemblies/%d/results", aID))
	if !strings.Contains(string(page.Body), "사업비 근거를 보완해 주세요") || !strings.Contains(string(page.Body), `id="submit-list"`) {
		t.Fatal("the dong's page does not show the reason and the resubmit button")
	}
	if r := dong.PostForm(t, fmt.Sprintf("/host/assemblies/%d/submit", aID), url.Values{"reply": {"근거를 비고에 적었습니다"}}); r.Status != 422 {
		t.Fatalf("resubmit without the confirmation: %d", r.Status)
	}
	if r := dong.PostForm(t, fmt.Sprintf("/host/assemblies/%d/submit", aID), url.Values{"confirm": {"yes"}, "reply": {"근거를 비고에 적었습니다"}}); r.Status != 303 ||
		!strings.Contains(r.Header.Get("Location"), "done=resubmit") {
		t.Fatalf("resubmit: %d %s", r.Status, r.Body)
	}
	got = subJSON{}
	dong.API(t, "GET", path, nil).JSON(t, &got)
	if got.State != "submitted" || got.ReturnReason != "" || got.ID != sub.ID || got.Reply != "근거를 비고에 적었습니다" {
		t.Fatalf("after resubmitting: %+v", got)
	}
}

func TestWorkflowDesignate(t *testing.T) {
	w := workflowAt(t, resubmitted)
	dong, district, aID, aAgendas, bAgendas, sub := w.dong, w.district, w.aID, w.aAgendas, w.bAgendas, w.sub
	path := "/api/v1/submissions/" + sub.ID + "/designate"
	if r := dong.API(t, "POST", path, map[string]string{"agenda_id": aAgendas[0], "department": "x"}); r.Status != 403 {
		t.Fatalf("the dong designates: %d", r.Status)
	}
	if r := district.API(t, "POST", path, map[string]string{"agenda_id": bAgendas[0], "department": "x"}); r.Status != 422 {
		t.Fatalf("an agenda of another assembly: %d", r.Status)
	}
	if r := district.API(t, "POST", path, map[string]any{"designations": []map[string]string{
		{"agenda_id": aAgendas[0], "department": "마을공동체과"}, {"agenda_id": aAgendas[1], "department": strings.Repeat("가", 101)}}}); r.Status != 422 {
		t.Fatalf("a department too long: %d", r.Status)
	}
	var got subJSON
	dong.API(t, "GET", "/api/v1/submissions/"+sub.ID, nil).JSON(t, &got)
	if got.CurrentSHA256 != got.SHA256 {
		t.Fatal("a refused designation changed the content (nothing half-written)")
	}
	if r := district.PostForm(t, "/host/submissions/"+sub.ID+"/designate", url.Values{"dept_" + aAgendas[0]: {"마을공동체과"}}); r.Status != 422 {
		t.Fatalf("designate (form) without the confirmation: %d", r.Status)
	}
	r := district.PostForm(t, "/host/submissions/"+sub.ID+"/designate", url.Values{"dept_" + aAgendas[0]: {"마을공동체과"}, "dept_" + aAgendas[1]: {"공원녹지과"}, "confirm": {"yes"}})
	if r.Status != 303 {
		t.Fatalf("designate (form): %d %s", r.Status, r.Body)
	}
	dong.API(t, "GET", "/api/v1/submissions/"+sub.ID, nil).JSON(t, &got)
	if got.CurrentSHA256 == got.SHA256 {
		t.Fatal("the designation did not change the current content hash")
	}
	x := dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.xlsx", aID), nil)
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	found := 0
	for _, row := range rows[3:] {
		if len(row) > 10 && (row[10] == "마을공동체과" || row[10] == "공원녹지과") {
			found++
		}
	}
	if found != 2 {
		t.Fatalf("실행부서 in the xlsx: %d of 2", found)
	}
}

func TestWorkflowForward(t *testing.T) {
	w := workflowAt(t, designated)
	dong, other, district, otherDistrict, bID, year, sub := w.dong, w.other, w.district, w.otherDistrict, w.bID, w.year, w.sub
	if r := other.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", bID), nil); r.Status != 201 {
		t.Fatalf("second dong submits: %d", r.Status)
	}
	fwd := "/api/v1/districts/" + url.PathEscape("마포구") + "/forward"
	if r := otherDistrict.API(t, "POST", fwd, map[string]int{"year": year}); r.Status != 403 {
		t.Fatalf("another district forwards: %d", r.Status)
	}
	if r := dong.API(t, "POST", fwd, map[string]int{"year": year}); r.Status != 403 {
		t.Fatalf("a dong forwards: %d", r.Status)
	}
	if r := district.PostForm(t, "/host/district/forward", url.Values{"year": {fmt.Sprint(year)}}); r.Status != 422 {
		t.Fatalf("forward (form) without the confirmation: %d", r.Status)
	}
	r := district.PostForm(t, "/host/district/forward", url.Values{"year": {fmt.Sprint(year)}, "confirm": {"yes"}})
	if r.Status != 303 {
		t.Fatalf("forward (form): %d %s", r.Status, r.Body)
	}
	if r := district.API(t, "POST", fwd, map[string]int{"year": year}); r.Status != 409 {
		t.Fatalf("forwarding with nothing waiting: %d", r.Status)
	}
	if r := district.API(t, "POST", "/api/v1/submissions/"+sub.ID+"/return", map[string]string{"reason": "늦은 반려"}); r.Status != 409 {
		t.Fatalf("returning a forwarded list: %d", r.Status)
	}
	var d districtJSON
	district.API(t, "GET", fmt.Sprintf("/api/v1/districts/%s/submissions?year=%d", url.PathEscape("마포구"), year), nil).JSON(t, &d)
	if d.status("성산1동") != "forwarded" || d.status("망원1동") != "forwarded" || d.Totals.Forwarded != 2 || d.Totals.Missing != 1 {
		t.Fatalf("after forwarding: %+v", d)
	}
}

func TestWorkflowCity(t *testing.T) {
	w := workflowAt(t, forwarded)
	district, city, year := w.district, w.city, w.year
	var cs result.CityStatus
	r := city.API(t, "GET", fmt.Sprintf("/api/v1/city/submissions?year=%d", year), nil)
	r.JSON(t, &cs)
	var mapo, gn *result.DistrictLine
	for i := range cs.Districts {
		switch cs.Districts[i].District {
		case "마포구":
			mapo = &cs.Districts[i]
		case "강남구":
			gn = &cs.Districts[i]
		}
	}
	if mapo == nil || gn == nil || !mapo.Forwarded || gn.Forwarded || mapo.Totals.Forwarded != 2 || gn.Totals.Missing != 1 {
		t.Fatalf("city status: %+v", cs.Districts)
	}
	x := city.API(t, "GET", fmt.Sprintf("/api/v1/city/submission.xlsx?year=%d", year), nil)
	if x.Status != 200 || len(x.Header.Get("X-Content-SHA256")) != 64 {
		t.Fatalf("city xlsx: %d", x.Status)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := f.GetRows(f.GetSheetName(0))
	var dongs = map[string]int{}
	for _, row := range rows[3:] {
		if len(row) > 2 && row[0] == "마포구" {
			dongs[row[1]]++
		}
	}
	if dongs["성산1동"] != 6 || dongs["망원1동"] != 6 || rows[1][0] != "자치구" || rows[1][1] != "동" {
		t.Fatalf("city xlsx rows: %v / header %q", dongs, rows[1])
	}
	// The consolidated sheet closes with 합계 over every dong's rows: a
	// SUM formula in 원 (column H) that equals the rows above it.
	sheet := f.GetSheetName(0)
	var won float64
	totalRow := 0
	for i, row := range rows[3:] {
		if len(row) > 0 && row[0] == "합계" {
			totalRow = 4 + i
			break
		}
		v, _ := f.GetCellValue(sheet, "H"+strconv.Itoa(4+i), excelize.Options{RawCellValue: true})
		n, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("H%d = %q is not a number", 4+i, v)
		}
		won += n
	}
	if totalRow == 0 {
		t.Fatal("no 합계 row in the city xlsx")
	}
	got, err := f.CalcCellValue(sheet, "H"+strconv.Itoa(totalRow), excelize.Options{RawCellValue: true})
	if v, _ := strconv.ParseFloat(got, 64); err != nil || v != won || won == 0 {
		t.Fatalf("합계 H%d = %q (%v), the rows add up to %v", totalRow, got, err, won)
	}
	page := city.Get(t, fmt.Sprintf("/host/city?year=%d", year))
	clean(t, "city page", page.Body)
	if page.Status != 200 || !strings.Contains(string(page.Body), "강남구") || !strings.Contains(string(page.Body), `id="city-xlsx"`) {
		t.Fatalf("city page: %d", page.Status)
	}
	if r := district.API(t, "GET", fmt.Sprintf("/api/v1/city/submission.xlsx?year=%d", year), nil); r.Status != 403 {
		t.Fatalf("a district downloads the city list: %d", r.Status)
	}
}

func TestWorkflowAudit(t *testing.T) {
	w := workflowAt(t, forwarded)
	e, dong, district, city, sub := w.e, w.dong, w.district, w.city, w.sub
	type entries struct {
		Entries []result.AuditEntry `json:"entries"`
	}
	actions := func(h *servertest.Host) map[string]int {
		var es entries
		h.API(t, "GET", "/api/v1/audit", nil).JSON(t, &es)
		m := map[string]int{}
		for _, e := range es.Entries {
			m[e.District+"/"+e.Dong+"/"+e.Action]++
		}
		return m
	}
	d := actions(dong)
	if d["마포구/성산1동/announce"] != 1 || d["마포구/성산1동/submit"] != 1 || d["마포구/성산1동/return"] != 1 ||
		d["마포구/성산1동/resubmit"] != 1 || d["마포구/성산1동/designate"] != 1 || len(d) != 5 {
		t.Fatalf("the dong's audit: %v", d)
	}
	m := actions(district)
	if m["마포구/망원1동/submit"] != 1 || m["마포구//forward"] != 1 || m["강남구/역삼1동/announce"] != 0 {
		t.Fatalf("the district's audit: %v", m)
	}
	c := actions(city)
	if c["강남구/역삼1동/announce"] != 1 || c["//deadlines"] != 1 || c["마포구//forward"] != 1 {
		t.Fatalf("the city's audit: %v", c)
	}
	// A dong host cannot widen its view with a query.
	var es entries
	dong.API(t, "GET", "/api/v1/audit?district="+url.QueryEscape("강남구"), nil).JSON(t, &es)
	for _, e := range es.Entries {
		if e.District != "마포구" || e.Dong != "성산1동" {
			t.Fatalf("a dong host sees %+v", e)
		}
	}
	// The log is append-only in the database.
	if _, err := e.DB.Pool.Exec(context.Background(), `DELETE FROM audit_log`); err == nil {
		t.Fatal("the audit log was deleted")
	}
	page := district.Get(t, "/host/submissions/"+sub.ID)
	clean(t, "submission page", page.Body)
	if !strings.Contains(string(page.Body), "반려") || !strings.Contains(string(page.Body), "마을공동체과") {
		t.Fatal("the submission page lacks the audit entries")
	}
}
