package planning_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"maeul/server/servertest"
)

// postMultipart posts a form with a file as h (session and CSRF).
func postMultipart(t *testing.T, e *servertest.Env, h *servertest.Host, path string, fields map[string]string, file, name string, data []byte) *servertest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", h.CSRF)
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if file != "" {
		fw, _ := w.CreateFormFile(file, name)
		fw.Write(data)
	}
	w.Close()
	req, _ := http.NewRequest("POST", e.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	c := *h.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// 서식 2-3 through the API and the page (with a rules file), printed with
// its row labels; the agenda form then offers the 분과 as a select; the
// 실행계획서 kept per round with what changed; the timeline's dates.
func TestOrganisationAndDrafts(t *testing.T) {
	e := servertest.Start(t)
	ctx := context.Background()
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: "draft", Costs: []int64{5_000_000}})
	g := fmt.Sprint(gs[0].ID)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	district := e.NewHost(t, "district", "마포구", "")
	farDistrict := e.NewHost(t, "district", "서대문구", "")

	if at, err := e.Server.Planning.OrganisationDoneAt(ctx, 2026, "마포구", "성산1동"); err != nil || at != nil {
		t.Fatalf("organisation done before filing: %v %v", at, err)
	}
	res := dong.API(t, "PUT", "/api/v1/organisation?year=2026", map[string]any{"has_rep": true, "rep_method": "총회에서 호선",
		"has_board": true, "board_method": "분과별 선출", "board_members": "대표, 분과장 3명, 간사",
		"subcommittees": []string{"소통분과", "안전분과", "소통분과", " "}, "rules_text": "제1조 목적", "secretaries": 2,
		"secretary_role": "회의록, 연락", "secretary_method": "대표가 지명", "launch_date": "2026-04-20"})
	want(t, "save organisation", res, 200)
	want(t, "bad date", dong.API(t, "PUT", "/api/v1/organisation?year=2026", map[string]any{"launch_date": "4월 20일"}), 422)
	want(t, "a district cannot file", district.API(t, "PUT", "/api/v1/organisation?year=2026", map[string]any{}), 403)
	// The page's form keeps the text and adds the rules file.
	res = postMultipart(t, e, dong, "/host/organisation", map[string]string{"year": "2026", "has_rep": "on", "rep_method": "총회에서 호선",
		"has_board": "on", "board_method": "분과별 선출", "board_members": "대표, 분과장 3명, 간사", "subcommittees": "소통분과\n안전분과",
		"rules_text": "제1조 목적", "secretaries": "2", "secretary_role": "회의록, 연락", "secretary_method": "대표가 지명",
		"launch_date": "2026-04-20"}, "rules_file", "규칙.pdf", []byte("%PDF-1.4 rules"))
	want(t, "organisation form", res, 303)
	page := district.Get(t, "/host/organisation?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동"))
	want(t, "district reads 2-3", page, 200)
	for _, l := range []string{"서식 2-3", "동회의 구성ㆍ운영안", "조직체계", "대표", "없음", "있음", "※대표 선출방안", "분과장회의 (운영위원회)",
		"※분과장 선출방안", "※분과장회의 구성", "분과 구성", "운영규칙", "간사", "인원 수 / 역할", "선출 방안", "발대식 개최 시기",
		"소통분과, 안전분과", "2026-04-20", "규칙.pdf"} {
		if !strings.Contains(string(page.Body), l) {
			t.Errorf("printed 2-3 lacks %q", l)
		}
	}
	file := district.Get(t, "/host/organisation/rules?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동"))
	if file.Status != 200 || string(file.Body) != "%PDF-1.4 rules" || !strings.HasPrefix(file.Header.Get("Content-Disposition"), "attachment") {
		t.Fatalf("rules file: %d %q %q", file.Status, file.Body, file.Header.Get("Content-Disposition"))
	}
	want(t, "another district", farDistrict.Get(t, "/host/organisation?year=2026&district="+url.QueryEscape("마포구")+"&dong="+url.QueryEscape("성산1동")), 403)
	if at, err := e.Server.Planning.OrganisationDoneAt(ctx, 2026, "마포구", "성산1동"); err != nil || at == nil {
		t.Fatalf("organisation done: %v %v", at, err)
	}

	// The agenda form picks its 분과 from the list.
	form := string(dong.Get(t, "/host/agendas/"+g).Body)
	if !strings.Contains(form, `<select id="f-subcommittee"`) || !strings.Contains(form, `<option value="안전분과"`) {
		t.Fatal("the agenda form does not offer the 분과 list")
	}

	// Drafts: 1차 kept, the plan changes, 2차 kept through the page.
	want(t, "draft 1", dong.API(t, "POST", "/api/v1/agendas/"+g+"/drafts", map[string]any{"round": 1}), 201)
	res = dong.API(t, "PATCH", fmt.Sprintf("/api/v1/assemblies/%d/agendas/%s", a.ID, g), map[string]any{"title": "고친 의제",
		"funding_plan": "동회의 자체 추진", "execution_area": "마포구 성산1동", "subcommittee": "안전분과"})
	want(t, "edit the plan", res, 200)
	want(t, "draft 2", dong.PostForm(t, "/host/planning/agendas/"+g+"/drafts", url.Values{"round": {"2"}}), 303)
	want(t, "draft 4", dong.API(t, "POST", "/api/v1/agendas/"+g+"/drafts", map[string]any{"round": 4}), 422)
	want(t, "a district keeps no draft", district.API(t, "POST", "/api/v1/agendas/"+g+"/drafts", map[string]any{"round": 3}), 403)
	var ds struct {
		Drafts []struct {
			Round   int
			Changes []struct{ Field, Before, After string }
		}
	}
	res = district.API(t, "GET", "/api/v1/agendas/"+g+"/drafts", nil)
	want(t, "drafts", res, 200)
	res.JSON(t, &ds)
	if len(ds.Drafts) != 2 || ds.Drafts[1].Round != 2 {
		t.Fatalf("drafts %s", res.Body)
	}
	changed := map[string]string{}
	for _, c := range ds.Drafts[1].Changes {
		changed[c.Field] = c.Before + "→" + c.After
	}
	if changed["title"] != "의제 1→고친 의제" || changed["funding_plan"] != "→동회의 자체 추진" || changed["drafting_round"] != "1→2" ||
		changed["execution_area"] != "→마포구 성산1동" || len(changed) != 5 {
		t.Fatalf("changes %v", changed)
	}
	page = dong.Get(t, "/host/planning/agendas/"+g)
	if !strings.Contains(string(page.Body), "<del>의제 1</del>") || !strings.Contains(string(page.Body), "사업비 마련 방안") {
		t.Fatalf("the agenda's plan page does not show the changes")
	}
	booklet := string(dong.Get(t, "/a/"+a.Slug).Body)
	if !strings.Contains(booklet, "사업비 마련 방안") || !strings.Contains(booklet, "동회의 자체 추진") || !strings.Contains(booklet, "마포구 성산1동") {
		t.Error("the booklet lacks 사업비 마련 방안 or 실행 지역")
	}
	if at, round, err := e.Server.Planning.DraftsDoneAt(ctx, 2026, "마포구", "성산1동"); err != nil || at == nil || round != 2 {
		t.Fatalf("drafts done %v %d %v", at, round, err)
	}
}
