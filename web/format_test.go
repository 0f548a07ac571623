package web

import (
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"
)

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
