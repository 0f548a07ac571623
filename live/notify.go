package live

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// notifier tells the other instances which assemblies changed, on its own
// connection and goroutine: a NOTIFY commits (and waits for its WAL flush),
// which must not hold up the local viewers. Ids that change meanwhile are
// gathered into the next notification.
func (s *Service) notifier(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-s.tellWake:
		}
		s.mu.Lock()
		ids := s.tell
		s.tell = map[int64]bool{}
		s.mu.Unlock()
		if len(ids) > 0 {
			s.notify(ctx, ids)
		}
	}
}

// notify sends the changed ids as one notification (more if they do not
// fit in one payload), after the ballots committed.
func (s *Service) notify(ctx context.Context, ids map[int64]bool) {
	var b strings.Builder
	b.WriteString(s.instance)
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
			s.send(ctx, b.String())
			b.Reset()
			b.WriteString(s.instance)
			b.WriteByte(':')
			n = 0
		}
	}
	if n > 0 {
		s.send(ctx, b.String())
	}
}

func (s *Service) send(ctx context.Context, payload string) {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := s.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, Channel, payload); err != nil && ctx.Err() == nil {
		s.log.Warn("live: notify failed; other instances resync shortly", "err", err)
	}
}

// listen keeps a dedicated connection LISTENing for the other instances'
// changes, reconnecting (with backoff) after the database restarts. After a
// reconnect every watched assembly is recounted: notifications sent while
// it was away are lost.
func (s *Service) listen(ctx context.Context) {
	backoff := 100 * time.Millisecond
	first := true
	for ctx.Err() == nil {
		err := s.listenOnce(ctx, func() {
			backoff = 100 * time.Millisecond
			if !first {
				s.resyncAll()
			}
			first = false
		})
		if ctx.Err() != nil {
			return
		}
		s.log.Warn("live: listener lost its connection; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, ListenBackof)
	}
}

func (s *Service) listenOnce(ctx context.Context, connected func()) error {
	cfg := s.pool.Config().ConnConfig.Copy()
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
		if !ok || from == s.instance {
			continue
		}
		var ids []int64
		for _, x := range strings.Split(list, ",") {
			if id, err := strconv.ParseInt(x, 10, 64); err == nil {
				ids = append(ids, id)
			}
		}
		s.markRemote(ids...)
	}
}

func (s *Service) resyncAll() {
	s.mu.Lock()
	for id := range s.rooms {
		s.remote[id] = true
	}
	s.mu.Unlock()
	s.poke()
}
