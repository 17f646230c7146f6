package grep

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// corpus is a set of files written under a root directory.
type corpus map[string]string

func (c corpus) paths() []string {
	var ps []string
	for p := range c {
		ps = append(ps, p)
	}
	sort.Strings(ps)
	return ps
}

// writeCorpus writes the files under a new temporary root.
func writeCorpus(t testing.TB, c corpus) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range c {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// buildIndex indexes c into a new directory.
func buildIndex(t testing.TB, c corpus, opts Options) (*Index, string) {
	t.Helper()
	b := NewBuilder()
	for p, content := range c {
		if err := b.Add(p, []byte(content)); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "grep")
	ix, err := b.Write(context.Background(), dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix, dir
}

// hit is the comparable part of a Match.
type hit struct {
	Path      string
	Line, Col int
}

func (h hit) String() string { return fmt.Sprintf("%s:%d:%d", h.Path, h.Line, h.Col) }

func hitsOf(ms []Match) []hit {
	out := make([]hit, len(ms))
	for i, m := range ms {
		out[i] = hit{m.Path, m.Line, m.Column}
	}
	return out
}

// lines splits content into grep's lines: a final newline does not start
// another line.
func lines(content string) []string {
	if content == "" {
		return nil
	}
	ls := strings.Split(content, "\n")
	if strings.HasSuffix(content, "\n") {
		ls = ls[:len(ls)-1]
	}
	return ls
}

// bruteMatcher returns the reference line matcher for a pattern: the
// pattern compiled by package regexp (or bytes.Index) run on each line on
// its own. ok is false when the pattern is not searchable.
func bruteMatcher(pattern string, mode Mode, ignoreCase bool) (func(line []byte) int, bool) {
	if mode == Exact && !ignoreCase {
		if strings.Contains(pattern, "\n") {
			return nil, false
		}
		p := []byte(pattern)
		return func(line []byte) int { return bytes.Index(line, p) }, true
	}
	src := pattern
	if mode == Exact {
		src = regexp.QuoteMeta(pattern)
	}
	if ignoreCase {
		src = "(?i)" + src
	}
	re, err := regexp.Compile(src)
	if err != nil {
		return nil, false
	}
	return func(line []byte) int {
		if loc := re.FindIndex(line); loc != nil {
			return loc[0]
		}
		return -1
	}, true
}

// brute searches c line by line.
func brute(c corpus, match func([]byte) int) []hit {
	var out []hit
	for _, p := range c.paths() {
		for i, l := range lines(c[p]) {
			if k := match([]byte(l)); k >= 0 {
				out = append(out, hit{p, i + 1, k + 1})
			}
		}
	}
	return out
}

// randomText returns text over an alphabet chosen to exercise case folding,
// multi-byte and invalid UTF-8, word boundaries and lines.
func randomText(r *rand.Rand, n int) string {
	pieces := []string{"a", "b", "c", "ab", "abc", "A", "B", "C", "K", "k", "\u212a", "s", "S", "\u017f", "é", "É",
		" ", " ", "\n", "\n", "_", "1", "x", "foo", "Foo", "bar", "\xff", "\t", "(", ".", "\r\n", "\uFFFD"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(pieces[r.IntN(len(pieces))])
	}
	return b.String()
}

// randomRegex returns a random regular expression over the same alphabet.
func randomRegex(r *rand.Rand, depth int) string {
	atoms := []string{"a", "b", "c", "ab", "abc", "bca", "A", "K", "k", "s", "é", "foo", "Foo", "bar", "oo",
		".", "[ab]", "[^a]", "[a-c]", `\w`, `\W`, `\s`, `\d`, `\b`, "^", "$", `\A`, `\z`, "x", " ", `\.`, `\(`, "[kK]", `\x{FFFD}`, "[é-ë]"}
	if depth <= 0 || r.IntN(3) == 0 {
		return atoms[r.IntN(len(atoms))]
	}
	switch r.IntN(8) {
	case 0, 1, 2:
		return randomRegex(r, depth-1) + randomRegex(r, depth-1)
	case 3:
		return "(" + randomRegex(r, depth-1) + "|" + randomRegex(r, depth-1) + ")"
	case 4:
		return "(?:" + randomRegex(r, depth-1) + ")" + []string{"*", "+", "?", "{2}", "{1,3}", "*?"}[r.IntN(6)]
	case 5:
		return "(?i:" + randomRegex(r, depth-1) + ")"
	default:
		return randomRegex(r, depth-1) + randomRegex(r, depth-1) + randomRegex(r, depth-1)
	}
}

func randomCorpus(r *rand.Rand, n int) corpus {
	c := corpus{}
	for i := range n {
		c[fmt.Sprintf("d%d/f%03d.txt", i%3, i)] = randomText(r, r.IntN(400))
	}
	c["empty.txt"] = ""
	c["nl.txt"] = "\n\n"
	return c
}

func equalHits(a, b []hit) bool { return slices.Equal(a, b) }
