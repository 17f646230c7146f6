package gitinfo

import (
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Tree and Blobs read a commit from the object store, relative to a
// subdirectory, whatever the work tree holds.
func TestTreeAndBlobs(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	ctx := context.Background()
	repo := t.TempDir()
	run(t, repo, "init", "-q", "-b", "main")
	write(t, repo, "top.go", "package top\n")
	write(t, repo, "sub/b.go", "package sub\n")
	write(t, repo, "sub/deep/c.go", "package deep\n")
	run(t, repo, "add", "-A")
	run(t, repo, "commit", "-qm", "one")
	run(t, repo, "tag", "-a", "-m", "t", "t1")
	write(t, repo, "sub/b.go", "package changed\n") // the work tree differs

	sub := filepath.Join(repo, "sub")
	entries, err := Tree(ctx, sub, "t1")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 2 || entries[0].Path != "b.go" || entries[1].Path != "deep/c.go" || entries[0].Size != 12 {
		t.Fatalf("tree: %+v", entries)
	}
	// Restricted to some files (relative to sub; a pattern character is
	// literal; a file not in the commit is left out).
	some, err := TreeFiles(ctx, sub, "t1", []string{"deep/c.go", "new.go", "*.go"})
	if err != nil || len(some) != 1 || some[0] != entries[1] {
		t.Fatalf("tree files: %+v %v", some, err)
	}
	// What is not a commit is refused as Commit refuses it: an unknown
	// name, a tree's id, an option.
	out, err := exec.Command("git", "-C", repo, "rev-parse", "t1^{tree}").Output()
	if err != nil {
		t.Fatal(err)
	}
	treeID := strings.TrimSpace(string(out))
	for _, rev := range []string{"nosuch", treeID, "--all"} {
		if _, err := TreeFiles(ctx, sub, rev, []string{"b.go"}); !errors.Is(err, ErrUnknownRevision) {
			t.Errorf("tree files of %q: %v", rev, err)
		}
	}
	b, err := OpenBlobs(ctx, sub)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	for range 2 { // the process is reused
		got, err := b.Read(entries[0].Blob)
		if err != nil || string(got) != "package sub\n" {
			t.Fatalf("blob: %q %v", got, err)
		}
	}
	if _, err := b.Read("0123456789012345678901234567890123456789"); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("missing blob: %v", err)
	}
	if got, err := b.Read(entries[1].Blob); err != nil || string(got) != "package deep\n" {
		t.Errorf("blob after a miss: %q %v", got, err)
	}

	c, err := Commit(ctx, repo, "t1") // an annotated tag peels to its commit
	if err != nil || len(c) != 40 {
		t.Fatalf("commit: %q %v", c, err)
	}
	if _, err := Commit(ctx, repo, "nosuch"); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("unknown revision: %v", err)
	}
	if _, err := Commit(ctx, repo, "--all"); !errors.Is(err, ErrUnknownRevision) {
		t.Errorf("option as revision: %v", err)
	}
	tags, err := Tags(ctx, repo)
	if err != nil || tags["t1"] != c {
		t.Errorf("tags %v %v", tags, err)
	}
}
