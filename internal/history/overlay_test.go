package history

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// A diff against the working tree made through an overlay of the index
// gives exactly the JSON of the same diff made through the revision's
// version (a parse and resolution of all its files), for edits of every
// kind: the overlay's resolution is the indexer's, so calls through an
// import bind, and unchanged callers of what the working tree removed are
// found on the revision's side.
func TestOverlayDiffEqualsVersionDiff(t *testing.T) {
	repo := fixtureRepo(t) // HEAD is v2
	h := openHistory(t, repo)
	ctx := context.Background()
	write := func(rel, src string) {
		t.Helper()
		p := filepath.Join(repo, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	remove := func(rel string) {
		t.Helper()
		if err := os.Remove(filepath.Join(repo, filepath.FromSlash(rel))); err != nil {
			t.Fatal(err)
		}
	}
	const lib = "package lib\n\n// Helper adds y.\nfunc Helper(x, y int) int {\n\treturn x + y\n}\n\n// New replaces Old.\nfunc New() {}\n\nfunc unexported() int {\n\treturn 2\n}\n"
	scenarios := []struct {
		name string
		from string // "" for HEAD
		edit func()
		// want is a symbol change the diff must report ("change qualified_name file").
		want string
		// impacted, when set, must be among the impacted ("qualified_name@file via via").
		impacted string
	}{
		{"nothing", "", func() {}, "", ""},
		{"add a function and a call to it", "", func() {
			write("lib/lib.go", lib+"\n// Added is new.\nfunc Added() int { return Helper(1, 2) }\n")
			write("app.go", "package main\n\nimport \"example.com/demo/lib\"\n\nfunc wrap() int {\n\treturn lib.Helper(2, 0) + lib.Added()\n}\n")
		}, "added Added lib/lib.go", ""},
		{"remove a function called from an unchanged file", "", func() {
			write("lib/lib.go", "package lib\n\n// New replaces Old.\nfunc New() {}\n\nfunc unexported() int {\n\treturn 2\n}\n")
		}, "removed Helper lib/lib.go", "wrap@app.go via Helper"},
		{"modify a function", "", func() {
			write("lib/lib.go", "package lib\n\n// Helper adds y.\nfunc Helper(x, y int) int {\n\treturn x + y + 0\n}\n\n// New replaces Old.\nfunc New() {}\n\nfunc unexported() int {\n\treturn 2\n}\n")
		}, "modified Helper lib/lib.go", ""},
		{"move a function to a new file", "", func() {
			write("lib/lib.go", "package lib\n\n// New replaces Old.\nfunc New() {}\n\nfunc unexported() int {\n\treturn 2\n}\n")
			write("lib/helper.go", "package lib\n\n// Helper adds y.\nfunc Helper(x, y int) int {\n\treturn x + y\n}\n")
		}, "added Helper lib/helper.go", ""},
		{"delete a file", "", func() { remove("app.go") }, "removed wrap app.go", "TestWrap@app_test.go via wrap"},
		{"add a file", "", func() {
			write("extra/extra.go", "package extra\n\nimport \"example.com/demo/lib\"\n\n// Extra calls New.\nfunc Extra() { lib.New() }\n")
		}, "added Extra extra/extra.go", ""},
		{"an older revision: a call through an import of a function the working tree removed", "v1", func() {}, "removed Old lib/lib.go", ""},
		{"an older revision, with edits", "v1", func() {
			remove("app_test.go")
			write("lib/lib.go", lib+"\nfunc Old() { New() }\n")
		}, "modified Old lib/lib.go", ""},
	}
	git := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("git", append([]string{"-C", repo}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	for _, sc := range scenarios {
		git("checkout", "-q", "--", ".")
		git("clean", "-qfd", "--exclude=.codegraph")
		sc.edit()
		if _, err := index.Run(ctx, index.Options{Root: repo, NoSearch: true, Extractor: h.x}); err != nil {
			t.Fatal(err)
		}
		idx, err := store.Open(filepath.Join(repo, ".codegraph"), store.Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		diff := func(versions bool) string {
			t.Helper()
			h.forceVersions = versions
			defer func() { h.forceVersions = false }()
			d, err := h.Diff(ctx, DiffRequest{From: sc.from, Index: idx})
			if err != nil {
				t.Fatalf("%s: %v", sc.name, err)
			}
			b, err := json.MarshalIndent(d, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			if sc.want != "" {
				found := false
				for _, s := range d.Symbols {
					found = found || s.Change+" "+s.QualifiedName+" "+s.File == sc.want
				}
				if !found {
					t.Errorf("%s: no %q in\n%s", sc.name, sc.want, b)
				}
			} else if len(d.Symbols) != 0 {
				t.Errorf("%s: symbols changed:\n%s", sc.name, b)
			}
			if sc.impacted != "" {
				found := false
				for _, i := range d.Impacted {
					found = found || i.QualifiedName+"@"+i.File+" via "+i.Via == sc.impacted
				}
				if !found {
					t.Errorf("%s: %q not impacted in\n%s", sc.name, sc.impacted, b)
				}
			}
			return string(b)
		}
		fast, full := diff(false), diff(true)
		if fast != full {
			t.Errorf("%s: the overlay's diff differs from the version's:\n%s\nversion's:\n%s", sc.name, fast, full)
		}
		idx.Close()
	}
	if ents, _ := os.ReadDir(filepath.Join(repo, ".codegraph", Dir, "tmp")); len(ents) != 0 {
		t.Errorf("%d overlays left behind", len(ents))
	}
}
