package grep

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func search(t testing.TB, ix *Index, root string, q Query) *Result {
	t.Helper()
	res, err := ix.Search(context.Background(), root, q)
	if err != nil {
		t.Fatalf("Search(%q, %v, ic=%v): %v", q.Pattern, q.Mode, q.IgnoreCase, err)
	}
	return res
}

var small = corpus{
	"main.go":           "package main\n\nfunc main() {\n\thandleUserAuth(nil)\n}\n",
	"auth/auth.go":      "package auth\n\n// HandleUserAuth logs a user in.\nfunc handleUserAuth(r *Request) error {\n\treturn nil\n}\n",
	"auth/auth_test.go": "package auth\n\nfunc TestAuth(t *testing.T) { handleUserAuth(nil) }",
	"README.md":         "# Demo\nCall handleuserauth to log in.\n",
	"web/app.js":        "function HANDLEUSERAUTH() { return 42 }\n",
}

func TestSearchBasics(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	root := writeCorpus(t, small)
	for _, c := range []struct {
		name    string
		q       Query
		want    []string // path:line:col
		full    bool
		maxCand int
	}{
		{"exact", Query{Pattern: "handleUserAuth"}, []string{"auth/auth.go:4:6", "auth/auth_test.go:3:31", "main.go:4:2"}, false, 5},
		{"exact ignore case", Query{Pattern: "handleuserauth", IgnoreCase: true},
			[]string{"README.md:2:6", "auth/auth.go:3:4", "auth/auth.go:4:6", "auth/auth_test.go:3:31", "main.go:4:2", "web/app.js:1:10"}, false, 5},
		{"rare", Query{Pattern: "TestAuth"}, []string{"auth/auth_test.go:3:6"}, false, 1},
		{"regex", Query{Pattern: `func \w+\(`, Mode: Regex}, []string{"auth/auth.go:4:1", "auth/auth_test.go:3:1", "main.go:3:1"}, false, 3},
		{"regex anchors", Query{Pattern: `^package \w+$`, Mode: Regex}, []string{"auth/auth.go:1:1", "auth/auth_test.go:1:1", "main.go:1:1"}, false, 3},
		{"regex no trigram", Query{Pattern: `\d+`, Mode: Regex}, []string{"web/app.js:1:36"}, true, 5},
		{"short literal", Query{Pattern: "42"}, []string{"web/app.js:1:36"}, true, 5},
		{"absent", Query{Pattern: "nothingLikeThis"}, nil, false, 0},
		{"limit", Query{Pattern: "package", Limit: 2}, []string{"auth/auth.go:1:1", "auth/auth_test.go:1:1"}, false, 3},
		{"path filter", Query{Pattern: "handleUserAuth", Filter: PathFilter("auth/**")}, []string{"auth/auth.go:4:6", "auth/auth_test.go:3:31"}, false, 5},
		{"path filter negated", Query{Pattern: "handleUserAuth", Filter: PathFilter("*.go", "!*_test.go")}, []string{"auth/auth.go:4:6", "main.go:4:2"}, false, 5},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := search(t, ix, root, c.q)
			var got []string
			for _, h := range hitsOf(res.Matches) {
				got = append(got, h.String())
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") {
				t.Errorf("got %v, want %v (plan %s)", got, c.want, res.Stats.Plan)
			}
			if res.Stats.FullScan != c.full {
				t.Errorf("FullScan = %v, want %v (plan %s)", res.Stats.FullScan, c.full, res.Stats.Plan)
			}
			if !c.full && res.Stats.Candidates > c.maxCand {
				t.Errorf("%d candidates, want at most %d: %+v", res.Stats.Candidates, c.maxCand, res.Stats)
			}
		})
	}
}

func TestSearchLangFilter(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	root := writeCorpus(t, small)
	f, err := LangFilter("javascript")
	if err != nil {
		t.Fatal(err)
	}
	res := search(t, ix, root, Query{Pattern: "handleuserauth", IgnoreCase: true, Filter: f})
	if got := hitsOf(res.Matches); len(got) != 1 || got[0].Path != "web/app.js" {
		t.Errorf("got %v", got)
	}
	if res.Stats.Filtered != 4 || res.Stats.Scanned != 1 {
		t.Errorf("stats %+v", res.Stats)
	}
	if _, err := LangFilter("cobol"); err == nil {
		t.Error("LangFilter accepted an unknown language")
	}
}

func TestSearchMatchFields(t *testing.T) {
	long := strings.Repeat("x", 1000) + "NEEDLE" + strings.Repeat("é", 300)
	c := corpus{"a.txt": "one\n  two needle\n" + long + "\nlast"}
	ix, _ := buildIndex(t, c, Options{})
	root := writeCorpus(t, c)
	res := search(t, ix, root, Query{Pattern: "needle", IgnoreCase: true, MaxLineLen: 100})
	if len(res.Matches) != 2 {
		t.Fatalf("got %+v", res.Matches)
	}
	m := res.Matches[0]
	if m.Line != 2 || m.Column != 7 || m.End != 13 || m.Text != "  two needle" {
		t.Errorf("first match %+v", m)
	}
	m = res.Matches[1]
	if m.Line != 3 || m.Column != 1001 || len(m.Text) > 100 || !strings.Contains(m.Text, "NEEDLE") ||
		!strings.HasPrefix(long[m.TextStart:], m.Text) {
		t.Errorf("long line match %+v", m)
	}
	if res.Stats.Bytes != int64(len(c["a.txt"])) || res.Stats.Scanned != 1 || res.Stats.Matched != 1 {
		t.Errorf("stats %+v", res.Stats)
	}
}

func TestSearchBadPattern(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	for _, q := range []Query{
		{Pattern: "a(b", Mode: Regex},
		{Pattern: `a\nb`, Mode: Regex},
		{Pattern: "a\nb"},
		{Pattern: "x", Mode: Mode(9)},
	} {
		if _, err := ix.Search(context.Background(), t.TempDir(), q); !errors.Is(err, ErrBadPattern) {
			t.Errorf("%q: err = %v, want ErrBadPattern", q.Pattern, err)
		}
	}
}

func TestSearchMissingAndStale(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	root := writeCorpus(t, small)
	os.Remove(filepath.Join(root, "main.go"))
	os.WriteFile(filepath.Join(root, "auth/auth.go"), []byte("handleUserAuth changed\n"), 0o644)
	res := search(t, ix, root, Query{Pattern: "handleUserAuth"})
	if got := hitsOf(res.Matches); len(got) != 2 || got[0] != (hit{"auth/auth.go", 1, 1}) {
		t.Errorf("got %v", got)
	}
	if res.Stats.Missing != 1 || res.Stats.Stale != 1 {
		t.Errorf("stats %+v", res.Stats)
	}
}

// TestSearchStaysInsideTheRoot: an indexed file that became a link out of
// the repository, or a directory swapped for one, is not read; a file
// that became a FIFO does not block the search.
func TestSearchStaysInsideTheRoot(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	root := writeCorpus(t, small)
	outside := t.TempDir()
	secret := "handleUserAuth secret outside the repository\n"
	if err := os.WriteFile(filepath.Join(outside, "secret.go"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(outside, "auth"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(outside, "auth", "auth_test.go"), []byte(secret), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(root, "main.go"))
	if err := os.Symlink(filepath.Join(outside, "secret.go"), filepath.Join(root, "main.go")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	// auth/ becomes a link to a directory outside holding auth_test.go.
	os.RemoveAll(filepath.Join(root, "auth"))
	if err := os.Symlink(filepath.Join(outside, "auth"), filepath.Join(root, "auth")); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(root, "web", "app.js"))
	if err := mkfifo(filepath.Join(root, "web", "app.js")); err != nil {
		t.Log("no FIFO:", err)
	}
	done := make(chan *Result, 1)
	go func() { done <- search(t, ix, root, Query{Pattern: "handleUserAuth", IgnoreCase: true}) }()
	var res *Result
	select {
	case res = <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("the search blocked (a FIFO opened for reading?)")
	}
	for _, m := range res.Matches {
		if strings.Contains(m.Text, "outside") {
			t.Errorf("read through a link out of the root: %+v", m)
		}
	}
	if got := hitsOf(res.Matches); len(got) != 1 || got[0].Path != "README.md" {
		t.Errorf("got %v, want README.md alone", got)
	}
}

func TestSearchCancel(t *testing.T) {
	ix, _ := buildIndex(t, small, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := ix.Search(ctx, writeCorpus(t, small), Query{Pattern: "package"}); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// TestSearchAgainstBruteForce is the property test: on random corpora,
// random literals and regular expressions find exactly the lines a
// line-by-line scan finds, with and without case folding, in both modes and
// with a limit.
func TestSearchAgainstBruteForce(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	iters := 600
	if testing.Short() {
		iters = 150
	}
	for round := range 3 {
		c := randomCorpus(r, 40)
		ix, _ := buildIndex(t, c, Options{})
		root := writeCorpus(t, c)
		for i := range iters {
			q := Query{Mode: Regex, IgnoreCase: r.IntN(4) == 0}
			if i%3 == 0 {
				q.Mode = Exact
				text := randomText(r, 1+r.IntN(6))
				q.Pattern = strings.ReplaceAll(text, "\n", "")
			} else {
				q.Pattern = randomRegex(r, 3)
			}
			match, ok := bruteMatcher(q.Pattern, q.Mode, q.IgnoreCase)
			res, err := ix.Search(context.Background(), root, q)
			if !ok {
				if err == nil && q.Mode == Exact {
					t.Fatalf("round %d: %q accepted but not searchable", round, q.Pattern)
				}
				continue
			}
			if err != nil {
				if errors.Is(err, ErrBadPattern) && strings.Contains(err.Error(), "newline") {
					continue
				}
				t.Fatalf("Search(%q): %v", q.Pattern, err)
			}
			want := brute(c, match)
			if got := hitsOf(res.Matches); !equalHits(got, want) {
				t.Fatalf("round %d: %v %q ic=%v:\n got %v\nwant %v\nplan %s", round, q.Mode, q.Pattern, q.IgnoreCase, got, want, res.Stats.Plan)
			}
			if len(want) > 2 {
				q.Limit = len(want) / 2
				res := search(t, ix, root, q)
				if got := hitsOf(res.Matches); !equalHits(got, want[:q.Limit]) || !res.Truncated {
					t.Fatalf("limit %d: %q got %v want %v", q.Limit, q.Pattern, got, want[:q.Limit])
				}
			}
		}
	}
}

// TestSearchReadsByDirectory: candidates are read through a root per
// directory (one open per directory, not per path component); files in
// the root itself, in nested directories, after a removed directory and
// through a directory link that stays inside the root are all read as
// before, and the removed directory's files count as missing.
func TestSearchReadsByDirectory(t *testing.T) {
	c := corpus{
		"top.go":        "needle top\n",
		"a/x.go":        "needle ax\n",
		"a/y.go":        "no\nneedle ay\n",
		"a/b/c/deep.go": "needle deep\n",
		"gone/g1.go":    "needle g1\n",
		"gone/g2.go":    "needle g2\n",
		"link/x.go":     "needle link\n",
		"z.go":          "needle z\n",
	}
	ix, _ := buildIndex(t, c, Options{})
	root := writeCorpus(t, c)
	if err := os.RemoveAll(filepath.Join(root, "gone")); err != nil {
		t.Fatal(err)
	}
	os.RemoveAll(filepath.Join(root, "link"))
	if err := os.Symlink("a", filepath.Join(root, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	for _, workers := range []int{1, 3} {
		res := search(t, ix, root, Query{Pattern: "needle", Workers: workers})
		want := []string{"a/b/c/deep.go:1:1", "a/x.go:1:1", "a/y.go:2:1", "link/x.go:1:1", "top.go:1:1", "z.go:1:1"}
		var got []string
		for _, h := range hitsOf(res.Matches) {
			got = append(got, h.String())
		}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("workers %d: got %v, want %v", workers, got, want)
		}
		if res.Stats.Missing != 2 || res.Stats.Scanned != 6 {
			t.Errorf("workers %d: stats %+v, want 2 missing and 6 scanned", workers, res.Stats)
		}
	}
}
