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

// watchBudget is memBudget for a watcher once its first run is done: a
// watcher that has caught up holds ~110 MiB, and its background work (the
// precise tier's type checking of a batch of packages, an update) needs a
// live heap of tens of MiB more, which the runtime's default (the next
// collection at twice the live heap) let reach 319 MiB on the Go standard
// library (issue 22 asks for under 300; BENCHMARKS.md).
const watchBudget = 256 << 20

// memLimiter keeps the Go memory limit of `index` and `watch` within a
// budget; see softMemoryLimit.
type memLimiter struct {
	mu      sync.Mutex
	stopped bool
	budget  int64
	prev    int64 // the limit before, restored by Stop
	sample  []metrics.Sample
}

// softMemoryLimit sets the Go memory limit of `index` and `watch` after
// every garbage collection (the live heap changes only then) to what
// budget leaves beside the memory resident outside Go's heap, but never
// below 1.5 times the live heap: the collector runs earlier than the
// runtime's default (twice the live heap) only when the process would
// otherwise outgrow the budget, and a tree whose live heap outgrows it
// never makes the collector run back to back. A GOMEMLIMIT in the
// environment wins (the returned limiter then does nothing). Stop stops it
// and restores the previous limit.
func softMemoryLimit(budget int64) *memLimiter {
	l := &memLimiter{budget: budget, stopped: os.Getenv("GOMEMLIMIT") != ""}
	if l.stopped {
		return l
	}
	l.prev = debug.SetMemoryLimit(-1)
	l.sample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}, {Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	// afterGC sets the limit, then arms itself for the end of the next
	// collection: a cleanup of an object nothing references runs once
	// that collection has found it unreachable.
	var afterGC func()
	afterGC = func() {
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.stopped {
			return
		}
		l.setLocked()
		runtime.AddCleanup(&gcMarker{}, func(struct{}) { afterGC() }, struct{}{})
	}
	afterGC()
	return l
}

// setLocked sets the limit for the live heap of the last collection.
func (l *memLimiter) setLocked() {
	metrics.Read(l.sample)
	if l.sample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	var outside int64
	if rss := residentBytes(); rss > 0 && l.sample[1].Value.Kind() == metrics.KindUint64 && l.sample[2].Value.Kind() == metrics.KindUint64 {
		outside = max(0, rss-int64(l.sample[1].Value.Uint64()-l.sample[2].Value.Uint64()))
	}
	debug.SetMemoryLimit(memLimitFor(l.budget, int64(l.sample[0].Value.Uint64()), outside))
}

// SetBudget changes the budget, from now on.
func (l *memLimiter) SetBudget(budget int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.budget = budget
	if !l.stopped {
		l.setLocked()
	}
}

// Stop stops adjusting the limit and restores the previous one.
func (l *memLimiter) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.stopped = true
	debug.SetMemoryLimit(l.prev)
}

// gcMarker is the object whose cleanup marks the end of a collection (it
// holds a pointer so that it is not batched with other tiny allocations).
type gcMarker struct{ _ *byte }

// memLimitFor is the soft memory limit within budget for a live heap of
// live bytes when outside bytes are resident outside Go's memory (C
// allocations, mapped files).
func memLimitFor(budget, live, outside int64) int64 {
	return max(budget-outside, live+live/2)
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
