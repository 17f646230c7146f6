package store

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// benchFile builds version v of a file with 200 nodes (a file node and 199
// functions) and 800 edges: each function is contained by the file, calls
// two other functions of the file and one unresolved target; the file node
// imports four packages.
func benchFile(path string, v int) (FileMeta, []graph.Node, []graph.Edge) {
	const nodesPerFile = 200
	meta := FileMeta{Path: path, Language: "go", Size: 20000, Hash: uint64(v), ExtractorVersion: 1}
	fileID := graph.MakeNodeID(path, path, graph.KindFile, 0)
	nodes := make([]graph.Node, 0, nodesPerFile)
	nodes = append(nodes, graph.Node{ID: fileID, Kind: graph.KindFile, Name: path, QualifiedName: path, Language: "go", File: path})
	for i := 1; i < nodesPerFile; i++ {
		name := "Handle" + strconv.Itoa(i)
		qn := "server.Server." + name
		nodes = append(nodes, graph.Node{
			ID: graph.MakeNodeID(path, qn, graph.KindMethod, 0), Kind: graph.KindMethod,
			Name: name, QualifiedName: qn, Language: "go", File: path,
			StartLine: uint32(10*i + v), EndLine: uint32(10*i + v + 8), StartByte: uint32(100*i + v), EndByte: uint32(100*i + v + 90),
			Signature: "func (s *Server) " + name + "(ctx context.Context, req *Request) (*Response, error)",
			Doc:       "Handle" + strconv.Itoa(i) + " handles one kind of request.", Visibility: graph.VisPublic,
			ContentHash: uint64(v)<<32 | uint64(i), Parent: fileID,
		})
	}
	edges := make([]graph.Edge, 0, 4*nodesPerFile)
	for i, imp := range []string{"context", "errors", "fmt", "net/http"} {
		edges = append(edges, graph.Edge{Kind: graph.EdgeImports, Src: fileID, Target: imp, File: path, Line: uint32(3 + i)})
	}
	for i := 1; i < nodesPerFile; i++ {
		n := &nodes[i]
		a, b := &nodes[1+(i*7)%(nodesPerFile-1)], &nodes[1+(i*13)%(nodesPerFile-1)]
		edges = append(edges,
			graph.Edge{Kind: graph.EdgeContains, Src: fileID, Dst: n.ID, Target: n.Name, File: path, Line: n.StartLine},
			graph.Edge{Kind: graph.EdgeCalls, Src: n.ID, Dst: a.ID, Target: "s." + a.Name, File: path, Line: n.StartLine + 1},
			graph.Edge{Kind: graph.EdgeCalls, Src: n.ID, Dst: b.ID, Target: "s." + b.Name, File: path, Line: n.StartLine + 2},
			graph.Edge{Kind: graph.EdgeCalls, Src: n.ID, Target: "fmt.Errorf", File: path, Line: n.StartLine + 3},
		)
	}
	return meta, nodes, edges
}

// BenchmarkReplaceFile measures ReplaceFile plus its share of a Commit
// (every 16 files, without sync) for files of 200 nodes and 800 edges:
// "new" writes files the store has never seen, "replace" rewrites files
// already stored (reading and deleting the old version first).
func BenchmarkReplaceFile(b *testing.B) {
	const filesPerCommit = 16
	// run replaces file fileNo(i) in iteration i. Files are made from 64
	// templates by renaming them and remapping their ids, so that every
	// file number has its own paths and ids.
	run := func(b *testing.B, s *Store, fileNo func(i int) int) {
		batch := s.NewBatch()
		defer batch.Close()
		type file struct {
			meta  FileMeta
			nodes []graph.Node
			edges []graph.Edge
			ids   []graph.NodeID // template ids: nodes, then edge Src/Dst pairs
		}
		files := make([]file, 64)
		for i := range files {
			f := &files[i]
			f.meta, f.nodes, f.edges = benchFile("template.go", i)
			for _, n := range f.nodes {
				f.ids = append(f.ids, n.ID)
			}
			for _, e := range f.edges {
				f.ids = append(f.ids, e.Src, e.Dst)
			}
		}
		b.ReportAllocs()
		cpu0 := cpuTime()
		for i := 0; b.Loop(); i++ {
			f := &files[i%len(files)]
			k := fileNo(i)
			f.meta.Path = benchPath(k)
			remap(f.nodes, f.edges, f.ids, f.meta.Path, k)
			if err := batch.ReplaceFile(f.meta, f.nodes, f.edges); err != nil {
				b.Fatal(err)
			}
			if i%filesPerCommit == filesPerCommit-1 {
				if err := batch.Commit(false); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := batch.Commit(false); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(b.N*200)/b.Elapsed().Seconds(), "nodes/s")
		// Wall time on a shared machine is noisy; CPU time (including
		// Pebble's background flushes and compactions) less so.
		b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
	}
	b.Run("new", func(b *testing.B) {
		s := openTest(b, Options{})
		run(b, s, func(i int) int { return i })
	})
	b.Run("replace", func(b *testing.B) {
		s := openTest(b, Options{})
		const distinct = 256 // 16 commits' worth, so no path repeats in a batch
		batch := s.NewBatch()
		for k := range distinct {
			meta, nodes, edges := benchFile("template.go", 1000+k)
			var ids []graph.NodeID
			for _, n := range nodes {
				ids = append(ids, n.ID)
			}
			for _, e := range edges {
				ids = append(ids, e.Src, e.Dst)
			}
			meta.Path = benchPath(k)
			remap(nodes, edges, ids, meta.Path, k)
			if err := batch.ReplaceFile(meta, nodes, edges); err != nil {
				b.Fatal(err)
			}
			if k%filesPerCommit == filesPerCommit-1 {
				if err := batch.Commit(false); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := batch.Close(); err != nil {
			b.Fatal(err)
		}
		run(b, s, func(i int) int { return i % distinct })
	})
}

func benchPath(k int) string { return fmt.Sprintf("pkg/file%07d.go", k) }

// remap gives a template file the path and ids of file number k.
func remap(nodes []graph.Node, edges []graph.Edge, ids []graph.NodeID, path string, k int) {
	mix := graph.NodeID(uint64(k+1) * 0x9E3779B97F4A7C15)
	for j := range nodes {
		nodes[j].ID, nodes[j].File = ids[j]^mix, path
	}
	ids = ids[len(nodes):]
	for j := range edges {
		edges[j].Src, edges[j].File = ids[2*j]^mix, path
		if d := ids[2*j+1]; d != 0 {
			edges[j].Dst = d ^ mix
		}
	}
}

// BenchmarkNodesByName looks names up in a flushed and compacted store of
// 200 files × 200 nodes: "unique" names have one node, "common" ones (the
// method names, shared by every file) 200.
func BenchmarkNodesByName(b *testing.B) {
	s := openTest(b, Options{})
	const files = 200
	batch := s.NewBatch()
	defer batch.Close()
	for i := range files {
		meta, nodes, edges := benchFile(fmt.Sprintf("pkg/file%03d.go", i), i)
		if err := batch.ReplaceFile(meta, nodes, edges); err != nil {
			b.Fatal(err)
		}
		if i%16 == 15 {
			if err := batch.Commit(false); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := batch.Commit(true); err != nil {
		b.Fatal(err)
	}
	if err := s.db.Compact(context.Background(), []byte{0}, []byte{0xff}, true); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name  string
		query func(i int) string
		want  int
	}{
		{"unique", func(i int) string { return fmt.Sprintf("pkg/file%03d.go", i%files) }, 1},
		{"common", func(i int) string { return "Handle" + strconv.Itoa(1+i%199) }, files},
		{"missing", func(i int) string { return "Nope" + strconv.Itoa(i%199) }, 0},
	} {
		b.Run(bc.name, func(b *testing.B) {
			queries := make([]string, 1024)
			for i := range queries {
				queries[i] = bc.query(i)
			}
			b.ReportAllocs()
			cpu0 := cpuTime()
			for i := 0; b.Loop(); i++ {
				n := 0
				if err := s.NodesByName(queries[i%len(queries)], func(graph.Node) error { n++; return nil }); err != nil {
					b.Fatal(err)
				}
				if n != bc.want {
					b.Fatalf("%d nodes, want %d", n, bc.want)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
