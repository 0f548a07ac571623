package assembly_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

func pageHas(t *testing.T, res *servertest.Response, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(res.Body), w) {
			t.Errorf("page (status %d) lacks %q", res.Status, w)
		}
	}
}

func pageLacks(t *testing.T, res *servertest.Response, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(string(res.Body), w) {
			t.Errorf("page (status %d) has %q", res.Status, w)
		}
	}
}

func wantStatus(t *testing.T, res *servertest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %.600s", res.Status, status, res.Body)
	}
}

// assemblyForm is a good form for a new assembly.
func assemblyForm() url.Values {
	return url.Values{
		"title": {"2027 성산1동 마을총회"}, "place": {"성산1동 주민센터 3층 강당\n성미산 마을극장"},
		"starts_at": {"2027-07-15T14:00"}, "ends_at": {"2027-07-15T17:00"},
		"budget_cap": {"30,000,000"}, "method": {"approval"}, "max_choices": {"3"},
		"online_from": {"2027-07-08T09:00"}, "online_until": {"2027-07-15T14:00"},
		"sealed": {"on"}, "tie_break": {"cost_asc"},
	}
}

func agendaForm(title string) url.Values {
	return url.Values{
		"title": {title}, "summary": {"소통모임 운영"}, "location": {"축산물시장 인근 상가"},
		"cost": {"5,000,000"}, "current_subsidy": {"2,000,000"}, "capital_subsidy": {"3,000,000"},
		"district_department": {"마을과/지역경제과"}, "city_department": {"지역공동체담당관"},
		"subcommittee": {"상권분과"}, "proposer": {"주민"}, "execution_type": {"public_private"},
		"drafting_round": {"3"}, "purpose": {"목적"}, "period": {"2028년 3월 ~ 11월"}, "executor": {"분과"},
		"approach": {"방법"}, "related_parties": {"상인회"}, "future_plan": {"계획"}, "remarks": {"비고"},
		"review_result": {"adequate"}, "review_department": {"지역경제과"}, "review_notes": {"적정"},
	}
}

var idInLocation = regexp.MustCompile(`^/host/assemblies/(\d+)\?`)

func TestHostPages(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")

	t.Run("login required", func(t *testing.T) {
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Get(e.URL + "/host")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 303 || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
			t.Errorf("status %d location %q", res.StatusCode, res.Header.Get("Location"))
		}
	})
	t.Run("dashboard of a dong host", func(t *testing.T) {
		res := h.Get(t, "/host")
		wantStatus(t, res, 200)
		pageHas(t, res, "새 마을총회 만들기", `href="/host/assemblies/new"`, "마포구 성산1동")
	})

	var id string
	t.Run("create through the form", func(t *testing.T) {
		res := h.PostForm(t, "/host/assemblies", assemblyForm())
		wantStatus(t, res, 303)
		m := idInLocation.FindStringSubmatch(res.Header.Get("Location"))
		if m == nil {
			t.Fatalf("location %q", res.Header.Get("Location"))
		}
		id = m[1]
		a := getAssembly(t, h, id)
		if a.StartsAt != "2027-07-15T14:00:00+09:00" || a.BudgetCap != 30_000_000 || !a.Sealed || a.MaxChoices != 3 ||
			*a.OnlineUntil != "2027-07-15T14:00:00+09:00" || a.State != "draft" {
			t.Errorf("created %+v", a)
		}
		page := h.Get(t, "/host/assemblies/"+id+"?done=created")
		wantStatus(t, page, 200)
		pageHas(t, page, "2027 성산1동 마을총회", "준비 중", "30,000,000원", `href="/a/`+a.Slug+`"`,
			`href="/a/`+a.Slug+`/notice"`, `href="/host/assemblies/`+id+`/console"`, `href="/p/`+a.Slug+`"`,
			`href="/host/assemblies/`+id+`/results"`, "자료집 공개하기", "마을총회를 만들었습니다")
	})
	t.Run("a bad form is shown again with the messages, nothing saved", func(t *testing.T) {
		f := assemblyForm()
		f.Set("title", "")
		f.Set("ends_at", "2027-07-15T13:00")
		f.Set("budget_cap", "삼천만")
		res := h.PostForm(t, "/host/assemblies", f)
		wantStatus(t, res, 422)
		pageHas(t, res, `id="e-title"`, `aria-describedby="h-title e-title"`, "마을총회 이름을 입력해 주세요",
			`id="e-ends_at"`, "끝나는 시각은 시작 시각보다 늦어야 합니다", `id="e-budget_cap"`,
			`value="2027-07-15T13:00"`, "성미산 마을극장")
		var n int
		e.DB.Pool.QueryRow(context.Background(), `SELECT count(*) FROM assemblies`).Scan(&n)
		if n != 1 {
			t.Errorf("%d assemblies", n)
		}
	})
	t.Run("English", func(t *testing.T) {
		res := h.Get(t, "/host/assemblies/new?lang=en")
		wantStatus(t, res, 200)
		pageHas(t, res, "Create a new village assembly", "Dong budget cap")
		h.Get(t, "/host?lang=ko")
	})

	var agendaID string
	t.Run("agendas through the forms", func(t *testing.T) {
		res := h.PostForm(t, "/host/assemblies/"+id+"/agendas", agendaForm("주민과 상인, 우리 지금 만나!"))
		wantStatus(t, res, 303)
		h.PostForm(t, "/host/assemblies/"+id+"/agendas", agendaForm("둘째 의제"))
		a := getAssembly(t, h, id)
		// The review fields of the form are ignored: the department's
		// final review fills them (package planning).
		if len(a.Agendas) != 2 || a.Agendas[0].Cost != 5_000_000 || a.Agendas[0].ReviewResult != "" ||
			a.Agendas[0].Purpose != "목적" || a.Agendas[0].ExecutionType != "public_private" {
			t.Fatalf("agendas %+v", a.Agendas)
		}
		agendaID = a.Agendas[0].ID
		page := h.Get(t, "/host/agendas/"+agendaID)
		wantStatus(t, page, 200)
		pageHas(t, page, `href="/host/agendas/`+agendaID+`/photos"`, "사진 관리", "서식 2-6", `value="2028년 3월 ~ 11월"`)
		pageLacks(t, page, `name="review_result"`, `name="review_notes"`)

		bad := agendaForm("")
		bad.Set("capital_subsidy", "1")
		res = h.PostForm(t, "/host/agendas/"+agendaID, bad)
		wantStatus(t, res, 422)
		pageHas(t, res, "사업명을 입력해 주세요", `id="e-title"`, `id="e-current_subsidy"`)
		if g := getAssembly(t, h, id).Agendas[0]; g.Title != "주민과 상인, 우리 지금 만나!" || g.CapitalSubsidy != 3_000_000 {
			t.Errorf("a bad form changed the agenda: %+v", g)
		}

		ok := agendaForm("고친 사업명")
		ok.Set("review_result", "inadequate")
		wantStatus(t, h.PostForm(t, "/host/agendas/"+agendaID, ok), 303)
		if g := getAssembly(t, h, id).Agendas[0]; g.Title != "고친 사업명" || g.ReviewResult != "" {
			t.Errorf("after edit %+v", g)
		}
	})
	t.Run("move and delete", func(t *testing.T) {
		wantStatus(t, h.PostForm(t, "/host/agendas/"+agendaID+"/move", url.Values{"dir": {"down"}}), 303)
		if got := titles(getAssembly(t, h, id)); got != "둘째 의제,고친 사업명" {
			t.Errorf("after move down: %s", got)
		}
		wantStatus(t, h.PostForm(t, "/host/agendas/"+agendaID+"/move", url.Values{"dir": {"down"}}), 303) // past the end: nothing
		wantStatus(t, h.PostForm(t, "/host/agendas/"+agendaID+"/move", url.Values{"dir": {"up"}}), 303)
		if got := titles(getAssembly(t, h, id)); got != "고친 사업명,둘째 의제" {
			t.Errorf("after move up: %s", got)
		}
		page := h.Get(t, "/host/assemblies/"+id)
		pageHas(t, page, `action="/host/agendas/`+agendaID+`/delete"`, "되돌릴 수 없습니다", "10,000,000원")
		wantStatus(t, h.PostForm(t, "/host/agendas/"+agendaID+"/delete", url.Values{}), 303)
		a := getAssembly(t, h, id)
		if len(a.Agendas) != 1 || a.Agendas[0].Number != 1 {
			t.Errorf("after delete %+v", a.Agendas)
		}
	})
	t.Run("edit the assembly", func(t *testing.T) {
		page := h.Get(t, "/host/assemblies/"+id+"/edit")
		wantStatus(t, page, 200)
		pageHas(t, page, `value="2027-07-15T14:00"`, `value="30000000"`, `name="sealed" checked`)
		f := assemblyForm()
		f.Set("title", "바뀐 이름")
		f.Del("sealed")
		wantStatus(t, h.PostForm(t, "/host/assemblies/"+id+"/edit", f), 303)
		if a := getAssembly(t, h, id); a.Title != "바뀐 이름" || a.Sealed {
			t.Errorf("after edit %+v", a)
		}
	})
	t.Run("publish", func(t *testing.T) {
		// No agenda has its department's final review: the page asks first.
		res := h.PostForm(t, "/host/assemblies/"+id+"/publish", url.Values{})
		wantStatus(t, res, 200)
		pageHas(t, res, `id="publish-warning"`, `name="confirm" value="yes"`)
		if a := getAssembly(t, h, id); a.State != "draft" {
			t.Errorf("published without confirmation: %s", a.State)
		}
		wantStatus(t, h.PostForm(t, "/host/assemblies/"+id+"/publish", url.Values{"confirm": {"yes"}}), 303)
		if a := getAssembly(t, h, id); a.State != "published" {
			t.Errorf("state %s", a.State)
		}
		res = h.PostForm(t, "/host/assemblies/"+id+"/publish", url.Values{})
		wantStatus(t, res, 409)
		pageHas(t, res, "준비 중인 마을총회만 공개할 수 있습니다")
	})
	t.Run("frozen once open", func(t *testing.T) {
		setState(t, e, id, "open")
		page := h.Get(t, "/host/assemblies/"+id)
		pageHas(t, page, "투표가 시작된 뒤에는 의제를 바꿀 수 없습니다")
		pageLacks(t, page, `/move"`, "의제 추가</a>")
		res := h.PostForm(t, "/host/assemblies/"+id+"/agendas", agendaForm("늦은 의제"))
		if res.Status != 409 && res.Status != 422 {
			t.Errorf("add while open: status %d", res.Status)
		}
		f := assemblyForm()
		f.Set("title", "투표 중 고친 이름")
		f.Set("budget_cap", "1")
		wantStatus(t, h.PostForm(t, "/host/assemblies/"+id+"/edit", f), 303)
		if a := getAssembly(t, h, id); a.Title != "투표 중 고친 이름" || a.BudgetCap != 30_000_000 || len(a.Agendas) != 1 {
			t.Errorf("while open %+v", a)
		}
	})
}

func TestHostRoles(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
	district := e.NewHost(t, account.RoleDistrict, "마포구", "")
	a := createAssembly(t, h, assemblyBody())
	g := addAgenda(t, h, a.ID, map[string]any{"title": "의제", "cost": 1000})

	t.Run("another dong's host", func(t *testing.T) {
		// The assembly is a draft: unknown (404) to a host who may not see
		// it, like an id that does not exist; the agenda page says 403.
		for _, p := range []string{"/host/assemblies/" + a.ID, "/host/assemblies/" + a.ID + "/edit",
			"/host/assemblies/" + a.ID + "/import"} {
			if res := other.Get(t, p); res.Status != 404 {
				t.Errorf("GET %s: status %d", p, res.Status)
			}
		}
		for _, p := range []string{"/host/agendas/" + g.ID} {
			if res := other.Get(t, p); res.Status != 403 {
				t.Errorf("GET %s: status %d", p, res.Status)
			}
		}
		for p, want := range map[string]int{"/host/assemblies/" + a.ID + "/publish": 404, "/host/agendas/" + g.ID + "/delete": 403,
			"/host/assemblies/" + a.ID + "/edit": 404} {
			if res := other.PostForm(t, p, assemblyForm()); res.Status != want {
				t.Errorf("POST %s: status %d", p, res.Status)
			}
		}
		res := other.Get(t, "/host")
		pageLacks(t, res, a.Title)
	})
	t.Run("district host reads but does not change", func(t *testing.T) {
		res := district.Get(t, "/host")
		wantStatus(t, res, 200)
		pageHas(t, res, a.Title, "마포구의 모든 동")
		pageLacks(t, res, "새 마을총회 만들기")
		res = district.Get(t, "/host/assemblies/"+a.ID)
		wantStatus(t, res, 200)
		pageLacks(t, res, "자료집 공개하기", `/move"`, "/delete")
		for _, p := range []string{"/host/assemblies/" + a.ID + "/edit", "/host/agendas/" + g.ID, "/host/assemblies/new"} {
			if res := district.Get(t, p); res.Status != 403 {
				t.Errorf("GET %s: status %d", p, res.Status)
			}
		}
		if res := district.PostForm(t, "/host/assemblies/"+a.ID+"/publish", url.Values{}); res.Status != 403 {
			t.Errorf("publish: status %d", res.Status)
		}
		if res := district.PostForm(t, "/host/assemblies", assemblyForm()); res.Status != 403 {
			t.Errorf("create: status %d", res.Status)
		}
	})
	t.Run("unknown ids", func(t *testing.T) {
		for _, p := range []string{"/host/assemblies/999999", "/host/agendas/999999", "/host/assemblies/x"} {
			if res := h.Get(t, p); res.Status != 404 {
				t.Errorf("GET %s: status %d", p, res.Status)
			}
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		f := assemblyForm()
		f.Set("title", "위조된 이름")
		f.Set("_csrf", "wrong-token")
		res := h.PostForm(t, "/host/assemblies/"+a.ID+"/edit", f)
		wantStatus(t, res, 403)
		pageHas(t, res, "보안 토큰")
		c := &http.Client{Jar: h.Client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		r, err := c.PostForm(e.URL+"/host/assemblies/"+a.ID+"/publish", url.Values{})
		if err != nil {
			t.Fatal(err)
		}
		r.Body.Close()
		if r.StatusCode != 403 {
			t.Errorf("publish without a token: status %d", r.StatusCode)
		}
		if got := getAssembly(t, h, a.ID); got.Title == "위조된 이름" || got.State != "draft" {
			t.Errorf("a forged form changed %+v", got)
		}
	})
}

func TestHostXSS(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	const payload = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	b := assemblyBody()
	b["title"] = "총회 " + payload
	a := createAssembly(t, h, b)
	g := addAgenda(t, h, a.ID, map[string]any{"title": payload, "location": payload, "cost": 1000})
	if err := assembly.SetReview(context.Background(), e.DB.Pool, mustID(t, g.ID), "inadequate", payload, payload); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/host", "/host/assemblies/" + a.ID, "/host/agendas/" + g.ID, "/host/assemblies/" + a.ID + "/edit"} {
		res := h.Get(t, p)
		wantStatus(t, res, 200)
		pageLacks(t, res, "<script>alert", "<img src=x")
		pageHas(t, res, "&lt;script&gt;")
	}
}

func TestHostImportPage(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a := createAssembly(t, h, assemblyBody())
	page := h.Get(t, "/host/assemblies/"+a.ID+"/import")
	wantStatus(t, page, 200)
	pageHas(t, page, `enctype="multipart/form-data"`, `name="_csrf"`, "사업비 (원)")

	upload := func(data []byte, csrf string) *servertest.Response {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		w.WriteField("_csrf", csrf)
		fw, _ := w.CreateFormFile("file", "agendas.csv")
		fw.Write(data)
		w.Close()
		req, _ := http.NewRequest("POST", e.URL+"/host/assemblies/"+a.ID+"/import", &body)
		req.Header.Set("Content-Type", w.FormDataContentType())
		c := &http.Client{Jar: h.Client.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
	}
	t.Run("bad rows in a table", func(t *testing.T) {
		res := upload([]byte("사업명,사업비 (원)\n좋음,1000\n,1000\n<b>나쁨</b>,abc\n"), h.CSRF)
		wantStatus(t, res, 422)
		pageHas(t, res, "2개 행에 문제가 있어", `<td class="num">3</td><td>사업명</td>`, `<td class="num">4</td><td>사업비 (원)</td>`)
		if n := agendaCount(t, e, a.ID); n != 0 {
			t.Errorf("%d agendas", n)
		}
	})
	t.Run("a file-level problem", func(t *testing.T) {
		res := upload([]byte("위치\n동\n"), h.CSRF)
		wantStatus(t, res, 422)
		pageHas(t, res, "사업명")
	})
	t.Run("no CSRF token", func(t *testing.T) {
		res := upload([]byte(goodCSV), "")
		wantStatus(t, res, 403)
		if n := agendaCount(t, e, a.ID); n != 0 {
			t.Errorf("%d agendas", n)
		}
	})
	t.Run("good", func(t *testing.T) {
		res := upload([]byte(goodCSV), h.CSRF)
		wantStatus(t, res, 303)
		page := h.Get(t, res.Header.Get("Location"))
		pageHas(t, page, "의제 3개를 가져왔습니다", "어르신 반찬 나눔")
	})
	t.Run("example file", func(t *testing.T) {
		res := h.Get(t, "/host/import-example.csv")
		wantStatus(t, res, 200)
		if _, err := assemblyImportRows(res.Body); err != nil {
			t.Errorf("the example does not import: %v", err)
		}
	})
}

func assemblyImportRows(data []byte) (int, error) {
	rows, err := assembly.ImportRows("example.csv", data)
	return len(rows), err
}

func mustID(t *testing.T, s string) int64 {
	t.Helper()
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
