package voting_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"maeul/account"
	"maeul/server/servertest"
	"maeul/voting"
)

// addQuestion adds a question through the API and returns its id.
func (v *vote) addQuestion(t *testing.T, text, rule string) string {
	t.Helper()
	r := v.host.API(t, "POST", v.path("/questions"), map[string]any{"text": text, "rule": rule})
	if r.Status != 201 {
		t.Fatalf("add question: %d %s", r.Status, r.Body)
	}
	var out struct{ ID string }
	r.JSON(t, &out)
	if out.ID == "" {
		t.Fatalf("no id: %s", r.Body)
	}
	return out.ID
}

func (v *vote) answered(t *testing.T, code, nonce string, choices []string, answers map[string]string) *servertest.Response {
	t.Helper()
	return v.e.Do(t, "POST", "/api/v1/ballots", "", map[string]any{"assembly": v.a.Slug, "code": code,
		"choices": choices, "nonce": nonce, "answers": answers})
}

func startK1(t *testing.T, o servertest.FixtureOptions) *vote {
	t.Helper()
	e := servertest.StartK(t, 1)
	a, gs := e.Fixture(t, o)
	return &vote{e: e, a: a, agendas: gs, host: e.NewHost(t, account.RoleDong, a.District, a.Dong)}
}

// Questions beside the agenda vote, through the API: added while
// published, frozen once open; a ballot must answer every question (and
// nothing else) or nothing is consumed; answers are counted in the tally
// once mixed, a paper ballot carries them too.
func TestQuestionsThroughTheAPI(t *testing.T) {
	v := startK1(t, servertest.FixtureOptions{Sealed: false})
	plan := v.addQuestion(t, "2027년 자치계획(안)에 찬성하십니까?", "majority")
	thirds := v.addQuestion(t, "마을계획 변경에 찬성하십니까?", "two_thirds")
	t.Run("bad questions are refused with the field", func(t *testing.T) {
		for _, body := range []map[string]any{{"text": " ", "rule": "majority"}, {"text": "x", "rule": "unanimous"}} {
			r := v.host.API(t, "POST", v.path("/questions"), body)
			if r.Status != 422 {
				t.Fatalf("%v: %d %s", body, r.Status, r.Body)
			}
		}
		other := v.e.NewHost(t, account.RoleDong, v.a.District, "다른동")
		if r := other.API(t, "POST", v.path("/questions"), map[string]any{"text": "x"}); r.Status != 403 {
			t.Fatalf("another dong: %d", r.Status)
		}
	})
	t.Run("a question can be deleted before voting opens", func(t *testing.T) {
		id := v.addQuestion(t, "지울 안건", "majority")
		if r := v.host.API(t, "DELETE", v.path("/questions/"+id), nil); r.Status != 204 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out struct{ Questions []map[string]string }
		v.host.API(t, "GET", v.path("/questions"), nil).JSON(t, &out)
		if len(out.Questions) != 2 || out.Questions[0]["id"] != plan || out.Questions[1]["rule"] != "two_thirds" {
			t.Fatalf("%v", out.Questions)
		}
	})
	v.open(t)
	t.Run("409 once voting opened, also in the database", func(t *testing.T) {
		if r := v.host.API(t, "POST", v.path("/questions"), map[string]any{"text": "늦은 안건", "rule": "majority"}); r.Status != 409 {
			t.Fatalf("add: %d %s", r.Status, r.Body)
		}
		if r := v.host.API(t, "DELETE", v.path("/questions/"+plan), nil); r.Status != 409 {
			t.Fatalf("delete: %d %s", r.Status, r.Body)
		}
		if _, err := v.e.DB.Pool.Exec(context.Background(), `INSERT INTO questions (assembly_id, text, rule) VALUES ($1, 'x', 'majority')`, v.a.ID); err == nil ||
			!strings.Contains(err.Error(), "frozen") {
			t.Fatalf("the trigger let a question in: %v", err)
		}
	})
	codes := v.codes(t, 8, "onsite")
	t.Run("missing, unknown or bad answers: 422, nothing consumed", func(t *testing.T) {
		for name, ans := range map[string]map[string]string{
			"none":    nil,
			"missing": {plan: "yes"},
			"unknown": {plan: "yes", thirds: "no", "999999": "yes"},
			"bad":     {plan: "yes", thirds: "maybe"},
		} {
			r := v.answered(t, codes[0].Code, "n-"+name, v.ids(0), ans)
			if r.Status != 422 {
				t.Fatalf("%s: %d %s", name, r.Status, r.Body)
			}
		}
		if n := v.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, v.a.ID); n != 0 {
			t.Fatalf("%d codes consumed", n)
		}
	})
	// Six phones: the plan 3 yes, 3 no (majority fails); the change 4 yes,
	// 2 no: exactly two thirds (passes).
	answers := []map[string]string{
		{plan: "yes", thirds: "yes"}, {plan: "yes", thirds: "yes"}, {plan: "yes", thirds: "yes"},
		{plan: "no", thirds: "yes"}, {plan: "no", thirds: "no"}, {plan: "no", thirds: "no"},
	}
	for i, ans := range answers {
		if r := v.answered(t, codes[i].Code, "ok", v.ids(i%3), ans); r.Status != 201 {
			t.Fatalf("ballot %d: %d %s", i, r.Status, r.Body)
		}
	}
	t.Run("the same code and nonce with other answers: the first ballot stands", func(t *testing.T) {
		r := v.answered(t, codes[0].Code, "ok", v.ids(0), map[string]string{plan: "no", thirds: "yes"})
		if r.Status != 409 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("paper ballots carry answers", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": []any{v.ids(1)}})
		if r.Status != 422 {
			t.Fatalf("a paper ballot without answers: %d %s", r.Status, r.Body)
		}
		r = v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": []any{
			map[string]any{"choices": v.ids(1), "answers": map[string]string{plan: "abstain", thirds: "abstain"}}}})
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out struct{ Ballots []string }
		r.JSON(t, &out)
		// A correction of the numbers keeps the answers; with answers it
		// replaces them.
		if r := v.host.API(t, "POST", v.path("/paper/"+out.Ballots[0]+"/correct"), map[string]any{"choices": v.ids(2)}); r.Status != 200 {
			t.Fatalf("correct: %d %s", r.Status, r.Body)
		}
		if n := v.count(t, `SELECT count(*) FROM ballot_answers WHERE ballot_id = $1 AND answer = 'abstain'`, out.Ballots[0]); n != 2 {
			t.Fatalf("answers after a correction of the numbers: %d", n)
		}
	})
	var tally struct {
		Questions []struct {
			ID               string
			Yes, No, Abstain *int64
			Passed           *bool
		}
		Turnout struct {
			Ballots int64
			Met     bool
		}
	}
	// The mixer (k = 1) runs beside the requests: wait until it has moved
	// every phone ballot before reading the counts.
	for deadline := time.Now().Add(30 * time.Second); v.count(t, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`, v.a.ID) > 0; {
		if time.Now().After(deadline) {
			t.Fatal("ballots still waiting to be mixed after 30 s")
		}
		time.Sleep(20 * time.Millisecond)
	}
	r := v.host.API(t, "GET", v.path("/tally"), nil)
	r.JSON(t, &tally)
	if len(tally.Questions) != 2 || tally.Questions[0].Yes == nil {
		t.Fatalf("tally: %s", r.Body)
	}
	q0, q1 := tally.Questions[0], tally.Questions[1]
	if *q0.Yes != 3 || *q0.No != 3 || *q0.Abstain != 1 || *q0.Passed || *q1.Yes != 4 || *q1.No != 2 || !*q1.Passed {
		t.Fatalf("tally: %s", r.Body)
	}
	if tally.Turnout.Ballots != 7 || !tally.Turnout.Met {
		t.Fatalf("turnout: %s", r.Body)
	}
	a := *v.a
	run, err := voting.RunningCounts(context.Background(), v.e.DB.Pool, &a)
	if err != nil {
		t.Fatal(err)
	}
	full, err := voting.CountBallots(context.Background(), v.e.DB.Pool, &a)
	if err != nil {
		t.Fatal(err)
	}
	if !run.SameChoices(full) {
		t.Fatalf("running %v, recount %v", run.Questions, full.Questions)
	}
}

// The answers travel inside the sealed pending ballot: nothing in the
// database shows them before the mixer stores the ballot (with k = 10,
// three ballots wait), and the close stores them with their ballots.
func TestAnswersTravelSealed(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, false)
	q := v.addQuestion(t, "자치계획(안)에 찬성하십니까?", "majority")
	v.open(t)
	codes := v.codes(t, 3, "onsite")
	for i, c := range codes {
		if r := v.answered(t, c.Code, "n", v.ids(i), map[string]string{q: "yes"}); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	}
	if n := v.count(t, `SELECT count(*) FROM ballot_answers WHERE assembly_id = $1`, v.a.ID); n != 0 {
		t.Fatalf("%d answers stored before the mix", n)
	}
	if n := v.count(t, `SELECT count(*) FROM tally_questions WHERE assembly_id = $1`, v.a.ID); n != 0 {
		t.Fatalf("%d running counts before the mix", n)
	}
	if n := v.count(t, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1 AND position('yes' in encode(sealed, 'escape')) > 0`, v.a.ID); n != 0 {
		t.Fatalf("%d sealed ballots show an answer", n)
	}
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if n := v.count(t, `SELECT count(*) FROM ballot_answers x JOIN ballots b ON b.id = x.ballot_id WHERE x.assembly_id = $1 AND x.answer = 'yes'`, v.a.ID); n != 3 {
		t.Fatalf("%d answers stored with their ballots after the close", n)
	}
	if n := v.count(t, `SELECT yes FROM tally_questions WHERE assembly_id = $1`, v.a.ID); n != 3 {
		t.Fatalf("running count %d", n)
	}
	// The frozen questions still go with their assembly (a rehearsal copy
	// is deleted so).
	if _, err := v.e.DB.Pool.Exec(context.Background(), `DELETE FROM assemblies WHERE id = $1`, v.a.ID); err != nil {
		t.Fatalf("deleting a closed assembly with questions: %v", err)
	}
}

// "Exactly 3": the page says so, fewer are refused (API 422; without
// JavaScript the form comes back with the message), for approval and
// ranked; the questions are on the same page and travel to the confirm
// step and the ballot.
func TestExactChoicesAndQuestionsOnTheBallotPage(t *testing.T) {
	for _, method := range []string{"approval", "ranked"} {
		t.Run(method, func(t *testing.T) {
			v := setup(t, servertest.FixtureOptions{Method: method, MaxChoices: 3}, false)
			if _, err := v.e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET min_choices = 3 WHERE id = $1`, v.a.ID); err != nil {
				t.Fatal(err)
			}
			q := v.addQuestion(t, "자치계획(안)에 찬성하십니까?", "majority")
			v.open(t)
			codes := v.codes(t, 2, "onsite")
			r := v.answered(t, codes[1].Code, "n", v.ids(0, 1), map[string]string{q: "yes"})
			if r.Status != 422 || !strings.Contains(string(r.Body), "정확히 3개") {
				t.Fatalf("two of exactly three: %d %s", r.Status, r.Body)
			}
			base := v.e.URL + "/v/" + v.a.Slug
			p := get(t, codes[0].URL)
			if p.status != 200 || !strings.Contains(p.body, "3개를 고르세요") || !strings.Contains(p.body, "자치계획(안)에 찬성하십니까?") ||
				!strings.Contains(p.body, `name="answer_`+q+`" value="abstain"`) {
				t.Fatalf("choose step: %d %s", p.status, p.body)
			}
			nonce := nonceRe.FindStringSubmatch(p.body)[1]
			form := url.Values{"code": {codes[0].Code}, "nonce": {nonce}}
			if method == "ranked" {
				form.Set("rank_"+v.agendas[0].IDString(), "1")
				form.Set("rank_"+v.agendas[2].IDString(), "2")
			} else {
				form["choice"] = v.ids(0, 2)
			}
			p = postForm(t, base+"/confirm", form)
			if p.status != 422 || !strings.Contains(p.body, "정확히 3개") {
				t.Fatalf("two chosen, no JavaScript: %d %s", p.status, p.body)
			}
			if method == "ranked" {
				form.Set("rank_"+v.agendas[4].IDString(), "3")
			} else {
				form["choice"] = v.ids(0, 2, 4)
			}
			p = postForm(t, base+"/confirm", form)
			if p.status != 422 || !strings.Contains(p.body, "1번 찬반 안건에 답해 주세요") {
				t.Fatalf("question unanswered: %d %s", p.status, p.body)
			}
			form.Set("answer_"+q, "no")
			p = postForm(t, base+"/confirm", form)
			if p.status != 200 || !strings.Contains(p.body, `name="answer_`+q+`" value="no"`) || !strings.Contains(p.body, "반대") {
				t.Fatalf("confirm step: %d %s", p.status, p.body)
			}
			cast := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(0, 2, 4), "answer_" + q: {"no"}}
			p = postForm(t, base+"/ballot", cast)
			if p.status != 200 || receiptRe.FindStringSubmatch(p.body) == nil {
				t.Fatalf("cast: %d %s", p.status, p.body)
			}
			if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
				t.Fatalf("close: %d", r.Status)
			}
			if n := v.count(t, `SELECT count(*) FROM ballot_answers WHERE assembly_id = $1 AND answer = 'no'`, v.a.ID); n != 1 {
				t.Fatalf("%d answers stored", n)
			}
		})
	}
}
