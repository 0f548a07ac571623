package live

import (
	"bufio"
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
func (h *Handlers) serveWS(c *fiber.Ctx) error {
	id := web.ParseID(c.Params("id"))
	if id == 0 {
		return maeul.Errorf(maeul.ENOTFOUND, "assembly.not_found")
	}
	a, err := h.svc.Assembly(c.UserContext(), id)
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
	if h.svc.closing() {
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

// accept runs on fasthttp's hijack goroutine: it completes the handshake
// and hands the websocket to the hub (the server keeps hijacked
// connections open; see Routes).
func (h *Handlers) accept(hc net.Conn, r *http.Request, id, link int64) {
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
	h.svc.attach(conn, raw, id, link)
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
