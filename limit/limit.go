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
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Window is the length of one counting window, in seconds.
const Window = 60

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
		VALUES ($1, $2, date_trunc('minute', now()), 1)
		ON CONFLICT (scope, key_hash, window_start) DO UPDATE SET count = limit_failures.count + 1
		RETURNING count, greatest(1, ceil(extract(epoch FROM window_start + interval '1 minute' - now())))::int`,
		scope, hashKey(scope, key)).Scan(&n, &retryAfter)
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
	err = c.pool.QueryRow(ctx, `SELECT coalesce(max(count), 0),
			greatest(1, ceil(extract(epoch FROM date_trunc('minute', now()) + interval '1 minute' - now())))::int
		FROM limit_failures WHERE scope = $1 AND key_hash = $2 AND window_start = date_trunc('minute', now())`,
		scope, hashKey(scope, key)).Scan(&n, &retryAfter)
	if err != nil {
		return 0, 0, fmt.Errorf("limit: read count: %w", err)
	}
	return n, retryAfter, nil
}

// sweep forgets windows older than an hour.
func (c *Counter) sweep(ctx context.Context) {
	_, _ = c.pool.Exec(ctx, `DELETE FROM limit_failures WHERE window_start < now() - interval '1 hour'`)
}

// FreshWindow sleeps, if need be, until a window starts, so that a test's
// next need of failures all fall in one window.
func FreshWindow(need time.Duration) {
	now := time.Now()
	left := now.Truncate(time.Minute).Add(time.Minute).Sub(now)
	if left < need {
		time.Sleep(left + 100*time.Millisecond)
	}
}
