package web

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// A panic in a handler answers 500 with the request id, is logged with its
// stack, and the service goes on answering.
func TestPanicAnswers500AndServiceKeepsRunning(t *testing.T) {
	var logs bytes.Buffer
	env := &Env{Log: slog.New(slog.NewTextHandler(&logs, nil)), Metrics: NewMetrics()}
	app := NewApp(env)
	app.Get("/api/v1/boom", func(c *fiber.Ctx) error {
		var m map[string]*int
		return c.SendString(string(rune(*m["nil"]))) // nil dereference
	})
	app.Get("/api/v1/ok", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true}) })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	defer app.Shutdown()
	base := "http://" + ln.Addr().String()

	for i := 0; i < 3; i++ {
		resp, err := http.Get(base + "/api/v1/boom")
		if err != nil {
			t.Fatalf("panicking route: %v (the service died)", err)
		}
		var body APIError
		json.NewDecoder(resp.Body).Decode(&body)
		resp.Body.Close()
		if resp.StatusCode != 500 || body.Error.Code != "internal" || body.Error.RequestID == "" {
			t.Fatalf("panic answered %d %+v, want 500 internal with a request id", resp.StatusCode, body.Error)
		}
		if resp.Header.Get("X-Request-Id") != body.Error.RequestID {
			t.Fatalf("request id header %q != body %q", resp.Header.Get("X-Request-Id"), body.Error.RequestID)
		}
		resp, err = http.Get(base + "/api/v1/ok")
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("the next request after a panic: %v %v", err, resp)
		}
		resp.Body.Close()
	}
	out := logs.String()
	if !strings.Contains(out, "handler panicked") || !strings.Contains(out, "recover_test.go") {
		t.Fatalf("the panic was not logged with its stack:\n%s", out)
	}
}
