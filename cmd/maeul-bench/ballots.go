package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/voting"
)

// benchBallots measures ballots over HTTP (the real server, group commit)
// against the same consume-and-insert statement sent directly with pgx,
// one ballot per commit, on the same private PostgreSQL cluster with
// fsync on, at 1, 8, 32 and 64 concurrent senders; then a paced run at a
// fixed rate for the latency goal.
func benchBallots(args []string) error {
	fs := flag.NewFlagSet("ballots", flag.ContinueOnError)
	perLevel := fs.Int("n", 3000, "ballots per run (each concurrency level, each side)")
	maxDur := fs.Duration("d", 8*time.Second, "longest time of one run")
	levelsFlag := fs.String("c", "1,8,32,64", "concurrency levels")
	rate := fs.Int("rate", 1000, "ballots per second of the paced run (0 skips it)")
	paceDur := fs.Duration("pace", 5*time.Second, "length of the paced run")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	var levels []int
	for _, s := range strings.Split(*levelsFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return fmt.Errorf("bad concurrency level %q", s)
		}
		levels = append(levels, n)
	}
	ctx := context.Background()

	db, err := startBenchDB(ctx, "mbench-", "bench")
	if err != nil {
		return err
	}
	defer db.Close()
	pool, dsn, fsync, syncCommit := db.Pool, db.DSN, db.Fsync, db.SyncCommit
	srv, base, tok, err := startBenchServer(ctx, pool)
	if err != nil {
		return err
	}
	defer srv.Close()
	// One assembly with six agendas, open.
	var aid int64
	start := time.Date(2026, 7, 15, 14, 0, 0, 0, time.FixedZone("KST", 9*3600))
	if err := pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, starts_at, ends_at, budget_cap, method, max_choices, state)
		VALUES ('bench', '마포구', '성산1동', '성산1동 마을총회', $1, $2, 30000000, 'approval', 3, 'published') RETURNING id`,
		start, start.Add(3*time.Hour)).Scan(&aid); err != nil {
		return err
	}
	var agendas []int64
	for i := 1; i <= 6; i++ {
		var id int64
		if err := pool.QueryRow(ctx, `INSERT INTO agendas (assembly_id, number, title, cost) VALUES ($1, $2, $3, $4) RETURNING id`,
			aid, i, fmt.Sprintf("의제 %d", i), int64(i)*2_000_000).Scan(&id); err != nil {
			return err
		}
		agendas = append(agendas, id)
	}
	client := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 0}, Timeout: 30 * time.Second}
	api := func(method, path string, body any, out any) error {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		res, err := client.Do(req)
		if err != nil {
			return err
		}
		defer res.Body.Close()
		rb, _ := io.ReadAll(res.Body)
		if res.StatusCode >= 300 {
			return fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, rb)
		}
		if out != nil {
			return json.Unmarshal(rb, out)
		}
		return nil
	}
	if err := api("POST", fmt.Sprintf("/api/v1/assemblies/%d/open", aid), nil, nil); err != nil {
		return err
	}
	need := *perLevel * len(levels) * 2
	if *rate > 0 {
		need += int(float64(*rate)*paceDur.Seconds()) + 1000
	}
	fmt.Printf("issuing %d codes…\n", need)
	var codes []string
	for len(codes) < need {
		var out struct{ Codes []voting.IssuedCode }
		if err := api("POST", fmt.Sprintf("/api/v1/assemblies/%d/codes", aid),
			map[string]any{"count": min(voting.MaxCodes, need-len(codes)), "channel": "onsite"}, &out); err != nil {
			return err
		}
		for _, c := range out.Codes {
			codes = append(codes, c.Code)
		}
	}
	var next atomic.Int64
	take := func() (string, bool) {
		i := int(next.Add(1) - 1)
		if i >= len(codes) {
			return "", false
		}
		return codes[i], true
	}
	choice := func(i int) []int64 { return []int64{agendas[i%6], agendas[(i+2)%6]} }

	httpBallot := func(code string, i int) error {
		ids := choice(i)
		body, _ := json.Marshal(map[string]any{"assembly": "bench", "code": code, "nonce": "n" + strconv.Itoa(i),
			"choices": []string{strconv.FormatInt(ids[0], 10), strconv.FormatInt(ids[1], 10)}})
		res, err := client.Post(base+"/api/v1/ballots", "application/json", bytes.NewReader(body))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != 201 {
			return fmt.Errorf("ballot answered %d", res.StatusCode)
		}
		return nil
	}

	fmt.Printf("\nPostgreSQL fsync=%s synchronous_commit=%s · %d ballots or %v per run · loopback HTTP\n\n", fsync, syncCommit, *perLevel, *maxDur)
	fmt.Printf("%-6s | %-37s | %-37s | %s\n", "", "service over HTTP (group commit)", "baseline: pgx, one ballot per commit", "")
	fmt.Printf("%-6s | %9s %8s %8s %8s | %9s %8s %8s %8s | %6s\n",
		"phones", "ballots/s", "p50 ms", "p95 ms", "p99 ms", "ballots/s", "p50 ms", "p95 ms", "p99 ms", "ratio")
	for _, c := range levels {
		// Baseline: the same statement, one ballot per commit, each worker
		// on its own connection.
		bcfg, err := pgxpool.ParseConfig(dsn)
		if err != nil {
			return err
		}
		bcfg.MaxConns = int32(c)
		bcfg.ConnConfig.RuntimeParams["timezone"] = "Asia/Seoul"
		bpool, err := pgxpool.NewWithConfig(ctx, bcfg)
		if err != nil {
			return err
		}
		base := runBallots(c, *perLevel, *maxDur, take, func(code string, i int) error {
			_, ok, err := srv.Voting.ConsumeOne(ctx, bpool, aid, code, "n"+strconv.Itoa(i), choice(i))
			if err == nil && !ok {
				err = errors.New("code not consumed")
			}
			return err
		})
		bpool.Close()
		svc := runBallots(c, *perLevel, *maxDur, take, httpBallot)
		if base.err != nil || svc.err != nil {
			return errors.Join(base.err, svc.err)
		}
		fmt.Printf("%-6d | %9.0f %8.1f %8.1f %8.1f | %9.0f %8.1f %8.1f %8.1f | %6.2f\n", c,
			svc.rate, millis(svc.p(50)), millis(svc.p(95)), millis(svc.p(99)),
			base.rate, millis(base.p(50)), millis(base.p(95)), millis(base.p(99)), svc.rate/base.rate)
	}
	if *rate > 0 {
		r := pacedBallots(*rate, *paceDur, take, httpBallot)
		if r.err != nil {
			return r.err
		}
		fmt.Printf("\npaced at %d ballots/s for %v over HTTP: %d ballots, achieved %.0f/s, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms\n",
			*rate, *paceDur, len(r.lat), r.rate, millis(r.p(50)), millis(r.p(95)), millis(r.p(99)), millis(r.p(100)))
	}
	var n, used int64
	pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM ballots) + (SELECT count(*) FROM pending_ballots)`).Scan(&n)
	pool.QueryRow(ctx, `SELECT count(*) FROM codes WHERE used`).Scan(&used)
	fmt.Printf("\ncheck: %d ballots stored, %d codes used (must be equal)\n", n, used)
	if n != used {
		return fmt.Errorf("%d ballots but %d used codes", n, used)
	}
	return nil
}

type ballotRun struct {
	lat  []time.Duration
	rate float64
	err  error
}

func (r *ballotRun) p(q float64) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := int(float64(len(r.lat))*q/100+0.5) - 1
	return r.lat[max(0, min(i, len(r.lat)-1))]
}

// runBallots sends up to n ballots from c workers, each waiting for its answer.
func runBallots(c, n int, maxDur time.Duration, take func() (string, bool), do func(string, int) error) *ballotRun {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var sent atomic.Int64
	r := &ballotRun{}
	deadline := time.Now().Add(maxDur)
	t0 := time.Now()
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(deadline) {
				i := int(sent.Add(1))
				if i > n {
					break
				}
				code, ok := take()
				if !ok {
					break
				}
				t := time.Now()
				err := do(code, i)
				lat = append(lat, time.Since(t))
				if err != nil {
					mu.Lock()
					r.err = err
					mu.Unlock()
					break
				}
			}
			mu.Lock()
			r.lat = append(r.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.rate = float64(len(r.lat)) / time.Since(t0).Seconds()
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}

// pacedBallots sends ballots at a fixed rate (open loop: a slow answer does not
// slow the next phone down) and measures each answer's latency.
func pacedBallots(rate int, d time.Duration, take func() (string, bool), do func(string, int) error) *ballotRun {
	var wg sync.WaitGroup
	var mu sync.Mutex
	r := &ballotRun{}
	interval := time.Second / time.Duration(rate)
	total := int(d / interval)
	t0 := time.Now()
	for i := 0; i < total; i++ {
		if w := time.Until(t0.Add(time.Duration(i) * interval)); w > 0 {
			time.Sleep(w)
		}
		code, ok := take()
		if !ok {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.Now()
			err := do(code, i)
			l := time.Since(t)
			mu.Lock()
			r.lat = append(r.lat, l)
			if err != nil {
				r.err = err
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	r.rate = float64(len(r.lat)) / time.Since(t0).Seconds()
	sort.Slice(r.lat, func(i, j int) bool { return r.lat[i] < r.lat[j] })
	return r
}

func millis(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
