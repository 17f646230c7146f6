package parse

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestHostedPositions: the nodes of a Vue component's script keep the
// file's byte offsets (so lines and columns), and every node reports the
// file's language.
func TestHostedPositions(t *testing.T) {
	src, err := os.ReadFile("testdata/vue/UserCard.vue")
	if err != nil {
		t.Fatal(err)
	}
	x := NewExtractor()
	t.Cleanup(x.Close)
	p := x.NewParser(Options{})
	t.Cleanup(p.Close)
	res, err := p.Parse(context.Background(), "src/UserCard.vue", "vue", src)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, n := range res.Nodes {
		if n.Language != "vue" {
			t.Errorf("%s: language %q", n.QualifiedName, n.Language)
		}
		switch n.Name {
		case "select", "format":
			found++
			want := strings.Index(string(src), "function "+n.Name)
			if int(n.StartByte) != want {
				t.Errorf("%s starts at byte %d, want %d", n.Name, n.StartByte, want)
			}
		}
	}
	if found != 2 {
		t.Errorf("found %d of the 2 functions", found)
	}
	if res.Nodes[0].ContentHash != graph.HashBytes(src) {
		t.Error("the file node's hash is not the file's")
	}
}

// TestTextFacts: a text file is its file node alone; Markdown adds its
// sections with the heading path as qualified name.
func TestTextFacts(t *testing.T) {
	x := NewExtractor()
	t.Cleanup(x.Close)
	p := x.NewParser(Options{})
	t.Cleanup(p.Close)
	res, err := p.Parse(context.Background(), "deploy/app.yaml", "yaml", []byte("a: 1\n# b\n"))
	if err != nil || len(res.Nodes) != 1 || len(res.Edges) != 0 || res.Nodes[0].Language != "yaml" || res.Nodes[0].EndLine != 2 {
		t.Fatalf("yaml: %+v %v", res, err)
	}
	res, err = p.Parse(context.Background(), "README.md", "markdown", []byte("# A\n\n## B ##\ntext\n"))
	if err != nil {
		t.Fatal(err)
	}
	var qns []string
	for _, n := range res.Nodes[1:] {
		qns = append(qns, n.QualifiedName)
	}
	if strings.Join(qns, "|") != "A|A.B" || res.Nodes[2].StartLine != 3 || res.Nodes[2].EndLine != 4 {
		t.Errorf("sections %v %+v", qns, res.Nodes)
	}
}
