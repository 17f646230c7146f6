package parse

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/lang"
)

// TestNavMatchesTreeSitter checks nav's parent and previous siblings
// against tree-sitter's for every node of the golden fixtures (every
// language) and of a few large Go standard library files, including files
// with syntax errors (zero-width MISSING nodes).
func TestNavMatchesTreeSitter(t *testing.T) {
	files, err := filepath.Glob("testdata/*/*")
	if err != nil {
		t.Fatal(err)
	}
	goroot := runtime.GOROOT()
	for _, f := range []string{"go/types/api.go", "net/http/server.go", "unicode/tables.go"} {
		files = append(files, filepath.Join(goroot, "src", f))
	}
	checked := 0
	for _, path := range files {
		if strings.HasSuffix(path, ".json") {
			continue
		}
		src, err := os.ReadFile(path)
		if err != nil {
			if strings.HasPrefix(path, goroot) {
				continue // a trimmed GOROOT
			}
			t.Fatal(err)
		}
		name := lang.Refine(lang.Detect(filepath.ToSlash(path), func() []byte { return src }), src)
		if name == "" {
			continue
		}
		g, ok := lang.GrammarByName(name)
		if !ok || !g.HasTree() {
			continue // a text format, or a component host (its blocks are checked as their language)
		}
		checkNav(t, path, g, src)
		// A truncated copy has syntax errors and MISSING nodes.
		checkNav(t, path+" (truncated)", g, src[:len(src)*2/3])
		checked++
	}
	if checked < 10 {
		t.Fatalf("checked %d files, want the fixtures of every language", checked)
	}
}

func checkNav(t *testing.T, path string, g *lang.Grammar, src []byte) {
	t.Helper()
	p := sitter.NewParser()
	defer p.Close()
	if err := p.SetLanguage(g.TS()); err != nil {
		t.Fatal(err)
	}
	tree := p.Parse(src, nil)
	if tree == nil {
		t.Fatalf("%s: no tree", path)
	}
	defer tree.Close()
	v := newNav(*tree.RootNode())
	c := tree.Walk()
	defer c.Close()
	same := func(a, b *sitter.Node) bool {
		if a == nil || b == nil {
			return a == nil && b == nil
		}
		return a.Id() == b.Id()
	}
	desc := func(n *sitter.Node) string {
		if n == nil {
			return "nil"
		}
		return fmt.Sprintf("%s@%d:%d", n.Kind(), n.StartPosition().Row+1, n.StartPosition().Column+1)
	}
	bad := 0
	for n := 0; ; n++ {
		node := c.Node()
		if got, want := v.parent(node), node.Parent(); !same(got, want) {
			t.Errorf("%s: parent of %s: %s, tree-sitter %s", path, desc(node), desc(got), desc(want))
			bad++
		}
		if got, want := v.prevSibling(node), node.PrevSibling(); !same(got, want) {
			t.Errorf("%s: previous sibling of %s: %s, tree-sitter %s", path, desc(node), desc(got), desc(want))
			bad++
		}
		if got, want := v.prevNamedSibling(node), node.PrevNamedSibling(); !same(got, want) {
			t.Errorf("%s: previous named sibling of %s: %s, tree-sitter %s", path, desc(node), desc(got), desc(want))
			bad++
		}
		if bad > 10 {
			t.FailNow()
		}
		if n > 200_000 {
			return // enough of a large file (tree-sitter's own calls are the slow side)
		}
		if c.GotoFirstChild() {
			continue
		}
		for !c.GotoNextSibling() {
			if !c.GotoParent() {
				return
			}
		}
	}
}
