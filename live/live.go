// Package live pushes the tally to projectors and phones over websockets
// and keeps several instances in step through PostgreSQL LISTEN/NOTIFY.
//
// How a ballot reaches a viewer: the voting service calls Changed after the
// ballot's transaction commits. Changed only marks the assembly dirty. The
// hub's loop flushes at most ten times a second: it recomputes the tally of
// each dirty assembly that has viewers here (one consistent snapshot),
// encodes it once (a websocket.PreparedMessage) and hands it to every
// viewer's own queue; a viewer whose queue is full is dropped, so a slow
// phone never delays the projector. The same flush sends one pg_notify with
// the ids it saw change, so the other instances mark them dirty too (never
// inside the ballot's transaction: that would serialise commits on the
// notify queue). A slow resync every few seconds recounts every watched
// assembly, so a lost notification only delays, never falsifies, a tally.
package live

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"maeul"
	"maeul/assembly"
	"maeul/voting"
)

// CloseGone is the websocket close code sent when the assembly no longer
// exists (a private-use code, 4000–4999): the projector stops and says so
// instead of reconnecting.
const CloseGone = 4404

// Channel is the PostgreSQL notification channel the instances share.
const Channel = "maeul_tally"

// Tuning. Interval bounds the messages per assembly to ten a second.
var (
	Interval     = 100 * time.Millisecond
	ResyncEvery  = 5 * time.Second
	PingEvery    = 25 * time.Second
	PongWait     = 60 * time.Second
	WriteWait    = 10 * time.Second
	QueueLen     = 16
	ListenBackof = 5 * time.Second // longest wait between listener reconnects
)

// Metrics is where the hub counts its viewers and messages (*web.Metrics).
type Metrics interface {
	Add(name, help string, n uint64)
	Gauge(name, help string, f func() float64)
}

type noMetrics struct{}

func (noMetrics) Add(string, string, uint64)           {}
func (noMetrics) Gauge(string, string, func() float64) {}

// Service is the live feed's domain half, the hub: it fans tallies out to
// websocket viewers, coalesces changes, keeps the instances in step with
// LISTEN/NOTIFY and owns the projector links. The HTTP half (Handlers)
// checks access and hands it upgraded websockets.
type Service struct {
	pool    *pgxpool.Pool
	log     *slog.Logger
	metrics Metrics
	// instance tags this process's notifications so it ignores its own.
	instance string

	mu     sync.Mutex
	rooms  map[int64]*room
	local  map[int64]bool // changed here: recount and tell the others
	remote map[int64]bool // changed elsewhere (or resync): recount only
	closed bool
	wake   chan struct{}
	// tell holds the ids the notifier still has to announce.
	tell     map[int64]bool
	tellWake chan struct{}
}

// room is the viewers of one assembly and the last message they were sent.
type room struct {
	id int64
	// counting serialises recounts, so a later snapshot is never
	// overwritten by an earlier one that finished after it.
	counting sync.Mutex

	mu      sync.Mutex
	viewers map[*viewer]struct{}
	last    *websocket.PreparedMessage
	lastRaw []byte
	// wall is what projector links get: last without the per-agenda
	// numbers while the ranking is covered (voting.Tally.ForProjector),
	// else last itself.
	wall *websocket.PreparedMessage
	// ready is closed when the first tally has been computed; pending
	// counts viewers waiting for it (guarded by Hub.mu).
	ready   chan struct{}
	err     error
	pending int
}

// NewService returns the hub on pool; Run starts its work. log and
// metrics may be nil.
func NewService(pool *pgxpool.Pool, log *slog.Logger, metrics Metrics) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if metrics == nil {
		metrics = noMetrics{}
	}
	b := make([]byte, 6)
	rand.Read(b)
	s := &Service{pool: pool, log: log, metrics: metrics, instance: hex.EncodeToString(b),
		rooms: map[int64]*room{}, local: map[int64]bool{}, remote: map[int64]bool{},
		wake: make(chan struct{}, 1), tell: map[int64]bool{}, tellWake: make(chan struct{}, 1)}
	metrics.Gauge("maeul_live_viewers", "Websocket viewers of live tallies on this instance.", func() float64 {
		s.mu.Lock()
		defer s.mu.Unlock()
		n := 0
		for _, r := range s.rooms {
			r.mu.Lock()
			n += len(r.viewers)
			r.mu.Unlock()
		}
		return float64(n)
	})
	return s
}

// Changed marks an assembly's tally as changed; viewers here and on the
// other instances get a new one within about Interval. It never blocks and
// is safe to call from any goroutine, after the change has committed.
func (s *Service) Changed(assemblyID int64) {
	s.mu.Lock()
	s.local[assemblyID] = true
	s.mu.Unlock()
	s.poke()
}

func (s *Service) markRemote(ids ...int64) {
	s.mu.Lock()
	for _, id := range ids {
		s.remote[id] = true
	}
	s.mu.Unlock()
	s.poke()
}

func (s *Service) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Run coalesces changes, listens for other instances and resyncs until ctx
// ends. It returns nil when ctx ends.
func (s *Service) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); s.listen(ctx) }()
	go func() { defer wg.Done(); s.notifier(ctx) }()
	defer wg.Wait()

	resync := time.NewTicker(ResyncEvery)
	defer resync.Stop()
	ping := time.NewTicker(PingEvery)
	defer ping.Stop()
	var last time.Time
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-s.wake:
		case <-resync.C:
			s.mu.Lock()
			for id := range s.rooms {
				s.remote[id] = true
			}
			s.mu.Unlock()
			s.cutRevoked(ctx)
		case <-ping.C:
			s.pingAll()
			continue
		}
		// At most one flush per Interval: a quiet assembly's first ballot
		// goes out at once, a busy one's are gathered.
		if wait := time.Until(last.Add(Interval)); wait > 0 {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(wait):
			}
		}
		last = time.Now()
		s.flush(ctx)
	}
}

// flush recounts what changed, broadcasts it and tells the other instances.
func (s *Service) flush(ctx context.Context) {
	s.mu.Lock()
	local, remote := s.local, s.remote
	s.local, s.remote = map[int64]bool{}, map[int64]bool{}
	var rooms []*room
	for id, r := range s.rooms {
		if local[id] || remote[id] {
			rooms = append(rooms, r)
		}
	}
	for id := range local {
		s.tell[id] = true
	}
	s.mu.Unlock()
	if len(local) > 0 {
		select {
		case s.tellWake <- struct{}{}:
		default:
		}
	}
	// A few recounts at a time: on a day with many assemblies, one slow
	// count must not hold up the others' viewers.
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for _, r := range rooms {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := s.refresh(ctx, r)
			switch {
			case err == nil || ctx.Err() != nil:
			case maeul.ErrorCode(err) == maeul.ENOTFOUND:
				// The assembly is gone (a rehearsal's copy is deleted at
				// its end): nothing more will come, and the projector
				// must say so rather than reconnect for ever.
				r.mu.Lock()
				for v := range r.viewers {
					v.kill(CloseGone)
				}
				r.mu.Unlock()
			default:
				s.log.Warn("live: recount failed; the resync will retry", "assembly", r.id, "err", err)
			}
		}()
	}
	wg.Wait()
}

// Current returns the tally of an assembly, counted now in one snapshot.
func (s *Service) Current(ctx context.Context, id int64) (*voting.Tally, error) {
	tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, wrap("count", err)
	}
	defer tx.Rollback(context.Background())
	a, err := assembly.FindAssembly(ctx, tx, id)
	if err != nil {
		return nil, wrap("count: find assembly", err)
	}
	t, err := voting.Count(ctx, tx, a)
	return t, wrap("count", err)
}

// Assembly finds an assembly by id.
func (s *Service) Assembly(ctx context.Context, id int64) (*assembly.Assembly, error) {
	a, err := assembly.FindAssembly(ctx, s.pool, id)
	return a, wrap("find assembly", err)
}

// AssemblyBySlug finds an assembly by its slug.
func (s *Service) AssemblyBySlug(ctx context.Context, slug string) (*assembly.Assembly, error) {
	a, err := assembly.FindAssemblyBySlug(ctx, s.pool, slug)
	return a, wrap("find assembly", err)
}

// closing reports whether Close has begun: no new viewers.
func (s *Service) closing() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// wrap names the operation on an error people should not read; an
// *maeul.Error (and nil) passes as is.
func wrap(op string, err error) error {
	var me *maeul.Error
	if err == nil || errors.As(err, &me) {
		return err
	}
	return fmt.Errorf("live: %s: %w", op, err)
}

// refresh recounts a room's tally and sends it to its viewers if it changed.
func (s *Service) refresh(ctx context.Context, r *room) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r.counting.Lock()
	defer r.counting.Unlock()
	t, err := s.Current(ctx, r.id)
	if err != nil {
		return err
	}
	raw, err := json.Marshal(t)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.last != nil && bytes.Equal(raw, r.lastRaw) {
		return nil
	}
	pm, err := websocket.NewPreparedMessage(websocket.TextMessage, raw)
	if err != nil {
		return err
	}
	wall := pm
	if p := t.ForProjector(); p != t {
		rawP, err := json.Marshal(p)
		if err != nil {
			return err
		}
		if wall, err = websocket.NewPreparedMessage(websocket.TextMessage, rawP); err != nil {
			return err
		}
	}
	r.last, r.lastRaw, r.wall = pm, raw, wall
	for v := range r.viewers {
		v.offer(r.message(v))
	}
	s.metrics.Add("maeul_live_messages_total", "Tally messages broadcast (one per assembly and change).", 1)
	return nil
}

// join adds a viewer to its assembly's room and queues the current tally.
// The first viewer of an assembly counts it; the others share that count.
func (s *Service) join(ctx context.Context, id int64, v *viewer) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return errClosed
	}
	r, ok := s.rooms[id]
	if !ok {
		r = &room{id: id, viewers: map[*viewer]struct{}{}, ready: make(chan struct{})}
		s.rooms[id] = r
	}
	r.pending++
	s.mu.Unlock()
	if !ok {
		r.err = s.refresh(ctx, r)
		close(r.ready)
	}
	var err error
	select {
	case <-r.ready:
	case <-ctx.Done():
		err = ctx.Err()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if err == nil && s.closed {
		err = errClosed
	}
	if err != nil {
		if len(r.viewers) == 0 && r.pending == 0 && s.rooms[id] == r {
			delete(s.rooms, id)
		}
		return err
	}
	r.viewers[v] = struct{}{}
	v.room = r
	if r.last != nil {
		v.offer(r.message(v))
	} else {
		// The first count failed; the next flush retries and sends.
		s.remote[id] = true
		s.poke()
	}
	return nil
}

// message is the last tally as v may receive it: a projector link's
// viewer gets the wall's copy, a host the whole tally.
func (r *room) message(v *viewer) *websocket.PreparedMessage {
	if v.link != 0 {
		return r.wall
	}
	return r.last
}

// leave removes a viewer; the last one out closes the room.
func (s *Service) leave(v *viewer) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := v.room
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.viewers, v)
	empty := len(r.viewers) == 0 && r.pending == 0
	r.mu.Unlock()
	if empty && s.rooms[r.id] == r {
		delete(s.rooms, r.id)
	}
}

// Viewers returns how many websockets watch an assembly on this instance.
func (s *Service) Viewers(id int64) int {
	s.mu.Lock()
	r := s.rooms[id]
	s.mu.Unlock()
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.viewers)
}

func (s *Service) pingAll() {
	s.mu.Lock()
	rooms := make([]*room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		r.mu.Lock()
		for v := range r.viewers {
			v.offer(nil)
		}
		r.mu.Unlock()
	}
}

var errClosed = errors.New("live: the hub is closed")

// Close closes every websocket (Fiber's Shutdown does not close hijacked
// connections) with a going-away frame, so viewers reconnect elsewhere or
// later, and refuses new ones. It returns when the sockets are closed.
func (s *Service) Close() {
	s.mu.Lock()
	s.closed = true
	rooms := s.rooms
	s.rooms = map[int64]*room{}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rooms {
		r.mu.Lock()
		for v := range r.viewers {
			v.kill(websocket.CloseGoingAway, &wg)
		}
		r.mu.Unlock()
	}
	wg.Wait()
}
