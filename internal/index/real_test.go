package index

import (
	"context"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestRealCorpus indexes GOROOT's net/http and checks facts a user would
// look for.
func TestRealCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("indexes a real package tree")
	}
	root := filepath.Join(runtime.GOROOT(), "src", "net", "http")
	db := t.TempDir()
	sum, err := Run(context.Background(), Options{Root: root, DBDir: db})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Files < 100 || sum.ErrorN != 0 {
		t.Fatalf("summary: files=%d errors=%v", sum.Files, sum.Errors)
	}
	st, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var serve *graph.Node
	err = st.NodesByQualifiedName("Server.ListenAndServe", func(n graph.Node) error {
		if n.File == "server.go" {
			serve = &n
		}
		return nil
	})
	if err != nil || serve == nil {
		t.Fatalf("Server.ListenAndServe not found in server.go (%v)", err)
	}
	if serve.Kind != graph.KindMethod || serve.Visibility != graph.VisPublic || serve.Doc == "" {
		t.Errorf("Server.ListenAndServe = %+v", serve)
	}
	calls := map[string]bool{}
	if err := st.OutEdges(serve.ID, []graph.EdgeKind{graph.EdgeCalls}, func(e graph.Edge) error {
		calls[e.Target] = true
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"net.Listen", "s.Serve"} {
		if !calls[want] {
			t.Errorf("ListenAndServe does not call %s (calls %v)", want, calls)
		}
	}
	found := false
	if err := st.NodesByName("Handler", func(n graph.Node) error {
		found = found || (n.Kind == graph.KindInterface && n.File == "server.go")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if !found {
		t.Error("interface Handler not found in server.go")
	}
}
