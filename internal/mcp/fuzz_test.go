package mcp

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// FuzzDecodeCursor feeds arbitrary cursors to the decoder: it must refuse
// or accept without panicking, and accept only cursors of the same tool
// and question.
func FuzzDecodeCursor(f *testing.F) {
	c := &call{def: &toolDef{name: "get_callers"}, a: args{Symbol: "Store.Get"}}
	f.Add(c.encodeCursor("MS4xMDAuYWJj", 3))
	f.Add(c.encodeCursor("", 0))
	f.Add("")
	f.Add("!!!")
	f.Add("eyJ0IjoiZ2V0X2NhbGxlcnMiLCJrIjoxLCJzIjotNX0")
	f.Fuzz(func(t *testing.T, s string) {
		cur, err := decodeCursor(s, "get_callers", c.key())
		if err != nil {
			return
		}
		if cur.Tool != "get_callers" || cur.Key != c.key() || cur.Skip < 0 {
			t.Fatalf("accepted %q as %+v", s, cur)
		}
	})
}

// FuzzDecodeArgs feeds arbitrary argument objects to a tool's decoder: it
// must never panic, and what it accepts must satisfy the tool's checks.
func FuzzDecodeArgs(f *testing.F) {
	s := &Server{repos: make([]*service.Repo, 1)}
	ps := s.params()
	tools := s.toolTable()
	f.Add(0, []byte(`{"symbol":"Store.Get","depth":3}`))
	f.Add(1, []byte(`{"path":"a.go","start_line":-1}`))
	f.Add(2, []byte(`{"kinds":["calls","x"],"symbol":"a"}`))
	f.Add(3, []byte(`null`))
	f.Add(4, []byte(`[1,2]`))
	f.Add(5, []byte(`{"max_tokens":1e9,"target":"x"}`))
	f.Fuzz(func(t *testing.T, i int, raw []byte) {
		def := tools[uint(i)%uint(len(tools))]
		c := &call{s: s, def: def, budget: DefaultMaxTokens}
		if err := c.decode(ps, json.RawMessage(raw)); err != nil {
			return
		}
		if c.a.Depth < 0 || c.a.Depth > 64 || c.budget < minMaxTokens || c.budget > maxMaxTokens || c.a.StartLine < 0 || c.a.EndLine < 0 {
			t.Fatalf("%s accepted %s as %+v (budget %d)", def.name, raw, c.a, c.budget)
		}
		for _, r := range def.required {
			if v, _ := c.field(r); v == "" {
				t.Fatalf("%s accepted %s without %s", def.name, raw, r)
			}
		}
	})
}

// FuzzSafeRel checks that no path is accepted that leaves the root.
func FuzzSafeRel(f *testing.F) {
	root := f.TempDir()
	for _, p := range []string{"a/b.go", "../x", "/etc/passwd", "a/../../b", ".", "a\x00b", root + "/a.go", root + "/../a"} {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, p string) {
		rel, err := safeRel(root, p)
		if err != nil {
			return
		}
		full := filepath.Join(root, filepath.FromSlash(rel))
		if full != root && !strings.HasPrefix(full, root+string(filepath.Separator)) {
			t.Fatalf("safeRel(%q) = %q, outside %s", p, rel, root)
		}
	})
}
