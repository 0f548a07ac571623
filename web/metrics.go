package web

import (
	"crypto/subtle"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
)

// Metrics collects counters and gauges and writes them in the Prometheus
// text format. It is small on purpose: a handful of series, no labels
// beyond method, route and status.
type Metrics struct {
	mu       sync.Mutex
	requests map[string]uint64  // method|route|status
	durSum   map[string]float64 // method|route
	durCount map[string]uint64
	counters map[string]uint64
	gauges   map[string]func() float64
	help     map[string]string
}

// NewMetrics returns an empty registry.
func NewMetrics() *Metrics {
	return &Metrics{requests: map[string]uint64{}, durSum: map[string]float64{}, durCount: map[string]uint64{},
		counters: map[string]uint64{}, gauges: map[string]func() float64{}, help: map[string]string{}}
}

// ObserveRequest records one HTTP request.
func (m *Metrics) ObserveRequest(method, route string, status int, d time.Duration) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.requests[method+"|"+route+"|"+strconv.Itoa(status)]++
	m.durSum[method+"|"+route] += d.Seconds()
	m.durCount[method+"|"+route]++
	m.mu.Unlock()
}

// Add increases the counter name (e.g. "maeul_ballots_total") by n.
func (m *Metrics) Add(name, help string, n uint64) {
	if m == nil {
		return
	}
	m.mu.Lock()
	m.counters[name] += n
	m.help[name] = help
	m.mu.Unlock()
}

// Gauge registers a function read at every scrape.
func (m *Metrics) Gauge(name, help string, f func() float64) {
	m.mu.Lock()
	m.gauges[name] = f
	m.help[name] = help
	m.mu.Unlock()
}

// Write writes every series in the Prometheus text format.
func (m *Metrics) Write(w io.Writer) {
	m.mu.Lock()
	defer m.mu.Unlock()
	fmt.Fprintln(w, "# HELP maeul_http_requests_total HTTP requests by method, route and status.")
	fmt.Fprintln(w, "# TYPE maeul_http_requests_total counter")
	for _, k := range sortedKeys(m.requests) {
		p := strings.SplitN(k, "|", 3)
		fmt.Fprintf(w, "maeul_http_requests_total{method=%q,route=%q,status=%q} %d\n", p[0], p[1], p[2], m.requests[k])
	}
	fmt.Fprintln(w, "# HELP maeul_http_request_seconds Time spent answering HTTP requests.")
	fmt.Fprintln(w, "# TYPE maeul_http_request_seconds summary")
	for _, k := range sortedKeys(m.durCount) {
		p := strings.SplitN(k, "|", 2)
		fmt.Fprintf(w, "maeul_http_request_seconds_sum{method=%q,route=%q} %g\n", p[0], p[1], m.durSum[k])
		fmt.Fprintf(w, "maeul_http_request_seconds_count{method=%q,route=%q} %d\n", p[0], p[1], m.durCount[k])
	}
	for _, k := range sortedKeys(m.counters) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s counter\n%s %d\n", k, m.help[k], k, k, m.counters[k])
	}
	for _, k := range sortedKeys(m.gauges) {
		fmt.Fprintf(w, "# HELP %s %s\n# TYPE %s gauge\n%s %g\n", k, m.help[k], k, k, m.gauges[k]())
	}
}

// Handler serves /metrics.
func (m *Metrics) Handler(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "text/plain; version=0.0.4; charset=utf-8")
	m.Write(c.Response().BodyWriter())
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// MetricsAccess guards /metrics: a client on this machine (not through a
// proxy) may read it, and so may one with "Authorization: Bearer <token>"
// when Env.MetricsToken is set; anyone else gets 404, as if it did not exist.
func MetricsAccess(env *Env) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if IsLoopback(c) {
			return c.Next()
		}
		if env.MetricsToken != "" {
			tok, ok := strings.CutPrefix(c.Get(fiber.HeaderAuthorization), "Bearer ")
			if ok && subtle.ConstantTimeCompare([]byte(strings.TrimSpace(tok)), []byte(env.MetricsToken)) == 1 {
				return c.Next()
			}
		}
		return fiber.ErrNotFound
	}
}
