package check

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestRunInProgress: an incomplete run marker is a problem when no
// process holds the writer lock (the run was interrupted) and a note when
// one does (the run is still going).
func TestRunInProgress(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	if _, err := index.Run(context.Background(), index.Options{Root: repo, Search: search.Config{NoVectors: true}}); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(repo, ".codegraph")
	rep, err := Run(context.Background(), db)
	if err != nil || !rep.OK() || len(rep.Notes) != 0 {
		t.Fatalf("clean index: %v %+v", err, rep)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b := st.NewBatch()
	if err := b.SetMeta(index.MetaRun, []byte(`{"gen":9,"complete":false}`)); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(true); err != nil {
		t.Fatal(err)
	}
	b.Close()
	if _, err := st.Sync(); err != nil {
		t.Fatal(err)
	}
	// The writer holds the lock: a run in progress.
	rep, err = Run(context.Background(), db)
	if err != nil || !rep.OK() || len(rep.Notes) != 1 || !strings.Contains(rep.Notes[0], "in progress") {
		t.Errorf("incomplete run with a writer: %v problems %v notes %v", err, rep.Problems, rep.Notes)
	}
	st.Close()
	// Nobody holds it: an interrupted run.
	rep, err = Run(context.Background(), db)
	if err != nil || rep.OK() || rep.Problems[0].Area != AreaRun || rep.Problems[0].Fix != RemedyComplete {
		t.Errorf("interrupted run: %v %+v", err, rep)
	}
}

// TestRemediesNameNoCommand: the check package words no command of the
// command line (the front doors do); each remedy has a name and a text.
func TestRemediesNameNoCommand(t *testing.T) {
	for _, r := range []Remedy{RemedyRebuild, RemedyComplete, RemedyRecreate} {
		name, err := r.MarshalText()
		if err != nil || len(name) == 0 {
			t.Errorf("remedy %d: name %q, %v", r, name, err)
		}
		p := Problem{Area: AreaStore, What: "damaged", Fix: r}
		if s := p.String(); strings.Contains(s, "codegraph") || strings.Contains(s, "`") {
			t.Errorf("remedy %s names a command: %q", name, s)
		}
	}
}
