package a11ytest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/accessibility"
	"github.com/chromedp/cdproto/dom"
	"github.com/chromedp/chromedp"
)

func checkOverflow(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	var o overflow
	if err := evalJSON(ctx, overflowJS, &o); err != nil {
		t.Fatal(err)
	}
	if o.ScrollWidth > o.ClientWidth || len(o.Outside) > 0 {
		t.Errorf("%s: content wider than the screen (scrollWidth %d > %d): %s", what, o.ScrollWidth, o.ClientWidth, strings.Join(o.Outside, "; "))
	}
	if len(o.Clipped) > 0 {
		t.Errorf("%s: content cut off: %s", what, strings.Join(o.Clipped, "; "))
	}
}

// CheckReflow loads url 320 CSS px wide (WCAG 1.4.10) and fails on
// horizontal scrolling of the page or content cut off. Tables inside a
// scrolling wrapper may scroll on their own.
func CheckReflow(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	defer chromedp.Do(ctx, chromedp.EmulateReset())
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640), chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	ReflowHere(t, ctx, url)
}

// settleJS waits until the page has been laid out again.
const settleJS = `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`

// ReflowHere is CheckReflow on the page as it is now; it leaves the
// viewport at 320 px (EmulateReset or CheckAllHere restore it).
func ReflowHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 640)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settleJS, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	checkOverflow(t, ctx, what+" at 320 px")
}

// CheckZoom loads url at 200 % (WCAG 1.4.4): a 640 CSS px viewport (a
// 1280 px window zoomed to 200 %) with the root font size doubled on top,
// and fails on horizontal scrolling or content cut off.
func CheckZoom(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	defer chromedp.Do(ctx, chromedp.EmulateReset())
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(640, 720), chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	ZoomHere(t, ctx, url)
}

// ZoomHere is CheckZoom on the page as it is now. It gives the root font
// size back afterwards and leaves the viewport at 640 px.
func ZoomHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(640, 720)); err != nil {
		t.Fatal(err)
	}
	js := `(() => { const de = document.documentElement; de.dataset.a11yFont = de.style.fontSize;
		de.style.fontSize = (parseFloat(getComputedStyle(de).fontSize) * 2) + 'px'; return ` + settleJS + `; })()`
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	defer chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => { const de = document.documentElement; de.style.fontSize = de.dataset.a11yFont || ''; return true; })()`))
	checkOverflow(t, ctx, what+" at 200 % zoom")
}

// MinTarget is the smallest touch target, in CSS px, on each side.
const MinTarget = 44

// targetsJS measures buttons, form controls, button-like links and menu
// links. A checkbox or radio counts with its label (the label is the
// target). Links inside running text are exempt (WCAG 2.5.8 inline).
const targetsJS = `(() => {
  const out = [];
  const sel = 'button, input:not([type=hidden]), select, textarea, a.btn, nav a, [role=button]';
  for (const el of document.querySelectorAll(sel)) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    let r = el.getBoundingClientRect();
    if (r.right < 0 || r.left < -1000) continue;
    if (el.type === 'checkbox' || el.type === 'radio') {
      const l = el.closest('label') || (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
      if (l) r = l.getBoundingClientRect();
    }
    if (r.width < MIN - 0.5 || r.height < MIN - 0.5)
      out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.name ? '[name=' + el.name + ']' : '') +
        ' "' + (el.innerText || el.value || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height));
  }
  return JSON.stringify(out);
})()`

// CheckTouchTargets loads url at phone width (360 px) and fails on a
// control smaller than 44×44 CSS px.
func CheckTouchTargets(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	defer chromedp.Do(ctx, chromedp.EmulateReset())
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740), chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	TouchTargetsHere(t, ctx, url)
}

// TouchTargetsHere is CheckTouchTargets on the page as it is now; it
// leaves the viewport at 360 px.
func TouchTargetsHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	url := what
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(360, 740)); err != nil {
		t.Fatal(err)
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](settleJS, chromedp.EvalAwaitPromise)); err != nil {
		t.Fatal(err)
	}
	var small []string
	if err := evalJSON(ctx, strings.Replace(targetsJS, "MIN", fmt.Sprint(MinTarget), -1), &small); err != nil {
		t.Fatal(err)
	}
	if len(small) > 0 {
		t.Errorf("%s: touch targets under %d px: %s", url, MinTarget, strings.Join(small, "; "))
	}
}

// controlRoles are the roles that must have an accessible name.
var controlRoles = map[string]bool{"button": true, "checkbox": true, "combobox": true, "listbox": true, "menuitem": true,
	"radio": true, "searchbox": true, "slider": true, "spinbutton": true, "switch": true, "textbox": true, "link": true, "tab": true}

// CheckNames loads url and fails on a control whose accessible name, as
// Chromium's accessibility tree (what a screen reader reads) computes it, is
// empty.
func CheckNames(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	NamesHere(t, ctx, url)
}

// NamesHere is CheckNames on the page as it is now.
func NamesHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	url := what
	tree, err := chromedp.Call(ctx, accessibility.GetFullAXTree, accessibility.GetFullAXTreeParams{})
	if err != nil {
		t.Fatal(err)
	}
	var nameless []string
	checked := 0
	for _, n := range tree.Nodes {
		if n.Ignored || n.Role == nil {
			continue
		}
		role := axString(n.Role)
		if !controlRoles[role] {
			continue
		}
		checked++
		if n.Name != nil && strings.TrimSpace(axString(n.Name)) != "" {
			continue
		}
		what := role
		if n.BackendDOMNodeID != 0 {
			if d, err := chromedp.Call(ctx, dom.DescribeNode, dom.DescribeNodeParams{BackendNodeID: n.BackendDOMNodeID}); err == nil && d.Node != nil {
				what += " <" + strings.ToLower(d.Node.NodeName) + " " + strings.Join(d.Node.Attributes, " ") + ">"
			}
		}
		nameless = append(nameless, what)
	}
	if len(nameless) > 0 {
		t.Errorf("%s: %d control(s) without an accessible name: %s", url, len(nameless), strings.Join(nameless, "; "))
	}
	_ = checked
}

func axString(v *accessibility.Value) string {
	if v == nil || len(v.Value) == 0 {
		return ""
	}
	var s string
	if err := json.Unmarshal([]byte(v.Value), &s); err != nil {
		return strings.Trim(string(v.Value), `"`)
	}
	return s
}

// barsJS finds bars that show an amount by colour and length alone: a
// .meter (the house's bar), progress, meter, or an ARIA progressbar/meter
// with neither an accessible name or value text nor a number written next
// to it (in its parent).
const barsJS = `(() => {
  const out = [];
  for (const el of document.querySelectorAll('.meter, progress, meter, [role=progressbar], [role=meter]')) {
    const cs = getComputedStyle(el);
    if (cs.display === 'none' || cs.visibility === 'hidden' || el.getClientRects().length === 0) continue;
    const named = ['aria-label', 'aria-labelledby', 'aria-valuetext', 'aria-describedby', 'title'].some(a => (el.getAttribute(a) || '').trim());
    const near = el.parentElement && /[0-9]/.test(el.parentElement.innerText);
    if (!named && !near) out.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className ? '.' + String(el.className).trim().split(/\s+/).join('.') : ''));
  }
  return JSON.stringify(out);
})()`

// CheckColour loads url and fails on a bar that tells an amount (a budget
// line, a turnout) by colour and length only, without text (WCAG 1.4.1).
func CheckColour(t testing.TB, ctx context.Context, url string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(url)); err != nil {
		t.Fatal(err)
	}
	ColourHere(t, ctx, url)
}

// ColourHere is CheckColour on the page as it is now.
func ColourHere(t testing.TB, ctx context.Context, what string) {
	t.Helper()
	var bars []string
	if err := evalJSON(ctx, barsJS, &bars); err != nil {
		t.Fatal(err)
	}
	if len(bars) > 0 {
		t.Errorf("%s: bars with no text, told by colour alone: %s", what, strings.Join(bars, "; "))
	}
}

// A check is one of the checks above, by name: Run loads a URL, Here
// checks the page the browser shows now (a step reached by a form).
type NamedCheck struct {
	Name string
	Run  func(t testing.TB, ctx context.Context, url string)
	Here func(t testing.TB, ctx context.Context, what string)
}

// Checks are every check, in the order CheckAll runs them.
var Checks = []NamedCheck{
	{"axe", Check, CheckHere},
	{"keyboard", CheckKeyboard, KeyboardHere},
	{"names", CheckNames, NamesHere},
	{"320px", CheckReflow, ReflowHere},
	{"zoom200", CheckZoom, ZoomHere},
	{"touch", CheckTouchTargets, TouchTargetsHere},
	{"colour", CheckColour, ColourHere},
}

// CheckAll runs every check on url as named subtests.
func CheckAll(t *testing.T, ctx context.Context, url string) {
	t.Helper()
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) { c.Run(t, ctx, url) })
	}
}

// CheckAllHere runs every check on the page the browser shows now, as
// named subtests, and then gives the viewport back and the focus to the
// top of the page, so that a keyboard flow can go on from there.
func CheckAllHere(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	defer chromedp.Do(ctx, chromedp.EmulateReset())
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) { c.Here(t, ctx, what) })
	}
}

// Collect runs check with a testing.TB that collects the failures it
// reports instead of failing t, and returns them. It is for a known fault
// that is routed to its owner: the test shows it without turning red. A
// Fatal (the browser or the page could not be reached) still fails t.
func Collect(t testing.TB, check func(tb testing.TB)) []string {
	c := &collector{TB: t}
	check(c)
	return c.msgs
}

type collector struct {
	testing.TB
	msgs []string
}

func (c *collector) Helper()                      {}
func (c *collector) Errorf(f string, args ...any) { c.msgs = append(c.msgs, fmt.Sprintf(f, args...)) }
func (c *collector) Error(args ...any)            { c.msgs = append(c.msgs, fmt.Sprint(args...)) }
func (c *collector) Fail()                        { c.msgs = append(c.msgs, "failed") }
func (c *collector) Failed() bool                 { return len(c.msgs) > 0 }

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n] + "…"
	}
	return s
}
