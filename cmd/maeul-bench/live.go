package main

// The live benchmark: N websocket viewers of one assembly on one real
// `maeul serve` (private PostgreSQL cluster, fsync on, 127.0.0.1 only)
// while ballots arrive through the real ballots API at a steady rate. It
// prints the server's memory per idle viewer and the commit-to-viewer
// latency, next to a baseline measured in the same run: a bare
// gorilla/websocket broadcast server (the gorilla chat example's hub)
// sending the same message to the same number of clients.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"maeul/account"
	"maeul/live"
)

type liveOpts struct {
	viewers  []int
	rate     int
	duration time.Duration
	agendas  int
}

func benchLive(args []string) error {
	fs := flag.NewFlagSet("live", flag.ContinueOnError)
	viewers := fs.String("viewers", "1000,5000,10000", "comma-separated numbers of websocket viewers, one run each")
	rate := fs.Int("rate", 500, "ballots per second during each run")
	dur := fs.Duration("duration", 10*time.Second, "how long ballots arrive in each run")
	agendas := fs.Int("agendas", 10, "agendas on the ballot (the message grows with them)")
	baseline := fs.String("baseline-serve", "", "internal: serve the bare broadcast baseline on this address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *baseline != "" {
		return serveBaseline(*baseline)
	}
	o := liveOpts{rate: *rate, duration: *dur, agendas: *agendas}
	for _, s := range strings.Split(*viewers, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("--viewers %q: want numbers like 1000,5000", *viewers)
		}
		o.viewers = append(o.viewers, n)
	}
	if o.rate < 1 || o.duration < time.Second || o.duration > 5*time.Minute {
		return errors.New("--rate must be ≥ 1 and --duration between 1s and 5m")
	}
	return runLive(o)
}

// raiseNoFile lifts the open-file limit to its hard maximum; child
// processes (the server, the baseline) inherit it.
func raiseNoFile(need int) (uint64, error) {
	var l syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	l.Cur = l.Max
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &l); err != nil {
		return 0, err
	}
	if l.Cur < uint64(need) {
		return l.Cur, fmt.Errorf("open-file limit is %d, %d viewers need about %d: raise the hard limit (ulimit -Hn)", l.Cur, need, need+200)
	}
	return l.Cur, nil
}

func runLive(o liveOpts) error {
	most := 0
	for _, n := range o.viewers {
		most = max(most, n)
	}
	nofile, err := raiseNoFile(most + 200)
	if err != nil {
		return err
	}
	ctx := context.Background()
	db, err := startBenchDB(ctx, "maeul-bench-live-", "maeul_bench")
	if err != nil {
		return err
	}
	defer db.Close()
	tmp, pool, dsn := db.Dir, db.Pool, db.DSN

	fmt.Fprintln(os.Stderr, "building cmd/maeul …")
	bin := filepath.Join(tmp, "maeul")
	if out, err := exec.Command("go", "build", "-o", bin, "./cmd/maeul").CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/maeul (run from the module root): %v: %s", err, out)
	}
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	// A fresh server per run, so one run's memory does not hide the next's.
	var srv *child
	base := "http://" + addr
	startServer := func(run int) error {
		if srv != nil {
			srv.stop()
		}
		var err error
		srv, err = startChild(filepath.Join(tmp, fmt.Sprintf("server-%d.log", run)), bin, "serve", "--addr", addr, "--database-url", dsn)
		if err != nil {
			return err
		}
		return waitHealthy(base+"/healthz", srv)
	}
	if err := startServer(0); err != nil {
		return err
	}
	defer func() { srv.stop() }()

	// One host, one assembly open for voting (not sealed, so messages carry
	// every agenda's numbers), one projector link for the viewers.
	st := account.NewService(pool)
	if _, err := st.AddUser(ctx, account.NewUser{Email: "bench@example.kr", Password: "bench password 1", Role: account.RoleDong,
		District: "마포구", Dong: "성산1동"}); err != nil {
		return err
	}
	token, err := st.CreateToken(ctx, "bench@example.kr")
	if err != nil {
		return err
	}
	var aid int64
	start := time.Now().Add(-time.Hour)
	if err := pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
		budget_cap, method, max_choices, sealed, state) VALUES ('bench-live', '마포구', '성산1동', '성산1동 마을총회 (벤치마크)',
		'강당', $1, $2, 30000000, 'approval', 3, false, 'published') RETURNING id`, start, start.Add(4*time.Hour)).Scan(&aid); err != nil {
		return err
	}
	var agendaIDs []string
	for i := 1; i <= o.agendas; i++ {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO agendas (assembly_id, number, title, summary, location, cost)
			VALUES ($1, $2, $3, '내용', '위치', $4) RETURNING id`, aid, i, fmt.Sprintf("우리 동네 의제 %d번: 골목길 환경 개선", i),
			int64(2_000_000+i*500_000)).Scan(&id); err != nil {
			return err
		}
		agendaIDs = append(agendaIDs, strconv.FormatInt(id, 10))
	}
	if status, body := httpJSON("POST", fmt.Sprintf("%s/api/v1/assemblies/%d/open", base, aid), token, nil); status != 200 {
		return fmt.Errorf("open the vote: %d %s", status, body)
	}
	link, _, err := live.CreateLink(ctx, pool, aid, nil, "bench")
	if err != nil {
		return err
	}
	wsURL := fmt.Sprintf("ws://%s/ws/assemblies/%d/tally?t=%s", addr, aid, link)
	tallyURL := fmt.Sprintf("%s/api/v1/assemblies/%d/tally?t=%s", base, aid, link)

	perRun := o.rate * int(o.duration/time.Second)
	fmt.Fprintf(os.Stderr, "issuing %d codes …\n", perRun*len(o.viewers))
	codes, err := issueBenchCodes(base, token, aid, perRun*len(o.viewers))
	if err != nil {
		return err
	}

	var results []liveResult
	for i, n := range o.viewers {
		fmt.Fprintf(os.Stderr, "run %d: %d viewers of maeul, %d ballots/s for %v …\n", i+1, n, o.rate, o.duration)
		if err := startServer(i + 1); err != nil {
			return err
		}
		r, sample, err := runMaeul(o, n, wsURL, tallyURL, base, srv.cmd.Process.Pid, agendaIDs, codes[i*perRun:(i+1)*perRun])
		if err != nil {
			return err
		}
		results = append(results, r)
		fmt.Fprintf(os.Stderr, "run %d: %d viewers of the bare gorilla broadcast …\n", i+1, n)
		b, err := runBaseline(o, n, sample, r.msgRate)
		if err != nil {
			return err
		}
		results = append(results, b)
	}

	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("maeul-bench live — %d agendas, %d ballots/s for %v per run, loopback, fsync on, open-file limit %d, %d CPUs, load average %s\n",
		o.agendas, o.rate, o.duration, nofile, runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "))
	fmt.Printf("%-8s %-22s %12s %10s %9s %9s %9s %9s %8s\n", "viewers", "server", "KB/idle viewer", "ballots/s", "msgs/s", "p50 ms", "p99 ms", "max ms", "missed")
	for _, r := range results {
		bps := "-"
		if r.ballotsPerSec > 0 {
			bps = fmt.Sprintf("%.0f", r.ballotsPerSec)
		}
		fmt.Printf("%-8d %-22s %12.1f %10s %9.1f %9.1f %9.1f %9.1f %8d\n", r.viewers, r.server, r.kbPerViewer, bps, r.msgRate,
			ms(r.p50), ms(r.p99), ms(r.max), r.missed)
	}
	fmt.Println("latency: maeul = ballot's 201 answer → first message counting it, at each viewer;")
	fmt.Println("         bare  = broadcast request sent → message received, at each client.")
	fmt.Println("memory: growth of the server's resident set with the viewers connected and idle, divided by the viewers.")
	return nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

type liveResult struct {
	viewers       int
	server        string
	kbPerViewer   float64
	ballotsPerSec float64
	msgRate       float64
	p50, p99, max time.Duration
	missed        int
	ballotErrs    int64
}

// child is a process the benchmark started.
type child struct {
	cmd  *exec.Cmd
	done chan struct{}
	log  string
}

func startChild(logPath, name string, args ...string) (*child, error) {
	f, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	c := &child{cmd: exec.Command(name, args...), done: make(chan struct{}), log: logPath}
	c.cmd.Stdout, c.cmd.Stderr = f, f
	if err := c.cmd.Start(); err != nil {
		f.Close()
		return nil, err
	}
	go func() { c.cmd.Wait(); f.Close(); close(c.done) }()
	return c, nil
}

func (c *child) stop() {
	select {
	case <-c.done:
		return
	default:
	}
	c.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-c.done:
	case <-time.After(15 * time.Second):
		c.cmd.Process.Kill()
		<-c.done
	}
}

func waitHealthy(url string, c *child) error {
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
		if res, err := http.Get(url); err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return nil
			}
		}
		select {
		case <-c.done:
			b, _ := os.ReadFile(c.log)
			return fmt.Errorf("the server exited: %s", b)
		case <-time.After(50 * time.Millisecond):
		}
	}
	return fmt.Errorf("%s did not answer within 60 s", url)
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// rssKB is a process's resident set size.
func rssKB(pid int) (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmRSS:" {
			return strconv.ParseInt(f[1], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS")
}

var httpc = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256}}

func httpJSON(method, url, token string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := httpc.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, b
}

func issueBenchCodes(base, token string, aid int64, n int) ([]string, error) {
	var all []string
	for len(all) < n {
		k := min(5000, n-len(all))
		status, body := httpJSON("POST", fmt.Sprintf("%s/api/v1/assemblies/%d/codes", base, aid), token,
			map[string]any{"count": k, "channel": "onsite"})
		if status != 201 {
			return nil, fmt.Errorf("issue codes: %d %s", status, body)
		}
		var out struct {
			Codes []struct {
				Code string `json:"code"`
			} `json:"codes"`
		}
		if err := json.Unmarshal(body, &out); err != nil {
			return nil, err
		}
		for _, c := range out.Codes {
			all = append(all, c.Code)
		}
	}
	return all, nil
}

// client is one benchmark viewer: it records when each message arrived
// and the number it carried (the tally's ballots, or the baseline's
// sequence number).
type client struct {
	conn  *websocket.Conn
	mu    sync.Mutex
	nums  []int64
	times []time.Time
	first chan struct{}
	once  sync.Once
}

var ballotsKey = []byte(`"ballots":`)

// numberAfter reads the integer after `"ballots":` without decoding the
// whole message (the clients share the benchmark's CPU with the server).
func numberAfter(b []byte) int64 {
	i := bytes.Index(b, ballotsKey)
	if i < 0 {
		return -1
	}
	var n int64
	for _, ch := range b[i+len(ballotsKey):] {
		if ch < '0' || ch > '9' {
			break
		}
		n = n*10 + int64(ch-'0')
	}
	return n
}

func (c *client) run(wg *sync.WaitGroup) {
	defer wg.Done()
	// One buffer per client, reused: the clients share the CPU with the
	// servers under test and should cost as little as they can.
	var buf bytes.Buffer
	for {
		_, r, err := c.conn.NextReader()
		if err == nil {
			buf.Reset()
			_, err = buf.ReadFrom(r)
		}
		now := time.Now()
		if err != nil {
			c.once.Do(func() { close(c.first) })
			return
		}
		c.mu.Lock()
		c.nums = append(c.nums, numberAfter(buf.Bytes()))
		c.times = append(c.times, now)
		c.mu.Unlock()
		c.once.Do(func() { close(c.first) })
	}
}

var dialer = websocket.Dialer{HandshakeTimeout: 30 * time.Second, ReadBufferSize: 4096, WriteBufferSize: 256}

// connect opens n clients, 64 at a time, and waits for their first message
// when wantFirst is set.
func connect(url string, n int, wantFirst bool) ([]*client, *sync.WaitGroup, error) {
	clients := make([]*client, n)
	readers := &sync.WaitGroup{}
	var failed atomic.Int64
	var firstErr atomic.Value
	sem := make(chan struct{}, 64)
	var dials sync.WaitGroup
	for i := range clients {
		sem <- struct{}{}
		dials.Add(1)
		go func(i int) {
			defer func() { <-sem; dials.Done() }()
			var conn *websocket.Conn
			var err error
			for try := 0; try < 5; try++ {
				if conn, _, err = dialer.Dial(url, nil); err == nil {
					break
				}
				time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
			}
			if err != nil {
				failed.Add(1)
				firstErr.CompareAndSwap(nil, err)
				return
			}
			c := &client{conn: conn, first: make(chan struct{})}
			clients[i] = c
			readers.Add(1)
			go c.run(readers)
			if wantFirst {
				select {
				case <-c.first:
				case <-time.After(30 * time.Second):
				}
			}
		}(i)
	}
	dials.Wait()
	if f := failed.Load(); f > 0 {
		closeAll(clients)
		return nil, nil, fmt.Errorf("%d of %d websocket dials failed: %v", f, n, firstErr.Load())
	}
	return clients, readers, nil
}

func closeAll(cs []*client) {
	for _, c := range cs {
		if c != nil {
			c.conn.Close()
		}
	}
}

// settleRSS waits for the server's memory to settle and returns it: 12 s,
// longer than fasthttp keeps idle worker goroutines (10 s) after the
// connection storm.
func settleRSS(pid int) (int64, error) {
	time.Sleep(12 * time.Second)
	return rssKB(pid)
}

func runMaeul(o liveOpts, n int, wsURL, tallyURL, base string, pid int, agendas, codes []string) (liveResult, []byte, error) {
	r := liveResult{viewers: n, server: "maeul"}
	before, err := settleRSS(pid)
	if err != nil {
		return r, nil, err
	}
	clients, readers, err := connect(wsURL, n, true)
	if err != nil {
		return r, nil, err
	}
	after, err := settleRSS(pid)
	if err != nil {
		return r, nil, err
	}
	r.kbPerViewer = float64(after-before) / float64(n)
	var base0 int64 = -1
	for _, c := range clients {
		c.mu.Lock()
		if len(c.nums) > 0 && base0 < 0 {
			base0 = c.nums[len(c.nums)-1]
		}
		c.mu.Unlock()
	}
	if base0 < 0 {
		closeAll(clients)
		return r, nil, errors.New("no viewer got a first tally")
	}

	// Ballots at a steady rate through the API; each one's 201 is a commit.
	var mu sync.Mutex
	var done []time.Time
	var errs atomic.Int64
	jobs := make(chan int, len(codes))
	var workers sync.WaitGroup
	for w := 0; w < 64; w++ {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for i := range jobs {
				status, _ := httpJSON("POST", base+"/api/v1/ballots", "", map[string]any{"assembly": "bench-live",
					"code": codes[i], "choices": []string{agendas[i%len(agendas)], agendas[(i*7+3)%len(agendas)]}, "nonce": fmt.Sprint("n", i)})
				if status != 201 {
					errs.Add(1)
					continue
				}
				t := time.Now()
				mu.Lock()
				done = append(done, t)
				mu.Unlock()
			}
		}()
	}
	loadStart := time.Now()
	interval := time.Second / time.Duration(o.rate)
	for i := range codes {
		if d := time.Until(loadStart.Add(time.Duration(i) * interval)); d > 0 {
			time.Sleep(d)
		}
		jobs <- i
	}
	close(jobs)
	workers.Wait()
	loadTime := time.Since(loadStart)
	time.Sleep(time.Second) // the last messages
	closeAll(clients)
	readers.Wait()
	r.ballotErrs = errs.Load()
	r.ballotsPerSec = float64(len(done)) / loadTime.Seconds()
	sort.Slice(done, func(i, j int) bool { return done[i].Before(done[j]) })

	// The k-th 201 means at least base0+k ballots are counted in the
	// database: the latency is until a viewer first sees that many.
	step := max(1, len(done)/400)
	var lats []time.Duration
	var msgs int
	for _, c := range clients {
		msgs += len(c.nums) - 1
		for k := step; k <= len(done); k += step {
			want := base0 + int64(k)
			j := sort.Search(len(c.nums), func(j int) bool { return c.nums[j] >= want })
			if j == len(c.nums) {
				r.missed++
				continue
			}
			lats = append(lats, max(0, c.times[j].Sub(done[k-1])))
		}
	}
	r.msgRate = float64(msgs) / float64(n) / loadTime.Seconds()
	r.p50, r.p99, r.max = percentiles(lats)
	if r.ballotErrs > 0 {
		fmt.Fprintf(os.Stderr, "  %d ballots were refused\n", r.ballotErrs)
	}
	// The last message, to send the same bytes through the baseline.
	var sample []byte
	if c := clients[0]; len(c.nums) > 0 {
		sample = []byte(fmt.Sprintf(`{"state":"open","sealed":false,"ballots":%d}`, c.nums[len(c.nums)-1]))
	}
	if status, body := httpJSON("GET", tallyURL, "", nil); status == 200 {
		sample = body
	}
	return r, sample, nil
}

func percentiles(d []time.Duration) (p50, p99, mx time.Duration) {
	if len(d) == 0 {
		return
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)*50/100], d[min(len(d)-1, len(d)*99/100)], d[len(d)-1]
}
