package graphql

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestRebuildIndexUnderLock: rebuildIndex goes through an index job under
// the writer lock; while another writer holds it, the search indexes are
// left alone (it deleted their state file at once, beside the writer), and
// the job rebuilds them once the lock is free.
func TestRebuildIndexUnderLock(t *testing.T) {
	t.Parallel()
	f := newFixture(t, Options{}, nil)
	db := filepath.Join(f.root, index.DefaultDirName)
	state := filepath.Join(db, "search", "state.json")
	rp, err := f.svc.Repo("shop")
	if err != nil {
		t.Fatal(err)
	}
	rp.SetLockedRetry(20*time.Millisecond, 1<<20)
	w, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var rb struct{ RebuildIndex struct{ TaskID string } }
	f.data(t, `mutation { rebuildIndex(type: LEXICAL) { taskId } }`, nil, &rb)
	for range 10 {
		if _, err := os.Stat(state); err != nil {
			w.Close()
			t.Fatalf("the search state went while another process held the writer lock: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	job, err := f.svc.Jobs().Wait(ctx, rb.RebuildIndex.TaskID)
	if err != nil || job.State != "succeeded" {
		t.Fatalf("rebuild job %+v: %v", job, err)
	}
	if _, err := os.Stat(state); err != nil {
		t.Fatalf("search state after the rebuild: %v", err)
	}
	var s struct{ Search struct{ Hits []any } }
	f.data(t, `{ search(query: "order", options: {mode: LEXICAL}) { hits { score } } }`, nil, &s)
	if len(s.Search.Hits) == 0 {
		t.Error("no search hits after the rebuild")
	}
}
