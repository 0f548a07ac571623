package servertest

import (
	"runtime"
	"runtime/metrics"
	"sync"
	"time"
)

// PeakHeap runs f and returns how far the live heap rose above where it
// stood before, at its highest while f ran. The service runs in the test's
// process, so its allocations are ours to watch.
//
// It samples /memory/classes/heap/objects:bytes (the bytes of heap objects,
// live or not yet swept) every half millisecond from a goroutine of its own.
// RSS (VmRSS) would do as a bound but only ever grows while the runtime keeps
// pages, and MemStats stops the world on each read; the metric is cheap, and
// a large decode buffer shows in it the moment it is allocated. The baseline
// is taken after a full GC.
func PeakHeap(f func()) (baseline, peak uint64) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	read := func() uint64 {
		metrics.Read(sample)
		return sample[0].Value.Uint64()
	}
	baseline = read()
	var (
		mu   sync.Mutex
		top  = baseline
		stop = make(chan struct{})
		done = make(chan struct{})
	)
	go func() {
		defer close(done)
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			v := read()
			mu.Lock()
			top = max(top, v)
			mu.Unlock()
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(stop)
	<-done
	mu.Lock()
	defer mu.Unlock()
	return baseline, max(top, read())
}
