package cli

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
)

func TestMemLimitFor(t *testing.T) {
	for _, c := range []struct{ live, want int64 }{
		{0, memLimitFloor},
		{100 << 20, memLimitFloor},
		{memLimitFloor / 2, memLimitFloor},
		{1 << 30, 3 << 29},
		{4 << 30, 6 << 30},
	} {
		if got := memLimitFor(c.live); got != c.want {
			t.Errorf("memLimitFor(%d) = %d, want %d", c.live, got, c.want)
		}
	}
}

func TestSoftMemoryLimit(t *testing.T) {
	t.Setenv("GOMEMLIMIT", "")
	before := debug.SetMemoryLimit(-1)
	stop := softMemoryLimit()
	if got := debug.SetMemoryLimit(-1); got < memLimitFloor || got == before {
		t.Errorf("limit while running %d (before %d)", got, before)
	}
	stop()
	if got := debug.SetMemoryLimit(-1); got != before {
		t.Errorf("limit after stop %d, want %d", got, before)
	}
	t.Setenv("GOMEMLIMIT", "4GiB")
	stop = softMemoryLimit()
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
	stop := softMemoryLimit()
	for range 3 {
		debug.SetMemoryLimit(before) // undone by the next collection
		runtime.GC()
		deadline := time.Now().Add(5 * time.Second)
		for debug.SetMemoryLimit(-1) == before && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if got := debug.SetMemoryLimit(-1); got < memLimitFloor || got == before {
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
