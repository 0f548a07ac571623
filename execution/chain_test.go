package execution_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"maeul/account"
	"maeul/assembly"
	"maeul/execution"
	"maeul/server/servertest"
)

type approvalJSON struct {
	AgendaID   string `json:"agenda_id"`
	District   string `json:"district"`
	Dong       string `json:"dong"`
	Rank       int    `json:"rank"`
	Title      string `json:"title"`
	Department string `json:"department"`
	Decision   string `json:"decision"`
	Status     string `json:"status"`
	PlanLate   bool   `json:"plan_late"`
	FinalLate  bool   `json:"final_late"`
	Spent      int64  `json:"spent"`
}

func approvals(t *testing.T, w *who, query string) []approvalJSON {
	t.Helper()
	r := w.api(t, "GET", "/api/v1/approvals?year=2026"+query, nil)
	want(t, r, 200, "approvals")
	var out struct{ Approvals []approvalJSON }
	r.JSON(t, &out)
	return out.Approvals
}

func titles(list []approvalJSON) string {
	var s []string
	for _, a := range list {
		s = append(s, a.Dong+":"+a.Title)
	}
	return strings.Join(s, ",")
}

// The whole chain for two dongs of two districts: forwarded lists → the
// hand-over to finance (late flag) → the committee's decisions → the result
// down to the district, dong and departments → plans and reports to 최종
// 보고 → progress, open data, the public results page. Roles are refused
// where they do not belong on the way.
func TestChain(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	mapoDong := newWho(t, e, account.RoleDong, "마포구", "성산1동", "")
	gangDong := newWho(t, e, account.RoleDong, "강남구", "역삼1동", "")
	mapo := newWho(t, e, account.RoleDistrict, "마포구", "", "")
	gang := newWho(t, e, account.RoleDistrict, "강남구", "", "")
	city := newWho(t, e, account.RoleCity, "", "", "")
	finance := newWho(t, e, account.RoleFinance, "", "", "")
	monitor := newWho(t, e, account.RoleMonitor, "마포구", "", "")
	park := newWho(t, e, account.RoleDepartment, "마포구", "", "공원녹지과")
	road := newWho(t, e, account.RoleDepartment, "마포구", "", "도로과")
	village := newWho(t, e, account.RoleDepartment, "마포구", "", "마을과")
	gangPark := newWho(t, e, account.RoleDepartment, "강남구", "", "공원녹지과")

	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := e.DB.Pool.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	// The 실행부서 of 성산1동's agendas; one title of 역삼1동 a spreadsheet would run.
	ma, mg := announced(t, e, mapoDong, "마포구", "성산1동", func(gs []assembly.Agenda) {
		for i, d := range []string{"공원녹지과", "도로과/공원녹지과", "도로과", ""} {
			exec(`UPDATE agendas SET district_department = $2 WHERE id = $1`, gs[i].ID, d)
		}
	})
	_, gg := announced(t, e, gangDong, "강남구", "역삼1동", func(gs []assembly.Agenda) {
		exec(`UPDATE agendas SET title = '=HYPERLINK("http://x")', district_department = '공원녹지과' WHERE id = $1`, gs[0].ID)
	})
	res := e.Server.Results
	for _, x := range []struct {
		dong, district *who
		id             int64
	}{{mapoDong, mapo, ma.ID}} {
		if _, err := res.Submit(ctx, x.id, x.dong.u, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := res.Forward(ctx, x.district.u.District, 2026, x.district.u); err != nil {
			t.Fatal(err)
		}
	}

	t.Run("hand-over", func(t *testing.T) {
		for _, w := range []*who{finance, mapo, mapoDong, park} {
			want(t, w.api(t, "POST", "/api/v1/city/handover", map[string]int{"year": 2026}), 403, w.u.Role+" hands over")
		}
		// On time against a city deadline moved to 2099 …
		if _, err := res.SetDeadlines(ctx, city.u, 2026, "2026-07-17", "2026-07-24", "2099-12-31"); err != nil {
			t.Fatal(err)
		}
		r := city.api(t, "POST", "/api/v1/city/handover", map[string]int{"year": 2026})
		want(t, r, 201, "hand over")
		var ho execution.Handover
		r.JSON(t, &ho)
		if ho.Agendas != 4 || ho.Late || ho.By != city.u.Email {
			t.Fatalf("first hand-over: %+v", ho)
		}
		want(t, city.api(t, "POST", "/api/v1/city/handover", map[string]int{"year": 2026}), 409, "nothing new")
		// … late against the plan's 7.31 for 강남구's list, forwarded later.
		if _, err := res.SetDeadlines(ctx, city.u, 2026, "2026-07-17", "2026-07-24", "2026-07-31"); err != nil {
			t.Fatal(err)
		}
		if _, err := res.Submit(ctx, gg[0].AssemblyID, gangDong.u, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := res.Forward(ctx, "강남구", 2026, gang.u); err != nil {
			t.Fatal(err)
		}
		r = city.api(t, "POST", "/api/v1/city/handover", map[string]int{"year": 2026})
		want(t, r, 201, "second hand-over")
		r.JSON(t, &ho)
		if ho.Agendas != 4 || !ho.Late {
			t.Fatalf("second hand-over: %+v", ho)
		}
		r = finance.api(t, "GET", "/api/v1/city/handovers?year=2026", nil)
		want(t, r, 200, "finance reads the hand-overs")
		want(t, mapo.api(t, "GET", "/api/v1/city/handovers?year=2026", nil), 403, "district reads hand-overs")
	})

	id := func(g int64) string { return strconv.FormatInt(g, 10) }
	decide := func(w *who, ds ...execution.Decision) *servertest.Response {
		return w.api(t, "POST", "/api/v1/approvals/decide", map[string]any{"meeting_date": "2026-08-25", "decisions": ds})
	}
	t.Run("decisions", func(t *testing.T) {
		d := execution.Decision{AgendaID: mg[0].ID, Decision: execution.DecisionApproved}
		want(t, decide(finance, d), 403, "finance decides")
		want(t, decide(mapoDong, d), 403, "dong decides")
		r := decide(city, execution.Decision{AgendaID: mg[1].ID, Decision: execution.DecisionConditional})
		want(t, r, 422, "conditional without conditions")
		want(t, decide(city, execution.Decision{AgendaID: mg[5].ID, Decision: "approved"}), 404, "agenda not handed over")
		r = decide(city, d,
			execution.Decision{AgendaID: mg[1].ID, Decision: execution.DecisionConditional, Conditions: "보도 폭 확인 후 집행"},
			execution.Decision{AgendaID: mg[2].ID, Decision: execution.DecisionRejected},
			execution.Decision{AgendaID: mg[3].ID, Decision: execution.DecisionApproved},
			execution.Decision{AgendaID: gg[0].ID, Decision: execution.DecisionApproved},
			execution.Decision{AgendaID: gg[1].ID, Decision: execution.DecisionApproved},
			execution.Decision{AgendaID: gg[2].ID, Decision: execution.DecisionApproved},
			execution.Decision{AgendaID: gg[3].ID, Decision: execution.DecisionRejected})
		want(t, r, 200, "decide")
	})

	t.Run("the result travels down", func(t *testing.T) {
		var f execution.Feed
		r := mapoDong.api(t, "GET", "/api/v1/execution/feed", nil)
		want(t, r, 200, "dong feed")
		r.JSON(t, &f)
		if f.Unseen == 0 || len(f.Events) == 0 {
			t.Fatalf("the dong sees no change: %+v", f)
		}
		for _, ev := range f.Events {
			if ev.Dong != "성산1동" {
				t.Errorf("성산1동 sees an event of %s", ev.Dong)
			}
		}
		gang.api(t, "GET", "/api/v1/execution/feed", nil).JSON(t, &f)
		for _, ev := range f.Events {
			if ev.District != "강남구" {
				t.Errorf("강남구 sees an event of %s", ev.District)
			}
		}
		b := mapoDong.get(t, "/host/execution/badge.svg")
		if b.Status != 200 || !bytes.Contains(b.Body, []byte(">"+strconv.Itoa(len(f.Events)))) && !bytes.Contains(b.Body, []byte("<svg")) {
			t.Errorf("badge: %d %s", b.Status, b.Body)
		}
		want(t, mapoDong.api(t, "POST", "/api/v1/execution/feed/seen", nil), 204, "seen")
		mapoDong.api(t, "GET", "/api/v1/execution/feed", nil).JSON(t, &f)
		if f.Unseen != 0 {
			t.Errorf("unseen after seen: %d", f.Unseen)
		}
		if got := titles(approvals(t, park, "")); got != "성산1동:의제 1,성산1동:의제 2" {
			t.Errorf("공원녹지과 sees %s", got)
		}
		if got := titles(approvals(t, road, "")); got != "성산1동:의제 2,성산1동:의제 3" {
			t.Errorf("도로과 sees %s", got)
		}
		want(t, road.api(t, "GET", "/api/v1/approvals/"+id(mg[0].ID), nil), 404, "a department opens another's agenda")
		if got := approvals(t, gangPark, ""); len(got) != 1 || got[0].Dong != "역삼1동" {
			t.Errorf("강남구 공원녹지과 sees %s", titles(got))
		}
		if got := approvals(t, village, ""); len(got) != 0 {
			t.Errorf("마을과 sees %s before it is named", titles(got))
		}
		office := map[string]string{"execution_department": "마을과", "sharing_date": "2027-06-30"}
		want(t, gang.api(t, "PUT", "/api/v1/districts/"+url.PathEscape("마포구")+"/office", office), 403, "another district names 마포구's")
		want(t, mapo.api(t, "PUT", "/api/v1/districts/"+url.PathEscape("마포구")+"/office", office), 200, "name 실행 총괄")
		if got := approvals(t, village, ""); len(got) != 4 {
			t.Errorf("실행 총괄 마을과 sees %s", titles(got))
		}
		if got := approvals(t, monitor, ""); len(got) != 4 || got[0].District != "마포구" {
			t.Errorf("the monitor sees %s", titles(got))
		}
		if got := approvals(t, finance, ""); len(got) != 8 {
			t.Errorf("finance sees %d agendas", len(got))
		}
		if got := approvals(t, mapoDong, ""); len(got) != 4 || got[2].Decision != "rejected" {
			t.Errorf("성산1동 sees %+v", got)
		}
	})

	t.Run("execution to 최종 보고", func(t *testing.T) {
		plan := map[string]string{"roles": "동회의: 주민 모집\n공원녹지과: 시공", "method": "주민 참여 설계", "funding": "시비 5백만원", "agreed_on": "2026-11-20"}
		a1 := "/api/v1/approvals/" + id(mg[0].ID)
		want(t, road.api(t, "PUT", a1+"/plan", plan), 404, "plan by another department")
		want(t, monitor.api(t, "PUT", a1+"/plan", plan), 403, "plan by the monitor")
		want(t, park.api(t, "PUT", a1+"/plan", map[string]string{"roles": "x", "method": "y", "funding": "z"}), 422, "plan without the meeting date")
		want(t, park.api(t, "PUT", a1+"/plan", plan), 200, "plan by its 실행부서")
		want(t, road.api(t, "PUT", "/api/v1/approvals/"+id(mg[2].ID)+"/plan", plan), 409, "plan of a rejected agenda")
		report := func(w *who, agenda int64, kind, on string, spent int64) *servertest.Response {
			return w.api(t, "POST", "/api/v1/approvals/"+id(agenda)+"/reports",
				map[string]any{"kind": kind, "reported_on": on, "body": kind + " 보고", "spent": spent})
		}
		want(t, report(park, mg[0].ID, "start", "2027-02-01", 0), 201, "착수")
		var a execution.Approval
		park.api(t, "GET", a1, nil).JSON(t, &struct{ Approval *execution.Approval }{&a})
		if a.Status != execution.StatusRunning || a.StartedOn == nil {
			t.Errorf("after 착수: %+v", a)
		}
		want(t, report(park, mg[0].ID, "start", "2027-02-02", 0), 409, "a second 착수")
		want(t, report(park, mg[0].ID, "middle", "2027-06-01", 2_000_000), 201, "중간")
		r := report(park, mg[0].ID, "final", "2027-12-31", 3_000_000)
		want(t, r, 201, "최종")
		var rep execution.Report
		r.JSON(t, &rep)
		ct, body := multipartBody(t, map[string]string{"caption": "준공"}, "photo", "p.png", pngBytes(t))
		pr := park.send(t, "POST", "/api/v1/reports/"+id(rep.ID)+"/photos", ct, body)
		want(t, pr, 201, "report photo")
		var ph struct{ URL string }
		pr.JSON(t, &ph)
		if g := e.Do(t, "GET", ph.URL, "", nil); g.Status != 200 || g.Header.Get("Content-Type") != "image/jpeg" {
			t.Errorf("photo: %d %s", g.Status, g.Header.Get("Content-Type"))
		}
		want(t, park.api(t, "POST", a1+"/notes", map[string]string{"body": "x"}), 403, "a department writes the council's note")
		want(t, mapoDong.api(t, "POST", a1+"/notes", map[string]string{"body": "현장 확인: 주민 이용 많음"}), 201, "council note")
		want(t, mapoDong.api(t, "POST", a1+"/status", map[string]string{"status": "stopped", "on": "2027-01-01"}), 403, "the dong stops it")
		park.api(t, "GET", a1, nil).JSON(t, &struct{ Approval *execution.Approval }{&a})
		if a.Status != execution.StatusDone || a.Spent != 5_000_000 || a.FinalLate || a.PlanLate || len(a.Reports) != 3 {
			t.Errorf("after 최종: %+v", a)
		}
		// 역삼1동: the council writes with its department; the final report comes a day late.
		g1 := "/api/v1/approvals/" + id(gg[0].ID)
		want(t, gangDong.api(t, "PUT", g1+"/plan", plan), 200, "the council's plan")
		want(t, report(gangDong, gg[0].ID, "start", "2027-03-01", 0), 201, "역삼 착수")
		want(t, report(gangPark, gg[0].ID, "final", "2028-01-01", 4_000_000), 201, "역삼 최종")
		var ga execution.Approval
		gangDong.api(t, "GET", g1, nil).JSON(t, &struct{ Approval *execution.Approval }{&ga})
		if ga.Status != execution.StatusDone || !ga.FinalLate {
			t.Errorf("역삼1동 after a late 최종: %+v", ga)
		}
		want(t, mapoDong.api(t, "GET", g1, nil), 404, "another dong's agenda")
		// The district stops one agenda.
		want(t, mapo.api(t, "POST", "/api/v1/approvals/"+id(mg[3].ID)+"/status", map[string]string{"status": "stopped", "on": "2027-04-01"}), 200, "stop")
	})

	t.Run("late flags around the deadlines", func(t *testing.T) {
		svc := e.Server.Execution
		defer func() { svc.Now = time.Now }()
		at := func(s string) func() time.Time {
			tm, err := time.Parse(time.RFC3339, s)
			if err != nil {
				t.Fatal(err)
			}
			return func() time.Time { return tm }
		}
		flags := func(agenda int64) (bool, bool) {
			var a execution.Approval
			mapo.api(t, "GET", "/api/v1/approvals/"+id(agenda), nil).JSON(t, &struct{ Approval *execution.Approval }{&a})
			return a.PlanLate, a.FinalLate
		}
		// 의제 2 (조건부 승인) has no plan and no report.
		for _, c := range []struct {
			now         string
			plan, final bool
		}{{"2026-12-31T23:59:59+09:00", false, false}, {"2027-01-01T00:00:00+09:00", true, false},
			{"2027-12-31T23:59:59+09:00", true, false}, {"2028-01-01T00:00:00+09:00", true, true}} {
			svc.Now = at(c.now)
			if p, f := flags(mg[1].ID); p != c.plan || f != c.final {
				t.Errorf("at %s: plan late %v, final late %v; want %v, %v", c.now, p, f, c.plan, c.final)
			}
		}
		// 의제 1: plan made on time, 최종 on 12.31 of the next year: never late.
		if p, f := flags(mg[0].ID); p || f {
			t.Errorf("의제 1 at 2028: plan late %v, final late %v", p, f)
		}
		// A stopped agenda owes no final report.
		if _, f := flags(mg[3].ID); f {
			t.Errorf("a stopped agenda is flagged late")
		}
	})

	t.Run("agreements and files", func(t *testing.T) {
		path := "/host/execution/agendas/" + id(mg[0].ID) + "/agreements"
		pdf := []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n")
		ct, body := multipartBody(t, map[string]string{"parties": "성산1동 동회의, 마포구 공원녹지과", "signed_on": "2026-07-15"}, "file", "협약서.pdf", pdf)
		want(t, mapoDong.send(t, "POST", path, ct, body), 303, "agreement with a PDF")
		ct, body = multipartBody(t, map[string]string{"parties": "x", "signed_on": "2026-07-15"}, "file", "a.html", []byte("<html><script>alert(1)</script>"))
		r := mapoDong.send(t, "POST", path, ct, body)
		if r.Status != 422 || !strings.Contains(string(r.Body), "PDF") {
			t.Errorf("an HTML file: %d", r.Status)
		}
		var gs struct{ Agreements []execution.Agreement }
		mapoDong.api(t, "GET", "/api/v1/districts/"+url.PathEscape("마포구")+"/agreements?year=2026&dong="+url.QueryEscape("성산1동"), nil).JSON(t, &gs)
		if len(gs.Agreements) != 1 || gs.Agreements[0].FileID == nil {
			t.Fatalf("agreements: %+v", gs)
		}
		f := "/api/v1/files/" + id(*gs.Agreements[0].FileID)
		r = mapo.api(t, "GET", f, nil)
		if r.Status != 200 || r.Header.Get("Content-Type") != "application/pdf" ||
			!strings.HasPrefix(r.Header.Get("Content-Disposition"), "attachment") || !bytes.Equal(r.Body, pdf) {
			t.Errorf("file: %d %v", r.Status, r.Header)
		}
		want(t, gangDong.api(t, "GET", f, nil), 404, "another district's file")
		want(t, park.api(t, "GET", f, nil), 200, "the agenda's department reads its file")
		want(t, road.api(t, "GET", f, nil), 404, "another department reads the file")
		road.api(t, "GET", "/api/v1/districts/"+url.PathEscape("마포구")+"/agreements?year=2026", nil).JSON(t, &gs)
		if len(gs.Agreements) != 0 {
			t.Errorf("도로과 sees another agenda's agreement: %+v", gs)
		}
	})

	t.Run("progress across dongs", func(t *testing.T) {
		var p execution.Progress
		r := city.api(t, "GET", "/api/v1/execution/progress?year=2026", nil)
		want(t, r, 200, "city progress")
		r.JSON(t, &p)
		if len(p.Lines) != 2 || p.Totals.Agendas != 8 || p.Totals.Approved != 6 || p.Totals.Done != 2 || p.Totals.Stopped != 1 || p.Totals.FinalLate != 1 {
			t.Errorf("progress: %+v", p)
		}
		mapo.api(t, "GET", "/api/v1/execution/progress?year=2026", nil).JSON(t, &p)
		if len(p.Lines) != 1 || p.Lines[0].Dong != "성산1동" {
			t.Errorf("마포구's progress: %+v", p.Lines)
		}
		r = city.api(t, "GET", "/api/v1/execution/progress.xlsx?year=2026", nil)
		want(t, r, 200, "progress xlsx")
		rows := xlsxRows(t, r.Body)
		if len(rows) != 9 {
			t.Fatalf("progress xlsx: %d rows", len(rows))
		}
		found := false
		for _, row := range rows {
			if row[3] == `'=HYPERLINK("http://x")` {
				found = true
			}
		}
		if !found {
			t.Errorf("the formula title is not neutralised: %v", rows)
		}
	})

	t.Run("open data", func(t *testing.T) {
		r := e.Do(t, "GET", "/open/2026.json", "", nil)
		want(t, r, 200, "open json")
		if bytes.Contains(r.Body, []byte("@")) {
			t.Errorf("open data holds an e-mail address")
		}
		var doc struct {
			Fields  []string
			Agendas []execution.OpenAgenda
		}
		r.JSON(t, &doc)
		rows, err := e.DB.Pool.Query(ctx, `SELECT district, dong, title, cost, department, status, decision,
			coalesce((SELECT sum(spent) FROM execution_reports r WHERE r.agenda_id = p.agenda_id), 0)
			FROM approvals p WHERE year = 2026 AND decision IN ('approved', 'conditional') ORDER BY district, dong, rank`)
		if err != nil {
			t.Fatal(err)
		}
		var db [][]string
		for rows.Next() {
			var d, dong, title, dep, st, dec string
			var cost, spent int64
			if err := rows.Scan(&d, &dong, &title, &cost, &dep, &st, &dec, &spent); err != nil {
				t.Fatal(err)
			}
			db = append(db, []string{d, dong, title, strconv.FormatInt(cost, 10), dep, st, dec, strconv.FormatInt(spent, 10)})
		}
		if len(db) != 6 || len(doc.Agendas) != len(db) {
			t.Fatalf("json has %d agendas, the database %d", len(doc.Agendas), len(db))
		}
		for i, o := range doc.Agendas {
			got := []string{o.District, o.Dong, o.Title, strconv.FormatInt(o.Cost, 10), o.Department, o.Status, o.Decision, strconv.FormatInt(o.Spent, 10)}
			if strings.Join(got, "|") != strings.Join(db[i], "|") {
				t.Errorf("json row %d: %v, database %v", i, got, db[i])
			}
		}
		r = e.Do(t, "GET", "/open/2026.csv", "", nil)
		want(t, r, 200, "open csv")
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.Body, []byte("\ufeff")))).ReadAll()
		if err != nil || len(recs) != len(db)+1 || recs[0][0] != "연도" {
			t.Fatalf("csv: %v %v", err, recs)
		}
		xs := xlsxRows(t, e.Do(t, "GET", "/open/2026.xlsx", "", nil).Body)
		if len(xs) != len(db)+1 {
			t.Fatalf("xlsx: %d rows", len(xs))
		}
		for i, row := range db {
			for _, got := range [][]string{recs[i+1], xs[i+1]} {
				title := strings.TrimPrefix(got[4], "'")
				if got[1] != row[0] || got[2] != row[1] || title != row[2] || got[5] != row[3] || got[6] != row[4] || got[10] != row[5] {
					t.Errorf("file row %d: %v, database %v", i, got, row)
				}
			}
		}
		if !strings.HasPrefix(recs[1][4], "'=") {
			t.Errorf("csv title not neutralised: %q", recs[1][4])
		}
		clean(t, "dictionary", e.Do(t, "GET", "/open", "", nil))
		want(t, e.Do(t, "GET", "/open/abc.csv", "", nil), 404, "a bad year")
	})

	t.Run("pages", func(t *testing.T) {
		pub := e.Do(t, "GET", "/r/"+ma.Slug, "", nil)
		clean(t, "results page", pub)
		for _, d := range []string{`data-decision="approved"`, `data-decision="conditional"`, `data-decision="rejected"`} {
			if !bytes.Contains(pub.Body, []byte(d)) {
				t.Errorf("the results page lacks %s", d)
			}
		}
		clean(t, "home", mapoDong.get(t, "/host/execution"))
		clean(t, "department home", park.get(t, "/host/execution"))
		clean(t, "city", city.get(t, "/host/execution/city?year=2026"))
		clean(t, "finance", finance.get(t, "/host/execution/city?year=2026"))
		want(t, mapo.get(t, "/host/execution/city?year=2026"), 403, "district opens the city page")
		clean(t, "district", mapo.get(t, "/host/execution/district?year=2026"))
		clean(t, "agenda", park.get(t, "/host/execution/agendas/"+id(mg[0].ID)))
		clean(t, "agenda en", mapoDong.get(t, "/host/execution/agendas/"+id(mg[1].ID)+"?lang=en"))
		clean(t, "host home", mapoDong.get(t, "/host"))
		for _, w := range []*who{park, finance, monitor} {
			if r := w.get(t, "/host"); !bytes.Contains(r.Body, []byte("/host/execution/badge.svg")) {
				t.Errorf("%s's home has no badge (status %d)", w.u.Role, r.Status)
			}
		}
		clean(t, "result city page", city.get(t, "/host/city?year=2026"))
		r := park.form(t, "/host/execution/agendas/"+id(mg[1].ID)+"/plan", url.Values{"roles": {"a"}, "method": {"b"}, "funding": {"c"}, "agreed_on": {"11/20"}})
		if r.Status != 422 || !bytes.Contains(r.Body, []byte("YYYY-MM-DD")) {
			t.Errorf("plan form with a bad date: %d", r.Status)
		}
		r = park.form(t, "/host/execution/agendas/"+id(mg[1].ID)+"/plan", url.Values{"roles": {"a"}, "method": {"b"}, "funding": {"c"}, "agreed_on": {"2026-11-30"}})
		want(t, r, 303, "plan form")
		r = city.form(t, "/host/execution/city/decide", url.Values{"year": {"2026"}, "meeting_date": {"2026-09-02"},
			"decision_" + id(gg[1].ID): {"conditional"}, "conditions_" + id(gg[1].ID): {"부지 확보"}})
		want(t, r, 303, "decide form")
		var a execution.Approval
		city.api(t, "GET", "/api/v1/approvals/"+id(gg[1].ID), nil).JSON(t, &struct{ Approval *execution.Approval }{&a})
		if a.Decision != "conditional" || a.Conditions != "부지 확보" {
			t.Errorf("decided by form: %+v", a)
		}
	})
}

func xlsxRows(t *testing.T, b []byte) [][]string {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

var _ = json.Marshal
var _ = http.StatusOK
