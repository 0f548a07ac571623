package a11ytest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/database/dbtest"
	"maeul/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const good = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Good</title><style>body{font:18px/1.5 sans-serif;margin:0}main{padding:1rem}
button,input{min-height:48px;min-width:48px;font:inherit}button:focus-visible,input:focus-visible{outline:3px solid #000}</style></head>
<body><main><h1>Good page</h1><form><label for="n">Name</label><input id="n" name="n"><label for="d">When</label><input id="d" name="d" type="datetime-local"><button type="submit">Send</button></form><p>Spent 12 of 30</p><div class="meter"><span style="width:40%"></span></div></main></body></html>`

const bad = `<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Bad</title><style>body{margin:0}button:focus{outline:none}.wide{width:900px;background:#eee}
.clip{height:20px;overflow:hidden}p.low{color:#bbb;background:#fff}</style></head>
<body><img src="/x.png"><p class="low">Low contrast text</p><input id="nolabel" name="q">
<button id="tiny" style="padding:0;font-size:10px">x</button><a id="unreachable" href="/" tabindex="-1">Home</a>
<div class="wide">wide content</div><div><div class="meter" id="bar"><span style="width:40%"></span></div></div><div class="clip">line one<br>line two<br>line three</div></body></html>`

func TestChecksFindKnownFaults(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/good":
			fmt.Fprint(w, good)
		case "/bad":
			fmt.Fprint(w, bad)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	ctx := servertest.Browser(t)
	want := map[string][]string{
		"axe":      {"image-alt", "label", "html-has-lang", "color-contrast", "#nolabel"},
		"keyboard": {"Tab does not reach", "a#unreachable", "no visible focus", "button#tiny"},
		"names":    {"without an accessible name", "textbox", "nolabel"},
		"320px":    {"wider than the screen", "div.wide", "cut off", "div.clip"},
		"zoom200":  {"at 200 % zoom", "div.wide"},
		"touch":    {"touch targets under 44 px", "button#tiny"},
		"colour":   {"told by colour alone", "div#bar.meter"},
	}
	for _, c := range Checks {
		t.Run(c.Name, func(t *testing.T) {
			if len(want[c.Name]) == 0 {
				t.Fatalf("no known fault for the check %q", c.Name)
			}
			if msgs := Collect(t, func(tb testing.TB) { c.Run(tb, ctx, srv.URL+"/good") }); len(msgs) > 0 {
				t.Errorf("the good page fails:\n%s", strings.Join(msgs, "\n"))
			}
			got := strings.Join(Collect(t, func(tb testing.TB) { c.Run(tb, ctx, srv.URL+"/bad") }), "\n")
			for _, w := range want[c.Name] {
				if !strings.Contains(got, w) {
					t.Errorf("the bad page's report lacks %q:\n%s", w, got)
				}
			}
			// The same check on the page as it is, without loading it.
			for _, pg := range []string{"/good", "/bad"} {
				if err := chromedp.Do(ctx, chromedp.EmulateReset(), chromedp.Navigate(srv.URL+pg)); err != nil {
					t.Fatal(err)
				}
				got := strings.Join(Collect(t, func(tb testing.TB) { c.Here(tb, ctx, pg) }), "\n")
				if pg == "/good" && got != "" {
					t.Errorf("here: the good page fails:\n%s", got)
				}
				if pg == "/bad" && !strings.Contains(got, want[c.Name][0]) {
					t.Errorf("here: the bad page's report lacks %q:\n%s", want[c.Name][0], got)
				}
			}
			chromedp.Do(ctx, chromedp.EmulateReset())
		})
	}
}
