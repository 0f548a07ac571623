package council_test

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

// rosterCSV is a council of n members for plan year 2026: men first, then
// women; the first officials are 주민자치위원; the first young are born 1987.
func rosterCSV(n, men, officials, young int) string {
	var b strings.Builder
	b.WriteString("연번,이름,성별,출생연도,소속,연락처\n")
	for i := 0; i < n; i++ {
		g, aff, born := "여", "", 1960
		if i < men {
			g = "남"
		}
		if i < officials {
			aff = "주민자치위원"
		}
		if i < young {
			born = 1987
		}
		fmt.Fprintf(&b, "%d,주민%02d,%s,%d,%s,010-0000-%04d\n", i+1, i, g, born, aff, i)
	}
	return b.String()
}

type resp struct {
	status int
	loc    string
	body   string
}

// upload posts the multipart form as the host; csrf "" leaves the token out.
func upload(t *testing.T, e *servertest.Env, h *servertest.Host, csrf string, fields map[string]string, filename, content string) resp {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	if csrf != "" {
		w.WriteField("_csrf", csrf)
	}
	for k, v := range fields {
		w.WriteField(k, v)
	}
	if filename != "" {
		fw, _ := w.CreateFormFile("file", filename)
		fw.Write([]byte(content))
	}
	w.Close()
	req, _ := http.NewRequest("POST", e.URL+"/host/council", &buf)
	req.Header.Set("Content-Type", w.FormDataContentType())
	c := *h.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return resp{res.StatusCode, res.Header.Get("Location"), string(b)}
}

func count(t *testing.T, e *servertest.Env, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.DB.Pool.QueryRow(context.Background(), q, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRosterEndToEnd(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	other := e.NewHost(t, "dong", "마포구", "성산2동")
	gu := e.NewHost(t, "district", "마포구", "")
	otherGu := e.NewHost(t, "district", "종로구", "")
	city := e.NewHost(t, "city", "", "")
	year := map[string]string{"year": "2026"}
	members := `SELECT count(*) FROM council_members`
	const page = "/host/council?year=2026"

	t.Run("names are not stored unless asked", func(t *testing.T) {
		r := upload(t, e, h, h.CSRF, year, "명단.csv", rosterCSV(30, 17, 15, 3))
		if r.status != 303 || !strings.Contains(r.loc, "done=saved") {
			t.Fatalf("%d %s %s", r.status, r.loc, r.body)
		}
		if n := count(t, e, members); n != 0 {
			t.Fatalf("%d member rows stored without 명단 보관", n)
		}
		if n := count(t, e, `SELECT total FROM council_rosters WHERE district='마포구' AND dong='성산1동' AND plan_year=2026`); n != 30 {
			t.Fatalf("total %d", n)
		}
		body := string(h.Get(t, page).Body)
		for _, want := range []string{"✓ 충족", "현재 30명", "남성 17명 · 여성 13명 — 많은 쪽 56.7%", "일반 주민 15명 / 전체 30명 — 50.0%",
			"39세 이하 3명 / 전체 30명 — 10.0%", "1987년생 이후", "이름은 저장하지 않았습니다"} {
			if !strings.Contains(body, want) {
				t.Errorf("page lacks %q", want)
			}
		}
		if strings.Contains(body, "✗ 미충족") || strings.Contains(body, "주민01") {
			t.Error("a rule fails or a name shows")
		}
	})
	t.Run("the application is filled from the counts", func(t *testing.T) {
		body := string(h.Get(t, "/host/council/application?year=2026").Body)
		for _, want := range []string{"서식 2-1", "총 인원 (30명)", "남성 (17명) · 여성 (13명)", "주민자치위원 : 15명, 통/반장 : 0명, 일반시민 : 15명",
			"30대 이하 (3명), 40대 (0명), 50대 (0명), 60대 (27명), 70대 이상 (0명)", "마포구청장 귀하", "(서명 또는 날인)"} {
			if !strings.Contains(body, want) {
				t.Errorf("application lacks %q", want)
			}
		}
	})
	t.Run("a failing rule says so in words", func(t *testing.T) {
		r := upload(t, e, h, h.CSRF, year, "명단.csv", rosterCSV(29, 18, 14, 2))
		if r.status != 303 {
			t.Fatalf("%d %s", r.status, r.body)
		}
		body := string(h.Get(t, page).Body)
		if strings.Count(body, "✗ 미충족") != 3 || !strings.Contains(body, "충족하지 못한 구성기준") {
			t.Fatalf("want three failing rules (29 members, 62 %% men, 6.9 %% young):\n%s", body)
		}
		en := string(h.Get(t, page+"&lang=en").Body)
		if !strings.Contains(en, "✗ Not met") || !strings.Contains(en, "✓ Met") {
			t.Fatal("English page lacks the rule words")
		}
		h.Get(t, page+"&lang=ko")
	})
	t.Run("a 찾동 마을계획단 is exempt and shown so", func(t *testing.T) {
		if res := h.PostForm(t, "/host/council/type", url.Values{"year": {"2026"}, "council_type": {"planned"}, "chatdong": {"1"}}); res.Status != 303 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		body := string(h.Get(t, page).Body)
		if strings.Contains(body, "✗ 미충족") || strings.Count(body, "적용 제외 (찾동 마을계획단)") != 3 || !strings.Contains(body, "chatdong-note") {
			t.Fatalf("a 찾동 team's rules are not shown as exempt:\n%s", body)
		}
		list := string(gu.Get(t, "/host/council?year=2026").Body)
		if !strings.Contains(list, "적용 제외") || strings.Contains(list, "✗ 미충족") {
			t.Fatalf("the district's list does not show the exemption:\n%s", list)
		}
		if res := h.PostForm(t, "/host/council/type", url.Values{"year": {"2026"}, "council_type": {""}}); res.Status != 303 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		if body := string(h.Get(t, page).Body); strings.Count(body, "✗ 미충족") != 3 {
			t.Fatal("unticking 찾동 does not bring the failing rules back")
		}
	})
	t.Run("kept names, then deleted; counts stay", func(t *testing.T) {
		f := map[string]string{"year": "2026", "keep_names": "1", "council_type": "planned"}
		r := upload(t, e, h, h.CSRF, f, "명단.csv", rosterCSV(32, 16, 10, 4))
		if r.status != 303 || !strings.Contains(r.loc, "saved_names") {
			t.Fatalf("%d %s", r.status, r.body)
		}
		if n := count(t, e, members); n != 32 {
			t.Fatalf("%d names kept, want 32", n)
		}
		body := string(h.Get(t, page).Body)
		if !strings.Contains(body, "주민31") || !strings.Contains(body, "명단 삭제") {
			t.Fatal("kept names or the delete button are not shown")
		}
		if strings.Contains(body, "010-0000") {
			t.Fatal("the phone column was stored")
		}
		app := string(h.Get(t, "/host/council/application?year=2026").Body)
		if !strings.Contains(app, "■</span> <strong>계획형") {
			t.Fatal("계획형 is not ticked on the application")
		}
		if !strings.Contains(app, "구성원 명단") || !strings.Contains(app, "<td>주민31</td>") {
			t.Fatal("the application lacks the kept member list")
		}
		// The database refuses switching keep_names off while names remain.
		if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE council_rosters SET keep_names = false`); err == nil {
			t.Fatal("keep_names went off with names still stored")
		}
		res := h.PostForm(t, "/host/council/names/delete", url.Values{"year": {"2026"}})
		if res.Status != 303 {
			t.Fatalf("%d %s", res.Status, res.Body)
		}
		if n := count(t, e, members); n != 0 {
			t.Fatalf("%d names left after 명단 삭제", n)
		}
		if app := string(h.Get(t, "/host/council/application?year=2026").Body); strings.Contains(app, "주민31") {
			t.Fatal("the application still lists names after 명단 삭제")
		}
		if n := count(t, e, `SELECT total FROM council_rosters WHERE NOT keep_names AND plan_year = 2026`); n != 32 {
			t.Fatalf("counts lost: total %d", n)
		}
		if _, err := e.DB.Pool.Exec(context.Background(), `INSERT INTO council_members (roster_id, row_no, name, gender, birth_year, affiliation)
			SELECT id, 1, 'x', 'm', 1980, 'general' FROM council_rosters`); err == nil {
			t.Fatal("a name was stored on a roster that does not keep names")
		}
	})
	t.Run("bad rows: row numbers, Korean messages, nothing stored", func(t *testing.T) {
		bad := "이름,성별,출생연도,소속\n김,남,1980,\n이,X,1980,\n박,여,80,통장\n"
		r := upload(t, e, h, h.CSRF, map[string]string{"year": "2026", "keep_names": "1"}, "bad.csv", bad)
		if r.status != 422 {
			t.Fatalf("status %d", r.status)
		}
		for _, want := range []string{"아무것도 저장하지 않았습니다", "3행: 성별은 ‘남’ 또는 ‘여’로", "4행: 출생연도는"} {
			if !strings.Contains(r.body, want) {
				t.Errorf("error page lacks %q", want)
			}
		}
		if n := count(t, e, `SELECT total FROM council_rosters WHERE plan_year = 2026`); n != 32 {
			t.Fatalf("the stored roster changed: total %d", n)
		}
		if n := count(t, e, members); n != 0 {
			t.Fatal("names stored from a bad file")
		}
		r = upload(t, e, h, h.CSRF, map[string]string{"year": "26"}, "a.csv", rosterCSV(30, 15, 0, 3))
		if r.status != 422 || !strings.Contains(r.body, "계획 연도는") {
			t.Fatalf("bad year: %d", r.status)
		}
		r = upload(t, e, h, h.CSRF, year, "", "")
		if r.status != 422 || !strings.Contains(r.body, "명단 파일을 골라") {
			t.Fatalf("no file: %d", r.status)
		}
	})
	t.Run("CSRF", func(t *testing.T) {
		r := upload(t, e, h, "", year, "a.csv", rosterCSV(30, 15, 0, 3))
		if r.status != 403 {
			t.Fatalf("upload without the CSRF token: %d", r.status)
		}
		res := h.PostForm(t, "/host/council/names/delete", url.Values{"year": {"2026"}, "_csrf": {"wrong"}})
		if res.Status != 403 {
			t.Fatalf("delete with a wrong token: %d", res.Status)
		}
	})
	t.Run("who may see and change", func(t *testing.T) {
		mine := "/host/council?district=" + url.QueryEscape("마포구") + "&dong=" + url.QueryEscape("성산1동") + "&year=2026"
		app := "/host/council/application?district=" + url.QueryEscape("마포구") + "&dong=" + url.QueryEscape("성산1동") + "&year=2026"
		for _, c := range []struct {
			name string
			h    *servertest.Host
			path string
			want int
		}{
			{"another dong's host", other, mine, 403},
			{"another dong's host, application", other, app, 403},
			{"another district's host", otherGu, mine, 403},
			{"the district's host reads", gu, mine, 200},
			{"the city reads the application", city, app, 200},
		} {
			if r := c.h.Get(t, c.path); r.Status != c.want {
				t.Errorf("%s: GET %s → %d, want %d", c.name, c.path, r.Status, c.want)
			}
		}
		if r := other.Get(t, page); r.Status != 200 || strings.Contains(string(r.Body), "현재 32명") {
			t.Errorf("another dong's own page shows this roster (status %d)", r.Status)
		}
		if r := gu.Get(t, "/host/council?year=2026"); !strings.Contains(string(r.Body), "성산1동") {
			t.Error("the district list lacks the dong")
		}
		if r := upload(t, e, gu, gu.CSRF, year, "a.csv", rosterCSV(30, 15, 0, 3)); r.status != 403 {
			t.Errorf("a district host uploaded: %d", r.status)
		}
		if r := gu.PostForm(t, "/host/council/names/delete", url.Values{"year": {"2026"}}); r.Status != 403 {
			t.Errorf("a district host deleted names: %d", r.Status)
		}
		res, err := http.Get(e.URL + "/host/council")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.Request.URL.Path != "/login" {
			t.Errorf("a resident reached %s", res.Request.URL)
		}
	})
}
