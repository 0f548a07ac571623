package voting_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"image/draw"
	_ "image/png"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"maeul/assembly"
	"maeul/limit"
	"maeul/server/servertest"
	"maeul/voting"
)

var (
	nonceRe   = regexp.MustCompile(`name="nonce" value="([^"]+)"`)
	receiptRe = regexp.MustCompile(`id="receipt">([^<]+)<`)
)

type page struct {
	status int
	body   string
}

// get fetches u as a browser would: following redirects with the cookies
// they set (a fresh jar per call, as a fresh phone).
func get(t *testing.T, u string) page {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	res, err := (&http.Client{Jar: jar}).Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b)}
}

// postFollow posts as a browser does: keeping the cookies it is given
// across the redirect that answers the form (a fresh jar per call).
func postFollow(t *testing.T, u string, form url.Values) page {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	res, err := (&http.Client{Jar: jar}).PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b)}
}

func postForm(t *testing.T, u string, form url.Values) page {
	t.Helper()
	res, err := http.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return page{res.StatusCode, string(b)}
}

// The whole ballot with plain form posts, as a phone without JavaScript.
func TestBallotPagesWithoutJavaScript(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	codes := v.codes(t, 3, "onsite")
	base := v.e.URL + "/v/" + v.a.Slug

	p := get(t, codes[0].URL)
	if p.status != 200 || !strings.Contains(p.body, "의제 선택") || !strings.Contains(p.body, "의제 1") || !strings.Contains(p.body, "5,000,000원") {
		t.Fatalf("choose step: %d %s", p.status, p.body)
	}
	nonce := nonceRe.FindStringSubmatch(p.body)[1]
	form := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(0, 3)}

	t.Run("too many choices are shown again with the message", func(t *testing.T) {
		bad := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(0, 1, 2, 3)}
		p := postForm(t, base+"/confirm", bad)
		if p.status != 422 || !strings.Contains(p.body, "3개까지") || strings.Count(p.body, " checked>") != 4 {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
	p = postForm(t, base+"/confirm", form)
	if p.status != 200 || !strings.Contains(p.body, "선택 확인") || !strings.Contains(p.body, "이대로 투표하기") {
		t.Fatalf("confirm step: %d %s", p.status, p.body)
	}
	p = postForm(t, base+"/back", form)
	if p.status != 200 || strings.Count(p.body, " checked>") != 2 {
		t.Fatalf("back: %d %s", p.status, p.body)
	}
	p = postForm(t, base+"/ballot", form)
	if p.status != 200 || !strings.Contains(p.body, "투표가 접수되었습니다") {
		t.Fatalf("receipt step: %d %s", p.status, p.body)
	}
	receipt := receiptRe.FindStringSubmatch(p.body)[1]
	if v.count(t, `SELECT count(*) FROM receipts WHERE receipt_hash = $1`, voting.ReceiptHash(receipt)) != 1 {
		t.Fatal("the receipt shown is not stored")
	}
	t.Run("resubmitting the form shows the same receipt", func(t *testing.T) {
		p := postForm(t, base+"/ballot", form)
		if p.status != 200 || receiptRe.FindStringSubmatch(p.body)[1] != receipt {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
	t.Run("Back, other choices, cast again: the first ballot stands", func(t *testing.T) {
		changed := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(1, 2)}
		p := postForm(t, base+"/ballot", changed)
		if p.status != 409 || !strings.Contains(p.body, "처음 선택이 그대로 유효하며 바꿀 수 없습니다") ||
			receiptRe.FindStringSubmatch(p.body) == nil || receiptRe.FindStringSubmatch(p.body)[1] != receipt {
			t.Fatalf("%d %s", p.status, p.body)
		}
		if strings.Contains(p.body, `id="receipt-title"`) {
			t.Fatal("a changed ballot looks received")
		}
		p = postForm(t, base+"/ballot?lang=en", changed)
		if p.status != 409 || !strings.Contains(p.body, "Your first choices stand") {
			t.Fatalf("English: %d %s", p.status, p.body)
		}
		if n := v.ballots(t); n != 1 {
			t.Fatalf("%d ballots stored", n)
		}
	})
	t.Run("a used card says calmly that its vote was received, and how to check it", func(t *testing.T) {
		p := get(t, codes[0].URL)
		if p.status != 409 || !strings.Contains(p.body, "이 카드로 한 투표는 이미 접수되었습니다") ||
			!strings.Contains(p.body, `href="/r/`+v.a.Slug+`#receipt"`) || strings.Contains(p.body, receipt) {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
	t.Run("an unknown card says so", func(t *testing.T) {
		p := get(t, base+"?code=AAAAAAAAAAAAAAAAAAAAAA")
		if p.status != 404 || !strings.Contains(p.body, "확인할 수 없는 코드입니다") {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
	t.Run("typed code", func(t *testing.T) {
		p := get(t, base)
		if p.status != 200 || !strings.Contains(p.body, `action="/v/`+v.a.Slug+`/code"`) {
			t.Fatalf("%d %s", p.status, p.body)
		}
		// The typed code is kept in a cookie and the answer redirects to
		// the choices (a browser keeps the cookie across the redirect).
		p = postFollow(t, base+"/code", url.Values{"code": {strings.ToLower(codes[1].Short)}})
		if p.status != 200 || !strings.Contains(p.body, "의제 선택") {
			t.Fatalf("%d %s", p.status, p.body)
		}
		p = postForm(t, base+"/code", url.Values{"code": {"K7QM-2XRP-9O"}})
		if p.status != 422 || !strings.Contains(p.body, "쓰이지 않는 글자") {
			t.Fatalf("ambiguous: %d %s", p.status, p.body)
		}
		p = postForm(t, base+"/code", url.Values{"code": {"K7QM-2XRP-9"}})
		if p.status != 422 || !strings.Contains(p.body, "코드는 10자리입니다") {
			t.Fatalf("one symbol short: %d %s", p.status, p.body)
		}
	})
	t.Run("guessing is limited and counted, a valid code is not", func(t *testing.T) {
		defer limit.SetWindowForTest(10*time.Minute, time.Now())()
		last := 0
		for i := range voting.GuessesPerClient + 2 {
			p := postForm(t, base+"/code", url.Values{"code": {fmt.Sprintf("2345-6789-%c%c", "ABCDEFGHJKMNPQRSTUVWXYZ23456789"[i%31], "ABCDEFGH"[i/31])}})
			last = p.status
			if p.status == 404 && !strings.Contains(p.body, "확인할 수 없는 코드입니다") {
				t.Fatalf("%d %s", p.status, p.body)
			}
		}
		if last != 429 {
			t.Fatalf("%d wrong codes in a row answered %d, want 429", voting.GuessesPerClient+2, last)
		}
		// A valid card from the same client is still taken.
		if p := get(t, codes[2].URL); p.status != 200 || !strings.Contains(p.body, "의제 선택") {
			t.Fatalf("valid card after wrong codes: %d %s", p.status, p.body)
		}
		if n := v.count(t, `SELECT coalesce(sum(count), 0) FROM code_failures WHERE assembly_id = $1`, v.a.ID); n < 10 {
			t.Fatalf("%d failures counted", n)
		}
		c := v.host.Get(t, fmt.Sprintf("/host/assemblies/%d/console", v.a.ID))
		if c.Status != 200 || !strings.Contains(string(c.Body), "확인되지 않은 코드 입력") {
			t.Fatalf("console: %d %s", c.Status, c.Body)
		}
	})
}

func TestRankedAndBudgetPages(t *testing.T) {
	t.Run("ranked", func(t *testing.T) {
		v := setup(t, servertest.FixtureOptions{Method: assembly.MethodRanked, MaxChoices: 3}, true)
		codes := v.codes(t, 1, "onsite")
		base := v.e.URL + "/v/" + v.a.Slug
		p := get(t, codes[0].URL)
		if !strings.Contains(p.body, "1순위") {
			t.Fatalf("no rank selects: %s", p.body)
		}
		nonce := nonceRe.FindStringSubmatch(p.body)[1]
		ids := v.ids(0, 1, 2, 3, 4, 5)
		form := url.Values{"code": {codes[0].Code}, "nonce": {nonce},
			"rank_" + ids[4]: {"1"}, "rank_" + ids[1]: {"2"}, "rank_" + ids[0]: {""}}
		p = postForm(t, base+"/confirm", form)
		if p.status != 200 || strings.Index(p.body, "의제 5") > strings.Index(p.body, "의제 2") {
			t.Fatalf("confirm: %d %s", p.status, p.body)
		}
		dup := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "rank_" + ids[4]: {"1"}, "rank_" + ids[1]: {"1"}}
		if p := postForm(t, base+"/confirm", dup); p.status != 422 || !strings.Contains(p.body, "1순위를 두 의제에") {
			t.Fatalf("same rank twice: %d %s", p.status, p.body)
		}
		p = postForm(t, base+"/ballot", url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": {ids[4], ids[1]}})
		if p.status != 200 {
			t.Fatalf("%d %s", p.status, p.body)
		}
		if r := v.host.API(t, "POST", v.path("/close"), nil); r.Status != 200 { // mixes the lone ballot
			t.Fatalf("close: %d %s", r.Status, r.Body)
		}
		var got string
		v.e.DB.Pool.QueryRow(t.Context(), `SELECT string_agg(agenda_id::text, ',' ORDER BY position) FROM ballot_choices WHERE assembly_id = $1`, v.a.ID).Scan(&got)
		if got != ids[4]+","+ids[1] {
			t.Fatalf("stored order %s", got)
		}
	})
	t.Run("budget", func(t *testing.T) {
		v := setup(t, servertest.FixtureOptions{Method: assembly.MethodBudget, BudgetCap: 20_000_000}, true)
		codes := v.codes(t, 1, "onsite")
		base := v.e.URL + "/v/" + v.a.Slug
		p := get(t, codes[0].URL)
		nonce := nonceRe.FindStringSubmatch(p.body)[1]
		over := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(1, 2, 3)}
		if p := postForm(t, base+"/confirm", over); p.status != 422 || !strings.Contains(p.body, "23,000,000원") {
			t.Fatalf("over budget: %d %s", p.status, p.body)
		}
		if p := postForm(t, base+"/ballot", over); p.status != 422 || v.ballots(t) != 0 {
			t.Fatalf("over budget cast: %d %s", p.status, p.body)
		}
		ok := url.Values{"code": {codes[0].Code}, "nonce": {nonce}, "choice": v.ids(1, 3)}
		if p := postForm(t, base+"/ballot", ok); p.status != 200 || v.ballots(t) != 1 {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
	t.Run("online codes only in the online window", func(t *testing.T) {
		from, until := time.Now().Add(-2*time.Hour), time.Now().Add(-time.Hour)
		v := setup(t, servertest.FixtureOptions{OnlineFrom: &from, OnlineUntil: &until}, true)
		online := v.codes(t, 1, "online")
		onsite := v.codes(t, 1, "onsite")
		if p := get(t, online[0].URL); p.status != 409 || !strings.Contains(p.body, "온라인 투표 기간이 아닙니다") {
			t.Fatalf("%d %s", p.status, p.body)
		}
		if r := v.ballot(t, online[0].Code, "n", v.ids(0)); r.Status != 409 {
			t.Fatalf("online ballot outside the window: %d %s", r.Status, r.Body)
		}
		if r := v.ballot(t, onsite[0].Code, "n", v.ids(0)); r.Status != 201 {
			t.Fatalf("onsite ballot: %d %s", r.Status, r.Body)
		}
		if v.ballots(t) != 1 {
			t.Fatal("an online ballot was stored outside the window")
		}
	})
	t.Run("not open yet", func(t *testing.T) {
		v := setup(t, servertest.FixtureOptions{}, false)
		if p := get(t, v.e.URL+"/v/"+v.a.Slug); p.status != 409 || !strings.Contains(p.body, "투표 시간이 아닙니다") {
			t.Fatalf("%d %s", p.status, p.body)
		}
	})
}

// decodeQR reads the QR of a data: URL PNG.
func decodeQR(t *testing.T, dataURL string) string {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(html.UnescapeString(dataURL), "data:image/png;base64,"))
	if err != nil {
		t.Fatal(err)
	}
	img, _, err := image.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	// Give the decoder a quiet zone and some size.
	big := image.NewRGBA(image.Rect(0, 0, img.Bounds().Dx()+64, img.Bounds().Dy()+64))
	draw.Draw(big, big.Bounds(), image.White, image.Point{}, draw.Src)
	draw.Draw(big, img.Bounds().Add(image.Pt(32, 32)), img, img.Bounds().Min, draw.Src)
	bmp, err := gozxing.NewBinaryBitmapFromImage(big)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, nil)
	if err != nil {
		t.Fatalf("decode QR: %v", err)
	}
	return res.GetText()
}

var qrImgRe = regexp.MustCompile(`src="(data:image/png;base64,[^"]+)"`)
var shortRe = regexp.MustCompile(`class="code">([A-Z0-9-]+)<`)

// printCards issues n codes from the console and returns the card sheet.
func printCards(t *testing.T, v *vote, n int, channel string) string {
	t.Helper()
	r := v.host.PostForm(t, fmt.Sprintf("/host/assemblies/%d/codes", v.a.ID), url.Values{"count": {fmt.Sprint(n)}, "channel": {channel}})
	if r.Status != 303 {
		t.Fatalf("issue: %d %s", r.Status, r.Body)
	}
	job := r.Header.Get("Location")
	for i := 0; ; i++ {
		p := v.host.Get(t, job)
		if p.Status != 200 {
			t.Fatalf("cards: %d %s", p.Status, p.Body)
		}
		if strings.Contains(string(p.Body), `class="sheet"`) {
			if again := v.host.Get(t, job); again.Status != 404 {
				t.Fatalf("the card sheet was shown twice: %d", again.Status)
			}
			return string(p.Body)
		}
		if !strings.Contains(string(p.Body), "<progress") {
			t.Fatalf("neither progress nor cards: %s", p.Body)
		}
		if i > 600 {
			t.Fatal("cards never finished")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestPrintableCards(t *testing.T) {
	v := setup(t, servertest.FixtureOptions{}, true)
	start := time.Now()
	sheet := printCards(t, v, 2000, "onsite")
	t.Logf("2,000 cards in %v", time.Since(start))
	imgs := qrImgRe.FindAllStringSubmatch(sheet, -1)
	shorts := shortRe.FindAllStringSubmatch(sheet, -1)
	if len(imgs) != 2000 || len(shorts) != 2000 || strings.Count(sheet, `class="sheet"`) != 250 {
		t.Fatalf("%d QR images, %d codes, %d sheets", len(imgs), len(shorts), strings.Count(sheet, `class="sheet"`))
	}
	if !strings.Contains(sheet, v.a.Dong) || !strings.Contains(sheet, v.a.Title) || !strings.Contains(sheet, "휴대전화 카메라로") {
		t.Fatal("a card lacks the dong, the title or the instruction")
	}
	u := decodeQR(t, imgs[1999][1])
	if !strings.HasPrefix(u, v.e.URL+"/v/"+v.a.Slug+"?code=") {
		t.Fatalf("QR holds %q", u)
	}
	p := get(t, u)
	if p.status != 200 || !strings.Contains(p.body, "의제 선택") {
		t.Fatalf("the QR's URL: %d", p.status)
	}
	// The typed code of the same card works too.
	if r := v.ballot(t, shorts[1999][1], "n", v.ids(0)); r.Status != 201 {
		t.Fatalf("typed code of the card: %d %s", r.Status, r.Body)
	}
	if r := v.ballot(t, strings.TrimPrefix(u, v.e.URL+"/v/"+v.a.Slug+"?code="), "other", v.ids(0)); r.Status != 409 {
		t.Fatalf("QR code of the same card after its typed form: %d %s", r.Status, r.Body)
	}
	if v.ballots(t) != 1 {
		t.Fatal("one card voted twice")
	}
	if v.count(t, `SELECT count(*) FROM codes WHERE assembly_id = $1`, v.a.ID) != 2000 {
		t.Fatal("codes not stored")
	}
}
