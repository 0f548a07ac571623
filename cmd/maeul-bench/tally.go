package main

// The tally benchmark: the tally read (API and voting.Count) and the
// commit-to-viewer latency of the live feed, side by side in one run, for
// an empty assembly and one that already holds a million ballots (loaded
// directly in SQL so it looks as after a real vote: ballots, their
// choices, receipts, a million used codes and the running counts). The
// tally reads running counts, so both columns should match.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul/assembly"
	"maeul/live"
	"maeul/server"
	"maeul/voting"
)

type tallyOpts struct {
	ballots  int
	chunk    int
	reads    int
	rate     int
	duration time.Duration
	agendas  int
}

func benchTally(args []string) error {
	fs := flag.NewFlagSet("tally", flag.ContinueOnError)
	o := tallyOpts{}
	fs.IntVar(&o.ballots, "ballots", 1_000_000, "ballots loaded into the big assembly")
	fs.IntVar(&o.chunk, "chunk", 100_000, "ballots per loading transaction")
	fs.IntVar(&o.reads, "reads", 300, "tally reads per assembly (API, and voting.Count)")
	fs.IntVar(&o.rate, "rate", 40, "ballots per second per assembly during the latency run")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of the latency run")
	fs.IntVar(&o.agendas, "agendas", 6, "agendas per assembly")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if o.ballots < 1 || o.chunk < 1 || o.reads < 1 || o.rate < 1 || o.duration < time.Second || o.duration > 5*time.Minute || o.agendas < 3 {
		return errors.New("--ballots, --chunk, --reads, --rate ≥ 1, --duration between 1s and 5m, --agendas ≥ 3")
	}
	return runTally(o)
}

// tallySide is one assembly under test.
type tallySide struct {
	name    string
	slug    string
	id      int64
	agendas []int64
	codes   []string
	api     []time.Duration // GET tally, sorted
	direct  []time.Duration // voting.Count, sorted
	feed    []time.Duration // 201 → first message counting it, sorted
	missed  int
	refused int64
	buffers int64 // shared buffers touched by the tally's queries
	sent    int
}

func runTally(o tallyOpts) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	t0 := time.Now()
	db, err := startBenchDB(ctx, "mbench-tally-", "bench")
	if err != nil {
		return err
	}
	defer db.Close()
	pool, dsn, fsync := db.Pool, db.DSN, db.Fsync
	srv, base, token, err := startBenchServer(ctx, pool)
	if err != nil {
		return err
	}
	defer srv.Close()
	addr := base[len("http://"):]

	sides := []*tallySide{{name: "empty", slug: "tally-empty"}, {name: fmt.Sprintf("%d ballots", o.ballots), slug: "tally-big"}}
	start := time.Now().Add(-time.Hour)
	perSide := o.rate * int(o.duration/time.Second)
	for _, s := range sides {
		if err := pool.QueryRow(ctx, `INSERT INTO assemblies (slug, district, dong, title, place, starts_at, ends_at,
			budget_cap, method, max_choices, sealed, state) VALUES ($1, '마포구', '성산1동', '성산1동 마을총회 (벤치마크)',
			'강당', $2, $3, 30000000, 'approval', 3, false, 'published') RETURNING id`, s.slug, start, start.Add(6*time.Hour)).Scan(&s.id); err != nil {
			return err
		}
		for i := 1; i <= o.agendas; i++ {
			var id int64
			if err := pool.QueryRow(ctx, `INSERT INTO agendas (assembly_id, number, title, cost) VALUES ($1, $2, $3, $4) RETURNING id`,
				s.id, i, fmt.Sprintf("의제 %d", i), int64(i)*2_000_000).Scan(&id); err != nil {
				return err
			}
			s.agendas = append(s.agendas, id)
		}
		if status, body := httpJSON("POST", fmt.Sprintf("%s/api/v1/assemblies/%d/open", base, s.id), token, nil); status != 200 {
			return fmt.Errorf("open %s: %d %s", s.slug, status, body)
		}
		// Fresh codes for the latency run, through the API, before the load
		// (the big assembly's million codes are in another batch).
		if s.codes, err = issueBenchCodes(base, token, s.id, perSide+perSide/10); err != nil {
			return err
		}
	}
	big := sides[1]
	if err := loadBallots(ctx, dsn, big, o); err != nil {
		return err
	}
	// The loaded assembly must read as it was loaded.
	if err := checkLoaded(ctx, srv, pool, big, o.ballots); err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "loaded in %v\n", time.Since(t0).Round(time.Second))

	// 1. Tally reads, alternating between the assemblies so both see the
	// same machine.
	fmt.Fprintf(os.Stderr, "tally reads: %d × GET /api/v1/assemblies/{id}/tally and %d × voting.Count per assembly …\n", o.reads, o.reads)
	for _, s := range sides { // warm up: connections, plans, caches
		for range 20 {
			if status, body := httpJSON("GET", fmt.Sprintf("%s/api/v1/assemblies/%d/tally", base, s.id), token, nil); status != 200 {
				return fmt.Errorf("tally of %s: %d %s", s.slug, status, body)
			}
		}
	}
	for range o.reads {
		for _, s := range sides {
			t := time.Now()
			status, body := httpJSON("GET", fmt.Sprintf("%s/api/v1/assemblies/%d/tally", base, s.id), token, nil)
			d := time.Since(t)
			if status != 200 {
				return fmt.Errorf("tally of %s: %d %s", s.slug, status, body)
			}
			s.api = append(s.api, d)
		}
	}
	assemblies := make([]*assembly.Assembly, len(sides))
	for i, s := range sides {
		a, err := srv.Hub.Assembly(ctx, s.id)
		if err != nil {
			return err
		}
		assemblies[i] = a
	}
	for i := range o.reads + 20 {
		for j, s := range sides {
			t := time.Now()
			tl, err := voting.Count(ctx, pool, assemblies[j])
			d := time.Since(t)
			if err != nil {
				return err
			}
			if j == 1 && tl.Ballots < int64(o.ballots) {
				return fmt.Errorf("voting.Count of the big assembly says %d ballots", tl.Ballots)
			}
			if i >= 20 {
				s.direct = append(s.direct, d)
			}
		}
	}
	for _, s := range sides {
		sortDur(s.api)
		sortDur(s.direct)
	}

	// 2. EXPLAIN (ANALYZE, BUFFERS) of the tally's queries.
	fmt.Fprintln(os.Stderr, "EXPLAIN (ANALYZE, BUFFERS) of the tally's queries …")
	plans := map[string][]string{}
	for _, s := range sides {
		var lines []string
		if s.buffers, lines, err = explainTally(ctx, pool, s.id); err != nil {
			return err
		}
		plans[s.name] = lines
	}
	recount, recountTime, err := explainRecount(ctx, pool, big.id)
	if err != nil {
		return err
	}

	// 3. Commit-to-viewer latency: one viewer per assembly on the live feed
	// (a projector link), ballots at the same rate to both at once.
	fmt.Fprintf(os.Stderr, "live feed: one viewer per assembly, %d ballots/s to each for %v …\n", o.rate, o.duration)
	if err := feedLatency(ctx, pool, addr, base, sides, o); err != nil {
		return err
	}

	// The report.
	load, _ := os.ReadFile("/proc/loadavg")
	fmt.Printf("\nmaeul-bench tally — PostgreSQL fsync=%s, loopback, %d CPUs, load average %s, %d agendas, approval\n",
		fsync, runtime.NumCPU(), strings.Join(strings.Fields(string(load))[:3], " "), o.agendas)
	fmt.Printf("%-40s | %12s | %18s | %6s\n", "metric", "empty", big.name, "ratio")
	fmt.Println(strings.Repeat("-", 40) + "-+-" + strings.Repeat("-", 12) + "-+-" + strings.Repeat("-", 18) + "-+-------")
	row := func(name string, e, b float64, unit string) {
		r := "-"
		if e > 0 {
			r = fmt.Sprintf("%.2f", b/e)
		}
		fmt.Printf("%-40s | %9.2f %-2s | %15.2f %-2s | %6s\n", name, e, unit, b, unit, r)
	}
	e, b := sides[0], sides[1]
	row(fmt.Sprintf("GET tally p50 (%d sequential)", o.reads), ms(pct(e.api, 50)), ms(pct(b.api, 50)), "ms")
	row("GET tally p95", ms(pct(e.api, 95)), ms(pct(b.api, 95)), "ms")
	row("GET tally p99", ms(pct(e.api, 99)), ms(pct(b.api, 99)), "ms")
	row(fmt.Sprintf("voting.Count p50 (%d, on the pool)", o.reads), ms(pct(e.direct, 50)), ms(pct(b.direct, 50)), "ms")
	row("voting.Count p99", ms(pct(e.direct, 99)), ms(pct(b.direct, 99)), "ms")
	row(fmt.Sprintf("commit→viewer p50 (%d/s, %v)", o.rate, o.duration), ms(pct(e.feed, 50)), ms(pct(b.feed, 50)), "ms")
	row("commit→viewer p99", ms(pct(e.feed, 99)), ms(pct(b.feed, 99)), "ms")
	row("tally queries: shared buffers", float64(e.buffers), float64(b.buffers), "")
	fmt.Printf("latency run: empty %d ballots sent, %d refused, %d samples missed; big %d sent, %d refused, %d missed\n",
		e.sent, e.refused, e.missed, b.sent, b.refused, b.missed)
	fmt.Printf("\nEXPLAIN (ANALYZE, BUFFERS) of the tally's queries on the %s assembly (hit+read shared buffers, time):\n", b.name)
	for _, l := range plans[b.name] {
		fmt.Println("  " + l)
	}
	fmt.Printf("  total: %d buffers (%d KiB)\n", b.buffers, b.buffers*8)
	fmt.Printf("for contrast, the full recount (voting.CountBallots' choices query) on it: %d buffers, %.0f ms\n", recount, recountTime)
	fmt.Println("GET tally = request sent → whole JSON read, host's Bearer token; voting.Count = the call alone, on the pool.")
	fmt.Println("commit→viewer = a ballot's 201 answer → the first feed message whose ballots count includes it.")
	return nil
}

func sortDur(d []time.Duration) { sort.Slice(d, func(i, j int) bool { return d[i] < d[j] }) }

// pct is the q-th percentile of sorted durations (nearest rank).
func pct(d []time.Duration, q float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(float64(len(d))*q/100+0.5) - 1
	return d[max(0, min(i, len(d)-1))]
}

// loadBallots fills the assembly as a real vote of n onsite ballots would
// have left it, on one connection with triggers off (session_replication_role
// = replica: the rows are consistent by construction, and the foreign keys'
// checks would only slow the load): ballots and 1–3 choices each, a receipt
// per ballot, a batch of n codes all used, the running counts computed by
// one aggregate each, then VACUUM ANALYZE as autovacuum would have.
func loadBallots(ctx context.Context, dsn string, s *tallySide, o tallyOpts) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `SET session_replication_role = replica`); err != nil {
		return err
	}
	var batch int64
	if err := conn.QueryRow(ctx, `INSERT INTO code_batches (assembly_id, channel, count) VALUES ($1, 'onsite', $2) RETURNING id`,
		s.id, o.ballots).Scan(&batch); err != nil {
		return err
	}
	t0 := time.Now()
	for done := 0; done < o.ballots; {
		n := min(o.chunk, o.ballots-done)
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		// Each ballot picks 1–3 distinct agendas: consecutive ones from a
		// random offset, in positions 1…k.
		if _, err := tx.Exec(ctx, `WITH b AS (
				INSERT INTO ballots (id, assembly_id, channel)
				SELECT gen_random_uuid(), $1, 'onsite' FROM generate_series(1, $2) RETURNING id),
			p AS (SELECT id, floor(random() * cardinality($3::bigint[]))::int AS o, 1 + floor(random() * 3)::int AS k FROM b)
			INSERT INTO ballot_choices (assembly_id, ballot_id, agenda_id, position)
			SELECT $1, p.id, ($3::bigint[])[1 + (p.o + g) % cardinality($3::bigint[])], g
			FROM p, generate_series(1, p.k) g`, s.id, n, s.agendas); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("load ballots: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO receipts (assembly_id, receipt_hash)
			SELECT $1, sha256(uuid_send(gen_random_uuid())) FROM generate_series(1, $2)`, s.id, n); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("load receipts: %w", err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO codes (assembly_id, batch_id, channel, qr_hash, short_hash, used, nonce_hash, receipt_box)
			SELECT $1, $2, 'onsite', sha256(uuid_send(gen_random_uuid())), sha256(uuid_send(gen_random_uuid())), true,
				sha256(uuid_send(gen_random_uuid())), uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid())
			FROM generate_series(1, $3)`, s.id, batch, n); err != nil {
			tx.Rollback(ctx)
			return fmt.Errorf("load codes: %w", err)
		}
		if err := tx.Commit(ctx); err != nil {
			return err
		}
		done += n
		el := time.Since(t0)
		fmt.Fprintf(os.Stderr, "  loaded %7d / %d ballots (+choices, receipts, used codes) in %v, ~%v left\n", done, o.ballots,
			el.Round(time.Second), (time.Duration(float64(el) / float64(done) * float64(o.ballots-done))).Round(time.Second))
	}
	fmt.Fprintln(os.Stderr, "  running counts from the loaded ballots …")
	tx, err := conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `INSERT INTO tally_channels (assembly_id, channel, ballots)
		SELECT assembly_id, channel, count(*) FROM ballots WHERE assembly_id = $1 GROUP BY 1, 2
		ON CONFLICT (assembly_id, channel) DO UPDATE SET ballots = tally_channels.ballots + EXCLUDED.ballots`, s.id); err != nil {
		return fmt.Errorf("tally_channels: %w", err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO tally_agendas (assembly_id, agenda_id, channel, votes, points)
		SELECT c.assembly_id, c.agenda_id, b.channel, count(*),
			sum(CASE WHEN a.method = 'ranked' THEN greatest(a.max_choices - c.position + 1, 0) ELSE 1 END)
		FROM ballot_choices c JOIN ballots b ON b.id = c.ballot_id JOIN assemblies a ON a.id = c.assembly_id
		WHERE c.assembly_id = $1 GROUP BY 1, 2, 3
		ON CONFLICT (assembly_id, agenda_id, channel) DO UPDATE SET votes = tally_agendas.votes + EXCLUDED.votes,
			points = tally_agendas.points + EXCLUDED.points`, s.id); err != nil {
		return fmt.Errorf("tally_agendas: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	fmt.Fprintln(os.Stderr, "  VACUUM ANALYZE …")
	for _, t := range []string{"ballots", "ballot_choices", "receipts", "codes", "code_batches", "tally_channels", "tally_agendas", "pending_ballots"} {
		if _, err := conn.Exec(ctx, "VACUUM ANALYZE "+t); err != nil {
			return err
		}
	}
	_, err = conn.Exec(ctx, "CHECKPOINT")
	return err
}

// checkLoaded compares the loaded assembly's running counts with a full
// recount and its tally with what was loaded.
func checkLoaded(ctx context.Context, srv *server.Server, pool *pgxpool.Pool, s *tallySide, n int) error {
	a, err := srv.Hub.Assembly(ctx, s.id)
	if err != nil {
		return err
	}
	run, err := voting.RunningCounts(ctx, pool, a)
	if err != nil {
		return err
	}
	full, err := voting.CountBallots(ctx, pool, a)
	if err != nil {
		return err
	}
	if !run.SameChoices(full) || full.Ballots != int64(n) {
		return fmt.Errorf("loaded assembly: running counts disagree with the recount (%d vs %d ballots)", run.Ballots, full.Ballots)
	}
	t, err := voting.Count(ctx, pool, a)
	if err != nil {
		return err
	}
	if t.Ballots != int64(n) || t.CodesIssued < int64(n) {
		return fmt.Errorf("loaded assembly's tally: %d ballots, %d codes issued", t.Ballots, t.CodesIssued)
	}
	var used int64
	pool.QueryRow(ctx, `SELECT count(*) FROM codes WHERE assembly_id = $1 AND used`, s.id).Scan(&used)
	fmt.Fprintf(os.Stderr, "  check: tally %d ballots, %d codes issued, %d used; running counts = full recount\n", t.Ballots, t.CodesIssued, used)
	return nil
}

// tallyQueries are the statements one tally read sends (live.Service.Current
// → voting.Count), with the assembly id as $1.
var tallyQueries = []struct{ name, sql string }{
	{"assembly", `SELECT * FROM assemblies WHERE id = $1`},
	{"ballots per channel", `SELECT channel, sum(n)::bigint FROM (
			SELECT channel, ballots AS n FROM tally_channels WHERE assembly_id = $1
			UNION ALL SELECT channel, count(*) FROM pending_ballots WHERE assembly_id = $1 GROUP BY channel) x
		GROUP BY channel`},
	{"choices per agenda", `SELECT channel, agenda_id, votes, points FROM tally_agendas WHERE assembly_id = $1`},
	{"codes issued", `SELECT channel, sum(n)::bigint FROM (
			SELECT channel, count AS n FROM code_batches WHERE assembly_id = $1
			UNION ALL SELECT channel, -count(*) FROM codes WHERE assembly_id = $1 AND revoked_at IS NOT NULL GROUP BY channel) x
		GROUP BY channel`},
	{"agendas", `SELECT id, number, title, cost FROM agendas WHERE assembly_id = $1 ORDER BY number`},
}

// explainPlan runs EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) and returns the
// shared buffers the statement touched (hit + read, planning included) and
// its execution time in ms.
func explainPlan(ctx context.Context, pool *pgxpool.Pool, sql string, args ...any) (int64, float64, error) {
	var raw []byte
	if err := pool.QueryRow(ctx, "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) "+sql, args...).Scan(&raw); err != nil {
		return 0, 0, err
	}
	var out []struct {
		Plan struct {
			Hit  int64 `json:"Shared Hit Blocks"`
			Read int64 `json:"Shared Read Blocks"`
		} `json:"Plan"`
		Planning struct {
			Hit  int64 `json:"Shared Hit Blocks"`
			Read int64 `json:"Shared Read Blocks"`
		} `json:"Planning"`
		Exec float64 `json:"Execution Time"`
	}
	if err := json.Unmarshal(raw, &out); err != nil || len(out) == 0 {
		return 0, 0, fmt.Errorf("explain: %v", err)
	}
	p := out[0]
	return p.Plan.Hit + p.Plan.Read + p.Planning.Hit + p.Planning.Read, p.Exec, nil
}

func explainTally(ctx context.Context, pool *pgxpool.Pool, id int64) (int64, []string, error) {
	var total int64
	var lines []string
	for _, q := range tallyQueries {
		b, t, err := explainPlan(ctx, pool, q.sql, id)
		if err != nil {
			return 0, nil, fmt.Errorf("explain %s: %w", q.name, err)
		}
		total += b
		lines = append(lines, fmt.Sprintf("%-20s %6d buffers  %7.3f ms", q.name, b, t))
	}
	return total, lines, nil
}

func explainRecount(ctx context.Context, pool *pgxpool.Pool, id int64) (int64, float64, error) {
	return explainPlan(ctx, pool, `SELECT b.channel, c.agenda_id, count(*),
			sum(CASE WHEN $2 = 'ranked' THEN greatest($3::int - c.position + 1, 0) ELSE 1 END)
		FROM ballot_choices c JOIN ballots b ON b.assembly_id = c.assembly_id AND b.id = c.ballot_id
		WHERE c.assembly_id = $1 GROUP BY b.channel, c.agenda_id`, id, "approval", 3)
}

// feedLatency puts one websocket viewer on each assembly's live feed and
// casts ballots to both at the same rate at once; for the k-th 201 of an
// assembly (k ballots committed), the latency is until its viewer first
// sees a ballots count of at least the start count + k.
func feedLatency(ctx context.Context, pool *pgxpool.Pool, addr, base string, sides []*tallySide, o tallyOpts) error {
	type run struct {
		viewer  *client
		readers *sync.WaitGroup
		base0   int64
		mu      sync.Mutex
		done    []time.Time
		refused atomic.Int64
	}
	runs := make([]*run, len(sides))
	for i, s := range sides {
		link, _, err := live.CreateLink(ctx, pool, s.id, nil, "bench")
		if err != nil {
			return err
		}
		cs, readers, err := connect(fmt.Sprintf("ws://%s/ws/assemblies/%d/tally?t=%s", addr, s.id, link), 1, true)
		if err != nil {
			return err
		}
		r := &run{viewer: cs[0], readers: readers, base0: -1}
		r.viewer.mu.Lock()
		if n := len(r.viewer.nums); n > 0 {
			r.base0 = r.viewer.nums[n-1]
		}
		r.viewer.mu.Unlock()
		if r.base0 < 0 {
			closeAll(cs)
			return fmt.Errorf("the viewer of %s got no first tally", s.slug)
		}
		runs[i] = r
	}
	perSide := o.rate * int(o.duration/time.Second)
	type job struct{ side, i int }
	jobs := make(chan job, perSide*len(sides))
	var workers sync.WaitGroup
	for range 32 {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for j := range jobs {
				s, r := sides[j.side], runs[j.side]
				ag := s.agendas
				status, _ := httpJSON("POST", base+"/api/v1/ballots", "", map[string]any{"assembly": s.slug, "code": s.codes[j.i],
					"choices": []string{strconv.FormatInt(ag[j.i%len(ag)], 10), strconv.FormatInt(ag[(j.i+1)%len(ag)], 10)},
					"nonce":   fmt.Sprint("n", j.side, "-", j.i)})
				t := time.Now()
				if status != 201 {
					r.refused.Add(1)
					continue
				}
				r.mu.Lock()
				r.done = append(r.done, t)
				r.mu.Unlock()
			}
		}()
	}
	// Both assemblies get a ballot every 1/rate, half a period apart.
	interval := time.Second / time.Duration(o.rate)
	t0 := time.Now()
	for i := range perSide {
		for k := range sides {
			at := t0.Add(time.Duration(i)*interval + time.Duration(k)*interval/time.Duration(len(sides)))
			if d := time.Until(at); d > 0 {
				time.Sleep(d)
			}
			jobs <- job{k, i}
		}
	}
	close(jobs)
	workers.Wait()
	time.Sleep(2 * time.Second) // the last messages
	for i, s := range sides {
		r := runs[i]
		r.viewer.conn.Close()
		r.readers.Wait()
		sort.Slice(r.done, func(a, b int) bool { return r.done[a].Before(r.done[b]) })
		c := r.viewer
		for k := 1; k <= len(r.done); k++ {
			want := r.base0 + int64(k)
			j := sort.Search(len(c.nums), func(j int) bool { return c.nums[j] >= want })
			if j == len(c.nums) {
				s.missed++
				continue
			}
			s.feed = append(s.feed, max(0, c.times[j].Sub(r.done[k-1])))
		}
		sortDur(s.feed)
		s.sent, s.refused = len(r.done)+int(r.refused.Load()), r.refused.Load()
	}
	return nil
}
