package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemLimitFor(t *testing.T) {
	for _, c := range []struct{ live, outside, want int64 }{
		{0, 0, memBudget},
		{100 << 20, 0, memBudget},
		{memBudget / 2, 0, memBudget},
		{memBudget, 0, memBudget + memBudget/2},
		{1 << 30, 0, 3 << 29},
		{4 << 30, 0, 6 << 30},
		// Memory outside Go's heap comes out of the budget, down to 1.5
		// times the live heap.
		{100 << 20, 300 << 20, memBudget - 300<<20},
		{400 << 20, 500 << 20, 600 << 20},
		{100 << 20, 2 << 30, 150 << 20},
	} {
		if got := memLimitFor(memBudget, c.live, c.outside); got != c.want {
			t.Errorf("memLimitFor(%d, %d) = %d, want %d", c.live, c.outside, got, c.want)
		}
	}
}

func TestResidentBytes(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("reads /proc/self/statm")
	}
	if got := residentBytes(); got <= 0 {
		t.Errorf("residentBytes() = %d", got)
	}
}

func TestSoftMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	stop := softMemoryLimit(memBudget).Stop
	if got := debug.SetMemoryLimit(-1); got > memBudget || got == before {
		t.Errorf("limit while running %d (before %d)", got, before)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after stop %d, want %d", got, before)
	}
	t.Setenv("GOMEMLIMIT", "4GiB")
	stop = softMemoryLimit(memBudget).Stop
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("GOMEMLIMIT set: limit %d, want it left at %d", got, before)
	}
	stop()
}

// TestSoftMemoryLimitFollowsGC checks that the limit is set again after
// collections (the cleanup re-arms itself) and not after stop.
func TestSoftMemoryLimitFollowsGC(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	stop := softMemoryLimit(memBudget).Stop
	for range 3 {
		debug.SetMemoryLimit(before) // undone by the next collection
		runtime.GC()
		deadline := time.Now().Add(5 * time.Second)
		for debug.SetMemoryLimit(-1) == before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := debug.SetMemoryLimit(-1); got > memBudget || got == before {
			t.Fatalf("after a collection the limit is %d", got)
		}
	}
	stop()
	runtime.GC()
	time.Sleep(50 * time.Millisecond)
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("after stop and a collection the limit is %d, want %d", got, before)
	}
}

// A watcher lowers its budget once it has caught up (watchBudget): the
// limit follows at once, and Stop restores the limit from before.
func TestSoftMemoryLimitSetBudget(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	l := softMemoryLimit(memBudget)
	if got := debug.SetMemoryLimit(-1); got > memBudget || got <= watchBudget {
		t.Errorf("limit within memBudget %d (a small live heap: above watchBudget)", got)
	}
	l.SetBudget(watchBudget)
	if got := debug.SetMemoryLimit(-1); got > watchBudget {
		t.Errorf("limit after SetBudget(watchBudget) %d, want at most %d", got, watchBudget)
	}
	if got := memLimitFor(watchBudget, 200<<20, 100<<20); got != 300<<20 {
		t.Errorf("watchBudget, a 200 MiB live heap: limit %d, want 1.5 times the live heap", got)
	}
	l.Stop()
	l.SetBudget(memBudget) // stopped: no effect
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after Stop %d, want %d", got, before)
	}
}
