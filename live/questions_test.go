package live_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"maeul/account"
	"maeul/server/servertest"
)

// The projector's turnout meter toward the minimum and its questions:
// sealed like the rest while the vote is open (the tally carries no
// question counts, the page says they come after the count), shown once
// closed.
func TestProjectorQuestionsAndTurnoutMeter(t *testing.T) {
	e := servertest.StartK(t, 1)
	a, gs := e.Fixture(t, servertest.FixtureOptions{Sealed: true})
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET residents = 200, min_turnout_percent = 5 WHERE id = $1`, a.ID); err != nil {
		t.Fatal(err)
	}
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	path := func(s string) string { return fmt.Sprintf("/api/v1/assemblies/%d%s", a.ID, s) }
	r := host.API(t, "POST", path("/questions"), map[string]any{"text": "자치계획(안)에 찬성하십니까?", "rule": "majority"})
	var q struct{ ID string }
	r.JSON(t, &q)
	if r := host.API(t, "POST", path("/open"), nil); r.Status != 200 {
		t.Fatalf("open: %d", r.Status)
	}
	r = host.API(t, "POST", path("/codes"), map[string]any{"count": 2, "channel": "onsite"})
	var codes struct{ Codes []struct{ Code string } }
	r.JSON(t, &codes)
	for _, c := range codes.Codes {
		r := e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": c.Code,
			"choices": []string{gs[0].IDString()}, "answers": map[string]string{q.ID: "yes"}})
		if r.Status != 201 {
			t.Fatalf("ballot: %d %s", r.Status, r.Body)
		}
	}
	tally := host.API(t, "GET", path("/tally"), nil)
	body := string(tally.Body)
	if !strings.Contains(body, `"questions":[{"id":"`+q.ID+`"`) || strings.Contains(body, `"yes"`) || strings.Contains(body, `"passed"`) ||
		!strings.Contains(body, `"turnout":{"ballots":2,"residents":200,"percent":1,"minimum_percent":5,"met":false}`) {
		t.Fatalf("sealed tally: %s", body)
	}
	page := string(host.Get(t, "/p/"+a.Slug).Body)
	for _, want := range []string{`id="turnout-min"`, "최소 투표율 5%", "2표 / 필요 10표 — 8표 더", "자치계획(안)에 찬성하십니까?", "개표 전에는 공개하지 않습니다"} {
		if !strings.Contains(page, want) {
			t.Fatalf("sealed projector: no %q in %s", want, page)
		}
	}
	if strings.Contains(page, "찬성 2") {
		t.Fatal("the sealed projector shows the answers")
	}
	if r := host.API(t, "POST", path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d", r.Status)
	}
	tally = host.API(t, "GET", path("/tally"), nil)
	if !strings.Contains(string(tally.Body), `"yes":2,"no":0,"abstain":0,"passed":true`) {
		t.Fatalf("closed tally: %s", tally.Body)
	}
	page = string(host.Get(t, "/p/"+a.Slug).Body)
	if !strings.Contains(page, "찬성 2 · 반대 0 · 기권 0") {
		t.Fatalf("closed projector: %s", page)
	}
}
