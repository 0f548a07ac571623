// Package a11ytest checks pages for accessibility in a real headless
// Chromium (a context from servertest.Browser): axe-core's WCAG 2.1 A/AA
// rules, keyboard-only reach with a visible focus, reflow at 320 px, 200 %
// zoom, 44 px touch targets, an accessible name on every control as
// Chromium's own accessibility tree computes it, and no bar told by colour
// alone.
//
// axe-core comes from npm (package.json at the module root; ./test.sh runs
// npm ci). A missing node_modules/axe-core fails the test with what to run.
//
// Each Check… navigates to the URL itself, so a test may call several of
// them on one browser context in turn; they must not run in parallel on one
// context.
package a11ytest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

// Tags are the axe-core rule sets run: WCAG 2.0 and 2.1, levels A and AA.
var Tags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// Violation is one axe-core rule broken on a page.
type Violation struct {
	ID      string `json:"id"`
	Impact  string `json:"impact"`
	Help    string `json:"help"`
	HelpURL string `json:"helpUrl"`
	Nodes   []struct {
		Target  []string `json:"target"`
		HTML    string   `json:"html"`
		Summary string   `json:"summary"`
	} `json:"nodes"`
}

// String lists the rule, its impact, the selectors and axe's help.
func (v Violation) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %s\n", v.ID, v.Impact, v.Help)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "    at %s: %s\n", strings.Join(n.Target, " "), oneLine(n.Summary, 300))
	}
	return b.String()
}

var (
	axeOnce sync.Once
	axeSrc  string
	axeErr  error
)

// axeSource reads node_modules/axe-core/axe.min.js from the module root.
func axeSource() (string, error) {
	axeOnce.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			axeErr = err
			return
		}
		p := filepath.Join(root, "node_modules", "axe-core", "axe.min.js")
		b, err := os.ReadFile(p)
		if err != nil {
			axeErr = fmt.Errorf("axe-core is missing (%v): run `npm ci` in %s (./test.sh does it)", err, root)
			return
		}
		axeSrc = string(b)
	})
	return axeSrc, axeErr
}

// moduleRoot walks up from the working directory to go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the working directory")
		}
		dir = parent
	}
}

// Axe navigates to url, injects axe-core and returns the WCAG 2.1 A/AA
// violations. Rules axe cannot decide ("incomplete") are not violations.
func Axe(ctx context.Context, url string) ([]Violation, error) {
	src, err := axeSource()
	if err != nil {
		return nil, err
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		return nil, fmt.Errorf("navigate %s: %w", url, err)
	}
	return AxeHere(ctx, src)
}

// AxeHere runs axe-core on the page the context shows now (for states
// reached by clicking, e.g. a ballot's later steps). src may be "" to read
// it from node_modules.
func AxeHere(ctx context.Context, src string) ([]Violation, error) {
	if src == "" {
		var err error
		if src, err = axeSource(); err != nil {
			return nil, err
		}
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](src+"\n;typeof axe === 'object'")); err != nil {
		return nil, fmt.Errorf("inject axe-core: %w", err)
	}
	tags, _ := json.Marshal(Tags)
	js := `axe.run(document, {runOnly: {type: 'tag', values: ` + string(tags) + `}, resultTypes: ['violations']})
		.then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary}))}))))`
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return nil, fmt.Errorf("run axe-core: %w", err)
	}
	var vs []Violation
	if err := json.Unmarshal([]byte(out), &vs); err != nil {
		return nil, err
	}
	return vs, nil
}

// Check fails the test with every WCAG 2.1 A/AA violation axe-core finds
// on url: the rule, its impact, the selectors and the help text.
func Check(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	vs, err := Axe(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	report(t, url, vs)
}

// CheckHere is Check on the page as it is now, without navigating.
func CheckHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	vs, err := AxeHere(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	report(t, what, vs)
}

func report(t testing.TB, what string, vs []Violation) {
	t.Helper()
	if len(vs) == 0 {
		return
	}
	var b strings.Builder
	for _, v := range vs {
		b.WriteString("  " + v.String())
	}
	t.Errorf("%s: %d accessibility violation(s) of WCAG 2.1 A/AA:\n%s", what, len(vs), b.String())
}

// evalJSON evaluates a JS expression that returns JSON and decodes it.
func evalJSON(ctx context.Context, js string, v any) error {
	out, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	return json.Unmarshal([]byte(out), v)
}

// interactiveJS marks every visible, enabled interactive element with
// data-a11y (its index) and returns their descriptions.
const interactiveJS = `(() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.disabled || el.closest('[inert]')) continue;
    const cs = getComputedStyle(el);
    if (cs.visibility === 'hidden' || cs.display === 'none' || el.getClientRects().length === 0) continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    el.dataset.a11y = String(out.length);
    out.push({i: out.length, what: describe(el), radio: el.type === 'radio' ? (el.form ? el.form.id + '|' : '') + el.name : '',
      segments: ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type)});
  }
  return JSON.stringify(out);
  function describe(el) {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (el.name) s += '[name=' + el.name + ']';
    if (el.type && el.tagName === 'INPUT') s += '[type=' + el.type + ']';
    const txt = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ').slice(0, 40);
    if (txt) s += ' "' + txt + '"';
    return s;
  }
})()`

// focusJS describes the focused element and whether its focus is visible:
// an outline, a box shadow, or a changed border/background against the
// unfocused look recorded in data-a11y-look.
const focusJS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return JSON.stringify({i: -1});
  const cs = getComputedStyle(el);
  const outline = cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0;
  const shadow = cs.boxShadow && cs.boxShadow !== 'none';
  // Date and time inputs take the focus in their fields (day, month, …),
  // which Chromium highlights itself.
  const segmented = ['date', 'time', 'datetime-local', 'month', 'week'].includes(el.type);
  return JSON.stringify({i: el.dataset.a11y === undefined ? -2 : Number(el.dataset.a11y), visible: !!(outline || shadow || segmented),
    what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '')});
})()`

// CheckKeyboard presses Tab through url and fails unless every visible,
// enabled interactive element is reached (one radio per group is enough:
// arrow keys move inside a group) and each shows a visible focus indicator.
func CheckKeyboard(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	KeyboardHere(t, ctx, url)
}

// blurJS takes the focus back to the top of the page, so that the next
// Tab reaches the first control: it focuses an empty, unfocusable-by-Tab
// span at the start of the body (a blur alone leaves Chromium's starting
// point where the focus was). dropStartJS removes it again.
const blurJS = `(() => { let s = document.getElementById('a11y-start');
  if (!s) { s = document.createElement('span'); s.id = 'a11y-start'; s.tabIndex = -1; document.body.prepend(s); }
  s.focus(); window.getSelection().removeAllRanges(); return true; })()`

const dropStartJS = `(() => { const s = document.getElementById('a11y-start'); if (s) { s.blur(); s.remove(); } return true; })()`

// KeyboardHere is CheckKeyboard on the page as it is now. It starts from
// the top of the page and leaves the focus there.
func KeyboardHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	url := what
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](blurJS)); err != nil {
		t.Fatal(err)
	}
	defer func() {
		chromedp.Run(ctx, chromedp.Evaluate[bool](blurJS))
		chromedp.Run(ctx, chromedp.Evaluate[bool](dropStartJS))
	}()
	var els []struct {
		I        int    `json:"i"`
		What     string `json:"what"`
		Radio    string `json:"radio"`
		Segments bool   `json:"segments"`
	}
	if err := evalJSON(ctx, interactiveJS, &els); err != nil {
		t.Fatal(err)
	}
	// One Tab per control, one more per field of a date or time input,
	// and a few for the browser's own stops.
	presses := len(els) + 3
	for _, e := range els {
		if e.Segments {
			presses += 6
		}
	}
	reached := map[int]bool{}
	noFocus := map[string]bool{}
	for step := 0; step < presses; step++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			t.Fatal(err)
		}
		var f struct {
			I       int    `json:"i"`
			Visible bool   `json:"visible"`
			What    string `json:"what"`
		}
		if err := evalJSON(ctx, focusJS, &f); err != nil {
			t.Fatal(err)
		}
		if f.I >= 0 {
			reached[f.I] = true
			if !f.Visible {
				noFocus[els[f.I].What] = true
			}
		}
	}
	groups := map[string]bool{}
	for _, e := range els {
		if e.Radio != "" && reached[e.I] {
			groups[e.Radio] = true
		}
	}
	var missed []string
	for _, e := range els {
		if !reached[e.I] && !(e.Radio != "" && groups[e.Radio]) {
			missed = append(missed, e.What)
		}
	}
	if len(missed) > 0 {
		t.Errorf("%s: Tab does not reach %d control(s): %s", url, len(missed), strings.Join(missed, "; "))
	}
	if len(noFocus) > 0 {
		t.Errorf("%s: no visible focus on: %s", url, strings.Join(keys(noFocus), "; "))
	}
}

// TabTo presses Tab until the focused element matches the CSS selector,
// at most max times, as a keyboard-only user would. It returns an error
// naming what had the focus if the selector is never reached.
func TabTo(ctx context.Context, selector string, max int) error {
	sel, _ := json.Marshal(selector)
	js := `(() => { const el = document.activeElement; return !!el && el.matches(` + string(sel) + `); })()`
	last := ""
	for i := 0; i < max; i++ {
		if err := chromedp.Do(ctx, chromedp.KeyEvent("\t")); err != nil {
			return err
		}
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js))
		if err != nil {
			return err
		}
		if ok {
			return nil
		}
		last, _ = chromedp.Run(ctx, chromedp.Evaluate[string](`(() => { const el = document.activeElement; return el ? el.outerHTML.slice(0, 120) : ''; })()`))
	}
	return fmt.Errorf("%d Tab presses did not reach %s (focus ended on %s)", max, selector, last)
}

// overflowJS reports horizontal overflow of the page and content cut off:
// elements reaching past the viewport (outside a scrolling container) and
// clipped boxes whose content is larger than the box.
const overflowJS = `(() => {
  const de = document.documentElement, vw = de.clientWidth;
  const out = {scrollWidth: de.scrollWidth, clientWidth: vw, outside: [], clipped: []};
  const scroller = el => { for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; } return false; };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '');
  for (const el of document.body.querySelectorAll('*')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || cs.position === 'fixed') continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;            // visually hidden helpers
    if (r.right < 0 || r.left < -1000) continue;              // parked off-screen (skip link)
    if (r.right > vw + 1 && !scroller(el) && out.outside.length < 8) out.outside.push(name(el) + ' right=' + Math.round(r.right));
    const clips = ['hidden', 'clip'].includes(cs.overflowX) || ['hidden', 'clip'].includes(cs.overflowY);
    if (clips && el.childElementCount + el.textContent.trim().length > 0 &&
        (el.scrollWidth > el.clientWidth + 2 || el.scrollHeight > el.clientHeight + 2) && out.clipped.length < 8)
      out.clipped.push(name(el) + ' ' + el.scrollWidth + 'x' + el.scrollHeight + ' in ' + el.clientWidth + 'x' + el.clientHeight);
  }
  return JSON.stringify(out);
})()`

type overflow struct {
	ScrollWidth int      `json:"scrollWidth"`
	ClientWidth int      `json:"clientWidth"`
	Outside     []string `json:"outside"`
	Clipped     []string `json:"clipped"`
}
