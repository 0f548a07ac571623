package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"maeul/i18n"
)

// untranslatedJS returns the page's text (and the texts of alt, title,
// placeholder, aria-label and button values) that holds Hangul, outside
// elements marked lang="ko" (the language switch), and any "⟦key⟧" of a
// missing catalogue key anywhere in the document.
const untranslatedJS = `(() => {
  const hangul = /[\u1100-\u11FF\u3130-\u318F\uAC00-\uD7AF]/;
  const out = {hangul: [], keys: []};
  const m = document.documentElement.outerHTML.match(/⟦[^⟧]*⟧/g);
  if (m) out.keys = [...new Set(m)];
  if (hangul.test(document.title)) out.hangul.push('<title> ' + document.title);
  const ko = el => el && el.closest('[lang^="ko"]');
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n; (n = walker.nextNode());) {
    const p = n.parentElement;
    if (!p || ['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(p.tagName) || ko(p)) continue;
    if (hangul.test(n.nodeValue)) out.hangul.push(p.tagName.toLowerCase() + ': ' + n.nodeValue.trim().slice(0, 80));
  }
  for (const el of document.querySelectorAll('[alt], [title], [placeholder], [aria-label], input[type=submit], input[type=button], meta[name=description]')) {
    if (ko(el)) continue;
    for (const a of ['alt', 'title', 'placeholder', 'aria-label', 'value', 'content']) {
      const v = el.getAttribute(a);
      if (v && hangul.test(v) && (a !== 'value' || el.type === 'submit' || el.type === 'button'))
        out.hangul.push(el.tagName.toLowerCase() + '[' + a + ']: ' + v.slice(0, 80));
    }
  }
  return JSON.stringify(out);
})()`

// TestEnglishComplete renders every page in English with ASCII-only user
// data and fails on a missing catalogue key or Hangul the service wrote.
func TestEnglishComplete(t *testing.T) {
	t.Run("every key has English", func(t *testing.T) {
		for _, k := range i18n.Default.Keys() {
			if en := i18n.T("en", k); strings.TrimSpace(en) == "" || en == i18n.T("ko", k) && hasHangul(en) {
				t.Errorf("%s has no English text", k)
			}
		}
	})
	s := newSite(t, true)
	for _, p := range pages {
		t.Run(p.Name, func(t *testing.T) {
			ctx := s.browser(t, p)
			var faults []string
			defer func() {
				if p.known("en", "english") {
					reportKnown(t, "english", faults)
				} else {
					for _, f := range faults {
						t.Error(f)
					}
				}
			}()
			for _, lang := range []string{"en", "ko"} {
				u := s.e.URL + s.path(t, p, lang)
				if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
					t.Fatal(err)
				}
				var got struct {
					Hangul []string `json:"hangul"`
					Keys   []string `json:"keys"`
				}
				out, err := chromedp.Run(ctx, chromedp.Evaluate[string](untranslatedJS))
				if err != nil {
					t.Fatal(err)
				}
				if err := jsonUnmarshal(out, &got); err != nil {
					t.Fatal(err)
				}
				if len(got.Keys) > 0 {
					faults = append(faults, fmt.Sprintf("%s: untranslated keys: %s", u, strings.Join(got.Keys, ", ")))
				}
				if lang == "en" && len(got.Hangul) > 0 {
					faults = append(faults, fmt.Sprintf("%s: Korean text on the English page:\n  %s", u, strings.Join(got.Hangul, "\n  ")))
				}
			}
		})
	}
}

func hasHangul(s string) bool {
	for _, r := range s {
		if r >= 0xAC00 && r <= 0xD7AF || r >= 0x1100 && r <= 0x11FF || r >= 0x3130 && r <= 0x318F {
			return true
		}
	}
	return false
}
