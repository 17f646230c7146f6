package grep

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
)

// satisfies evaluates a trigram query against one file's trigram set.
func satisfies(q *tquery, set map[uint32]bool) bool {
	switch q.op {
	case qAll:
		return true
	case qNone:
		return false
	case qAnd:
		for _, t := range q.tris {
			if !set[t] {
				return false
			}
		}
		for _, s := range q.subs {
			if !satisfies(s, set) {
				return false
			}
		}
		return true
	}
	for _, t := range q.tris {
		if set[t] {
			return true
		}
	}
	for _, s := range q.subs {
		if satisfies(s, set) {
			return true
		}
	}
	return false
}

func trigramMap(content []byte) map[uint32]bool {
	s := newTrigramSet()
	s.add(content)
	m := map[uint32]bool{}
	for _, t := range s.take() {
		m[t] = true
	}
	return m
}

// checkPattern verifies, for one pattern and one file, that the trigram
// query admits the file whenever a line matches, and that the scanner finds
// exactly the lines (and columns) a line-by-line scan finds.
func checkPattern(t *testing.T, pattern string, mode Mode, ic bool, content []byte) {
	m, err := compile(pattern, mode, ic)
	ref, ok := bruteMatcher(pattern, mode, ic)
	if err != nil || !ok {
		if err == nil && mode == Exact {
			t.Fatalf("%q compiled but the reference rejects it", pattern)
		}
		return
	}
	want := brute(corpus{"f": string(content)}, ref)
	if len(want) > 0 && !satisfies(m.query, trigramMap(content)) {
		t.Fatalf("%v %q ic=%v: query %s excludes a file with matches %v", mode, pattern, ic, m.query, want)
	}
	ms, _ := m.scan("f", content, nil, 0, 64)
	if got := hitsOf(ms); !equalHits(got, want) {
		t.Fatalf("%v %q ic=%v on %q:\n got %v\nwant %v", mode, pattern, ic, content, got, want)
	}
}

func FuzzRegexpQuery(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for range 40 {
		f.Add(randomRegex(r, 3), []byte(randomText(r, 200)), r.IntN(2) == 0)
	}
	for _, s := range []string{`(?i)kelvin`, `ſtraße`, `\x{FFFD}x`, `^$`, `a{2,}b`, `[^\n]+`, `(?s).x`, `\Aab\z`, `x*`, `(abc|abd)e`, `\bfoo\b`} {
		f.Add(s, []byte("KELVIN \u212aelvin \xffx abc\nstrasse aab abde\n\nfoo"), true)
	}
	f.Fuzz(func(t *testing.T, pattern string, content []byte, ic bool) {
		if len(pattern) > 200 || len(content) > 4096 {
			return
		}
		checkPattern(t, pattern, Regex, ic, content)
		checkPattern(t, pattern, Exact, ic, content)
	})
}

// segmentSeeds returns valid encoded segments (a base and a delta).
func segmentSeeds(t testing.TB) [][]byte {
	r := rand.New(rand.NewPCG(9, 10))
	var docs []docEntry
	for i := range 5 {
		docs = append(docs, newDocEntry(strings.Repeat("d/", i)+"f.txt", []byte(randomText(r, 100))))
	}
	var out [][]byte
	for _, kind := range []uint32{kindBase, kindDelta} {
		var tombs []uint32
		if kind == kindDelta {
			tombs = []uint32{0, 3}
		}
		d, err := buildSegment(context.Background(), kind, append([]docEntry(nil), docs...), tombs)
		if err != nil {
			t.Fatal(err)
		}
		b, err := d.encode()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzSegment feeds arbitrary bytes to the segment decoder: it must reject
// them or yield a segment whose every accessor works without panicking.
func FuzzSegment(f *testing.F) {
	for _, s := range segmentSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		// The checksums live in the indexfile container: these bytes
		// reach the structural checks directly.
		s, err := parseSegment("fuzz", data)
		if err != nil {
			return
		}
		for i := 0; i < int(s.nDocs); i++ {
			s.doc(i)
			if _, ok := s.find(s.docPath(i)); !ok {
				t.Fatalf("doc %d not found by path", i)
			}
		}
		s.tombstones()
		if _, err := invert(s, nil); err != nil {
			return
		}
		q, _ := compile("abc|b.c", Regex, true)
		eval(s, q.query)
	})
}

func FuzzManifest(f *testing.F) {
	f.Add(manifest{gen: 3, base: "base-000000000003.seg", delta: "delta-000000000003.seg"}.encode())
	f.Add([]byte("codegraph-grep-manifest 1\ngen 1\nbase ../../etc/passwd\ncrc 00000000\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := parseManifest("dir", data)
		if err != nil {
			return
		}
		if m.base == "" || strings.ContainsAny(m.base+m.delta, `/\`) {
			t.Fatalf("accepted %+v", m)
		}
		if m2, err := parseManifest("dir", m.encode()); err != nil || m2 != m {
			t.Fatalf("round trip: %+v %v", m2, err)
		}
	})
}

func FuzzDecodeGaps(f *testing.F) {
	f.Add(appendGaps(nil, []uint32{0, 1, 5, 1000, 1 << 20}), uint32(1<<21))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, uint32(10))
	f.Fuzz(func(t *testing.T, data []byte, limit uint32) {
		vals, err := decodeGaps(nil, data, limit)
		if err != nil {
			return
		}
		for i, v := range vals {
			if v >= limit || (i > 0 && v <= vals[i-1]) {
				t.Fatalf("bad value %d at %d (limit %d)", v, i, limit)
			}
		}
		if got := appendGaps(nil, vals); string(got) != string(data) {
			// Non-minimal varints decode fine but re-encode shorter; check values.
			again, err := decodeGaps(nil, got, limit)
			if err != nil || len(again) != len(vals) {
				t.Fatalf("re-encode mismatch")
			}
		}
	})
}

// TestPatternBounded: an expression longer than MaxPatternBytes is a bad
// pattern, refused before it is compiled; a long one within the bound
// compiles.
func TestPatternBounded(t *testing.T) {
	if _, err := compileRegex(strings.Repeat("a", MaxPatternBytes+1), false); !errors.Is(err, ErrBadPattern) {
		t.Errorf("a %d-byte expression: %v, want ErrBadPattern", MaxPatternBytes+1, err)
	}
	if _, err := compileRegex(strings.Repeat("(a|b)", MaxPatternBytes/5), false); err != nil {
		t.Errorf("a %d-byte expression: %v", MaxPatternBytes/5*5, err)
	}
}
