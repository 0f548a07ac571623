package result_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
)

// phoneVote opens a, adds the questions (text → rule) before it, casts the
// ballots through the API (agenda index per ballot, answers by question
// text) and closes the vote. Returns the questions' ids by text.
func phoneVote(t *testing.T, e *servertest.Env, h *servertest.Host, a *assembly.Assembly, gs []assembly.Agenda,
	questions [][2]string, ballots []map[string]string) map[string]string {
	t.Helper()
	path := func(s string) string { return fmt.Sprintf("/api/v1/assemblies/%d%s", a.ID, s) }
	ids := map[string]string{}
	for _, q := range questions {
		r := h.API(t, "POST", path("/questions"), map[string]any{"text": q[0], "rule": q[1]})
		if r.Status != 201 {
			t.Fatalf("question: %d %s", r.Status, r.Body)
		}
		var out struct{ ID string }
		r.JSON(t, &out)
		ids[q[0]] = out.ID
	}
	if r := h.API(t, "POST", path("/open"), nil); r.Status != 200 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	r := h.API(t, "POST", path("/codes"), map[string]any{"count": len(ballots), "channel": "onsite"})
	var codes struct{ Codes []struct{ Code string } }
	r.JSON(t, &codes)
	for i, b := range ballots {
		answers := map[string]string{}
		for text, ans := range b {
			answers[ids[text]] = ans
		}
		r := e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": a.Slug, "code": codes.Codes[i].Code,
			"choices": []string{gs[i%2].IDString()}, "answers": answers})
		if r.Status != 201 {
			t.Fatalf("ballot %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := h.API(t, "POST", path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	return ids
}

type questionsResult struct {
	Valid     bool
	Allocated int64
	Agendas   []struct {
		Selected bool
		Reason   string
	}
	Questions []struct {
		ID, Text, Rule   string
		Yes, No, Abstain int64
		Passed           bool
	}
	Turnout struct {
		Ballots        int64
		Residents      *int
		Percent        *float64
		MinimumPercent *float64 `json:"minimum_percent"`
		Met            bool
	}
}

// A turnout exactly at the minimum is met; one ballot fewer is invalid:
// nothing selected, the submission says so, and announcing needs an
// explicit confirmation. Questions: a two-thirds question at exactly two
// thirds passes, a majority question that fails is shown as failed and
// the ranking still stands; the running counts of the answers are checked
// against a recount before announcing.
func TestQuestionsAndTurnoutMinimum(t *testing.T) {
	e := servertest.StartK(t, 1)
	ctx := context.Background()
	valid, gsValid := e.Fixture(t, servertest.FixtureOptions{})
	invalid, gsInvalid := e.Fixture(t, servertest.FixtureOptions{Dong: "성산2동", District: "마포구"})
	for _, a := range []*assembly.Assembly{valid, invalid} {
		// 0.5 % of 2,000 residents: 10 ballots.
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE assemblies SET residents = 2000, min_turnout_percent = 0.5 WHERE id = $1`, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	h := e.NewHost(t, account.RoleDong, valid.District, valid.Dong)
	h2 := e.NewHost(t, account.RoleDong, invalid.District, invalid.Dong)
	const plan, change = "2027년 자치계획(안)에 찬성하십니까?", "마을계획 변경에 찬성하십니까?"
	var ballots []map[string]string
	// plan: 4 yes, 5 no, 1 abstain (fails); change: 6 yes, 3 no, 1 abstain
	// (6 of 9: exactly two thirds, passes).
	for i := range 10 {
		b := map[string]string{plan: "no", change: "yes"}
		if i < 4 {
			b[plan] = "yes"
		}
		if i == 9 {
			b[plan], b[change] = "abstain", "abstain"
		}
		if i >= 6 && i < 9 {
			b[change] = "no"
		}
		ballots = append(ballots, b)
	}
	phoneVote(t, e, h, valid, gsValid, [][2]string{{plan, "majority"}, {change, "two_thirds"}}, ballots)
	phoneVote(t, e, h2, invalid, gsInvalid, nil, make([]map[string]string, 9))

	results := func(a *assembly.Assembly, host *servertest.Host) (questionsResult, string) {
		r := host.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/results", a.ID), nil)
		var out questionsResult
		r.JSON(t, &out)
		return out, string(r.Body)
	}
	t.Run("exactly at the minimum: met, valid", func(t *testing.T) {
		r, body := results(valid, h)
		if !r.Valid || !r.Turnout.Met || r.Turnout.Ballots != 10 || r.Turnout.Residents == nil || *r.Turnout.Residents != 2000 ||
			r.Turnout.Percent == nil || *r.Turnout.Percent != 0.5 || r.Turnout.MinimumPercent == nil || *r.Turnout.MinimumPercent != 0.5 {
			t.Fatalf("%s", body)
		}
		if len(r.Questions) != 2 || r.Questions[0].Passed || r.Questions[0].Yes != 4 || r.Questions[0].No != 5 || r.Questions[0].Abstain != 1 ||
			!r.Questions[1].Passed || r.Questions[1].Yes != 6 || r.Questions[1].No != 3 {
			t.Fatalf("questions: %s", body)
		}
		if r.Allocated == 0 || !r.Agendas[0].Selected {
			t.Fatalf("a failed plan question took the ranking with it: %s", body)
		}
	})
	t.Run("announce refuses answers' running counts that disagree with a recount", func(t *testing.T) {
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE tally_questions SET yes = yes + 1 WHERE assembly_id = $1`, valid.ID); err != nil {
			t.Fatal(err)
		}
		r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", valid.ID), nil)
		if r.Status != 409 || !strings.Contains(string(r.Body), "재검표") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		if _, err := e.DB.Pool.Exec(ctx, `UPDATE tally_questions SET yes = yes - 1 WHERE assembly_id = $1`, valid.ID); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("a valid vote is announced without a confirmation", func(t *testing.T) {
		for _, q := range []string{`SELECT question_id, channel, yes, no, abstain FROM tally_questions WHERE assembly_id = $1`,
			`SELECT x.question_id, b.channel, count(*) FILTER (WHERE answer='yes'), count(*) FILTER (WHERE answer='no'), count(*) FILTER (WHERE answer='abstain') FROM ballot_answers x JOIN ballots b ON b.id = x.ballot_id WHERE x.assembly_id = $1 GROUP BY 1, 2`} {
			rows, _ := e.DB.Pool.Query(ctx, q, valid.ID)
			for rows.Next() {
				vals, _ := rows.Values()
				t.Log(vals...)
			}
			rows.Close()
		}
		r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", valid.ID), nil)
		if r.Status != 200 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		p := e.Do(t, "GET", "/r/"+valid.Slug, "", nil)
		body := string(p.Body)
		if p.Status != 200 || !strings.Contains(body, plan) || !strings.Contains(body, "부결") || !strings.Contains(body, "가결") ||
			!strings.Contains(body, `id="turnout-met"`) {
			t.Fatalf("results page: %d %s", p.Status, body)
		}
		pb := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/ballots.pb", valid.ID), "", nil)
		if pb.Status != 200 || !strings.Contains(string(pb.Body), "carries only the agenda vote") {
			t.Fatalf("pabulib: %d %s", pb.Status, pb.Body)
		}
		sub := h.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.json", valid.ID), nil)
		if !strings.Contains(string(sub.Body), "부결 (찬성 4 · 반대 5 · 기권 1") || strings.Contains(string(sub.Body), `"invalid"`) {
			t.Fatalf("submission: %s", sub.Body)
		}
		csv := h.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.csv", valid.ID), nil)
		if !strings.Contains(string(csv.Body), "가결 (찬성 6 · 반대 3 · 기권 1") {
			t.Fatalf("csv: %s", csv.Body)
		}
	})
	t.Run("one ballot short: invalid, nothing selected", func(t *testing.T) {
		r, body := results(invalid, h2)
		if r.Valid || r.Turnout.Met || r.Turnout.Ballots != 9 || r.Allocated != 0 {
			t.Fatalf("%s", body)
		}
		for _, g := range r.Agendas {
			if g.Selected || g.Reason != "invalid" {
				t.Fatalf("an invalid vote selected: %s", body)
			}
		}
		page := h2.Get(t, fmt.Sprintf("/host/assemblies/%d/results", invalid.ID))
		if !strings.Contains(string(page.Body), "무효 — 투표율 미달") || !strings.Contains(string(page.Body), `name="confirm_invalid"`) {
			t.Fatalf("host page: %s", page.Body)
		}
		sub := h2.API(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/submission.json", invalid.ID), nil)
		if !strings.Contains(string(sub.Body), `"invalid":"무효 — 투표율 미달: 투표 9표 / 주민 2,000명 = 0.45% (최소 0.5%)`) {
			t.Fatalf("submission: %s", sub.Body)
		}
	})
	t.Run("announcing an invalid vote needs the confirmation", func(t *testing.T) {
		path := fmt.Sprintf("/api/v1/assemblies/%d/announce", invalid.ID)
		r := h2.API(t, "POST", path, nil)
		if r.Status != 409 || !strings.Contains(string(r.Body), "무효") {
			t.Fatalf("no body: %d %s", r.Status, r.Body)
		}
		if r := h2.API(t, "POST", path, map[string]any{"confirm": false}); r.Status != 409 {
			t.Fatalf("confirm false: %d %s", r.Status, r.Body)
		}
		form := h2.PostForm(t, fmt.Sprintf("/host/assemblies/%d/announce", invalid.ID), url.Values{"confirm": {"yes"}})
		if form.Status != 409 {
			t.Fatalf("the page's form without the invalid-vote checkbox: %d %s", form.Status, form.Body)
		}
		r = h2.API(t, "POST", path, map[string]any{"confirm": true})
		if r.Status != 200 {
			t.Fatalf("confirmed: %d %s", r.Status, r.Body)
		}
		res, body := results(invalid, h2)
		if res.Valid || res.Allocated != 0 {
			t.Fatalf("announced: %s", body)
		}
		p := e.Do(t, "GET", "/r/"+invalid.Slug, "", nil)
		if !strings.Contains(string(p.Body), `id="invalid-vote"`) {
			t.Fatalf("public page: %s", p.Body)
		}
	})
}
