package walk

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// These tests compare Walk with git itself: with the default ignores off
// and every file accepted, Walk must yield exactly the untracked files git
// does not ignore (git ls-files --others --exclude-standard).

// gitRepo makes an empty repository in a new directory, isolated from the
// user's and system's git configuration, or skips when git is missing.
func gitRepo(t *testing.T) (root string, git func(args ...string) string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not installed")
	}
	root = t.TempDir()
	home := t.TempDir()
	git = func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home,
			"GIT_CONFIG_GLOBAL="+os.DevNull, "GIT_CONFIG_NOSYSTEM=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, stderr.Bytes())
		}
		return string(out)
	}
	git("init", "-q")
	return root, git
}

// gitFiles lists the files git would add.
func gitFiles(git func(...string) string) []string {
	out := strings.TrimSuffix(git("ls-files", "--others", "--exclude-standard", "-z"), "\x00")
	if out == "" {
		return []string{}
	}
	files := strings.Split(out, "\x00")
	slices.Sort(files)
	return files
}

func walkAll(t *testing.T, root string) []string {
	t.Helper()
	got, _ := collect(t, Options{Root: root, Detect: detectAll, NoDefaultIgnores: true})
	return got
}

func TestWalkAgreesWithGit(t *testing.T) {
	root, git := gitRepo(t)
	writeTree(t, root, map[string]string{
		".gitignore": "# comment\n*.log\n!important.log\n/gen/\nlogs/\n!logs/keep.txt\ntmp?/\n" +
			"**/cache/**\n!**/cache/keep/\ndocs/**/*.html\n\\#hash\n\\!bang\ntrailing.txt   \n" +
			"[abc].out\n*.[oa]\n!lib.a\nfoo/**/bar\n",
		"a.log": "", "important.log": "", "main.go": "", "gen/x.go": "", "lib/gen/y.go": "",
		"logs/keep.txt": "", "tmp1/a.go": "", "tmp12/a.go": "", "x/cache/a": "", "x/cache/keep/b": "",
		"cache/c": "", "docs/a.html": "", "docs/x/y/b.html": "", "docs/c.md": "", "#hash": "",
		"!bang": "", "trailing.txt": "", "a.out": "", "d.out": "", "m.o": "", "lib.a": "", "z.a": "",
		"foo/bar": "", "foo/x/y/bar": "", "foo/baz": "", "sub/.gitignore": "*.go\n!keep.go\n/only-here\n",
		"sub/a.go": "", "sub/keep.go": "", "sub/only-here": "", "sub/deep/only-here": "",
		"sub/deep/.gitignore": "!*.go\n", "sub/deep/w.go": "", "sub/deep/b.log": "",
		"sub/dir/": "", "sub/dir/ok.txt": "",
		".git/info/exclude": "excluded-by-info\n", "excluded-by-info": "",
	})
	if err := os.Symlink("../../rules", filepath.Join(root, "sub", "dir", ".gitignore")); err == nil {
		writeTree(t, root, map[string]string{"rules": "*.txt\n"})
	}
	want := gitFiles(git)
	checkPaths(t, walkAll(t, root), want)
}

func TestWalkAgreesWithGitRandom(t *testing.T) {
	root, git := gitRepo(t)
	writeTree(t, root, map[string]string{
		"a.go": "", "bb": "", "ab": "", "ba.x": "", "a/a.go": "", "a/b": "", "a/ab/c": "",
		"a/b.x/c.go": "", "b/a/a": "", "b/a/b.go": "", "b/ba": "", "c/a/b/c": "", "c/a/b/d.go": "",
		"c/a/ab": "", "c/b.go": "", "x y/a": "", "ba/a": "", "a/#c": "", "a/!d": "", "a/[x]": "",
		"c/a/a/a/a": "",
	})
	pieces := []string{"a", "b", "c", "*", "**", "?", "/", "[ab]", "[!a]", ".go", ".x", "a*", "*b", "\\", "#", " ", "!", "[x]"}
	randomLine := func(r *rand.Rand) string {
		var b strings.Builder
		if r.IntN(4) == 0 {
			b.WriteString("!")
		}
		if r.IntN(6) == 0 {
			b.WriteString("/")
		}
		for n := 1 + r.IntN(4); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if r.IntN(5) == 0 {
			b.WriteString("/")
		}
		return b.String()
	}
	iterations := 300
	if testing.Short() {
		iterations = 20
	}
	r := rand.New(rand.NewPCG(1, 2))
	for i := range iterations {
		files := map[string]string{}
		for _, dir := range []string{"", "a", "c/a"} {
			var lines []string
			for n := 1 + r.IntN(5); n > 0; n-- {
				lines = append(lines, randomLine(r))
			}
			files[filepath.Join(dir, ".gitignore")] = strings.Join(lines, "\n") + "\n"
		}
		writeTree(t, root, files)
		want := gitFiles(git)
		got := walkAll(t, root)
		if !slices.Equal(got, want) {
			var desc strings.Builder
			for _, dir := range []string{"", "a", "c/a"} {
				fmt.Fprintf(&desc, "\n%s/.gitignore: %q", dir, files[filepath.Join(dir, ".gitignore")])
			}
			t.Fatalf("iteration %d:%s\nWalk yielded\n\t%q\ngit lists\n\t%q", i, desc.String(), got, want)
		}
	}
}
