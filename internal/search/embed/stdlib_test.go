package embed

import (
	"context"
	"encoding/gob"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// TestStdlibScale fits the model on the Go standard library and reports fit
// time, embedding throughput, the cost of re-embedding one file and the
// model's size. It runs only with EMBED_STDLIB=1 (parsing the tree takes a
// while on a shared machine):
//
//	EMBED_STDLIB=1 go test ./internal/search/embed -run TestStdlibScale -v
func TestStdlibScale(t *testing.T) {
	if os.Getenv("EMBED_STDLIB") == "" || testing.Short() {
		t.Skip("set EMBED_STDLIB=1 to run")
	}
	ctx := context.Background()
	root := filepath.Join(runtime.GOROOT(), "src")
	t0 := time.Now()
	syms := cachedCorpus(t, root, os.Getenv("EMBED_CORPUS_CACHE"))
	t.Logf("parsed %d symbols in %v", len(syms), time.Since(t0).Round(time.Millisecond))
	docs := make([]Doc, len(syms))
	byFile := map[string][]Doc{}
	for i, s := range syms {
		docs[i] = s.Doc
		byFile[s.File] = append(byFile[s.File], s.Doc)
	}
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before := ms.TotalAlloc
	t0 = time.Now()
	cpu0 := cpuTime()
	f := NewFitter(Options{})
	for _, d := range docs {
		f.Add(d)
	}
	add := time.Since(t0)
	m, err := f.Fit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fit := time.Since(t0)
	fitCPU := cpuTime() - cpu0
	runtime.ReadMemStats(&ms)
	t.Logf("fit: %v wall, %v CPU (adding %v), vocabulary %d, %.0f MiB allocated", fit.Round(time.Millisecond), fitCPU.Round(time.Millisecond), add.Round(time.Millisecond), m.VocabSize(), float64(ms.TotalAlloc-before)/(1<<20))
	t0 = time.Now()
	cpu0 = cpuTime()
	vecs, err := m.EmbedDocs(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	d := time.Since(t0)
	t.Logf("embed all: %d symbols in %v wall, %v CPU (%.0f symbols/s wall)", len(vecs), d.Round(time.Millisecond), (cpuTime() - cpu0).Round(time.Millisecond), float64(len(vecs))/d.Seconds())
	one := byFile["net/http/server.go"]
	t0 = time.Now()
	const reps = 20
	for range reps {
		if _, err := m.EmbedDocs(ctx, one); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("embed one file (net/http/server.go, %d symbols): %v", len(one), (time.Since(t0) / reps).Round(time.Microsecond))
	t0 = time.Now()
	for range reps {
		m.Embed(ctx, []string{"returns the HTTP request as represented in the current environment"})
	}
	t.Logf("embed one query: %v", (time.Since(t0) / reps).Round(time.Microsecond))
	path := filepath.Join(t.TempDir(), "model.bin")
	t0 = time.Now()
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	save := time.Since(t0)
	st, _ := os.Stat(path)
	t0 = time.Now()
	if _, err := Load(path); err != nil {
		t.Fatal(err)
	}
	t.Logf("model file %.1f MiB, save %v, load %v", float64(st.Size())/(1<<20), save.Round(time.Millisecond), time.Since(t0).Round(time.Millisecond))
}

// cachedCorpus is loadCorpus, kept in a gob file at cache (when set) so that
// repeated runs skip parsing.
func cachedCorpus(t *testing.T, root, cache string) []symbol {
	var syms []symbol
	if cache != "" {
		if f, err := os.Open(cache); err == nil {
			defer f.Close()
			if err := gob.NewDecoder(f).Decode(&syms); err == nil {
				return syms
			}
		}
	}
	syms = loadCorpus(t, root)
	if cache != "" {
		if f, err := os.Create(cache); err == nil {
			gob.NewEncoder(f).Encode(syms)
			f.Close()
		}
	}
	return syms
}

// cpuTime is the CPU time (user+system) the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
