package store

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// walBytes sums the write-ahead log files in dir: what a read-only open
// replays.
func walBytes(t *testing.T, dir string) int64 {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".log") {
			fi, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			n += fi.Size()
		}
	}
	return n
}

// TestCloseLeavesNoLogToReplay: a writer that synced its updates without
// flushing them (as a watcher does) flushes when it closes, so that the
// read-only opens after it do not each replay the log; a throwaway store
// (a diff's overlay, deleted after Close) does not: its log stays.
func TestCloseLeavesNoLogToReplay(t *testing.T) {
	for _, throwaway := range []bool{false, true} {
		t.Run(fmt.Sprint("throwaway=", throwaway), func(t *testing.T) { testCloseFlush(t, throwaway) })
	}
}

func testCloseFlush(t *testing.T, throwaway bool) {
	dir := t.TempDir()
	s, err := Open(dir, Options{Throwaway: throwaway})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		path := fmt.Sprintf("pkg/f%d.go", i)
		var nodes []graph.Node
		for j := range 50 {
			qn := fmt.Sprintf("F%d_%d", i, j)
			nodes = append(nodes, graph.Node{ID: graph.MakeNodeID(path, qn, graph.KindFunction, 0), Kind: graph.KindFunction,
				Name: qn, QualifiedName: qn, File: path, Language: "go", StartLine: uint32(j + 1), EndLine: uint32(j + 1),
				Signature: "func " + qn + "() " + strings.Repeat("x", 40)})
		}
		replace(t, s, FileMeta{Path: path, Language: "go", Size: 100}, nodes, nil)
	}
	wal, err := s.Sync()
	if err != nil {
		t.Fatal(err)
	}
	if wal <= closeFlushBytes {
		t.Fatalf("the test wrote only %d bytes of log", wal)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if n := walBytes(t, dir); !throwaway && n > closeFlushBytes {
		t.Errorf("%d bytes of log left for readers to replay", n)
	} else if throwaway && n <= closeFlushBytes {
		t.Errorf("a throwaway store flushed its log on close (%d bytes left)", n)
	}
	r, err := Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if got := collect(t, func(fn func(graph.Node) error) error { return r.NodesInFile("pkg/f39.go", fn) }); len(got) != 50 {
		t.Errorf("after close: %d nodes in pkg/f39.go, want 50", len(got))
	}
}
