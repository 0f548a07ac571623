package e2e

import (
	"context"
	"net/url"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"maeul/account"
	"maeul/assembly"
	"maeul/server/servertest"
	"maeul/voting"
)

// Chrome DevTools' "Fast 3G" preset: 1.6 Mbit/s down and 750 kbit/s up at
// 90 % goodput, 150 ms latency × 3.75 = 562.5 ms round trip.
var fast3G = network.Conditions{Latency: 562.5, DownloadThroughput: 1.6e6 * 0.9 / 8, UploadThroughput: 750e3 * 0.9 / 8}

// BenchmarkBallotFast3G opens the demo ballot page from a QR code's URL in
// Chromium over an emulated Fast 3G line, with an empty cache each time,
// and reports the time to the load event (ms/load) and the bytes received
// (B/load), with the server's compression off and on:
//
//	go test -run '^$' -bench BallotFast3G -benchtime 5x ./e2e/
func BenchmarkBallotFast3G(b *testing.B) {
	e := servertest.Start(b)
	host := e.NewHost(b, account.RoleDong, "마포구", "성산1동")
	ctx := context.Background()
	demo, err := assembly.SeedDemo(ctx, e.Server.Assemblies, host.User)
	if err != nil {
		b.Fatal(err)
	}
	codes, err := voting.DemoCodes(ctx, e.Server.Voting, demo, host.User, 1)
	if err != nil || len(codes) == 0 {
		b.Fatalf("issue a code: %v", err)
	}
	target := e.URL + "/v/" + demo.Slug + "?code=" + url.QueryEscape(codes[0].Code)
	bctx := servertest.Browser(b, chromedp.WindowSize(412, 915))
	if _, err := chromedp.Call(bctx, network.Enable, network.EnableParams{}); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(bctx, network.SetCacheDisabled, network.SetCacheDisabledParams{CacheDisabled: true}); err != nil {
		b.Fatal(err)
	}
	if _, err := chromedp.Call(bctx, network.EmulateNetworkConditionsByRule,
		network.EmulateNetworkConditionsByRuleParams{MatchedNetworkConditions: []*network.Conditions{&fast3G}}); err != nil {
		b.Fatal(err)
	}
	for _, compress := range []bool{false, true} {
		name := "compression=off"
		if compress {
			name = "compression=on"
		}
		b.Run(name, func(b *testing.B) {
			e.Server.Env.NoCompression.Store(!compress)
			var loadMS, bytes float64
			for i := 0; i < b.N; i++ {
				if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
					b.Fatal(err)
				}
				if err := chromedp.Do(bctx, chromedp.Navigate(target)); err != nil {
					b.Fatal(err)
				}
				// Navigation Timing: start of navigation to the load event's
				// end, and the bytes transferred (headers and bodies) for the
				// page and what it loaded.
				m, err := chromedp.Run(bctx, chromedp.Evaluate[[]float64](`(function(){
					var n = performance.getEntriesByType("navigation")[0], t = n.transferSize;
					performance.getEntriesByType("resource").forEach(function(r){ t += r.transferSize; });
					return [n.loadEventEnd - n.startTime, t];
				})()`))
				if err != nil || len(m) != 2 {
					b.Fatalf("timing: %v %v", m, err)
				}
				loadMS += m[0]
				bytes += m[1]
				if i == b.N-1 {
					// Where the time went, for the last load.
					w, err := chromedp.Run(bctx, chromedp.Evaluate[string](`(function(){
						var n = performance.getEntriesByType("navigation")[0], f = function(x){ return Math.round(x); };
						var s = "ms from the start: redirects " + f(n.redirectStart) + "–" + f(n.redirectEnd) + " · fetch " + f(n.fetchStart) +
							" · connect " + f(n.connectStart) + "–" + f(n.connectEnd) + " · request " + f(n.requestStart) +
							" · first byte " + f(n.responseStart) + " · last byte " + f(n.responseEnd) + " · DOM interactive " + f(n.domInteractive) + " · DOM ready " + f(n.domContentLoadedEventStart) + "–" + f(n.domContentLoadedEventEnd) +
							" · load " + f(n.loadEventEnd);
						performance.getEntriesByType("resource").forEach(function(r){ s += " · " + r.name.split("/").pop() + " " + f(r.startTime) + "–" + f(r.responseEnd); });
						return s;
					})()`))
					if err == nil {
						b.Logf("%s", w)
					}
				}
			}
			b.ReportMetric(loadMS/float64(b.N), "ms/load")
			b.ReportMetric(bytes/float64(b.N), "B/load")
		})
	}
	e.Server.Env.NoCompression.Store(false)
}
