package index

import (
	"context"
	"errors"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

// TestSelectionDeletesGuard: a run whose changed file selection would
// delete more than half of the index fails before writing anything,
// unless ConfirmDeletes; the same selection again, or a small change,
// runs.
func TestSelectionDeletesGuard(t *testing.T) {
	repo := testrepo.Copy(t, "")
	ctx := context.Background()
	first, err := Run(ctx, Options{Root: repo, NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range []Options{
		{MaxFileSize: 1},
		{Include: []string{"nothing/"}},
		{Exclude: []string{"*"}},
		{Languages: []string{"rust"}},
	} {
		o.Root, o.NoSearch = repo, true
		sum, err := Run(ctx, o)
		var sel *SelectionDeletesError
		if !errors.Is(err, ErrSelectionDeletes) || !errors.As(err, &sel) {
			t.Fatalf("Run(%+v) = %v, want a SelectionDeletesError", o, err)
		}
		if sel.Indexed != first.Files || sel.Delete <= first.Files/2 || len(sel.Changed) != 1 {
			t.Errorf("Run(%+v): %+v (indexed %d)", o, sel, first.Files)
		}
		if sum != nil && sum.Deleted != 0 {
			t.Errorf("Run(%+v) deleted %d", o, sum.Deleted)
		}
		again, err := Run(ctx, Options{Root: repo, NoSearch: true})
		if err != nil || again.Unchanged != first.Files || again.Deleted != 0 {
			t.Fatalf("after the refused run: %+v, %v; want %d unchanged", again, err, first.Files)
		}
	}
	// The defaults spelled out are the same selection.
	if _, err := Run(ctx, Options{Root: repo, NoSearch: true, MaxFileSize: 1 << 20, Languages: []string{}}); err != nil {
		t.Errorf("explicit defaults: %v", err)
	}
	sum, err := Run(ctx, Options{Root: repo, NoSearch: true, Languages: []string{"rust"}, ConfirmDeletes: true})
	if err != nil || sum.Deleted <= first.Files/2 {
		t.Fatalf("ConfirmDeletes: %+v, %v", sum, err)
	}
	// Now the stored selection is rust: running it again asks nothing.
	if _, err := Run(ctx, Options{Root: repo, NoSearch: true, Languages: []string{"rust"}}); err != nil {
		t.Errorf("same selection again: %v", err)
	}
}
