package web_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul/static"
	"maeul/web"
)

// serve runs NewApp (with the real templates) on 127.0.0.1:0, trusting
// 127.0.0.1 as a proxy, with a route that echoes what web sees.
func serve(t *testing.T, env *web.Env) string {
	t.Helper()
	assets, err := web.LoadAssets(static.Assets)
	if err != nil {
		t.Fatal(err)
	}
	views, err := web.LoadViews(static.Templates, assets)
	if err != nil {
		t.Fatal(err)
	}
	env.Views, env.Assets, env.Metrics = views, assets, web.NewMetrics()
	app := web.NewApp(env)
	app.Get("/metrics", web.MetricsAccess(env), env.Metrics.Handler)
	echo := func(c *fiber.Ctx) error {
		return c.JSON(fiber.Map{"ip": web.ClientIP(c), "key": web.ClientKey(c), "https": web.IsHTTPS(c),
			"secure": web.SecureCookie(c), "loopback": web.IsLoopback(c)})
	}
	app.Get("/who", echo)
	app.Get("/v/:slug", echo)
	app.All("/api/v1/echo", func(c *fiber.Ctx) error {
		var v any
		if len(c.Body()) > 0 && !strings.HasPrefix(string(c.Request().Header.ContentType()), "multipart") {
			if err := web.DecodeJSON(c, &v); err != nil {
				return err
			}
		}
		return c.JSON(fiber.Map{"ok": true})
	})
	app.Post("/form", func(c *fiber.Ctx) error { return c.SendString("ok " + c.FormValue("name")) })
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go app.Listener(ln)
	t.Cleanup(func() { app.Shutdown() })
	return "http://" + ln.Addr().String()
}

// clientFrom dials from the given local address: 127.0.0.2 is a peer on
// this machine that is not the trusted proxy 127.0.0.1.
func clientFrom(local string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		}}}
}

type seen struct {
	IP       string
	Key      string
	HTTPS    bool
	Secure   bool
	Loopback bool
}

func who(t *testing.T, c *http.Client, u string, h map[string]string) (seen, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest("GET", u, nil)
	for k, v := range h {
		req.Header.Set(k, v)
	}
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var s seen
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		t.Fatalf("GET %s: %d, not JSON: %v", u, res.StatusCode, err)
	}
	return s, res
}

func trust(t *testing.T, s string) []netip.Prefix {
	ps, err := web.ParseTrustedProxies(s)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// Forwarded headers are believed from the trusted proxy only: a client
// talking to the service directly cannot choose its rate-limit key or
// claim https.
func TestClientIPThroughTrustedProxyOnly(t *testing.T) {
	base := serve(t, &web.Env{TrustedProxies: trust(t, "127.0.0.1/32, 10.0.0.0/8")})
	spoof := map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}

	s, res := who(t, clientFrom("127.0.0.2"), base+"/who?lang=en", spoof)
	if s.IP != "127.0.0.2" || s.Key != "127.0.0.2" || s.HTTPS || s.Secure {
		t.Errorf("untrusted peer with forged headers: %+v, want its own address and http", s)
	}
	if !s.Loopback {
		t.Errorf("a direct request from 127.0.0.2 is loopback: %+v", s)
	}
	if c := res.Header.Get("Set-Cookie"); strings.Contains(strings.ToLower(c), "secure") {
		t.Errorf("lang cookie over plain http has Secure: %s", c)
	}

	s, res = who(t, clientFrom("127.0.0.1"), base+"/who?lang=en", spoof)
	if s.IP != "203.0.113.9" || s.Key != "203.0.113.9" || !s.HTTPS || !s.Secure || s.Loopback {
		t.Errorf("through the trusted proxy: %+v, want 203.0.113.9, https, not loopback", s)
	}
	if c := res.Header.Get("Set-Cookie"); !strings.Contains(strings.ToLower(c), "secure") {
		t.Errorf("lang cookie behind an https proxy lacks Secure: %s", c)
	}

	// The right-most address that is not a trusted proxy: the client may
	// have written anything on the left.
	for _, tc := range []struct{ xff, want string }{
		{"1.1.1.1, 203.0.113.9", "203.0.113.9"},
		{"1.1.1.1, 203.0.113.9, 10.1.2.3", "203.0.113.9"},
		{"10.9.9.9, 10.1.2.3", "10.9.9.9"},
		{"203.0.113.9, not-an-ip", "127.0.0.1"},
		{"[2001:db8::1]:443", "2001:db8::1"},
		{"", "127.0.0.1"},
	} {
		s, _ := who(t, clientFrom("127.0.0.1"), base+"/who", map[string]string{"X-Forwarded-For": tc.xff})
		if s.IP != tc.want {
			t.Errorf("X-Forwarded-For %q: client %q, want %q", tc.xff, s.IP, tc.want)
		}
		if s.HTTPS {
			t.Errorf("no X-Forwarded-Proto: https=true")
		}
	}
}

func TestParseTrustedProxies(t *testing.T) {
	ps, err := web.ParseTrustedProxies(" 127.0.0.1/32,10.0.0.0/8 ,::1, 192.168.1.7")
	if err != nil || len(ps) != 4 || ps[3].String() != "192.168.1.7/32" {
		t.Fatalf("%v %v", ps, err)
	}
	if _, err := web.ParseTrustedProxies("10.0.0.0/33"); err == nil {
		t.Fatal("10.0.0.0/33 accepted")
	}
	if _, err := web.ParseTrustedProxies("proxy.local"); err == nil {
		t.Fatal("a host name accepted")
	}
}

// /metrics: loopback (not proxied) or the Bearer token; otherwise 404.
func TestMetricsAccess(t *testing.T) {
	base := serve(t, &web.Env{TrustedProxies: trust(t, "127.0.0.1/32"), MetricsToken: "s3cret-token"})
	get := func(from string, h map[string]string) int {
		req, _ := http.NewRequest("GET", base+"/metrics", nil)
		for k, v := range h {
			req.Header.Set(k, v)
		}
		res, err := clientFrom(from).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	if s := get("127.0.0.2", nil); s != 200 {
		t.Errorf("loopback peer: %d, want 200", s)
	}
	if s := get("127.0.0.1", map[string]string{"X-Forwarded-For": "127.0.0.1"}); s != 404 {
		t.Errorf("through the proxy, claiming loopback: %d, want 404", s)
	}
	if s := get("127.0.0.1", map[string]string{"X-Forwarded-For": "198.51.100.1", "Authorization": "Bearer wrong"}); s != 404 {
		t.Errorf("through the proxy, wrong token: %d, want 404", s)
	}
	if s := get("127.0.0.1", map[string]string{"X-Forwarded-For": "198.51.100.1", "Authorization": "Bearer s3cret-token"}); s != 200 {
		t.Errorf("through the proxy with the token: %d, want 200", s)
	}
	// Without a token configured, no header opens it.
	base2 := serve(t, &web.Env{TrustedProxies: trust(t, "127.0.0.1/32")})
	req, _ := http.NewRequest("GET", base2+"/metrics", nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	req.Header.Set("Authorization", "Bearer ")
	res, err := clientFrom("127.0.0.1").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != 404 {
		t.Errorf("no token configured, empty Bearer through the proxy: %d, want 404", res.StatusCode)
	}
}

func TestSecurityHeaders(t *testing.T) {
	base := serve(t, &web.Env{})
	_, res := who(t, http.DefaultClient, base+"/who", nil)
	csp := res.Header.Get("Content-Security-Policy")
	for _, want := range []string{"default-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'",
		"frame-ancestors 'none'", "connect-src 'self' ws://127.0.0.1:"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP allows inline: %q", csp)
	}
	for h, want := range map[string]string{"Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin",
		"X-Content-Type-Options": "nosniff"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s: %q, want %q", h, got, want)
		}
	}
	if pp := res.Header.Get("Permissions-Policy"); !strings.Contains(pp, "camera=()") || !strings.Contains(pp, "geolocation=()") {
		t.Errorf("Permissions-Policy %q", pp)
	}
	_, res = who(t, http.DefaultClient, base+"/v/demo?code=ABCD", nil)
	if got := res.Header.Get("Referrer-Policy"); got != "no-referrer" {
		t.Errorf("ballot page Referrer-Policy %q, want no-referrer", got)
	}
	// A Host header that is not a host cannot write into the policy.
	req, _ := http.NewRequest("GET", base+"/who", nil)
	req.Host = "evil;script-src"
	r2, err := http.DefaultClient.Do(req)
	if err == nil {
		r2.Body.Close()
		if strings.Contains(r2.Header.Get("Content-Security-Policy"), "evil") {
			t.Errorf("Host reached the CSP: %q", r2.Header.Get("Content-Security-Policy"))
		}
	}
}

type apiErr struct {
	Error struct {
		Code      string `json:"code"`
		Field     string `json:"field"`
		Message   string `json:"message"`
		RequestID string `json:"request_id"`
	} `json:"error"`
}

func send(t *testing.T, method, u, ctype string, body []byte) (int, apiErr, string) {
	t.Helper()
	req, _ := http.NewRequest(method, u, bytes.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Accept", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var e apiErr
	json.Unmarshal(b, &e)
	return res.StatusCode, e, string(b)
}

// NUL bytes and invalid UTF-8 are 400 naming the field, wherever they
// come: never a 500 from the database's refusal.
func TestBadBytesAre400(t *testing.T) {
	base := serve(t, &web.Env{})
	for _, tc := range []struct {
		name, method, path, ctype string
		body                      []byte
		field                     string
	}{
		{"NUL in a query", "GET", "/api/v1/echo?code=AB%00CD", "", nil, "code"},
		{"invalid UTF-8 in a query", "GET", "/who?q=%FF%FE", "", nil, "q"},
		{"NUL in the path", "GET", "/v/de%00mo", "", nil, "path"},
		{"invalid UTF-8 in the path", "GET", "/v/%C3%28", "", nil, "path"},
		{"invalid UTF-8 in a form field", "POST", "/form", "application/x-www-form-urlencoded", []byte("name=%C3%28&x=1"), "name"},
		{"NUL in a form field", "POST", "/form", "application/x-www-form-urlencoded", []byte("name=a%00b"), "name"},
		{"invalid UTF-8 in a JSON string", "POST", "/api/v1/echo", "application/json", []byte("{\"assembly\":\"x\",\"note\":{\"title\":\"a\xffb\"}}"), "note.title"},
		{"escaped NUL in a JSON string", "POST", "/api/v1/echo", "application/json", []byte(`{"choices":["1","2\u0000"]}`), "choices"},
		{"NUL in a JSON key", "POST", "/api/v1/echo", "application/json", []byte(`{"a":{"b\u0000":1}}`), "a"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, e, raw := send(t, tc.method, base+tc.path, tc.ctype, tc.body)
			if st != 400 || e.Error.Field != tc.field || e.Error.Code != "invalid" || e.Error.RequestID == "" {
				t.Fatalf("%d %s, want 400 naming %q", st, raw, tc.field)
			}
		})
	}
	// A multipart text field.
	var mp bytes.Buffer
	w := multipart.NewWriter(&mp)
	w.WriteField("caption", "a\x00b")
	fw, _ := w.CreateFormFile("photo", "p.bin")
	fw.Write([]byte{0, 0xff, 0xfe}) // a file's bytes are its own business
	w.Close()
	if st, e, raw := send(t, "POST", base+"/api/v1/echo", w.FormDataContentType(), mp.Bytes()); st != 400 || e.Error.Field != "caption" {
		t.Errorf("NUL in a multipart field: %d %s", st, raw)
	}
	mp.Reset()
	w = multipart.NewWriter(&mp)
	w.WriteField("caption", "정상")
	fw, _ = w.CreateFormFile("photo", "p.bin")
	fw.Write(bytes.Repeat([]byte{0, 0xff}, 1<<20)) // 2 MB of binary: an upload, not JSON
	w.Close()
	if st, _, raw := send(t, "POST", base+"/api/v1/echo", w.FormDataContentType(), mp.Bytes()); st != 200 {
		t.Errorf("a 2 MB binary upload with clean fields: %d %s", st, raw)
	}
	// Clean text passes.
	if st, _, raw := send(t, "POST", base+"/api/v1/echo", "application/json", []byte(`{"t":"마을 \u00e9 ✔","n":[1,{"x":"y"}]}`)); st != 200 {
		t.Errorf("clean JSON: %d %s", st, raw)
	}
	if st, _, raw := send(t, "GET", base+"/who?q="+url.QueryEscape("성산1동"), "", nil); st != 200 {
		t.Errorf("clean query: %d %s", st, raw)
	}
}

// A JSON body over 1 MB on the API is 413 with the error object.
func TestBigJSONIs413(t *testing.T) {
	base := serve(t, &web.Env{})
	big := []byte(`{"title":"` + strings.Repeat("가", 700_000) + `"}`) // 2.1 MB
	st, e, raw := send(t, "POST", base+"/api/v1/echo", "application/json", big)
	if st != 413 || e.Error.Code != "invalid" || e.Error.RequestID == "" || e.Error.Message == "" {
		t.Fatalf("2 MB JSON: %d %.200s, want 413 with an error object", st, raw)
	}
	small := []byte(`{"title":"` + strings.Repeat("a", 900_000) + `"}`)
	if st, _, raw := send(t, "POST", base+"/api/v1/echo", "application/json", small); st != 200 {
		t.Fatalf("900 KB JSON: %d %.200s", st, raw)
	}
}

// The error page's language link stays on this site whatever the path.
func TestErrorPageLangLinkStaysOnSite(t *testing.T) {
	base := serve(t, &web.Env{})
	addr := strings.TrimPrefix(base, "http://")
	for _, target := range []string{"//evil.example//attacker.example/x", "//attacker.example/x", "/\\attacker.example/x",
		"/%2F%2Fattacker.example/x", "/%5Cattacker.example/x", "/./..//attacker.example/x", "///attacker.example"} {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/html\r\nConnection: close\r\n\r\n", target, addr)
		res, err := http.ReadResponse(bufio.NewReader(conn), nil)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		conn.Close()
		for _, m := range hrefRe(string(b)) {
			if strings.HasPrefix(m, "//") || strings.HasPrefix(m, "/\\") || strings.HasPrefix(m, "\\") || strings.Contains(m, ":") {
				t.Errorf("GET %s: link %q leaves the site", target, m)
			}
			if strings.Contains(m, "lang=") && !strings.HasPrefix(m, "/") {
				t.Errorf("GET %s: language link %q is not a path", target, m)
			}
		}
		if !strings.Contains(string(b), "lang=ko") && !strings.Contains(string(b), "lang=en") {
			t.Errorf("GET %s: %d, no language link in %.300s", target, res.StatusCode, b)
		}
	}
}

func hrefRe(s string) []string {
	var out []string
	for _, part := range strings.Split(s, `href="`)[1:] {
		if i := strings.IndexByte(part, '"'); i >= 0 {
			out = append(out, strings.ReplaceAll(part[:i], "&amp;", "&"))
		}
	}
	return out
}
