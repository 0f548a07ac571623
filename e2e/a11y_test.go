package e2e

import (
	"strings"
	"testing"

	"maeul/server/a11ytest"
)

// TestAccessibility runs every a11ytest check (axe-core WCAG 2.1 A/AA,
// keyboard reach and visible focus, accessible names, 320 px reflow, 200 %
// zoom, 44 px touch targets) on every page, in Korean and in English.
func TestAccessibility(t *testing.T) {
	s := newSite(t, false)
	for _, p := range pages {
		t.Run(p.Name, func(t *testing.T) {
			ctx := s.browser(t, p)
			for _, lang := range []string{"ko", "en"} {
				t.Run(lang, func(t *testing.T) {
					u := s.e.URL + s.path(t, p, lang)
					for _, c := range a11ytest.Checks {
						t.Run(c.Name, func(t *testing.T) {
							if !p.known(lang, c.Name) {
								c.Run(t, ctx, u)
								return
							}
							msgs := a11ytest.Collect(t, func(tb testing.TB) { c.Run(tb, ctx, u) })
							reportKnown(t, c.Name, msgs)
						})
					}
				})
			}
		})
	}
}

// reportKnown prints what a check with a known, routed fault found.
func reportKnown(t *testing.T, check string, msgs []string) {
	if len(msgs) == 0 {
		t.Logf("KNOWN FAULT FIXED in %s: %q passes now; remove it from Known in e2e/main_test.go", t.Name(), check)
		return
	}
	t.Logf("known fault in %s (routed, not failing):\n%s", t.Name(), strings.Join(msgs, "\n"))
}
