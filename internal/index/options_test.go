package index

import (
	"context"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/store"
	"github.com/codegraph-dev/codegraph/internal/testrepo"
	"github.com/codegraph-dev/codegraph/internal/walk"
)

// TestReuseOptions: a run with ReuseOptions indexes what the previous run
// chose (here only Go), not the defaults; a run without it uses its own.
func TestReuseOptions(t *testing.T) {
	repo := testrepo.Copy(t, "")
	langs := func() map[string]int {
		st, err := store.Open(DBDirFor(repo), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		s, err := st.Stats()
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for l, ls := range s.Languages {
			out[l] = int(ls.Files)
		}
		return out
	}
	ctx := context.Background()
	if _, err := Run(ctx, Options{Root: repo, Languages: []string{"go"}, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := Run(ctx, Options{Root: repo, ReuseOptions: true, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	if got := langs(); got["python"] != 0 || got["go"] != 2 {
		t.Errorf("after a reusing run: %v, want only the 2 Go files", got)
	}
	if _, err := Run(ctx, Options{Root: repo, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	if got := langs(); got["python"] != 1 || got["typescript"] != 2 {
		t.Errorf("after a run with default options: %v", got)
	}
}

// TestStoredWalk: a freshness check walks what the last run indexed.
func TestStoredWalk(t *testing.T) {
	repo := testrepo.Copy(t, "")
	if _, err := Run(context.Background(), Options{Root: repo, Languages: []string{"python"}, NoSearch: true}); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(DBDirFor(repo), store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	wo, err := StoredWalk(st, repo)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	if _, err := walk.Walk(context.Background(), wo, func(f walk.File) error {
		files = append(files, f.Path)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) != 1 || files[0] != "tools/report.py" {
		t.Errorf("stored walk lists %v, want only the Python file", files)
	}
}
