package walk

import (
	"context"
	"errors"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// writeTree creates files under root. Keys are slash-separated paths; a key
// ending in "/" makes an empty directory.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// symlink makes a symbolic link at root/name pointing to target, or skips.
func symlink(t *testing.T, target, root, name string) {
	t.Helper()
	if err := os.Symlink(target, filepath.Join(root, filepath.FromSlash(name))); err != nil {
		t.Skipf("cannot make symbolic links: %v", err)
	}
}

// detectAll accepts every file as source.
func detectAll(string, func() []byte) string { return "text" }

// collect walks with opts and returns the yielded paths.
func collect(t *testing.T, opts Options) ([]string, Stats) {
	t.Helper()
	return collectWith(t, opts, nil)
}

func collectWith(t *testing.T, opts Options, fault faultFunc) ([]string, Stats) {
	t.Helper()
	paths := []string{}
	st, err := walk(context.Background(), opts, func(f File) error {
		paths = append(paths, f.Path)
		return nil
	}, fault, nil)
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	if st.Files != len(paths) {
		t.Errorf("Stats.Files = %d, yielded %d", st.Files, len(paths))
	}
	if !slices.IsSorted(paths) {
		t.Errorf("paths not in lexical order: %q", paths)
	}
	return paths, st
}

func checkPaths(t *testing.T, got, want []string) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("yielded\n\t%q\nwant\n\t%q", got, want)
	}
}

func checkSkipped(t *testing.T, st Stats, want map[string]int) {
	t.Helper()
	if !maps.Equal(st.Skipped, want) {
		t.Errorf("Skipped = %v, want %v (samples %v)", st.Skipped, want, st.Samples)
	}
}

func TestWalkGitignore(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":          "# build output\n*.log\n!important.log\n/gen/\nlogs/\n!logs/keep.txt\ntmp?/\n",
		"a.log":               "",
		"important.log":       "",
		"main.go":             "",
		"gen/x.go":            "",
		"logs/keep.txt":       "", // cannot be re-included: logs/ is ignored
		"tmp1/a.go":           "",
		"tmp12/a.go":          "",
		"notes.txt":           "",
		"lib/gen/y.go":        "", // /gen/ is anchored to the root
		"sub/.gitignore":      "*.go\n!keep.go\n",
		"sub/a.go":            "",
		"sub/keep.go":         "",
		"sub/b.log":           "",
		"sub/deep/z.go":       "", // ignored by sub/.gitignore
		"sub/deep/w.go":       "",
		"sub/deep/.gitignore": "!w.go\n",
		".git/info/exclude":   "notes.txt\n",
		".git/config":         "",
	})
	got, st := collect(t, Options{Root: root, Detect: detectAll})
	checkPaths(t, got, []string{
		".gitignore", "important.log", "lib/gen/y.go", "main.go", "sub/.gitignore", "sub/deep/.gitignore",
		"sub/deep/w.go", "sub/keep.go", "tmp12/a.go",
	})
	checkSkipped(t, st, map[string]int{})

	got, _ = collect(t, Options{Root: root, Detect: detectAll, NoGitignore: true})
	checkPaths(t, got, []string{
		".gitignore", "a.log", "gen/x.go", "important.log", "lib/gen/y.go", "logs/keep.txt", "main.go",
		"notes.txt", "sub/.gitignore", "sub/a.go", "sub/b.log", "sub/deep/.gitignore", "sub/deep/w.go",
		"sub/deep/z.go", "sub/keep.go", "tmp1/a.go", "tmp12/a.go",
	})
}

func TestWalkCodegraphignore(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".gitignore":            "*.log\n",
		".codegraphignore":      "!a.log\n*.md\n",
		"a.log":                 "",
		"b.log":                 "",
		"README.md":             "",
		"main.go":               "",
		"docs/.codegraphignore": "!guide.md\n", // nested files apply to their subtree
		"docs/guide.md":         "",
		"docs/other.md":         "",
		"fixtures/.gitignore":   "!*.md\n", // .codegraphignore wins over a deeper .gitignore
		"fixtures/x.md":         "",
	})
	opts := Options{Root: root, Detect: func(p string, _ func() []byte) string {
		if strings.HasSuffix(p, "ignore") {
			return ""
		}
		return "text"
	}}
	got, _ := collect(t, opts)
	checkPaths(t, got, []string{"a.log", "docs/guide.md", "main.go"})

	opts.NoGitignore = true
	got, _ = collect(t, opts)
	checkPaths(t, got, []string{"a.log", "b.log", "docs/guide.md", "main.go"})
}

func TestWalkDefaultIgnores(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"main.go":                  "",
		"vendor/v.go":              "",
		"node_modules/m/index.js":  "",
		"web/node_modules/x.js":    "",
		"web/package.json":         "",
		"web/dist/app.js":          "",
		"go/build/build.go":        "", // no manifest beside it: source, not output
		"py/__pycache__/a.py":      "",
		"py/.venv/lib.py":          "",
		"rs/Cargo.toml":            "",
		"rs/target/debug/gen.rs":   "",
		"rs/src/lib.rs":            "",
		"game/target/aim.go":       "", // no Cargo.toml or pom.xml beside it
		"java/pom.xml":             "",
		"java/target/Gen.java":     "",
		"tools/build":              "", // a file named like a default-ignored directory
		".git/HEAD":                "",
		".git/hooks/pre-commit.py": "",
		".codegraph/index/data.go": "",
		"sub/.hg/x.go":             "",
		"sub/.svn/x.go":            "",
		"out/o.go":                 "", // no manifest at the root: kept
		"third_party/t.go":         "",
		".idea/workspace.java":     "",
	})
	want := []string{"game/target/aim.go", "go/build/build.go", "java/pom.xml", "main.go", "out/o.go", "rs/Cargo.toml", "rs/src/lib.rs", "tools/build", "web/package.json"}
	got, st := collect(t, Options{Root: root, Detect: detectAll})
	checkPaths(t, got, want)
	checkSkipped(t, st, map[string]int{})

	got, _ = collect(t, Options{Root: root, Detect: detectAll, NoDefaultIgnores: true})
	checkPaths(t, got, []string{
		".idea/workspace.java", "game/target/aim.go", "go/build/build.go", "java/pom.xml", "java/target/Gen.java", "main.go",
		"node_modules/m/index.js", "out/o.go", "py/.venv/lib.py", "py/__pycache__/a.py", "rs/Cargo.toml",
		"rs/src/lib.rs", "rs/target/debug/gen.rs", "third_party/t.go", "tools/build", "vendor/v.go",
		"web/dist/app.js", "web/node_modules/x.js", "web/package.json",
	})
}

func TestWalkSecrets(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		".env":                     "TOKEN=1",
		".env.local":               "",
		"cfg/.envrc":               "",
		"keys/server.pem":          "",
		"keys/server.key":          "",
		"keys/store.jks":           "",
		"home/.ssh/id_rsa":         "",
		"home/.ssh/id_ed25519.pub": "",
		"home/.aws/credentials":    "",
		"home/.netrc":              "",
		"config/secrets.yml":       "",
		"app.credentials":          "",
		"main.go":                  "",
		".gitignore":               ".env.production\n",
		".env.production":          "", // ignored by git: silent, not counted
	})
	symlink(t, ".env", root, "settings.go") // a link to a secret is a secret
	got, st := collect(t, Options{Root: root})
	checkPaths(t, got, []string{"main.go"})
	checkSkipped(t, st, map[string]int{ReasonSecret: 13})
	for _, s := range st.Samples {
		if s.Reason != ReasonSecret {
			t.Errorf("sample %v", s)
		}
	}
}

func TestIsSecret(t *testing.T) {
	for path, want := range map[string]bool{
		".env": true, "a/.env": true, ".env.example": true, ".ENV": true, ".envrc": true,
		"tls.pem": true, "a/b/server.key": true, "c.p12": true, "c.pfx": true, "k.jks": true,
		"release.keystore": true, "id_rsa": true, "id_rsa.pub": true, "ID_DSA": true,
		"id_ecdsa": true, "id_ed25519": true, ".netrc": true, ".npmrc": true, ".pypirc": true,
		"credentials": true, ".aws/credentials": true, "credentials.json": true,
		"gcp.credentials": true, "db.kdbx": true, "secrets.yml": true, "config/secrets.yaml": true,
		"secrets.json": true,
		"main.go":      false, "env.go": false, ".environment": false, "environment.ts": false,
		"keyboard.go": false, "key.go": false, "credentials.go": false, "secrets.go": false,
		"pem.go": false, "my_id_rsa": false, "dotenv/.envx": false, "a.keys": false,
	} {
		if got := IsSecret(path); got != want {
			t.Errorf("IsSecret(%q) = %v, want %v", path, got, want)
		}
	}
}

func TestIsBinary(t *testing.T) {
	tests := []struct {
		content []byte
		want    bool
	}{
		{nil, false},
		{[]byte("package main\n"), false},
		{[]byte("\x89PNG\r\n\x1a\n\x00\x00"), true},
		{append([]byte(strings.Repeat("a", 7999)), 0), true},
		{append([]byte(strings.Repeat("a", 8000)), 0), false}, // past the first 8000 bytes
		{[]byte("héllo, 世界"), false},
	}
	for _, tt := range tests {
		if got := IsBinary(tt.content); got != tt.want {
			t.Errorf("IsBinary(%.20q) = %v, want %v", tt.content, got, tt.want)
		}
	}
}

func TestWalkSizeLimit(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"small.go": "0123456789",
		"big.go":   "0123456789A",
		"big.png":  strings.Repeat("x", 100), // not source: silent
		"huge.key": strings.Repeat("x", 100), // a secret first
	})
	got, st := collect(t, Options{Root: root, MaxFileSize: 10})
	checkPaths(t, got, []string{"small.go"})
	checkSkipped(t, st, map[string]int{ReasonTooLarge: 1, ReasonSecret: 1})

	// The default limit is 1 MiB.
	f, err := os.Create(filepath.Join(root, "gen.go"))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(DefaultMaxFileSize + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	got, st = collect(t, Options{Root: root})
	checkPaths(t, got, []string{"big.go", "small.go"})
	checkSkipped(t, st, map[string]int{ReasonTooLarge: 1, ReasonSecret: 1})
	if want := (Skip{Path: "gen.go", Reason: ReasonTooLarge}); !slices.Contains(st.Samples, want) {
		t.Errorf("Samples = %v, want %v among them", st.Samples, want)
	}
}

func TestWalkFile(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"pkg/a.go": "package pkg\n"})
	mtime := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	if err := os.Chtimes(filepath.Join(root, "pkg", "a.go"), mtime, mtime); err != nil {
		t.Fatal(err)
	}
	var files []File
	_, err := Walk(context.Background(), Options{Root: root}, func(f File) error {
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := File{
		Path:     "pkg/a.go",
		AbsPath:  filepath.Join(root, "pkg", "a.go"),
		Size:     int64(len("package pkg\n")),
		ModTime:  mtime,
		Language: "go",
	}
	if len(files) != 1 || files[0].Path != want.Path || files[0].AbsPath != want.AbsPath ||
		files[0].Size != want.Size || !files[0].ModTime.Equal(want.ModTime) || files[0].Language != want.Language {
		t.Errorf("got %+v, want %+v", files, want)
	}
}

func TestWalkRelativeRoot(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "", "b/c.go": ""})
	t.Chdir(root)
	for _, r := range []string{"", ".", "./", "b/.."} {
		var files []File
		if _, err := Walk(context.Background(), Options{Root: r}, func(f File) error {
			files = append(files, f)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(files) != 2 || files[0].Path != "a.go" || files[1].Path != "b/c.go" ||
			files[1].AbsPath != filepath.Join(root, "b", "c.go") {
			t.Errorf("Root %q: got %+v", r, files)
		}
	}
}

func TestWalkRootErrors(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"file.go": ""})
	for _, r := range []string{filepath.Join(root, "missing"), filepath.Join(root, "file.go")} {
		if _, err := Walk(context.Background(), Options{Root: r}, func(File) error { return nil }); err == nil {
			t.Errorf("Walk(%q) succeeded", r)
		}
	}
	_, err := walk(context.Background(), Options{Root: root}, func(File) error { return nil },
		func(op, _ string) error {
			if op == "readdir" {
				return fs.ErrPermission
			}
			return nil
		}, nil)
	if !errors.Is(err, fs.ErrPermission) {
		t.Errorf("unreadable root: err = %v, want permission error", err)
	}
}

func TestWalkOrder(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"a.go": "", "a/b.go": "", "a-b.go": "", "a0.go": "", "a/a.go": "", "a/b/c.go": "",
		"a!/x.go": "", "B.go": "", "_.go": "", "a.b/c.go": "", "ab/c.go": "", "é.go": "",
	})
	got, _ := collect(t, Options{Root: root})
	want := []string{"B.go", "_.go", "a!/x.go", "a-b.go", "a.b/c.go", "a.go", "a/a.go", "a/b.go",
		"a/b/c.go", "a0.go", "ab/c.go", "é.go"}
	checkPaths(t, got, want)
}

func TestWalkSymlinks(t *testing.T) {
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"lib.go": "", "pkg/p.go": ""})
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"real/a.go":     "",
		"real/sub/b.go": "",
		"z/c.go":        "",
	})
	symlink(t, "real", root, "linkdir")                          // inside, to a directory
	symlink(t, "real/a.go", root, "link.go")                     // inside, to a file
	symlink(t, filepath.Join(outside, "lib.go"), root, "out.go") // outside, to a file
	symlink(t, filepath.Join(outside, "pkg"), root, "outdir")    // outside, to a directory
	symlink(t, "..", root, "real/sub/up")                        // a loop
	symlink(t, ".", root, "z/self")                              // a loop
	symlink(t, "missing.go", root, "broken.go")                  // broken: silent
	symlink(t, "loop1.go", root, "loop2.go")                     // a loop of links: silent
	symlink(t, "loop2.go", root, "loop1.go")
	symlink(t, "../real", root, "z/again") // a second link to real: walked once through links

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	st, err := Walk(ctx, Options{Root: root}, func(f File) error {
		got = append(got, f.Path)
		return nil
	})
	if err != nil {
		t.Fatalf("Walk: %v (a symbolic link loop?)", err)
	}
	checkPaths(t, got, []string{
		"link.go",
		"linkdir/a.go", "linkdir/sub/b.go", // through the link, once
		"real/a.go", "real/sub/b.go", // real directories are always walked
		"z/c.go",
	})
	checkSkipped(t, st, map[string]int{ReasonSymlinkOutsideRoot: 2})

	// A symbolic link as Root is resolved; paths stay under the link.
	linkRoot := filepath.Join(t.TempDir(), "root")
	symlink(t, filepath.Join(root, "real"), filepath.Dir(linkRoot), "root")
	var files []File
	if _, err := Walk(context.Background(), Options{Root: linkRoot}, func(f File) error {
		files = append(files, f)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(files) != 2 || files[0].AbsPath != filepath.Join(linkRoot, "a.go") {
		t.Errorf("walking a linked root: %+v", files)
	}
}

func TestWalkSymlinkIntoGit(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{".git/hooks/h.py": "", "main.py": ""})
	symlink(t, ".git/hooks", root, "hooks")
	got, _ := collect(t, Options{Root: root})
	checkPaths(t, got, []string{"main.py"})
}

func TestWalkUnreadable(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"locked/a.go":    "",
		"open/b.go":      "",
		"open/secret.go": "",
		"script":         "#!/usr/bin/env python3\n",
		"sub/.gitignore": "*.go\n",
		"sub/c.go":       "",
	})
	fault := func(op, abs string) error {
		switch rel, _ := filepath.Rel(root, abs); filepath.ToSlash(rel) {
		case "locked", "open/secret.go", "script", "sub/.gitignore":
			return fs.ErrPermission
		}
		return nil
	}
	got, st := collectWith(t, Options{Root: root}, fault)
	// The unreadable .gitignore is counted, and then not honoured.
	checkPaths(t, got, []string{"open/b.go", "sub/c.go"})
	checkSkipped(t, st, map[string]int{ReasonUnreadable: 3})
	// "script" has no extension and its head cannot be read, so it is not
	// known to be source and is skipped silently.
	want := []Skip{{"locked", ReasonUnreadable}, {"open/secret.go", ReasonUnreadable}, {"sub/.gitignore", ReasonUnreadable}}
	if !slices.Equal(st.Samples, want) {
		t.Errorf("Samples = %v, want %v", st.Samples, want)
	}
}

func TestWalkUnreadableChmod(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("running as root, which reads files whatever their mode; TestWalkUnreadable injects the errors instead")
	}
	root := t.TempDir()
	writeTree(t, root, map[string]string{"locked/a.go": "", "b.go": "", "c.go": ""})
	if err := os.Chmod(filepath.Join(root, "locked"), 0); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(filepath.Join(root, "locked"), 0o755) })
	if err := os.Chmod(filepath.Join(root, "c.go"), 0); err != nil {
		t.Fatal(err)
	}
	got, st := collect(t, Options{Root: root})
	checkPaths(t, got, []string{"b.go"})
	checkSkipped(t, st, map[string]int{ReasonUnreadable: 2})
}

func TestWalkIncludeExclude(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"README.md":           "",
		"docs/guide.md":       "",
		"src/a.go":            "",
		"src/a_test.go":       "",
		"src/gen/b.go":        "",
		"src/testdata/x.go":   "",
		"src/testdata/y.go":   "",
		"src/.env":            "",
		"other/c.go":          "",
		"other/testdata/z.go": "",
	})
	got, st := collect(t, Options{
		Root:    root,
		Detect:  detectAll,
		Include: []string{"src/", "!src/gen/", "*.md"},
		Exclude: []string{"testdata/", "*_test.go"},
	})
	checkPaths(t, got, []string{"README.md", "docs/guide.md", "src/a.go"})
	// Excluded directories count once; files outside Include are silent.
	checkSkipped(t, st, map[string]int{ReasonExcluded: 3, ReasonSecret: 1})

	got, _ = collect(t, Options{Root: root, Detect: detectAll, Include: []string{"/src/*.go"}})
	checkPaths(t, got, []string{"src/a.go", "src/a_test.go"})
}

func TestWalkDetect(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{
		"main.go":     "package main",
		"tool":        "#!/usr/bin/env python3\nprint(1)\n",
		"run":         "#!/bin/sh\n",
		"Makefile":    "all:\n",
		"web/app.tsx": "",
		"web/x.png":   "\x89PNG",
		"empty":       "",
	})
	heads := map[string]int{}
	opts := Options{Root: root, Detect: func(p string, head func() []byte) string {
		lang := DefaultDetect(p, func() []byte {
			heads[p]++
			return head()
		})
		return lang
	}}
	var files []File
	_, err := Walk(context.Background(), opts, func(f File) error {
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range files {
		got = append(got, f.Path+":"+f.Language)
	}
	checkPaths(t, got, []string{"main.go:go", "tool:python", "web/app.tsx:tsx"})
	if want := map[string]int{"empty": 1, "run": 1, "tool": 1}; !maps.Equal(heads, want) { // Makefile: a text format by name
		t.Errorf("head read for %v, want %v", heads, want)
	}
}

func TestWalkCancel(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "", "b.go": "", "c/d.go": "", "c/e.go": "", "f.go": ""})

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var got []string
	st, err := Walk(ctx, Options{Root: root}, func(f File) error {
		got = append(got, f.Path)
		if len(got) == 3 {
			cancel()
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
	checkPaths(t, got, []string{"a.go", "b.go", "c/d.go"})
	if st.Files != 3 {
		t.Errorf("Stats.Files = %d, want 3", st.Files)
	}

	// Already cancelled: nothing is yielded.
	_, err = Walk(ctx, Options{Root: root}, func(File) error {
		t.Error("fn called after cancellation")
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}

	// A deadline.
	dctx, dcancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer dcancel()
	if _, err := Walk(dctx, Options{Root: root}, func(File) error { return nil }); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestWalkCallbackError(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "", "b/c.go": "", "d.go": ""})
	stop := errors.New("stop")
	calls := 0
	_, err := Walk(context.Background(), Options{Root: root}, func(File) error {
		calls++
		if calls == 2 {
			return stop
		}
		return nil
	})
	if err != stop {
		t.Errorf("err = %v, want fn's error unchanged", err)
	}
	if calls != 2 {
		t.Errorf("fn called %d times after its error, want 2", calls)
	}
}

func TestWalkSamplesBounded(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{}
	for i := range 150 {
		files[filepath.ToSlash(filepath.Join("k", strings.Repeat("x", i%10+1)+string(rune('a'+i/10))+".pem"))] = ""
	}
	writeTree(t, root, files)
	_, st := collect(t, Options{Root: root})
	if st.Skipped[ReasonSecret] != 150 || len(st.Samples) != maxSamples {
		t.Errorf("Skipped %v with %d samples, want 150 and %d", st.Skipped, len(st.Samples), maxSamples)
	}
	if st.Dirs != 2 {
		t.Errorf("Dirs = %d, want 2", st.Dirs)
	}
}

func TestWalkIgnoreFileSymlink(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"rules": "*.go\n", "a.go": ""})
	symlink(t, "rules", root, ".gitignore") // git does not follow it either
	got, _ := collect(t, Options{Root: root})
	checkPaths(t, got, []string{"a.go"})
}

func TestWalkHeadCached(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a": "#!/usr/bin/env node\n", "b": ""})
	opens := 0
	fault := func(op, abs string) error {
		if op == "open" && filepath.Dir(abs) == root {
			opens++
		}
		return nil
	}
	got, _ := collectWith(t, Options{Root: root, Detect: func(p string, head func() []byte) string {
		h1, h2 := head(), head()
		if string(h1) != string(h2) {
			t.Errorf("%s: head changed: %q then %q", p, h1, h2)
		}
		return DefaultDetect(p, func() []byte { return h1 })
	}}, fault)
	checkPaths(t, got, []string{"a"})
	if opens != 2 {
		t.Errorf("%d opens for two files, want 2", opens)
	}
}
