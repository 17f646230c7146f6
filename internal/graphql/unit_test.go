package graphql

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// TestGeneratedMatchesSchema fails when schema.graphqls changed without
// go generate: every object field of the schema must have its generated
// field executor, and every generated executor a schema field. (make
// check-generated regenerates and diffs, for argument changes too.)
func TestGeneratedMatchesSchema(t *testing.T) {
	gen, err := os.ReadFile("generated.go")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`(?m)^func \(ec \*executionContext\) _([A-Z][A-Za-z]*)_([a-z][A-Za-z]*)\(ctx context\.Context, field graphql\.CollectedField`)
	generated := map[string]bool{}
	for _, m := range re.FindAllSubmatch(gen, -1) {
		generated[string(m[1])+"."+string(m[2])] = true
	}
	schema := map[string]bool{}
	for name, def := range parsedSchema().Types {
		if def.Kind != ast.Object || strings.HasPrefix(name, "__") {
			continue
		}
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				schema[name+"."+f.Name] = true
			}
		}
	}
	var missing, extra []string
	for k := range schema {
		if !generated[k] {
			missing = append(missing, k)
		}
	}
	for k := range generated {
		if !schema[k] {
			extra = append(extra, k)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	if len(missing) > 0 || len(extra) > 0 {
		t.Fatalf("generated.go is stale (run go generate ./internal/graphql): fields without executor %v, executors without field %v", missing, extra)
	}
}

func TestBatcher(t *testing.T) {
	var calls atomic.Int64
	b := newBatcher(50*time.Millisecond, 5*time.Millisecond, func(ids []graph.NodeID) ([]int, error) {
		calls.Add(1)
		out := make([]int, len(ids))
		for i, id := range ids {
			if id == 13 {
				return nil, errors.New("unlucky")
			}
			out[i] = int(id) * 2
		}
		return out, nil
	})
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := 1; i <= 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := graph.NodeID(i%12 + 1) // ids asked several times
			v, err := b.load(ctx, id)
			if err != nil || v != int(id)*2 {
				t.Errorf("load %d = %d, %v", id, v, err)
			}
		}()
	}
	wg.Wait()
	if c := calls.Load(); c > 2 {
		t.Errorf("%d fetches for 12 ids asked at once", c)
	}
	before := calls.Load()
	if v, err := b.load(ctx, 5); err != nil || v != 10 || calls.Load() != before {
		t.Errorf("cached load: %d %v, fetches %d -> %d", v, err, before, calls.Load())
	}
	before = calls.Load()
	vs, err := b.loadMany(ctx, []graph.NodeID{30, 31, 5, 32})
	if err != nil || len(vs) != 4 || vs[0] != 60 || vs[2] != 10 || calls.Load() != before+1 {
		t.Errorf("loadMany: %v %v, %d fetches", vs, err, calls.Load()-before)
	}
	if _, err := b.load(ctx, 13); err == nil || err.Error() != "unlucky" {
		t.Errorf("fetch error: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := b.load(cctx, 99); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled load: %v", err)
	}
	// A panicking fetch is an error, not a crash.
	p := newBatcher(time.Millisecond, time.Millisecond, func([]graph.NodeID) ([]int, error) { panic("boom") })
	if _, err := p.load(ctx, 1); err == nil || !strings.Contains(err.Error(), "boom") {
		t.Errorf("panicking fetch: %v", err)
	}
	// A full batch is fetched without waiting.
	slow := newBatcher(time.Hour, time.Hour, func(ids []graph.NodeID) ([]int, error) { return make([]int, len(ids)), nil })
	var wg2 sync.WaitGroup
	for i := range maxBatch {
		wg2.Add(1)
		go func() {
			defer wg2.Done()
			if _, err := slow.load(ctx, graph.NodeID(i+1)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg2.Wait()
}

func TestSelectionDepth(t *testing.T) {
	for _, c := range []struct {
		q    string
		want int
	}{
		{`{ a }`, 1},
		{`{ a { b { c } } d }`, 3},
		{`{ a { ... on T { b { c } } } }`, 3},
		{`fragment F on T { x { y } } { a { ...F } }`, 3},
		{`fragment F on T { ...G } fragment G on T { ...F z } { a { ...F } }`, 2},
		{`{ __schema { types { fields { type { ofType { name } } } } } a }`, 1},
	} {
		doc, err := parser.ParseQuery(&ast.Source{Input: c.q})
		if err != nil {
			t.Fatal(err)
		}
		var op *ast.OperationDefinition
		for _, o := range doc.Operations {
			op = o
		}
		if got := selectionDepth(op.SelectionSet, doc.Fragments, map[string]int{}); got != c.want {
			t.Errorf("%s: depth %d, want %d", c.q, got, c.want)
		}
	}
}

// FuzzSelectionDepth checks that the depth limit terminates on any
// document the parser accepts (fragment cycles included).
func FuzzSelectionDepth(f *testing.F) {
	f.Add(`fragment F on T { ...F a { b } } { x { ...F } }`)
	f.Add(`{ a { b { c { d } } } }`)
	f.Fuzz(func(t *testing.T, q string) {
		doc, err := parser.ParseQuery(&ast.Source{Input: q})
		if err != nil {
			return
		}
		for _, op := range doc.Operations {
			if d := selectionDepth(op.SelectionSet, doc.Fragments, map[string]int{}); d < 0 || d > len(q) {
				t.Fatalf("depth %d for %d bytes", d, len(q))
			}
		}
	})
}

// benchFixture is a served fixture with 60 generated functions.
func benchFixture(b *testing.B) *fixture {
	return newFixture(b, Options{}, func(root string) { genFile(root, 60) })
}

func benchPost(b *testing.B, h http.Handler, body string) {
	req := httptest.NewRequest("POST", "/graphql", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	if w.Code != 200 || strings.Contains(w.Body.String(), `"errors"`) {
		b.Fatalf("%d %s", w.Code, w.Body.String())
	}
}

// BenchmarkNodeByID is one node lookup through the whole handler.
func BenchmarkNodeByID(b *testing.B) {
	f := benchFixture(b)
	id := f.nodeID(b, "F1")
	h := f.srv.Config.Handler
	body := `{"query":"query($id: ID!) { node(id: $id) { id name qualifiedName filePath lineNumber signature } }","variables":{"id":"` + id + `"}}`
	for b.Loop() {
		benchPost(b, h, body)
	}
}

// BenchmarkRelationships50 is 50 nodes with their incoming and outgoing
// calls and the nodes at their other ends (three batched reads).
func BenchmarkRelationships50(b *testing.B) {
	f := benchFixture(b)
	h := f.srv.Config.Handler
	body := `{"query":"{ nodes(filter: {filePath: \"gen/gen.go\", nodeTypes: [FUNCTION]}, pagination: {first: 50}) { edges { node { name out: relationships(kinds: [CALLS]) { target { name } } in: relationships(kinds: [CALLS], direction: INCOMING) { source { name } } } } } }"}`
	for b.Loop() {
		benchPost(b, h, body)
	}
}
