package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"maeul/assembly"
	"maeul/server/a11ytest"
	"maeul/server/servertest"
	"maeul/voting"
)

// TestBallotByKeyboard votes with the keyboard alone (Tab, Space, arrow
// keys, Enter), from typing the code to the receipt, for each voting
// method, in Korean and in English, and runs every a11ytest check (axe-core,
// keyboard reach, names, 320 px, 200 % zoom, touch targets) on every step.
func TestBallotByKeyboard(t *testing.T) {
	s := newSite(t, false)
	for _, method := range []string{assembly.MethodApproval, assembly.MethodRanked, assembly.MethodBudget} {
		t.Run(method, func(t *testing.T) {
			a, gs := s.e.Fixture(t, servertest.FixtureOptions{District: s.district, Dong: s.dong, State: assembly.StateOpen, Method: method})
			ctx := s.browser(t, page{})
			for _, lang := range []string{"ko", "en"} {
				t.Run(lang, func(t *testing.T) {
					codes, err := voting.DemoCodes(context.Background(), s.e.Server.Voting, a, s.host.User, 1)
					if err != nil || len(codes) == 0 {
						t.Fatalf("issue a code: %v", err)
					}
					before := ballots(t, s, a.ID)
					step := func(name, wait string, keys ...func() error) {
						t.Helper()
						for _, k := range keys {
							if err := k(); err != nil {
								t.Fatalf("%s: %v", name, err)
							}
						}
						if err := chromedp.Do(ctx, chromedp.WaitVisible(wait)); err != nil {
							t.Fatalf("%s: %v", name, err)
						}
						t.Run(name, func(t *testing.T) { a11ytest.CheckAllHere(t, ctx, name) })
					}
					tab := func(sel string) func() error { return func() error { return a11ytest.TabTo(ctx, sel, 40) } }
					press := func(k string) func() error { return func() error { return chromedp.Do(ctx, chromedp.KeyEvent(k)) } }
					// /v/{slug}/code: the code form even after this browser's
					// last ballot (whose receipt /v/{slug} shows again).
					if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/v/%s/code?lang=%s", s.e.URL, a.Slug, lang))); err != nil {
						t.Fatal(err)
					}
					step("code step", "#code")
					step("choose step", "#ballot-form", tab("#code"), press(codes[0].Code), press("\r"))
					first, second := fmt.Sprint(gs[0].ID), fmt.Sprint(gs[1].ID)
					if method == assembly.MethodRanked {
						// Tap in order: the first agenda, then the second.
						step("ranked", "#ballot-form", tab("#tap-"+first), press(" "), tab("#tap-"+second), press(" "))
					} else {
						step("chosen", "#ballot-form", tab("#c-"+first), press(" "), tab("#c-"+second), press(" "))
					}
					step("confirm step", "#cast", tab("#ballot-form button[type=submit]"), press("\r"))
					step("receipt", "#receipt", tab("#cast"), press("\r"))
					if n := ballots(t, s, a.ID); n != before+1 {
						t.Fatalf("%d ballots after voting by keyboard, want %d", n, before+1)
					}
				})
			}
		})
	}
}

// ballots counts the ballots received: stored, or sealed and waiting to be
// mixed.
func ballots(t *testing.T, s *site, id int64) int {
	t.Helper()
	var n int
	if err := s.e.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1)
		+ (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBallotQRBackAndRescan is a resident's QR vote on a 360 px phone:
// the code leaves the address bar, the confirm screen lists the choices
// with no invented order, the receipt number fits one line and has a
// button to check it; Back and Reload after the receipt show the receipt
// (no resubmit page), so does a re-scan of the card on the same phone; on
// another phone the re-scan says calmly that the card's vote was received,
// with the way to check it, and nothing of the choices.
func TestBallotQRBackAndRescan(t *testing.T) {
	s := newSite(t, false)
	a, gs := s.e.Fixture(t, servertest.FixtureOptions{District: s.district, Dong: s.dong, State: assembly.StateOpen, MaxChoices: 3})
	codes, err := voting.DemoCodes(context.Background(), s.e.Server.Voting, a, s.host.User, 1)
	if err != nil || len(codes) == 0 {
		t.Fatalf("issue a code: %v", err)
	}
	ctx := s.browser(t, page{})
	do := func(what string, as ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, as...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + document.title + " | " + document.body.innerText.slice(0, 300)`))
			t.Fatalf("%s: %v (at %s)", what, err, loc)
		}
	}
	eval := func(js string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return v
	}
	first, third := fmt.Sprint(gs[0].ID), fmt.Sprint(gs[2].ID)
	do("scan", chromedp.EmulateViewport(360, 740), chromedp.Navigate(codes[0].URL), chromedp.WaitVisible("#ballot-form"))
	if loc := eval(`location.href`); strings.Contains(loc, "code=") {
		t.Fatalf("the address bar keeps the code: %s", loc)
	}
	// Ticked third, then first: the confirm list is in agenda order, a
	// list without numbers of its own.
	do("choose", centreClick("#c-"+third), centreClick("#c-"+first), centreClick("#next"), chromedp.WaitVisible("#cast"))
	list := eval(`(function(){ var l = document.querySelector(".chosen"); return l.tagName + " " + getComputedStyle(l).listStyleType + " | " + l.innerText; })()`)
	if !strings.HasPrefix(list, "UL none | ") || strings.Index(list, gs[0].Title) > strings.Index(list, gs[2].Title) {
		t.Fatalf("confirm list %q", list)
	}
	// Change my mind, come back: the same ticks.
	do("change", centreClick("#change"), chromedp.WaitVisible("#ballot-form"))
	if n := eval(`String(document.querySelectorAll("input[name=choice]:checked").length)`); n != "2" {
		t.Fatalf("%s ticks after changing my mind", n)
	}
	do("next again", centreClick("#next"), chromedp.WaitVisible("#cast"))
	do("cast", centreClick("#cast"), chromedp.WaitVisible("#receipt"))
	receipt := eval(`document.getElementById("receipt").textContent`)
	if n := ballots(t, s, a.ID); n != 1 {
		t.Fatalf("%d ballots", n)
	}
	// The receipt number: one line at 360 px, inside the screen, named as
	// the results page names it, with a button that checks it there.
	line := eval(`(function(){ var e = document.getElementById("receipt"), r = e.getBoundingClientRect(), cs = getComputedStyle(e);
		var range = document.createRange(); range.selectNodeContents(e);
		return range.getClientRects().length + " " + (r.height < parseFloat(cs.fontSize) * 2) + " " + (r.right <= innerWidth) + " " + (e.scrollWidth <= e.clientWidth) + " " + innerWidth; })()`)
	if line != "1 true true true 360" {
		t.Fatalf("the receipt number does not fit one line at 360 px: rects, one line high, inside, not cut, width = %s", line)
	}
	if l := eval(`document.querySelector(".receipt-label").textContent`); l != "투표 영수증 번호" {
		t.Fatalf("receipt label %q", l)
	}
	if v := eval(`document.querySelector("#check").form.receipt.value`); v != receipt {
		t.Fatalf("the check button sends %q, want %q", v, receipt)
	}
	again := func(what string, as ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		do(what, append(as, chromedp.WaitVisible("#receipt"))...)
		if r := eval(`document.getElementById("receipt").textContent`); r != receipt {
			t.Fatalf("%s: receipt %q, want %q", what, r, receipt)
		}
	}
	again("back", chromedp.NavigateBack())
	again("reload", chromedp.Reload())
	again("back twice", chromedp.NavigateBack())
	again("re-scan on the same phone", chromedp.Navigate(codes[0].URL))
	do("check the receipt", centreClick("#check"), chromedp.WaitVisible("#result-pending"))
	if n := ballots(t, s, a.ID); n != 1 {
		t.Fatalf("%d ballots after Back, Reload and a re-scan", n)
	}
	// Another phone (no cookies): calm, with the way to check, no choices.
	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	do("re-scan on another phone", chromedp.Navigate(codes[0].URL), chromedp.WaitVisible("#stop-title"))
	body := eval(`document.body.innerText`)
	if !strings.Contains(body, "이 카드로 한 투표는 이미 접수되었습니다") || strings.Contains(body, receipt) ||
		strings.Contains(body, gs[0].Title) || strings.Contains(body, gs[2].Title) || eval(`document.querySelector(".stop").getAttribute("role")`) != "status" {
		t.Fatalf("re-scan on another phone: %s", body)
	}
	if h := eval(`document.getElementById("check").getAttribute("href")`); h != "/r/"+a.Slug+"#receipt" {
		t.Fatalf("check link %q", h)
	}
}

// TestBallotTypedCode types a card's code on a 320 px phone whose keyboard
// was left in Korean, one symbol short first, and ranks two agendas by
// tapping them in order.
func TestBallotTypedCode(t *testing.T) {
	s := newSite(t, false)
	a, gs := s.e.Fixture(t, servertest.FixtureOptions{District: s.district, Dong: s.dong, State: assembly.StateOpen,
		Method: assembly.MethodRanked, MaxChoices: 3})
	codes, err := voting.DemoCodes(context.Background(), s.e.Server.Voting, a, s.host.User, 1)
	if err != nil || len(codes) == 0 {
		t.Fatalf("issue a code: %v", err)
	}
	ctx := s.browser(t, page{})
	do := func(what string, as ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, as...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | " + document.body.innerText.slice(0, 300)`))
			t.Fatalf("%s: %v (at %s)", what, err, loc)
		}
	}
	text := func(sel string) string {
		t.Helper()
		v, err := chromedp.Run(ctx, chromedp.Text(sel))
		if err != nil {
			t.Fatalf("%s: %v", sel, err)
		}
		return v
	}
	short := codes[0].Short // K7QM-2XRP-9D
	do("open", chromedp.EmulateViewport(320, 740), chromedp.Navigate(s.e.URL+"/v/"+a.Slug), chromedp.WaitVisible("#code"))
	do("one short", chromedp.SendKeys("#code", short[:len(short)-1]), chromedp.Submit("#code"), chromedp.WaitVisible("#code-error"))
	if e := text("#code-error"); !strings.Contains(e, "코드는 10자리입니다") {
		t.Fatalf("one symbol short: %q", e)
	}
	korean := hangulKeys(short)
	clear := chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[bool](`(document.getElementById("code").value = "") === ""`)(ctx, t)
		return err
	})
	do("in Korean", chromedp.WaitVisible("#code"), clear, chromedp.SendKeys("#code", korean), chromedp.Submit("#code"), chromedp.WaitVisible("#ballot-form"))
	second, first := fmt.Sprint(gs[1].ID), fmt.Sprint(gs[0].ID)
	do("tap in order", centreClick("#tap-"+second), centreClick("#tap-"+first))
	if b := text("#tap-" + second + " .badge"); b != "1순위 · 3점" {
		t.Fatalf("first tap: %q", b)
	}
	do("undo and again", centreClick("#tap-"+second), centreClick("#tap-"+second))
	if b := text("#tap-" + first + " .badge"); b != "1순위 · 3점" {
		t.Fatalf("after undoing the first tap, the other is %q", b)
	}
	do("next", centreClick("#next"), chromedp.WaitVisible("#cast"))
	list := text("ol.chosen")
	if strings.Index(list, gs[0].Title) > strings.Index(list, gs[1].Title) || !strings.Contains(list, "2순위 · 2점") {
		t.Fatalf("confirm list %q", list)
	}
	do("cast", centreClick("#cast"), chromedp.WaitVisible("#receipt"))
	if n := ballots(t, s, a.ID); n != 1 {
		t.Fatalf("%d ballots", n)
	}
}

// hangulKeys types a code as a 2-beolsik Korean keyboard does: each letter
// key gives its jamo (digits and dashes stay).
func hangulKeys(code string) string {
	keys := map[rune]rune{'A': 'ㅁ', 'B': 'ㅠ', 'C': 'ㅊ', 'D': 'ㅇ', 'E': 'ㄷ', 'F': 'ㄹ', 'G': 'ㅎ', 'H': 'ㅗ', 'J': 'ㅓ',
		'K': 'ㅏ', 'M': 'ㅡ', 'N': 'ㅜ', 'P': 'ㅔ', 'Q': 'ㅂ', 'R': 'ㄱ', 'S': 'ㄴ', 'T': 'ㅅ', 'V': 'ㅍ', 'W': 'ㅈ',
		'X': 'ㅌ', 'Y': 'ㅛ', 'Z': 'ㅋ'}
	return strings.Map(func(r rune) rune {
		if k, ok := keys[r]; ok {
			return k
		}
		return r
	}, code)
}

// centreClick scrolls the element to the middle of the screen and taps
// there, as a finger would (chromedp's Click can miss what the sticky bar
// covers or holds).
func centreClick(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		xy, err := chromedp.Evaluate[[]float64](`(function(){ var n = document.querySelector(`+"`"+sel+"`"+`);
			n.scrollIntoView({block: "center"}); var r = n.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()`)(ctx, t)
		if err != nil {
			return err
		}
		_, err = chromedp.MouseClickXY(xy[0], xy[1])(ctx, t)
		return err
	})
}
