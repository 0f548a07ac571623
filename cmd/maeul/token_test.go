package main

import (
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"maeul/database/dbtest"
	"maeul/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// The real binary creates a token (alone on its output), lists it and
// revokes it; a revoked or expired token answers 401; a host sees and
// revokes their own tokens on /host/tokens, never another's.
func TestTokenLifecycle(t *testing.T) {
	e := servertest.Start(t)
	bin := servertest.Binary(t)
	run := func(args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "DATABASE_URL="+e.DB.DSN)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("maeul %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	const email = "tokens@example.kr"
	run("user", "add", "--email", email, "--password", "correct horse battery", "--role", "city")
	// The service hashes passwords at bcrypt's default cost (tests' hosts
	// use a cheaper one; the binary never does).
	var hash string
	if err := e.DB.Pool.QueryRow(t.Context(), `SELECT password_hash FROM users WHERE email = $1`, email).Scan(&hash); err != nil {
		t.Fatal(err)
	}
	if cost, err := bcrypt.Cost([]byte(hash)); err != nil || cost < bcrypt.DefaultCost {
		t.Errorf("maeul user add hashed at cost %d (%v), want ≥ %d", cost, err, bcrypt.DefaultCost)
	}
	out := run("token", "create", "--email", email, "--days", "30")
	tok := strings.TrimSpace(out)
	if !regexp.MustCompile(`^mt_[A-Za-z0-9_-]{43}$`).MatchString(tok) {
		t.Fatalf("token create printed %q, want the token alone", out)
	}
	api := func(tok string) int {
		return e.Do(t, "GET", "/api/v1/assemblies", tok, nil).Status
	}
	if s := api(tok); s != 200 {
		t.Fatalf("new token: %d", s)
	}
	forever := strings.TrimSpace(run("token", "create", "--email", email, "--days", "0"))
	list := run("token", "list", "--email", email)
	if strings.Count(list, "active") != 2 || !strings.Contains(list, "never") || strings.Contains(list, tok) {
		t.Fatalf("token list:\n%s", list)
	}
	id := regexp.MustCompile(`(?m)^(\d+)\s`).FindAllStringSubmatch(list, -1)
	if len(id) != 2 {
		t.Fatalf("ids in\n%s", list)
	}
	// The list is newest first: the second row is the 30-day token.
	run("token", "revoke", "--id", id[1][1])
	if s := api(tok); s != 401 {
		t.Fatalf("revoked token: %d, want 401", s)
	}
	if !strings.Contains(run("token", "list", "--email", email), "revoked") {
		t.Fatal("list does not say revoked")
	}
	if s := api(forever); s != 200 {
		t.Fatalf("never-expiring token: %d", s)
	}
	if _, err := e.DB.Pool.Exec(t.Context(), `UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, id[0][1]); err != nil {
		t.Fatal(err)
	}
	if s := api(forever); s != 401 {
		t.Fatalf("expired token: %d, want 401", s)
	}

	// The host's page.
	h := e.NewHost(t, "city", "", "")
	other := e.NewHost(t, "city", "", "")
	p := h.Get(t, "/host/tokens")
	rowID := regexp.MustCompile(`id="token-(\d+)"`).FindStringSubmatch(string(p.Body))
	if p.Status != 200 || rowID == nil || !strings.Contains(string(p.Body), "/host/tokens/"+rowID[1]+"/revoke") {
		t.Fatalf("tokens page: %d %s", p.Status, p.Body)
	}
	if home := h.Get(t, "/host"); !strings.Contains(string(home.Body), `href="/host/tokens"`) {
		t.Fatal("/host does not link to the tokens page")
	}
	if r := other.PostForm(t, "/host/tokens/"+rowID[1]+"/revoke", url.Values{}); r.Status != 404 {
		t.Fatalf("another host revoked it: %d", r.Status)
	}
	if r := h.PostForm(t, "/host/tokens/"+rowID[1]+"/revoke", url.Values{"_csrf": {"forged"}}); r.Status != 403 {
		t.Fatalf("revoke without the CSRF token: %d", r.Status)
	}
	if s := api(h.Token); s != 200 {
		t.Fatalf("token before revoking: %d", s)
	}
	if r := h.PostForm(t, "/host/tokens/"+rowID[1]+"/revoke", url.Values{}); r.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d %s", r.Status, r.Body)
	}
	if s := api(h.Token); s != 401 {
		t.Fatalf("token revoked on the page: %d, want 401", s)
	}
	if s := api(other.Token); s != 200 {
		t.Fatalf("another host's token: %d", s)
	}
}
