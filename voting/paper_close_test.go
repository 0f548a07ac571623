package voting_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

// TestPaperAfterClose: closing stops the phones; the paper desk goes on,
// audited, with the running counts equal to a full recount after each
// entry; the projector's ranking waits for a reveal; announcing reveals,
// freezes the result with the late paper in it, and stops the desk.
func TestPaperAfterClose(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{MaxChoices: 2}, true)
	codes := v.codes(t, 13, voting.ChannelOnsite)
	for i, c := range codes[:12] {
		if r := v.ballot(t, c.Code, "n"+c.Short, v.ids(i%3, 3)); r.Status != 201 {
			t.Fatalf("ballot %d: %d %s", i, r.Status, r.Body)
		}
	}
	if r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(4)}}); r.Status != 201 {
		t.Fatalf("paper while open: %d %s", r.Status, r.Body)
	}
	if r := v.host.API(t, "POST", v.path("/reveal"), nil); r.Status != 409 || !strings.Contains(string(r.Body), "마감한 뒤에") {
		t.Fatalf("reveal while open: %d %s", r.Status, r.Body)
	}
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 || !strings.Contains(string(r.Body), `"ballots":13`) {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	// consistent checks the running counts against a full recount.
	consistent := func(t *testing.T, want int64) {
		t.Helper()
		a, err := assembly.FindAssembly(t.Context(), v.e.DB.Pool, v.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		run, err := voting.RunningCounts(t.Context(), v.e.DB.Pool, a)
		if err != nil {
			t.Fatal(err)
		}
		full, err := voting.CountBallots(t.Context(), v.e.DB.Pool, a)
		if err != nil {
			t.Fatal(err)
		}
		if !run.SameChoices(full) || run.Ballots != full.Ballots || full.Ballots != want {
			t.Fatalf("running %d ballots, recount %d, want %d (same choices: %v)", run.Ballots, full.Ballots, want, run.SameChoices(full))
		}
		if n := v.count(t, `SELECT count(*) FROM pending_ballots WHERE assembly_id = $1`, v.a.ID); n != 0 {
			t.Fatalf("%d ballots still waiting after close", n)
		}
	}
	consistent(t, 13)

	t.Run("phones stop at close", func(t *testing.T) {
		if r := v.ballot(t, codes[12].Code, "late", v.ids(0)); r.Status != 409 {
			t.Fatalf("a phone ballot after close: %d %s", r.Status, r.Body)
		}
	})
	var late struct{ Ballots []string }
	t.Run("paper after close, counted once and audited", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(5), v.ids(5, 1), v.ids(2)}})
		if r.Status != 201 {
			t.Fatalf("paper after close: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &late)
		consistent(t, 16)
		if r := v.host.API(t, "POST", v.path("/paper/"+late.Ballots[2]+"/correct"), map[string]any{"choices": v.ids(5)}); r.Status != 200 {
			t.Fatalf("correct after close: %d %s", r.Status, r.Body)
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+late.Ballots[1]+"/void"), nil); r.Status != 200 {
			t.Fatalf("void after close: %d %s", r.Status, r.Body)
		}
		consistent(t, 15)
		if n := v.count(t, `SELECT count(*) FROM paper_entries WHERE assembly_id = $1 AND user_id = $2`, v.a.ID, v.host.User.ID); n != 6 {
			t.Fatalf("%d paper audit entries, want 6 (4 entered, 1 corrected, 1 voided)", n)
		}
		var tl voting.Tally
		v.host.API(t, "GET", v.path("/tally"), nil).JSON(t, &tl)
		if tl.Ballots != 15 || tl.Channels["paper"] != 3 || tl.Revealed || tl.Agendas[5].Votes == nil || *tl.Agendas[5].Votes != 2 {
			t.Fatalf("host's tally after late paper: %+v", tl)
		}
	})
	t.Run("the console says paper goes on and reveals", func(t *testing.T) {
		console := fmt.Sprintf("/host/assemblies/%d/console", v.a.ID)
		p := string(v.host.Get(t, console).Body)
		if !strings.Contains(p, `id="reveal-btn"`) || !strings.Contains(p, "종이 투표는 결과 발표 전까지 계속 입력할 수 있습니다") {
			t.Fatalf("closed console: no reveal button or paper note")
		}
		r := v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/reveal", v.a.ID), url.Values{})
		if r.Status != 303 || !strings.Contains(r.Header.Get("Location"), "done=revealed") {
			t.Fatalf("reveal by form: %d %v", r.Status, r.Header)
		}
		p = string(v.host.Get(t, r.Header.Get("Location")).Body)
		if !strings.Contains(p, "현황판에 순위를 공개했습니다.") || strings.Contains(p, `id="reveal-btn"`) || !strings.Contains(p, `id="revealed"`) {
			t.Fatalf("after the reveal the console does not say so")
		}
		var tl voting.Tally
		v.host.API(t, "GET", v.path("/tally"), nil).JSON(t, &tl)
		if !tl.Revealed {
			t.Fatal("not revealed")
		}
		if n := v.count(t, `SELECT count(*) FROM audit_log WHERE assembly_id = $1 AND action = 'reveal'`, v.a.ID); n != 1 {
			t.Fatalf("%d reveal audit entries", n)
		}
	})
	t.Run("announce reveals, freezes and stops the desk", func(t *testing.T) {
		r := v.host.API(t, "POST", v.path("/announce"), nil)
		if r.Status != 200 || !strings.Contains(string(r.Body), `"ballots":15`) {
			t.Fatalf("announce: %d %s", r.Status, r.Body)
		}
		var tl voting.Tally
		v.host.API(t, "GET", v.path("/tally"), nil).JSON(t, &tl)
		if !tl.Revealed {
			t.Fatal("announcing did not reveal the ranking")
		}
		if n := v.count(t, `SELECT count(*) FROM assemblies WHERE id = $1 AND revealed_at IS NOT NULL AND revealed_by = $2`, v.a.ID, v.host.User.ID); n != 1 {
			t.Fatal("announcing did not record the reveal")
		}
		r = v.host.API(t, "POST", v.path("/paper"), map[string]any{"ballots": [][]string{v.ids(0)}})
		if r.Status != 409 || !strings.Contains(string(r.Body), "결과가 발표되어") {
			t.Fatalf("paper after announce: %d %s", r.Status, r.Body)
		}
		if r := v.host.API(t, "POST", v.path("/paper/"+late.Ballots[0]+"/void"), nil); r.Status != 409 {
			t.Fatalf("void after announce: %d %s", r.Status, r.Body)
		}
		// The database refuses it too, whatever the code says.
		if _, err := v.e.DB.Pool.Exec(t.Context(), `INSERT INTO ballots (assembly_id, channel) VALUES ($1, 'paper')`, v.a.ID); err == nil {
			t.Fatal("the database took a paper ballot after the announcement")
		}
		consistent(t, 15)
		if r := v.host.API(t, "POST", v.path("/reveal"), nil); r.Status != 200 || !strings.Contains(string(r.Body), `"revealed":true`) {
			t.Fatalf("reveal after announce: %d %s", r.Status, r.Body)
		}
	})
	t.Run("announcing reveals what was never revealed", func(t *testing.T) {
		b, _ := v.e.Fixture(t, servertest.FixtureOptions{State: assembly.StateClosed})
		if r := v.host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", b.ID), nil); r.Status != 200 {
			t.Fatalf("announce: %d %s", r.Status, r.Body)
		}
		if n := v.count(t, `SELECT count(*) FROM assemblies WHERE id = $1 AND revealed_at IS NOT NULL AND revealed_by = $2`, b.ID, v.host.User.ID); n != 1 {
			t.Fatal("announcing did not reveal")
		}
	})
}
