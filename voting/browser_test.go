package voting_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/cdproto/emulation"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

// A resident scans a printed card's QR on a 320 px phone, votes and sees
// the receipt; the ballot's script counts and stops extra choices.
func TestBrowserVoteFromCard(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{MaxChoices: 2}, true)
	sheet := printCards(t, v, 8, "onsite")
	url := decodeQR(t, qrImgRe.FindAllStringSubmatch(sheet, -1)[0][1])
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(url), chromedp.WaitVisible("#ballot-form")); err != nil {
		t.Fatal(err)
	}
	wide, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
	if err != nil || wide > 320 {
		t.Fatalf("the ballot is %d px wide at 320 px (%v)", wide, err)
	}
	small, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll('.choice-box, button')).filter(function(e){return e.getBoundingClientRect().height < 44}).length`))
	if err != nil || small != 0 {
		t.Fatalf("%d touch targets are smaller than 44 px (%v)", small, err)
	}
	ids := v.ids(0, 1, 2)
	if err := chromedp.Do(ctx, chromedp.Click("#c-"+ids[0]), chromedp.Click("#c-"+ids[1])); err != nil {
		t.Fatal(err)
	}
	count, err := chromedp.Run(ctx, chromedp.Text("#count-text"))
	if err != nil || !strings.Contains(count, "2 / 2") {
		t.Fatalf("running count %q (%v)", count, err)
	}
	off, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("c-`+ids[2]+`").getAttribute("aria-disabled")`))
	if err != nil || off != "true" {
		t.Fatalf("a third choice is not marked unavailable with two allowed: %q (%v)", off, err)
	}
	// The reason is written out once, in the sticky bar (a live region),
	// not next to every agenda.
	limit, err := chromedp.Run(ctx, chromedp.Text("#limit-text"))
	if err != nil || !strings.Contains(limit, "최대 2개까지 고를 수 있습니다") || !strings.Contains(limit, "먼저 고른 것 하나를 빼 주세요") {
		t.Fatalf("limit message %q (%v)", limit, err)
	}
	if n, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.body.innerText.split("고를 수 없음").length - 1`)); n != 0 {
		t.Fatalf("%d per-agenda 'cannot choose' notes", n)
	}
	live, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("limit-text").closest("[aria-live]").getAttribute("aria-live")`))
	if live != "polite" {
		t.Fatalf("the limit message is not in a live region (%q)", live)
	}
	// Tapping the third anyway does not tick it.
	if err := chromedp.Do(ctx, chromedp.Click("#c-"+ids[2])); err != nil {
		t.Fatal(err)
	}
	if checked, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("c-`+ids[2]+`").checked`)); checked {
		t.Fatal("a third choice was ticked with two allowed")
	}
	// "Next" is in the sticky bar, at hand at the bottom of the screen.
	if in, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!document.querySelector("#tally-bar #next") && getComputedStyle(document.getElementById("tally-bar")).position === "sticky"`)); !in {
		t.Fatal("next is not in the sticky bar")
	}
	// Untick one: the message goes.
	if err := chromedp.Do(ctx, chromedp.Click("#c-"+ids[1])); err != nil {
		t.Fatal(err)
	}
	gone, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("limit-text").hidden && !document.querySelector("[aria-disabled=true]")`))
	if !gone {
		t.Fatal("the limit message stays after unticking")
	}
	if err := chromedp.Do(ctx, chromedp.Click("#c-"+ids[1])); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#ballot-form button[type=submit]`), chromedp.WaitVisible("#cast"),
		chromedp.Click("#cast"), chromedp.WaitVisible("#receipt")); err != nil {
		t.Fatal(err)
	}
	receipt, err := chromedp.Run(ctx, chromedp.Text("#receipt"))
	if err != nil {
		t.Fatal(err)
	}
	title, _ := chromedp.Run(ctx, chromedp.Text("#receipt-title"))
	if !strings.Contains(title, "투표가 접수되었습니다") {
		t.Fatalf("receipt page title %q", title)
	}
	if v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(strings.TrimSpace(receipt))) != 1 {
		t.Fatalf("receipt %q is not stored", receipt)
	}
	// The same card again, on the same phone: the receipt again.
	if err := chromedp.Do(ctx, chromedp.Navigate(url), chromedp.WaitVisible("#receipt")); err != nil {
		t.Fatal(err)
	}
	if s, _ := chromedp.Run(ctx, chromedp.Text("#receipt")); s != receipt {
		t.Fatalf("used card: receipt %q, want %q", s, receipt)
	}
}

// With JavaScript switched off, a resident types the code from the venue
// QR page and votes through plain forms.
func TestBrowserVoteWithoutJavaScript(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{Method: assembly.MethodBudget, BudgetCap: 20_000_000}, true)
	codes := v.codes(t, 1, "onsite")
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true}); err != nil {
		t.Fatal(err)
	}
	step := func(name string, a ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, a...); err != nil {
			loc, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.readyState + " " + document.title + " | " + (document.querySelector(".error-box,#choose-error") || {}).textContent + " | checked: " + Array.from(document.querySelectorAll("input:checked")).map(function(e){return e.id}).join(",")`))
			t.Fatalf("%s: %v (at %s)", name, err, loc)
		}
	}
	step("navigate", chromedp.Navigate(v.e.URL+"/v/"+v.a.Slug))
	step("wait", chromedp.WaitVisible("#code"))
	step("keys", chromedp.SendKeys("#code", strings.ToLower(codes[0].Short)))
	step("click", chromedp.Click(`form button[type=submit]`))
	step("form", chromedp.WaitVisible("#ballot-form"))
	// The script did not run.
	ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.getElementById("ballot-form").hasAttribute("data-js")`))
	if err != nil {
		t.Fatal(err)
	}
	if ran {
		t.Fatal("the script ran although JavaScript is off")
	}
	ids := v.ids(0, 1, 2)
	// Over the cap first: the server says so.
	step("choose over the cap", chromedp.Click("#c-"+ids[1]), chromedp.Click("#c-"+ids[2]), chromedp.Click("#c-"+ids[0]))
	step("submit over the cap", chromedp.Click(`#ballot-form button[type=submit]`))
	step("the refusal", chromedp.WaitVisible("#choose-error"))
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#choose-error")); !strings.Contains(msg, "한도액") {
		t.Fatalf("over-budget message %q", msg)
	}
	// By keyboard this time: focus, Space, Enter.
	step("drop one", chromedp.Focus("#c-"+ids[2]), chromedp.KeyEvent(" "))
	step("submit", chromedp.Focus(`#ballot-form button[type=submit]`), chromedp.KeyEvent("\r"))
	step("confirm page", chromedp.WaitVisible("#cast"))
	step("cast", chromedp.Click("#cast"))
	step("receipt", chromedp.WaitVisible("#receipt"))
	receipt, _ := chromedp.Run(ctx, chromedp.Text("#receipt"))
	if v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(strings.TrimSpace(receipt))) != 1 {
		t.Fatalf("receipt %q is not stored", receipt)
	}
	// Mixed at the close (a lone ballot waits for k others till then).
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	var got string
	v.e.DB.Pool.QueryRow(t.Context(), `SELECT string_agg(agenda_id::text, ',' ORDER BY position) FROM ballot_choices WHERE assembly_id = $1`, v.a.ID).Scan(&got)
	if got != ids[0]+","+ids[1] {
		t.Fatalf("stored %s", got)
	}
}

// On a budget ballot the agendas that no longer fit are marked, and one
// message in the bar says how much is left (English too).
func TestBrowserBudgetLimitSaysWhy(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{Method: assembly.MethodBudget, BudgetCap: 20_000_000}, true)
	codes := v.codes(t, 1, "onsite")
	ctx := servertest.Browser(t)
	ids := v.ids(0, 1, 2, 3, 4, 5)
	for _, c := range []struct{ lang, limit string }{
		{"ko", "남은 예산 8,000,000원보다 비싼 의제는 고를 수 없습니다"},
		{"en", "more than the KRW 8,000,000 left"},
	} {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(codes[0].URL+"&lang="+c.lang),
			chromedp.WaitVisible("#ballot-form"), centreClick("#c-"+ids[1])); err != nil {
			t.Fatal(err)
		}
		limit, err := chromedp.Run(ctx, chromedp.Text("#limit-text"))
		if err != nil || !strings.Contains(limit, c.limit) {
			st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + Array.from(document.querySelectorAll("input:checked")).map(function(e){return e.id}).join(",") + " js=" + document.getElementById("ballot-form").getAttribute("data-js")`))
			t.Fatalf("%s: limit message %q (%v) at %s", c.lang, limit, err, st)
		}
		off, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("input[name=choice][aria-disabled=true]")).map(function(e){return e.value}).join(",")`))
		if off != ids[4]+","+ids[5] {
			t.Fatalf("%s: unavailable %s, want the 9,500,000 and 15,000,000 agendas", c.lang, off)
		}
		wide, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
		if wide > 320 {
			t.Fatalf("%s: %d px wide at 320 px", c.lang, wide)
		}
	}
}

// The finished card sheet: its title says the cards are ready (not "making
// cards"), the instruction is printed at 10 pt or more without being cut
// off, and 16 cards print on exactly two A4 pages.
func TestCardSheetPrintsEightPerA4(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	sheet := printCards(t, v, 16, "onsite")
	title := regexp.MustCompile(`<title>([^<]*)</title>`).FindStringSubmatch(sheet)
	if title == nil || strings.Contains(title[1], "만드는 중") || !strings.Contains(title[1], "투표 카드 16장") {
		t.Fatalf("sheet title %q", title)
	}
	// The sheet is set as about:blank's content: its stylesheet link would
	// not resolve there, so the sheet's own CSS (as served) is put inline.
	link := regexp.MustCompile(`<link rel="stylesheet" href="([^"]+)">`).FindStringSubmatch(sheet)
	if link == nil {
		t.Fatal("the card sheet links no stylesheet")
	}
	css := v.e.Do(t, "GET", link[1], "", nil)
	if css.Status != 200 || !strings.Contains(string(css.Body), "@page") {
		t.Fatalf("card sheet CSS: %d", css.Status)
	}
	sheet = strings.Replace(sheet, link[0], "<style>"+string(css.Body)+"</style>", 1)
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatal(err)
	}
	tree, err := chromedp.Call(ctx, cdppage.GetFrameTree, cdp.Empty{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdppage.SetDocumentContent, cdppage.SetDocumentContentParams{FrameID: tree.FrameTree.Frame.ID, HTML: sheet}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
		t.Fatal(err)
	}
	size, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector(".how")).fontSize)`))
	if err != nil || size < 10*96/72.0-0.01 {
		t.Fatalf("instruction font %.2f px, want at least 10 pt (%v)", size, err)
	}
	// Nothing of a card is cut off by its overflow: hidden.
	cut, err := chromedp.Run(ctx, chromedp.Evaluate[int](`Array.from(document.querySelectorAll(".card")).filter(function(c){
		var b = c.getBoundingClientRect();
		return Array.from(c.children).some(function(e){ var r = e.getBoundingClientRect(); return r.bottom > b.bottom + 0.5 || r.right > b.right + 0.5; });
	}).length`))
	if err != nil || cut != 0 {
		t.Fatalf("%d cards overflow (%v)", cut, err)
	}
	yes := true
	pdf, err := chromedp.Call(ctx, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes})
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf.Data, -1))
	t.Logf("16 cards: %d PDF pages, instruction %.1f px", pages, size)
	if pages != 2 {
		t.Fatalf("16 cards printed on %d pages, want 2", pages)
	}
}

// A ranked ballot is tap-in-order: the first tap gives rank 1 (its points
// written on it), the next rank 2, a second tap takes one out and the
// ranks close up; the ranks go into the plain form's selects, so the
// confirm page lists them in rank order with their points. Each button's
// name is the agenda's number and title; whether it is ranked is its
// pressed state.
func TestBrowserTapInOrder(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{Method: assembly.MethodRanked, MaxChoices: 3}, true)
	codes := v.codes(t, 1, "onsite")
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(codes[0].URL), chromedp.WaitVisible("#ballot-form")); err != nil {
		t.Fatal(err)
	}
	ids := v.ids(0, 1, 2, 3)
	tap := func(i int) {
		t.Helper()
		if err := chromedp.Do(ctx, chromedp.Click("#tap-"+ids[i])); err != nil {
			t.Fatal(err)
		}
	}
	ranks := func() string {
		t.Helper()
		s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("select.rank")).map(function(s){return s.value||"-"}).join("")`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	if pts, _ := chromedp.Run(ctx, chromedp.Text("#points")); !strings.Contains(pts, "1순위 3점") || !strings.Contains(pts, "3순위 1점") {
		t.Fatalf("points per rank %q", pts)
	}
	tap(1)
	tap(0)
	if r := ranks(); !strings.HasPrefix(r, "21") {
		t.Fatalf("after tapping 2 then 1: ranks %s", r)
	}
	badge, _ := chromedp.Run(ctx, chromedp.Text("#tap-"+ids[1]+" .badge"))
	if !strings.Contains(badge, "1순위") || !strings.Contains(badge, "3점") {
		t.Fatalf("first tap's badge %q", badge)
	}
	tap(1) // take rank 1 out: the other becomes 1
	if r := ranks(); !strings.HasPrefix(r, "1-") {
		t.Fatalf("after undoing: ranks %s", r)
	}
	tap(3)
	tap(2)
	tap(1) // a fourth: refused, the bar says why
	if r := ranks(); !strings.HasPrefix(r, "1-32") {
		t.Fatalf("after four taps with three ranks: %s", r)
	}
	if msg, _ := chromedp.Run(ctx, chromedp.Text("#limit-text")); !strings.Contains(msg, "3순위까지 모두 매겼습니다") {
		t.Fatalf("full message %q", msg)
	}
	doc, err := chromedp.Call(ctx, dom.GetDocument, dom.GetDocumentParams{})
	if err != nil {
		t.Fatal(err)
	}
	q, err := chromedp.Call(ctx, dom.QuerySelector, dom.QuerySelectorParams{NodeID: doc.Root.NodeID, Selector: "#tap-" + ids[0]})
	if err != nil {
		t.Fatal(err)
	}
	no := false
	ax, err := chromedp.Call(ctx, accessibility.GetPartialAXTree, accessibility.GetPartialAXTreeParams{NodeID: q.NodeID, FetchRelatives: &no})
	if err != nil || len(ax.Nodes) == 0 || ax.Nodes[0].Name == nil {
		t.Fatalf("accessibility tree: %v", err)
	}
	var name string
	if err := json.Unmarshal(ax.Nodes[0].Name.Value, &name); err != nil {
		t.Fatal(err)
	}
	g := v.agendas[0]
	if !strings.Contains(name, fmt.Sprintf("%d. %s", g.Number, g.Title)) || !strings.Contains(name, "1순위") {
		t.Fatalf("the button's accessible name is %q", name)
	}
	sctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, centreClick("#next"), chromedp.WaitVisible("#cast")); err != nil {
		st, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " " + document.readyState + " " + document.title + " " + document.body.innerHTML.length + " " + document.body.innerText.replace(/\s+/g, " ").slice(0, 400)`))
		t.Fatalf("next: %v at %s", err, st)
	}
	list, _ := chromedp.Run(ctx, chromedp.Text("ol.chosen"))
	a, b, c := strings.Index(list, v.agendas[0].Title), strings.Index(list, v.agendas[3].Title), strings.Index(list, v.agendas[2].Title)
	if a < 0 || !(a < b && b < c) || !strings.Contains(list, "1순위 · 3점") {
		t.Fatalf("confirm list %q", list)
	}
}

// centreClick scrolls the element to the middle of the screen and clicks
// there, as a finger would: chromedp's Click misses an element that the
// sticky bar covers or that is itself in the sticky bar.
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
