package store

import (
	"bytes"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

var codecNodes = []struct {
	name string
	node graph.Node
}{
	{"zero", graph.Node{}},
	{"every field", graph.Node{
		Kind: graph.KindMethod, Name: "Save", QualifiedName: "store.Repo.Save",
		Language: "go", File: "internal/store/repo.go",
		StartLine: 10, EndLine: 42, StartByte: 120, EndByte: 980,
		Signature: "func (r *Repo) Save(ctx context.Context) error", Doc: "Save writes r.\nSecond line.",
		Visibility: graph.VisPublic, ContentHash: 0xdeadbeefcafef00d, Parent: 0x0102030405060708,
	}},
	{"unicode", graph.Node{
		Kind: graph.KindFunction, Name: "grüße", QualifiedName: "日本.grüße", Language: "python",
		File: "src/ünï/コード.py", Signature: "def grüße(名前: str) -> None", Doc: "🙂 émoji",
		StartLine: 1, EndLine: 1, Visibility: graph.VisPrivate,
	}},
	{"extremes", graph.Node{
		Kind: graph.NodeKind(255), Visibility: graph.Visibility(255),
		StartLine: math.MaxUint32, EndLine: 0, StartByte: 0, EndByte: math.MaxUint32,
		ContentHash: math.MaxUint64, Parent: graph.NodeID(math.MaxUint64),
		Name: "a\x00b", QualifiedName: "\x00", File: "\xff\xfe",
	}},
	{"end before start", graph.Node{StartLine: 50, EndLine: 3, StartByte: 700, EndByte: 1}},
}

func TestNodeValueRoundTrip(t *testing.T) {
	for _, tc := range codecNodes {
		t.Run(tc.name, func(t *testing.T) {
			v := appendNodeValue(nil, &tc.node)
			var got graph.Node
			if err := decodeNodeValue(v, &got); err != nil {
				t.Fatalf("decode: %v", err)
			}
			if got != tc.node {
				t.Fatalf("round trip:\n got %+v\nwant %+v", got, tc.node)
			}
			// Every strict prefix is truncated and must fail cleanly.
			for i := range len(v) {
				if err := decodeNodeValue(v[:i], &got); !errors.Is(err, ErrCorrupt) {
					t.Fatalf("prefix %d: err = %v, want ErrCorrupt", i, err)
				}
			}
			if err := decodeNodeValue(append(v, 0), &got); !errors.Is(err, ErrCorrupt) {
				t.Fatalf("trailing byte: err = %v, want ErrCorrupt", err)
			}
		})
	}
}

func TestEdgeKeysRoundTrip(t *testing.T) {
	edges := []struct {
		name string
		edge graph.Edge
	}{
		{"resolved", graph.Edge{Kind: graph.EdgeCalls, Src: 1, Dst: 2, Target: "pkg.F", File: "a.go", Line: 7}},
		{"unresolved", graph.Edge{Kind: graph.EdgeImports, Src: math.MaxUint64, Target: "fmt", File: "b.go", Line: math.MaxUint32}},
		{"unresolved unicode", graph.Edge{Kind: graph.EdgeInherits, Src: 9, Target: "Bäse<Τ>", File: "ü.py"}},
		{"unresolved NUL", graph.Edge{Kind: graph.EdgeReferences, Src: 9, Target: "a\x00b", File: ""}},
		{"unresolved empty target", graph.Edge{Kind: graph.EdgeCalls, Src: 3, Line: 1}},
	}
	for _, tc := range edges {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.edge
			k := appendOutKey(nil, &e)
			if len(k) != outKeyLen {
				t.Fatalf("out key length %d, want %d", len(k), outKeyLen)
			}
			got, err := decodeOutEdge(k, appendEdgeValue(nil, &e))
			if err != nil {
				t.Fatal(err)
			}
			if got != e {
				t.Fatalf("out edge:\n got %+v\nwant %+v", got, e)
			}
			o, _ := decodeOutKey(k)
			if o.resolved != e.Resolved() || (!o.resolved && o.targetHash != targetHash(e.Target)) {
				t.Fatalf("out key %+v for %+v", o, e)
			}
			if e.Resolved() {
				var in graph.Edge
				if err := decodeInKey(appendInKey(nil, &e), &in); err != nil {
					t.Fatal(err)
				}
				in.Target, in.File = e.Target, e.File
				if in != e {
					t.Fatalf("in edge:\n got %+v\nwant %+v", in, e)
				}
				return
			}
			var u graph.Edge
			if err := decodeUnresolvedKey(appendUnresolvedKey(nil, &e), &u); err != nil {
				t.Fatal(err)
			}
			u.File = e.File
			if u != e {
				t.Fatalf("unresolved edge:\n got %+v\nwant %+v", u, e)
			}
		})
	}
}

func TestFileMetaRoundTrip(t *testing.T) {
	metas := []FileMeta{
		{},
		{
			Language: "go", Size: 1234, ModTime: -5, Hash: math.MaxUint64, ExtractorVersion: 7,
			NodeCounts: map[string]uint32{"function": 3, "file": 1}, EdgeCounts: map[string]uint32{"calls": math.MaxUint32},
			ParseErrors: 2, Error: "timeout après 5s", IndexedAt: math.MinInt64,
		},
		{Language: "日本語", Size: math.MaxInt64, ModTime: math.MaxInt64, NodeCounts: map[string]uint32{"": 0}},
	}
	for i, m := range metas {
		v := appendFileMetaValue(nil, &m)
		var got FileMeta
		if err := decodeFileMetaValue(v, &got); err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if !reflect.DeepEqual(got, m) {
			t.Fatalf("%d: round trip:\n got %+v\nwant %+v", i, got, m)
		}
		if !bytes.Equal(appendFileMetaValue(nil, &got), v) {
			t.Fatalf("%d: encoding is not deterministic", i)
		}
	}
}

func TestIndexKeys(t *testing.T) {
	p, sb, id, err := decodeFileIndexKey(appendFileIndexKey(nil, "a/b\x00c.go", 77, 0xabc))
	if err != nil || p != "a/b\x00c.go" || sb != 77 || id != 0xabc {
		t.Fatalf("file key: %q %d %s %v", p, sb, id, err)
	}
	k, id, err := decodeKindKey(appendKindKey(nil, graph.KindClass, 5))
	if err != nil || k != graph.KindClass || id != 5 {
		t.Fatalf("kind key: %s %s %v", k, id, err)
	}
	id, err = decodeIndexKeyID(appendIndexKey(nil, spaceName, "naïve", 42))
	if err != nil || id != 42 {
		t.Fatalf("name key: %s %v", id, err)
	}
	// The families are consecutive one-byte prefixes; versions stays
	// reserved after metadata.
	if fams := []byte{famNodes, famEdges, famIndex, famMeta, famVersions}; !slices.IsSorted(fams) || fams[4]-fams[0] != 4 {
		t.Fatalf("families %x", fams)
	}
	if got := prefixEnd([]byte{1, 2, 0xff}); !bytes.Equal(got, []byte{1, 3}) {
		t.Fatalf("prefixEnd = %x", got)
	}
	if got := prefixEnd([]byte{0xff, 0xff}); got != nil {
		t.Fatalf("prefixEnd(ffff) = %x, want nil", got)
	}
}

// The fuzz targets check that decoders never panic, reject what they cannot
// read with ErrCorrupt, and that whatever they accept re-encodes to a value
// that decodes to the same thing.

func FuzzDecodeNode(f *testing.F) {
	for _, tc := range codecNodes {
		f.Add(appendNodeValue(nil, &tc.node))
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, data []byte) {
		var n graph.Node
		if err := decodeNodeValue(data, &n); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		var again graph.Node
		if err := decodeNodeValue(appendNodeValue(nil, &n), &again); err != nil || again != n {
			t.Fatalf("re-encode: %v\n got %+v\nwant %+v", err, again, n)
		}
	})
}

func FuzzDecodeEdge(f *testing.F) {
	e := graph.Edge{Kind: graph.EdgeCalls, Src: 1, Dst: 2, Target: "x.Y", File: "x.go", Line: 3}
	f.Add(appendOutKey(nil, &e), appendEdgeValue(nil, &e))
	f.Add(appendInKey(nil, &e), appendEdgeValue(nil, &graph.Edge{}))
	e.Dst = 0
	f.Add(appendUnresolvedKey(nil, &e), appendString(nil, e.File))
	f.Add([]byte{famEdges, spaceOut}, []byte{0x80})
	f.Fuzz(func(t *testing.T, key, value []byte) {
		check := func(what string, err error) bool {
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: error does not wrap ErrCorrupt: %v", what, err)
			}
			return err == nil
		}
		if e, err := decodeOutEdge(key, value); check("out", err) {
			if got, err := decodeOutEdge(appendOutKey(nil, &e), appendEdgeValue(nil, &e)); err != nil ||
				(e.Resolved() && got != e) {
				t.Fatalf("out edge re-encode: %v %+v %+v", err, got, e)
			}
		}
		var in graph.Edge
		if check("in", decodeInKey(key, &in)) && in.Dst != 0 && !bytes.Equal(appendInKey(nil, &in), key) {
			t.Fatalf("in key re-encode: %x", key)
		}
		var u graph.Edge
		if check("unresolved", decodeUnresolvedKey(key, &u)) && !bytes.Equal(appendUnresolvedKey(nil, &u), key) {
			t.Fatalf("unresolved key re-encode: %x", key)
		}
		_, err := decodeUnresolvedValue(value)
		check("unresolved value", err)
		check("edge value", decodeEdgeValue(value, &graph.Edge{}))
	})
}

func FuzzDecodeFileMeta(f *testing.F) {
	m := FileMeta{Language: "go", Size: 1, NodeCounts: map[string]uint32{"function": 2}, EdgeCounts: map[string]uint32{"calls": 1}}
	f.Add(appendFileMetaValue(nil, &m))
	f.Add(appendFileMetaValue(nil, &FileMeta{}))
	f.Add([]byte{0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0x0f})
	f.Fuzz(func(t *testing.T, data []byte) {
		var m FileMeta
		if err := decodeFileMetaValue(data, &m); err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error does not wrap ErrCorrupt: %v", err)
			}
			return
		}
		var again FileMeta
		if err := decodeFileMetaValue(appendFileMetaValue(nil, &m), &again); err != nil || !reflect.DeepEqual(again, m) {
			t.Fatalf("re-encode: %v\n got %+v\nwant %+v", err, again, m)
		}
	})
}

func FuzzDecodeKeys(f *testing.F) {
	f.Add(appendNodeKey(nil, 7))
	f.Add(appendFileIndexKey(nil, "a.go", 1, 2))
	f.Add(appendKindKey(nil, graph.KindFunction, 3))
	f.Add(appendIndexKey(nil, spaceQName, "a.b", 4))
	f.Add(appendUvarint(nil, uint64(FormatVersion)))
	f.Add(appendFileEntryValue(nil, &graph.Node{Kind: graph.KindClass, Name: "A", QualifiedName: "p.A"}))
	f.Fuzz(func(t *testing.T, key []byte) {
		check := func(what string, err error) {
			if err != nil && !errors.Is(err, ErrCorrupt) {
				t.Fatalf("%s: error does not wrap ErrCorrupt: %v", what, err)
			}
		}
		if id, err := decodeNodeKey(key); err == nil && !bytes.Equal(appendNodeKey(nil, id), key) {
			t.Fatalf("node key re-encode: %x", key)
		} else {
			check("node", err)
		}
		if p, sb, id, err := decodeFileIndexKey(key); err == nil && !bytes.Equal(appendFileIndexKey(nil, p, sb, id), key) {
			t.Fatalf("file key re-encode: %x", key)
		} else {
			check("file", err)
		}
		if k, id, err := decodeKindKey(key); err == nil && !bytes.Equal(appendKindKey(nil, k, id), key) {
			t.Fatalf("kind key re-encode: %x", key)
		} else {
			check("kind", err)
		}
		_, err := decodeIndexKeyID(key)
		check("index", err)
		_, err = decodeOutKey(key)
		check("out", err)
		_, err = decodeSchemaValue(key)
		check("schema", err)
		if kind, name, qn, err := decodeFileEntryValue(key); err == nil {
			n := graph.Node{Kind: kind, Name: name, QualifiedName: qn}
			if k2, n2, q2, err := decodeFileEntryValue(appendFileEntryValue(nil, &n)); err != nil || k2 != kind || n2 != name || q2 != qn {
				t.Fatalf("file entry re-encode: %x", key)
			}
		} else {
			check("file entry", err)
		}
	})
}
