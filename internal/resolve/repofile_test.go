package resolve

import (
	"os"
	"path"
	"path/filepath"
	"slices"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/store"
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

// Every manifest resolution reads is read inside the repository: one that
// is a link to a file outside it is not read, while the same manifest as
// a plain file in the repository is.
func TestManifestsStayInsideTheRoot(t *testing.T) {
	js := []store.FileMeta{{Path: "in/a.js", Language: "javascript"}, {Path: "out/a.js", Language: "javascript"}}
	cases := []struct {
		name, content string
		out           string // the linked file's content, when it must differ (a name repeated is read once)
		byDir         map[string][]store.FileMeta
		langOf        map[string]string
		read          func(r *resolver) []string // what was read, from which directory
	}{
		{name: "package.json", content: `{"name": "pkg"}`, out: `{"name": "leaked"}`,
			byDir: map[string][]store.FileMeta{"in": js[:1], "out": js[1:]},
			read: func(r *resolver) (got []string) {
				for _, p := range r.jsPackages() {
					got = append(got, p.dir)
				}
				return got
			}},
		{name: "composer.json", content: `{"autoload": {"psr-4": {"App\\": "src/"}}}`,
			byDir: map[string][]store.FileMeta{"in": nil, "out": nil},
			read: func(r *resolver) (got []string) {
				for _, p := range r.composerPSR4() {
					got = append(got, path.Dir(p.dir))
				}
				return got
			}},
		{name: "Cargo.toml", content: "[package]\nname = \"krate\"\n", out: "[package]\nname = \"leaked\"\n",
			byDir:  map[string][]store.FileMeta{"in/src": {{Path: "in/src/lib.rs", Language: "rust"}}, "out/src": {{Path: "out/src/lib.rs", Language: "rust"}}},
			langOf: map[string]string{"in/src/lib.rs": "rust", "out/src/lib.rs": "rust"},
			read: func(r *resolver) (got []string) {
				for _, lib := range r.rustCrates() {
					got = append(got, path.Dir(path.Dir(lib)))
				}
				return got
			}},
		{name: "tsconfig.json", content: `{"compilerOptions": {"baseUrl": "."}}`,
			read: func(r *resolver) (got []string) {
				for _, d := range []string{"in", "out"} {
					if c := r.loadTSConfigIn(d); c != nil {
						got = append(got, c.baseURL)
					}
				}
				return got
			}},
		{name: "go.mod", content: "module example.com/m\n",
			read: func(r *resolver) (got []string) {
				c := &Catalog{root: r.root, seenMod: map[string]bool{}, files: repoFiles{root: r.root}}
				defer c.files.close()
				c.findModule("in")
				c.findModule("out")
				for _, m := range c.modules {
					if m.path == "example.com/m" {
						got = append(got, m.dir)
					}
				}
				return got
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			root := t.TempDir()
			for _, d := range []string{"in", "out"} {
				if err := os.Mkdir(filepath.Join(root, d), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if err := os.WriteFile(filepath.Join(root, "in", tc.name), []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			out := tc.content
			if tc.out != "" {
				out = tc.out
			}
			linkOut(t, root, "out/"+tc.name, out)
			r := &resolver{root: root, byDir: tc.byDir, langOf: tc.langOf}
			defer r.files.close()
			if got := tc.read(r); !slices.Equal(got, []string{"in"}) {
				t.Errorf("read from %q, want only the repository's own in/%s (out/%s links outside)", got, tc.name, tc.name)
			}
		})
	}
}

// The fingerprint of the resolution inputs does not read a manifest that
// links out of the repository: changing the file outside does not change
// it.
func TestInputFingerprintStaysInsideTheRoot(t *testing.T) {
	root := t.TempDir()
	linkOut(t, root, "package.json", `{"name": "a"}`)
	target, err := os.Readlink(filepath.Join(root, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	dirs := map[string]bool{".": true}
	before, err := InputFingerprint(root, dirs)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(target, []byte(`{"name": "b"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	after, err := InputFingerprint(root, dirs)
	if err != nil {
		t.Fatal(err)
	}
	if before != after {
		t.Error("the fingerprint changed with a file outside the repository: it was read")
	}
}
