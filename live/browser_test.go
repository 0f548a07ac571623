package live_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"maeul/account"
	"maeul/assembly"
	"maeul/live"
	"maeul/server/servertest"
	"maeul/voting"
)

func TestProjectorInBrowser(t *testing.T) {
	e := servertest.StartK(t, 1) // every ballot counted at once: this test watches single ballots move the wall
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	codes := issueCodes(t, e.URL, host.Token, a.ID, 3)
	ctx := servertest.Browser(t, chromedp.WindowSize(1600, 900))

	// Log in through the real form; it sends the host on to the projector.
	err := chromedp.Do(ctx,
		chromedp.Navigate(e.URL+"/login?next="+"/p/"+a.Slug),
		chromedp.WaitVisible("#email"),
		chromedp.SendKeys("#email", host.Email),
		chromedp.SendKeys("#password", "correct horse battery"),
		chromedp.Submit("#password"),
		chromedp.WaitVisible("#projector"),
		chromedp.WaitReady(`#projector[data-online="true"]`),
	)
	if err != nil {
		t.Fatalf("open the projector: %v", err)
	}
	poll := func(what, js, want string) string {
		t.Helper()
		var got string
		for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
			got, err = chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got == want {
				return got
			}
		}
		t.Fatalf("%s: %q, want %q", what, got, want)
		return got
	}
	text := func(sel string) string {
		return fmt.Sprintf(`(document.querySelector(%q) || {}).textContent || ""`, sel)
	}
	poll("turnout before", text("#ballots"), "0")
	poll("codes issued", text("#codes-onsite"), "발급 코드 3개")

	// A ballot through the API: the wall changes without a reload.
	vote(t, e.URL, a.Slug, codes[0], gs[2].ID, gs[4].ID)
	poll("turnout after a ballot", text("#ballots"), "1")
	row := fmt.Sprintf(`#rows li[data-id="%d"]`, gs[2].ID)
	poll("the voted agenda's votes", text(row+" .score"), "1표")
	// gs[4] (9,500,000원) and gs[2] (8,000,000원) tie on one vote each;
	// cost_asc puts the cheaper first.
	poll("first place", text("#rows li.row .name"), fmt.Sprintf("%d. %s", gs[2].Number, gs[2].Title))
	poll("within the cap", text(row+" .tag"), "✔ 선정 가능")

	vote(t, e.URL, a.Slug, codes[1], gs[5].ID, gs[1].ID, gs[4].ID)
	poll("turnout after two ballots", text("#ballots"), "2")
	// Order now: 9.5M (2 votes), then 1 vote each by cost: 8M, 12M, 15M →
	// 9.5 + 8 + 12 = 29.5M fit; 15M does not: the line is drawn above it.
	poll("the budget line", fmt.Sprintf(`(function(){var l=document.querySelector('#rows li.line');
		return l ? l.nextElementSibling.dataset.id + ' ' + l.textContent : ''})()`),
		fmt.Sprintf("%d 한도액 3천만원: 여기부터는 남은 예산에 드는 의제만 선정 가능", gs[5].ID))
	poll("over the cap", text(fmt.Sprintf(`#rows li[data-id="%d"] .tag`, gs[5].ID)), "예산 한도 밖")

	// r hides and shows the ranking; ? opens the help.
	if err := chromedp.Do(ctx, chromedp.KeyEvent("r")); err != nil {
		t.Fatal(err)
	}
	poll("r hides", `String(document.getElementById('projector').classList.contains('revealed'))`, "false")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("r"), chromedp.KeyEvent("?")); err != nil {
		t.Fatal(err)
	}
	poll("r shows again", `String(document.getElementById('projector').classList.contains('revealed'))`, "true")
	poll("? opens the help", `String(!document.getElementById('help').hidden)`, "true")

	// The QR code on the wall opens the ballot.
	poll("the QR image loaded", `String(document.querySelector('img.qr').naturalWidth > 0)`, "true")

	// The host's day: the phones close, the wall covers the ranking while
	// the paper is counted, and shows it when the host reveals it (r, r).
	if err := chromedp.Do(ctx, chromedp.KeyEvent(kb.Escape)); err != nil {
		t.Fatal(err)
	}
	if r := host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/close", a.ID), nil); r.Status != 200 {
		t.Fatalf("close: %d %s", r.Status, r.Body)
	}
	poll("closed", text("#state"), "투표 마감")
	poll("covered after the close", `String(document.getElementById('projector').classList.contains('revealed'))`, "false")
	poll("says why", text("#sealed"), "투표를 마감했습니다. 종이 투표를 집계하고 있습니다. 순위는 진행자가 공개합니다.")
	if r := host.API(t, "POST", fmt.Sprintf("/api/v1/assemblies/%d/paper", a.ID), map[string]any{"ballots": [][]string{{gs[0].IDString()}, {gs[0].IDString()}}}); r.Status != 201 {
		t.Fatalf("paper after close: %d %s", r.Status, r.Body)
	}
	poll("paper counted", text("#ch-paper"), "2")
	poll("still covered", `String(document.querySelectorAll('#rows li.row').length)`, "0")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("r")); err != nil {
		t.Fatal(err)
	}
	poll("one r asks", text("#conn"), "순위를 공개하려면 r을 한 번 더 누르세요.")
	poll("one r does not reveal", `String(document.getElementById('projector').classList.contains('revealed'))`, "false")
	if err := chromedp.Do(ctx, chromedp.KeyEvent("r")); err != nil {
		t.Fatal(err)
	}
	poll("revealed", `String(document.getElementById('projector').classList.contains('revealed'))`, "true")
	poll("the paper's agenda on the wall", text(fmt.Sprintf(`#rows li[data-id="%d"] .score`, gs[0].ID)), "2표")
	var revealed bool
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT revealed_at IS NOT NULL FROM assemblies WHERE id = $1`, a.ID).Scan(&revealed); err != nil || !revealed {
		t.Fatalf("the reveal is not stored (%v)", err)
	}

	// The server goes away: the wall says so (and keeps retrying).
	e.Server.Hub.Close()
	poll("offline indicator", `(function(){var c=document.getElementById('conn');return c.hidden ? '' : c.textContent})()`,
		"연결 끊김 — 다시 연결 중")
}

func TestProjectorQR(t *testing.T) {
	e := servertest.Start(t)
	a, _ := e.Fixture(t, servertest.FixtureOptions{})
	r := e.Do(t, "GET", "/p/"+a.Slug+"/qr.png", "", nil)
	if r.Status != 200 || r.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("qr: %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	img, err := png.Decode(bytes.NewReader(r.Body))
	if err != nil {
		t.Fatal(err)
	}
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("the QR code does not decode: %v", err)
	}
	if want := e.URL + "/v/" + a.Slug; res.GetText() != want {
		t.Fatalf("QR holds %q, want %q", res.GetText(), want)
	}
	// Without credentials the projector sends a person to the login page.
	page := e.Do(t, "GET", "/p/"+a.Slug, "", nil)
	if page.Status != 200 || !strings.Contains(string(page.Body), `id="password"`) || strings.Contains(string(page.Body), `id="projector"`) {
		t.Fatalf("projector without credentials: %d", page.Status)
	}
}

func TestProjectorReconnectsAfterRestart(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	tok, _, err := live.CreateLink(context.Background(), e.DB.Pool, a.ID, nil, "강당")
	if err != nil {
		t.Fatal(err)
	}
	addr := servertest.FreeAddr(t)
	p := startProc(t, e.DB.DSN, addr)
	ctx := servertest.Browser(t)
	if err := chromedp.Do(ctx, chromedp.Navigate(p.URL+"/p/"+a.Slug+"?t="+tok),
		chromedp.WaitReady(`#projector[data-online="true"]`)); err != nil {
		t.Fatalf("open the projector with a link: %v", err)
	}
	poll := func(what, js, want string) {
		t.Helper()
		var got string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
			got, err = chromedp.Run(ctx, chromedp.Evaluate[string](js))
			if err == nil && got == want {
				return
			}
		}
		t.Fatalf("%s: %q (%v), want %q", what, got, err, want)
	}
	const indicator = `(function(){var c=document.getElementById('conn');return c.hidden ? '' : c.textContent})()`
	poll("online", indicator, "")

	p.stop(t)
	poll("offline indicator", indicator, "연결 끊김 — 다시 연결 중")
	insertBallot(t, e, a.ID, voting.ChannelPaper, gs[3].ID)

	startProc(t, e.DB.DSN, addr)
	poll("the count after the restart", `document.getElementById('ballots').textContent`, "1")
	poll("back online", indicator, "")
	poll("paper turnout", `document.getElementById('ch-paper').textContent`, "1")
}
