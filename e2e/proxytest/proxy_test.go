// Package proxytest runs maeul as it is deployed for a big assembly: two
// `maeul serve` processes on one PostgreSQL behind a real nginx configured
// from docs/nginx-maeul.conf, and checks that residents behind the proxy are
// told apart, that the live tally crosses instances, and that killing an
// instance mid-vote loses no acknowledged ballot.
package proxytest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"maeul/database/dbtest"
	"maeul/server/servertest"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// nginxPath finds Debian's nginx. The test fails (never skips) without it:
// ./test.sh installs it.
func nginxPath(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("NGINX"), "/usr/sbin/nginx"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	t.Fatal("nginx is needed for the proxy test: run ./test.sh (it installs Debian's nginx) or apt-get install nginx")
	return ""
}

// process is a child process with its output kept for failure messages.
type process struct {
	name string
	cmd  *exec.Cmd
	out  *syncBuffer
	done chan struct{}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func start(t *testing.T, name string, stop syscall.Signal, bin string, args ...string) *process {
	t.Helper()
	p := &process{name: name, cmd: exec.Command(bin, args...), out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", name, err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		select {
		case <-p.done:
			return
		default:
		}
		p.cmd.Process.Signal(stop)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

// waitHTTP waits until url answers 200.
func (p *process) waitHTTP(t *testing.T, u string) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if res, err := http.Get(u); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		select {
		case <-p.done:
			t.Fatalf("%s exited: %s", p.name, p.out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("%s did not answer %s within 30 s: %s", p.name, u, p.out)
}

// renderNginx turns docs/nginx-maeul.conf into a config for this test:
// the two instances' ports, a listen address, and every path under dir.
// Each replaced line must exist, so the test runs the documented file.
func renderNginx(t *testing.T, dir, listen, a, b string) string {
	t.Helper()
	site, err := os.ReadFile(filepath.Join("..", "..", "docs", "nginx-maeul.conf"))
	if err != nil {
		t.Fatal(err)
	}
	s := string(site)
	for _, r := range [][2]string{{"127.0.0.1:8081", a}, {"127.0.0.1:8082", b}, {"listen 80;", "listen " + listen + ";"},
		{"/var/log/nginx/", dir + "/"}, {"error_log " + dir + "/maeul-error.log crit;", "error_log " + dir + "/maeul-error.log info;"}} {
		if !strings.Contains(s, r[0]) {
			t.Fatalf("docs/nginx-maeul.conf no longer has %q: update the test with the file", r[0])
		}
		s = strings.ReplaceAll(s, r[0], r[1])
	}
	user := ""
	if os.Geteuid() == 0 {
		user = "user root;\n" // workers must write the temp folders under dir
	}
	conf := fmt.Sprintf(`%sworker_processes 1;
pid %[2]s/nginx.pid;
error_log %[2]s/error.log info;
events { worker_connections 512; }
http {
  client_body_temp_path %[2]s/body;
  proxy_temp_path %[2]s/proxy;
  fastcgi_temp_path %[2]s/fastcgi;
  uwsgi_temp_path %[2]s/uwsgi;
  scgi_temp_path %[2]s/scgi;
%[3]s
}
`, user, dir, s)
	path := filepath.Join(dir, "nginx.conf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// from is an HTTP client whose connections come from local (127.0.0.x):
// each simulated resident is its own address, as phones are.
func from(local string, jar http.CookieJar) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}, Timeout: 5 * time.Second}
	return &http.Client{Jar: jar, Timeout: 15 * time.Second, Transport: &http.Transport{DialContext: d.DialContext}}
}

func call(c *http.Client, method, u, token string, body any, out any) (int, string, error) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, u, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, "", err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return res.StatusCode, string(b), err
		}
	}
	return res.StatusCode, string(b), nil
}

func mustCall(t *testing.T, c *http.Client, method, u, token string, body any, want int, out any) {
	t.Helper()
	st, b, err := call(c, method, u, token, body, out)
	if err != nil || st != want {
		t.Fatalf("%s %s: %d %v: %s (want %d)", method, u, st, err, b, want)
	}
}

type tally struct {
	Ballots     int64 `json:"ballots"`
	CodesIssued int64 `json:"codes_issued"`
	State       string
}

// viewer reads a tally feed and keeps the highest ballot count seen.
type viewer struct {
	name       string
	max        atomic.Int64
	msgs       atomic.Int64
	reconnects atomic.Int64
}

// watch follows a tally feed from local, reconnecting after a drop as the
// projector does (through nginx, a reconnect lands on a live instance).
func watch(t *testing.T, name, wsURL, token, local string) *viewer {
	t.Helper()
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(local)}}
	wd := websocket.Dialer{HandshakeTimeout: 10 * time.Second, NetDialContext: d.DialContext}
	hdr := http.Header{"Authorization": {"Bearer " + token}}
	c, res, err := wd.Dial(wsURL, hdr)
	if err != nil {
		st := 0
		if res != nil {
			st = res.StatusCode
		}
		t.Fatalf("%s: dial %s: %v (status %d)", name, wsURL, err, st)
	}
	v := &viewer{name: name}
	var mu sync.Mutex
	stopped := false
	t.Cleanup(func() { mu.Lock(); stopped = true; c.Close(); mu.Unlock() })
	go func() {
		for {
			_, b, err := c.ReadMessage()
			if err != nil {
				for {
					time.Sleep(200 * time.Millisecond)
					mu.Lock()
					if stopped {
						mu.Unlock()
						return
					}
					nc, _, err := wd.Dial(wsURL, hdr)
					if err == nil {
						c = nc
						v.reconnects.Add(1)
					}
					mu.Unlock()
					if err == nil {
						break
					}
				}
				continue
			}
			var m tally
			if json.Unmarshal(b, &m) == nil {
				v.msgs.Add(1)
				if m.Ballots > v.max.Load() {
					v.max.Store(m.Ballots)
				}
			}
		}
	}()
	return v
}

func (v *viewer) waitFor(t *testing.T, n int64, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for v.max.Load() < n {
		if time.Now().After(deadline) {
			t.Errorf("%s saw %d ballots (in %d messages), want %d", v.name, v.max.Load(), v.msgs.Load(), n)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

const residents = 40

func TestBehindNginxOnTwoInstances(t *testing.T) {
	ngx := nginxPath(t)
	bin := servertest.Binary(t)
	db := dbtest.MustOpenDB(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	addrA, addrB, front := servertest.FreeAddr(t), servertest.FreeAddr(t), servertest.FreeAddr(t)
	base := "http://" + front
	// One secret file for both instances, as in production.
	secretFile := filepath.Join(dir, "secret")

	env := append(os.Environ(), "DATABASE_URL="+db.DSN)
	admin := func(args ...string) string {
		cmd := exec.Command(bin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("maeul %s: %v: %s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(string(out))
	}
	const email, password = "host@seongsan1.example.kr", "correct horse battery"
	admin("user", "add", "--email", email, "--password", password, "--role", "dong", "--district", "마포구", "--dong", "성산1동")
	token := admin("token", "create", "--email", email)

	serveArgs := func(addr string) []string {
		return []string{"serve", "--addr", addr, "--database-url", db.DSN, "--trusted-proxy", "127.0.0.1/32", "--base-url", base,
			"--secret-file", secretFile}
	}
	instA := start(t, "instance A", syscall.SIGTERM, bin, serveArgs(addrA)...)
	instB := start(t, "instance B", syscall.SIGTERM, bin, serveArgs(addrB)...)
	instA.waitHTTP(t, "http://"+addrA+"/healthz")
	instB.waitHTTP(t, "http://"+addrB+"/healthz")

	conf := renderNginx(t, dir, front, addrA, addrB)
	if out, err := exec.Command(ngx, "-t", "-c", conf, "-p", dir, "-e", dir+"/error.log").CombinedOutput(); err != nil {
		t.Fatalf("nginx -t: %v: %s", err, out)
	}
	proxy := start(t, "nginx", syscall.SIGQUIT, ngx, "-c", conf, "-p", dir, "-e", dir+"/error.log", "-g", "daemon off;")
	proxy.waitHTTP(t, base+"/healthz")
	defer func() {
		if t.Failed() {
			b, _ := os.ReadFile(dir + "/error.log")
			t.Logf("nginx error log:\n%s\ninstance A:\n%s\ninstance B:\n%s", b, instA.out, instB.out)
		}
	}()

	// (1) The host logs in through the proxy, then sets the assembly up
	// with the JSON API and a token.
	jar, _ := cookiejar.New(nil)
	hostWeb := from("127.0.0.1", jar)
	res, err := hostWeb.PostForm(base+"/login", url.Values{"email": {email}, "password": {password}, "next": {"/host"}})
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Contains(page, []byte(`name="_csrf"`)) || !strings.HasSuffix(res.Request.URL.Path, "/host") {
		t.Fatalf("login through nginx: %d at %s", res.StatusCode, res.Request.URL)
	}
	api := from("127.0.0.2", nil)
	var a struct {
		ID   string `json:"id"`
		Slug string `json:"slug"`
	}
	mustCall(t, api, "POST", base+"/api/v1/assemblies", token, map[string]any{
		"title": "2027 성산1동 마을총회", "place": "성산1동 주민센터 3층 강당",
		"starts_at": "2027-07-15T14:00:00+09:00", "ends_at": "2027-07-15T17:00:00+09:00",
		"budget_cap": 30_000_000, "method": "approval", "max_choices": 2, "sealed": false}, 201, &a)
	var agendas []string
	for i, cost := range []int64{5_000_000, 12_000_000, 8_000_000} {
		var g struct {
			ID string `json:"id"`
		}
		mustCall(t, api, "POST", base+"/api/v1/assemblies/"+a.ID+"/agendas", token,
			map[string]any{"title": fmt.Sprintf("의제 %d", i+1), "cost": cost, "summary": "내용", "location": "위치"}, 201, &g)
		agendas = append(agendas, g.ID)
	}
	mustCall(t, api, "POST", base+"/api/v1/assemblies/"+a.ID+"/publish", token, nil, 200, nil)
	mustCall(t, api, "POST", base+"/api/v1/assemblies/"+a.ID+"/open", token, nil, 200, nil)
	var issued struct {
		Codes []struct {
			Code string `json:"code"`
		} `json:"codes"`
	}
	mustCall(t, api, "POST", base+"/api/v1/assemblies/"+a.ID+"/codes", token, map[string]any{"count": residents, "channel": "onsite"}, 201, &issued)
	if len(issued.Codes) != residents {
		t.Fatalf("%d codes issued, want %d", len(issued.Codes), residents)
	}

	// (3) Viewers of the live tally: one through the proxy, one on each
	// instance directly (so a viewer on A must learn B's ballots).
	ws := "/ws/assemblies/" + a.ID + "/tally"
	viewers := []*viewer{
		watch(t, "viewer through nginx", "ws://"+front+ws, token, "127.0.0.3"),
		watch(t, "viewer on A", "ws://"+addrA+ws, token, "127.0.0.3"),
		watch(t, "viewer on B", "ws://"+addrB+ws, token, "127.0.0.3"),
	}

	// (2) and (4): 40 residents, half of them sharing the attacker's
	// address (a venue's Wi-Fi), half on their own, each mistyping
	// once before the right code; an attacker guesses codes from one
	// address meanwhile; instance A is killed -9 after 15 ballots. A
	// resident's phone retries a failed request with the same nonce, as
	// ballot.js does.
	var acked, refusedResidents, killed atomic.Int64
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	vote := func(c *http.Client, code, nonce string, choice string) (int, error) {
		st, body, err := call(c, "POST", base+"/api/v1/ballots", "",
			map[string]any{"assembly": a.Slug, "code": code, "choices": []string{choice}, "nonce": nonce}, nil)
		if st >= 500 && st != 502 && st != 504 {
			t.Errorf("ballot: %d %s", st, body)
		}
		return st, err
	}
	wg.Add(1)
	go func() { // the attacker
		defer wg.Done()
		c := from("127.0.0.250", nil)
		limited := false
		// Failures beyond voting.GuessesPerClient (30 a minute) answer 429.
		for i := 0; i < 40; i++ {
			st, _ := vote(c, fmt.Sprintf("WRONG%04dCODE%04d", i, i), fmt.Sprint("atk", i), agendas[0])
			if st == 201 {
				t.Errorf("a guessed code was accepted")
			}
			limited = limited || st == 429
			time.Sleep(20 * time.Millisecond)
		}
		if !limited {
			t.Errorf("40 wrong codes from one address through the proxy were never rate-limited")
		}
	}()
	for i, code := range issued.Codes {
		wg.Add(1)
		go func(i int, code string) {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			// Half the residents are on the venue's Wi-Fi: one public
			// address, the attacker's; the others on their own (mobile).
			addr, venue := fmt.Sprintf("127.0.1.%d", i+1), i%2 == 0
			if venue {
				addr = "127.0.0.250"
			}
			c := from(addr, nil)
			// The QR code opens the ballot page with the code in its URL.
			if r, err := c.Get(base + "/v/" + a.Slug + "?code=" + url.QueryEscape(code)); err == nil {
				io.Copy(io.Discard, r.Body)
				r.Body.Close()
				if r.StatusCode != 200 || r.Header.Get("Referrer-Policy") != "no-referrer" {
					t.Errorf("resident %d's ballot page: %d, Referrer-Policy %q", i, r.StatusCode, r.Header.Get("Referrer-Policy"))
				}
			}
			// A mistype is refused (404), or slowed (429) on the address the
			// attacker shares: its failures count there; never accepted.
			if st, err := vote(c, code[:len(code)-2]+"zz", fmt.Sprint("typo", i), agendas[0]); err == nil && (st == 201 || st == 429 && !venue || st >= 500 && st != 502) {
				t.Errorf("resident %d's mistyped code: %d", i, st)
			}
			nonce := fmt.Sprintf("phone-%d", i)
			for try := 0; ; try++ {
				st, err := vote(c, code, nonce, agendas[i%len(agendas)])
				mu.Lock()
				statuses[st]++
				mu.Unlock()
				if err == nil && st == 201 {
					if acked.Add(1) == 15 && killed.Add(1) == 1 {
						instA.cmd.Process.Signal(syscall.SIGKILL)
					}
					return
				}
				if err == nil && st != 502 && st != 504 {
					refusedResidents.Add(1)
					t.Errorf("resident %d refused: %d", i, st)
					return
				}
				if try == 20 {
					t.Errorf("resident %d: no answer after 20 tries (%d %v)", i, st, err)
					return
				}
				time.Sleep(100 * time.Millisecond)
			}
		}(i, code.Code)
		time.Sleep(15 * time.Millisecond) // arrivals spread over the window
	}
	wg.Wait()
	t.Logf("ballot answers: %v; acknowledged %d", statuses, acked.Load())
	if acked.Load() != residents || refusedResidents.Load() != 0 {
		t.Fatalf("%d of %d residents acknowledged, %d refused", acked.Load(), residents, refusedResidents.Load())
	}
	select {
	case <-instA.done:
	case <-time.After(5 * time.Second):
		t.Fatal("instance A was not killed")
	}

	// Every acknowledged ballot is stored: the tally through the proxy
	// (now only B) counts them all.
	var tl tally
	mustCall(t, api, "GET", base+"/api/v1/assemblies/"+a.ID+"/tally", token, nil, 200, &tl)
	if tl.Ballots != residents {
		t.Fatalf("tally through nginx after the vote: %d ballots, want %d", tl.Ballots, residents)
	}
	mustCall(t, api, "POST", base+"/api/v1/assemblies/"+a.ID+"/close", token, nil, 200, nil)
	mustCall(t, api, "GET", base+"/api/v1/assemblies/"+a.ID+"/tally", token, nil, 200, &tl)
	if tl.Ballots != residents || tl.State != "closed" {
		t.Fatalf("tally after closing: %+v", tl)
	}
	// The viewers on B and through nginx (reconnected to B if it was on A)
	// saw the count move to the end, ballots through either instance; the
	// one on A saw it move until A died.
	viewers[2].waitFor(t, residents, 10*time.Second)
	viewers[0].waitFor(t, residents, 10*time.Second)
	if viewers[1].max.Load() == 0 {
		t.Errorf("the viewer on A saw no ballot before A was killed")
	}
	t.Logf("viewers saw: through nginx %d (%d reconnects), A %d (killed), B %d", viewers[0].max.Load(),
		viewers[0].reconnects.Load(), viewers[1].max.Load(), viewers[2].max.Load())

	// The access log names paths, never a voting code.
	logged, err := os.ReadFile(dir + "/maeul-access.log")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(logged, []byte("/api/v1/ballots")) {
		t.Errorf("the access log has no ballot request:\n%.500s", logged)
	}
	for _, c := range issued.Codes {
		if bytes.Contains(logged, []byte(c.Code)) {
			t.Fatalf("a voting code reached the nginx access log")
		}
	}
}
