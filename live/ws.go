package live

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/websocket"
	"github.com/valyala/fasthttp"

	"maeul"
	"maeul/assembly"
	"maeul/web"
)

// upgrader keeps an idle viewer small: a read buffer just big enough for
// control frames (viewers only send pongs and closes) and write buffers
// borrowed from a pool only while a frame is written. Prepared messages are
// written straight from their shared encoding. The default origin check
// (same host) stops other sites from riding a host's session cookie.
var upgrader = websocket.Upgrader{
	ReadBufferSize:   256,
	WriteBufferPool:  &sync.Pool{},
	HandshakeTimeout: 10 * time.Second,
}

// serveWS upgrades GET /ws/assemblies/{id}/tally. Access is checked with
// Fiber's usual errors before the connection is taken over. Fiber (fasthttp)
// cannot hand a connection to net/http code, so the handler hijacks the
// fasthttp connection and gives gorilla a ResponseWriter whose Hijack
// returns it.
func (h *Hub) serveWS(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := assembly.FindAssembly(c.UserContext(), h.env.Pool, id)
	if err != nil {
		return err
	}
	link, err := h.mayView(c, a)
	if err != nil {
		return err
	}
	fc := c.Context()
	// fasthttp reuses the request's buffers once the handler returns: copy
	// what gorilla reads before handing the connection over.
	r := copyRequest(fc)
	if !websocket.IsWebSocketUpgrade(r) {
		c.Set("Upgrade", "websocket")
		return maeul.Errorf(maeul.EMALFORMED, "live.not_websocket")
	}
	h.mu.Lock()
	closed := h.closed
	h.mu.Unlock()
	if closed {
		return maeul.Errorf(maeul.EUNAVAILABLE, "live.closing")
	}
	c.Status(fiber.StatusSwitchingProtocols)
	fc.HijackSetNoResponse(true)
	fc.Hijack(func(hc net.Conn) { h.accept(hc, r, id, link) })
	return nil
}

func copyRequest(fc *fasthttp.RequestCtx) *http.Request {
	r := &http.Request{
		Method: string(fc.Method()), Host: string(fc.Host()), Header: http.Header{},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1, RemoteAddr: fc.RemoteAddr().String(),
		URL: &url.URL{Path: string(fc.Path())},
	}
	fc.Request.Header.VisitAll(func(k, v []byte) { r.Header.Add(string(k), string(v)) })
	return r
}

// accept runs on fasthttp's hijack goroutine: it completes the handshake,
// joins the viewer to its room and returns, leaving the socket to the
// viewer's reader and writer goroutines (the server keeps hijacked
// connections open; see Routes).
func (h *Hub) accept(hc net.Conn, r *http.Request, id, link int64) {
	raw := hc
	if u, ok := hc.(interface{ UnsafeConn() net.Conn }); ok {
		// Bypass fasthttp's pooled read buffer, which it recycles when
		// this function returns.
		raw = u.UnsafeConn()
	}
	w := &hijackWriter{conn: raw, header: http.Header{},
		brw: bufio.NewReadWriter(bufio.NewReaderSize(raw, 16), bufio.NewWriterSize(raw, 16))}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		raw.Close()
		return
	}
	v := &viewer{conn: conn, raw: raw, link: link, send: make(chan *websocket.PreparedMessage, QueueLen), done: make(chan struct{})}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := h.join(ctx, id, v); err != nil {
		v.kill(websocket.CloseTryAgainLater)
		return
	}
	h.env.Metrics.Add("maeul_live_connects_total", "Websocket viewers accepted.", 1)
	go v.writeLoop()
	go v.readLoop(h)
}

// hijackWriter is the net/http face of a hijacked fasthttp connection.
// Write is only used by gorilla to refuse a bad handshake.
type hijackWriter struct {
	conn   net.Conn
	brw    *bufio.ReadWriter
	header http.Header
	status int
	wrote  bool
}

func (w *hijackWriter) Header() http.Header { return w.header }
func (w *hijackWriter) WriteHeader(s int)   { w.status = s }
func (w *hijackWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.wrote = true
		if w.status == 0 {
			w.status = http.StatusOK
		}
		fmt.Fprintf(w.conn, "HTTP/1.1 %d %s\r\nContent-Type: text/plain; charset=utf-8\r\nSec-WebSocket-Version: 13\r\nConnection: close\r\nContent-Length: %d\r\n\r\n",
			w.status, http.StatusText(w.status), len(b))
	}
	return w.conn.Write(b)
}
func (w *hijackWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) { return w.conn, w.brw, nil }

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
func (v *viewer) readLoop(h *Hub) {
	defer func() {
		h.leave(v)
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
