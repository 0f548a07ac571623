package limit_test

import (
	"context"
	"sort"
	"sync"
	"testing"
	"time"

	"maeul/database/dbtest"
	"maeul/limit"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Concurrent failures, as from several instances at once, are each counted
// once: the counts returned are exactly 1..n.
func TestFailCountsAtomically(t *testing.T) {
	db := dbtest.MustOpenDB(t)
	defer limit.SetWindowForTest(10*time.Minute, time.Now())()
	c, other := limit.New(db.Pool), limit.New(db.Pool)
	ctx := context.Background()
	const n = 40
	var mu sync.Mutex
	var got []int
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cc := c
			if i%2 == 1 {
				cc = other
			}
			k, w, err := cc.Fail(ctx, "test", "203.0.113.7")
			if err != nil || w < 1 || w > 600 {
				t.Errorf("fail: %d %d %v", k, w, err)
			}
			mu.Lock()
			got = append(got, k)
			mu.Unlock()
		}()
	}
	wg.Wait()
	sort.Ints(got)
	for i, k := range got {
		if k != i+1 {
			t.Fatalf("counts %v", got)
		}
	}
	if k, _, err := c.Count(ctx, "test", "203.0.113.7"); err != nil || k != n {
		t.Fatalf("count %d %v", k, err)
	}
	if k, _, _ := c.Count(ctx, "test", "203.0.113.8"); k != 0 {
		t.Fatalf("another key: %d", k)
	}
	if k, _, _ := c.Count(ctx, "other", "203.0.113.7"); k != 0 {
		t.Fatalf("another scope: %d", k)
	}
	// No address is stored as such.
	var plain int
	db.Pool.QueryRow(ctx, `SELECT count(*) FROM limit_failures WHERE position('203.0.113' in encode(key_hash, 'escape')) > 0`).Scan(&plain)
	if plain != 0 {
		t.Fatal("an address is stored in the clear")
	}
}
