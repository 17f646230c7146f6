package cli

import (
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// memLimitFloor is the Go memory limit below which softMemoryLimit never
// goes: small and medium trees index with at most this much heap.
const memLimitFloor = 1 << 30

// softMemoryLimit keeps the Go memory of `index` and `watch` near 1.5 times
// its live heap (at least memLimitFloor) instead of the runtime's default
// of twice the live heap, by moving the soft memory limit as the live heap
// grows: the Go standard library indexes at a third less peak RSS for a
// few percent more CPU (BENCHMARKS.md). Because the limit follows the live
// heap, a tree whose live heap outgrows the floor never makes the
// collector run back to back. A GOMEMLIMIT in the environment wins. The
// returned function stops it and restores the previous limit.
func softMemoryLimit() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	prev := debug.SetMemoryLimit(-1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	set := func() {
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(memLimitFor(int64(sample[0].Value.Uint64())))
		}
	}
	set()
	done := make(chan struct{})
	go func() {
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				set()
			}
		}
	}()
	return func() {
		close(done)
		debug.SetMemoryLimit(prev)
	}
}

// memLimitFor is the soft memory limit for a live heap of live bytes.
func memLimitFor(live int64) int64 { return max(memLimitFloor, live+live/2) }
