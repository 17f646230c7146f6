package cli

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
)

// memBudget is the resident memory `index` and `watch` aim to stay within,
// Go's heap and the memory outside it (tree-sitter's and Pebble's C
// allocations) together, unless the live heap needs more. The limit it
// sets is soft and moved only after collections, so a run overshoots it
// by a few tens of MiB: at 896 MiB a full index of the Go standard
// library peaks under 1 GiB (issue 22; BENCHMARKS.md).
const memBudget = 896 << 20

// softMemoryLimit sets the Go memory limit of `index` and `watch` after
// every garbage collection (the live heap changes only then) to what
// memBudget leaves beside the memory resident outside Go's heap, but never
// below 1.5 times the live heap: the collector runs earlier than the
// runtime's default (twice the live heap) only when the process would
// otherwise outgrow the budget, and a tree whose live heap outgrows it
// never makes the collector run back to back. A GOMEMLIMIT in the
// environment wins. The returned function stops it and restores the
// previous limit.
func softMemoryLimit() (stop func()) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	var mu sync.Mutex
	stopped := false
	prev := debug.SetMemoryLimit(-1)
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
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
			var outside int64
			if rss := residentBytes(); rss > 0 && sample[1].Value.Kind() == metrics.KindUint64 && sample[2].Value.Kind() == metrics.KindUint64 {
				outside = max(0, rss-int64(sample[1].Value.Uint64()-sample[2].Value.Uint64()))
			}
			debug.SetMemoryLimit(memLimitFor(int64(sample[0].Value.Uint64()), outside))
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

// memLimitFor is the soft memory limit for a live heap of live bytes when
// outside bytes are resident outside Go's memory (C allocations).
func memLimitFor(live, outside int64) int64 {
	return max(memBudget-outside, live+live/2)
}

// residentBytes returns the process's resident memory (0 where it cannot
// tell: outside Linux).
func residentBytes() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
