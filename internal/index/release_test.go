package index

import (
	"context"
	"runtime/metrics"
	"testing"
	"time"
)

// forcedGCs is the number of collections forced so far (runtime.GC,
// debug.FreeOSMemory).
func forcedGCs() uint64 {
	s := []metrics.Sample{{Name: "/gc/cycles/forced:gc-cycles"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// A long-lived Updater returns the memory its runs freed to the operating
// system once it is idle, so that a watcher does not hold a run's garbage
// for minutes; a one-shot Run does not bother.
func TestUpdaterReleasesMemoryWhenIdle(t *testing.T) {
	saved := releaseIdle
	releaseIdle = 20 * time.Millisecond
	t.Cleanup(func() { releaseIdle = saved })
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() {}\n")
	u := newUpdater(t, root)
	ctx := context.Background()
	if _, err := u.Full(ctx, false); err != nil {
		t.Fatal(err)
	}
	before := forcedGCs()
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n\nfunc B() {}\n")
	if _, err := u.Update(ctx, []string{"a.go"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for forcedGCs() == before {
		if time.Now().After(deadline) {
			t.Fatal("no memory released within 5 s of the update")
		}
		time.Sleep(5 * time.Millisecond)
	}

	// Closed: the pending release does nothing.
	if _, err := u.Update(ctx, []string{"a.go"}); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
	after := forcedGCs()
	time.Sleep(100 * time.Millisecond)
	if forcedGCs() != after {
		t.Error("a closed Updater released memory")
	}
}

// A long-lived Updater empties the store's block cache once idle for
// cacheIdle, and its next update reads what it needs again.
func TestUpdaterDropsCacheWhenIdle(t *testing.T) {
	saved := cacheIdle
	cacheIdle = 20 * time.Millisecond
	t.Cleanup(func() { cacheIdle = saved })
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B() }\n")
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")
	u := newUpdater(t, root)
	ctx := context.Background()
	if _, err := u.Full(ctx, false); err != nil {
		t.Fatal(err)
	}
	if err := u.st.Flush(); err != nil {
		t.Fatal(err)
	}
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B(); B() }\n")
	if _, err := u.Update(ctx, []string{"a.go"}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for u.st.EngineMetrics().BlockCacheBytes != 0 {
		if time.Now().After(deadline) {
			t.Fatalf("block cache still %d bytes 5 s after the update", u.st.EngineMetrics().BlockCacheBytes)
		}
		time.Sleep(5 * time.Millisecond)
	}
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n\nfunc C() {}\n")
	if _, err := u.Update(ctx, []string{"b.go"}); err != nil {
		t.Fatal(err)
	}
	if err := u.Close(); err != nil {
		t.Fatal(err)
	}
}
