package result_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/server/servertest"
)

func TestResultsPageInBrowser(t *testing.T) {
	e := servertest.Start(t)
	dong := e.NewHost(t, "dong", "마포구", "성산1동")
	a, _, receipts := closedVote(t, e, servertest.FixtureOptions{}, standardVotes())
	ctx := servertest.Browser(t)

	// Before the announcement residents see a notice, not the numbers.
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/r/"+a.Slug), chromedp.WaitVisible("#result-pending")); err != nil {
		t.Fatal(err)
	}
	if n, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("#ranking").length`)); err != nil || n != 0 {
		t.Fatalf("ranking shown before the announcement: %d %v", n, err)
	}
	if r := dong.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/announce", a.ID), nil); r.Status != 200 {
		t.Fatalf("announce: %d", r.Status)
	}

	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/r/"+a.Slug), chromedp.WaitVisible("#ranking")); err != nil {
		t.Fatal(err)
	}
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#ranking tr.agenda-row")].map(r => r.dataset.rank + ":" + r.cells[1].innerText.trim() + ":" + r.dataset.selected)`))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"1:1 의제 1:true", "2:2 의제 2:true", "3:6 의제 6:false", "4:3 의제 3:true", "5:5 의제 5:false", "6:4 의제 4:true"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Fatalf("rows %q, want %q", rows, want)
	}
	// The budget line is text, and it sits after the last selected agenda.
	line, err := chromedp.Run(ctx, chromedp.Text("#budget-line"))
	if err != nil || !strings.Contains(line, "예산 한도선") || !strings.Contains(line, "28,000,000원") {
		t.Fatalf("budget line %q %v", line, err)
	}
	after, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#budget-line").previousElementSibling.dataset.rank`))
	if err != nil || after != "6" {
		t.Fatalf("the budget line follows rank %q", after)
	}
	// Each result is said in words, not only in colour.
	tags, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll("#ranking .tag")].map(x => x.innerText.trim())`))
	if err != nil || tags[2] != "예산 한도 밖 — 별도 재원" || tags[0] != "✔ 선정" {
		t.Fatalf("tags %q %v", tags, err)
	}
	tie, err := chromedp.Run(ctx, chromedp.Text("#tie-break"))
	if err != nil || !strings.Contains(tie, "사업비가 적은 의제가 앞서고") {
		t.Fatalf("tie-break %q", tie)
	}
	turnout, err := chromedp.Run(ctx, chromedp.Text("#turnout"))
	if err != nil || !strings.Contains(turnout, "현장투표") || !strings.Contains(turnout, "6 (50%)") {
		t.Fatalf("turnout %q", turnout)
	}
	// The bars: the first agenda's bar is the longest.
	widths, err := chromedp.Run(ctx, chromedp.Evaluate[[]float64](`[...document.querySelectorAll("#ranking .bar > span")].map(s => s.getBoundingClientRect().width)`))
	if err != nil || len(widths) != 6 || widths[0] <= widths[1] || widths[5] >= widths[4] {
		t.Fatalf("bar widths %v %v", widths, err)
	}

	// The receipt check says yes without saying what was chosen.
	if err := chromedp.Do(ctx,
		chromedp.SendKeys("#receipt-input", receipts[2]),
		chromedp.Submit("#receipt-input"),
		chromedp.WaitVisible("#receipt-answer"),
	); err != nil {
		t.Fatal(err)
	}
	ans, err := chromedp.Run(ctx, chromedp.Text("#receipt-answer"))
	if err != nil || !strings.Contains(ans, "집계된 투표에 포함되어 있습니다") {
		t.Fatalf("receipt answer %q %v", ans, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.SetValue("#receipt-input", "ZZZZ-ZZZZ-ZZZZ"),
		chromedp.Submit("#receipt-input"),
		chromedp.WaitVisible("#receipt-answer"),
	); err != nil {
		t.Fatal(err)
	}
	if ans, _ := chromedp.Run(ctx, chromedp.Text("#receipt-answer")); !strings.Contains(ans, "찾지 못했습니다") {
		t.Fatalf("unknown receipt answer %q", ans)
	}

	// At 320 px nothing but the ranking table scrolls sideways.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(e.URL+"/r/"+a.Slug), chromedp.WaitVisible("#ranking")); err != nil {
		t.Fatal(err)
	}
	over, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > document.documentElement.clientWidth`))
	if err != nil || over {
		t.Fatalf("the page scrolls sideways at 320 px: %v %v", over, err)
	}
	if dir := os.Getenv("MAEUL_ARTIFACTS"); dir != "" {
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "results-320.png"), png, 0o644)
		}
	}

	// It prints on A4.
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(1024, 900)); err != nil {
		t.Fatal(err)
	}
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4)))
	if err != nil {
		t.Fatal(err)
	}
	if len(pdf) < 1000 || !strings.HasPrefix(string(pdf), "%PDF") {
		t.Fatalf("print to PDF: %d bytes", len(pdf))
	}
	if dir := os.Getenv("MAEUL_ARTIFACTS"); dir != "" {
		os.WriteFile(filepath.Join(dir, "results.pdf"), pdf, 0o644)
		if png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100)); err == nil {
			os.WriteFile(filepath.Join(dir, "results.png"), png, 0o644)
		}
	}
}
