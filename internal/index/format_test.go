package index

import (
	"encoding/binary"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// An index written in the previous store format (format 3: qualified-name
// keys without the directory, unresolved keys without the target's last
// identifier) is rebuilt by the next run, and the rebuilt index answers
// the lookups that need the new keys.
func TestOlderFormatRebuilt(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "a.go", "package p\n\nfunc A() { B(); x.Missing() }\n")
	writeFile(t, root, "b.go", "package p\n\nfunc B() {}\n")

	// A store as format 3 left it: its format version and a
	// qualified-name key of the old shape (qn | 0x00 | id).
	db, err := pebble.Open(DBDirFor(root), &pebble.Options{})
	if err != nil {
		t.Fatal(err)
	}
	old := append([]byte{0x03, 'q'}, "B\x00"...)
	old = binary.BigEndian.AppendUint64(old, 42)
	if err := db.Set(old, nil, pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Set([]byte{0x04, 's'}, binary.AppendUvarint(nil, uint64(store.FormatVersion-1)), pebble.Sync); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true}); err == nil {
		t.Fatal("the old store opened")
	}

	if s := runIndex(t, root); !s.Rebuilt || s.Added != 2 {
		t.Fatalf("run over the old store: %+v", s)
	}
	st, err := store.Open(DBDirFor(root), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var got []graph.Node
	if err := st.NodesByQualifiedNameIn("B", ".", func(n graph.Node) error { got = append(got, n); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].File != "b.go" {
		t.Errorf("B in .: %+v", got)
	}
	var named []graph.Edge
	if err := st.UnresolvedEdgesNamed(graph.EdgeCalls, "Missing", func(e graph.Edge) error { named = append(named, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(named) != 1 || named[0].File != "a.go" {
		t.Errorf("unresolved calls named Missing: %+v", named)
	}
	if _, err := st.CheckGraph(t.Context()); err != nil {
		t.Error(err)
	}
}
