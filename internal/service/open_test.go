package service

import (
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cockroachdb/pebble/v2"

	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestOpenClassifies: the command line's one-shot open returns errors of
// the taxonomy (*Error), so the command line maps them once: no index is
// unavailable, an index of another format must be rebuilt, and either
// while another process holds the writer lock is locked, with its pid
// (the index is being built; a rebuild would be refused).
func TestOpenClassifies(t *testing.T) {
	t.Parallel()
	mismatched := func(t *testing.T) string {
		db := filepath.Join(t.TempDir(), "db")
		st, err := store.Open(db, store.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		pdb, err := pebble.Open(db, &pebble.Options{})
		if err != nil {
			t.Fatal(err)
		}
		// The format version key (store's schemaKey), of a newer format.
		if err := pdb.Set([]byte{0x04, 's'}, binary.AppendUvarint(nil, uint64(store.FormatVersion+1)), pebble.Sync); err != nil {
			t.Fatal(err)
		}
		if err := pdb.Close(); err != nil {
			t.Fatal(err)
		}
		return db
	}
	pid := fmt.Sprintf("pid %d", os.Getpid())
	for _, tc := range []struct {
		name string
		db   func(t *testing.T) string
		code Code
		says []string // in the command line's message
	}{
		{"missing index", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none") }, CodeUnavailable,
			[]string{"no index", "`codegraph index`"}},
		{"schema mismatch", mismatched, CodeRebuildNeeded,
			[]string{"format version", "`codegraph index --rebuild`"}},
		{"no index yet, writer holds the lock", func(t *testing.T) string {
			db := filepath.Join(t.TempDir(), "db")
			if err := os.Mkdir(db, 0o755); err != nil {
				t.Fatal(err)
			}
			holdLock(t, db) // a first index run, before its store's first file
			return db
		}, CodeLocked, []string{"no index", pid, "retry when it has finished"}},
		{"schema mismatch, writer holds the lock", func(t *testing.T) string {
			db := mismatched(t)
			holdLock(t, db)
			return db
		}, CodeLocked, []string{"format version", pid, "being built or rebuilt", "retry when it has finished"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sn, err := Open(tc.db(t), search.Config{})
			if err == nil {
				sn.Close()
				t.Fatal("opened")
			}
			var ce *Error
			if !errors.As(err, &ce) || ce.Code != tc.code || Classify(err) != tc.code {
				t.Fatalf("Open: %T %v (code %v), want an *Error of %s", err, err, Classify(err), tc.code)
			}
			msg := Explain(err, DoorCLI)
			for _, want := range tc.says {
				if !strings.Contains(msg, want) {
					t.Errorf("message %q does not say %q", msg, want)
				}
			}
			if tc.code == CodeLocked && strings.Contains(msg, "--rebuild") {
				t.Errorf("message %q says to rebuild an index another process is writing", msg)
			}
			if tc.code == CodeLocked {
				if d := Details(err); d["pid"] != os.Getpid() {
					t.Errorf("details %v, want the holder's pid %d", d, os.Getpid())
				}
				if !errors.Is(err, store.ErrLocked) || !(errors.Is(err, store.ErrSchemaMismatch) || errors.Is(err, store.ErrNoIndex)) {
					t.Errorf("the cause is lost: %v", err)
				}
			}
		})
	}
}
