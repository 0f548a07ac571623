package voting_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestBallotAccepted(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 3, "onsite")
	t.Run("QR form", func(t *testing.T) {
		r := v.ballot(t, codes[0].Code, "n1", v.ids(0, 2))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out struct{ Receipt string }
		r.JSON(t, &out)
		if out.Receipt == "" {
			t.Fatal("no receipt")
		}
		if n := v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(out.Receipt)); n != 1 {
			t.Fatalf("receipt stored %d times", n)
		}
	})
	t.Run("typed form, lower case without dashes", func(t *testing.T) {
		typed := strings.ToLower(strings.ReplaceAll(codes[1].Short, "-", " "))
		r := v.ballot(t, typed, "n2", v.ids(1))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("order kept", func(t *testing.T) {
		r := v.ballot(t, codes[2].Short, "n3", v.ids(4, 0, 3))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	if n := v.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, v.a.ID); n != 3 || v.ballots(t) != 3 {
		t.Fatalf("used codes %d, ballots %d", n, v.ballots(t))
	}
	// Once mixed (at the close), the ranked ballot keeps its order.
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if n := v.count(t, `SELECT count(*) FROM ballots b WHERE b.assembly_id = $1 AND (SELECT string_agg(c.agenda_id::text, ',' ORDER BY c.position)
			FROM ballot_choices c WHERE c.ballot_id = b.id) = $2`, v.a.ID, strings.Join(v.ids(4, 0, 3), ",")); n != 1 {
		t.Fatalf("%d stored ballots with the choices in the order given", n)
	}
}

// 100 phones send the same code at once: exactly one ballot, 99 clear
// refusals; the same nonce again gets the same receipt.
func TestBallotExactlyOnce(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 2, "onsite")
	var wg sync.WaitGroup
	status := make([]int, 100)
	receipts := make([]string, 100)
	codesOf := make([]string, 100)
	for i := range 100 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := v.ballot(t, codes[0].Code, fmt.Sprintf("nonce-%d", i), v.ids(i%6))
			status[i] = r.Status
			var out struct{ Receipt string }
			if r.Status == 201 {
				r.JSON(t, &out)
			}
			receipts[i], codesOf[i] = out.Receipt, r.ErrorCode()
		}()
	}
	wg.Wait()
	won := -1
	for i, s := range status {
		switch s {
		case 201:
			if won >= 0 {
				t.Fatalf("two ballots accepted for one code (%d and %d)", won, i)
			}
			won = i
		case 409:
			if codesOf[i] != "conflict" {
				t.Fatalf("refusal %d has code %q", i, codesOf[i])
			}
		default:
			t.Fatalf("submission %d: status %d", i, s)
		}
	}
	if won < 0 {
		t.Fatal("no ballot accepted")
	}
	if n := v.ballots(t); n != 1 {
		t.Fatalf("%d ballots stored", n)
	}
	t.Run("same nonce, same receipt", func(t *testing.T) {
		r := v.ballot(t, codes[0].Code, fmt.Sprintf("nonce-%d", won), v.ids(won%6))
		var out struct{ Receipt string }
		r.JSON(t, &out)
		if r.Status != 201 || out.Receipt != receipts[won] {
			t.Fatalf("retry: %d %s, want receipt %s", r.Status, r.Body, receipts[won])
		}
		r = v.ballot(t, codes[0].Code, "another-nonce", v.ids(0))
		if r.Status != 409 || !strings.Contains(string(r.Body), "이미 사용된 코드입니다") {
			t.Fatalf("other nonce: %d %s", r.Status, r.Body)
		}
	})
	t.Run("concurrent retries with one nonce", func(t *testing.T) {
		got := make([]string, 30)
		for i := range 30 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := v.ballot(t, codes[1].Code, "one-nonce", v.ids(1, 2))
				if r.Status != 201 {
					t.Errorf("retry %d: %d %s", i, r.Status, r.Body)
					return
				}
				var out struct{ Receipt string }
				r.JSON(t, &out)
				got[i] = out.Receipt
			}()
		}
		wg.Wait()
		for _, g := range got {
			if g != got[0] || g == "" {
				t.Fatalf("receipts differ: %v", got)
			}
		}
		if n := v.ballots(t); n != 2 {
			t.Fatalf("%d ballots stored", n)
		}
	})
}

func TestBadBallots(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{Method: assembly.MethodApproval, MaxChoices: 2}, true)
	budget := setup(t, servertest.FixtureOptions{Method: assembly.MethodBudget, BudgetCap: 20_000_000}, true)
	codes := v.codes(t, 2, "onsite")
	bcodes := budget.codes(t, 1, "onsite")
	other := v.e.NewHost(t, "dong", "마포구", "성산1동")
	_ = other
	// An assembly of the same server that is not open.
	closedA, closedG := v.e.Fixture(t, servertest.FixtureOptions{})
	h2 := v.host
	r := h2.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/codes", closedA.ID), map[string]any{"count": 1, "channel": "onsite"})
	if r.Status != 201 {
		t.Fatalf("codes for a published assembly: %d %s", r.Status, r.Body)
	}
	var cc struct{ Codes []struct{ Code string } }
	r.JSON(t, &cc)
	otherIDs := []string{closedG[0].IDString()}

	cases := []struct {
		name    string
		v       *vote
		body    any
		status  int
		message string
	}{
		{"unknown agenda", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": []string{"999999"}}, 422, "이 투표에 없는 의제"},
		{"agenda of another assembly", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": otherIDs}, 422, "이 투표에 없는 의제"},
		{"not a number", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": []string{"abc"}}, 422, "이 투표에 없는 의제"},
		{"too many", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": v.ids(0, 1, 2)}, 422, "2개까지"},
		{"duplicate agenda", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": v.ids(0, 0)}, 422, "두 번"},
		{"empty", v, map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": []string{}}, 422, "하나 이상"},
		{"over budget", budget, map[string]any{"assembly": budget.a.Slug, "code": bcodes[0].Code, "choices": budget.ids(1, 5)}, 422, "한도액"},
		{"malformed JSON", v, `{"assembly": "x", "code": `, 400, "JSON 형식"},
		{"not an object", v, `[1,2]`, 400, "JSON 형식"},
		{"wrong assembly", v, map[string]any{"assembly": v.a.Slug, "code": cc.Codes[0].Code, "choices": v.ids(0)}, 404, "확인할 수 없는 코드"},
		{"unknown code", v, map[string]any{"assembly": v.a.Slug, "code": "2345-6789-AB", "choices": v.ids(0)}, 404, "확인할 수 없는 코드"},
		{"ambiguous symbol", v, map[string]any{"assembly": v.a.Slug, "code": "O0I1-2345-67", "choices": v.ids(0)}, 422, "쓰이지 않는 글자"},
		{"unknown assembly", v, map[string]any{"assembly": "no-such-assembly", "code": codes[0].Code, "choices": v.ids(0)}, 404, ""},
		{"not open", v, map[string]any{"assembly": closedA.Slug, "code": cc.Codes[0].Code, "choices": otherIDs}, 409, "투표 시간이 아닙니다"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := c.v.e.Do(t, "POST", "/api/v1/ballots", "", c.body)
			if r.Status != c.status || !strings.Contains(string(r.Body), c.message) {
				t.Fatalf("got %d %s, want %d with %q", r.Status, r.Body, c.status, c.message)
			}
		})
	}
	for _, x := range []*vote{v, budget} {
		if n := x.ballots(t); n != 0 {
			t.Fatalf("%d ballots stored by bad requests", n)
		}
		if n := x.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, x.a.ID); n != 0 {
			t.Fatalf("%d codes consumed by bad requests", n)
		}
	}
	if n := v.count(t, `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1) + (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, closedA.ID); n != 0 {
		t.Fatalf("a ballot was stored for an assembly that is not open")
	}
	t.Run("English", func(t *testing.T) {
		r := v.e.Do(t, "POST", "/api/v1/ballots?lang=en", "", map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": v.ids(0, 0)})
		if r.Status != 422 || !strings.Contains(string(r.Body), "twice") {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
	t.Run("the code still works after the refusals", func(t *testing.T) {
		if r := v.ballot(t, codes[0].Code, "ok", v.ids(0, 1)); r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
	})
}

// The same code and nonce with other choices (Back after voting, other
// ticks, cast again) is refused: the first ballot stands. The same choices
// again, in any order of ticks, get the same receipt.
func TestBallotChangedChoices(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 2, "onsite")
	first := v.ballot(t, codes[0].Code, "n-1", v.ids(0, 3))
	if first.Status != 201 {
		t.Fatalf("%d %s", first.Status, first.Body)
	}
	var want struct{ Receipt string }
	first.JSON(t, &want)
	firstChoices := strings.Join(v.ids(0, 3), ",")
	stored := func() string { // the choices of the first code's ballot
		var got string
		v.e.DB.Pool.QueryRow(t.Context(), `SELECT coalesce(min(x), '') FROM (SELECT string_agg(c.agenda_id::text, ',' ORDER BY c.position) x
			FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id WHERE b.assembly_id = $1 GROUP BY b.id) s
			WHERE x = $2`, v.a.ID, firstChoices).Scan(&got)
		return got
	}
	t.Run("same choices, same receipt", func(t *testing.T) {
		for _, ids := range [][]string{v.ids(0, 3), v.ids(3, 0)} {
			r := v.ballot(t, codes[0].Code, "n-1", ids)
			var out struct{ Receipt string }
			r.JSON(t, &out)
			if r.Status != 201 || out.Receipt != want.Receipt {
				t.Fatalf("%v: %d %s, want receipt %s", ids, r.Status, r.Body, want.Receipt)
			}
		}
	})
	t.Run("other choices, conflict", func(t *testing.T) {
		for _, ids := range [][]string{v.ids(1, 2), v.ids(0), v.ids(0, 3, 5)} {
			r := v.ballot(t, codes[0].Code, "n-1", ids)
			if r.Status != 409 || r.ErrorCode() != "conflict" || !strings.Contains(string(r.Body), "처음 선택이 그대로 유효하며 바꿀 수 없습니다") {
				t.Fatalf("%v: %d %s", ids, r.Status, r.Body)
			}
			if strings.Contains(string(r.Body), want.Receipt) {
				t.Fatalf("the API answer carries the receipt: %s", r.Body)
			}
		}
		r := v.e.Do(t, "POST", "/api/v1/ballots?lang=en", "", map[string]any{"assembly": v.a.Slug, "code": codes[0].Code, "choices": v.ids(1), "nonce": "n-1"})
		if r.Status != 409 || !strings.Contains(string(r.Body), "Your first choices stand") {
			t.Fatalf("English: %d %s", r.Status, r.Body)
		}
	})
	if n := v.ballots(t); n != 1 {
		t.Fatalf("%d ballots stored", n)
	}
	t.Run("a box sealed before choices were kept still answers the receipt", func(t *testing.T) {
		r := v.ballot(t, codes[1].Code, "n-2", v.ids(2))
		if r.Status != 201 {
			t.Fatalf("%d %s", r.Status, r.Body)
		}
		var out struct{ Receipt string }
		r.JSON(t, &out)
		box := voting.SealOldBox(servertest.TestSecret, codes[1].Code, "n-2", out.Receipt)
		if _, err := v.e.DB.Pool.Exec(t.Context(), `UPDATE codes SET receipt_box = $1 WHERE assembly_id = $2 AND receipt_box IS NOT NULL
			AND nonce_hash = sha256('n-2'::bytea)`, box, v.a.ID); err != nil {
			t.Fatal(err)
		}
		for _, ids := range [][]string{v.ids(2), v.ids(4)} {
			r := v.ballot(t, codes[1].Code, "n-2", ids)
			var again struct{ Receipt string }
			r.JSON(t, &again)
			if r.Status != 201 || again.Receipt != out.Receipt {
				t.Fatalf("%v: %d %s, want %s", ids, r.Status, r.Body, out.Receipt)
			}
		}
		if n := v.ballots(t); n != 2 {
			t.Fatalf("%d ballots stored", n)
		}
	})
	// Mixed at the close: the first choices are the ones stored.
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	if got := stored(); got != firstChoices {
		t.Fatalf("stored choices %s, want the first %s", got, firstChoices)
	}
}
