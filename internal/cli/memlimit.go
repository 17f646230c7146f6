package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// memLimitFloor is the Go memory limit below which softMemoryLimit never
// goes: small and medium trees index with at most this much heap.
const memLimitFloor = 1 << 30

// softMemoryLimit keeps the Go memory of `index` and `watch` near 1.5 times
// its live heap (at least memLimitFloor) instead of the runtime's default
// of twice the live heap, by moving the soft memory limit after every
// garbage collection (the live heap changes only then): the Go standard
// library indexes at a third less peak RSS for a few percent more CPU
// (BENCHMARKS.md). Because the limit follows the live heap, a tree whose
// live heap outgrows the floor never makes the collector run back to
// back. A GOMEMLIMIT in the environment wins. The returned function stops
// it and restores the previous limit.
func softMemoryLimit() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	prev := debug.SetMemoryLimit(-1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	// afterGC sets the limit, then arms itself for the end of the next
	// collection: a cleanup of an object nothing references runs once
	// that collection has found it unreachable.
	var afterGC func()
	afterGC = func() {
		mu.Lock()
		defer mu.Unlock()
		if stopped {
			return
		}
		metrics.Read(sample)
		if sample[0].Value.Kind() == metrics.KindUint64 {
			debug.SetMemoryLimit(memLimitFor(int64(sample[0].Value.Uint64())))
		}
		runtime.AddCleanup(&gcMarker{}, func(struct{}) { afterGC() }, struct{}{})
	}
	afterGC()
	return func() {
		mu.Lock()
		defer mu.Unlock()
		stopped = true
		debug.SetMemoryLimit(prev)
	}
}

// gcMarker is the object whose cleanup marks the end of a collection (it
// holds a pointer so that it is not batched with other tiny allocations).
type gcMarker struct{ _ *byte }

// memLimitFor is the soft memory limit for a live heap of live bytes.
func memLimitFor(live int64) int64 { return max(memLimitFloor, live+live/2) }
