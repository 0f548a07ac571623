package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"maeul/database/dbtest"
	"maeul/limit"
	"maeul/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

func TestHouse(t *testing.T) {
	e := servertest.Start(t)

	t.Run("healthz", func(t *testing.T) {
		r := e.Do(t, "GET", "/healthz", "", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"ok"`) {
			t.Fatalf("healthz: %d %s", r.Status, r.Body)
		}
	})
	t.Run("request id on every answer", func(t *testing.T) {
		r := e.Do(t, "GET", "/no/such/page", "", nil)
		rid := r.Header.Get("X-Request-Id")
		if r.Status != 404 || rid == "" {
			t.Fatalf("status %d, request id %q", r.Status, rid)
		}
		if !strings.Contains(string(r.Body), rid) {
			t.Fatal("the error page does not show the request id")
		}
		if !strings.Contains(e.Logs.String(), "rid="+rid) {
			t.Fatal("the log has no line with the request id")
		}
	})
	t.Run("api errors are JSON with a code", func(t *testing.T) {
		r := e.Do(t, "GET", "/api/v1/nothing", "", nil)
		if r.Status != 404 || r.ErrorCode() != "not_found" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("bad bearer token is 401", func(t *testing.T) {
		r := e.Do(t, "GET", "/api/v1/nothing", "mt_wrong", nil)
		if r.Status != 401 || r.ErrorCode() != "unauthorized" {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("english with lang=en", func(t *testing.T) {
		r := e.Do(t, "GET", "/api/v1/nothing?lang=en", "", nil)
		if !strings.Contains(string(r.Body), "Not found") {
			t.Fatalf("%s", r.Body)
		}
		r = e.Do(t, "GET", "/api/v1/nothing", "", nil)
		if !strings.Contains(string(r.Body), "없습니다") {
			t.Fatalf("Korean is not the default: %s", r.Body)
		}
	})
	t.Run("metrics", func(t *testing.T) {
		r := e.Do(t, "GET", "/metrics", "", nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), "maeul_http_requests_total{") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("static assets are content-hashed and cached", func(t *testing.T) {
		url := e.Server.Env.Assets.URL("css/app.css")
		r := e.Do(t, "GET", url, "", nil)
		if r.Status != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Fatalf("%s: %d %v", url, r.Status, r.Header)
		}
	})
}

func TestLoginAndCSRF(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")

	t.Run("session cookie flags", func(t *testing.T) {
		noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		res, err := noFollow.PostForm(e.URL+"/login", url.Values{"email": {h.Email}, "password": {"correct horse battery"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 303 {
			t.Fatalf("login answered %d, not a redirect", res.StatusCode)
		}
		var found bool
		for _, c := range res.Cookies() {
			if c.Name == "maeul_session" {
				found = true
				if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
					t.Fatalf("cookie flags: %+v", c)
				}
			}
		}
		if !found {
			t.Fatal("no session cookie after login")
		}
	})
	t.Run("wrong password is refused", func(t *testing.T) {
		res, err := http.PostForm(e.URL+"/login", url.Values{"email": {h.Email}, "password": {"wrong password!"}})
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != 401 {
			t.Fatalf("status %d", res.StatusCode)
		}
	})
	t.Run("post without csrf token is refused", func(t *testing.T) {
		r := h.PostForm(t, "/logout", url.Values{"_csrf": {"forged"}})
		if r.Status != 403 {
			t.Fatalf("forged CSRF token: status %d", r.Status)
		}
		r = h.PostForm(t, "/logout", url.Values{})
		if r.Status != 303 {
			t.Fatalf("logout with the right token: status %d", r.Status)
		}
	})
	t.Run("login attempts are rate limited", func(t *testing.T) {
		defer limit.SetWindowForTest(time.Hour, time.Now())() // the 12 attempts fall in one counting window, however slow bcrypt is
		var last *http.Response
		for i := 0; i < 12; i++ {
			res, err := http.PostForm(e.URL+"/login", url.Values{"email": {"nobody@example.kr"}, "password": {fmt.Sprint("guess", i)}})
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			last = res
		}
		if last.StatusCode != 429 || last.Header.Get("Retry-After") == "" {
			t.Fatalf("12th attempt: status %d, Retry-After %q", last.StatusCode, last.Header.Get("Retry-After"))
		}
	})
}

// TestDatabaseOutage cuts the service off from its database and checks that
// it answers 503 with a log line, and recovers by itself afterwards.
func TestDatabaseOutage(t *testing.T) {
	e := servertest.Start(t)
	admin := dbtest.MustOpenDB(t) // another database on the same server, to steer from
	ctx := context.Background()
	exec := func(sql string) {
		t.Helper()
		if _, err := admin.Pool.Exec(ctx, sql); err != nil {
			t.Fatal(err)
		}
	}
	exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS false`, e.DB.Name))
	exec(fmt.Sprintf(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '%s'`, e.DB.Name))
	r := e.Do(t, "GET", "/healthz", "", nil)
	if r.Status != 503 {
		t.Fatalf("healthz during the outage: %d %s", r.Status, r.Body)
	}
	if !strings.Contains(e.Logs.String(), "database does not answer") {
		t.Fatal("no log line for the outage")
	}
	exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS true`, e.DB.Name))
	deadline := time.Now().Add(10 * time.Second)
	for {
		r = e.Do(t, "GET", "/healthz", "", nil)
		if r.Status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the service did not recover: %d %s", r.Status, r.Body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
