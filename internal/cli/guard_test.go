package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/testrepo"
)

func TestParseSize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64 // 0: an error
	}{
		{"1MiB", 1 << 20}, {"512KiB", 512 << 10}, {"2MB", 2e6}, {"5MB", 5e6}, {"1048576", 1 << 20},
		{"1.5MiB", 3 << 19}, {"2M", 2 << 20}, {"100k", 100 << 10}, {" 64 KiB ", 64 << 10}, {"1GiB", 1 << 30},
		{"10B", 10}, {"1gb", 1e9},
		{"1TB", 0}, {"1TiB", 0}, {"2GiB", 0}, {"1073741825", 0}, // over the maximum
		{"0", 0}, {"0KiB", 0}, {"0.1B", 0}, {"-1", 0}, {"-1MiB", 0}, {"+1MiB", 0},
		{"abc", 0}, {"", 0}, {"MiB", 0}, {"1 2MiB", 0}, {"1MiBx", 0}, {"1XB", 0}, {"1e6", 0}, {"0x10", 0},
		{"99999999999999999999", 0}, {"99999999999999999999999999999999999999999TiB", 0}, {"1.", 0}, {".5MiB", 0},
	} {
		got, err := parseSize(tc.in)
		switch {
		case tc.want == 0 && err == nil:
			t.Errorf("parseSize(%q) = %d, want an error", tc.in, got)
		case tc.want != 0 && (err != nil || got != tc.want):
			t.Errorf("parseSize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
		case err != nil && !strings.Contains(err.Error(), strconvQuote(tc.in)):
			t.Errorf("parseSize(%q): error %q does not name the value", tc.in, err)
		}
	}
}

func strconvQuote(s string) string { b, _ := json.Marshal(s); return string(b) }

// indexedCount runs a plain index of repo and returns how many files it
// holds (all unchanged: the run itself changes nothing).
func indexedCount(t *testing.T, repo string) int {
	t.Helper()
	var sum struct{ Files, Unchanged, Deleted, Added int }
	if err := json.Unmarshal([]byte(mustRun(t, "index", repo, "--json", "--no-daemon")), &sum); err != nil {
		t.Fatal(err)
	}
	if sum.Deleted != 0 || sum.Added != 0 {
		t.Errorf("plain re-index: %+v", sum)
	}
	return sum.Unchanged
}

// The wipes of issue 14: each exited 0 and deleted every indexed file.
func TestIndexBadFlagsKeepTheIndex(t *testing.T) {
	repo := indexedRepo(t)
	n := indexedCount(t, repo)
	if n < 4 {
		t.Fatalf("fixture has %d files", n)
	}
	for _, tc := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--max-file-size", "1TB"}, 2, "over the maximum"},
		{[]string{"--max-file-size", "1TiB"}, 2, "over the maximum"},
		{[]string{"--max-file-size", "0"}, 2, "less than one byte"},
		{[]string{"--max-file-size", "-1"}, 2, "not a size"},
		{[]string{"--max-file-size", "99999999999999999999"}, 2, "over the maximum"},
		{[]string{"--include", "["}, 2, `invalid pattern "["`},
		{[]string{"--exclude", `*.go\`}, 2, `invalid pattern "*.go\\"`},
		// Valid flags whose selection drops most files: the guard.
		{[]string{"--max-file-size", "10B"}, exitSelectionDeletes, "--max-file-size"},
		{[]string{"--include", "nothing/**"}, exitSelectionDeletes, "--include"},
		{[]string{"--lang", "rust"}, exitSelectionDeletes, "--lang"},
	} {
		args := append([]string{"index", repo, "--no-daemon"}, tc.args...)
		_, errs, code := run(t, args...)
		if code != tc.code || !strings.Contains(errs, tc.msg) {
			t.Errorf("index %s: exit %d, stderr %q; want exit %d mentioning %q", strings.Join(tc.args, " "), code, errs, tc.code, tc.msg)
		}
		if tc.code == exitSelectionDeletes && !strings.Contains(errs, "--yes") {
			t.Errorf("index %s: stderr %q does not mention --yes", strings.Join(tc.args, " "), errs)
		}
		if got := indexedCount(t, repo); got != n {
			t.Fatalf("after index %s: %d files indexed, want %d", strings.Join(tc.args, " "), got, n)
		}
	}

	// --json: a structured error on stdout, a non-zero exit.
	out, _, code := run(t, "index", repo, "--no-daemon", "--json", "--max-file-size", "10B")
	var res struct {
		Error struct {
			Code        string   `json:"code"`
			Message     string   `json:"message"`
			Indexed     int      `json:"indexed"`
			WouldDelete int      `json:"would_delete"`
			Changed     []string `json:"changed"`
		} `json:"error"`
	}
	if err := json.Unmarshal([]byte(out), &res); err != nil || code != exitSelectionDeletes {
		t.Fatalf("--json: exit %d, %v: %q", code, err, out)
	}
	if e := res.Error; e.Code != "selection_would_delete" || e.Indexed != n || e.WouldDelete != n ||
		len(e.Changed) != 1 || e.Changed[0] != "--max-file-size" || e.Message == "" {
		t.Errorf("--json error: %+v", e)
	}

	// --yes goes ahead; then the new selection is the stored one.
	out = mustRun(t, "index", repo, "--no-daemon", "--json", "--max-file-size", "10B", "--yes")
	var sum struct{ Deleted int }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Deleted != n {
		t.Errorf("--yes: deleted %d of %d (%v)", sum.Deleted, n, err)
	}
	mustRun(t, "index", repo, "--no-daemon", "--max-file-size", "10B")
}

// Deleting files from the tree is not a selection change: the index
// follows without asking.
func TestIndexDeletedFilesNeedNoYes(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	mustRun(t, "index", repo, "--quiet", "--no-daemon")
	for _, d := range []string{"pkg", "web", "tools"} {
		if err := os.RemoveAll(filepath.Join(repo, d)); err != nil {
			t.Fatal(err)
		}
	}
	out := mustRun(t, "index", repo, "--json", "--no-daemon")
	var sum struct{ Deleted int }
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum.Deleted == 0 {
		t.Errorf("deleted %d (%v): %s", sum.Deleted, err, out)
	}
}

func TestSearchBadPath(t *testing.T) {
	repo := sharedRepo(t)
	_, errs, code := run(t, "search", "--db", filepath.Join(repo, ".codegraph"), "--path", "[", "x")
	if code != 2 || !strings.Contains(errs, `--path: invalid pattern "["`) {
		t.Errorf("search --path '[': exit %d, stderr %q", code, errs)
	}
}

// A file named back\slash.js made every index run fail; hostile names are
// now skipped, and listed escaped.
func TestIndexHostileNames(t *testing.T) {
	repo := testrepo.Copy(t, filepath.Join("..", "..", "testdata", "repo"))
	for _, name := range []string{`back\slash.js`, "new\nline.go", "esc\x1b[2J.py", "bad\xff.js"} {
		if err := os.WriteFile(filepath.Join(repo, name), []byte("function f() {}\n"), 0o644); err != nil {
			t.Skipf("file system refuses %q: %v", name, err)
		}
	}
	out := mustRun(t, "index", repo, "--no-daemon")
	for _, want := range []string{"4 paths skipped for names unsafe to index", `"back\\slash.js"`, `"new\nline.go"`, `"esc\x1b[2J.py"`, `"bad\xff.js"`} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") || strings.Contains(out, "new\nline") {
		t.Errorf("summary prints a raw hostile name:\n%q", out)
	}
	mustRun(t, "search", "--db", filepath.Join(repo, ".codegraph"), "f")
}

func TestDisplayPath(t *testing.T) {
	for in, want := range map[string]string{
		"a/b.go": "a/b.go", "héllo/wörld.py": "héllo/wörld.py", "a b.go": "a b.go",
		`a\b.js`: `"a\\b.js"`, "a\nb": `"a\nb"`, "a\x1b[0m": `"a\x1b[0m"`, "\xff": `"\xff"`, "rlo\u202e": `"rlo\u202e"`,
	} {
		if got := displayPath(in); got != want {
			t.Errorf("displayPath(%q) = %s, want %s", in, got, want)
		}
	}
}
