package selection_test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"maeul/council"
	"maeul/selection"
	"maeul/server/servertest"
)

var seoul = time.FixedZone("KST", 9*3600)

// crowd is a roster of n members, men first; young are born 1990.
func crowd(n, men, young int) []council.Member {
	ms := make([]council.Member, n)
	for i := range ms {
		ms[i] = council.Member{Row: i + 2, Name: fmt.Sprintf("주민%02d", i), Gender: council.Female, BirthYear: 1960, Affiliation: council.General}
		if i < men {
			ms[i].Gender = council.Male
		}
		if i < young {
			ms[i].BirthYear = 1990
		}
	}
	return ms
}

func fullPlan() map[string]any {
	plan := map[string]any{}
	for _, it := range selection.Items {
		plan[it.Key] = map[string]string{"council": it.Label + " — 동회의 계획", "center": it.Label + " — 주민센터 지원"}
	}
	return plan
}

func application(chatdong bool) map[string]any {
	return map[string]any{"rep_name": "김대표", "rep_phone": "010-1111-2222", "rep_email": "rep@example.kr", "head_name": "이동장",
		"head_phone": "02-300-0000", "head_email": "head@example.kr", "staff_name": "박담당", "staff_phone": "02-300-0001",
		"council_type": "planned", "chatdong": chatdong, "pledge": true, "plan": fullPlan()}
}

func want(t *testing.T, status int, r *servertest.Response, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

func TestSelectionJourney(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	svc := e.Server.Selection
	var now time.Time
	clock := func(t time.Time) { now = t }
	_ = now
	svc.SetClock(func() time.Time { return now })
	clock(time.Date(2026, 3, 20, 10, 0, 0, 0, seoul))

	cs := council.NewService(e.DB.Pool)
	for _, r := range []struct {
		district, dong string
		ms             []council.Member
	}{
		{"마포구", "성산1동", crowd(30, 15, 3)},
		{"마포구", "성산2동", crowd(30, 14, 4)},
		{"마포구", "망원1동", crowd(12, 9, 0)}, // fails every rule: a 찾동 team, exempt
		{"종로구", "청운효자동", crowd(20, 10, 2)},
	} {
		if _, err := cs.Save(ctx, council.Upload{District: r.district, Dong: r.dong, PlanYear: 2026, Members: r.ms, KeepNames: true}); err != nil {
			t.Fatal(err)
		}
	}
	s1 := e.NewHost(t, "dong", "마포구", "성산1동")
	s2 := e.NewHost(t, "dong", "마포구", "성산2동")
	mw := e.NewHost(t, "dong", "마포구", "망원1동")
	e.NewHost(t, "dong", "마포구", "합정동") // an account, not in the register
	cw := e.NewHost(t, "dong", "종로구", "청운효자동")
	gu := e.NewHost(t, "district", "마포구", "")
	jongno := e.NewHost(t, "district", "종로구", "")
	city := e.NewHost(t, "city", "", "")
	dept := e.NewHost(t, "finance", "", "")
	const api = "/api/v1/selection/2026"

	t.Run("roles are refused", func(t *testing.T) {
		want(t, 403, city.API(t, "PUT", api+"/application", application(false)), "city files an application")
		want(t, 403, gu.API(t, "PUT", api+"/application", application(false)), "district files an application")
		want(t, 403, s1.API(t, "GET", api+"/application?district=마포구&dong=성산2동", nil), "another dong's application")
		want(t, 403, s1.API(t, "POST", api+"/review/members", map[string]string{"name": "x", "sector": "admin", "role": "other"}), "dong adds a member")
		want(t, 403, jongno.API(t, "GET", api+"/districts/마포구/applications", nil), "another district's applications")
		want(t, 403, dept.API(t, "GET", api+"/districts/마포구/applications", nil), "finance reads applications")
		want(t, 403, gu.API(t, "PUT", api+"/groups/마포구", map[string]string{"group": "stage1"}), "district sets its group")
		want(t, 403, gu.API(t, "POST", api+"/register", map[string]any{"district": "마포구", "dong": "연남동"}), "district adds to the register")
		want(t, 403, s1.API(t, "PUT", "/api/v1/timeline/2026/schedule", map[string]string{"selection": "2026-04-02"}), "dong edits the schedule")
	})

	t.Run("a dong files its application", func(t *testing.T) {
		half := application(false)
		delete(half["plan"].(map[string]any), "support")
		var a selection.Application
		r := s1.API(t, "PUT", api+"/application", half)
		want(t, 200, r, "save")
		r.JSON(t, &a)
		if a.Complete || len(a.Missing) != 1 || a.Missing[0] != "plan.support" || a.Roster == nil || a.Roster.Total != 30 {
			t.Fatalf("a draft missing 기타 행정 지원: %+v", a)
		}
		r = s1.API(t, "POST", api+"/application/submit", nil)
		want(t, 422, r, "submit incomplete")
		if !strings.Contains(string(r.Body), "plan.support") {
			t.Fatalf("the refusal does not say what is missing: %s", r.Body)
		}
		want(t, 200, s1.API(t, "PUT", api+"/application", application(false)), "save complete")
		r = s1.API(t, "POST", api+"/application/submit", nil)
		want(t, 200, r, "submit")
		r.JSON(t, &a)
		if a.SubmittedAt == nil || a.Late || !a.Complete || a.Plan["final"].Center != "최종 사업선정 방식 — 주민센터 지원" {
			t.Fatalf("%+v", a)
		}
		want(t, 200, s2.API(t, "PUT", api+"/application", application(false)), "s2 save")
		want(t, 200, s2.API(t, "POST", api+"/application/submit", nil), "s2 submit")
		// 망원1동's roster fails every rule, but a 찾동 team is exempt.
		want(t, 200, mw.API(t, "PUT", api+"/application", application(true)), "mw save")
		want(t, 200, mw.API(t, "POST", api+"/application/submit", nil), "찾동 submit")
		// Through the page form too.
		form := url.Values{"year": {"2026"}, "rep_name": {"최대표"}, "head_name": {"정동장"}, "staff_name": {"한담당"},
			"council_type": {"planned"}, "chatdong": {"1"}, "pledge": {"1"}, "action": {"submit"}}
		for _, it := range selection.Items {
			form.Set("council_"+it.Key, "동회의: "+it.Label)
			form.Set("center_"+it.Key, "센터: "+it.Label)
		}
		want(t, 303, cw.PostForm(t, "/host/selection/application", form), "form submit")
	})

	t.Run("the printed 서식 2-1 carries every row of the seed", func(t *testing.T) {
		r := s1.Get(t, "/host/selection/application?year=2026")
		want(t, 200, r, "print")
		body := string(r.Body)
		for _, w := range []string{"서식 2-1", "신청 동", "동회의 대 표", "동 장", "지역회의 구성현황", "총 인원 (30명)", "남성 (15명) · 여성 (15명)",
			"계획형", "자율형", "공정하고 투명하게 활동할 것임을 서약", "마포구청장 귀하", "시민참여예산 동단위 계획형 사업 운영계획",
			"주민센터 담당자", "운영계획(역할별 작성)", "동회의", "동 주민센터", "주민참여 활성화", "동회의 운영절차", "행정지원 및 민관협력",
			"시민참여예산 동회의 구성원 명단", "연번", "출생연도", "서 명", "주민29", "김대표", "이동장", "박담당"} {
			if !strings.Contains(body, w) {
				t.Errorf("서식 2-1 lacks %q", w)
			}
		}
		for _, it := range selection.Items {
			if !strings.Contains(body, "<th scope=\"row\">"+it.Label+"<br>") || !strings.Contains(body, it.Label+" — 주민센터 지원") {
				t.Errorf("운영계획 row %q or its 동주민센터 column is missing", it.Label)
			}
		}
		page := string(s1.Get(t, "/host/selection?year=2026").Body)
		for _, it := range selection.Items {
			if !strings.Contains(page, `<label for="council_`+it.Key+`">`) || !strings.Contains(page, it.Label) {
				t.Errorf("the form lacks row %q", it.Label)
			}
		}
	})

	t.Run("the district receives, sets up its committee, scores and decides", func(t *testing.T) {
		var list struct {
			Applications []selection.Application
			Received     int
			Complete     int
		}
		gu.API(t, "GET", api+"/districts/마포구/applications", nil).JSON(t, &list)
		if list.Received != 3 || list.Complete != 3 || len(list.Applications) != 3 {
			t.Fatalf("%+v", list)
		}
		want(t, 422, gu.API(t, "POST", api+"/review/decide", nil), "decide before the city set the group")
		// The city sets the quota groups; a group holds its number of districts.
		for _, d := range []string{"강남구", "서초구", "송파구", "강동구"} {
			want(t, 204, city.API(t, "PUT", api+"/groups/"+url.PathEscape(d), map[string]string{"group": "stage1"}), "stage1 "+d)
		}
		r := city.API(t, "PUT", api+"/groups/"+url.PathEscape("종로구"), map[string]string{"group": "stage1"})
		want(t, 422, r, "a fifth district in 찾동 1단계")
		want(t, 204, city.API(t, "PUT", api+"/groups/"+url.PathEscape("종로구"), map[string]string{"group": "stage2"}), "종로구 stage2")
		want(t, 204, city.API(t, "PUT", api+"/groups/"+url.PathEscape("마포구"), map[string]string{"group": "other"}), "마포구 other")

		want(t, 422, gu.API(t, "POST", api+"/review/members", map[string]string{"name": "A", "sector": "civil", "role": "budget_head"}), "a head as 민간")
		var ids []int64
		for i, role := range []string{"budget_head", "village_head", "autonomy_head", "pb_member", "other", "other", "other", "other", "other", "other"} {
			sector := "admin"
			if role == "pb_member" || role == "other" {
				sector = "civil"
			}
			var rv selection.Review
			r := gu.API(t, "POST", api+"/review/members", map[string]string{"name": fmt.Sprintf("위원%d", i+1), "sector": sector, "role": role})
			want(t, 201, r, "member")
			r.JSON(t, &rv)
			ids = append(ids, rv.Members[len(rv.Members)-1].ID)
		}
		want(t, 422, gu.API(t, "POST", api+"/review/members", map[string]string{"name": "열한째", "sector": "civil", "role": "other"}), "an 11th member")
		for _, id := range ids[4:] {
			want(t, 204, gu.API(t, "DELETE", fmt.Sprintf(api+"/review/members/%d", id), nil), "remove")
		}
		ids = ids[:4]
		want(t, 422, gu.API(t, "POST", api+"/review/decide", nil), "decide without scores")
		bad := map[string]int{}
		for _, it := range selection.Items {
			bad[it.Key] = 7
		}
		bad["funding"] = selection.MaxPoints + 1
		want(t, 422, gu.API(t, "PUT", api+"/review/scores", map[string]any{"member": ids[0], "dong": "성산1동", "points": bad}), "11 points")
		for _, id := range ids {
			for dong, p := range map[string]int{"성산1동": 6, "성산2동": 8} {
				pts := map[string]int{}
				for _, it := range selection.Items {
					pts[it.Key] = p
				}
				want(t, 204, gu.API(t, "PUT", api+"/review/scores", map[string]any{"member": id, "dong": dong, "points": pts}), "scores")
			}
		}
		var rep selection.Report
		r = gu.API(t, "POST", api+"/review/decide", nil)
		want(t, 200, r, "decide")
		r.JSON(t, &rep)
		var got []string
		for _, a := range rep.Ranking {
			got = append(got, fmt.Sprintf("%d %s %v", a.RankNo(), a.Dong, a.IsSelected()))
		}
		// 찾동 first and selected within the quota of 1; the others by score.
		if strings.Join(got, ", ") != "1 망원1동 true, 2 성산2동 false, 3 성산1동 false" || rep.Received != 3 || rep.Selected != 1 || rep.Skipped {
			t.Fatalf("ranking %v, %+v", got, rep)
		}
		want(t, 409, s1.API(t, "PUT", api+"/application", application(false)), "changing an application after the decision")
		want(t, 422, gu.API(t, "POST", api+"/review/submit", nil), "report without date and place")
		hdr := map[string]any{"held_at": "2026-03-28T14:00", "place": "=HYPERLINK(\"http://x\")", "department": "자치행정과",
			"lead_name": "팀장", "lead_phone": "02-1", "staff_name": "담당", "staff_phone": "02-2", "no_action_plan": "자치구 자체 마을계획으로 지원"}
		want(t, 200, gu.API(t, "PUT", api+"/review", hdr), "header")
		clock(time.Date(2026, 4, 1, 9, 0, 0, 0, seoul))
		r = gu.API(t, "POST", api+"/review/submit", nil)
		want(t, 200, r, "report")
		r.JSON(t, &rep)
		if !rep.Late || rep.SubmittedAt == nil {
			t.Fatalf("a report on 4.1 is not late: %+v", rep.Review)
		}
	})

	t.Run("서식 2-2: every field on the page and in the XLSX", func(t *testing.T) {
		body := string(gu.Get(t, "/host/selection/report?year=2026").Body)
		for _, w := range append(selection.ReportLabels, "서식 2-2", "시민참여예산 동단위 계획형 심의결과 보고서", "마포구", "자치행정과",
			"2026. 3. 28. 14:00", "4명 - 위원1(참여예산 부서장)", "3개 접수, 1개 선정", "자치구 자체 마을계획으로 지원",
			"<td class=\"num\">1</td><td>망원1동</td>", "<td class=\"num\">3</td><td>성산1동</td>", "기한 지남") {
			if !strings.Contains(body, w) {
				t.Errorf("서식 2-2 page lacks %q", w)
			}
		}
		r := city.Get(t, "/host/selection/report.xlsx?year=2026&district="+url.QueryEscape("마포구"))
		want(t, 200, r, "xlsx")
		f, err := excelize.OpenReader(bytes.NewReader(r.Body))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		rows, _ := f.GetRows("심의결과 보고서")
		var all []string
		for _, row := range rows {
			all = append(all, strings.Join(row, "|"))
		}
		text := strings.Join(all, "\n")
		for _, w := range append(selection.ReportLabels, "마포구", "3개 접수, 1개 선정", "1|망원1동|찾동||선정", "3|성산1동||60.00|미선정") {
			if !strings.Contains(text, w) {
				t.Errorf("XLSX lacks %q:\n%s", w, text)
			}
		}
		if !strings.Contains(text, "'=HYPERLINK") {
			t.Errorf("the place was not neutralised:\n%s", text)
		}
		for _, row := range []int{7, 8} {
			if fm, _ := f.GetCellFormula("심의결과 보고서", fmt.Sprintf("B%d", row)); fm != "" {
				t.Errorf("a formula in B%d: %s", row, fm)
			}
		}
		want(t, 403, jongno.Get(t, "/host/selection/report?year=2026&district="+url.QueryEscape("마포구")), "another district's report")
	})

	t.Run("only 찾동 dongs applied: no committee, on time on 3.31", func(t *testing.T) {
		clock(time.Date(2026, 3, 31, 23, 0, 0, 0, seoul))
		var rep selection.Report
		r := jongno.API(t, "POST", api+"/review/decide", nil)
		want(t, 200, r, "decide without a committee")
		r.JSON(t, &rep)
		if !rep.Skipped || rep.Selected != 1 || len(rep.Members) != 0 {
			t.Fatalf("%+v", rep)
		}
		r = jongno.API(t, "POST", api+"/review/submit", nil)
		want(t, 200, r, "report")
		r.JSON(t, &rep)
		if rep.Late {
			t.Fatal("a report at 23:00 on 3.31 is late")
		}
		want(t, 409, jongno.API(t, "POST", api+"/review/submit", nil), "a second report")
	})

	t.Run("the city's register and 운영동 추가 선정", func(t *testing.T) {
		clock(time.Date(2026, 4, 7, 10, 0, 0, 0, seoul))
		want(t, 201, city.API(t, "POST", api+"/register", map[string]any{"district": "마포구", "dong": "연남동"}), "add")
		want(t, 409, city.API(t, "POST", api+"/register", map[string]any{"district": "마포구", "dong": "연남동"}), "add twice")
		want(t, 422, city.API(t, "POST", api+"/register", map[string]any{"district": "없는구", "dong": "연남동"}), "a district that is not Seoul's")
		var reg selection.Register
		city.API(t, "GET", api+"/register", nil).JSON(t, &reg)
		if reg.Total != 3 || reg.Planned != 80 || len(reg.Districts) != 25 {
			t.Fatalf("%+v", reg)
		}
		for _, l := range reg.Districts {
			switch l.District {
			case "마포구":
				if l.Quota != 1 || l.Selected != 1 || l.Added != 1 || !l.Late {
					t.Errorf("마포구 %+v", l)
				}
			case "종로구":
				if l.Quota != 4 || l.Selected != 1 || l.Late {
					t.Errorf("종로구 %+v", l)
				}
			case "강남구":
				if l.SubmittedAt != nil || !l.Late {
					t.Errorf("강남구 reported nothing after 3.31 and is not late: %+v", l)
				}
			}
		}
		page := string(city.Get(t, "/host/selection?year=2026").Body)
		for _, w := range []string{"명부 3개 동 / 계획 80개 동", "연남동", "운영동 추가 선정 (시)", "찾동 1단계"} {
			if !strings.Contains(page, w) {
				t.Errorf("the register page lacks %q", w)
			}
		}
	})

	t.Run("the district's submission list counts against the register", func(t *testing.T) {
		var st struct {
			Dongs []struct{ Dong, Status string }
		}
		r := gu.API(t, "GET", "/api/v1/districts/"+url.PathEscape("마포구")+"/submissions?year=2026", nil)
		want(t, 200, r, "district list")
		r.JSON(t, &st)
		var dongs []string
		for _, d := range st.Dongs {
			dongs = append(dongs, d.Dong+":"+d.Status)
		}
		if strings.Join(dongs, " ") != "망원1동:missing 연남동:missing" {
			t.Fatalf("the list counts %v, want the register's 망원1동 and 연남동 (not the accounts 성산1동, 성산2동, 합정동)", dongs)
		}
		// A year without a register keeps counting the accounts.
		st.Dongs = nil
		gu.API(t, "GET", "/api/v1/districts/"+url.PathEscape("마포구")+"/submissions?year=2025", nil).JSON(t, &st)
		if len(st.Dongs) != 4 {
			t.Fatalf("2025 without a register: %+v", st.Dongs)
		}
	})

	t.Run("the pages show where each side stands", func(t *testing.T) {
		page := string(gu.Get(t, "/host/selection?year=2026").Body)
		for _, w := range []string{"받은 신청서 — 3건 접수, 완결 3건", "✓ 구성기준 충족", "위원4", "그 외 — 최대 1개 동 선정",
			"시에 심의결과를 보고함", "기한 지남", `<label for="p_funding">운영비 확보 (0–10)</label>`} {
			if !strings.Contains(page, w) {
				t.Errorf("the district page lacks %q", w)
			}
		}
		r := gu.PostForm(t, "/host/selection/members", url.Values{"year": {"2026"}, "name": {"늦은위원"}, "sector": {"civil"}, "role": {"other"}})
		if r.Status != 409 || !strings.Contains(string(r.Body), "이미 시에 보고했습니다") {
			t.Fatalf("a member added after the report: %d", r.Status)
		}
		dong := string(mw.Get(t, "/host/selection?year=2026").Body)
		if !strings.Contains(dong, "심의 순위 1위") || !strings.Contains(dong, "<strong>선정</strong>") {
			t.Fatal("the dong's page does not show its selection")
		}
	})

	t.Run("the timeline", func(t *testing.T) {
		var tl selection.Timeline
		r := mw.API(t, "GET", "/api/v1/timeline/2026", nil)
		want(t, 200, r, "timeline")
		r.JSON(t, &tl)
		states := map[string]string{}
		for _, s := range tl.Steps {
			states[s.Step] = s.State
		}
		if len(tl.Steps) != 9 || states["application"] != "done" || states["selection"] != "done_late" ||
			states["organisation"] != "due" || // planning's source, wired by the server
			states["booklet"] != "due" || states["submission"] != "due" {
			t.Fatalf("%+v", states)
		}
		r = s1.API(t, "GET", "/api/v1/timeline/2026", nil)
		r.JSON(t, &tl)
		if tl.Steps[1].State != "late" || tl.Late != 1 {
			t.Fatalf("성산1동, not selected after 3.31: %+v", tl.Steps[1])
		}
		// Later steps: a source registered for a step (as the lead wires the
		// planning package's), and 망원1동's assembly published and closed.
		svc.RegisterSource(selection.StepOrganisation, func(_ context.Context, year int, district, dong string) (*time.Time, error) {
			if dong != "망원1동" {
				return nil, nil
			}
			at := time.Date(year, 4, 20, 19, 0, 0, 0, seoul)
			return &at, nil
		})
		a, _ := e.Fixture(t, servertest.FixtureOptions{District: "마포구", Dong: "망원1동", State: "closed"})
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET opened_at = $2, closed_at = $3 WHERE id = $1`, a.ID,
			time.Date(2026, 7, 15, 14, 0, 0, 0, seoul), time.Date(2026, 7, 15, 17, 0, 0, 0, seoul)); err != nil {
			t.Fatal(err)
		}
		mw.API(t, "GET", "/api/v1/timeline/2026", nil).JSON(t, &tl)
		for _, s := range tl.Steps {
			states[s.Step] = s.State
		}
		if states["organisation"] != "done" || states["booklet"] != "done" || states["assembly"] != "done" || states["submission"] != "due" {
			t.Fatalf("%+v", states)
		}
		// The city moves the selection's last day; the timeline follows.
		want(t, 200, city.API(t, "PUT", "/api/v1/timeline/2026/schedule", map[string]string{"selection": "2026-04-10"}), "schedule")
		want(t, 422, city.API(t, "PUT", "/api/v1/timeline/2026/schedule", map[string]string{"selection": "2027-04-10"}), "another year's date")
		mw.API(t, "GET", "/api/v1/timeline/2026", nil).JSON(t, &tl)
		if tl.Steps[1].State != "done" || tl.Steps[1].Due.In(seoul).Format("01-02") != "04-10" {
			t.Fatalf("%+v", tl.Steps[1])
		}
		var dist struct{ Dongs []selection.Timeline }
		gu.API(t, "GET", "/api/v1/timeline/2026", nil).JSON(t, &dist)
		if len(dist.Dongs) != 4 {
			t.Fatalf("the district sees %d dongs, want 4 (register ∪ applications)", len(dist.Dongs))
		}
		want(t, 403, jongno.API(t, "GET", "/api/v1/timeline/2026?district="+url.QueryEscape("마포구"), nil), "another district's timeline")
		// The city's schedule form keeps the seed's dates that were not changed.
		form := url.Values{"year": {"2026"}}
		for _, st := range selection.Steps {
			form.Set("due_"+st, selection.DefaultDue(2026, st).Format("2006-01-02"))
		}
		form.Set("due_selection", "2026-04-10")
		form.Set("due_assembly", "2026-07-20")
		want(t, 303, city.PostForm(t, "/host/selection/schedule", form), "schedule form")
		want(t, 403, gu.PostForm(t, "/host/selection/schedule", form), "a district's schedule form")
		var sch struct {
			Steps []struct {
				Step, Due string
				Custom    bool
			}
		}
		city.API(t, "GET", "/api/v1/timeline/2026/schedule", nil).JSON(t, &sch)
		var changed []string
		for _, st := range sch.Steps {
			if st.Custom {
				changed = append(changed, st.Step+"="+st.Due)
			}
		}
		if strings.Join(changed, " ") != "selection=2026-04-10 assembly=2026-07-20" {
			t.Fatalf("custom steps %v", changed)
		}
		page := string(gu.Get(t, "/host/timeline?year=2026").Body)
		for _, w := range []string{"참여신청", "동 선정", "운영체계 구상", "자원조사·의제발굴", "실행계획 수립", "담당부서 검토", "자료집 공개", "마을총회", "선정의제 제출", "성산1동", "연남동"} {
			if !strings.Contains(page, w) {
				t.Errorf("the district's timeline lacks %q", w)
			}
		}
	})
}
