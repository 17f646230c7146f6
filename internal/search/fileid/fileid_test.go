package fileid

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func stat(t *testing.T, p string) ID {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return Of(fi)
}

func TestOf(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "f")
	if err := os.WriteFile(p, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	a := stat(t, p)
	if b := stat(t, p); b != a {
		t.Fatalf("same file, two IDs: %+v %+v", a, b)
	}
	// Rewritten in place with a new modification time.
	if err := os.WriteFile(p, []byte("two"), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Unix(0, a.Mod).Add(time.Second)
	if err := os.Chtimes(p, later, later); err != nil {
		t.Fatal(err)
	}
	if b := stat(t, p); b == a {
		t.Error("a rewritten file kept its ID")
	}
	// Replaced by a rename, with the old modification time and size.
	tmp := filepath.Join(dir, "tmp")
	if err := os.WriteFile(tmp, []byte("one"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(0, a.Mod)
	if err := os.Chtimes(tmp, old, old); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "keep") // holds the first inode so it is not reused
	if err := os.Link(p, keep); err != nil {
		t.Skip("no hard links here:", err)
	}
	if err := os.Rename(tmp, p); err != nil {
		t.Fatal(err)
	}
	if b := stat(t, p); b.Ino != 0 && b == a {
		t.Error("a replaced file kept its ID")
	}
}

func TestVerified(t *testing.T) {
	var v Verified
	id := ID{Dev: 1, Ino: 2, Size: 3, Mod: 4}
	if v.Has(id, 9) {
		t.Fatal("empty set has a version")
	}
	v.Add(id, 9)
	if !v.Has(id, 9) || v.Has(id, 8) || v.Len() != 1 {
		t.Fatalf("after Add: %v %v %d", v.Has(id, 9), v.Has(id, 8), v.Len())
	}
	v.Forget(id, 9)
	if v.Has(id, 9) {
		t.Error("forgotten version still there")
	}
	v.Add(id, 9)
	v.Clear()
	if v.Len() != 0 {
		t.Error("Clear left versions")
	}
}
