package assembly_test

import (
	"bytes"
	"image/png"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/server/servertest"
)

// TestBrowser opens the booklet and the notice in a real headless Chromium:
// the agenda is visible, an opinion can be sent from the form, the notice's
// QR <img> loads and decodes back to the booklet's URL, and at 320 px wide
// nothing scrolls sideways.
func TestBrowser(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{})
	fullAgenda(t, e, a, gs[0])
	host := e.NewHost(t, account.RoleDong, "마포구", "성산1동")
	if r := apiUpload(t, e, host.Token, "/api/v1/assemblies/"+a.IDString()+"/agendas/"+gs[0].IDString()+"/photos", testPNG(t, 2000, 1500)); r.Status != 201 {
		t.Fatalf("photo upload: %d %s", r.Status, r.Body)
	}
	booklet := e.URL + "/a/" + a.Slug
	ctx := servertest.Browser(t)

	t.Run("booklet", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(booklet), chromedp.WaitVisible("#agenda-1-h")); err != nil {
			t.Fatal(err)
		}
		title, err := chromedp.Run(ctx, chromedp.Text("#agenda-1-h"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(title, "주민과 상인, 우리 지금 만나!") {
			t.Errorf("agenda heading %q", title)
		}
		lazy, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('#agenda-1 .photos img').loading`))
		if err != nil || lazy != "lazy" {
			t.Errorf("photo loading=%q (%v)", lazy, err)
		}
	})

	t.Run("opinion form", func(t *testing.T) {
		id := gs[0].IDString()
		err := chromedp.Do(ctx,
			chromedp.Navigate(booklet+"#opinions-"+id),
			chromedp.Click("#opinions-"+id+" summary"),
			chromedp.WaitVisible("#body-"+id),
			chromedp.SendKeys("#author-"+id, "브라우저 주민"),
			chromedp.SendKeys("#body-"+id, "<script>window.pwned=1</script> 찬성합니다"),
			chromedp.Click("#opinions-"+id+" form.opinion-form button[type=submit]"),
			chromedp.WaitVisible("#opinions-"+id+" .ok-box"),
		)
		if err != nil {
			t.Fatal(err)
		}
		text, err := chromedp.Run(ctx, chromedp.Text("#opinions-"+id+" .opinion-list"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(text, "<script>window.pwned=1</script> 찬성합니다") || !strings.Contains(text, "브라우저 주민") {
			t.Errorf("opinion list reads %q", text)
		}
		pwned, _ := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.pwned === 1`))
		if pwned {
			t.Error("the opinion's script ran")
		}
	})

	t.Run("notice QR", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.Navigate(booklet+"/notice"), chromedp.WaitVisible("img.qr")); err != nil {
			t.Fatal(err)
		}
		var loaded bool
		for range 50 {
			loaded, _ = chromedp.Run(ctx, chromedp.Evaluate[bool](`(function(){var i=document.querySelector('img.qr');return i.complete && i.naturalWidth > 0})()`))
			if loaded {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
		if !loaded {
			t.Fatal("the QR image did not load")
		}
		src, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('img.qr').src`))
		if err != nil {
			t.Fatal(err)
		}
		if src != booklet+"/qr.png" {
			t.Errorf("QR src %q", src)
		}
		res, err := http.Get(src)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if got := decodeQR(t, b); got != booklet {
			t.Errorf("fetched QR says %q, want %q", got, booklet)
		}
		shot, err := chromedp.Run(ctx, chromedp.Screenshot("img.qr", chromedp.NodeVisible))
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(shot))
		if err != nil {
			t.Fatal(err)
		}
		if got := decodeQRImage(t, img); got != booklet {
			t.Errorf("screenshot of the QR says %q, want %q", got, booklet)
		}
		url, err := chromedp.Run(ctx, chromedp.Text(".qr-text .url"))
		if err != nil || strings.TrimSpace(url) != booklet {
			t.Errorf("printed URL %q (%v)", url, err)
		}
	})

	t.Run("print", func(t *testing.T) {
		costs := make([]int64, 10)
		for i := range costs {
			costs[i] = int64(i+1) * 1_500_000
		}
		ten, tgs := e.Fixture(t, servertest.FixtureOptions{Costs: costs})
		fullAgenda(t, e, ten, tgs[0])
		for _, g := range tgs[1:] {
			e.DB.Pool.Exec(t.Context(), `UPDATE agendas SET title = '우리 동네 골목길 안전하게 밝히기 — 태양광 보안등과 안심 반사경 설치 ' || number WHERE id = $1`, g.ID)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/a/"+ten.Slug+"/notice"), chromedp.WaitVisible("img.qr")); err != nil {
			t.Fatal(err)
		}
		pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
		if err != nil {
			t.Fatal(err)
		}
		if n := pdfPages(pdf); n != 1 {
			t.Errorf("the notice of ten agendas prints on %d A4 pages, want 1", n)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/a/"+ten.Slug), chromedp.WaitVisible("#agenda-1-h")); err != nil {
			t.Fatal(err)
		}
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"}); err != nil {
			t.Fatal(err)
		}
		defer chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`Array.from(document.querySelectorAll('form, .opinions, header.site')).every(function(el){return getComputedStyle(el).display === 'none'})`))
		if err != nil || !ok {
			t.Errorf("forms show in print (%v)", err)
		}
		avoid, err := chromedp.Run(ctx, chromedp.Evaluate[string](`getComputedStyle(document.querySelector('.booklet-agenda')).breakInside`))
		if err != nil || avoid != "avoid" {
			t.Errorf("agendas break-inside %q (%v)", avoid, err)
		}
	})

	t.Run("320 px", func(t *testing.T) {
		if err := chromedp.Do(ctx, chromedp.EmulateViewport(320, 800)); err != nil {
			t.Fatal(err)
		}
		if iw, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`window.innerWidth`)); iw != 320 {
			t.Fatalf("viewport is %d px wide, want 320", iw)
		}
		for _, p := range []string{booklet, booklet + "/notice", e.URL + "/"} {
			if err := chromedp.Do(ctx, chromedp.Navigate(p), chromedp.WaitVisible("main")); err != nil {
				t.Fatal(err)
			}
			w, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			if err != nil {
				t.Fatal(err)
			}
			if w > 320 {
				wide, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`Array.from(document.querySelectorAll('body *')).filter(function(el){return el.getBoundingClientRect().right > 320}).slice(0,5).map(function(el){return el.tagName+'.'+el.className}).join(', ')`))
				t.Errorf("%s is %d px wide at 320 px (too wide: %s)", p, w, wide)
			}
		}
	})
}

var pdfCount = regexp.MustCompile(`/Type\s*/Pages\b[^>]*?/Count\s+(\d+)|/Count\s+(\d+)[^>]*?/Type\s*/Pages\b`)

// pdfPages reads the page count of a PDF's page tree (Chromium writes it
// uncompressed).
func pdfPages(pdf []byte) int {
	n := 0
	for _, m := range pdfCount.FindAllSubmatch(pdf, -1) {
		v := m[1]
		if v == nil {
			v = m[2]
		}
		if c, _ := strconv.Atoi(string(v)); c > n {
			n = c
		}
	}
	return n
}
