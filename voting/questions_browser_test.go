package voting_test

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/server/servertest"
)

// With JavaScript, "3개를 고르세요": the next button waits until exactly
// three agendas are chosen and the question answered, and a line says
// what is missing; then the ballot goes through with its answer.
func TestBrowserExactChoicesAndQuestion(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{MaxChoices: 3}, false)
	if _, err := v.e.DB.Pool.Exec(context.Background(), `UPDATE assemblies SET min_choices = 3 WHERE id = $1`, v.a.ID); err != nil {
		t.Fatal(err)
	}
	q := v.addQuestion(t, "자치계획(안)에 찬성하십니까?", "majority")
	v.open(t)
	code := v.codes(t, 1, "onsite")[0]
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800), chromedp.Navigate(code.URL), chromedp.WaitVisible("#ballot-form")); err != nil {
		t.Fatal(err)
	}
	state := func() (bool, string) {
		t.Helper()
		dis, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector("#ballot-form button[type=submit]").disabled`))
		if err != nil {
			t.Fatal(err)
		}
		txt, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("wait-text").textContent`))
		return dis, txt
	}
	if dis, txt := state(); !dis || !strings.Contains(txt, "3개를 더 골라야") || !strings.Contains(txt, "찬반 안건에 모두 답해야") {
		t.Fatalf("nothing chosen: disabled %v, %q", dis, txt)
	}
	ids := v.ids(0, 2, 4)
	// Each box is brought to the middle of the screen first, as a resident
	// scrolling would: at the bottom edge the sticky bar covers it.
	tap := func(sel string) error {
		return chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.querySelector("`+sel+`").scrollIntoView({block: "center"})`), chromedp.Click(sel))
	}
	for _, id := range ids {
		if err := tap("#c-" + id); err != nil {
			t.Fatal(err)
		}
	}
	if dis, txt := state(); !dis || strings.Contains(txt, "더 골라야") || !strings.Contains(txt, "찬반 안건") {
		t.Fatalf("three chosen, question open: disabled %v, %q", dis, txt)
	}
	if err := tap("#a-" + q + "-yes"); err != nil {
		t.Fatal(err)
	}
	if dis, txt := state(); dis || txt != "" {
		t.Fatalf("all done: disabled %v, %q", dis, txt)
	}
	if err := chromedp.Do(ctx, chromedp.Click(`#ballot-form button[type=submit]`), chromedp.WaitVisible("#cast"),
		chromedp.Click("#cast"), chromedp.WaitVisible("#receipt")); err != nil {
		t.Fatal(err)
	}
	if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 {
		t.Fatalf("close: %d", r.Status)
	}
	if n := v.count(t, `SELECT count(*) FROM ballot_answers WHERE assembly_id = $1 AND answer = 'yes'`, v.a.ID); n != 1 {
		t.Fatalf("%d answers stored", n)
	}
}
