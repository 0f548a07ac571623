package assembly_test

import (
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// TestNoExistenceOracle: a draft assembly answers everyone who may not see
// it exactly as an assembly that does not exist — same status, same body
// once the request id and the slug are blanked — on the public pages.
// (Still differing, not fixed here: /p/{slug} answers a draft 303, the tally
// 401/403, the results "after the announcement", and a host of another dong
// asking for a draft by id gets 403 — host_test.go asserts that 403 today.)
func TestNoExistenceOracle(t *testing.T) {
	e := servertest.Start(t)
	draft, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateDraft})
	const unknownSlug, unknownID = "no-such-assembly-x", int64(987654321)
	noise := regexp.MustCompile(`(?i)("request_id":"[^"]*"|request id[^<"]*|[0-9a-f]{16,}|` +
		regexp.QuoteMeta(draft.Slug) + `|` + unknownSlug + `|` + fmt.Sprint(draft.ID) + `|` + fmt.Sprint(unknownID) + `|nonce-[^"]*|nonce="[^"]*")`)
	get := func(c *http.Client, token, path string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("GET", e.URL+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b := make([]byte, 1<<20)
		n, _ := res.Body.Read(b)
		for n < len(b) {
			m, err := res.Body.Read(b[n:])
			n += m
			if err != nil {
				break
			}
		}
		return res.StatusCode, noise.ReplaceAllString(string(b[:n]), "_")
	}
	other := e.NewHost(t, account.RoleDong, "마포구", "망원1동")
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	cases := []struct {
		who    string
		client *http.Client
		token  string
		path   string // %s is the slug or the id
		byID   bool
	}{
		{"resident", anon, "", "/a/%s", false},
		{"resident", anon, "", "/a/%s/notice", false},
		{"resident", anon, "", "/v/%s", false},
		{"resident", anon, "", "/r/%s", false},
		{"resident", anon, "", "/p/%s", false},
		{"resident", anon, "", "/api/v1/assemblies/%s/tally", true},
		{"resident", anon, "", "/api/v1/assemblies/%s/results", true},
		{"another dong's host", anon, other.Token, "/api/v1/assemblies/%s", true},
		{"another dong's host", anon, other.Token, "/api/v1/assemblies/%s/tally", true},
		{"another dong's host", anon, other.Token, "/api/v1/assemblies/%s/results", true},
	}
	for _, c := range cases {
		known, unknown := draft.Slug, unknownSlug
		if c.byID {
			known, unknown = fmt.Sprint(draft.ID), fmt.Sprint(unknownID)
		}
		t.Run(c.who+" "+c.path, func(t *testing.T) {
			s1, b1 := get(c.client, c.token, fmt.Sprintf(c.path, known))
			s2, b2 := get(c.client, c.token, fmt.Sprintf(c.path, unknown))
			if s1 != s2 || b1 != b2 {
				t.Errorf("draft answers %d, unknown %d\ndraft:   %.300s\nunknown: %.300s", s1, s2, b1, b2)
			}
			if s1 != 404 {
				t.Errorf("status %d, want 404", s1)
			}
		})
	}
}
