package planning_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"maeul/server/servertest"
)

// department logs in a host of role department (servertest makes dong
// hosts; the role is switched in the database, where sessions read it).
func department(t *testing.T, e *servertest.Env, district, dept string) *servertest.Host {
	t.Helper()
	h := e.NewHost(t, "dong", district, "임시동")
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE users SET role = 'department', dong = '', department = $2
		WHERE id = $1`, h.User.ID, dept); err != nil {
		t.Fatal(err)
	}
	h.User.Role, h.User.Dong, h.User.Department = "department", "", dept
	return h
}

type reviewJSON struct {
	ID          string  `json:"id"`
	Agenda      string  `json:"agenda"`
	Kind        string  `json:"kind"`
	Round       int     `json:"round"`
	Department  string  `json:"department"`
	AnsweredAt  *string `json:"answered_at"`
	Verdict     string  `json:"verdict"`
	AgendaTitle string  `json:"agenda_title"`
}

type statusJSON struct {
	Agendas []struct {
		Agenda       string `json:"agenda"`
		Missing      bool   `json:"missing"`
		Late         bool   `json:"late"`
		NotRequested bool   `json:"not_requested"`
		Verdict      string `json:"verdict"`
	} `json:"agendas"`
}

func want(t *testing.T, what string, r *servertest.Response, status int) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %s", what, r.Status, status, r.Body)
	}
}

// The whole 서식 2-6 path through the API and the pages: the dong asks,
// the department of the agenda's district answers (another district's is
// refused), the final verdict lands on the agenda where the dong cannot
// type it, Q&A, the missing and late lists around the one-month mark,
// publishing with warnings, the booklet's 부적정 mark, the printed forms.
func TestDepartmentReviews(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: "draft", Costs: []int64{5_000_000, 8_000_000}})
	starts := time.Now().Add(40 * 24 * time.Hour)
	year := starts.In(time.FixedZone("KST", 9*3600)).Year()
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET starts_at = $2, ends_at = $2::timestamptz + interval '3 hours' WHERE id = $1`, a.ID, starts); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET district_department = CASE number WHEN 1 THEN '공원녹지과' ELSE '마을과/지역경제과' END,
		purpose = '공원 그늘 만들기', council_contact = '홍길동' WHERE assembly_id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	g1, g2 := fmt.Sprint(gs[0].ID), fmt.Sprint(gs[1].ID)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	otherDong := e.NewHost(t, "dong", "마포구", "망원1동")
	district := e.NewHost(t, "district", "마포구", "")
	parks := department(t, e, "마포구", "공원녹지과")
	farParks := department(t, e, "서대문구", "공원녹지과")

	// The dong asks for the review of draft 1; only that dong, once, of a
	// department the agenda names.
	var r1 reviewJSON
	res := dong.API(t, "POST", "/api/v1/agendas/"+g1+"/reviews", map[string]any{"kind": "process", "round": 1})
	want(t, "ask draft 1", res, 201)
	res.JSON(t, &r1)
	if r1.Department != "공원녹지과" || r1.Round != 1 {
		t.Fatalf("request %+v", r1)
	}
	want(t, "ask again", dong.API(t, "POST", "/api/v1/agendas/"+g1+"/reviews", map[string]any{"kind": "process", "round": 1}), 409)
	want(t, "draft 3 has no process review", dong.API(t, "POST", "/api/v1/agendas/"+g1+"/reviews", map[string]any{"kind": "process", "round": 3}), 422)
	want(t, "a department not named", dong.API(t, "POST", "/api/v1/agendas/"+g2+"/reviews", map[string]any{"kind": "final", "department": "공원녹지과"}), 422)
	want(t, "another dong", otherDong.API(t, "POST", "/api/v1/agendas/"+g1+"/reviews", map[string]any{"kind": "final"}), 403)

	// The department's queue; another district's department with the same
	// name sees nothing and is refused everywhere.
	var q struct{ Reviews []reviewJSON }
	res = parks.API(t, "GET", "/api/v1/reviews", nil)
	want(t, "queue", res, 200)
	res.JSON(t, &q)
	if len(q.Reviews) != 1 || q.Reviews[0].ID != r1.ID || q.Reviews[0].AgendaTitle != "의제 1" {
		t.Fatalf("queue %s", res.Body)
	}
	res = farParks.API(t, "GET", "/api/v1/reviews", nil)
	res.JSON(t, &q)
	if len(q.Reviews) != 0 {
		t.Fatalf("another district's queue: %s", res.Body)
	}
	want(t, "other district reads", farParks.API(t, "GET", "/api/v1/reviews/"+r1.ID, nil), 403)
	want(t, "other district answers", farParks.API(t, "PUT", "/api/v1/reviews/"+r1.ID, map[string]any{"opinion": "x", "officer_name": "김"}), 403)
	want(t, "other district page", farParks.Get(t, "/host/reviews/"+r1.ID), 403)
	want(t, "other district Q&A", farParks.API(t, "POST", "/api/v1/agendas/"+g1+"/questions", map[string]any{"body": "?"}), 403)
	want(t, "the dong cannot answer", dong.API(t, "PUT", "/api/v1/reviews/"+r1.ID, map[string]any{"opinion": "x", "officer_name": "김"}), 403)

	// The 과정 answer, through the page's form.
	res = parks.PostForm(t, "/host/reviews/"+r1.ID, url.Values{"opinion": {""}, "officer_name": {"김담당"}})
	want(t, "empty opinion", res, 422)
	res = parks.PostForm(t, "/host/reviews/"+r1.ID, url.Values{"opinion": {"법령 저촉 없음. 타당성 있음."},
		"proposal": {"그늘막 표준 설계 참고"}, "requests": {"위치도 첨부"}, "org": {"마포구청"}, "officer_name": {"김담당"}, "officer_phone": {"02-3153-0000"}})
	want(t, "process answer", res, 303)

	// Q&A on the agenda, from both sides.
	want(t, "dong asks", dong.API(t, "POST", "/api/v1/agendas/"+g1+"/questions", map[string]any{"body": "그늘막 높이 기준이 있나요?"}), 201)
	want(t, "department answers", parks.PostForm(t, "/host/planning/agendas/"+g1+"/questions", url.Values{"body": {"3m 이상입니다."}}), 303)
	var qa struct {
		Questions []struct{ AuthorRole, Body string }
	}
	dong.API(t, "GET", "/api/v1/agendas/"+g1+"/questions", nil).JSON(t, &qa)
	if len(qa.Questions) != 2 || qa.Questions[1].Body != "3m 이상입니다." {
		t.Fatalf("Q&A %+v", qa)
	}

	// The dong can no longer type the verdict.
	res = dong.API(t, "PATCH", fmt.Sprintf("/api/v1/assemblies/%d/agendas/%s", a.ID, g1), map[string]any{"review_result": "adequate"})
	want(t, "typed verdict", res, 422)

	// The final review: 해당 needs its reason; the verdict reaches the agenda.
	var rf reviewJSON
	res = dong.API(t, "POST", "/api/v1/agendas/"+g1+"/reviews", map[string]any{"kind": "final"})
	want(t, "ask final", res, 201)
	res.JSON(t, &rf)
	final := map[string]any{"overview": "공원 그늘막 3개", "budget": 5_000_000, "period": "2027년 4~10월",
		"law_conflict": true, "law_reason": "", "ineligible": false, "assessment": "시급성 낮음, 수혜범위 좁음",
		"verdict": "inadequate", "org": "마포구청", "lead_name": "이팀장", "officer_name": "김담당"}
	want(t, "conflict without reason", parks.API(t, "PUT", "/api/v1/reviews/"+rf.ID, final), 422)
	final["law_reason"] = "도시공원법 점용 기준"
	want(t, "final answer", parks.API(t, "PUT", "/api/v1/reviews/"+rf.ID, final), 200)
	var got struct {
		Agendas []struct {
			ReviewResult     string `json:"review_result"`
			ReviewDepartment string `json:"review_department"`
			ReviewNotes      string `json:"review_notes"`
		} `json:"agendas"`
	}
	dong.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d", a.ID), nil).JSON(t, &got)
	if got.Agendas[0].ReviewResult != "inadequate" || got.Agendas[0].ReviewDepartment != "마포구 공원녹지과" ||
		!strings.Contains(got.Agendas[0].ReviewNotes, "도시공원법") {
		t.Fatalf("agenda after the final review: %+v", got.Agendas[0])
	}

	// What is missing and late, for the dong and the district, either side
	// of the one-month mark.
	status := func(h *servertest.Host, year int) statusJSON {
		t.Helper()
		var s statusJSON
		res := h.API(t, "GET", fmt.Sprintf("/api/v1/reviews?year=%d", year), nil)
		want(t, "status", res, 200)
		res.JSON(t, &s)
		if len(s.Agendas) != 2 {
			t.Fatalf("status: %s", res.Body)
		}
		return s
	}
	s := status(district, year)
	if s.Agendas[0].Missing || s.Agendas[0].Late || !s.Agendas[1].Missing || !s.Agendas[1].NotRequested || s.Agendas[1].Late {
		t.Fatalf("40 days before: %+v", s.Agendas)
	}
	// 29 days before the assembly the month has begun: the missing review
	// is late, and the one answered (just now) was answered late.
	starts = time.Now().Add(29 * 24 * time.Hour)
	year = starts.In(time.FixedZone("KST", 9*3600)).Year()
	if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET starts_at = $2, ends_at = $2::timestamptz + interval '3 hours' WHERE id = $1`,
		a.ID, starts); err != nil {
		t.Fatal(err)
	}
	s = status(dong, year)
	if !s.Agendas[1].Missing || !s.Agendas[1].Late || s.Agendas[0].Missing || !s.Agendas[0].Late {
		t.Fatalf("29 days before: %+v", s.Agendas)
	}
	page := string(district.Get(t, fmt.Sprintf("/host/reviews?year=%d", year)).Body)
	if !strings.Contains(page, "기한 지남") || !strings.Contains(page, "요청 안 함") {
		t.Fatalf("district's page lacks the late and missing marks")
	}

	// Publishing: the page asks to confirm; the API publishes and warns.
	res = dong.PostForm(t, fmt.Sprintf("/host/assemblies/%d/publish", a.ID), url.Values{})
	if res.Status != 200 || !strings.Contains(string(res.Body), `id="publish-warning"`) || !strings.Contains(string(res.Body), "의제 2") {
		t.Fatalf("publish page without confirmation: %d", res.Status)
	}
	var pub struct {
		State    string
		Warnings []struct{ Code, Agenda string }
	}
	res = dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/publish", a.ID), nil)
	want(t, "publish", res, 200)
	res.JSON(t, &pub)
	if pub.State != "published" || len(pub.Warnings) != 1 || pub.Warnings[0].Agenda != g2 || pub.Warnings[0].Code != "no_final_review" {
		t.Fatalf("publish answer %s", res.Body)
	}
	booklet := string(dong.Get(t, "/a/"+a.Slug).Body)
	if strings.Count(booklet, "부적정 의제") < 2 {
		t.Fatalf("the booklet does not mark the inadequate agenda")
	}

	// The printed forms carry every row label of 서식 2-6.
	for _, c := range []struct {
		id     string
		labels []string
	}{
		{r1.ID, []string{"서식 2-6", "담당부서 실행계획 검토 의견서(과정)", "검토(작성)단계", "1차", "2차", "제안 동", "대표자", "연락처",
			"제안 사업명", "소요 예산", "위치", "제안사업 내용", "제안취지", "유관부서(담당부서) 검토의견", "검토의견",
			"실행방안 제안", "요청사항", "작성부서", "기관명", "작성자", "담당성명", "부서명", "그늘막 표준 설계 참고"}},
		{rf.ID, []string{"담당부서 실행계획 검토 의견서(최종)", "마을총회 개최 1개월 전까지", "제안 동", "대표자", "연락처", "제안 사업명",
			"소요 예산", "위치", "제안사업 내용", "제안취지", "담당부서 검토의견", "사업개요", "소요예산", "사업기간",
			"법령/조례 등 저촉여부", "해당", "해당없음", "저촉 사유", "부적격 심사기준 해당여부", "부적격 사유", "사업성 평가",
			"타당성, 시급성, 사업효과, 수혜범위", "종합검토결과", "적정", "부적정", "검토기관", "기관명", "검토자", "팀장",
			"담당", "성명", "부서명", "도시공원법 점용 기준"}},
	} {
		res := district.Get(t, "/host/reviews/"+c.id+"/print")
		want(t, "print", res, 200)
		for _, l := range c.labels {
			if !strings.Contains(string(res.Body), l) {
				t.Errorf("printed form %s lacks %q", c.id, l)
			}
		}
	}
}
