package main

import (
	"bytes"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// runBaseline measures the bare broadcast with the same clients, the same
// message and the same message rate maeul sent.
func runBaseline(o liveOpts, n int, sample []byte, rate float64) (liveResult, error) {
	r := liveResult{viewers: n, server: "bare gorilla broadcast"}
	if rate <= 0 {
		rate = 10
	}
	exe, err := os.Executable()
	if err != nil {
		return r, err
	}
	addr, err := freeAddr()
	if err != nil {
		return r, err
	}
	tmp, err := os.MkdirTemp("", "maeul-bench-bare-")
	if err != nil {
		return r, err
	}
	defer os.RemoveAll(tmp)
	c, err := startChild(filepath.Join(tmp, "bare.log"), exe, "live", "--baseline-serve", addr)
	if err != nil {
		return r, err
	}
	defer c.stop()
	if err := waitHealthy("http://"+addr+"/healthz", c); err != nil {
		return r, err
	}
	before, err := settleRSS(c.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	clients, readers, err := connect("ws://"+addr+"/ws", n, false)
	if err != nil {
		return r, err
	}
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if _, b := httpJSON("GET", "http://"+addr+"/count", "", nil); string(b) == strconv.Itoa(n) {
			break
		}
	}
	after, err := settleRSS(c.cmd.Process.Pid)
	if err != nil {
		return r, err
	}
	r.kbPerViewer = float64(after-before) / float64(n)

	// Same message, its ballots field replaced by a sequence number.
	i := bytes.Index(sample, ballotsKey)
	if i < 0 {
		sample = []byte(`{"ballots":0}`)
		i = 1
	}
	j := i + len(ballotsKey)
	for j < len(sample) && sample[j] >= '0' && sample[j] <= '9' {
		j++
	}
	head, tail := sample[:i+len(ballotsKey)], sample[j:]
	interval := time.Duration(float64(time.Second) / rate)
	count := int(o.duration / interval)
	sent := make([]time.Time, count+1)
	start := time.Now()
	for seq := 1; seq <= count; seq++ {
		if d := time.Until(start.Add(time.Duration(seq) * interval)); d > 0 {
			time.Sleep(d)
		}
		msg := append(append(append([]byte{}, head...), strconv.Itoa(seq)...), tail...)
		sent[seq] = time.Now()
		req, _ := http.NewRequest("POST", "http://"+addr+"/broadcast", bytes.NewReader(msg))
		if res, err := httpc.Do(req); err == nil {
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
		}
	}
	loadTime := time.Since(start)
	time.Sleep(time.Second)
	closeAll(clients)
	readers.Wait()
	var lats []time.Duration
	var msgs int
	for _, cl := range clients {
		got := map[int64]bool{}
		for k, seq := range cl.nums {
			if seq >= 1 && seq <= int64(count) {
				lats = append(lats, cl.times[k].Sub(sent[seq]))
				got[seq] = true
				msgs++
			}
		}
		r.missed += count - len(got)
	}
	r.msgRate = float64(msgs) / float64(n) / loadTime.Seconds()
	r.p50, r.p99, r.max = percentiles(lats)
	return r, nil
}

// serveBaseline is the bare broadcast server: the hub of gorilla's chat
// example, with its default buffers, one writer goroutine per client and a
// 256-message queue.
func serveBaseline(addr string) error {
	type bclient struct {
		conn *websocket.Conn
		send chan []byte
	}
	var mu sync.Mutex
	clients := map[*bclient]bool{}
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 1024}
	mux := http.NewServeMux()
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") })
	mux.HandleFunc("/count", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		io.WriteString(w, strconv.Itoa(len(clients)))
	})
	mux.HandleFunc("/ws", func(w http.ResponseWriter, r *http.Request) {
		conn, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		c := &bclient{conn: conn, send: make(chan []byte, 256)}
		mu.Lock()
		clients[c] = true
		mu.Unlock()
		go func() {
			ping := time.NewTicker(54 * time.Second)
			defer func() { ping.Stop(); conn.Close() }()
			for {
				select {
				case m, ok := <-c.send:
					conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
					if !ok {
						conn.WriteMessage(websocket.CloseMessage, nil)
						return
					}
					if err := conn.WriteMessage(websocket.TextMessage, m); err != nil {
						return
					}
				case <-ping.C:
					conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
					if err := conn.WriteMessage(websocket.PingMessage, nil); err != nil {
						return
					}
				}
			}
		}()
		go func() {
			defer func() {
				mu.Lock()
				if clients[c] {
					delete(clients, c)
					close(c.send)
				}
				mu.Unlock()
				conn.Close()
			}()
			conn.SetReadLimit(512)
			conn.SetReadDeadline(time.Now().Add(60 * time.Second))
			conn.SetPongHandler(func(string) error { conn.SetReadDeadline(time.Now().Add(60 * time.Second)); return nil })
			for {
				if _, _, err := conn.ReadMessage(); err != nil {
					return
				}
			}
		}()
	})
	mux.HandleFunc("/broadcast", func(w http.ResponseWriter, r *http.Request) {
		msg, _ := io.ReadAll(r.Body)
		mu.Lock()
		for c := range clients {
			select {
			case c.send <- msg:
			default:
				delete(clients, c)
				close(c.send)
			}
		}
		mu.Unlock()
	})
	return http.ListenAndServe(addr, mux)
}
