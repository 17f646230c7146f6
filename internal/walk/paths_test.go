package walk

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// WalkPaths yields exactly what Walk yields under the named paths.
func TestWalkPathsMatchesWalk(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":              "*.log\nbuild/\n",
		"a.go":                    "",
		"b.go":                    "",
		"x.log":                   "",
		"src/.gitignore":          "gen/\n!keep.log\n",
		"src/keep.log":            "",
		"src/main.go":             "",
		"src/gen/g.go":            "",
		"src/deep/d1.go":          "",
		"src/deep/more/d2.go":     "",
		"src/.codegraphignore":    "deep/more/\n",
		"build/out.go":            "",
		"node_modules/m/index.js": "",
		"docs/.env":               "",
		"docs/readme.go":          "",
		"package.json":            "",
		"dist/bundle.js":          "",
	})
	opts := Options{Root: root, Detect: detectAll}
	all, _ := collect(t, opts)
	cases := [][]string{
		{"a.go"},
		{"src"},
		{"src/"},
		{"./src/deep"},
		{"src/deep/more/d2.go"}, // ignored by .codegraphignore above it
		{"src/gen/g.go"},        // ignored by the nested .gitignore
		{"src/keep.log"},        // re-included by the nested .gitignore
		{"x.log"},
		{"build"},
		{"node_modules/m/index.js"},
		{"dist/bundle.js"}, // build output beside package.json
		{"docs"},
		{"missing.go", "src/missing/"},
		{"src/main.go", "a.go", "src", "b.go"},
		{"."},
		{},
	}
	for _, paths := range cases {
		var want []string
		for _, p := range all {
			for _, q := range paths {
				q = strings.TrimSuffix(strings.TrimPrefix(q, "./"), "/")
				if q == "." || p == q || strings.HasPrefix(p, q+"/") {
					want = append(want, p)
					break
				}
			}
		}
		var got []string
		st, err := WalkPaths(context.Background(), opts, paths, func(f File) error {
			got = append(got, f.Path)
			return nil
		})
		if err != nil {
			t.Fatalf("WalkPaths(%q): %v", paths, err)
		}
		if st.Files != len(got) {
			t.Errorf("WalkPaths(%q): Stats.Files = %d, yielded %d", paths, st.Files, len(got))
		}
		if !slices.Equal(got, want) {
			t.Errorf("WalkPaths(%q) = %q, want %q", paths, got, want)
		}
	}
	if _, err := WalkPaths(context.Background(), opts, []string{"../etc/passwd"}, func(File) error { return nil }); err == nil {
		t.Error("a path outside the root was accepted")
	}
}

// Only the directories on the way to the named paths are read.
func TestWalkPathsReadsOnlyTheSpine(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for _, d := range []string{"a", "b", "c", "d"} {
		for _, e := range []string{"x", "y", "z"} {
			files[d+"/"+e+"/f.go"] = ""
		}
	}
	writeTree(t, root, files)
	st, err := WalkPaths(context.Background(), Options{Root: root, Detect: detectAll}, []string{"b/y/f.go", "c"}, func(File) error { return nil })
	if err != nil {
		t.Fatal(err)
	}
	// root, b, b/y, c, c/x, c/y, c/z
	if st.Dirs != 7 || st.Files != 4 {
		t.Errorf("read %d directories, yielded %d files; want 7 and 4", st.Dirs, st.Files)
	}
}

func BenchmarkWalkPathsOneFile(b *testing.B) {
	root := b.TempDir()
	files := map[string]string{}
	for i := 0; i < 50; i++ {
		for j := 0; j < 20; j++ {
			files[string(rune('a'+i%26))+strings.Repeat("x", i/26)+"/sub/f"+string(rune('a'+j))+".go"] = ""
		}
	}
	writeTree(b, root, files)
	opts := Options{Root: root, Detect: detectAll}
	for b.Loop() {
		if _, err := WalkPaths(context.Background(), opts, []string{"m/sub/fc.go"}, func(File) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

// OnDir reports the directories the ignore rules keep; WalkPaths reports
// those under its paths, not the ones on the way.
func TestWalkOnDir(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":          "gen/\n",
		"a/b/f.go":            "",
		"a/gen/g.go":          "",
		"c/":                  "",
		"node_modules/x/y.js": "",
	})
	var dirs []string
	opts := Options{Root: root, Detect: detectAll, OnDir: func(rel string) { dirs = append(dirs, rel) }}
	if _, err := Walk(context.Background(), opts, func(File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"", "a", "a/b", "c"}; !slices.Equal(dirs, want) {
		t.Errorf("Walk: OnDir got %q, want %q", dirs, want)
	}
	dirs = nil
	if _, err := WalkPaths(context.Background(), opts, []string{"a"}, func(File) error { return nil }); err != nil {
		t.Fatal(err)
	}
	if want := []string{"a", "a/b"}; !slices.Equal(dirs, want) {
		t.Errorf("WalkPaths: OnDir got %q, want %q", dirs, want)
	}
}

// Any path list either is refused or selects only files under the root
// that are one of the paths or lie under one of them.
func FuzzWalkPaths(f *testing.F) {
	root := f.TempDir()
	writeTree(f, root, map[string]string{"a.go": "", "d/b.go": "", "d/e/c.go": "", "x/y.go": ""})
	for _, s := range []string{"a.go", "d", "./d/e/", "../x", "/etc", "d/../x", "", ".", "d//e", "\x00"} {
		f.Add(s, "d/e/c.go")
	}
	opts := Options{Root: root, Detect: detectAll}
	f.Fuzz(func(t *testing.T, p1, p2 string) {
		_, err := WalkPaths(context.Background(), opts, []string{p1, p2}, func(file File) error {
			if strings.HasPrefix(file.Path, "..") || strings.HasPrefix(file.Path, "/") {
				t.Fatalf("WalkPaths(%q, %q) yielded %q", p1, p2, file.Path)
			}
			return nil
		})
		_ = err // refused paths are fine
	})
}
