package parse

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

var update = flag.Bool("update", false, "rewrite golden files")

// goldenNode and goldenEdge are the reviewable projection of a Result.
type goldenNode struct {
	Kind      string `json:"kind"`
	QN        string `json:"qn"`
	Name      string `json:"name"`
	Lines     string `json:"lines"`
	Parent    string `json:"parent,omitempty"`
	Vis       string `json:"vis,omitempty"`
	Signature string `json:"sig,omitempty"`
	Doc       string `json:"doc,omitempty"`
	Locals    string `json:"locals,omitempty"`
}

type goldenEdge struct {
	Kind   string `json:"kind"`
	Src    string `json:"src"`
	Dst    string `json:"dst,omitempty"`
	Target string `json:"target,omitempty"`
	Line   uint32 `json:"line"`
}

// render produces one JSON object per line so diffs stay readable.
func render(res *Result) []byte {
	qn := make(map[graph.NodeID]string, len(res.Nodes))
	for _, n := range res.Nodes {
		qn[n.ID] = n.Kind.String() + ":" + n.QualifiedName
	}
	var buf bytes.Buffer
	buf.WriteString("{\"nodes\": [\n")
	for i, n := range res.Nodes {
		g := goldenNode{Kind: n.Kind.String(), QN: n.QualifiedName, Name: n.Name,
			Lines: fmt.Sprintf("%d-%d", n.StartLine, n.EndLine), Parent: qn[n.Parent],
			Vis: n.Visibility.String(), Signature: n.Signature, Doc: n.Doc, Locals: n.Locals}
		b, _ := json.Marshal(g)
		buf.Write(b)
		if i < len(res.Nodes)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("],\n\"edges\": [\n")
	edges := make([]goldenEdge, 0, len(res.Edges))
	for _, e := range res.Edges {
		edges = append(edges, goldenEdge{Kind: e.Kind.String(), Src: qn[e.Src], Dst: qn[e.Dst], Target: e.Target, Line: e.Line})
	}
	sort.SliceStable(edges, func(i, j int) bool {
		if edges[i].Line != edges[j].Line {
			return edges[i].Line < edges[j].Line
		}
		return edges[i].Kind < edges[j].Kind
	})
	for i, e := range edges {
		b, _ := json.Marshal(e)
		buf.Write(b)
		if i < len(edges)-1 {
			buf.WriteByte(',')
		}
		buf.WriteByte('\n')
	}
	buf.WriteString("]}\n")
	return buf.Bytes()
}

func parseFile(t testing.TB, p *Parser, path string) *Result {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	g := lang.Refine(lang.Detect(filepath.ToSlash(path), func() []byte { return src }), src)
	if g == "" {
		t.Fatalf("%s: no grammar detected", path)
	}
	res, err := p.Parse(context.Background(), filepath.Base(path), g, src)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return res
}

// TestGolden parses every fixture under testdata/<lang>/ and compares the
// extracted facts with <file>.golden.json (go test ./internal/parse -update).
func TestGolden(t *testing.T) {
	x := NewExtractor()
	defer x.Close()
	p := x.NewParser(Options{})
	defer p.Close()
	files, _ := filepath.Glob("testdata/*/*")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, ".golden.json") {
			continue
		}
		n++
		t.Run(filepath.ToSlash(f), func(t *testing.T) {
			res := parseFile(t, p, f)
			if res.SyntaxErrors > 0 {
				t.Errorf("fixture has %d syntax errors (first at %s); fixtures must be valid code", res.SyntaxErrors, res.FirstError)
			}
			got := render(res)
			golden := f + ".golden.json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("missing golden file (run go test ./internal/parse -update): %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("extraction differs from %s (run with -update and review the diff):\n%s", golden, lineDiff(string(want), string(got)))
			}
		})
	}
	if n == 0 {
		t.Fatal("no fixtures found")
	}
}

func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	wm := map[string]bool{}
	for _, l := range w {
		wm[l] = true
	}
	gm := map[string]bool{}
	for _, l := range g {
		gm[l] = true
	}
	var b strings.Builder
	for _, l := range w {
		if !gm[l] {
			b.WriteString("- " + l + "\n")
		}
	}
	for _, l := range g {
		if !wm[l] {
			b.WriteString("+ " + l + "\n")
		}
	}
	return b.String()
}
