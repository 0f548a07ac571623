package rehearsal

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	mrand "math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/account"
	"maeul/assembly"
)

// Limits of one run: 2,000 phones, ten seconds to an hour.
const (
	MaxPhones  = 2000
	MinSeconds = 10
	MaxSeconds = 3600
	// MaxRunning is how many rehearsals one instance runs at once: each
	// is a crowd of phones against this same process.
	MaxRunning = 2
)

// IssueFunc issues n onsite codes for an assembly and returns the plain QR
// codes (voting owns codes; the server wires this).
type IssueFunc func(ctx context.Context, u *account.User, assemblyID int64, n int) ([]string, error)

// Service is the domain half of the package: it copies an assembly, runs
// the crowd on the copy, keeps the report and removes the copy. It knows
// nothing of HTTP.
type Service struct {
	// Issue issues the codes of a copy.
	Issue IssueFunc
	// SelfURL is where the simulated phones connect: this instance's own
	// loopback address, so a rehearsal never leaves the machine.
	SelfURL func() string
	// OnChange is told the id of a copy it deleted, so that the live feed
	// ends its projector at once (nil: the feed's resync finds it).
	OnChange func(int64)

	pool *pgxpool.Pool
	log  *slog.Logger
	mu   sync.Mutex
	runs map[int64]*run
	ctx  context.Context
	wg   sync.WaitGroup
}

// NewService returns the rehearsal service on pool; runs stop when ctx
// ends. log may be nil.
func NewService(ctx context.Context, pool *pgxpool.Pool, log *slog.Logger, issue IssueFunc, selfURL func() string) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{Issue: issue, SelfURL: selfURL, pool: pool, log: log, runs: map[int64]*run{}, ctx: ctx}
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
	of     int64 // the assembly rehearsed
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

// Lookup finds the assembly to rehearse by id, or by slug when id is 0.
// Returns ENOTFOUND.
func (s *Service) Lookup(ctx context.Context, id int64, slug string) (*assembly.Assembly, error) {
	var a *assembly.Assembly
	var err error
	if id > 0 {
		a, err = assembly.FindAssembly(ctx, s.pool, id)
	} else {
		a, err = assembly.FindAssemblyBySlug(ctx, s.pool, slug)
	}
	return a, wrap("find assembly", err)
}

// Readable returns the assembly if u may read it: ENOTFOUND, EFORBIDDEN.
func (s *Service) Readable(ctx context.Context, u *account.User, assemblyID int64) (*assembly.Assembly, error) {
	a, err := assembly.FindAssembly(ctx, s.pool, assemblyID)
	if err != nil {
		return nil, wrap("find assembly", err)
	}
	if !u.CanRead(a.District, a.Dong) {
		return nil, maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	return a, nil
}

// ReadableRun returns a run and its assembly if u may read the assembly.
func (s *Service) ReadableRun(ctx context.Context, u *account.User, runID int64) (*Run, *assembly.Assembly, error) {
	r, err := s.Find(ctx, runID)
	if err != nil {
		return nil, nil, err
	}
	a, err := s.Readable(ctx, u, r.AssemblyID)
	if err != nil {
		return nil, nil, err
	}
	return r, a, nil
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
	a, err := assembly.FindAssembly(ctx, s.pool, assemblyID)
	if err != nil {
		return nil, wrap("find assembly", err)
	}
	if !u.CanManage(a.District, a.Dong) {
		return nil, maeul.Errorf(maeul.EFORBIDDEN, "error.forbidden")
	}
	if a.IsRehearsal() {
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.of_rehearsal")
	}
	if a.State == assembly.StateOpen {
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.vote_open")
	}
	agendas, err := assembly.FindAgendas(ctx, s.pool, a.ID)
	if err != nil {
		return nil, wrap("find agendas", err)
	}
	if len(agendas) == 0 {
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.no_agendas")
	}
	// Reserve the slot before copying: one rehearsal per assembly, at most
	// MaxRunning at once; the reservation is a run without an id yet.
	s.mu.Lock()
	for _, r := range s.runs {
		if r.of == a.ID {
			s.mu.Unlock()
			return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.already_running")
		}
	}
	if len(s.runs) >= MaxRunning {
		s.mu.Unlock()
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.too_many", MaxRunning)
	}
	slot := -a.ID // a key no run id takes
	s.runs[slot] = &run{of: a.ID}
	s.mu.Unlock()
	reserved := true
	defer func() {
		if reserved {
			s.mu.Lock()
			delete(s.runs, slot)
			s.mu.Unlock()
		}
	}()
	cp, err := assembly.CopyForRehearsal(ctx, s.pool, a.ID, dur, u.ID)
	if err != nil {
		return nil, wrap("copy assembly", err)
	}
	// The same limits across every instance: the copies in the database are
	// the rehearsals running anywhere (a copy left by a crash stops counting
	// after two hours). Counted after copying, so two instances racing both
	// see each other and refuse rather than both go over.
	var ofThis, all int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE rehearsal_of = $1), count(*) FROM assemblies
		WHERE rehearsal_of IS NOT NULL AND created_at > now() - interval '2 hours'`, a.ID).Scan(&ofThis, &all); err != nil {
		s.removeCopy(0, cp.ID)
		return nil, wrap("count rehearsals", err)
	}
	if ofThis > 1 {
		s.removeCopy(0, cp.ID)
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.already_running")
	}
	if all > MaxRunning {
		s.removeCopy(0, cp.ID)
		return nil, maeul.Errorf(maeul.ECONFLICT, "rehearsal.too_many", MaxRunning)
	}
	codes, err := s.Issue(ctx, u, cp.ID, phones)
	if err != nil {
		s.removeCopy(0, cp.ID)
		return nil, wrap("issue codes", err)
	}
	id, err := s.insertRun(ctx, a.ID, cp, phones, secs, u.ID)
	if err != nil {
		s.removeCopy(0, cp.ID)
		return nil, err
	}
	copyAgendas, err := assembly.FindAgendas(ctx, s.pool, cp.ID)
	if err != nil {
		return nil, wrap("find agendas of the copy", err)
	}
	r := &run{id: id, of: a.ID, copy: cp, phones: phones, dur: dur, start: time.Now(),
		errs: map[string]int{}, latency: map[string][]time.Duration{}}
	s.mu.Lock()
	delete(s.runs, slot)
	s.runs[id] = r
	reserved = false
	s.mu.Unlock()
	s.wg.Add(1)
	go s.drive(r, codes, copyAgendas)
	s.log.Info("rehearsal started", "run", id, "assembly", a.ID, "copy", cp.Slug, "phones", phones, "seconds", secs)
	return s.Find(ctx, id)
}

// live returns the progress of a run still going on in this instance.
func (s *Service) live(id int64) (Progress, bool) {
	s.mu.Lock()
	r := s.runs[id]
	s.mu.Unlock()
	if r == nil {
		return Progress{}, false
	}
	return r.progress(), true
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
	questions, err := s.questionIDs(ctx, r.copy.ID)
	if err != nil {
		s.log.Error("rehearsal: questions", "run", r.id, "err", err)
	}
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
			phone(ctx, r, base, code, agendas, questions, arrive, think)
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
				s.saveProgress(r.id, r.progress())
			}
		}
	}()
	wg.Wait()
	close(stop)
	rep := r.report()
	prog := r.progress()
	prog.Finished = true
	prog.Report = rep
	state := "done"
	if rep.Accepted == 0 {
		state = "failed"
	}
	// The copy goes first: a run reads as finished only once nothing of it
	// is left in the database.
	s.removeCopy(r.id, r.copy.ID)
	if err := s.finish(r.id, state, prog, rep.Text("ko")); err != nil {
		s.log.Error("rehearsal: save report", "run", r.id, "err", err)
	}
	s.mu.Lock()
	delete(s.runs, r.id)
	s.mu.Unlock()
	s.log.Info("rehearsal finished", "run", r.id, "accepted", rep.Accepted, "phones", rep.Phones)
}

// removeCopy deletes a rehearsal copy, even when the request that made it
// has gone; a failure is logged (the copy is marked 리허설 and expires).
func (s *Service) removeCopy(runID, copyID int64) {
	if err := assembly.DeleteRehearsal(context.Background(), s.pool, copyID); err != nil {
		s.log.Error("rehearsal: remove copy", "run", runID, "copy", copyID, "err", err)
		return
	}
	if s.OnChange != nil {
		s.OnChange(copyID)
	}
}

// wrap names the operation of an unexpected error; errors people should
// read (*maeul.Error) pass unchanged.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	var me *maeul.Error
	if errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("rehearsal: %s: %w", op, err)
}

// progressJSON is the stored form of a run's progress.
func progressJSON(p Progress) []byte {
	b, _ := json.Marshal(p)
	return b
}

// questionIDs are the ids of the copy's yes/no questions, which every
// simulated ballot answers.
func (s *Service) questionIDs(ctx context.Context, copyID int64) ([]string, error) {
	rows, _ := s.pool.Query(ctx, `SELECT id::text FROM questions WHERE assembly_id = $1 ORDER BY id`, copyID)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return ids, wrap("questions", err)
}
