// Package web is the HTTP house every page and API lives in: the Fiber app,
// the error handler, request ids, logs, metrics, templates, static assets,
// languages and rate limits. Domain packages mount their routes on it.
package web

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/netip"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/compress"

	"maeul/limit"
)

// Env is what handlers need from the service. It is built once in main and
// passed to each package's Routes.
type Env struct {
	Log     *slog.Logger
	Views   *Views
	Assets  *Assets
	Metrics *Metrics
	// BaseURL is the public URL QR codes point to, without a trailing slash.
	BaseURL string
	// Secure is true when BaseURL is https: cookies get the Secure flag.
	Secure bool
	// TrustedProxies are the peers whose X-Forwarded-For and
	// X-Forwarded-Proto are believed (see ClientIP). Empty: none.
	TrustedProxies []netip.Prefix
	// MetricsToken, when set, lets a non-loopback client read /metrics
	// with "Authorization: Bearer <token>".
	MetricsToken string
	// NoCompression, when set, serves every response uncompressed: only
	// for measuring what compression saves (the Fast 3G benchmark).
	NoCompression atomic.Bool
	// Limits counts requests and failures per client in PostgreSQL, shared
	// by every instance (SharedLimit). Nil: nothing is limited.
	Limits *limit.Counter
}

// Locals keys shared between packages.
const (
	LocalRequestID = "maeul.rid"
	LocalLang      = "maeul.lang"
	LocalCSRF      = "maeul.csrf"
	LocalUser      = "maeul.user"      // *account.User, set by account middleware
	LocalUserLabel = "maeul.userlabel" // string shown in the header
)

// NewApp builds the Fiber app with the error handler and the middleware
// every request passes through.
func NewApp(env *Env) *fiber.App {
	app := fiber.New(fiber.Config{
		ErrorHandler:          ErrorHandler(env),
		DisableStartupMessage: true,
		BodyLimit:             12 << 20,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          60 * time.Second,
		IdleTimeout:           120 * time.Second,
		ReadBufferSize:        16 << 10,
		// Behind a proxy the host configures this; locally the peer address is right.
		ProxyHeader: "",
	})
	app.Use(func(c *fiber.Ctx) error {
		start := time.Now()
		rid := c.Get("X-Request-Id")
		if rid == "" || len(rid) > 64 || strings.ContainsAny(rid, " \r\n\"<>") {
			rid = NewID(8)
		}
		c.Locals(LocalRequestID, rid)
		c.Set("X-Request-Id", rid)
		c.Locals(localPeer, resolvePeer(c, env.TrustedProxies))
		c.Locals(localSecureBase, env.Secure)
		setSecurityHeaders(c)
		c.Locals(LocalLang, pickLang(c))
		err := checkRequest(c)
		if err == nil {
			err = recoverNext(c, env)
		}
		if err != nil {
			if herr := app.ErrorHandler(c, err); herr != nil {
				c.Status(fiber.StatusInternalServerError)
			}
		}
		status := c.Response().StatusCode()
		route := c.Route().Path
		env.Metrics.ObserveRequest(c.Method(), route, status, time.Since(start))
		if env.Log != nil && route != "/metrics" && route != "/healthz" {
			lvl := slog.LevelInfo
			if status >= 500 {
				lvl = slog.LevelError
			}
			// Only the route pattern is logged, never the query: a voting code
			// can be in a ballot URL's query.
			env.Log.Log(c.UserContext(), lvl, "request", "rid", rid, "method", c.Method(),
				"route", route, "status", status, "ms", time.Since(start).Milliseconds())
		}
		return nil
	})
	app.Use(Compression(env))
	return app
}

// Compression compresses text responses (HTML, CSS, JS, JSON, CSV…) with
// brotli or gzip, as the request's Accept-Encoding allows: a phone on a
// slow line gets a page four to six times smaller. fasthttp leaves alone
// what is not text (JPEG and PNG photos, XLSX, which are compressed
// already) and bodies under 200 bytes; a websocket upgrade is skipped.
func Compression(env *Env) fiber.Handler {
	return compress.New(compress.Config{
		Level: compress.LevelDefault,
		Next: func(c *fiber.Ctx) bool {
			return env.NoCompression.Load() || strings.EqualFold(c.Get(fiber.HeaderUpgrade), "websocket")
		},
	})
}

// recoverNext runs the rest of the chain and turns a panic in any handler
// into an internal error (a 500 with the request id), logged with its
// stack: one nil dereference must not stop every assembly in the city.
func recoverNext(c *fiber.Ctx, env *Env) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if env.Log != nil {
				env.Log.Error("handler panicked", "rid", RequestID(c), "route", c.Route().Path,
					"panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			}
			err = fmt.Errorf("web: handler panicked: %v", r)
		}
	}()
	return c.Next()
}

// RequestID returns the request's id.
func RequestID(c *fiber.Ctx) string {
	s, _ := c.Locals(LocalRequestID).(string)
	return s
}

// Lang returns the request's language: "ko" or "en".
func Lang(c *fiber.Ctx) string {
	if s, ok := c.Locals(LocalLang).(string); ok {
		return s
	}
	return "ko"
}

// pickLang: ?lang=en|ko wins and is remembered in a cookie; Korean otherwise.
func pickLang(c *fiber.Ctx) string {
	if q := c.Query("lang"); q != "" {
		l := "ko"
		if strings.HasPrefix(strings.ToLower(q), "en") {
			l = "en"
		}
		c.Cookie(&fiber.Cookie{Name: "lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: SecureCookie(c)})
		return l
	}
	if c.Cookies("lang") == "en" {
		return "en"
	}
	return "ko"
}

// NewID returns n random bytes as hex.
func NewID(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// ParseID parses an opaque id from the URL; it returns 0 if it is not one.
func ParseID(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0
	}
	return n
}
