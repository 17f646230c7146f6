// Command grepbench measures internal/search/grep on a source tree against
// ripgrep: index build time and size, then per query the p50/p90 latency of
// an indexed search (index open, warm page cache) and of `rg` on the same
// files, and whether both find the same number of matching lines. It is
// run by bench/grep.sh; the figures go to BENCHMARKS.md.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/codegraph-dev/codegraph/internal/search/grep"
)

type benchQuery struct {
	label   string
	pattern string
	mode    grep.Mode
	ic      bool
}

var queries = []benchQuery{
	{"rare identifier", "maxBacktrackVector", grep.Exact, false},
	{"rare identifier", "sigprofCallersUse", grep.Exact, false},
	{"rare identifier", "errNoFallocate", grep.Exact, false},
	{"identifier", "ErrUnexpectedEOF", grep.Exact, false},
	{"qualified name", "context.Context", grep.Exact, false},
	{"common word", "TODO", grep.Exact, false},
	{"common phrase", "return nil", grep.Exact, false},
	{"very common", "func (", grep.Exact, false},
	{"common, -i", "content-type", grep.Exact, true},
	{"identifier, -i", "unmarshaljson", grep.Exact, true},
	{"regex, literal parts", `func \(\w+ \*?Reader\) Read\w*\(`, grep.Regex, false},
	{"regex, alternation", `(Marshal|Unmarshal)JSON\(`, grep.Regex, false},
	{"regex, alternation", `sync\.(Mutex|RWMutex)\b`, grep.Regex, false},
	{"regex, literal suffix", `[A-Z][a-z]+Error\b`, grep.Regex, false},
	{"regex, anchored", `^import \($`, grep.Regex, false},
	{"regex, word", `\bgoto\b`, grep.Regex, false},
	{"regex, -i", `(?i)deprecated:`, grep.Regex, false},
	{"regex, class only", `0x[0-9a-f]{16}`, grep.Regex, false},
	{"regex, no literal", `\d{4}-\d{2}-\d{2}`, grep.Regex, false},
	{"regex, no literal", `\w+_test\.go`, grep.Regex, false},
	{"regex, no trigram (full scan)", `[ \t]+$`, grep.Regex, false},
}

func main() {
	root := flag.String("root", "", "source tree (default $(go env GOROOT)/src)")
	dir := flag.String("index", "/tmp/codegraph-bench/grep-index", "index directory")
	runs := flag.Int("runs", 10, "timed runs per query and tool")
	memory := flag.Bool("memory", true, "also time verification against contents held in memory")
	flag.Parse()
	if *root == "" {
		out, err := exec.Command("go", "env", "GOROOT").Output()
		check(err)
		*root = filepath.Join(strings.TrimSpace(string(out)), "src")
	}
	ctx := context.Background()

	// The file list rg searches.
	cmd := exec.Command("rg", "--files")
	cmd.Dir = *root
	out, err := cmd.Output()
	check(err)
	paths := strings.Split(strings.TrimSpace(string(out)), "\n")
	slices.Sort(paths)

	// Build: read every file (the indexer already does), skip binary ones
	// (a NUL byte; rg skips those too), index the rest.
	indexed := map[string]bool{}
	var total int64
	readStart := time.Now()
	var binary, textPaths []string
	for _, p := range paths {
		data, err := os.ReadFile(filepath.Join(*root, filepath.FromSlash(p)))
		check(err)
		if bytes.IndexByte(data, 0) >= 0 {
			binary = append(binary, p)
			continue
		}
		indexed[p] = true
		textPaths = append(textPaths, p)
		total += int64(len(data))
	}
	readTime := time.Since(readStart)
	os.RemoveAll(*dir)
	var ms runtime.MemStats
	runtime.GC()
	buildStart := time.Now()
	b := grep.NewBuilder()
	// Feed it from GOMAXPROCS goroutines, as the indexer's workers would.
	work := make(chan string)
	done := make(chan struct{})
	for range runtime.GOMAXPROCS(0) {
		go func() {
			for p := range work {
				data, err := os.ReadFile(filepath.Join(*root, filepath.FromSlash(p)))
				check(err)
				check(b.Add(p, data))
			}
			done <- struct{}{}
		}()
	}
	for _, p := range textPaths {
		work <- p
	}
	close(work)
	for range runtime.GOMAXPROCS(0) {
		<-done
	}
	addTime := time.Since(buildStart)
	ix, err := b.Write(ctx, *dir, grep.Options{})
	check(err)
	buildTime := time.Since(buildStart)
	runtime.ReadMemStats(&ms)
	size := ix.Size()
	check(ix.Close())
	openStart := time.Now()
	ix, err = grep.Open(*dir, grep.Options{})
	check(err)
	openTime := time.Since(openStart)
	defer ix.Close()

	fmt.Printf("machine: %d cores (GOMAXPROCS %d), %s\n", runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Printf("corpus: %s: %d files from `rg --files` (%d binary skipped), %.1f MB indexed\n", *root, len(paths), len(binary), float64(total)/1e6)
	fmt.Printf("build: %.2f s (read + trigram sets %.2f s on %d goroutines, invert + write %.2f s); reading alone, one goroutine: %.2f s; heap in use after %d MiB\n",
		buildTime.Seconds(), addTime.Seconds(), runtime.GOMAXPROCS(0), (buildTime - addTime).Seconds(), readTime.Seconds(), ms.HeapInuse>>20)
	fmt.Printf("index: %.1f MB (%.0f%% of the content), %d trigrams; open (mmap + checksums) %.1f ms\n",
		float64(size.BaseBytes)/1e6, 100*float64(size.BaseBytes)/float64(total), size.Trigrams, float64(openTime.Microseconds())/1000)

	// One-file update.
	up := make([]time.Duration, 0, 15)
	target := "net/http/server.go"
	if !indexed[target] {
		target = textPaths[0]
	}
	original, err := os.ReadFile(filepath.Join(*root, filepath.FromSlash(target)))
	check(err)
	for i := range 15 {
		content := append(slices.Clone(original), fmt.Sprintf("// touched %d\n", i)...)
		t0 := time.Now()
		check(ix.Update(ctx, []grep.Change{{Path: target, Content: content}}))
		up = append(up, time.Since(t0))
	}
	t0 := time.Now()
	check(ix.Compact(ctx))
	compactTime := time.Since(t0)
	check(ix.Update(ctx, []grep.Change{{Path: target, Content: original}}))
	check(ix.Compact(ctx))
	fmt.Printf("one-file update (%s, delta + manifest, fsync'd): p50 %.1f ms p90 %.1f ms; merge delta into base: %.2f s\n\n",
		target, ms2(pct(up, 50)), ms2(pct(up, 90)), compactTime.Seconds())

	type row struct {
		res                 *grep.Result
		times, rgTimes, mem []time.Duration
		limited             []time.Duration
		rgLines             int
	}
	rows := make([]row, len(queries))
	for qi, bq := range queries {
		q := grep.Query{Pattern: bq.pattern, Mode: bq.mode, IgnoreCase: bq.ic}
		args := []string{"-c", "--no-messages"}
		if bq.mode == grep.Exact {
			args = append(args, "-F")
		}
		if bq.ic {
			args = append(args, "-i")
		}
		args = append(args, "-e", bq.pattern)
		// Runs alternate between the tools so that both see the same load
		// on a shared machine; the first round only warms the caches.
		r := &rows[qi]
		var rgOut []byte
		for i := range *runs + 1 {
			t0 := time.Now()
			r.res, err = ix.Search(ctx, *root, q)
			check(err)
			d := time.Since(t0)
			cmd := exec.Command("rg", args...)
			cmd.Dir = *root
			t0 = time.Now()
			rgOut, err = cmd.Output()
			rd := time.Since(t0)
			if err != nil && len(rgOut) > 0 {
				check(err)
			}
			ql := q
			ql.Limit = 100 // what an interactive front end asks for
			t0 = time.Now()
			_, err = ix.Search(ctx, *root, ql)
			check(err)
			ld := time.Since(t0)
			if i > 0 {
				r.times, r.rgTimes, r.limited = append(r.times, d), append(r.rgTimes, rd), append(r.limited, ld)
			}
		}
		sc := bufio.NewScanner(bytes.NewReader(rgOut))
		for sc.Scan() {
			line := sc.Text()
			i := strings.LastIndexByte(line, ':')
			n, err := strconv.Atoi(line[i+1:])
			check(err)
			if indexed[line[:i]] {
				r.rgLines += n
			}
		}
	}

	// Contents held in memory stand for contents stored in the index
	// (zoekt's design). They are loaded only now, so that the searches
	// above ran with a small heap, as a CLI process has.
	if *memory {
		contents := map[string][]byte{}
		for _, p := range textPaths {
			data, err := os.ReadFile(filepath.Join(*root, filepath.FromSlash(p)))
			check(err)
			contents[p] = data
		}
		readMem := func(p string, buf []byte) ([]byte, error) {
			if c, ok := contents[p]; ok {
				return c, nil
			}
			return nil, fs.ErrNotExist
		}
		for qi, bq := range queries {
			q := grep.Query{Pattern: bq.pattern, Mode: bq.mode, IgnoreCase: bq.ic, Read: readMem}
			for i := range *runs + 1 {
				t0 := time.Now()
				_, err := ix.Search(ctx, *root, q)
				check(err)
				if i > 0 {
					rows[qi].mem = append(rows[qi].mem, time.Since(t0))
				}
			}
		}
	}

	fmt.Printf("| query | pattern | lines (ours / rg) | candidates / files | ours p50 | ours p90 | rg p50 | rg p90 | rg/ours (p50) | ours, limit 100, p50 |")
	if *memory {
		fmt.Printf(" ours, contents in memory, p50 |")
	}
	fmt.Println()
	fmt.Printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |")
	if *memory {
		fmt.Printf(" --- |")
	}
	fmt.Println()
	var sumOurs, sumRg, sumMem float64
	mismatches := 0
	for qi, bq := range queries {
		r := rows[qi]
		agree := "="
		if r.rgLines != len(r.res.Matches) {
			agree = "≠"
			mismatches++
		}
		st := r.res.Stats
		cands := fmt.Sprintf("%d / %d", st.Candidates, st.Files)
		if st.FullScan {
			cands += " (full scan)"
		}
		o50, r50 := pct(r.times, 50), pct(r.rgTimes, 50)
		sumOurs += ms2(o50)
		sumRg += ms2(r50)
		fmt.Printf("| %s | `%s`%s | %d %s %d | %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f× | %.1f ms |",
			bq.label, strings.ReplaceAll(bq.pattern, "|", `\|`), map[bool]string{true: " -i"}[bq.ic],
			len(r.res.Matches), agree, r.rgLines, cands, ms2(o50), ms2(pct(r.times, 90)), ms2(r50), ms2(pct(r.rgTimes, 90)), ms2(r50)/ms2(o50), ms2(pct(r.limited, 50)))
		if *memory {
			m50 := pct(r.mem, 50)
			sumMem += ms2(m50)
			fmt.Printf(" %.1f ms |", ms2(m50))
		}
		fmt.Println()
	}
	fmt.Printf("\nsum of p50s: ours %.1f ms, rg %.1f ms, ours with contents in memory %.1f ms; line counts disagree on %d of %d queries\n",
		sumOurs, sumRg, sumMem, mismatches, len(queries))
}

func pct(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)]
}

func ms2(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, "grepbench:", err)
		os.Exit(1)
	}
}
