package live_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"maeul/account"
	"maeul/assembly"
	"maeul/live"
	"maeul/server"
	"maeul/server/servertest"
	"maeul/voting"
)

// proc is a real `maeul serve` process.
type proc struct {
	cmd  *exec.Cmd
	URL  string
	addr string
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

// startProc runs `maeul serve` on addr against the test's database and
// waits until it answers /healthz.
func startProc(t *testing.T, dsn, addr string) *proc {
	t.Helper()
	p := &proc{addr: addr, URL: "http://" + addr, out: &syncBuffer{}, done: make(chan struct{})}
	p.cmd = exec.Command(servertest.Binary(t), "serve", "--addr", addr, "--database-url", dsn, "--secret-file", processSecret(t),
		"--mix-k", "1") // every ballot counted at once: these tests follow single ballots
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() { p.stop(t) })
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		res, err := http.Get(p.URL + "/healthz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return p
			}
		}
		select {
		case <-p.done:
			t.Fatalf("maeul serve exited: %s", p.out)
		case <-time.After(50 * time.Millisecond):
		}
	}
	t.Fatalf("maeul serve did not answer within 30 s: %s", p.out)
	return nil
}

// stop sends SIGTERM and waits for a graceful exit.
func (p *proc) stop(t *testing.T) {
	select {
	case <-p.done:
		return
	default:
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("maeul serve did not stop within 20 s of SIGTERM: %s", p.out)
	}
}

func TestReconnectAfterRestart(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	addr := servertest.FreeAddr(t)
	p := startProc(t, e.DB.DSN, addr)

	c := mustDial(t, p.URL, a.ID, host.Token, "")
	if m := read(t, c, 10*time.Second); m.Ballots != 0 {
		t.Fatalf("initial: %s", m.Raw)
	}

	// A graceful stop closes the websocket (the hub, not Fiber, must).
	stopped := time.Now()
	p.stop(t)
	c.SetReadDeadline(time.Now().Add(15 * time.Second))
	_, _, err := c.ReadMessage()
	if err == nil {
		t.Fatal("the websocket stayed open after the server stopped")
	}
	var ce *websocket.CloseError
	if ok := asCloseError(err, &ce); ok && ce.Code != websocket.CloseGoingAway {
		t.Fatalf("close code %d, want going away (1001)", ce.Code)
	}
	t.Logf("socket closed %v after SIGTERM: %v", time.Since(stopped), err)

	// Ballots arrive while the server is down (another instance took them).
	insertBallot(t, e, a.ID, voting.ChannelOnsite, gs[0].ID)
	insertBallot(t, e, a.ID, voting.ChannelOnline, gs[0].ID, gs[1].ID)

	p = startProc(t, e.DB.DSN, addr)
	var c2 *websocket.Conn
	for i := 0; ; i++ {
		var err error
		c2, _, err = dial(p.URL, a.ID, host.Token, "")
		if err == nil {
			break
		}
		if i > 100 {
			t.Fatalf("reconnect: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	defer c2.Close()
	m := read(t, c2, 10*time.Second)
	if m.Ballots != 2 || votesOf(m, gs[0].ID) != 2 || votesOf(m, gs[1].ID) != 1 {
		t.Fatalf("after the restart the first message must be the current tally: %s", m.Raw)
	}
}

func asCloseError(err error, ce **websocket.CloseError) bool {
	c, ok := err.(*websocket.CloseError)
	if ok {
		*ce = c
	}
	return ok
}

// dbCount is the number of ballots of an assembly in the database.
func dbCount(t *testing.T, e *servertest.Env, id int64) int64 {
	t.Helper()
	var n int64
	if err := e.DB.Pool.QueryRow(context.Background(), `SELECT (SELECT count(*) FROM ballots WHERE assembly_id = $1)
		+ (SELECT count(*) FROM pending_ballots WHERE assembly_id = $1)`, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// call sends a JSON request to a server at base and decodes the answer;
// safe from any goroutine (it reports with Errorf and returns 0).
func call(t *testing.T, base, method, path, token string, body, out any) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+path, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return 0
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if out != nil && res.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Errorf("%s %s: %v: %s", method, path, err, b)
			return 0
		}
	}
	if res.StatusCode >= 300 {
		t.Logf("%s %s: %d %s", method, path, res.StatusCode, b)
	}
	return res.StatusCode
}

// issueCodes asks the API of the server at base for n onsite codes.
func issueCodes(t *testing.T, base, token string, id int64, n int) []string {
	t.Helper()
	var out struct {
		Codes []struct {
			Code string `json:"code"`
		} `json:"codes"`
	}
	if st := call(t, base, "POST", fmt.Sprintf("/api/v1/assemblies/%d/codes", id), token,
		map[string]any{"count": n, "channel": "onsite"}, &out); st != 201 || len(out.Codes) != n {
		t.Fatalf("issue codes: status %d, %d codes", st, len(out.Codes))
	}
	codes := make([]string, n)
	for i, c := range out.Codes {
		codes[i] = c.Code
	}
	return codes
}

// vote casts a ballot through the ballots API of the server at base.
func vote(t *testing.T, base, slug, code string, agendas ...int64) {
	t.Helper()
	if st := tryVote(t, base, slug, code, agendas...); st != 201 {
		t.Fatalf("ballot through %s: status %d", base, st)
	}
}

// tryVote is vote for other goroutines: it returns the status.
func tryVote(t *testing.T, base, slug, code string, agendas ...int64) int {
	choices := make([]string, len(agendas))
	for i, g := range agendas {
		choices[i] = fmt.Sprint(g)
	}
	return call(t, base, "POST", "/api/v1/ballots", "", map[string]any{"assembly": slug, "code": code,
		"choices": choices, "nonce": code + "-n"}, nil)
}

func TestTwoInstances(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	pa := startProc(t, e.DB.DSN, servertest.FreeAddr(t))
	pb := startProc(t, e.DB.DSN, servertest.FreeAddr(t))
	codes := issueCodes(t, pa.URL, host.Token, a.ID, 41)

	// Listen as a third party: instance A must tell the others.
	ctx := context.Background()
	lc, err := pgx.Connect(ctx, e.DB.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer lc.Close(ctx)
	if _, err := lc.Exec(ctx, "LISTEN "+live.Channel); err != nil {
		t.Fatal(err)
	}

	viewer := mustDial(t, pb.URL, a.ID, host.Token, "")
	waitFor(t, viewer, 10*time.Second, "the codes", func(m message) bool { return m.CodesIssued == 41 })

	t.Run("a ballot through one instance reaches a viewer of the other", func(t *testing.T) {
		start := time.Now()
		vote(t, pa.URL, a.Slug, codes[0], gs[2].ID)
		m := waitFor(t, viewer, 10*time.Second, "one ballot", func(m message) bool { return m.Ballots == 1 && votesOf(m, gs[2].ID) == 1 })
		t.Logf("ballot via A → viewer of B in %v", time.Since(start))
		if votesOf(m, gs[2].ID) != 1 {
			t.Fatalf("%s", m.Raw)
		}
		nctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		for {
			n, err := lc.WaitForNotification(nctx)
			if err != nil {
				t.Fatalf("no notification on %s after a ballot: %v", live.Channel, err)
			}
			if strings.Contains(n.Payload, fmt.Sprint(a.ID)) {
				break
			}
		}
	})

	t.Run("the viewer's tally converges to the database's count", func(t *testing.T) {
		var wg sync.WaitGroup
		for i, code := range codes[1:] {
			base := pa.URL
			if i%2 == 1 {
				base = pb.URL
			}
			wg.Add(1)
			go func(base, code string, g int64) {
				defer wg.Done()
				if st := tryVote(t, base, a.Slug, code, g); st != 201 {
					t.Errorf("ballot through %s: status %d", base, st)
				}
			}(base, code, gs[i%len(gs)].ID)
		}
		wg.Wait()
		want := dbCount(t, e, a.ID)
		if want != 41 {
			t.Fatalf("database has %d ballots, want 41", want)
		}
		// Turnout moves at once; the votes when the mixer has moved the
		// last ballots (k = 1 here: right after).
		sumOf := func(m message) (n int64) {
			for _, g := range m.Agendas {
				n += *g.Votes
			}
			return n
		}
		m := waitFor(t, viewer, 15*time.Second, "every ballot", func(m message) bool { return m.Ballots == want && sumOf(m) == want })
		var sum int64
		for _, g := range m.Agendas {
			sum += *g.Votes
		}
		if sum != want || m.Channels["onsite"] != want {
			t.Fatalf("votes add up to %d, want %d: %s", sum, want, m.Raw)
		}
	})
}

// listeners returns the backends LISTENing for tallies.
func listeners(t *testing.T, e *servertest.Env) []int32 {
	t.Helper()
	rows, _ := e.DB.Pool.Query(context.Background(), `SELECT pid FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN '||$1`, live.Channel)
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		t.Fatal(err)
	}
	return pids
}

func TestListenerReconnects(t *testing.T) {
	e := servertest.Start(t)
	a, gs := e.Fixture(t, servertest.FixtureOptions{State: assembly.StateOpen})
	host := e.NewHost(t, account.RoleDong, a.District, a.Dong)
	// A second instance on the same database, in this process.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s2, err := server.New(server.Config{BaseURL: "http://" + ln.Addr().String(), Secret: servertest.TestSecret}, e.DB.Pool)
	if err != nil {
		t.Fatal(err)
	}
	s2.Start(context.Background())
	go s2.Serve(ln)
	t.Cleanup(func() { s2.Close() })
	url2 := "http://" + ln.Addr().String()

	// waitListeners waits for two listeners, none of them in old.
	waitListeners := func(old []int32) []int32 {
		t.Helper()
		for i := 0; ; i++ {
			pids := listeners(t, e)
			fresh := len(pids) == 2
			for _, p := range pids {
				for _, o := range old {
					fresh = fresh && p != o
				}
			}
			if fresh {
				return pids
			}
			if i > 200 {
				t.Fatalf("listeners %v, want two new ones (old %v)", pids, old)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	old := waitListeners(nil)
	// The database drops the listeners' connections (as in a restart);
	// both instances connect and LISTEN again.
	if _, err := e.DB.Pool.Exec(context.Background(), `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query = 'LISTEN '||$1`, live.Channel); err != nil {
		t.Fatal(err)
	}
	waitListeners(old)

	viewer := mustDial(t, url2, a.ID, host.Token, "")
	read(t, viewer, 10*time.Second)
	insertBallot(t, e, a.ID, voting.ChannelOnsite, gs[0].ID)
	start := time.Now()
	e.Server.Voting.OnChange(a.ID) // instance 1 saw the ballot
	waitFor(t, viewer, 10*time.Second, "the ballot from the other instance", func(m message) bool { return m.Ballots == 1 })
	t.Logf("after the listener reconnected, a change on instance 1 reached instance 2's viewer in %v", time.Since(start))
}

var (
	secretOnce sync.Once
	secretPath string
)

// processSecret is the one secret file every instance of this test binary
// is given, as every instance of a real deployment is.
func processSecret(t *testing.T) string {
	secretOnce.Do(func() {
		d, err := os.MkdirTemp("", "maeul-secret-")
		if err != nil {
			t.Fatal(err)
		}
		secretPath = filepath.Join(d, "secret")
		// The in-process servers of this binary use TestSecret on the
		// same databases: the processes must be given the same secret.
		if err := servertest.TestSecret.Save(secretPath); err != nil {
			t.Fatal(err)
		}
	})
	return secretPath
}
