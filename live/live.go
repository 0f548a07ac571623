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
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
	"github.com/jackc/pgx/v5"

	"maeul"
	"maeul/assembly"
	"maeul/voting"
	"maeul/web"
)

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

// Hub fans tallies out to websocket viewers.
type Hub struct {
	env  *web.Env
	vote *voting.Service
	// instance tags this process's notifications so it ignores its own.
	instance string
	// linkLimit slows down guessing projector link tokens: failures per
	// client address; blocked holds who is over it, until when.
	linkLimit *web.Limiter
	blockMu   sync.Mutex
	blocked   map[string]time.Time

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
	// ready is closed when the first tally has been computed; pending
	// counts viewers waiting for it (guarded by Hub.mu).
	ready   chan struct{}
	err     error
	pending int
}

// NewHub returns a hub; Run starts its work.
func NewHub(env *web.Env, vote *voting.Service) *Hub {
	h := &Hub{env: env, vote: vote, instance: web.NewID(6), linkLimit: web.NewLimiter(20, 3*time.Second), blocked: map[string]time.Time{},
		rooms: map[int64]*room{}, local: map[int64]bool{}, remote: map[int64]bool{},
		wake: make(chan struct{}, 1), tell: map[int64]bool{}, tellWake: make(chan struct{}, 1)}
	if env.Metrics != nil {
		env.Metrics.Gauge("maeul_live_viewers", "Websocket viewers of live tallies on this instance.", func() float64 {
			h.mu.Lock()
			defer h.mu.Unlock()
			n := 0
			for _, r := range h.rooms {
				r.mu.Lock()
				n += len(r.viewers)
				r.mu.Unlock()
			}
			return float64(n)
		})
	}
	return h
}

// Changed marks an assembly's tally as changed; viewers here and on the
// other instances get a new one within about Interval. It never blocks and
// is safe to call from any goroutine, after the change has committed.
func (h *Hub) Changed(assemblyID int64) {
	h.mu.Lock()
	h.local[assemblyID] = true
	h.mu.Unlock()
	h.poke()
}

func (h *Hub) markRemote(ids ...int64) {
	h.mu.Lock()
	for _, id := range ids {
		h.remote[id] = true
	}
	h.mu.Unlock()
	h.poke()
}

func (h *Hub) poke() {
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

// Run coalesces changes, listens for other instances and resyncs until ctx
// ends. It returns nil when ctx ends.
func (h *Hub) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); h.listen(ctx) }()
	go func() { defer wg.Done(); h.notifier(ctx) }()
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
		case <-h.wake:
		case <-resync.C:
			h.mu.Lock()
			for id := range h.rooms {
				h.remote[id] = true
			}
			h.mu.Unlock()
			h.cutRevoked(ctx)
		case <-ping.C:
			h.pingAll()
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
		h.flush(ctx)
	}
}

// flush recounts what changed, broadcasts it and tells the other instances.
func (h *Hub) flush(ctx context.Context) {
	h.mu.Lock()
	local, remote := h.local, h.remote
	h.local, h.remote = map[int64]bool{}, map[int64]bool{}
	var rooms []*room
	for id, r := range h.rooms {
		if local[id] || remote[id] {
			rooms = append(rooms, r)
		}
	}
	for id := range local {
		h.tell[id] = true
	}
	h.mu.Unlock()
	if len(local) > 0 {
		select {
		case h.tellWake <- struct{}{}:
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
			err := h.refresh(ctx, r)
			switch {
			case err == nil || ctx.Err() != nil:
			case maeul.ErrorCode(err) == maeul.ENOTFOUND:
				// The assembly is gone: nothing more will come.
				r.mu.Lock()
				for v := range r.viewers {
					v.kill(websocket.CloseNormalClosure)
				}
				r.mu.Unlock()
			default:
				h.env.Log.Warn("live: recount failed; the resync will retry", "assembly", r.id, "err", err)
			}
		}()
	}
	wg.Wait()
}

// notifier tells the other instances which assemblies changed, on its own
// connection and goroutine: a NOTIFY commits (and waits for its WAL flush),
// which must not hold up the local viewers. Ids that change meanwhile are
// gathered into the next notification.
func (h *Hub) notifier(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-h.tellWake:
		}
		h.mu.Lock()
		ids := h.tell
		h.tell = map[int64]bool{}
		h.mu.Unlock()
		if len(ids) > 0 {
			h.notify(ctx, ids)
		}
	}
}

// notify sends the changed ids as one notification (more if they do not
// fit in one payload), after the ballots committed.
func (h *Hub) notify(ctx context.Context, ids map[int64]bool) {
	var b strings.Builder
	b.WriteString(h.instance)
	b.WriteByte(':')
	n := 0
	for id := range ids {
		if n > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
		n++
		// A notification payload must stay under 8000 bytes.
		if b.Len() > 7000 {
			h.send(ctx, b.String())
			b.Reset()
			b.WriteString(h.instance)
			b.WriteByte(':')
			n = 0
		}
	}
	if n > 0 {
		h.send(ctx, b.String())
	}
}

func (h *Hub) send(ctx context.Context, payload string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := h.env.Pool.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, payload); err != nil && ctx.Err() == nil {
		h.env.Log.Warn("live: notify failed; other instances resync shortly", "err", err)
	}
}

// listen keeps a dedicated connection LISTENing for the other instances'
// changes, reconnecting (with backoff) after the database restarts. After a
// reconnect every watched assembly is recounted: notifications sent while
// it was away are lost.
func (h *Hub) listen(ctx context.Context) {
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := h.listenOnce(ctx, func() {
			backoff = 100 * time.Millisecond
			if !first {
				h.resyncAll()
			}
			first = false
		})
		if ctx.Err() != nil {
			return
		}
		h.env.Log.Warn("live: listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, ListenBackof)
	}
}

func (h *Hub) listenOnce(ctx context.Context, connected func()) error {
	cfg := h.env.Pool.Config().ConnConfig.Copy()
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	conn, err := pgx.ConnectConfig(cctx, cfg)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		from, list, ok := strings.Cut(n.Payload, ":")
		if !ok || from == h.instance {
			continue
		}
		var ids []int64
		for _, s := range strings.Split(list, ",") {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		h.markRemote(ids...)
	}
}

func (h *Hub) resyncAll() {
	h.mu.Lock()
	for id := range h.rooms {
		h.remote[id] = true
	}
	h.mu.Unlock()
	h.poke()
}

// Current returns the tally of an assembly, counted now in one snapshot.
func (h *Hub) Current(ctx context.Context, id int64) (*voting.Tally, error) {
	tx, err := h.env.Pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback(context.Background())
	a, err := assembly.FindAssembly(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	return voting.Count(ctx, tx, a)
}

// refresh recounts a room's tally and sends it to its viewers if it changed.
func (h *Hub) refresh(ctx context.Context, r *room) error {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	r.counting.Lock()
	defer r.counting.Unlock()
	t, err := h.Current(ctx, r.id)
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
	r.last, r.lastRaw = pm, raw
	for v := range r.viewers {
		v.offer(pm)
	}
	h.env.Metrics.Add("maeul_live_messages_total", "Tally messages broadcast (one per assembly and change).", 1)
	return nil
}

// join adds a viewer to its assembly's room and queues the current tally.
// The first viewer of an assembly counts it; the others share that count.
func (h *Hub) join(ctx context.Context, id int64, v *viewer) error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return errClosed
	}
	r, ok := h.rooms[id]
	if !ok {
		r = &room{id: id, viewers: map[*viewer]struct{}{}, ready: make(chan struct{})}
		h.rooms[id] = r
	}
	r.pending++
	h.mu.Unlock()
	if !ok {
		r.err = h.refresh(ctx, r)
		close(r.ready)
	}
	var err error
	select {
	case <-r.ready:
	case <-ctx.Done():
		err = ctx.Err()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending--
	if err == nil && h.closed {
		err = errClosed
	}
	if err != nil {
		if len(r.viewers) == 0 && r.pending == 0 && h.rooms[id] == r {
			delete(h.rooms, id)
		}
		return err
	}
	r.viewers[v] = struct{}{}
	v.room = r
	if r.last != nil {
		v.offer(r.last)
	} else {
		// The first count failed; the next flush retries and sends.
		h.remote[id] = true
		h.poke()
	}
	return nil
}

// leave removes a viewer; the last one out closes the room.
func (h *Hub) leave(v *viewer) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := v.room
	if r == nil {
		return
	}
	r.mu.Lock()
	delete(r.viewers, v)
	empty := len(r.viewers) == 0 && r.pending == 0
	r.mu.Unlock()
	if empty && h.rooms[r.id] == r {
		delete(h.rooms, r.id)
	}
}

// Viewers returns how many websockets watch an assembly on this instance.
func (h *Hub) Viewers(id int64) int {
	h.mu.Lock()
	r := h.rooms[id]
	h.mu.Unlock()
	if r == nil {
		return 0
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.viewers)
}

func (h *Hub) pingAll() {
	h.mu.Lock()
	rooms := make([]*room, 0, len(h.rooms))
	for _, r := range h.rooms {
		rooms = append(rooms, r)
	}
	h.mu.Unlock()
	for _, r := range rooms {
		r.mu.Lock()
		for v := range r.viewers {
			v.offer(nil)
		}
		r.mu.Unlock()
	}
}

// cutRevoked closes the websockets opened with projector links that have
// since been revoked.
func (h *Hub) cutRevoked(ctx context.Context) {
	byLink := map[int64][]*viewer{}
	h.mu.Lock()
	for _, r := range h.rooms {
		r.mu.Lock()
		for v := range r.viewers {
			if v.link != 0 {
				byLink[v.link] = append(byLink[v.link], v)
			}
		}
		r.mu.Unlock()
	}
	h.mu.Unlock()
	if len(byLink) == 0 {
		return
	}
	ids := make([]int64, 0, len(byLink))
	for id := range byLink {
		ids = append(ids, id)
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	revoked, err := revokedLinks(ctx, h.env.Pool, ids)
	if err != nil {
		h.env.Log.Warn("live: checking projector links failed", "err", err)
		return
	}
	for id := range revoked {
		for _, v := range byLink[id] {
			v.kill(websocket.ClosePolicyViolation)
		}
	}
}

var errClosed = errors.New("live: the hub is closed")

// Close closes every websocket (Fiber's Shutdown does not close hijacked
// connections) with a going-away frame, so viewers reconnect elsewhere or
// later, and refuses new ones. It returns when the sockets are closed.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	rooms := h.rooms
	h.rooms = map[int64]*room{}
	h.mu.Unlock()
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
