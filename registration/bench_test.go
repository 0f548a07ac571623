package registration_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"maeul/server/servertest"
)

// BenchmarkDeskThroughput measures the registration desk with the keyboard
// only, in Chromium: per person, the name, Tab, 8 digits of the date of
// birth, Enter; the next page has the code and the name field focused
// again. It reports registrations per minute the page allows (the
// service's and the browser's share of a person's turn; a staff member's
// typing and the ID check come on top).
//
//	go test -run '^$' -bench DeskThroughput -benchtime 100x ./registration/
func BenchmarkDeskThroughput(b *testing.B) {
	e := servertest.Start(b)
	h := e.NewHost(b, "dong", "마포구", "성산1동")
	a := eligibleAssembly(b, e, time.Now().Add(24*time.Hour))
	ctx := servertest.Browser(b)
	desk := fmt.Sprintf("%s/host/assemblies/%d/registrations", e.URL, a.ID)
	if err := chromedp.Do(ctx, chromedp.Navigate(e.URL+"/login"), chromedp.SendKeys("#email", h.Email),
		chromedp.SendKeys("#password", "correct horse battery\r"), chromedp.WaitVisible(`form[action="/logout"]`),
		chromedp.Navigate(desk), chromedp.WaitVisible("#name")); err != nil {
		b.Fatal(err)
	}
	prev := ""
	keys := 0
	var typing time.Duration
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		name := fmt.Sprintf("주민%d", i)
		birth := fmt.Sprintf("19%02d%02d%02d", 30+i%60, 1+i%12, 1+i%28)
		// The name field has the focus: type into it, Tab, date, Enter.
		t0 := time.Now()
		if err := chromedp.Do(ctx, chromedp.KeyEvent(name+"\t"+birth+"\r")); err != nil {
			b.Fatal(err)
		}
		typing += time.Since(t0)
		keys += len([]rune(name)) + 1 + len(birth) + 1
		for deadline := time.Now().Add(10 * time.Second); ; {
			code, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(function(){ var d = document.getElementById("done-code");
				return document.readyState === "complete" && d && document.activeElement && document.activeElement.id === "name" ? d.textContent : ""; })()`))
			if err == nil && code != "" && code != prev {
				prev = code
				break
			}
			if time.Now().After(deadline) {
				msg, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`(document.getElementById("desk-error")||{}).textContent || location.href`))
				b.Fatalf("registration %d never showed its code (%v): %s", i, err, msg)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	el := time.Since(start)
	b.StopTimer()
	b.ReportMetric(float64(b.N)/el.Minutes(), "registrations/min")
	b.ReportMetric(float64(keys)/float64(b.N), "keys/registration")
	b.ReportMetric(typing.Seconds()*1000/float64(b.N), "ms-typing/registration")
}
