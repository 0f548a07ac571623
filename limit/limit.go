// Package limit counts failed attempts (wrong codes, wrong passwords) in
// PostgreSQL, per scope and key in one-minute windows, so that several
// instances of the service share one count. It counts only failures: a
// success is never counted, and never refused by a count.
//
// It is a domain package: no HTTP, no web.
package limit

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Window is the length of one counting window, in seconds.
const Window = 60

// The window in use and its origin (Unix seconds): Window and 0 but for
// tests (SetWindowForTest).
var windowSec, originSec atomic.Int64

func init() { windowSec.Store(Window) }

// SetWindowForTest makes windows of d starting at origin, so that a slow
// test (bcrypt under -race) keeps its failures in one window; it returns
// the function that restores the one-minute windows.
func SetWindowForTest(d time.Duration, origin time.Time) (restore func()) {
	windowSec.Store(int64(d / time.Second))
	originSec.Store(origin.Unix())
	return func() { windowSec.Store(Window); originSec.Store(0) }
}

// Counter counts failures in the limit_failures table.
type Counter struct {
	pool *pgxpool.Pool
}

// New returns a counter on pool.
func New(pool *pgxpool.Pool) *Counter { return &Counter{pool: pool} }

func hashKey(scope, key string) []byte {
	h := sha256.Sum256([]byte(scope + "\x00" + key))
	return h[:]
}

// Fail counts one failure for (scope, key) in the current window and
// returns the window's count so far (this one included) and the seconds
// until the window ends. The increment is one atomic statement, so
// concurrent instances never lose a count.
func (c *Counter) Fail(ctx context.Context, scope, key string) (n, retryAfter int, err error) {
	err = c.pool.QueryRow(ctx, `INSERT INTO limit_failures (scope, key_hash, window_start, count)
		VALUES ($1, $2, date_bin(make_interval(secs => $3), now(), to_timestamp($4)), 1)
		ON CONFLICT (scope, key_hash, window_start) DO UPDATE SET count = limit_failures.count + 1
		RETURNING count, greatest(1, ceil(extract(epoch FROM window_start + make_interval(secs => $3) - now())))::int`,
		scope, hashKey(scope, key), windowSec.Load(), originSec.Load()).Scan(&n, &retryAfter)
	if err != nil {
		return 0, 0, fmt.Errorf("limit: count failure: %w", err)
	}
	if rand.IntN(200) == 0 {
		c.sweep(ctx)
	}
	return n, retryAfter, nil
}

// Count returns the failures of (scope, key) in the current window and the
// seconds until it ends, without adding one.
func (c *Counter) Count(ctx context.Context, scope, key string) (n, retryAfter int, err error) {
	err = c.pool.QueryRow(ctx, `WITH w AS (SELECT date_bin(make_interval(secs => $3), now(), to_timestamp($4)) AS start)
		SELECT coalesce((SELECT count FROM limit_failures, w WHERE scope = $1 AND key_hash = $2 AND window_start = w.start), 0),
			greatest(1, ceil(extract(epoch FROM w.start + make_interval(secs => $3) - now())))::int
		FROM w`,
		scope, hashKey(scope, key), windowSec.Load(), originSec.Load()).Scan(&n, &retryAfter)
	if err != nil {
		return 0, 0, fmt.Errorf("limit: read count: %w", err)
	}
	return n, retryAfter, nil
}

// sweep forgets windows older than an hour.
func (c *Counter) sweep(ctx context.Context) {
	_, _ = c.pool.Exec(ctx, `DELETE FROM limit_failures WHERE window_start < now() - interval '1 hour'`)
}
