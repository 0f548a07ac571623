// Package rehearsal lets a host rehearse an assembly before the day: a
// rehearsal copy (리허설) with its own codes, ballots and tallies, a crowd of
// simulated phones that open the ballot, think and vote over the real HTTP
// path at a spread-out pace, and a report at the end. The copy is deleted
// when the run ends, so nothing mixes with the real assembly.
package rehearsal

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/account"
	"maeul/assembly"
	"maeul/web"
)

// Limits of one run: 2,000 phones, ten seconds to an hour.
const (
	MaxPhones  = 2000
	MinSeconds = 10
	MaxSeconds = 3600
)

// IssueFunc issues n onsite codes for an assembly and returns the plain QR
// codes (voting owns codes; the server wires this).
type IssueFunc func(ctx context.Context, u *account.User, assemblyID int64, n int) ([]string, error)

// Service runs rehearsals.
type Service struct {
	Env   *web.Env
	Issue IssueFunc
	// SelfURL is where the simulated phones connect: this instance's own
	// loopback address, so a rehearsal never leaves the machine.
	SelfURL func() string

	mu   sync.Mutex
	runs map[int64]*run
	ctx  context.Context
	wg   sync.WaitGroup
}

// NewService returns the rehearsal service; runs stop when ctx ends.
func NewService(ctx context.Context, env *web.Env) *Service {
	return &Service{Env: env, runs: map[int64]*run{}, ctx: ctx}
}

// Wait waits for running rehearsals to finish their clean-up.
func (s *Service) Wait() { s.wg.Wait() }

// Progress is what the console shows while a run goes on.
type Progress struct {
	Phones   int     `json:"phones"`
	Opened   int     `json:"opened"`
	Voted    int     `json:"voted"`
	Errors   int     `json:"errors"`
	Elapsed  float64 `json:"elapsed_seconds"`
	Seconds  int     `json:"seconds"`
	Finished bool    `json:"finished"`
	Report   *Report `json:"report,omitempty"`
}

// Report is the result of a run.
type Report struct {
	Phones   int              `json:"phones"`
	Accepted int              `json:"accepted"`
	Errors   map[string]int   `json:"errors"`
	Steps    map[string]Stats `json:"steps"`
	Slowest  string           `json:"slowest_step"`
	Seconds  float64          `json:"seconds"`
}

// Stats are latency figures of one step, in milliseconds.
type Stats struct {
	Count int     `json:"count"`
	P50   float64 `json:"p50_ms"`
	P95   float64 `json:"p95_ms"`
	P99   float64 `json:"p99_ms"`
	Max   float64 `json:"max_ms"`
}

// Run is a stored rehearsal run.
type Run struct {
	ID         int64      `db:"id" json:"id"`
	AssemblyID int64      `db:"assembly_id" json:"-"`
	CopyID     *int64     `db:"copy_id" json:"-"`
	CopySlug   string     `db:"copy_slug" json:"slug"`
	Phones     int        `db:"phones" json:"phones"`
	Seconds    int        `db:"seconds" json:"seconds"`
	State      string     `db:"state" json:"state"`
	StartedAt  time.Time  `db:"started_at" json:"started_at"`
	FinishedAt *time.Time `db:"finished_at" json:"finished_at,omitempty"`
	Progress   Progress   `db:"progress" json:"progress"`
	Report     string     `db:"report" json:"report"`
}

type run struct {
	id     int64
	copy   *assembly.Assembly
	phones int
	dur    time.Duration
	start  time.Time

	mu      sync.Mutex
	opened  int
	voted   int
	errs    map[string]int
	latency map[string][]time.Duration
}

// Start makes a rehearsal copy of the assembly, issues one code per phone
// and starts the crowd. Returns EINVALID for bad numbers, EFORBIDDEN unless
// u manages the assembly, ECONFLICT for a rehearsal copy or an assembly
// without agendas.
func (s *Service) Start(ctx context.Context, u *account.User, assemblyID int64, phones int, dur time.Duration) (*Run, error) {
	if phones < 1 || phones > MaxPhones {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "phones", "rehearsal.bad_phones", MaxPhones)
	}
	secs := int(dur.Seconds())
	if secs < MinSeconds || secs > MaxSeconds {
		return nil, maeul.FieldErrorf(maeul.EINVALID, "minutes", "rehearsal.bad_minutes")
	}
	a, err := assembly.FindAssembly(ctx, s.Env.Pool, assemblyID)
	if err != nil {
		return nil, err
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	if a.IsRehearsal() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.of_rehearsal")
	}
	agendas, err := assembly.FindAgendas(ctx, s.Env.Pool, a.ID)
	if err != nil {
		return nil, err
	}
	if len(agendas) == 0 {
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.no_agendas")
	}
	cp, err := assembly.CopyForRehearsal(ctx, s.Env.Pool, a.ID, dur, u.ID)
	if err != nil {
		return nil, err
	}
	codes, err := s.Issue(ctx, u, cp.ID, phones)
	if err != nil {
		assembly.DeleteRehearsal(context.Background(), s.Env.Pool, cp.ID)
		return nil, err
	}
	var id int64
	err = s.Env.Pool.QueryRow(ctx, `INSERT INTO rehearsal_runs (assembly_id, copy_id, copy_slug, phones, seconds, started_by)
		VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, a.ID, cp.ID, cp.Slug, phones, secs, u.ID).Scan(&id)
	if err != nil {
		assembly.DeleteRehearsal(context.Background(), s.Env.Pool, cp.ID)
		return nil, err
	}
	copyAgendas, err := assembly.FindAgendas(ctx, s.Env.Pool, cp.ID)
	if err != nil {
		return nil, err
	}
	r := &run{id: id, copy: cp, phones: phones, dur: dur, start: time.Now(),
		errs: map[string]int{}, latency: map[string][]time.Duration{}}
	s.mu.Lock()
	s.runs[id] = r
	s.mu.Unlock()
	s.wg.Add(1)
	go s.drive(r, codes, copyAgendas)
	s.Env.Log.Info("rehearsal started", "run", id, "assembly", a.ID, "copy", cp.Slug, "phones", phones, "seconds", secs)
	return s.Find(ctx, id)
}

// Find returns a run with its latest progress, or ENOTFOUND.
func (s *Service) Find(ctx context.Context, id int64) (*Run, error) {
	rows, _ := s.Env.Pool.Query(ctx, `SELECT id, assembly_id, copy_id, copy_slug, phones, seconds, state,
		started_at, finished_at, progress, report FROM rehearsal_runs WHERE id = $1`, id)
	r, err := pgx.CollectExactlyOneRow(rows, pgx.RowToAddrOfStructByName[Run])
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, maeul.Errorf(maeul.ENOTFOUND, "rehearsal.not_found")
	}
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	live := s.runs[id]
	s.mu.Unlock()
	if live != nil {
		r.Progress = live.progress()
	}
	return r, nil
}

// Recent returns the last runs of an assembly.
func (s *Service) Recent(ctx context.Context, assemblyID int64) ([]Run, error) {
	rows, _ := s.Env.Pool.Query(ctx, `SELECT id, assembly_id, copy_id, copy_slug, phones, seconds, state,
		started_at, finished_at, progress, report FROM rehearsal_runs WHERE assembly_id = $1
		ORDER BY started_at DESC LIMIT 5`, assemblyID)
	return pgx.CollectRows(rows, pgx.RowToStructByName[Run])
}

func (r *run) progress() Progress {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, v := range r.errs {
		n += v
	}
	return Progress{Phones: r.phones, Opened: r.opened, Voted: r.voted, Errors: n,
		Elapsed: time.Since(r.start).Seconds(), Seconds: int(r.dur.Seconds())}
}

func (r *run) observe(step string, d time.Duration, errKind string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.latency[step] = append(r.latency[step], d)
	if errKind != "" {
		r.errs[step+": "+errKind]++
		return
	}
	switch step {
	case "open":
		r.opened++
	case "vote":
		r.voted++
	}
}

// drive runs the crowd, records the report and removes the copy.
func (s *Service) drive(r *run, codes []string, agendas []assembly.Agenda) {
	defer s.wg.Done()
	ctx, cancel := context.WithTimeout(s.ctx, r.dur+2*time.Minute)
	defer cancel()
	base := strings.TrimRight(s.SelfURL(), "/")
	var wg sync.WaitGroup
	// Arrivals spread over the first 70 % of the window, like a queue at the
	// registration desk; each phone then reads for a while before voting.
	spread := time.Duration(float64(r.dur) * 0.7)
	for i, code := range codes {
		wg.Add(1)
		go func(i int, code string) {
			defer wg.Done()
			arrive := time.Duration(mrand.Int64N(int64(spread) + 1))
			think := 3*time.Second + time.Duration(mrand.Int64N(int64(12*time.Second)))
			if left := r.dur - arrive - time.Second; think > left {
				think = max(left, 0)
			}
			phone(ctx, r, base, code, agendas, arrive, think)
		}(i, code)
	}
	stop := make(chan struct{})
	go func() {
		t := time.NewTicker(time.Second)
		defer t.Stop()
		for {
			select {
			case <-stop:
				return
			case <-t.C:
				p, _ := json.Marshal(r.progress())
				s.Env.Pool.Exec(context.Background(), `UPDATE rehearsal_runs SET progress = $2 WHERE id = $1`, r.id, p)
			}
		}
	}()
	wg.Wait()
	close(stop)
	rep := r.report()
	prog := r.progress()
	prog.Finished = true
	prog.Report = rep
	pj, _ := json.Marshal(prog)
	bg := context.Background()
	state := "done"
	if rep.Accepted == 0 {
		state = "failed"
	}
	// The copy goes first: a run reads as finished only once nothing of it
	// is left in the database.
	if err := assembly.DeleteRehearsal(bg, s.Env.Pool, r.copy.ID); err != nil {
		s.Env.Log.Error("rehearsal: remove copy", "run", r.id, "err", err)
	}
	if _, err := s.Env.Pool.Exec(bg, `UPDATE rehearsal_runs SET state = $2, finished_at = now(), progress = $3, report = $4, copy_id = NULL WHERE id = $1`,
		r.id, state, pj, rep.Text("ko")); err != nil {
		s.Env.Log.Error("rehearsal: save report", "run", r.id, "err", err)
	}
	s.mu.Lock()
	delete(s.runs, r.id)
	s.mu.Unlock()
	s.Env.Log.Info("rehearsal finished", "run", r.id, "accepted", rep.Accepted, "phones", rep.Phones)
}

// phone is one simulated resident: scan the QR card (open the ballot page
// with its assets), read and think, vote; retry once with the same nonce
// after a network error, as a phone on crowded Wi-Fi would.
func phone(ctx context.Context, r *run, base, code string, agendas []assembly.Agenda, arrive, think time.Duration) {
	if !sleep(ctx, arrive) {
		return
	}
	client := &http.Client{Timeout: 20 * time.Second}
	defer client.CloseIdleConnections()
	t := time.Now()
	status, err := get(ctx, client, base+"/v/"+r.copy.Slug+"?code="+url.QueryEscape(code))
	r.observe("open", time.Since(t), kind(status, err, 200))
	if err != nil || status != 200 {
		return
	}
	if !sleep(ctx, think) {
		return
	}
	body, _ := json.Marshal(map[string]any{"assembly": r.copy.Slug, "code": code,
		"choices": choose(r.copy, agendas), "nonce": nonce()})
	for try := 0; try < 2; try++ {
		t = time.Now()
		status, err = post(ctx, client, base+"/api/v1/ballots", body)
		if err == nil || try == 1 {
			r.observe("vote", time.Since(t), kind(status, err, 201))
			return
		}
	}
}

// choose picks a valid ballot for the method: up to K agendas (in a random
// order for ranked), or for budget a random set that fits the cap.
func choose(a *assembly.Assembly, agendas []assembly.Agenda) []string {
	perm := mrand.Perm(len(agendas))
	var out []string
	if a.Method == assembly.MethodBudget {
		var total int64
		for _, i := range perm {
			if total+agendas[i].Cost <= a.BudgetCap && mrand.IntN(3) > 0 {
				total += agendas[i].Cost
				out = append(out, agendas[i].IDString())
			}
		}
		if len(out) == 0 {
			for _, i := range perm {
				if agendas[i].Cost <= a.BudgetCap {
					return []string{agendas[i].IDString()}
				}
			}
		}
		return out
	}
	k := 1 + mrand.IntN(min(a.MaxChoices, len(agendas)))
	for _, i := range perm[:k] {
		out = append(out, agendas[i].IDString())
	}
	return out
}

func (r *run) report() *Report {
	r.mu.Lock()
	defer r.mu.Unlock()
	rep := &Report{Phones: r.phones, Accepted: r.voted, Errors: map[string]int{}, Steps: map[string]Stats{},
		Seconds: time.Since(r.start).Seconds()}
	for k, v := range r.errs {
		rep.Errors[k] = v
	}
	var worst float64
	for step, ds := range r.latency {
		st := stats(ds)
		rep.Steps[step] = st
		if st.P99 > worst {
			worst, rep.Slowest = st.P99, step
		}
	}
	return rep
}

func stats(ds []time.Duration) Stats {
	if len(ds) == 0 {
		return Stats{}
	}
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	q := func(p float64) float64 {
		i := int(p*float64(len(s)-1) + 0.5)
		return float64(s[i].Microseconds()) / 1000
	}
	return Stats{Count: len(s), P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: q(1)}
}

var stepNames = map[string]map[string]string{
	"ko": {"open": "투표 화면 열기", "vote": "투표 제출"},
	"en": {"open": "open the ballot", "vote": "submit the ballot"},
}

// Text is the report as plain text, in Korean or English.
func (rep *Report) Text(lang string) string {
	var b strings.Builder
	ko := lang != "en"
	if ko {
		fmt.Fprintf(&b, "리허설 결과: 휴대폰 %d대, %.0f초\n", rep.Phones, rep.Seconds)
		fmt.Fprintf(&b, "접수된 투표 %d건 / 오류 %d건\n", rep.Accepted, rep.errorCount())
	} else {
		fmt.Fprintf(&b, "Rehearsal: %d phones, %.0f s\n", rep.Phones, rep.Seconds)
		fmt.Fprintf(&b, "ballots accepted %d / errors %d\n", rep.Accepted, rep.errorCount())
	}
	for _, step := range []string{"open", "vote"} {
		st, ok := rep.Steps[step]
		if !ok {
			continue
		}
		fmt.Fprintf(&b, "%-12s n=%d p50 %.0f ms  p95 %.0f ms  p99 %.0f ms  max %.0f ms\n",
			stepNames[lang2(ko)][step], st.Count, st.P50, st.P95, st.P99, st.Max)
	}
	if rep.Slowest != "" {
		if ko {
			fmt.Fprintf(&b, "가장 느린 단계: %s\n", stepNames["ko"][rep.Slowest])
		} else {
			fmt.Fprintf(&b, "slowest step: %s\n", stepNames["en"][rep.Slowest])
		}
	}
	keys := make([]string, 0, len(rep.Errors))
	for k := range rep.Errors {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  %s × %d\n", k, rep.Errors[k])
	}
	return b.String()
}

func lang2(ko bool) string {
	if ko {
		return "ko"
	}
	return "en"
}

func (rep *Report) errorCount() int {
	n := 0
	for _, v := range rep.Errors {
		n += v
	}
	return n
}

func kind(status int, err error, want int) string {
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
			return "timeout"
		}
		return "network"
	}
	if status != want {
		return "HTTP " + strconv.Itoa(status)
	}
	return ""
}

func get(ctx context.Context, c *http.Client, u string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return 0, err
	}
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func post(ctx context.Context, c *http.Client, u string, body []byte) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode, nil
}

func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func nonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
