package store

import (
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// openTest opens a writer in a new temporary directory, closed at cleanup.
func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	return openTestDir(t, t.TempDir(), opts)
}

func openTestDir(t testing.TB, dir string, opts Options) *Store {
	t.Helper()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", dir, err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// replace writes one file in its own committed batch.
func replace(t testing.TB, s *Store, meta FileMeta, nodes []graph.Node, edges []graph.Edge) {
	t.Helper()
	b := s.NewBatch()
	defer b.Close()
	if err := b.ReplaceFile(meta, nodes, edges); err != nil {
		t.Fatalf("ReplaceFile(%s): %v", meta.Path, err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

// collect gathers what a streaming read yields.
func collect[T any](t testing.TB, scan func(func(T) error) error) []T {
	t.Helper()
	var out []T
	if err := scan(func(v T) error { out = append(out, v); return nil }); err != nil {
		t.Fatalf("scan: %v", err)
	}
	return out
}

func nodeIDs(nodes []graph.Node) []graph.NodeID {
	ids := make([]graph.NodeID, len(nodes))
	for i, n := range nodes {
		ids[i] = n.ID
	}
	return ids
}

// genFile builds version v of a synthetic file with n nodes: a file node,
// then functions fn1..fn(n-1) (every third one capitalised) in a call chain.
// Every node's Signature is "v=<v>"; the file contains each function, each
// function calls the next (resolved) and an external function (unresolved,
// target "ext.v<v>.call<i>"). The meta's ExtractorVersion and Hash are v.
func genFile(path string, v, n int) (FileMeta, []graph.Node, []graph.Edge) {
	meta := FileMeta{Path: path, Language: "go", Size: int64(100 * n), ModTime: int64(v), Hash: uint64(v), ExtractorVersion: uint32(v)}
	sig := "v=" + strconv.Itoa(v)
	fileID := graph.MakeNodeID(path, path, graph.KindFile, 0)
	nodes := []graph.Node{{
		ID: fileID, Kind: graph.KindFile, Name: path, QualifiedName: path, Language: "go", File: path,
		StartLine: 1, EndLine: uint32(10 * n), EndByte: uint32(100 * n), Signature: sig,
	}}
	for i := 1; i < n; i++ {
		name := "fn" + strconv.Itoa(i)
		if i%3 == 0 {
			name = "Fn" + strconv.Itoa(i)
		}
		qn := "pkg." + name
		nodes = append(nodes, graph.Node{
			ID: graph.MakeNodeID(path, qn, graph.KindFunction, 0), Kind: graph.KindFunction,
			Name: name, QualifiedName: qn, Language: "go", File: path,
			StartLine: uint32(10 * i), EndLine: uint32(10*i + 9), StartByte: uint32(100 * i), EndByte: uint32(100*i + 99),
			Signature: sig, Doc: strings.Repeat("documentation ", 8), Visibility: graph.VisPublic,
			ContentHash: uint64(v*1000 + i), Parent: fileID,
		})
	}
	var edges []graph.Edge
	for i := 1; i < n; i++ {
		fn := nodes[i]
		edges = append(edges, graph.Edge{Kind: graph.EdgeContains, Src: fileID, Dst: fn.ID, Target: fn.Name, File: path, Line: fn.StartLine})
		if i+1 < n {
			next := nodes[i+1]
			edges = append(edges, graph.Edge{Kind: graph.EdgeCalls, Src: fn.ID, Dst: next.ID, Target: next.Name, File: path, Line: fn.StartLine + 1})
		}
		edges = append(edges, graph.Edge{Kind: graph.EdgeCalls, Src: fn.ID, Target: fmt.Sprintf("ext.v%d.call%d", v, i), File: path, Line: fn.StartLine + 2})
	}
	return meta, nodes, edges
}

// keyCounts counts the keys of each key space, by a readable name.
func keyCounts(s *Store) (map[string]int, error) {
	it, err := s.db.NewIter(nil)
	if err != nil {
		return nil, err
	}
	defer it.Close()
	counts := make(map[string]int)
	for ok := it.First(); ok; ok = it.Next() {
		k := it.Key()
		name := fmt.Sprintf("%#x", k[0])
		switch {
		case k[0] == famNodes:
			name = "nodes"
		case len(k) > 1:
			name = fmt.Sprintf("%#x/%c", k[0], k[1])
		}
		counts[name]++
	}
	return counts, it.Error()
}

// verifyStore checks that every indexed file is exactly one complete
// version of genFile's output and that no key space holds anything the
// file metas do not account for.
func verifyStore(s *Store) error {
	var metas []FileMeta
	if err := s.Files(func(m FileMeta) error { metas = append(metas, m); return nil }); err != nil {
		return err
	}
	want := map[string]int{}
	for _, m := range metas {
		sig := fmt.Sprintf("v=%d", m.ExtractorVersion)
		counts := map[string]uint32{}
		edgeCounts := map[string]uint32{}
		lower, unresolved := 0, 0
		err := s.NodesInFile(m.Path, func(n graph.Node) error {
			if n.Signature != sig {
				return fmt.Errorf("%s: node %s has %q, meta says %q", m.Path, n.QualifiedName, n.Signature, sig)
			}
			counts[n.Kind.String()]++
			if strings.ToLower(n.Name) != n.Name {
				lower++
			}
			return s.OutEdges(n.ID, nil, func(e graph.Edge) error {
				edgeCounts[e.Kind.String()]++
				if !e.Resolved() {
					unresolved++
					if !strings.HasPrefix(e.Target, fmt.Sprintf("ext.v%d.", m.ExtractorVersion)) {
						return fmt.Errorf("%s: edge to %q, meta says %s", m.Path, e.Target, sig)
					}
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		if !maps.Equal(counts, m.NodeCounts) {
			return fmt.Errorf("%s (%s): nodes by kind %v, meta says %v", m.Path, sig, counts, m.NodeCounts)
		}
		if !maps.Equal(edgeCounts, m.EdgeCounts) {
			return fmt.Errorf("%s (%s): edges by kind %v, meta says %v", m.Path, sig, edgeCounts, m.EdgeCounts)
		}
		nodes, edges := int(m.Nodes()), int(m.Edges())
		want["nodes"] += nodes
		for _, sp := range []byte{spaceName, spaceQName, spaceFile, spaceKind} {
			want[fmt.Sprintf("%#x/%c", famIndex, sp)] += nodes
		}
		want[fmt.Sprintf("%#x/%c", famIndex, spaceLower)] += lower
		want[fmt.Sprintf("%#x/%c", famEdges, spaceOut)] += edges
		want[fmt.Sprintf("%#x/%c", famEdges, spaceIn)] += edges - unresolved
		want[fmt.Sprintf("%#x/%c", famEdges, spaceUnresolved)] += unresolved
		want[fmt.Sprintf("%#x/%c", famMeta, spaceFileMeta)]++
	}
	got, err := keyCounts(s)
	if err != nil {
		return err
	}
	for name, n := range want {
		if got[name] != n {
			return fmt.Errorf("key space %s holds %d keys, want %d (all: %v)", name, got[name], n, got)
		}
	}
	for name, n := range got {
		if _, ok := want[name]; !ok && n > 0 && !strings.HasPrefix(name, fmt.Sprintf("%#x/", famMeta)) {
			return fmt.Errorf("key space %s holds %d unexpected keys", name, n)
		}
	}
	return nil
}

var errStop = errors.New("stop")

var sprintf = fmt.Sprintf
