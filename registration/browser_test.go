package registration_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"maeul/server/servertest"
)

// The kiosk on a 10-inch tablet: staff register a person and start the
// ballot with one tap; the resident votes on large type; the receipt goes
// back to the privacy screen by itself; Back never shows the ballot.
func TestBrowserKiosk(t *testing.T) {
	e := servertest.Start(t)
	h := e.NewHost(t, "dong", "마포구", "성산1동")
	a := eligibleAssembly(t, e, time.Now().Add(24*time.Hour))
	// A yes/no question on the same ballot: the kiosk asks it too (the
	// ballot API refuses a ballot that leaves it unanswered).
	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/questions", a.ID), map[string]any{"text": "마을계획에 찬성하십니까?", "rule": "majority"}); r.Status != 201 {
		t.Fatalf("question: %d %s", r.Status, r.Body)
	}
	if r := h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/open", a.ID), nil); r.Status != 200 {
		t.Fatalf("open: %d %s", r.Status, r.Body)
	}
	var k struct{ URL string }
	h.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/kiosks", a.ID), map[string]any{"label": "강당 태블릿"}).JSON(t, &k)

	ctx := servertest.Browser(t)
	// Portrait 10-inch tablet (800 × 1280 CSS px); a page before the kiosk,
	// so that Back has somewhere to go.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(800, 1280), chromedp.Navigate(e.URL+"/"),
		chromedp.Navigate(k.URL+"&reset=2"), chromedp.WaitVisible("#s-privacy")); err != nil {
		t.Fatal(err)
	}
	entries, err := chromedp.Run(ctx, chromedp.Evaluate[int](`history.length`))
	if err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.SendKeys("#k-name", "박 순 자"), chromedp.SendKeys("#k-birth", "19400229"),
		chromedp.Click("#k-register"), chromedp.WaitVisible("#s-ballot")); err != nil {
		t.Fatal(err)
	}
	// Large type and large targets, on a tablet held either way.
	const check = `(function(){
	  var small = Array.from(document.querySelectorAll("#s-ballot button:not([hidden]), #s-ballot .title, #s-ballot .lead"))
	    .filter(function(e){ return parseFloat(getComputedStyle(e).fontSize) < 24; }).length;
	  var tiny = Array.from(document.querySelectorAll("#s-ballot button:not([hidden])"))
	    .filter(function(e){ var r = e.getBoundingClientRect(); return r.height < 64 || r.width < 64; }).length;
	  return [small, tiny, document.documentElement.scrollWidth - window.innerWidth];
	})()`
	for _, vp := range [][2]int64{{800, 1280}, {1280, 800}} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(vp[0], vp[1])); err != nil {
			t.Fatal(err)
		}
		got, err := chromedp.Run(ctx, chromedp.Evaluate[[]int](check))
		if err != nil || len(got) != 3 || got[0] != 0 || got[1] != 0 || got[2] > 0 {
			t.Fatalf("at %v: %v elements under 24 px, targets under 64 px, overflow (%v)", vp, got, err)
		}
	}
	reads, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("button.read").length`))
	if reads != 6 {
		t.Fatalf("%d read-aloud buttons for 6 agendas", reads)
	}
	if err := chromedp.Do(ctx, chromedp.Click("button.choice")); err != nil {
		t.Fatal(err)
	}
	if off, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("to-confirm").disabled`)); err != nil || !off {
		t.Fatalf("next is enabled with the question unanswered (%v)", err)
	}
	// The question sits just above the sticky bar: bring it to the middle
	// of the screen, as a resident scrolling down would, and tap 찬성.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("fieldset.question").scrollIntoView({block: "center"})`),
		chromedp.Click(`fieldset.question button[data-answer="yes"]`)); err != nil {
		t.Fatal(err)
	}
	if on, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("to-confirm").disabled`)); err != nil || !on {
		t.Fatalf("next stays disabled once the question is answered (%v)", err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#to-confirm"), chromedp.WaitVisible("#s-confirm")); err != nil {
		t.Fatal(err)
	}
	if chosen, err := chromedp.Run(ctx, chromedp.Text("#chosen")); err != nil || !strings.Contains(chosen, "마을계획에 찬성하십니까? — 찬성") {
		t.Fatalf("the confirm screen lists %q (%v)", chosen, err)
	}
	if err := chromedp.Do(ctx, chromedp.Click("#cast"), chromedp.WaitVisible("#s-receipt")); err != nil {
		t.Fatal(err)
	}
	receipt, err := chromedp.Run(ctx, chromedp.Text("#receipt"))
	if err != nil || len(receipt) < 8 {
		t.Fatalf("receipt %q (%v)", receipt, err)
	}
	// Back to the privacy screen by itself (reset=2 s), with nothing kept.
	wctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	err = chromedp.Do(wctx, chromedp.WaitVisible("#s-privacy"), chromedp.WaitNotVisible("#s-receipt"))
	cancel()
	if err != nil {
		t.Fatalf("the receipt did not return to the privacy screen: %v", err)
	}
	left, err := chromedp.Run(ctx, chromedp.Evaluate[[]any](`[document.getElementById("receipt").textContent,
		document.querySelectorAll('button.choice[aria-pressed="true"]').length, document.getElementById("chosen").children.length, history.length]`))
	if err != nil || left[0] != "" || left[1] != float64(0) || left[2] != float64(0) || left[3] != float64(entries) {
		t.Fatalf("after the reset: receipt, pressed, chosen, history = %v (history was %d) (%v)", left, entries, err)
	}
	// Back leaves the kiosk (no entry was added); Forward loads it afresh
	// (no-store) on the privacy screen.
	// JS-driven history moves: chromedp's waits do not follow them, so the
	// page is polled (up to 10 s) until it is where it should be.
	waitFor := func(cond string) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); ; {
			ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
			if err == nil && ok {
				return
			}
			if time.Now().After(deadline) {
				href, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
				t.Fatalf("never true: %s (at %s, %v)", cond, href, err)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`history.back()`)); err != nil {
		t.Fatal(err)
	}
	// Back leaves the kiosk (no entry was added) for the page before it.
	waitFor(`location.pathname === "/" && document.readyState === "complete" && !document.getElementById("kiosk")`)
	// Forward loads the kiosk afresh (no-store): the privacy screen, no
	// ballot, no receipt.
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`history.forward()`)); err != nil {
		t.Fatal(err)
	}
	waitFor(`!!document.getElementById("s-privacy") && document.readyState === "complete" && !document.getElementById("s-privacy").hidden`)
	shown, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!document.getElementById("s-ballot").hidden || !document.getElementById("s-receipt").hidden || document.getElementById("receipt").textContent !== ""`))
	if shown {
		t.Fatal("Forward shows the previous ballot or receipt")
	}
	var regs, ballots int
	e.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM registrations WHERE assembly_id = $1),
		(SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, a.ID).Scan(&regs, &ballots)
	if regs != 1 || ballots != 1 {
		t.Fatalf("%d registrations, %d ballots waiting", regs, ballots)
	}
}
