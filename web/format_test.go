package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

func TestMoney(t *testing.T) {
	for _, c := range []struct {
		n                 int64
		won, manwon, mill string
	}{
		{0, "0원", "0원", "0"},
		{5_000_000, "5,000,000원", "500만원", "5"},
		{30_000_000, "30,000,000원", "3천만원", "30"},
		{2_500_000, "2,500,000원", "250만원", "2.5"},
		{120_000_000, "120,000,000원", "1억 2천만원", "120"},
		{100_000_000, "100,000,000원", "1억원", "100"},
		{1_234_567, "1,234,567원", "1,234,567원", "1.23"},
		{9_999, "9,999원", "9,999원", "0"},
	} {
		if got := Won(c.n); got != c.won {
			t.Errorf("Won(%d) = %q, want %q", c.n, got, c.won)
		}
		if got := Manwon(c.n); got != c.manwon {
			t.Errorf("Manwon(%d) = %q, want %q", c.n, got, c.manwon)
		}
		if got := Million(c.n); got != c.mill {
			t.Errorf("Million(%d) = %q, want %q", c.n, got, c.mill)
		}
	}
	if got := Money("en", 30_000_000); got != "KRW 30,000,000" {
		t.Errorf("Money en = %q", got)
	}
	if got := MoneyShort("ko", 30_000_000); got != "3천만원" {
		t.Errorf("MoneyShort ko = %q", got)
	}
}

func TestFormatDate(t *testing.T) {
	d := time.Date(2017, 7, 15, 5, 0, 0, 0, time.UTC) // 14:00 in Seoul, a Saturday
	if got := FormatDateTime("ko", d); got != "2017. 7. 15.(토) 14:00" {
		t.Errorf("ko: %q", got)
	}
	if got := FormatDateTime("en", d); got != "Sat 15 Jul 2017 14:00" {
		t.Errorf("en: %q", got)
	}
}

func TestLimiter(t *testing.T) {
	l := NewLimiter(2, time.Minute)
	now := time.Unix(0, 0)
	l.now = func() time.Time { return now }
	for i := 0; i < 2; i++ {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("attempt %d refused within the burst", i+1)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait != 60 {
		t.Fatalf("third attempt: ok=%v wait=%d", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another client was refused")
	}
	now = now.Add(time.Minute)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("not allowed again after the wait")
	}
}

func TestLangHref(t *testing.T) {
	app := fiber.New()
	var got string
	h := func(c *fiber.Ctx) error { got = langHref(c, "en"); return nil }
	app.Get("/v/:slug", h)
	app.Post("/v/:slug/confirm", h)
	for _, c := range []struct {
		method, target, referer, want string
	}{
		{"GET", "/v/demo?code=abc", "", "/v/demo?lang=en"},
		{"GET", "/v/demo?code=abc&x=1", "", "/v/demo?lang=en&x=1"},
		{"GET", "/v/demo?lang=ko", "", "/v/demo?lang=en"},
		{"POST", "/v/demo/confirm", "http://example.com/v/demo?code=abc", "/v/demo?lang=en"},
		{"POST", "/v/demo/confirm", "http://evil.example/x", "/?lang=en"},
		{"POST", "/v/demo/confirm", "", "/?lang=en"},
	} {
		req := httptest.NewRequest(c.method, "http://example.com"+c.target, nil)
		if c.referer != "" {
			req.Header.Set("Referer", c.referer)
		}
		if _, err := app.Test(req); err != nil {
			t.Fatal(err)
		}
		if got != c.want {
			t.Errorf("%s %s (referer %q): %q, want %q", c.method, c.target, c.referer, got, c.want)
		}
	}
}
