package cli

import (
	"runtime/debug"
	"testing"
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
