package e2e

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// recordViolations is run in every document before its own scripts: it
// keeps each securitypolicyviolation event (DevTools-injected scripts are
// not subject to the page's CSP).
const recordViolations = `window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
});`

// TestNoCSPViolations loads the pages residents and hosts use on the day —
// booklet, notice, ballot, projector (with its websocket), host overview,
// console, the printable QR cards, results — and fails on any Content
// Security Policy violation the browser reports, in the console or as an
// event. The policy allows no inline script, handler or style, so anything
// a template or script adds inline shows up here.
func TestNoCSPViolations(t *testing.T) {
	s := newSite(t, false)
	var mu sync.Mutex
	var console []string
	ctx := s.browser(t, page{As: "dong"})
	if err := chromedp.Listen(ctx, func(ev any) {
		var text string
		switch e := ev.(type) {
		case *log.EventEntryAdded:
			text = e.Entry.Text
		case *runtime.EventConsoleAPICalled:
			for _, a := range e.Args {
				text += string(a.Value) + " " + a.Description
			}
		case *runtime.EventExceptionThrown:
			text = e.ExceptionDetails.Text
			if e.ExceptionDetails.Exception != nil {
				text += " " + e.ExceptionDetails.Exception.Description
			}
		}
		if strings.Contains(text, "Content Security Policy") || strings.Contains(text, "Refused to") {
			mu.Lock()
			console = append(console, text)
			mu.Unlock()
		}
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Call(ctx, cdppage.AddScriptToEvaluateOnNewDocument,
		cdppage.AddScriptToEvaluateOnNewDocumentParams{Source: recordViolations}); err != nil {
		t.Fatal(err)
	}
	take := func() []string {
		mu.Lock()
		defer mu.Unlock()
		out := console
		console = nil
		return out
	}
	check := func(t *testing.T, name string) {
		t.Helper()
		time.Sleep(300 * time.Millisecond) // late reports (the projector's socket, app.js)
		events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp || []`))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for _, v := range append(events, take()...) {
			t.Errorf("%s: CSP violation: %s", name, v)
		}
	}
	names := map[string]bool{"booklet": true, "notice": true, "ballot: code entry": true, "ballot: with a code": true,
		"projector": true, "projector links": true, "host assembly": true, "host console": true, "paper ballots": true,
		"results": true, "host results": true, "home": true, "login": true, "error page": true, "rehearsal": true}
	for _, p := range pages {
		if !names[p.Name] {
			continue
		}
		t.Run(p.Name, func(t *testing.T) {
			u := s.e.URL + s.path(t, p, "ko")
			if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady("body")); err != nil {
				t.Fatal(err)
			}
			if p.Name == "projector" {
				// The live feed must connect: connect-src covers ws://.
				if _, err := chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("projector").dataset.online === "true"`,
					chromedp.WithPollingTimeout(5*time.Second))); err != nil {
					t.Errorf("projector: %v", err)
				}
			}
			check(t, p.Name)
		})
	}
	t.Run("QR cards", func(t *testing.T) {
		a := s.fixture(t, open)
		u := s.e.URL + "/host/assemblies/" + fmt.Sprint(a.ID) + "/console"
		err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.SetValue("#count", "3"),
			chromedp.Submit("#count"), chromedp.WaitVisible(".sheet img"))
		if err != nil {
			t.Fatal(err)
		}
		check(t, "QR cards")
	})
	// The check itself works: an inline script is refused and reported.
	t.Run("an inline script is caught", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(s.e.URL+"/"), chromedp.WaitReady("body")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Run(ctx, chromedp.Evaluate[int](`var x = document.createElement("script"); x.textContent = "window.ran = 1"; document.body.append(x); 0`)); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`!!window.ran`))
		if err != nil {
			t.Fatal(err)
		}
		events, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`window.__csp`))
		if err != nil {
			t.Fatal(err)
		}
		if ran || len(events) == 0 || len(take()) == 0 {
			t.Errorf("an injected inline script: ran=%v, events %v — the CSP or the listener does not work", ran, events)
		}
	})
}
