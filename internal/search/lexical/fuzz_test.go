package lexical

import (
	"errors"
	"testing"
)

// segmentBytes returns the encoded base segment of docs.
func segmentBytes(t testing.TB, docs []Doc) []byte {
	b := newBuilder()
	for i := range docs {
		b.add(&docs[i])
	}
	s, err := b.finish(ctx, kindBase, 0)
	if err != nil {
		t.Fatal(err)
	}
	return s.encode()
}

// FuzzDecodeSegment feeds arbitrary bytes to the segment decoder: it must
// either reject them with ErrCorrupt or give a segment that can be
// searched, merged and re-encoded without panicking, with or without the
// full check.
func FuzzDecodeSegment(f *testing.F) {
	good := segmentBytes(f, corpus())
	f.Add(good)
	f.Add(segmentBytes(f, nil))
	f.Add(good[:headerSize])
	for _, i := range []int{9, 40, 100, headerSize + 3, len(good) / 2, len(good) - 20} {
		b := append([]byte(nil), good...)
		b[i] ^= 0xff
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, verify := range []bool{false, true} {
			seg, err := decodeSegment(data, verify)
			if err != nil {
				if !errors.Is(err, ErrCorrupt) {
					t.Fatalf("error %v is not ErrCorrupt", err)
				}
				continue
			}
			ix := New(nil)
			if seg.kind == kindBase {
				ix.base = seg
				ix.deleted = make([]uint64, (seg.numDocs+63)/64)
			} else {
				ix.delta = seg
			}
			ix.refreshStats()
			for _, q := range []string{"handleUserAuth", "parseJ", "Server.Handle", "the headers", "a"} {
				ix.Search(ctx, q, 5, nil)
			}
			if seg.numDocs > 0 {
				ix.deleteBase(seg.id(0))
				seg.ordOf(seg.id(seg.numDocs - 1))
			}
			seg.tombstones()
			if m, err := merge(ctx, []mergeInput{{seg: seg}}, kindBase, 1); err == nil {
				if _, err := decodeSegment(m.encode(), true); err != nil && verify {
					t.Fatalf("re-encoding a verified segment gave %v", err)
				}
			} else if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("merge error %v is not ErrCorrupt", err)
			}
		}
	})
}

// FuzzSearchQuery runs arbitrary query strings.
func FuzzSearchQuery(f *testing.F) {
	for _, q := range []string{"handleUserAuth", "parseJ", "Server.Handle", "the of a", "..a..b.", "ÄÖ ß", "\xff\xfe", "a.b.c.d.e", ""} {
		f.Add(q)
	}
	ix := memIndex(f, corpus(), nil)
	f.Fuzz(func(t *testing.T, q string) {
		hits := ix.Search(ctx, q, 3, nil)
		for i := 1; i < len(hits); i++ {
			if better(hits[i], hits[i-1]) {
				t.Fatalf("unsorted hits %v", hits)
			}
		}
	})
}
