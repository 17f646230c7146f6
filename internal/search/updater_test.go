package search_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/search"
)

// editMoney rewrites web/money.ts with a new function named name (the
// previous edit's function disappears).
func editMoney(t *testing.T, repo string, orig []byte, name string) {
	t.Helper()
	src := fmt.Appendf(append([]byte(nil), orig...), "\nexport function %s(s: string): number {\n  return Number(s.replace(/^%s-/, \"\"));\n}\n", name, name)
	if err := os.WriteFile(filepath.Join(repo, "web", "money.ts"), src, 0o644); err != nil {
		t.Fatal(err)
	}
}

// checkFound asserts that a fresh reader finds name in every mode and does
// not find gone.
func checkFound(t *testing.T, repo, name, gone string) {
	t.Helper()
	s := searcher(t, repo, search.Config{})
	for _, mode := range []search.Mode{search.Lexical, search.Hybrid, search.Semantic} {
		hits := find(t, s, search.Request{Query: name, Mode: mode, Limit: 1})
		if len(hits) != 1 || hits[0].Name != name {
			t.Errorf("%s: %s not found: %v", mode, name, names(hits))
		}
		if gone != "" {
			for _, h := range find(t, s, search.Request{Query: gone, Mode: mode}) {
				if h.Name == gone {
					t.Errorf("%s: removed %s still found", mode, gone)
				}
			}
		}
	}
	if hits := find(t, s, search.Request{Query: name + "-", Mode: search.Exact}); len(hits) != 1 || hits[0].Name != name {
		t.Errorf("exact %s-: %+v", name, hits)
	}
	if gone != "" {
		if hits := find(t, s, search.Request{Query: gone + "-", Mode: search.Exact}); len(hits) != 0 {
			t.Errorf("exact finds removed %s: %+v", gone, hits)
		}
	}
}

// TestUpdater: a long-lived Updater (held by index.Updater) applies each
// update durably, so that a fresh reader sees it, and notices when the
// indexes are rebuilt underneath it.
func TestUpdater(t *testing.T) {
	repo, u := openUpdater(t)
	orig, err := os.ReadFile(filepath.Join(repo, "web", "money.ts"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	prev := ""
	for i := range 4 {
		name := fmt.Sprintf("parseInvoice%d", i)
		editMoney(t, repo, orig, name)
		sum, err := u.Update(ctx, []string{"web/money.ts"})
		if err != nil {
			t.Fatal(err)
		}
		if sum.Search == nil || sum.Search.Rebuilt || sum.Search.Embedded != 1 {
			t.Fatalf("update %d: search %+v (want one symbol embedded, no rebuild)", i, sum.Search)
		}
		checkFound(t, repo, name, prev)
		prev = name
	}

	// Another writer rebuilds the indexes underneath (same process here;
	// a crash-restarted writer would do the same): the Updater must not
	// write its stale in-memory state over them.
	ss, err := search.Update(ctx, u.Store(), u.DBDir(), repo, search.Changes{Rebuild: true}, search.Config{})
	if err != nil || !ss.Rebuilt {
		t.Fatalf("rebuild underneath: %+v %v", ss, err)
	}
	editMoney(t, repo, orig, "parseInvoiceAfter")
	sum, err := u.Update(ctx, []string{"web/money.ts"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Search == nil || sum.Search.Rebuilt {
		t.Fatalf("update after a rebuild underneath: %+v", sum.Search)
	}
	checkFound(t, repo, "parseInvoiceAfter", prev)
	if n := len(find(t, searcher(t, repo, search.Config{}), search.Request{Query: "Store.Get", Limit: 1})); n != 1 {
		t.Errorf("the rest of the index is lost after the reopen")
	}

	// A damaged state file is noticed by the open Updater: it rebuilds.
	if err := os.WriteFile(filepath.Join(u.DBDir(), search.DirName, "state.json"), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	editMoney(t, repo, orig, "parseInvoiceDamaged")
	if sum, err = u.Update(ctx, []string{"web/money.ts"}); err != nil {
		t.Fatal(err)
	}
	if sum.Search == nil || !sum.Search.Rebuilt {
		t.Fatalf("damaged state under an open Updater: %+v", sum.Search)
	}
	checkFound(t, repo, "parseInvoiceDamaged", "parseInvoiceAfter")
}

// TestUpdaterClosed: a closed Updater refuses work; Close is idempotent.
func TestUpdaterClosed(t *testing.T) {
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	u, err := index.NewUpdater(index.Options{Root: repo, NoSearch: true})
	if err != nil {
		t.Fatal(err)
	}
	defer u.Close()
	su := search.NewUpdater(u.Store(), u.DBDir(), repo, search.Config{})
	ctx := context.Background()
	if err := su.Warm(ctx); err != nil {
		t.Fatal(err)
	}
	if reason, err := su.RebuildReason(); err != nil || reason != "" {
		t.Fatalf("rebuild reason of a fresh index: %q %v", reason, err)
	}
	if err := su.Close(); err != nil {
		t.Fatal(err)
	}
	if err := su.Close(); err != nil {
		t.Fatalf("second close: %v", err)
	}
	if _, err := su.Update(ctx, search.Changes{}); !errors.Is(err, search.ErrClosed) {
		t.Errorf("update after close: %v", err)
	}
	if err := su.Warm(ctx); !errors.Is(err, search.ErrClosed) {
		t.Errorf("warm after close: %v", err)
	}
}

// TestUpdaterKeepsModel: once open, an Updater embeds with the model it
// decoded, not by reading model.bin per update (which costs more than a
// small update).
func TestUpdaterKeepsModel(t *testing.T) {
	repo, u := openUpdater(t)
	orig, err := os.ReadFile(filepath.Join(repo, "web", "money.ts"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	model := filepath.Join(u.DBDir(), search.DirName, "model.bin")
	if err := os.Rename(model, model+".away"); err != nil {
		t.Fatal(err)
	}
	editMoney(t, repo, orig, "parseInvoiceKept")
	sum, err := u.Update(ctx, []string{"web/money.ts"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Search == nil || sum.Search.Rebuilt || sum.Search.Embedded != 1 {
		t.Fatalf("update without model.bin on disk: %+v (want the open model used, no rebuild)", sum.Search)
	}
	if err := os.Rename(model+".away", model); err != nil {
		t.Fatal(err)
	}
	checkFound(t, repo, "parseInvoiceKept", "")
}

// TestUpdaterMergesLater: an update that grows the lexical delta past its
// merge threshold returns with only the delta written (readers find the
// new symbols in it) and the Updater merges it into a new base in the
// background; the search results stay the same.
func TestUpdaterMergesLater(t *testing.T) {
	repo, u := openUpdater(t)
	ctx := context.Background()
	// More symbols than the smallest merge threshold (2,048 documents).
	var src strings.Builder
	for i := range 2100 {
		fmt.Fprintf(&src, "export function bulkHelper%d(): number {\n  return %d;\n}\n", i, i)
	}
	fmt.Fprintf(&src, "export function zebraQuota(s: string): number {\n  return Number(s.replace(/^zebraQuota-/, \"\"));\n}\n")
	if err := os.WriteFile(filepath.Join(repo, "web", "bulk.ts"), []byte(src.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := u.Update(ctx, []string{"web/bulk.ts"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Search == nil || sum.Search.Rebuilt || sum.Search.Symbols < 2100 {
		t.Fatalf("update: search %+v (want the symbols added, no rebuild)", sum.Search)
	}
	checkFound(t, repo, "zebraQuota", "")
	lexDir := filepath.Join(u.DBDir(), search.DirName, "lexical")
	merged := func() bool {
		_, err := os.Stat(filepath.Join(lexDir, "delta.lex"))
		return errors.Is(err, fs.ErrNotExist)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !merged() && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !merged() {
		t.Fatal("the lexical delta was not merged in the background")
	}
	checkFound(t, repo, "zebraQuota", "")
	// The next update goes on from the merged base.
	if err := os.Remove(filepath.Join(repo, "web", "bulk.ts")); err != nil {
		t.Fatal(err)
	}
	if _, err := u.Update(ctx, []string{"web/bulk.ts"}); err != nil {
		t.Fatal(err)
	}
	s := searcher(t, repo, search.Config{})
	if hits := find(t, s, search.Request{Query: "zebraQuota", Mode: search.Lexical}); len(hits) != 0 && hits[0].Name == "zebraQuota" {
		t.Errorf("deleted symbol still found: %v", names(hits))
	}
}

// openUpdater indexes a copy of the fixture repository and returns it with
// a long-lived index.Updater over it whose search indexes are open (after
// its start-up run), closed at the end of the test.
func openUpdater(t *testing.T) (string, *index.Updater) {
	t.Helper()
	repo := copyRepo(t)
	indexRepo(t, repo, search.Config{})
	u, err := index.NewUpdater(index.Options{Root: repo})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { u.Close() })
	if _, err := u.Full(context.Background(), false); err != nil { // opens the search indexes
		t.Fatal(err)
	}
	return repo, u
}
