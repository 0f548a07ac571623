package voting_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"maeul/limit"
	"maeul/server"
	"maeul/server/servertest"
	"maeul/voting"
)

// wrongCode is a well-formed QR code that no card carries.
func wrongCode(i int) string { return fmt.Sprintf("WRONG%06dCODE%07d", i, i) }

// secondInstance runs another server.New on the same database, as a second
// instance behind the proxy.
func secondInstance(t *testing.T, v *vote) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	srv, err := server.New(server.Config{BaseURL: base, Log: slog.New(slog.DiscardHandler), Secret: servertest.TestSecret}, v.e.DB.Pool)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(context.Background())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return base
}

func ballotAt(t *testing.T, base, slug, code, nonce string, choices []string) *servertest.Response {
	t.Helper()
	e := &servertest.Env{URL: base}
	return e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": slug, "code": code, "choices": choices, "nonce": nonce})
}

// An attacker's wrong codes from a resident's own address never cost the
// resident their vote: 50 wrong codes, then the valid one is taken; a used
// code answers 409, never 429.
func TestLimitWrongCodesNeverRefuseAValidCode(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 3, "onsite")
	defer limit.SetWindowForTest(10*time.Minute, time.Now())()
	limited := 0
	for i := range 50 {
		r := v.ballot(t, wrongCode(i), fmt.Sprint("atk", i), v.ids(0))
		switch r.Status {
		case 404:
		case 429:
			if r.Header.Get("Retry-After") == "" {
				t.Fatalf("429 without Retry-After")
			}
			limited++
		default:
			t.Fatalf("wrong code %d: %d %s", i, r.Status, r.Body)
		}
	}
	if limited != 50-voting.GuessesPerClient {
		t.Fatalf("%d of 50 wrong codes were limited, want %d", limited, 50-voting.GuessesPerClient)
	}
	if r := v.ballot(t, codes[0].Code, "mine", v.ids(0)); r.Status != 201 {
		t.Fatalf("valid code after 50 wrong ones: %d %s", r.Status, r.Body)
	}
	if r := v.ballot(t, codes[0].Code, "another phone", v.ids(1)); r.Status != 409 || r.ErrorCode() == "ETOOMANY" {
		t.Fatalf("used code: %d %s", r.Status, r.Body)
	}
	// The pages too: the card's QR, and the typed code.
	if p := get(t, codes[1].URL); p.status != 200 || !strings.Contains(p.body, "의제 선택") {
		t.Fatalf("valid card after 50 wrong codes: %d %s", p.status, p.body)
	}
	p := postFollow(t, v.e.URL+"/v/"+v.a.Slug+"/code", url.Values{"code": {codes[2].Short}})
	if p.status != 200 || !strings.Contains(p.body, "의제 선택") {
		t.Fatalf("typed valid code after 50 wrong codes: %d %s", p.status, p.body)
	}
	p = postForm(t, v.e.URL+"/v/"+v.a.Slug+"/code", url.Values{"code": {"2345-6789-AB"}})
	if p.status != 429 || !strings.Contains(p.body, "너무 많습니다") || !strings.Contains(p.body, `id="code"`) {
		t.Fatalf("typed wrong code over the limit: %d %s", p.status, p.body)
	}
	if p := get(t, codes[0].URL); p.status != 409 {
		t.Fatalf("used card over the limit: %d", p.status)
	}
}

// Two instances on one database share the count: wrong codes spread over
// both are limited as if sent to one.
func TestLimitSharedBetweenInstances(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 1, "onsite")
	b := secondInstance(t, v)
	defer limit.SetWindowForTest(10*time.Minute, time.Now())()
	last := 0
	for i := range voting.GuessesPerClient + 1 {
		base := v.e.URL
		if i%2 == 1 {
			base = b
		}
		last = ballotAt(t, base, v.a.Slug, wrongCode(i), "n", v.ids(0)).Status
	}
	if last != 429 {
		t.Fatalf("wrong code %d, spread over two instances, answered %d, want 429", voting.GuessesPerClient+1, last)
	}
	if r := ballotAt(t, b, v.a.Slug, codes[0].Code, "n", v.ids(0)); r.Status != 201 {
		t.Fatalf("valid code on the second instance: %d %s", r.Status, r.Body)
	}
}

// The per-assembly ceiling holds against many addresses; another
// assembly's count is its own.
func TestLimitPerAssemblyCeiling(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, false)
	svc := voting.NewService(v.e.DB.Pool, v.e.URL, nil, nil)
	ctx := context.Background()
	defer limit.SetWindowForTest(10*time.Minute, time.Now())()
	for i := range voting.GuessesPerAssembly {
		if w := svc.CountGuess(ctx, v.a.ID, fmt.Sprint("10.0.", i/250, ".", i%250)); w != 0 {
			t.Fatalf("failure %d from its own address limited", i+1)
		}
	}
	if w := svc.CountGuess(ctx, v.a.ID, "10.9.9.9"); w <= 0 || w > 600 {
		t.Fatalf("failure %d for the assembly: wait %d", voting.GuessesPerAssembly+1, w)
	}
	if w := svc.CountGuess(ctx, v.a.ID+1000, "10.9.9.9"); w != 0 {
		t.Fatalf("another assembly limited: %d", w)
	}
}

// The QR URL answers at once (one round trip on a slow line) with the code
// in a cookie bound to the assembly, and the page's script takes the code
// out of the address bar.
func TestCodeLeavesTheURL(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 1, "onsite")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := noFollow.Get(codes[0].URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), `id="ballot-form"`) || !strings.Contains(string(body), "history.replaceState") ||
		strings.Contains(string(body), "code="+codes[0].Code) {
		t.Fatalf("QR URL: %d %s", res.StatusCode, body)
	}
	ck := res.Header.Get("Set-Cookie")
	for _, want := range []string{"maeul_code=", "path=/v/" + v.a.Slug + ";", "HttpOnly", "SameSite=Lax", "max-age=7200"} {
		if !strings.Contains(strings.ToLower(ck), strings.ToLower(want)) {
			t.Fatalf("cookie %q lacks %q", ck, want)
		}
	}
	if strings.Contains(strings.ToLower(ck), "secure") {
		t.Fatalf("Secure cookie over plain http: %q", ck)
	}
	// A wrong code shows the typed-code page with the error: no redirect.
	res, err = noFollow.Get(v.e.URL + "/v/" + v.a.Slug + "?code=" + wrongCode(1))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 404 || !strings.Contains(string(b), `id="code"`) || strings.Contains(string(b), wrongCode(1)) || res.Header.Get("Set-Cookie") != "" {
		t.Fatalf("wrong code in the URL: %d %s", res.StatusCode, b)
	}
	// Another assembly's pages never see the cookie; a forged cookie is a
	// guess like any other.
	jar, _ := cookiejar.New(nil)
	u, _ := url.Parse(v.e.URL + "/v/" + v.a.Slug)
	jar.SetCookies(u, []*http.Cookie{{Name: "maeul_code", Value: wrongCode(2), Path: "/v/" + v.a.Slug}})
	res, err = (&http.Client{Jar: jar}).Get(u.String())
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Fatalf("forged cookie: %d", res.StatusCode)
	}
}

// A scanned card's page answers at once (no redirect: a round trip less on
// a slow line) and its script takes the code out of the address bar; every
// later step is a plain form whose address holds no code (with JavaScript
// off the first page keeps the code until the vote, which uses it up); the
// code never reaches the log.
func TestBrowserCodeNotInAddressBar(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 1, "onsite")
	ctx := servertest.Browser(t)
	where := func(step string) {
		t.Helper()
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(loc, "code=") || strings.Contains(loc, codes[0].Code) {
			t.Fatalf("%s: the address bar shows the code: %s", step, loc)
		}
	}
	step := func(name string, a ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, a...); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		where(name)
	}
	step("scan", chromedp.Navigate(codes[0].URL), chromedp.WaitVisible("#ballot-form"))
	step("choose", chromedp.Click("#c-"+v.ids(0)[0]), chromedp.Click(`#ballot-form button[type=submit]`), chromedp.WaitVisible("#cast"))
	step("cast", chromedp.Click("#cast"), chromedp.WaitVisible("#receipt"))
	if v.ballots(t) != 1 {
		t.Fatal("no ballot stored")
	}
	// Back to the ballot: the code's cookie is gone with the vote; the
	// receipt is shown again.
	step("again", chromedp.Navigate(v.e.URL+"/v/"+v.a.Slug), chromedp.WaitVisible("#receipt"))
	if logs := v.e.Logs.String(); strings.Contains(logs, codes[0].Code) || strings.Contains(logs, "code=") {
		t.Fatalf("the code reached the log:\n%s", logs)
	}
}
