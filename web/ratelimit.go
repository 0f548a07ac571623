package web

import (
	"math"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"maeul"
)

// Limiter is a token bucket per key (a client address, an address and an
// email, …), kept in memory. Each instance limits on its own; with several
// instances the effective limit is that many times higher, which is still
// far below what guessing a code needs.
type Limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens per second
	burst   float64
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// NewLimiter allows burst requests at once and then one every per.
func NewLimiter(burst int, per time.Duration) *Limiter {
	return &Limiter{rate: 1 / per.Seconds(), burst: float64(burst), buckets: map[string]*bucket{}, now: time.Now}
}

// Allow takes one token for key. When none is left it returns the seconds
// to wait.
func (l *Limiter) Allow(key string) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b, ok := l.buckets[key]
	if !ok {
		if len(l.buckets) > 100_000 {
			l.sweep(now)
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, int(math.Ceil((1 - b.tokens) / l.rate))
}

// Check is Allow as an error: ETOOMANY with a Retry-After hint.
func (l *Limiter) Check(key string) error {
	if ok, wait := l.Allow(key); !ok {
		e := maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		e.RetryAfter = max(wait, 1)
		return e
	}
	return nil
}

func (l *Limiter) sweep(now time.Time) {
	for k, b := range l.buckets {
		if now.Sub(b.last).Seconds()*l.rate >= l.burst {
			delete(l.buckets, k)
		}
	}
}

// ClientKey identifies a client for rate limiting: its address, as seen
// through a trusted proxy (ClientIP).
func ClientKey(c *fiber.Ctx) string { return ClientIP(c) }

// SharedLimit counts one request of scope from the client (its address as
// seen through the trusted proxy) in PostgreSQL, so every instance shares
// the count, and refuses it with ETOOMANY past perMinute. A database that
// does not answer lets the request through (logged): a limiter must not
// become the outage.
func (env *Env) SharedLimit(c *fiber.Ctx, scope string, perMinute int) error {
	if env.Limits == nil {
		return nil
	}
	n, wait, err := env.Limits.Fail(c.UserContext(), scope, ClientKey(c))
	if err != nil {
		env.logLimit(c, scope, err)
		return nil
	}
	if n > perMinute {
		e := maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		e.RetryAfter = wait
		return e
	}
	return nil
}

// SharedBlocked refuses a client that has failed scope more than max times
// in the current window (shared by every instance); SharedFail counts one
// failure. Only failures count: a client that succeeds is never refused.
func (env *Env) SharedBlocked(c *fiber.Ctx, scope string, max int) error {
	if env.Limits == nil {
		return nil
	}
	n, wait, err := env.Limits.Count(c.UserContext(), scope, ClientKey(c))
	if err != nil {
		env.logLimit(c, scope, err)
		return nil
	}
	if n >= max {
		e := maeul.Errorf(maeul.ETOOMANY, "error.too_many")
		e.RetryAfter = wait
		return e
	}
	return nil
}

// SharedFail counts one failure of scope for the client.
func (env *Env) SharedFail(c *fiber.Ctx, scope string) {
	if env.Limits == nil {
		return
	}
	if _, _, err := env.Limits.Fail(c.UserContext(), scope, ClientKey(c)); err != nil {
		env.logLimit(c, scope, err)
	}
}

func (env *Env) logLimit(c *fiber.Ctx, scope string, err error) {
	if env.Log != nil {
		env.Log.Warn("shared limit unavailable: request let through", "scope", scope, "rid", RequestID(c), "err", err)
	}
}
