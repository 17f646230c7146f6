package walk

import (
	"context"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"
)

// gorootSrc returns the Go standard library source tree, or skips.
func gorootSrc(tb testing.TB) string {
	tb.Helper()
	if testing.Short() {
		tb.Skip("walks the Go standard library; skipped with -short")
	}
	src := filepath.Join(runtime.GOROOT(), "src")
	if runtime.GOROOT() == "" {
		tb.Skip("GOROOT unknown")
	}
	return src
}

func TestWalkGoroot(t *testing.T) {
	src := gorootSrc(t)
	var paths []string
	start := time.Now()
	st, err := Walk(context.Background(), Options{Root: src}, func(f File) error {
		paths = append(paths, f.Path)
		return nil
	})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d files, %d dirs, skipped %v in %v", st.Files, st.Dirs, st.Skipped, elapsed)
	for _, want := range []string{"net/http/server.go", "runtime/proc.go", "fmt/print.go"} {
		if _, found := slices.BinarySearch(paths, want); !found {
			t.Errorf("%s not yielded", want)
		}
	}
	if !slices.IsSorted(paths) {
		t.Error("paths not in lexical order")
	}
	if st.Files != len(paths) {
		t.Errorf("Stats.Files = %d, yielded %d", st.Files, len(paths))
	}
	// Generous bound so a loaded CI machine passes; the benchmark gives the real figure.
	if elapsed > 5*time.Second {
		t.Errorf("walking GOROOT/src took %v, want well under a second", elapsed)
	}

	// The default ignores drop vendor/ but keep go/build and cmd/dist:
	// "build" and "dist" are build outputs only beside a build manifest.
	for _, p := range []string{"vendor/golang.org/x/net/idna/idna10.0.0.go"} {
		if _, found := slices.BinarySearch(paths, p); found {
			t.Errorf("%s yielded despite the default ignores", p)
		}
	}
	for _, p := range []string{"go/build/build.go", "cmd/dist/main.go"} {
		if _, found := slices.BinarySearch(paths, p); !found {
			t.Errorf("%s not yielded: a source package named like a build directory", p)
		}
	}
	var all []string
	if _, err := Walk(context.Background(), Options{Root: src, NoDefaultIgnores: true}, func(f File) error {
		all = append(all, f.Path)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"go/build/build.go", "cmd/dist/main.go", "net/http/server.go"} {
		if _, found := slices.BinarySearch(all, p); !found {
			t.Errorf("%s not yielded with NoDefaultIgnores", p)
		}
	}
}

func BenchmarkWalkGoroot(b *testing.B) {
	src := gorootSrc(b)
	files := 0
	cpu0 := cpuTime()
	for b.Loop() {
		st, err := Walk(context.Background(), Options{Root: src}, func(File) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		files = st.Files
	}
	b.ReportMetric(float64(files), "files/op")
	// Process CPU time (user + system) per walk is steadier than wall time
	// on a shared machine.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}
