package cli

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// cleanIndexed returns a copy of the test's own of the indexed fixture
// (indexedRepo) with its export (sorted lines) and a search's output.
func cleanIndexed(t *testing.T) (repo string, export []string, search string) {
	t.Helper()
	repo = indexedRepo(t)
	db := filepath.Join(repo, ".codegraph")
	export = exportLines(t, db)
	search = mustRun(t, "search", "parse config", "--db", db)
	if len(export) == 0 || search == "" {
		t.Fatal("the clean index exports or finds nothing")
	}
	return repo, export, search
}

func exportLines(t *testing.T, db string) []string {
	t.Helper()
	out, errs, code := run(t, "export", "--format", "ndjson", "--db", db)
	if code != 0 {
		t.Fatalf("export: exit %d: %s", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	slices.Sort(lines)
	return lines
}

func one(t *testing.T, pattern string) string {
	t.Helper()
	m, _ := filepath.Glob(pattern)
	if len(m) == 0 {
		t.Fatalf("no file matches %s", pattern)
	}
	// The largest (the table holding the data, when several).
	slices.SortFunc(m, func(a, b string) int {
		fa, _ := os.Stat(a)
		fb, _ := os.Stat(b)
		return int(fb.Size() - fa.Size())
	})
	return m[0]
}

func flipAt(t *testing.T, path string, frac float64) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	i := int(float64(len(b)) * frac)
	for j := i; j < i+32 && j < len(b); j++ {
		b[j] ^= 0xff
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

func truncHalf(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(path, fi.Size()/2); err != nil {
		t.Fatal(err)
	}
}

// TestCorruptIndexRebuild damages each kind of index file of a real index
// (the store's tables, manifest and markers; the lexical, trigram, vector
// and model files) and checks that the command reading it fails with an
// error naming the file and `codegraph index --rebuild` (never a panic,
// which would kill this test binary), that status reports it, and that
// `index --rebuild` restores an index whose export and search equal a
// clean one's.
func TestCorruptIndexRebuild(t *testing.T) {
	clean, cleanExport, cleanSearch := cleanIndexed(t)
	cases := []struct {
		name   string
		damage func(t *testing.T, db string) (file string)
		read   []string // the command that must fail (--db appended)
	}{
		{"store: flipped block", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "*.sst"))
			flipAt(t, p, 0.3)
			return filepath.Base(p)
		}, []string{"export", "--format", "ndjson"}},
		{"store: truncated table", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "*.sst"))
			truncHalf(t, p)
			return filepath.Base(p)
		}, []string{"export", "--format", "ndjson"}},
		{"store: deleted MANIFEST", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "MANIFEST-*"))
			os.Remove(p)
			return filepath.Base(p)
		}, []string{"export", "--format", "ndjson"}},
		{"store: deleted markers", func(t *testing.T, db string) string {
			m, _ := filepath.Glob(filepath.Join(db, "marker.*"))
			for _, p := range m {
				os.Remove(p)
			}
			return "marker.manifest"
		}, []string{"export", "--format", "ndjson"}},
		{"lexical: flipped byte", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "search", "lexical", "base-*.lex"))
			flipAt(t, p, 0.5)
			return filepath.Base(p)
		}, []string{"search", "parse config", "--mode", "lexical"}},
		{"lexical: truncated", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "search", "lexical", "base-*.lex"))
			truncHalf(t, p)
			return filepath.Base(p)
		}, []string{"search", "parse config"}},
		{"grep: flipped byte", func(t *testing.T, db string) string {
			p := one(t, filepath.Join(db, "search", "grep", "base-*.seg"))
			flipAt(t, p, 0.5)
			return filepath.Base(p)
		}, []string{"search", "config", "--mode", "exact"}},
		{"grep: deleted MANIFEST", func(t *testing.T, db string) string {
			os.Remove(filepath.Join(db, "search", "grep", "MANIFEST"))
			return filepath.Join("grep", "MANIFEST")
		}, []string{"search", "config", "--mode", "regex"}},
		{"vectors: truncated", func(t *testing.T, db string) string {
			p := filepath.Join(db, "search", "vectors.cgv")
			truncHalf(t, p)
			return filepath.Base(p)
		}, []string{"search", "parse config", "--mode", "semantic"}},
		{"vectors: flipped byte", func(t *testing.T, db string) string {
			p := filepath.Join(db, "search", "vectors.cgv")
			flipAt(t, p, 0.5)
			return filepath.Base(p)
		}, []string{"search", "parse config", "--mode", "semantic"}},
		{"vectors: deleted", func(t *testing.T, db string) string {
			os.Remove(filepath.Join(db, "search", "vectors.cgv"))
			return "vectors.cgv"
		}, []string{"search", "parse config", "--mode", "semantic"}},
		{"model: truncated", func(t *testing.T, db string) string {
			p := filepath.Join(db, "search", "model.bin")
			truncHalf(t, p)
			return filepath.Base(p)
		}, []string{"search", "parse config", "--mode", "semantic"}},
		{"model: flipped byte", func(t *testing.T, db string) string {
			p := filepath.Join(db, "search", "model.bin")
			flipAt(t, p, 0.5)
			return filepath.Base(p)
		}, []string{"search", "parse config", "--mode", "semantic"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			repo := copyIndexed(t, clean)
			db := filepath.Join(repo, ".codegraph")
			file := c.damage(t, db)
			for _, args := range [][]string{c.read, {"status", "--check"}} {
				args = append(slices.Clone(args), "--db", db)
				out, errs, code := run(t, args...)
				all := out + errs
				if code == 0 {
					t.Fatalf("codegraph %s: exit 0 on a damaged index:\n%s", strings.Join(args, " "), all)
				}
				if strings.Contains(all, "goroutine ") || strings.Contains(all, "panic") {
					t.Fatalf("codegraph %s: %s", strings.Join(args, " "), all)
				}
				if !strings.Contains(all, file) || !strings.Contains(all, "codegraph index --rebuild") {
					t.Errorf("codegraph %s: output does not name %s and `codegraph index --rebuild`:\n%s", strings.Join(args, " "), file, all)
				}
			}
			if _, errs, code := run(t, "index", repo, "--rebuild", "-q", "--no-daemon"); code != 0 {
				t.Fatalf("index --rebuild: exit %d: %s", code, errs)
			}
			if got := exportLines(t, db); !slices.Equal(got, cleanExport) {
				t.Errorf("export after --rebuild differs from a clean index's (%d vs %d lines)", len(got), len(cleanExport))
			}
			if got, errs, code := run(t, "search", "parse config", "--db", db); code != 0 || got != cleanSearch {
				t.Errorf("search after --rebuild (exit %d, %s):\n%s\nwant:\n%s", code, errs, got, cleanSearch)
			}
			if out, errs, code := run(t, "status", "--db", db); code != 0 || strings.Contains(out, "damaged") {
				t.Errorf("status after --rebuild: exit %d:\n%s%s", code, out, errs)
			}
		})
	}
}

// TestIndexRepairsSearch checks that a plain `index` and `index --force`
// (not only --rebuild) rebuild a truncated vector index or model: they
// used to keep them, and semantic search kept failing.
func TestIndexRepairsSearch(t *testing.T) {
	clean, _, _ := cleanIndexed(t)
	want := mustRun(t, "search", "parse config", "--mode", "semantic", "--db", filepath.Join(clean, ".codegraph"))
	for _, file := range []string{"vectors.cgv", "model.bin"} {
		for _, flags := range [][]string{nil, {"--force"}} {
			repo := copyIndexed(t, clean)
			db := filepath.Join(repo, ".codegraph")
			truncHalf(t, filepath.Join(db, "search", file))
			args := append([]string{"index", repo, "-q", "--no-daemon"}, flags...)
			mustRun(t, args...)
			if got, errs, code := run(t, "search", "parse config", "--mode", "semantic", "--db", db); code != 0 || got != want {
				t.Errorf("%s truncated, index %v: search exit %d %s:\n%s\nwant:\n%s", file, flags, code, errs, got, want)
			}
		}
	}
}
