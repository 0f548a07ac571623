package e2e

import (
	"context"
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

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
					if err := chromedp.Do(ctx, chromedp.Navigate(fmt.Sprintf("%s/v/%s?lang=%s", s.e.URL, a.Slug, lang))); err != nil {
						t.Fatal(err)
					}
					step("code step", "#code")
					step("choose step", "#ballot-form", tab("#code"), press(codes[0].Code), press("\r"))
					first, second := fmt.Sprint(gs[0].ID), fmt.Sprint(gs[1].ID)
					if method == assembly.MethodRanked {
						// Rank 1 for the first agenda, rank 2 for the second.
						step("ranked", "#ballot-form", tab("#rank-"+first), press(kbDown), tab("#rank-"+second), press(kbDown), press(kbDown))
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

// kbDown is the arrow-down key, which moves a closed select to its next option.
const kbDown = kb.ArrowDown

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
