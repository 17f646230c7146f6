package resolve

import (
	"os"
	"path/filepath"
	"testing"
)

// linkOut writes content to a file outside root and links rel to it.
func linkOut(t *testing.T, root, rel, content string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), filepath.Base(rel))
	if err := os.WriteFile(out, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(out, filepath.Join(root, filepath.FromSlash(rel))); err != nil {
		t.Skip("symbolic links:", err)
	}
}

// A tsconfig's extends chain is read inside the repository: neither a
// link out of it nor a path climbing out of it is followed.
func TestTSConfigStaysInsideTheRoot(t *testing.T) {
	parent := t.TempDir()
	root := filepath.Join(parent, "repo")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	linkOut(t, root, "base.json", `{"compilerOptions": {"baseUrl": "linked"}}`)
	if err := os.WriteFile(filepath.Join(parent, "up.json"), []byte(`{"compilerOptions": {"baseUrl": "up"}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, ext := range []string{"./base.json", "../up.json"} {
		if err := os.WriteFile(filepath.Join(root, "tsconfig.json"), []byte(`{"extends": "`+ext+`"}`), 0o644); err != nil {
			t.Fatal(err)
		}
		r := &resolver{root: root}
		c := &tsConfig{}
		r.applyTSConfig(c, "tsconfig.json", 0)
		if c.baseURL != "" {
			t.Errorf("extends %s: baseUrl %q read from outside the repository", ext, c.baseURL)
		}
	}
}

// A Package.swift that links out of the repository is not read.
func TestSwiftPackageStaysInsideTheRoot(t *testing.T) {
	root := t.TempDir()
	linkOut(t, root, "Package.swift", `let package = Package(name: "x", targets: [.target(name: "Leaked")])`)
	r := &resolver{root: root}
	if m := r.swiftPackages([]string{"Package.swift"}); len(m.names) != 0 {
		t.Errorf("targets read from outside the repository: %v", m.names)
	}
}
