package store

import (
	"bytes"
	"context"
	"fmt"
	"runtime/pprof"
	"strings"
	"testing"
)

// TestIdleStoreHasNoTicker checks that an open store runs no periodic
// goroutine (Pebble's default compaction scheduler wakes every 100 ms,
// which kept an idle watcher from ever being idle), and that compactions,
// automatic and manual, still run through the scheduler that replaces it.
func TestIdleStoreHasNoTicker(t *testing.T) {
	s := openTest(t, Options{})
	var buf bytes.Buffer
	if err := pprof.Lookup("goroutine").WriteTo(&buf, 1); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(buf.String(), "periodicGranter") {
		t.Fatalf("an open store runs Pebble's periodic compaction granter:\n%s", buf.String())
	}
	for i := range 8 {
		meta, nodes, edges := genFile(fmt.Sprintf("pkg%d/f.go", i), 1, 50)
		replace(t, s, meta, nodes, edges)
		if err := s.Flush(); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	m := s.db.Metrics()
	if n := m.Levels[0].TablesCount; n != 0 {
		t.Errorf("after Compact, %d L0 tables remain", n)
	}
	if m.Compact.Count == 0 {
		t.Error("no compaction ran")
	}
}
