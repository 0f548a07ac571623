// Package servertest runs the real service on 127.0.0.1:0 against a fresh
// PostgreSQL database for end-to-end tests, and gives them hosts, HTTP
// clients with sessions, and a headless Chromium.
package servertest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"golang.org/x/crypto/bcrypt"

	"maeul/account"
	"maeul/database/dbtest"
	"maeul/secret"
	"maeul/server"
)

// Env is one running service.
type Env struct {
	URL    string
	DB     *dbtest.DB
	Server *server.Server
	Logs   *LogBuffer
}

// LogBuffer collects the service's log lines for tests that read them.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *LogBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

// String returns everything logged so far.
func (l *LogBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// Test servers' hosts get cheap password hashes (bcrypt's least cost):
// at the service's cost 10 every host of every test costs seconds under the
// race detector. account's own tests keep the real cost.
func init() { account.SetPasswordCostForTest(bcrypt.MinCost) }

// TestSecret is the service secret of every test server of this binary
// (two instances on one database must share it, as in production).
var TestSecret = secret.New()

// Start runs the service on a fresh database until the test ends.
func Start(tb testing.TB) *Env {
	tb.Helper()
	return StartK(tb, 0)
}

// StartK is Start with the mixer's group size k (0: the default; 1: no
// mixing, every ballot counted at once — for tests of the live feed).
func StartK(tb testing.TB, k int) *Env {
	tb.Helper()
	db := dbtest.MustOpenDB(tb)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	logs := &LogBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv, err := server.New(server.Config{BaseURL: base, Log: log, Secret: TestSecret, MixK: k}, db.Pool)
	if err != nil {
		tb.Fatal(err)
	}
	srv.Start(context.Background())
	go srv.Serve(ln)
	tb.Cleanup(func() { srv.Close() })
	return &Env{URL: base, DB: db, Server: srv, Logs: logs}
}

var hostSeq atomic.Int64

// Host is a host account with a logged-in client and an API token.
type Host struct {
	User   *account.User
	Email  string
	Token  string
	Client *http.Client // carries the session cookie
	CSRF   string
	env    *Env
}

// NewHost creates a host with the given role and logs it in.
func (e *Env) NewHost(tb testing.TB, role, district, dong string) *Host {
	tb.Helper()
	return e.newHost(tb, account.NewUser{Role: role, District: district, Dong: dong})
}

// NewDepartmentHost creates a district department's user (자치구 사업부서)
// and logs it in.
func (e *Env) NewDepartmentHost(tb testing.TB, district, department string) *Host {
	tb.Helper()
	return e.newHost(tb, account.NewUser{Role: account.RoleDepartment, District: district, Department: department})
}

func (e *Env) newHost(tb testing.TB, n account.NewUser) *Host {
	tb.Helper()
	ctx := context.Background()
	st := account.NewService(e.DB.Pool)
	email := fmt.Sprintf("host%d@example.kr", hostSeq.Add(1))
	const pw = "correct horse battery"
	n.Email, n.Password = email, pw
	u, err := st.AddUser(ctx, n)
	if err != nil {
		tb.Fatal(err)
	}
	tok, err := st.CreateToken(ctx, email)
	if err != nil {
		tb.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, Timeout: 30 * time.Second}
	res, err := c.PostForm(e.URL+"/login", url.Values{"email": {email}, "password": {pw}, "next": {"/login"}})
	if err != nil {
		tb.Fatal(err)
	}
	res.Body.Close()
	h := &Host{User: u, Email: email, Token: tok, Client: c, env: e}
	h.CSRF = e.csrfFromSession(tb, c)
	return h
}

var csrfRe = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

// csrfFromSession reads the CSRF token from a host page's logout form.
func (e *Env) csrfFromSession(tb testing.TB, c *http.Client) string {
	res, err := c.Get(e.URL + "/login")
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	m := csrfRe.FindSubmatch(b)
	if m == nil {
		tb.Fatalf("no CSRF token on a logged-in page (status %d)", res.StatusCode)
	}
	return string(m[1])
}

// Response is a decoded HTTP answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into v, failing the test if it is not JSON.
func (r *Response) JSON(tb testing.TB, v any) {
	tb.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		tb.Fatalf("response (status %d) is not JSON: %v: %s", r.Status, err, r.Body)
	}
}

// ErrorCode returns the API error code of the body, or "".
func (r *Response) ErrorCode() string {
	var e struct {
		Error struct{ Code string } `json:"error"`
	}
	json.Unmarshal(r.Body, &e)
	return e.Error.Code
}

// Do sends a request with an optional Bearer token and JSON body.
func (e *Env) Do(tb testing.TB, method, path, token string, body any) *Response {
	tb.Helper()
	var rd io.Reader
	if body != nil {
		switch b := body.(type) {
		case string:
			rd = strings.NewReader(b)
		case []byte:
			rd = bytes.NewReader(b)
		default:
			j, err := json.Marshal(b)
			if err != nil {
				tb.Fatal(err)
			}
			rd = bytes.NewReader(j)
		}
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		tb.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// API sends a JSON request as this host, with its Bearer token.
func (h *Host) API(tb testing.TB, method, path string, body any) *Response {
	tb.Helper()
	return h.env.Do(tb, method, path, h.Token, body)
}

// PostForm posts a form with the session cookie and CSRF token.
func (h *Host) PostForm(tb testing.TB, path string, form url.Values) *Response {
	tb.Helper()
	if form.Get("_csrf") == "" {
		form.Set("_csrf", h.CSRF)
	}
	c := *h.Client
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := c.PostForm(h.env.URL+path, form)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// Get fetches a page with the session cookie.
func (h *Host) Get(tb testing.TB, path string) *Response {
	tb.Helper()
	res, err := h.Client.Get(h.env.URL + path)
	if err != nil {
		tb.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return &Response{Status: res.StatusCode, Header: res.Header, Body: b}
}

// ChromiumPath finds Debian's chromium. Tests fail (not skip) without it:
// the test command installs it.
func ChromiumPath(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{os.Getenv("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	tb.Fatal("headless Chromium is needed for the browser tests: run ./test.sh (it installs Debian's chromium) or apt-get install chromium")
	return ""
}

// Browser returns a chromedp context on a fresh headless Chromium, closed
// when the test ends. Extra options (e.g. a window size) may be given.
func Browser(tb testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	tb.Helper()
	all := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ChromiumPath(tb)),
		chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(tb.TempDir()),
		chromedp.WindowSize(1024, 900),
	}, opts...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), all...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	tb.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil {
		tb.Fatalf("start chromium: %v", err)
	}
	return ctx
}

var (
	binOnce sync.Once
	binPath string
	binErr  error
)

// Binary builds cmd/maeul once per test binary and returns its path, for
// tests that run the real process (two instances, kill -9).
func Binary(tb testing.TB) string {
	tb.Helper()
	binOnce.Do(func() {
		dir, err := os.MkdirTemp("", "maeul-bin-")
		if err != nil {
			binErr = err
			return
		}
		binPath = filepath.Join(dir, "maeul")
		root, err := moduleRoot()
		if err != nil {
			binErr = err
			return
		}
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/maeul")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %v: %s", err, out)
		}
	})
	if binErr != nil {
		tb.Fatal(binErr)
	}
	return binPath
}

func moduleRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", err
	}
	return filepath.Dir(strings.TrimSpace(string(out))), nil
}

// FreeAddr returns a free 127.0.0.1 port for a child process to listen on.
func FreeAddr(tb testing.TB) string {
	tb.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
