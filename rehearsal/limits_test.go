package rehearsal_test

import (
	"strings"
	"testing"
	"time"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// TestRehearsalLimits: one rehearsal per assembly at a time, none while its
// real vote is open, and at most two at once in the service; each refusal
// is a 409 saying why in Korean.
func TestRehearsalLimits(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a1, _ := e.Fixture(t, servertest.FixtureOptions{})
	a2, _ := e.Fixture(t, servertest.FixtureOptions{})
	a3, _ := e.Fixture(t, servertest.FixtureOptions{})
	open, _ := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	start := func(slug string) (int, string) {
		r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": slug, "phones": 1, "minutes": 0.5})
		return r.Status, string(r.Body)
	}
	if st, body := start(open.Slug); st != 409 || !strings.Contains(body, "실제 투표가 진행 중") {
		t.Errorf("rehearsal while the real vote is open: %d %s", st, body)
	}
	if st, body := start(a1.Slug); st != 201 {
		t.Fatalf("first rehearsal: %d %s", st, body)
	}
	if st, body := start(a1.Slug); st != 409 || !strings.Contains(body, "이미 진행 중") {
		t.Errorf("second rehearsal of the same assembly: %d %s", st, body)
	}
	if st, body := start(a2.Slug); st != 201 {
		t.Fatalf("rehearsal of another assembly: %d %s", st, body)
	}
	if st, body := start(a3.Slug); st != 409 || !strings.Contains(body, "2개 진행 중") {
		t.Errorf("third rehearsal at once: %d %s", st, body)
	}
	e.Server.Close()
}

// The limits hold across instances: a rehearsal copy made by another
// instance on the same database counts here too.
func TestRehearsalLimitsAcrossInstances(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	a1, _ := e.Fixture(t, servertest.FixtureOptions{})
	a2, _ := e.Fixture(t, servertest.FixtureOptions{})
	a3, _ := e.Fixture(t, servertest.FixtureOptions{})
	// Another instance is rehearsing a1 (its copy is in the database).
	if _, err := assembly.CopyForRehearsal(t.Context(), e.DB.Pool, a1.ID, time.Minute, h.User.ID); err != nil {
		t.Fatal(err)
	}
	start := func(slug string) (int, string) {
		r := h.API(t, "POST", "/api/v1/rehearsals", map[string]any{"assembly": slug, "phones": 1, "minutes": 0.5})
		return r.Status, string(r.Body)
	}
	if st, body := start(a1.Slug); st != 409 || !strings.Contains(body, "이미 진행 중") {
		t.Errorf("a rehearsal of an assembly another instance rehearses: %d %s", st, body)
	}
	if st, body := start(a2.Slug); st != 201 {
		t.Fatalf("rehearsal of another assembly: %d %s", st, body)
	}
	if st, body := start(a3.Slug); st != 409 || !strings.Contains(body, "2개 진행 중") {
		t.Errorf("a third rehearsal in the service (one on another instance): %d %s", st, body)
	}
	e.Server.Close()
}
