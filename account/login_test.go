package account_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"maeul/account"
	"maeul/limit"
	"maeul/server"
	"maeul/server/servertest"
)

const password = "correct horse battery"

// from is a client whose requests leave from a loopback address of its
// own: another client, as the server sees it.
func from(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 15 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func addHost(t *testing.T, e *servertest.Env) string {
	t.Helper()
	email := fmt.Sprintf("login%d@example.kr", time.Now().UnixNano())
	if _, err := account.NewService(e.DB.Pool).AddUser(context.Background(), account.NewUser{Email: email, Password: password, Role: account.RoleCity}); err != nil {
		t.Fatal(err)
	}
	return email
}

func login(t *testing.T, c *http.Client, base, email, pw string, h map[string]string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", base+"/login", strings.NewReader(url.Values{"email": {email}, "password": {pw}, "next": {"/host"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

// An attacker hammering an account with wrong passwords from another
// address never keeps the right password out; the attacker is slowed.
func TestLoginRightPasswordWhileAttacked(t *testing.T) {
	e := servertest.Start(t)
	email := addHost(t, e)
	attacker, host := from("127.0.0.2"), from("127.0.0.1")
	defer limit.SetWindowForTest(time.Hour, time.Now())()
	limited := 0
	for i := range 40 {
		res := login(t, attacker, e.URL, email, fmt.Sprint("guess", i), nil)
		switch res.StatusCode {
		case 401:
		case 429:
			if res.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited++
		default:
			t.Fatalf("wrong password %d: %d", i, res.StatusCode)
		}
		if i == 20 { // in the middle of the attack
			if res := login(t, host, e.URL, email, password, nil); res.StatusCode != 303 || res.Header.Get("Location") != "/host" {
				t.Fatalf("right password during the attack: %d", res.StatusCode)
			}
		}
	}
	if limited < 40-account.LoginFreeFailures-1 {
		t.Fatalf("only %d of 40 wrong passwords were slowed", limited)
	}
	if res := login(t, host, e.URL, email, password, nil); res.StatusCode != 303 {
		t.Fatalf("right password after the attack: %d", res.StatusCode)
	}
	// The attacker's own address waits, whatever it sends.
	if res := login(t, attacker, e.URL, email, password, nil); res.StatusCode != 429 {
		t.Fatalf("the hammering client: %d, want 429", res.StatusCode)
	}
}

// A login posted from another site is refused (login CSRF); a CSRF token
// in the query string is no token; the session cookie is Secure behind an
// https proxy.
func TestLoginCrossSiteAndCookies(t *testing.T) {
	e := servertest.Start(t)
	email := addHost(t, e)
	c := from("127.0.0.1")
	for _, h := range []map[string]string{
		{"Origin": "http://evil.example"},
		{"Origin": "null"},
		{"Sec-Fetch-Site": "cross-site"},
		{"Referer": "http://evil.example/page"},
	} {
		if res := login(t, c, e.URL, email, password, h); res.StatusCode != 403 || res.Header.Get("Set-Cookie") != "" {
			t.Errorf("login with %v: %d", h, res.StatusCode)
		}
	}
	if res := login(t, c, e.URL, email, password, map[string]string{"Origin": e.URL, "Sec-Fetch-Site": "same-origin"}); res.StatusCode != 303 {
		t.Fatalf("same-site login: %d", res.StatusCode)
	}

	h := e.NewHost(t, account.RoleCity, "", "")
	nf := *h.Client
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := nf.Post(e.URL+"/logout?_csrf="+url.QueryEscape(h.CSRF), "application/x-www-form-urlencoded", nil)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 403 {
		t.Fatalf("CSRF token in the query string: %d, want 403", res.StatusCode)
	}

	// Behind a trusted https proxy, the session cookie is Secure.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{BaseURL: "http://" + ln.Addr().String(), Log: slog.New(slog.DiscardHandler),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, Secret: servertest.TestSecret}, e.DB.Pool)
	if err != nil {
		t.Fatal(err)
	}
	srv.Start(context.Background())
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	res = login(t, c, "http://"+ln.Addr().String(), email, password, map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
	if ck := res.Header.Get("Set-Cookie"); res.StatusCode != 303 || !strings.Contains(ck, "secure") && !strings.Contains(ck, "Secure") {
		t.Fatalf("login over https: %d, cookie %q", res.StatusCode, ck)
	}
	res = login(t, c, "http://"+ln.Addr().String(), email, password, nil)
	if ck := res.Header.Get("Set-Cookie"); res.StatusCode != 303 || strings.Contains(strings.ToLower(ck), "secure") {
		t.Fatalf("login over http: %d, cookie %q", res.StatusCode, ck)
	}
}

// next= only ever leads to a path on this site.
func TestLoginNextStaysOnSite(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleCity, "", "")
	nf := *h.Client
	nf.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for next, want := range map[string]string{
		"/%09/evil.example":       "/host",
		"/\t/evil.example":        "/host",
		"//evil.example":          "/host",
		"/\\evil.example":         "/host",
		"/%5Cevil.example":        "/host",
		"/%2F/evil.example":       "/host",
		"https://evil.example/":   "/host",
		"javascript:alert(1)":     "/host",
		"/%0d%0aSet-Cookie:%20x=": "/host",
		"evil.example":            "/host",
		"/host/assemblies?x=1":    "/host/assemblies?x=1",
	} {
		res, err := nf.Get(e.URL + "/login?next=" + url.QueryEscape(next))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); res.StatusCode != 303 || loc != want {
			t.Errorf("next=%q: %d Location %q, want %q", next, res.StatusCode, loc, want)
		}
	}
}
