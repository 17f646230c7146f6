package resolve

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestResolveCost runs a full resolution pass over a copy of an existing
// index ($RESOLVE_COST_INDEX; skipped when unset) and logs what it
// resolved and the CPU time it took: on an index whose calls are already
// bound, that is the cost of the edges still unresolved (references, say).
func TestResolveCost(t *testing.T) {
	src := os.Getenv("RESOLVE_COST_INDEX")
	if src == "" {
		t.Skip("RESOLVE_COST_INDEX is not set")
	}
	for _, kinds := range [][]graph.EdgeKind{Kinds[:4], Kinds} {
		saved := Kinds
		Kinds = kinds
		resolveCost(t, src)
		Kinds = saved
	}
}

func resolveCost(t *testing.T, src string) {
	dir := filepath.Join(t.TempDir(), "idx")
	if out, err := exec.Command("cp", "-r", src, dir).CombinedOutput(); err != nil {
		t.Fatalf("copy: %v %s", err, out)
	}
	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	c0 := cpu()
	stats, err := Run(context.Background(), st, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("kinds %v: %+v wall %v cpu %v", Kinds, stats, stats.Duration, cpu()-c0)
	c0 = cpu()
	start := time.Now()
	if err := st.Flush(); err != nil {
		t.Fatal(err)
	}
	t.Logf("flush wall %v cpu %v", time.Since(start), cpu()-c0)
}
