package store

import (
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

func TestUpdateFileMetaKeepsFacts(t *testing.T) {
	s, err := Open(t.TempDir(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := graph.Node{ID: 7, Kind: graph.KindFunction, Name: "f", QualifiedName: "f", File: "a.go"}
	b := s.NewBatch()
	if err := b.ReplaceFile(FileMeta{Path: "a.go", Size: 10, ModTime: 1, Hash: 99}, []graph.Node{n}, nil); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	if err := b.UpdateFileMeta(FileMeta{Path: "a.go", Size: 10, ModTime: 2, Hash: 99}); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	b.Close()
	m, err := s.FileMeta("a.go")
	if err != nil {
		t.Fatal(err)
	}
	if m.ModTime != 2 || m.Nodes() != 1 {
		t.Errorf("meta after update = %+v", m)
	}
	if _, err := s.Node(7); err != nil {
		t.Errorf("node lost by a meta update: %v", err)
	}
	b = s.NewBatch()
	defer b.Close()
	if err := b.UpdateFileMeta(FileMeta{Path: "missing.go"}); err == nil {
		t.Error("updating the meta of an unindexed file succeeded")
	}
}
