package precise

import (
	"errors"
	"reflect"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"
)

// The SCIP index builder of the tests: the wire format scip.proto gives,
// written with protowire by hand.

type pbOcc struct {
	rng       []int32
	symbol    string
	roles     int32
	enclosing []int32
	unpacked  bool // write the range as repeated varints, not packed
}

type pbRel struct {
	symbol         string
	implementation bool
	reference      bool
}

type pbSym struct {
	symbol string
	rels   []pbRel
}

type pbDoc struct {
	path, language string
	text           *string
	encoding       int
	occs           []pbOcc
	syms           []pbSym
}

func appendBytes(b []byte, num protowire.Number, v []byte) []byte {
	b = protowire.AppendTag(b, num, protowire.BytesType)
	return protowire.AppendBytes(b, v)
}

func appendString(b []byte, num protowire.Number, s string) []byte {
	return appendBytes(b, num, []byte(s))
}

func appendVarint(b []byte, num protowire.Number, v uint64) []byte {
	b = protowire.AppendTag(b, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func encodeSym(s pbSym) []byte {
	var b []byte
	b = appendString(b, 1, s.symbol)
	for _, r := range s.rels {
		var rb []byte
		rb = appendString(rb, 1, r.symbol)
		if r.reference {
			rb = appendVarint(rb, 2, 1)
		}
		if r.implementation {
			rb = appendVarint(rb, 3, 1)
		}
		b = appendBytes(b, 4, rb)
	}
	return b
}

func encodeRange(b []byte, num protowire.Number, r []int32, unpacked bool) []byte {
	if unpacked {
		for _, x := range r {
			b = appendVarint(b, num, uint64(x))
		}
		return b
	}
	var p []byte
	for _, x := range r {
		p = protowire.AppendVarint(p, uint64(x))
	}
	return appendBytes(b, num, p)
}

// encodeIndex writes a SCIP index.
func encodeIndex(tool, projectRoot string, docs []pbDoc, external []pbSym) []byte {
	var out []byte
	var meta, ti []byte
	ti = appendString(ti, 1, tool)
	ti = appendString(ti, 2, "1.0")
	meta = appendVarint(meta, 1, 0)
	meta = appendBytes(meta, 2, ti)
	meta = appendString(meta, 3, projectRoot)
	out = appendBytes(out, 1, meta)
	for _, d := range docs {
		var db []byte
		db = appendString(db, 4, d.language)
		db = appendString(db, 1, d.path)
		for _, o := range d.occs {
			var ob []byte
			ob = encodeRange(ob, 1, o.rng, o.unpacked)
			ob = appendString(ob, 2, o.symbol)
			if o.roles != 0 {
				ob = appendVarint(ob, 3, uint64(o.roles))
			}
			ob = appendVarint(ob, 5, 3) // syntax_kind: skipped
			if o.enclosing != nil {
				ob = encodeRange(ob, 7, o.enclosing, false)
			}
			db = appendBytes(db, 2, ob)
		}
		for _, s := range d.syms {
			db = appendBytes(db, 3, encodeSym(s))
		}
		if d.text != nil {
			db = appendString(db, 5, *d.text)
		}
		if d.encoding != 0 {
			db = appendVarint(db, 6, uint64(d.encoding))
		}
		out = appendBytes(out, 2, db)
	}
	for _, s := range external {
		out = appendBytes(out, 3, encodeSym(s))
	}
	// An unknown field and a fixed64 field: skipped.
	out = appendString(out, 99, "future")
	out = protowire.AppendTag(out, 98, protowire.Fixed64Type)
	out = protowire.AppendFixed64(out, 7)
	return out
}

func TestDecodeSCIP(t *testing.T) {
	text := "x"
	data := encodeIndex("scip-test", "file:///repo", []pbDoc{{
		path: "src/a.ts", language: "typescript", text: &text, encoding: posUTF8,
		occs: []pbOcc{
			{rng: []int32{0, 16, 22}, symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/helper().", roles: roleDefinition, enclosing: []int32{0, 0, 2, 1}},
			{rng: []int32{3, 9, 3, 15}, symbol: "local 1", roles: roleReadAccess, unpacked: true},
		},
		syms: []pbSym{{symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/C#", rels: []pbRel{{symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/I#", implementation: true}}}},
	}}, []pbSym{{symbol: "scip-typescript npm dep 2.0 `index.d.ts`/f()."}})
	ix, err := decodeSCIP(data)
	if err != nil {
		t.Fatal(err)
	}
	want := &scipIndex{
		ToolName: "scip-test", ToolVersion: "1.0", ProjectRoot: "file:///repo",
		Documents: []scipDocument{{
			RelativePath: "src/a.ts", Language: "typescript", Text: "x", HasText: true, PositionEncoding: posUTF8,
			Occurrences: []scipOccurrence{
				{Range: scipRange{0, 16, 0, 22}, Symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/helper().", Roles: roleDefinition,
					Enclosing: scipRange{0, 0, 2, 1}, HasEnclosing: true},
				{Range: scipRange{3, 9, 3, 15}, Symbol: "local 1", Roles: roleReadAccess},
			},
			Symbols: []scipSymbol{{Symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/C#",
				Relationships: []scipRelationship{{Symbol: "scip-typescript npm pkg 1.0 src/`a.ts`/I#", IsImplementation: true}}}},
		}},
		External: []scipSymbol{{Symbol: "scip-typescript npm dep 2.0 `index.d.ts`/f()."}},
	}
	if !reflect.DeepEqual(ix, want) {
		t.Fatalf("decoded\n%+v\nwant\n%+v", ix, want)
	}
}

func TestDecodeSCIPErrors(t *testing.T) {
	good := encodeIndex("t", "", []pbDoc{{path: "a.py", occs: []pbOcc{{rng: []int32{1, 2, 3}, symbol: "local 0"}}}}, nil)
	bad := map[string][]byte{
		"truncated":     good[:len(good)/2],
		"range of two":  encodeIndex("t", "", []pbDoc{{path: "a.py", occs: []pbOcc{{rng: []int32{1, 2}, symbol: "local 0"}}}}, nil),
		"reversed":      encodeIndex("t", "", []pbDoc{{path: "a.py", occs: []pbOcc{{rng: []int32{4, 2, 3, 1}, symbol: "local 0"}}}}, nil),
		"negative":      encodeIndex("t", "", []pbDoc{{path: "a.py", occs: []pbOcc{{rng: []int32{-1, 2, 3}, symbol: "local 0"}}}}, nil),
		"bad tag":       {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01},
		"short message": appendBytes(nil, 2, []byte{0x12, 0x05, 'a'}),
	}
	for name, b := range bad {
		if _, err := decodeSCIP(b); !errors.Is(err, ErrSCIP) {
			t.Errorf("%s: err %v, want ErrSCIP", name, err)
		}
	}
	if _, err := decodeSCIP(good); err != nil {
		t.Fatalf("good: %v", err)
	}
	if ix, err := decodeSCIP(nil); err != nil || len(ix.Documents) != 0 {
		t.Fatalf("empty: %v %+v", err, ix)
	}
}

func TestParseSymbol(t *testing.T) {
	for _, c := range []struct {
		in    string
		pkg   string
		descs []scipDescriptor
		local bool
	}{
		{in: "local 12", local: true},
		{in: "scip-typescript npm zod 4.0.0 src/`types.ts`/ZodType#parse().", pkg: "zod", descs: []scipDescriptor{
			{"src", descNamespace}, {"types.ts", descNamespace}, {"ZodType", descType}, {"parse", descMethod}}},
		{in: "scip-python python python-stdlib 3.11 `os.path`/join().", pkg: "python-stdlib", descs: []scipDescriptor{
			{"os.path", descNamespace}, {"join", descMethod}}},
		{in: "scip-java maven . . com/example/A#m(+1).(x)", pkg: "", descs: []scipDescriptor{
			{"com", descNamespace}, {"example", descNamespace}, {"A", descType}, {"m", descMethod}, {"x", descParameter}}},
		{in: "rust-analyzer cargo my  crate 0.1 S#[T]f.", pkg: "my crate", descs: []scipDescriptor{
			{"S", descType}, {"T", descTypeParameter}, {"f", descTerm}}},
		{in: "cxx . . $ `a``b`:m!", descs: []scipDescriptor{{"a`b", descMeta}, {"m", descMacro}}},
	} {
		s, err := parseSymbol(c.in)
		if err != nil {
			t.Errorf("%q: %v", c.in, err)
			continue
		}
		if s.Local != c.local || s.Package != c.pkg || !reflect.DeepEqual(s.Descriptors, c.descs) {
			t.Errorf("%q: got %+v", c.in, s)
		}
	}
	for _, bad := range []string{"", "local ", "a b c", "a b c d ", "a b c d f", "a b c d `x", "a b c d m(.", "a b c d x?"} {
		if _, err := parseSymbol(bad); !errors.Is(err, ErrSCIP) {
			t.Errorf("%q: err %v, want ErrSCIP", bad, err)
		}
	}
}

func TestOffsetEncodings(t *testing.T) {
	src := []byte("é𝄞x = 1\nab\n")
	for _, c := range []struct {
		enc  int
		char int32
		want int
	}{
		{posUTF8, 6, 6}, // é (2 bytes) 𝄞 (4 bytes)
		{posUTF16, 3, 6},
		{posUnspecified, 3, 6},
		{posUTF32, 2, 6},
	} {
		cd := &checkedDoc{src: src, lines: lineStarts(src), encoding: c.enc}
		got, ok := cd.offset(0, c.char)
		if !ok || got != c.want {
			t.Errorf("encoding %d char %d: %d %v, want %d", c.enc, c.char, got, ok, c.want)
		}
		if off, ok := cd.offset(1, 1); !ok || off != len("é𝄞x = 1\n")+1 {
			t.Errorf("line 2: %d %v", off, ok)
		}
		if _, ok := cd.offset(1, 9); ok {
			t.Errorf("encoding %d: a character past the line's end is accepted", c.enc)
		}
		if _, ok := cd.offset(7, 0); ok {
			t.Errorf("a line past the end is accepted")
		}
	}
}

// FuzzDecodeSCIP feeds the decoder and the symbol parser arbitrary bytes:
// they return a value or an error wrapping ErrSCIP, never panic.
func FuzzDecodeSCIP(f *testing.F) {
	text := "a"
	f.Add(encodeIndex("t", "file:///r", []pbDoc{{path: "a.ts", text: &text,
		occs: []pbOcc{{rng: []int32{0, 1, 2}, symbol: "s npm p 1 a/b#c().", roles: 1, enclosing: []int32{0, 0, 1, 0}}},
		syms: []pbSym{{symbol: "s npm p 1 a/B#", rels: []pbRel{{symbol: "s npm p 1 a/I#", implementation: true}}}}}}, nil))
	f.Add([]byte{})
	f.Add([]byte{0x12, 0x02, 0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		ix, err := decodeSCIP(b)
		if err != nil {
			if !errors.Is(err, ErrSCIP) {
				t.Fatalf("error %v does not wrap ErrSCIP", err)
			}
			return
		}
		for _, d := range ix.Documents {
			for _, o := range d.Occurrences {
				if o.Range.EndLine < o.Range.StartLine {
					t.Fatalf("range %+v", o.Range)
				}
				if _, err := parseSymbol(o.Symbol); err != nil && !errors.Is(err, ErrSCIP) {
					t.Fatalf("symbol error %v does not wrap ErrSCIP", err)
				}
			}
		}
		parseSymbol(string(b))
	})
}

func TestSameName(t *testing.T) {
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"set", "set", true}, {"set0", "set", true}, {"set12", "set", true},
		{"setx", "set", false}, {"set", "sets", false}, {"0", "", false}, {"set", "", false},
	} {
		if got := sameName(c.name, c.text); got != c.want {
			t.Errorf("sameName(%q, %q) = %v", c.name, c.text, got)
		}
	}
}

func TestProjectPaths(t *testing.T) {
	for _, c := range []struct {
		root, project, doc, want string
	}{
		{"/repo", "file:///repo", "src/a.ts", "src/a.ts"},
		{"/repo", "file:///repo/web", "src/a.ts", "web/src/a.ts"},  // the indexer ran in a subdirectory
		{"/repo/web", "file:///repo", "web/src/a.ts", "src/a.ts"},  // the index covers more than the tree
		{"/repo/web", "file:///repo", "api/main.py", ""},           // outside the tree
		{"/repo", "file:///ci/build/repo", "src/a.ts", "src/a.ts"}, // made elsewhere: relative to the root
		{"/repo", "", "./src/../src/a.ts", "src/a.ts"},
	} {
		prefix, strip := projectPaths(c.root, c.project)
		if got := docPath(c.doc, prefix, strip); got != c.want {
			t.Errorf("root %s project %s doc %s: %q, want %q", c.root, c.project, c.doc, got, c.want)
		}
	}
}
