package repofile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// tree builds a repository with the files every test case reads, and a
// secret outside it.
func tree(t testing.TB) (root, outside string) {
	t.Helper()
	base := t.TempDir()
	root = filepath.Join(base, "repo")
	outside = filepath.Join(base, "outside")
	for _, d := range []string{root, outside, filepath.Join(root, "pkg"), filepath.Join(root, ".git")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write := func(p, s string) {
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(root, "main.go"), "package main\n")
	write(filepath.Join(root, "pkg", "a.go"), "package pkg\n")
	write(filepath.Join(root, ".env"), "AWS_SECRET=hunter2\n")
	write(filepath.Join(root, ".git", "config"), "[core]\n")
	write(filepath.Join(root, "blob.dat"), "a\x00b")
	write(filepath.Join(root, "big.go"), strings.Repeat("x", 2048))
	write(filepath.Join(outside, "secret.go"), "package secret // outside\n")
	links := map[string]string{
		"leak.py":      ".env",
		"deep/leak.go": "../.env",
		"out.go":       "../outside/secret.go",
		"outdir":       "../outside",
		"gitcfg.go":    ".git/config",
		"alias.go":     "pkg/a.go",
		"abs.go":       filepath.Join(root, "pkg", "a.go"),
		"absout.go":    filepath.Join(outside, "secret.go"),
		"loop.go":      "loop.go",
		"chain.go":     "alias.go",
		"pkgdir":       "pkg",
	}
	if err := os.MkdirAll(filepath.Join(root, "deep"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, dest := range links {
		if err := os.Symlink(dest, filepath.Join(root, filepath.FromSlash(name))); err != nil {
			t.Fatal(err)
		}
	}
	return root, outside
}

func TestReadFilePolicy(t *testing.T) {
	root, _ := tree(t)
	r, err := Open(root, Options{MaxSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	for _, tc := range []struct {
		path string
		want error // nil: readable
		body string
	}{
		{"main.go", nil, "package main\n"},
		{"./pkg/a.go", nil, "package pkg\n"},
		{"alias.go", nil, "package pkg\n"},
		{"chain.go", nil, "package pkg\n"},
		{"abs.go", nil, "package pkg\n"},
		{"pkgdir/a.go", nil, "package pkg\n"},
		{"pkg/../main.go", nil, "package main\n"},
		{".env", ErrSecret, ""},
		{"pkg/../.env", ErrSecret, ""},
		{"leak.py", ErrSecret, ""},
		{"deep/leak.go", ErrSecret, ""},
		{".git/config", ErrPrivateDir, ""},
		{"gitcfg.go", ErrPrivateDir, ""},
		{"../outside/secret.go", ErrOutsideRoot, ""},
		{"pkg/../../outside/secret.go", ErrOutsideRoot, ""},
		{"/etc/passwd", ErrOutsideRoot, ""},
		{"out.go", ErrOutsideRoot, ""},
		{"outdir/secret.go", ErrOutsideRoot, ""},
		{"absout.go", ErrOutsideRoot, ""},
		{"blob.dat", ErrBinary, ""},
		{"big.go", ErrTooLarge, ""},
		{"pkg", ErrNotRegular, ""},
		{".", ErrNotRegular, ""},
		{"missing.go", fs.ErrNotExist, ""},
		{"loop.go", nil, "-"}, // any error
	} {
		got, err := r.ReadFile(tc.path)
		switch {
		case tc.body == "-":
			if err == nil {
				t.Errorf("%s: read %q, want an error", tc.path, got)
			}
		case tc.want == nil:
			if err != nil || string(got) != tc.body {
				t.Errorf("%s: got %q, %v; want %q", tc.path, got, err, tc.body)
			}
		default:
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: got %q, %v; want %v", tc.path, got, err, tc.want)
			}
			var e *Error
			if err != nil && !errors.As(err, &e) {
				t.Errorf("%s: error %T is not *Error", tc.path, err)
			}
			if err != nil && strings.Contains(err.Error(), "hunter2") {
				t.Errorf("%s: error leaks the content: %v", tc.path, err)
			}
		}
	}
}

// TestReadFileFIFO: a FIFO (directly or through a link) is refused at once
// instead of blocking the reader until a writer comes.
func TestReadFileFIFO(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no FIFOs")
	}
	root, _ := tree(t)
	if err := syscall.Mkfifo(filepath.Join(root, "pipe.go"), 0o644); err != nil {
		t.Skip("mkfifo:", err)
	}
	if err := os.Symlink("pipe.go", filepath.Join(root, "topipe.go")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"pipe.go", "topipe.go"} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(root, p, Options{})
			done <- err
		}()
		select {
		case err := <-done:
			if !errors.Is(err, ErrNotRegular) {
				t.Errorf("%s: got %v, want ErrNotRegular", p, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: reading a FIFO blocked", p)
		}
	}
}

// TestReadFileDevice: a device node inside the repository is refused
// (creating one needs privileges; a link to /dev/null is refused as
// outside the root either way).
func TestReadFileDevice(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no device nodes")
	}
	root, _ := tree(t)
	if err := os.Symlink("/dev/zero", filepath.Join(root, "zero.go")); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(root, "zero.go", Options{}); !errors.Is(err, ErrOutsideRoot) {
		t.Errorf("link to /dev/zero: got %v, want ErrOutsideRoot", err)
	}
	var st syscall.Stat_t
	if err := syscall.Stat("/dev/null", &st); err != nil {
		t.Skip(err)
	}
	if err := syscall.Mknod(filepath.Join(root, "null.go"), syscall.S_IFCHR|0o666, int(st.Rdev)); err != nil {
		t.Skip("mknod needs privileges:", err)
	}
	done := make(chan error, 1)
	go func() { _, err := ReadFile(root, "null.go", Options{}); done <- err }()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotRegular) {
			t.Errorf("device: got %v, want ErrNotRegular", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("reading a device blocked")
	}
}

func TestClean(t *testing.T) {
	for in, want := range map[string]string{"a/b.go": "a/b.go", "./a/b.go": "a/b.go", "a//b.go": "a/b.go", " a/b.go ": "a/b.go"} {
		if got, err := Clean(in); err != nil || got != want {
			t.Errorf("Clean(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "..", "../x", "/abs", "a/\x00"} {
		if got, err := Clean(in); err == nil {
			t.Errorf("Clean(%q) = %q, want an error", in, got)
		}
	}
}

// FuzzReadFile: whatever path a client sends, the reader never returns
// the secret inside the root or the file outside it.
func FuzzReadFile(f *testing.F) {
	for _, s := range []string{"main.go", ".env", "leak.py", "../outside/secret.go", "out.go", "outdir/secret.go",
		"pkgdir/../.env", "deep/leak.go", "./pkg/../../outside/secret.go", "abs.go", "absout.go", "a\\..\\.env", "PKG/A.GO", ".ENV"} {
		f.Add(s)
	}
	root, _ := tree(f)
	r, err := Open(root, Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer r.Close()
	f.Fuzz(func(t *testing.T, p string) {
		data, err := r.ReadFile(p)
		if err == nil && (strings.Contains(string(data), "hunter2") || strings.Contains(string(data), "outside")) {
			t.Fatalf("%q read %q", p, data)
		}
	})
}

// BenchmarkReadFile reads a file three directories deep (the common case:
// no link on the way).
func BenchmarkReadFile(b *testing.B) {
	root := b.TempDir()
	dir := filepath.Join(root, "a", "b", "c")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "f.go"), []byte(strings.Repeat("package f\n", 400)), 0o644); err != nil {
		b.Fatal(err)
	}
	r, err := Open(root, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for b.Loop() {
		if _, err := r.ReadFile("a/b/c/f.go"); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkReadFileMissing reads a file that is not there, three
// directories deep (resolution asks for a go.mod, package.json or
// composer.json in every directory, and most are missing).
func BenchmarkReadFileMissing(b *testing.B) {
	root := b.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "a", "b", "c"), 0o755); err != nil {
		b.Fatal(err)
	}
	r, err := Open(root, Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	for b.Loop() {
		if _, err := r.ReadFile("a/b/c/go.mod"); !errors.Is(err, fs.ErrNotExist) {
			b.Fatal(err)
		}
	}
}

func TestRefused(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{&Error{Path: "a", Err: ErrSecret}, true},
		{fmt.Errorf("wrapped: %w", &Error{Path: "a", Err: ErrOutsideRoot}), true},
		{&Error{Path: "a", Err: fs.ErrNotExist}, false},
		{&Error{Path: "a", Err: errors.New("input/output error")}, false},
		{nil, false},
	} {
		if got := Refused(c.err); got != c.want {
			t.Errorf("Refused(%v) = %v, want %v", c.err, got, c.want)
		}
	}
}
