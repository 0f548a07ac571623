package result_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// A returned list can be corrected: while the district has returned it,
// the dong may change what the district asks about (location, remarks,
// the budget split, departments, descriptions) but not what decided the
// vote (title, cost); before the return and after the resubmission every
// field is frozen. The resubmission carries a reply and its history names
// what changed.
func TestCorrectionWindow(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	district := e.NewHost(t, account.RoleDistrict, "마포구", "")
	a, gs, _ := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil); r.Status != 200 {
		t.Fatalf("announce: %d %s", r.Status, r.Body)
	}
	g := gs[0] // 5,000,000원
	agenda := fmt.Sprintf("/api/v1/assemblies/%d/agendas/%d", a.ID, g.ID)
	form := fmt.Sprintf("/host/agendas/%d", g.ID)
	patch := func(body map[string]any) *servertest.Response { return dong.API(t, "PATCH", agenda, body) }

	// Voting has opened: nothing changes, and the form is read-only.
	if r := patch(map[string]any{"location": "새 위치"}); r.Status != 409 {
		t.Fatalf("an edit before any return: %d %s", r.Status, r.Body)
	}
	page := dong.Get(t, form)
	if body := string(page.Body); page.Status != 200 || strings.Contains(body, `id="f-location"`) || strings.Contains(body, `type="submit">`+"저장") ||
		!strings.Contains(body, "읽기 전용") {
		t.Fatalf("the frozen form looks editable: %d", page.Status)
	}

	r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", a.ID), nil)
	if r.Status != 201 {
		t.Fatalf("submit: %d %s", r.Status, r.Body)
	}
	var sub subJSON
	r.JSON(t, &sub)
	if r := patch(map[string]any{"remarks": "x"}); r.Status != 409 {
		t.Fatalf("an edit of a submitted list: %d", r.Status)
	}
	if h := dong.Get(t, "/host"); strings.Contains(string(h.Body), "returned-badge") {
		t.Fatal("a badge before any return")
	}
	if r := district.API(t, "POST", "/api/v1/submissions/"+sub.ID+"/return", map[string]string{"reason": "예산과목을 나눠 주세요"}); r.Status != 200 {
		t.Fatalf("return: %d %s", r.Status, r.Body)
	}

	t.Run("the dong sees the return at once", func(t *testing.T) {
		home := dong.Get(t, "/host")
		body := string(home.Body)
		if !strings.Contains(body, "returned-badge") || !strings.Contains(body, "예산과목을 나눠 주세요") || !strings.Contains(body, fmt.Sprintf("/host/assemblies/%d/results#submission", a.ID)) {
			t.Fatal("/host shows no badge, reason or link for the returned list")
		}
		clean(t, "/host", home.Body)
		if en := dong.Get(t, "/host?lang=en"); !strings.Contains(string(en.Body), "Returned") {
			t.Fatal("/host (en) shows no badge")
		}
		dong.Get(t, "/host?lang=ko") // the language sticks to the session
		if h := district.Get(t, "/host"); strings.Contains(string(h.Body), `id="returned"`) {
			t.Fatal("the district is told to correct its own return")
		}
		res := string(dong.Get(t, fmt.Sprintf("/host/assemblies/%d/results", a.ID)).Body)
		if !strings.Contains(res, `id="returned"`) || !strings.Contains(res, `id="reply"`) || !strings.Contains(res, `id="confirm-submit"`) {
			t.Fatal("the results page shows no return box, reply field or confirmation")
		}
		ov := string(dong.Get(t, fmt.Sprintf("/host/assemblies/%d", a.ID)).Body)
		if !strings.Contains(ov, `id="correcting"`) || !strings.Contains(ov, form+`">고치기`) {
			t.Fatal("the overview does not offer to correct the agendas")
		}
	})

	t.Run("open fields change, the vote's stay", func(t *testing.T) {
		for field, v := range map[string]any{"title": "다른 사업", "cost": 6000000} {
			r := patch(map[string]any{field: v})
			if r.Status != 409 || !strings.Contains(string(r.Body), `"field":"`+field+`"`) {
				t.Fatalf("changing %s: %d %s", field, r.Status, r.Body)
			}
		}
		if r := patch(map[string]any{"title": "다른 사업"}); !strings.Contains(string(r.Body), "사업명") {
			t.Fatalf("the refusal does not name the field: %s", r.Body)
		}
		if r := patch(map[string]any{"current_subsidy": 2000000, "capital_subsidy": 2000000}); r.Status != 422 {
			t.Fatalf("a split that does not add up to the frozen cost: %d", r.Status)
		}
		if r := dong.API(t, "DELETE", agenda, nil); r.Status != 409 {
			t.Fatalf("delete while returned: %d", r.Status)
		}
		r := patch(map[string]any{"current_subsidy": 2000000, "capital_subsidy": 3000000, "district_department": "마을자치과", "purpose": "상권 살리기"})
		if r.Status != 200 {
			t.Fatalf("a correction: %d %s", r.Status, r.Body)
		}
		// The form: title and cost as text with why, the rest editable.
		page := dong.Get(t, form)
		body := string(page.Body)
		if page.Status != 200 || strings.Contains(body, `id="f-title"`) || strings.Contains(body, `id="f-cost"`) || !strings.Contains(body, `id="l-title"`) ||
			!strings.Contains(body, `id="f-location"`) || !strings.Contains(body, `id="f-remarks"`) || !strings.Contains(body, "예산과목을 나눠 주세요") {
			t.Fatalf("the correction form: %d", page.Status)
		}
		clean(t, "correction form", page.Body)
		// A posted title is ignored: the form does not offer it.
		post := dong.PostForm(t, form, url.Values{"title": {"바꾼 제목"}, "location": {"성산동 골목"}, "remarks": {"구청 요청 반영"},
			"current_subsidy": {"2,000,000"}, "capital_subsidy": {"3,000,000"}, "district_department": {"마을자치과"}, "drafting_round": {"2"}})
		if post.Status != 303 {
			t.Fatalf("the correction form posted: %d %s", post.Status, post.Body)
		}
		var got struct {
			Title    string `json:"title"`
			Location string `json:"location"`
			Cost     int64  `json:"cost"`
			Purpose  string `json:"purpose"`
		}
		dong.API(t, "PATCH", agenda, map[string]any{}).JSON(t, &got)
		if got.Title != g.Title || got.Cost != g.Cost || got.Location != "성산동 골목" || got.Purpose != "" {
			t.Fatalf("after the form: %+v", got)
		}
	})

	t.Run("resubmit with a reply", func(t *testing.T) {
		if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", a.ID), map[string]string{"reply": strings.Repeat("가", 1001)}); r.Status != 422 {
			t.Fatalf("a reply too long: %d", r.Status)
		}
		r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/submit", a.ID), map[string]string{"reply": "경상 2, 자본 3으로 나눴습니다"})
		if r.Status != 201 {
			t.Fatalf("resubmit: %d %s", r.Status, r.Body)
		}
		var got subJSON
		district.API(t, "GET", "/api/v1/submissions/"+sub.ID, nil).JSON(t, &got)
		if got.State != "submitted" || got.Reply != "경상 2, 자본 3으로 나눴습니다" || got.Content.Rows == nil {
			t.Fatalf("the resubmitted list: %+v", got)
		}
		var audit struct {
			Entries []struct {
				Action string `json:"action"`
				Detail string `json:"detail"`
			} `json:"entries"`
		}
		district.API(t, "GET", "/api/v1/audit", nil).JSON(t, &audit)
		log := audit.Entries
		if len(log) == 0 || log[0].Action != "resubmit" {
			t.Fatalf("the history: %+v", log)
		}
		for _, want := range []string{"1번 의제", "위치", "예산과목", "자치구 담당부서", "비고", "경상 2, 자본 3으로 나눴습니다"} {
			if !strings.Contains(log[0].Detail, want) {
				t.Errorf("the resubmission's history %q lacks %q", log[0].Detail, want)
			}
		}
		page := string(district.Get(t, "/host/submissions/"+sub.ID).Body)
		if !strings.Contains(page, `id="reply"`) || !strings.Contains(page, "경상 2, 자본 3으로 나눴습니다") {
			t.Fatal("the district's page does not show the reply")
		}
		// Closed again.
		if r := patch(map[string]any{"remarks": "또"}); r.Status != 409 {
			t.Fatalf("an edit after resubmitting: %d", r.Status)
		}
		if body := string(dong.Get(t, form).Body); strings.Contains(body, `id="f-location"`) {
			t.Fatal("the form is editable after resubmitting")
		}
		if h := dong.Get(t, "/host"); strings.Contains(string(h.Body), "returned-badge") {
			t.Fatal("the badge stays after resubmitting")
		}
	})

	t.Run("the database holds the same rule", func(t *testing.T) {
		ctx := t.Context()
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET remarks = 'sql' WHERE id = $1`, g.ID); err == nil {
			t.Fatal("an agenda of a submitted list changed in SQL")
		}
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE submissions SET state = 'returned', returned_at = now(), return_reason = 'x' WHERE id = $1`, sub.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET cost = cost + 1, current_subsidy = 0, capital_subsidy = 0 WHERE id = $1`, g.ID); err == nil {
			t.Fatal("the cost changed in SQL while returned")
		}
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE agendas SET remarks = 'sql' WHERE id = $1`, g.ID); err != nil {
			t.Fatalf("a correction in SQL while returned: %v", err)
		}
	})
}
