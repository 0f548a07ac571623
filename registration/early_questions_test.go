package registration_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"maeul/server/servertest"
)

// An early booth's ballot answers the assembly's questions like any other:
// the mixer moves it with its answers into the running counts (the early
// channel included), and the close's recount agrees.
func TestEarlyBallotsCarryAnswers(t *testing.T) {
	e := servertest.StartK(t, 1)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	now := time.Now()
	a := eligibleAssembly(t, e, now.Add(24*time.Hour))
	ctx := context.Background()
	var agenda string
	if err := e.DB.Pool.QueryRow(ctx, `SELECT id::text FROM agendas WHERE assembly_id = $1 ORDER BY number LIMIT 1`, a.ID).Scan(&agenda); err != nil {
		t.Fatal(err)
	}
	r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/questions", a.ID), map[string]any{"text": "자치계획에 찬성합니까?", "rule": "majority"})
	if r.Status != 201 {
		t.Fatalf("question: %d %s", r.Status, r.Body)
	}
	var q struct{ ID string }
	r.JSON(t, &q)
	r = h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/booths", a.ID), map[string]any{"place": "주민센터",
		"starts_at": now.Add(-time.Hour).Format(time.RFC3339), "ends_at": now.Add(time.Hour).Format(time.RFC3339)})
	if r.Status != 201 {
		t.Fatalf("booth: %d %s", r.Status, r.Body)
	}
	var booth struct{ ID string }
	r.JSON(t, &booth)
	var codes []string
	for i := 0; i < 3; i++ {
		p := person(fmt.Sprintf("사전%d", i), "1950-01-01", "resident", "early")
		p["booth"] = booth.ID
		r := h.API(t, "POST", regPath(a), p)
		if r.Status != 201 {
			t.Fatalf("register: %d %s", r.Status, r.Body)
		}
		var got struct{ Code string }
		r.JSON(t, &got)
		codes = append(codes, got.Code)
	}
	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/open", a.ID), nil); r.Status != 200 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	for i, code := range codes {
		answer := map[bool]string{true: "yes", false: "no"}[i < 2]
		r := e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": code, "choices": []string{agenda},
			"answers": map[string]string{q.ID: answer}, "nonce": code})
		if r.Status != 201 {
			t.Fatalf("early ballot %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/close", a.ID), nil); r.Status != 200 {
		t.Fatalf("close (mixes the rest and checks the counts): %d %s", r.Status, r.Body)
	}
	var yes, no int64
	if err := e.DB.Pool.QueryRow(ctx, `SELECT coalesce(sum(yes), 0), coalesce(sum(no), 0) FROM tally_questions WHERE assembly_id = $1`, a.ID).Scan(&yes, &no); err != nil {
		t.Fatal(err)
	}
	if yes != 2 || no != 1 {
		t.Errorf("running counts of the early ballots' answers: yes %d no %d, want 2 and 1", yes, no)
	}
}
