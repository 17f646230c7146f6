package service

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestLowerLayersNameNoCommand: the errors of the layers below name no
// command of the command line; each front door words the remedy itself.
func TestLowerLayersNameNoCommand(t *testing.T) {
	t.Parallel()
	noIndex := func() error {
		_, err := store.Open(filepath.Join(t.TempDir(), "db"), store.Options{ReadOnly: true})
		return err
	}()
	outdated := func() error {
		db := t.TempDir()
		dir := filepath.Join(db, search.DirName)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "state.json"), []byte(`{"version": 1}`), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := search.Check(db)
		return err
	}()
	stale := historyError(fmt.Errorf("%w ([a.go])", history.ErrStale))
	for _, tc := range []struct {
		name string
		err  error
		code Code
		hint map[Door]string // what each door's message must say
	}{
		{"no index", noIndex, CodeUnavailable, map[Door]string{DoorCLI: "`codegraph index`", DoorREST: "POST /index", DoorGraphQL: "parseProject", DoorMCP: "index tool"}},
		{"outdated search index", outdated, CodeUnavailable, map[Door]string{DoorCLI: "`codegraph index`", DoorREST: "POST /index", DoorMCP: "index tool"}},
		{"stale index", stale, CodeConflict, map[Door]string{DoorCLI: "`codegraph watch`", DoorREST: "POST /index", DoorGraphQL: "parseProject", DoorMCP: "index tool"}},
		{"interrupted run", index.ErrIncomplete, CodeInternal, nil},
	} {
		if tc.err == nil {
			t.Fatalf("%s: no error", tc.name)
		}
		if strings.Contains(tc.err.Error(), "`codegraph") || strings.Contains(tc.err.Error(), "run codegraph") {
			t.Errorf("%s: the message names a command: %v", tc.name, tc.err)
		}
		if got := Classify(tc.err); got != tc.code {
			t.Errorf("%s: Classify = %s, want %s", tc.name, got, tc.code)
		}
		for door, want := range tc.hint {
			if msg := Explain(tc.err, door); !strings.Contains(msg, want) {
				t.Errorf("%s, door %d: %q does not say %q", tc.name, door, msg, want)
			}
		}
	}
	if !errors.Is(noIndex, store.ErrNotFound) {
		t.Errorf("no index is not an ErrNotFound any more: %v", noIndex)
	}
}

// TestSnapshotNode: a node that does not exist is a not-found error of the
// taxonomy, which every door maps (REST 404, GraphQL null), not the
// store's sentinel each door would test for itself.
func TestSnapshotNode(t *testing.T) {
	t.Parallel()
	_, r := fixture(t)
	sn, release, err := r.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	_, err = sn.Node(graph.NodeID(1))
	var se *Error
	if !errors.As(err, &se) || Classify(err) != CodeNotFound || err.Error() != "no node "+graph.NodeID(1).String() {
		t.Fatalf("missing node: %v", err)
	}
}
