package live_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/assembly"
	"maeul/live"
	"maeul/server/servertest"
)

// wallMetrics is what a person at the back of the hall depends on.
type wallMetrics struct {
	Title, Count, Big  float64 // smallest visible agenda title, count; the turnout figure
	Rows, Total        int     // agenda rows shown now, of all
	OverflowX          bool    // the page or a row is wider than the screen
	OverflowY          bool    // the page is taller than the screen
	Keys, Help, Sealed bool    // the shortcut line is on the wall; the help is open; the sealed note shows
	Height, Screen     int     // the page's height and the screen's
	Parts              string
}

const measureJS = `(function(){
  var px = function(el){ return parseFloat(getComputedStyle(el).fontSize); };
  var vis = function(el){ return el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden"; };
  var rows = Array.prototype.filter.call(document.querySelectorAll("#rows li.row"), vis);
  var min = function(sel){ var m = 0; rows.forEach(function(r){ var v = px(r.querySelector(sel)); if (!m || v < m) m = v; }); return m; };
  var d = document.documentElement, wide = d.scrollWidth > d.clientWidth;
  document.querySelectorAll("#rows li, .top, .side, .turnout").forEach(function(e){ if (e.scrollWidth > e.clientWidth + 1) wide = true; });
  var foot = document.querySelector(".foot");
  return JSON.stringify({Title: min(".name"), Count: min(".score"), Big: px(document.getElementById("ballots")),
    Rows: rows.length, Total: document.querySelectorAll("#rows li.row").length,
    Height: d.scrollHeight, Screen: d.clientHeight, Parts: [".top",".board",".foot",".ranking",".turnout",".vote",".rows"].map(function(s){var e=document.querySelector(s);return s+"="+(e?Math.round(e.getBoundingClientRect().height):0)}).join(" "), OverflowX: wide, OverflowY: d.scrollHeight > d.clientHeight + 1,
    Keys: !!foot && vis(foot) && foot.textContent.indexOf("f ") >= 0,
    Help: !document.getElementById("help").hidden, Sealed: vis(document.getElementById("sealed"))});
})()`

func measure(t *testing.T, ctx context.Context, w, h int64) wallMetrics {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(w, h)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // layout after the resize
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[string](measureJS))
	if err != nil {
		t.Fatal(err)
	}
	var m wallMetrics
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d×%d: %+v", w, h, m)
	return m
}

// The wall is read from the back of a hall: at 1920×1080 with eight
// agendas, titles are at least 48 px and counts 64 px, a few rows at a
// time (the rest page through), nothing spills off the screen, and no
// host's shortcut line is projected. At 1280×720 nothing spills either.
func TestProjectorReadableFromTheBack(t *testing.T) {
	e := servertest.Start(t)
	costs := []int64{5_000_000, 8_000_000, 12_000_000, 3_000_000, 9_500_000, 15_000_000, 4_000_000, 6_000_000}
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen, Costs: costs})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	codes := issueCodes(t, e.URL, host.Token, a.ID, 4)
	vote(t, e.URL, a.Slug, codes[0], gs[0].ID, gs[1].ID, gs[2].ID)
	vote(t, e.URL, a.Slug, codes[1], gs[3].ID, gs[1].ID, gs[5].ID)
	vote(t, e.URL, a.Slug, codes[2], gs[6].ID, gs[7].ID, gs[4].ID)
	// A long title, as hosts write them.
	if _, err := e.DB.Pool.Exec(context.Background(), `UPDATE agendas SET title = '성미산 어린이 놀이터 바닥 포장 교체와 그늘막 설치' WHERE id = $1`, gs[1].ID); err != nil {
		t.Fatal(err)
	}
	tok, _, err := live.CreateLink(context.Background(), e.DB.Pool, a.ID, nil, "강당")
	if err != nil {
		t.Fatal(err)
	}
	ctx := servertest.Browser(t, chromedp.WindowSize(1920, 1080))
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/p/"+a.Slug+"?t="+tok),
		chromedp.WaitReady(`#projector[data-online="true"]`)); err != nil {
		t.Fatal(err)
	}
	big := measure(t, ctx, 1920, 1080)
	if big.Total != 8 {
		t.Fatalf("%d agenda rows, want 8", big.Total)
	}
	if big.Title < 48 || big.Count < 64 {
		t.Errorf("at 1920×1080 titles are %.1f px (want ≥ 48) and counts %.1f px (want ≥ 64)", big.Title, big.Count)
	}
	if big.Rows == 0 || big.Rows >= big.Total {
		t.Errorf("%d of %d rows at once: the wall should show a few and page through the rest", big.Rows, big.Total)
	}
	if big.OverflowX || big.OverflowY {
		t.Errorf("at 1920×1080 the wall spills off the screen: %+v", big)
	}
	if big.Keys || big.Help {
		t.Error("the host's shortcut help is on the wall")
	}
	// The rest of the rows come round.
	seen := map[int]bool{}
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline) && len(seen) < 8; time.Sleep(500 * time.Millisecond) {
		ids, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](`Array.prototype.filter.call(document.querySelectorAll("#rows li.row"),
			function(r){ return r.offsetParent !== null; }).map(function(r){ return Number(r.dataset.id); })`))
		if err != nil {
			t.Fatal(err)
		}
		for _, id := range ids {
			seen[id] = true
		}
	}
	if len(seen) != 8 {
		t.Errorf("only %d of 8 agendas came round on the wall", len(seen))
	}
	small := measure(t, ctx, 1280, 720)
	if small.OverflowX || small.OverflowY {
		t.Errorf("at 1280×720 the wall spills off the screen: %+v", small)
	}
	// ? opens the help as an overlay.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("?")); err != nil {
		t.Fatal(err)
	}
	if m := measure(t, ctx, 1920, 1080); !m.Help {
		t.Error("? does not open the help")
	}
}

// While the vote is sealed the turnout fills the wall, and the labels say
// which number counts ballots and which counts codes.
func TestProjectorSealedTurnout(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen, Sealed: true})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	codes := issueCodes(t, e.URL, host.Token, a.ID, 3)
	vote(t, e.URL, a.Slug, codes[0], gs[0].ID)
	tok, _, err := live.CreateLink(context.Background(), e.DB.Pool, a.ID, nil, "강당")
	if err != nil {
		t.Fatal(err)
	}
	ctx := servertest.Browser(t, chromedp.WindowSize(1920, 1080))
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/p/"+a.Slug+"?t="+tok),
		chromedp.WaitReady(`#projector[data-online="true"]`)); err != nil {
		t.Fatal(err)
	}
	m := measure(t, ctx, 1920, 1080)
	if m.Big < 150 || m.OverflowX || m.OverflowY {
		t.Errorf("sealed: the turnout figure is %.0f px (want ≥ 150) or the wall spills: %+v", m.Big, m)
	}
	label, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector(".turnout .total").textContent.replace(/\s+/g, " ").trim() + " | " +
		document.getElementById("ballots-of").textContent`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("turnout reads %q", label)
	if want := "투표 1 | 휴대폰 1 · 종이 0 · 발급된 휴대폰 코드 3개"; label != want {
		t.Errorf("turnout reads %q, want %q", label, want)
	}
}
