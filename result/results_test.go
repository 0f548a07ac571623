package result_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"

	"maeul/assembly"
	"maeul/result"
	"maeul/server/servertest"
)

type apiResult struct {
	BudgetCap int64            `json:"budget_cap"`
	Allocated int64            `json:"allocated"`
	TieBreak  string           `json:"tie_break"`
	Ballots   int64            `json:"ballots"`
	Channels  map[string]int64 `json:"channels"`
	Frozen    bool             `json:"frozen"`
	SHA256    string           `json:"sha256"`
	Agendas   []struct {
		Rank     int    `json:"rank"`
		ID       string `json:"id"`
		Number   int    `json:"number"`
		Title    string `json:"title"`
		Cost     int64  `json:"cost"`
		Votes    int64  `json:"votes"`
		Points   int64  `json:"points"`
		Selected bool   `json:"selected"`
		Note     string `json:"note"`
	} `json:"agendas"`
	ByChannel map[string][]struct {
		Number int   `json:"number"`
		Votes  int64 `json:"votes"`
	} `json:"by_channel"`
}

func (r apiResult) numbers() []int {
	var out []int
	for _, g := range r.Agendas {
		out = append(out, g.Number)
	}
	return out
}

func (r apiResult) selected() []int {
	var out []int
	for _, g := range r.Agendas {
		if g.Selected {
			out = append(out, g.Number)
		}
	}
	return out
}

func TestResultsAndAnnounce(t *testing.T) {
	e := servertest.Start(t)
	dong, other, district, _, city := hosts(t, e)
	a, gs, _ := closedVote(t, e, servertest.FixtureOptions{Sealed: true}, standardVotes())
	path := fmt.Sprintf("/api/v1/assemblies/%d/results", a.ID)

	t.Run("not public before the announcement", func(t *testing.T) {
		if r := e.Do(t, "GET", path, "", nil); r.Status != 401 {
			t.Fatalf("anonymous: %d %s", r.Status, r.Body)
		}
		if r := other.API(t, "GET", path, nil); r.Status != 403 {
			t.Fatalf("another dong's host: %d %s", r.Status, r.Body)
		}
		if r := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/ballots.pb", a.ID), "", nil); r.Status != 401 {
			t.Fatalf("anonymous ballots.pb: %d", r.Status)
		}
		page := e.Do(t, "GET", "/r/"+a.Slug, "", nil)
		if page.Status != 200 || !strings.Contains(string(page.Body), `id="result-pending"`) || strings.Contains(string(page.Body), `id="ranking"`) {
			t.Fatalf("public page before announcing: %d", page.Status)
		}
	})

	var before apiResult
	t.Run("hosts preview the closed result", func(t *testing.T) {
		for _, h := range []*servertest.Host{dong, district, city} {
			r := h.API(t, "GET", path, nil)
			if r.Status != 200 {
				t.Fatalf("%s: %d %s", h.User.Role, r.Status, r.Body)
			}
			r.JSON(t, &before)
		}
		if got := before.numbers(); !slices.Equal(got, []int{1, 2, 6, 3, 5, 4}) {
			t.Fatalf("order %v", got)
		}
		if got := before.selected(); !slices.Equal(got, []int{1, 2, 3, 4}) {
			t.Fatalf("selected %v", got)
		}
		if before.Allocated != 28_000_000 || before.Ballots != 12 || before.Channels["onsite"] != 6 ||
			before.Channels["online"] != 4 || before.Channels["paper"] != 2 || before.TieBreak != "cost_asc" {
			t.Fatalf("totals: %+v", before)
		}
		if n := before.Agendas[2].Note; n != "3순위, 남은 예산 13,000,000원보다 사업비 15,000,000원이 많아 — 예산 한도 밖, 별도 재원" {
			t.Fatalf("note of rank 3: %q", n)
		}
		if n := before.Agendas[5].Note; n != "6순위, 누적 28,000,000원으로 한도 안 — 선정" {
			t.Fatalf("note of rank 6: %q", n)
		}
		// 5, 3 and 2 ballots a channel, fewer than k = 10: no split by channel.
		if len(before.ByChannel) != 0 {
			t.Fatalf("split by channel with fewer than k ballots a channel: %+v", before.ByChannel)
		}
		page := dong.Get(t, "/r/"+a.Slug)
		if !strings.Contains(string(page.Body), `id="preview-banner"`) || !strings.Contains(string(page.Body), `id="ranking"`) {
			t.Fatalf("host preview lacks the banner or the ranking")
		}
		review := dong.Get(t, fmt.Sprintf("/host/assemblies/%d/results", a.ID))
		clean(t, "review page", review.Body)
		clean(t, "preview", page.Body)
		if review.Status != 200 || !strings.Contains(string(review.Body), `id="announce"`) {
			t.Fatalf("review page: %d", review.Status)
		}
		if r := other.Get(t, fmt.Sprintf("/host/assemblies/%d/results", a.ID)); r.Status != 403 {
			t.Fatalf("another dong's review page: %d", r.Status)
		}
	})

	t.Run("only the dong host announces", func(t *testing.T) {
		ann := fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID)
		for _, h := range []*servertest.Host{other, district, city} {
			if r := h.API(t, "POST", ann, nil); r.Status != 403 {
				t.Fatalf("%s %s announces: %d %s", h.User.Role, h.User.Dong, r.Status, r.Body)
			}
		}
		// The form needs the confirmation box and the CSRF token.
		form := fmt.Sprintf("/host/assemblies/%d/announce", a.ID)
		if r := dong.PostForm(t, form, url.Values{"_csrf": {"wrong"}, "confirm": {"yes"}}); r.Status != 403 {
			t.Fatalf("announce without CSRF: %d", r.Status)
		}
		if r := dong.PostForm(t, form, url.Values{}); r.Status != 422 {
			t.Fatalf("announce without confirmation: %d", r.Status)
		}
		if r := dong.PostForm(t, form, url.Values{"confirm": {"yes"}}); r.Status != 303 {
			t.Fatalf("announce: %d %s", r.Status, r.Body)
		}
		if r := dong.API(t, "POST", ann, nil); r.Status != 409 || r.ErrorCode() != "conflict" {
			t.Fatalf("announce twice: %d %s", r.Status, r.Body)
		}
		got, err := assembly.FindAssembly(context.Background(), e.DB.Pool, a.ID)
		if err != nil || got.State != assembly.StateAnnounced || got.AnnouncedAt == nil {
			t.Fatalf("state after announcing: %+v %v", got, err)
		}
	})

	t.Run("public once announced and frozen", func(t *testing.T) {
		var after apiResult
		r := e.Do(t, "GET", path, "", nil)
		if r.Status != 200 {
			t.Fatalf("public results: %d %s", r.Status, r.Body)
		}
		r.JSON(t, &after)
		if !after.Frozen || len(after.SHA256) != 64 || !slices.Equal(after.numbers(), before.numbers()) || after.Allocated != before.Allocated {
			t.Fatalf("announced result differs from the preview: %+v", after)
		}
		// A ballot slipped in afterwards (by SQL, past every guard) does
		// not change the announced result.
		setState(t, e, a, assembly.StateOpen)
		castSQL(t, e, a, gs, []vote{{"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}},
			{"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}, {"onsite", []int{5}}})
		setState(t, e, a, assembly.StateAnnounced)
		var frozen apiResult
		e.Do(t, "GET", path, "", nil).JSON(t, &frozen)
		if frozen.Ballots != 12 || !slices.Equal(frozen.numbers(), before.numbers()) || frozen.SHA256 != after.SHA256 {
			t.Fatalf("the announced result changed: ballots %d, order %v", frozen.Ballots, frozen.numbers())
		}
		pbFile := e.Do(t, "GET", fmt.Sprintf("/api/v1/assemblies/%d/ballots.pb", a.ID), "", nil)
		if pb, err := result.ParsePabulib(bytes.NewReader(pbFile.Body)); err != nil || len(pb.Votes) != 12 {
			t.Fatalf("the published ballots changed after the announcement: %v", err)
		}
		// A fresh count would now put agenda 5 first: the snapshot is what is read.
		live, err := result.Compute(context.Background(), e.DB.Pool, a)
		if err != nil || live.Agendas[0].Number != 5 {
			t.Fatalf("the live count should differ (test is void otherwise): %v", err)
		}
		// The database refuses to change a snapshot.
		if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE results SET sha256 = repeat('0', 64) WHERE assembly_id = $1`, a.ID); err == nil {
			t.Fatal("a frozen snapshot was updated")
		}
		page := e.Do(t, "GET", "/r/"+a.Slug, "", nil)
		clean(t, "results page", page.Body)
		body := string(page.Body)
		for _, want := range []string{`id="ranking"`, `id="budget-line"`, "예산 한도선", "28,000,000원", "예산 한도 밖 — 별도 재원",
			"득표가 같으면 사업비가 적은 의제가 앞서고", `id="split-withheld"`, "10표 이상일 때만", `id="receipt"`} {
			if !strings.Contains(body, want) {
				t.Errorf("the results page lacks %q", want)
			}
		}
		if strings.Contains(body, `id="preview-banner"`) {
			t.Error("announced page still says preview")
		}
		// Words for residents: the technical proof (the file format, the
		// hash) waits in the 검증 자료 fold; no request id, no command line.
		i := strings.Index(body, `<details class="verify"`)
		if i < 0 || !strings.Contains(body[i:], "<summary>검증 자료</summary>") {
			t.Fatal("no 검증 자료 fold on the results page")
		}
		outside := body[:i]
		if k := strings.Index(body[i:], "</details>"); k >= 0 {
			outside += body[i+k:]
		}
		for _, bad := range []string{"SHA-256", "Pabulib", "`", "maeul recount", "요청 번호"} {
			if strings.Contains(outside, bad) {
				t.Errorf("the results page shows %q outside 검증 자료", bad)
			}
		}
		enPage := e.Do(t, "GET", "/r/"+a.Slug+"?lang=en", "", nil)
		clean(t, "English results page", enPage.Body)
		if en := string(enPage.Body); !strings.Contains(en, "Budget line") || !strings.Contains(en, "beyond the budget cap") {
			t.Error("the English results page is not English")
		}
	})
}

func TestReceiptCheck(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	a, _, receipts := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil); r.Status != 200 {
		t.Fatalf("announce: %d %s", r.Status, r.Body)
	}
	check := func(receipt string) *servertest.Response {
		return e.Do(t, "POST", "/api/v1/receipts/check", "", map[string]string{"assembly": a.Slug, "receipt": receipt})
	}
	r := check(receipts[3])
	if r.Status != 200 || strings.TrimSpace(string(r.Body)) != `{"counted":true}` {
		t.Fatalf("a counted receipt: %d %s", r.Status, r.Body)
	}
	if r := check("  " + strings.ToLower(receipts[3]) + " "); !strings.Contains(string(r.Body), "true") {
		t.Fatalf("case and spaces should not matter: %s", r.Body)
	}
	if r := check("NOPE-NOPE-NOPE"); r.Status != 200 || !strings.Contains(string(r.Body), "false") {
		t.Fatalf("an unknown receipt: %d %s", r.Status, r.Body)
	}
	res, err := dong.Client.PostForm(e.URL+"/r/"+a.Slug+"/receipt", url.Values{"receipt": {receipts[0]}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !strings.Contains(string(body), "집계된 투표에 포함되어 있습니다") {
		t.Fatalf("the receipt form: %d", res.StatusCode)
	}
	// Guessing is limited: the 10-request bucket is spent by now or soon.
	var limited bool
	for i := 0; i < 15; i++ {
		if r := check(fmt.Sprintf("GUESS-%d", i)); r.Status == 429 {
			if r.Header.Get("Retry-After") == "" {
				t.Fatal("429 without Retry-After")
			}
			limited = true
			break
		}
	}
	if !limited {
		t.Fatal("receipt checks are not rate-limited")
	}
}

// Two hosts' tabs announce (and then submit) at the same moment: exactly one
// of each wins, the other gets 409, and one snapshot and one audit entry exist.
func TestAnnounceAndSubmitRace(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	a, _, _ := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	race := func(path string, okStatus int) {
		t.Helper()
		const n = 8
		statuses := make(chan int, n)
		start := make(chan struct{})
		for i := 0; i < n; i++ {
			go func() {
				<-start
				statuses <- dong.API(t, "POST", path, nil).Status
			}()
		}
		close(start)
		counts := map[int]int{}
		for i := 0; i < n; i++ {
			counts[<-statuses]++
		}
		if counts[okStatus] != 1 || counts[409] != n-1 {
			t.Fatalf("%s: statuses %v", path, counts)
		}
	}
	race(fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), 200)
	race(fmt.Sprintf("/api/v1/assemblies/%d/submit", a.ID), 201)
	var snapshots, announces, submits int
	ctx := context.Background()
	e.DB.Pool.QueryRow(ctx, `SELECT count(*) FROM results WHERE assembly_id = $1`, a.ID).Scan(&snapshots)
	e.DB.Pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE action = 'announce'), count(*) FILTER (WHERE action = 'submit')
		FROM audit_log WHERE assembly_id = $1`, a.ID).Scan(&announces, &submits)
	if snapshots != 1 || announces != 1 || submits != 1 {
		t.Fatalf("%d snapshots, %d announce and %d submit entries", snapshots, announces, submits)
	}
}
