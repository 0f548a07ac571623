package live

import (
	"context"
	"net"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// attach joins an upgraded websocket (conn over raw) to its assembly's
// room as a viewer and returns, leaving the socket to the viewer's reader
// and writer goroutines. link is the projector link it came with (0: a
// host or the public).
func (s *Service) attach(conn *websocket.Conn, raw net.Conn, id, link int64) {
	v := &viewer{conn: conn, raw: raw, link: link, send: make(chan *websocket.PreparedMessage, QueueLen), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.join(ctx, id, v); err != nil {
		v.kill(websocket.CloseTryAgainLater)
		return
	}
	s.metrics.Add("maeul_live_connects_total", "Websocket viewers accepted.", 1)
	go v.writeLoop()
	go v.readLoop(s)
}

// viewer is one websocket. Its queue holds prepared messages (nil means a
// ping); the broadcaster never waits for it.
type viewer struct {
	conn *websocket.Conn
	raw  net.Conn
	send chan *websocket.PreparedMessage
	room *room // guarded by Hub.mu
	// link is the projector link the viewer came with (0: a host or public).
	link int64
	once sync.Once
	done chan struct{}
}

// offer queues a message, or drops the viewer when its queue is full: it
// has stopped reading, and waiting for it would delay everyone else.
func (v *viewer) offer(pm *websocket.PreparedMessage) {
	select {
	case v.send <- pm:
	default:
		v.kill(0)
	}
}

// kill closes the socket once. With a code, a close frame is tried first
// (in the background, at most a second: the socket may be stuck); wg, if
// given, is done when the socket is closed.
func (v *viewer) kill(code int, wg ...*sync.WaitGroup) {
	v.once.Do(func() {
		close(v.done)
		if code == 0 {
			v.raw.Close()
			return
		}
		for _, w := range wg {
			w.Add(1)
		}
		go func() {
			v.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
			v.raw.Close()
			for _, w := range wg {
				w.Done()
			}
		}()
	})
}

func (v *viewer) writeLoop() {
	for {
		select {
		case <-v.done:
			return
		case pm := <-v.send:
			// Behind? Only the newest tally matters: skip to it (a
			// skipped ping is harmless, any frame shows we are alive).
			for more := true; more; {
				select {
				case next := <-v.send:
					if next != nil || pm == nil {
						pm = next
					}
				default:
					more = false
				}
			}
			var err error
			if pm == nil {
				err = v.conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(WriteWait))
			} else {
				// No write deadline (a timer per write per viewer): a viewer
				// that stops reading fills its queue and is closed by offer,
				// one that stops answering pings by readLoop; either close
				// ends a blocked write.
				err = v.conn.WritePreparedMessage(pm)
			}
			if err != nil {
				v.kill(0)
				return
			}
		}
	}
}

// readLoop reads (and discards) what the viewer sends, so pongs and closes
// are seen; a viewer silent for PongWait is gone.
func (v *viewer) readLoop(s *Service) {
	defer func() {
		s.leave(v)
		v.kill(0)
	}()
	v.conn.SetReadLimit(1024)
	v.conn.SetReadDeadline(time.Now().Add(PongWait))
	v.conn.SetPongHandler(func(string) error {
		return v.conn.SetReadDeadline(time.Now().Add(PongWait))
	})
	for {
		if _, _, err := v.conn.NextReader(); err != nil {
			return
		}
		v.conn.SetReadDeadline(time.Now().Add(PongWait))
	}
}
