package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestCheck damages each kind of file of a real index (a store table in
// its data and in its last blocks, which a scan of the keys does not read;
// each kind of search index file) and marks the last run incomplete:
// `codegraph check` exits 1 naming the file or the problem and how to
// recover, and 0 on the clean index.
func TestCheck(t *testing.T) {
	clean, _, _ := cleanIndexed(t)
	// One small update, so that the search indexes have delta files too.
	f := filepath.Join(clean, "pkg", "store", "store.go")
	if _, err := os.Stat(f); err != nil {
		t.Fatal(err)
	}
	appendFile(t, f, "\nfunc CheckAdded() int { return 1 }\n")
	mustRun(t, "index", clean, "-q", "--no-daemon")
	db := filepath.Join(clean, ".codegraph")
	out, errs, code := run(t, "check", "--db", db)
	if code != 0 || !strings.Contains(out, "no problems found") {
		t.Fatalf("check of a clean index: exit %d:\n%s%s", code, out, errs)
	}
	var rep struct {
		Nodes    int   `json:"nodes"`
		Problems []any `json:"problems"`
	}
	out = mustRun(t, "check", "--db", db, "--json")
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Nodes == 0 || rep.Problems == nil || len(rep.Problems) != 0 {
		t.Fatalf("check --json: %v\n%s", err, out)
	}

	flip := func(glob string, frac float64) func(t *testing.T, db string) string {
		return func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, glob))
			flipOne(t, p, frac)
			return filepath.Base(p)
		}
	}
	cases := []struct {
		name   string
		damage func(t *testing.T, db string) (want string)
		fix    string
	}{
		{"store table, data block", flip("*.sst", 0.3), "codegraph index --rebuild"},
		{"store table, last blocks", flip("*.sst", 0.97), "codegraph index --rebuild"},
		{"lexical base", flip("search/lexical/base-*.lex", 0.5), "codegraph index --rebuild"},
		{"lexical delta", flip("search/lexical/delta*.lex", 0.5), "codegraph index --rebuild"},
		{"grep base", flip("search/grep/base-*.seg", 0.5), "codegraph index --rebuild"},
		{"grep delta", flip("search/grep/delta-*.seg", 0.5), "codegraph index --rebuild"},
		{"vectors", flip("search/vectors.cgv", 0.5), "codegraph index --rebuild"},
		{"model", flip("search/model.bin", 0.5), "codegraph index --rebuild"},
		{"run marker incomplete", func(t *testing.T, db string) string {
			st, err := store.Open(db, store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			b := st.NewBatch()
			defer b.Close()
			if err := b.SetMeta(index.MetaRun, []byte(`{"gen":7,"complete":false}`)); err != nil {
				t.Fatal(err)
			}
			if err := b.Commit(true); err != nil {
				t.Fatal(err)
			}
			return "did not finish"
		}, "codegraph index` to complete"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := copyIndexed(t, clean)
			db := filepath.Join(repo, ".codegraph")
			want := c.damage(t, db)
			out, errs, code := run(t, "check", "--db", db)
			all := out + errs
			if code != 1 {
				t.Fatalf("check: exit %d, want 1:\n%s", code, all)
			}
			if !strings.Contains(all, want) || !strings.Contains(all, c.fix) {
				t.Errorf("check does not name %q and %q:\n%s", want, c.fix, all)
			}
			// --json words the remedy as the text does, and names it.
			out, _, _ = run(t, "check", "--db", db, "--json")
			var rep struct {
				Problems []struct {
					Fix    string `json:"fix"`
					Remedy string `json:"remedy"`
				} `json:"problems"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Problems) == 0 {
				t.Fatalf("check --json: %v\n%s", err, out)
			}
			if p := rep.Problems[0]; !strings.Contains(p.Fix, c.fix) || p.Remedy == "" {
				t.Errorf("check --json: fix %q (want %q), remedy %q", p.Fix, c.fix, p.Remedy)
			}
		})
	}
	if _, errs, code := run(t, "check", "--db", filepath.Join(t.TempDir(), "none")); code != 2 {
		t.Errorf("check of no index: exit %d, want 2: %s", code, errs)
	}
}

func appendFile(t *testing.T, path, s string) {
	t.Helper()
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(s); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
}

// flipOne inverts the one byte at frac of the file at path.
func flipOne(t *testing.T, path string, frac float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	b[int(float64(len(b))*frac)] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
