package assembly_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"maeul/account"
	"maeul/assembly"
	"maeul/limit"
	"maeul/server"
	"maeul/server/servertest"
)

// get fetches a page as a resident (no cookies).
func get(t *testing.T, e *servertest.Env, path string) *servertest.Response {
	t.Helper()
	return e.Do(t, http.MethodGet, path, "", nil)
}

// postForm posts a form as a resident and does not follow redirects.
func postForm(t *testing.T, e *servertest.Env, path string, form url.Values) *servertest.Response {
	t.Helper()
	c := &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.PostForm(e.URL+path, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &servertest.Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

func mustContain(t *testing.T, body []byte, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(string(body), w) {
			t.Errorf("page lacks %q", w)
		}
	}
}

func mustNotContain(t *testing.T, body []byte, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(string(body), w) {
			t.Errorf("page has %q", w)
		}
	}
}

// fullAgenda fills every field of the execution plan of agenda 1 and sets
// the assembly to Thursday 15 July 2027, 14:00–17:00 in Seoul.
func fullAgenda(t *testing.T, e *servertest.Env, a *assembly.Assembly, g assembly.Agenda) {
	t.Helper()
	ctx := t.Context()
	seoul, _ := time.LoadLocation("Asia/Seoul")
	start := time.Date(2027, 7, 15, 14, 0, 0, 0, seoul)
	_, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET starts_at = $2, ends_at = $3, online_from = $4, online_until = $5 WHERE id = $1`,
		a.ID, start, start.Add(3*time.Hour), start.Add(-5*24*time.Hour), start.Add(-2*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	_, err = e.DB.Pool.Exec(ctx, `UPDATE agendas SET title = '주민과 상인, 우리 지금 만나!', location = '축산물시장',
		summary = '축산물시장 인근 환경개선을 위한 소통모임 운영', subcommittee = '환경분과', proposer = '김주민',
		execution_type = 'public_private', drafting_round = 2, purpose = '시장 주변 환경 개선', period = '2028. 3. ~ 2028. 11.',
		executor = '동회의 환경분과', approach = '월 1회 소통모임', related_parties = '지역경제과', future_plan = '상인회와 정례화',
		current_subsidy = cost / 3, capital_subsidy = cost - cost / 3, district_department = '마을과/지역경제과',
		city_department = '지역공동체담당관', review_result = 'adequate', review_department = '마포구 지역경제과',
		review_notes = '법령 저촉 없음', remarks = '시범사업' WHERE id = $1`, g.ID)
	if err != nil {
		t.Fatal(err)
	}
}

func TestBooklet(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{Costs: []int64{30_000_000, 25_000_000}})
	fullAgenda(t, e, a, gs[0])

	t.Run("content", func(t *testing.T) {
		r := get(t, e, "/a/"+a.Slug)
		if r.Status != 200 {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		mustContain(t, r.Body,
			`<html lang="ko">`, "성산1동 마을총회", "주민과 상인, 우리 지금 만나!", "의제 2",
			"축산물시장", "30,000,000원", "3천만원", "25,000,000원", "2,500만원",
			"축산물시장 인근 환경개선을 위한 소통모임 운영",
			"환경분과", "김주민", "2차", "민관 협력형", "시장 주변 환경 개선", "2028. 3. ~ 2028. 11.",
			"마포구 성산1동", "동회의 환경분과", "월 1회 소통모임", "지역경제과", "상인회와 정례화",
			"자치단체경상보조 10,000,000원", "자치단체자본보조 20,000,000원", "마을과/지역경제과", "지역공동체담당관",
			"적정", "마포구 지역경제과", "법령 저촉 없음", "시범사업",
			"총 사업비 55,000,000원 — 한도 30,000,000원을 25,000,000원 넘습니다: 투표로 우선순위를 정합니다",
			"최대 3개", "2027. 7. 15.(목) 14:00 ~ 17:00", "동 주민센터 3층 강당",
			`href="#agenda-1"`, `id="agenda-2"`, "차례",
			`action="/a/`+a.Slug+`/agendas/`+gs[0].IDString()+`/opinions"`,
		)
		mustNotContain(t, r.Body, "⟦", "미리보기", "부적정", `name="_csrf"`)
	})

	t.Run("english", func(t *testing.T) {
		r := get(t, e, "/a/"+a.Slug+"?lang=en")
		mustContain(t, r.Body, `<html lang="en">`, "Public-private", "Contents", "over the cap")
		mustNotContain(t, r.Body, "⟦")
	})

	t.Run("under the cap", func(t *testing.T) {
		b, _ := e.Fixture(t, servertest.FixtureOptions{Costs: []int64{10_000_000, 5_000_000}, Method: assembly.MethodRanked})
		r := get(t, e, "/a/"+b.Slug)
		mustContain(t, r.Body, "총 사업비 15,000,000원 — 한도 30,000,000원 안에 듭니다(15,000,000원 남음)", "1순위는 3점")
	})

	t.Run("draft", func(t *testing.T) {
		d, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateDraft})
		for _, p := range []string{"/a/" + d.Slug, "/a/" + d.Slug + "/notice", "/a/" + d.Slug + "/qr.png"} {
			if r := get(t, e, p); r.Status != 404 {
				t.Errorf("resident GET %s: status %d, want 404", p, r.Status)
			}
		}
		own := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
		r := own.Get(t, "/a/"+d.Slug)
		if r.Status != 200 {
			t.Fatalf("own host: status %d", r.Status)
		}
		mustContain(t, r.Body, "미리보기 — 아직 공개되지 않음", "의제 1")
		district := e.NewHost(t, account.RoleDistrict, "마포구", "")
		if r := district.Get(t, "/a/"+d.Slug); r.Status != 200 {
			t.Errorf("district host: status %d, want 200", r.Status)
		}
		other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
		if r := other.Get(t, "/a/"+d.Slug); r.Status != 404 {
			t.Errorf("another dong's host: status %d, want 404", r.Status)
		}
		if r := get(t, e, "/"); strings.Contains(string(r.Body), d.Slug) {
			t.Error("the home page lists a draft")
		}
	})

	t.Run("unknown", func(t *testing.T) {
		if r := get(t, e, "/a/no-such-assembly"); r.Status != 404 {
			t.Errorf("status %d", r.Status)
		}
	})
}

func TestHome(t *testing.T) {
	e := servertest.Start(t)
	pub, _ := e.Fixture(t, servertest.FixtureOptions{})
	open, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	ann, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateAnnounced})
	e.DB.Pool.Exec(t.Context(), `UPDATE assemblies SET starts_at = starts_at + interval '1 day' WHERE id = $1`, ann.ID)
	r := get(t, e, "/")
	if r.Status != 200 {
		t.Fatalf("status %d", r.Status)
	}
	mustContain(t, r.Body, `href="/a/`+pub.Slug+`"`, `href="/a/`+pub.Slug+`/notice"`, `href="/v/`+open.Slug+`"`,
		`href="/r/`+ann.Slug+`"`, `href="/login"`, "투표 중")
	mustNotContain(t, r.Body, `href="/v/`+pub.Slug+`"`, `href="/r/`+pub.Slug+`"`, "⟦")
	if strings.Index(string(r.Body), ann.Slug) > strings.Index(string(r.Body), pub.Slug) {
		t.Error("the newest assembly is not first")
	}
}

func TestOpinions(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	path := "/a/" + a.Slug + "/agendas/" + gs[1].IDString() + "/opinions"
	host := e.NewHost(t, account.RoleDong, "마포구", "성산1동")

	var opinionID string
	t.Run("create", func(t *testing.T) {
		r := postForm(t, e, path, url.Values{"author": {"박이웃"}, "body": {"놀이터 그늘막이 꼭 필요합니다.\n여름에 너무 더워요."}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/a/"+a.Slug+"?thanks="+gs[1].IDString()) || !strings.HasSuffix(loc, "#opinions-"+gs[1].IDString()) {
			t.Errorf("redirect to %q", loc)
		}
		p := get(t, e, loc)
		mustContain(t, p.Body, "박이웃", "놀이터 그늘막이 꼭 필요합니다.", "의견을 남겨 주셔서 고맙습니다", "주민 의견 (1)")
		e.DB.Pool.QueryRow(t.Context(), `SELECT id::text FROM opinions WHERE agenda_id = $1`, gs[1].ID).Scan(&opinionID)
		if opinionID == "" {
			t.Fatal("no opinion stored")
		}
	})

	t.Run("escaped", func(t *testing.T) {
		r := postForm(t, e, path, url.Values{"author": {`<b onmouseover="x()">해커</b>`}, "body": {`<script>alert("xss")</script><img src=x onerror=alert(1)>`}})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("status %d", r.Status)
		}
		p := get(t, e, "/a/"+a.Slug)
		mustContain(t, p.Body, "&lt;script&gt;alert(&#34;xss&#34;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;", "&lt;b onmouseover=")
		mustNotContain(t, p.Body, "<script>alert", "<img src=x", "<b onmouseover")
	})

	t.Run("invalid", func(t *testing.T) {
		r := postForm(t, e, path, url.Values{"author": {"이름"}, "body": {"   "}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("empty body: status %d", r.Status)
		}
		mustContain(t, r.Body, "의견 내용을 적어 주세요.", `aria-invalid="true"`, `id="body-error-`+gs[1].IDString()+`"`, `value="이름"`)
		r = postForm(t, e, path, url.Values{"author": {strings.Repeat("가", 41)}, "body": {"좋아요"}})
		if r.Status != http.StatusUnprocessableEntity {
			t.Fatalf("long name: status %d", r.Status)
		}
		mustContain(t, r.Body, "이름은 40자 이내로 적어 주세요.", `id="author-error-`+gs[1].IDString()+`"`, ">좋아요</textarea>")
	})

	t.Run("hide", func(t *testing.T) {
		other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
		if r := other.PostForm(t, "/host/opinions/"+opinionID+"/hide", url.Values{}); r.Status != 403 {
			t.Errorf("another dong's host: status %d, want 403", r.Status)
		}
		if r := host.PostForm(t, "/host/opinions/"+opinionID+"/hide", url.Values{"_csrf": {"wrong"}}); r.Status != 403 {
			t.Errorf("wrong CSRF: status %d, want 403", r.Status)
		}
		if r := postForm(t, e, "/host/opinions/"+opinionID+"/hide", url.Values{}); r.Status != 401 {
			t.Errorf("resident: status %d, want 401", r.Status)
		}
		r := host.PostForm(t, "/host/opinions/"+opinionID+"/hide", url.Values{})
		if r.Status != http.StatusSeeOther {
			t.Fatalf("hide: status %d: %s", r.Status, r.Body)
		}
		mustNotContain(t, get(t, e, "/a/"+a.Slug).Body, "놀이터 그늘막이")
		hp := host.Get(t, "/a/"+a.Slug)
		mustContain(t, hp.Body, "놀이터 그늘막이", ">숨김<", `action="/host/opinions/`+opinionID+`/unhide"`)
		if r := host.PostForm(t, "/host/opinions/"+opinionID+"/unhide", url.Values{}); r.Status != http.StatusSeeOther {
			t.Fatalf("unhide: status %d", r.Status)
		}
		mustContain(t, get(t, e, "/a/"+a.Slug).Body, "놀이터 그늘막이")
	})

	t.Run("wrong agenda", func(t *testing.T) {
		b, bgs := e.Fixture(t, servertest.FixtureOptions{})
		_ = b
		r := postForm(t, e, "/a/"+a.Slug+"/agendas/"+bgs[0].IDString()+"/opinions", url.Values{"body": {"다른 총회의 의제"}})
		if r.Status != 404 {
			t.Errorf("status %d, want 404", r.Status)
		}
	})
}

func TestOpinionStates(t *testing.T) {
	e := servertest.Start(t)
	for _, c := range []struct {
		state string
		want  int
	}{
		{assembly.StatePublished, 303}, {assembly.StateOpen, 303},
		{assembly.StateClosed, 409}, {assembly.StateAnnounced, 409}, {assembly.StateDraft, 404},
	} {
		t.Run(c.state, func(t *testing.T) {
			a, gs := e.Fixture(t, servertest.FixtureOptions{State: c.state})
			r := postForm(t, e, "/a/"+a.Slug+"/agendas/"+gs[0].IDString()+"/opinions", url.Values{"body": {"의견"}})
			if r.Status != c.want {
				t.Fatalf("status %d, want %d", r.Status, c.want)
			}
			if c.want == 409 {
				mustContain(t, r.Body, "지금은 의견을 받지 않습니다")
				mustNotContain(t, get(t, e, "/a/"+a.Slug).Body, "<textarea")
			}
		})
	}
}

func TestOpinionRateLimit(t *testing.T) {
	defer limit.SetWindowForTest(10*time.Minute, time.Now())() // one window for the whole test
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	path := "/a/" + a.Slug + "/agendas/" + gs[0].IDString() + "/opinions"
	for i := range 5 {
		if r := postForm(t, e, path, url.Values{"body": {"의견 " + strconv.Itoa(i)}}); r.Status != 303 {
			t.Fatalf("opinion %d: status %d", i+1, r.Status)
		}
	}
	r := postForm(t, e, path, url.Values{"body": {"하나 더"}})
	if r.Status != http.StatusTooManyRequests {
		t.Fatalf("sixth opinion: status %d, want 429", r.Status)
	}
	if s, _ := strconv.Atoi(r.Header.Get("Retry-After")); s < 1 {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	mustContain(t, r.Body, "시도가 너무 많습니다")
	var n int
	e.DB.Pool.QueryRow(t.Context(), `SELECT count(*) FROM opinions`).Scan(&n)
	if n != 5 {
		t.Errorf("%d opinions stored, want 5", n)
	}
}

// Two instances on one database share the opinion limit: five opinions
// spread over both, then the sixth is refused on either.
func TestOpinionRateLimitSharedBetweenInstances(t *testing.T) {
	defer limit.SetWindowForTest(10*time.Minute, time.Now())()
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	b := &servertest.Env{URL: "http://" + ln.Addr().String()}
	srv, err := server.New(server.Config{BaseURL: b.URL, Secret: servertest.TestSecret}, e.DB.Pool)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(context.Background())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	path := "/a/" + a.Slug + "/agendas/" + gs[0].IDString() + "/opinions"
	for i := range 5 {
		at := e
		if i%2 == 1 {
			at = b
		}
		if r := postForm(t, at, path, url.Values{"body": {"의견 " + strconv.Itoa(i)}}); r.Status != 303 {
			t.Fatalf("opinion %d: status %d", i+1, r.Status)
		}
	}
	for _, at := range []*servertest.Env{e, b} {
		if r := postForm(t, at, path, url.Values{"body": {"하나 더"}}); r.Status != http.StatusTooManyRequests {
			t.Fatalf("sixth opinion on %s: status %d, want 429 (the instances do not share the count)", at.URL, r.Status)
		}
	}
}
