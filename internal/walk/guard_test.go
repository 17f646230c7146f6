package walk

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestCheckPattern(t *testing.T) {
	for _, tc := range []struct {
		pat  string
		want string // "" for valid, else a fragment of the error
	}{
		{"*.go", ""},
		{"src/", ""},
		{"!src/gen/", ""},
		{"**/x", ""},
		{"[abc]", ""},
		{"[[:alpha:]]*", ""},
		{`\[literal`, ""},
		{`\#notcomment`, ""},
		{"[", "unclosed"},
		{"a[b", "unclosed"},
		{"[!", "unclosed"},
		{"[[:nosuch:]]", "unclosed"},
		{`a\`, `"\\"`},
		{"", "empty"},
		{"   ", "empty"},
		{"!", "matches nothing"},
		{"/", "matches nothing"},
		{"#x", "comment"},
	} {
		err := CheckPattern(tc.pat)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("CheckPattern(%q) = %v, want nil", tc.pat, err)
		case tc.want != "" && err == nil:
			t.Errorf("CheckPattern(%q) = nil, want an error about %s", tc.pat, tc.want)
		case tc.want != "":
			if !errors.Is(err, ErrBadPattern) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), strconv.Quote(tc.pat)) {
				t.Errorf("CheckPattern(%q) = %v; want ErrBadPattern quoting the pattern, about %s", tc.pat, err, tc.want)
			}
		}
	}
}

// A pattern that can never match must not silently select nothing: with
// --include '[' an index run would delete every indexed file.
func TestWalkRejectsBadPatterns(t *testing.T) {
	root := t.TempDir()
	writeTree(t, root, map[string]string{"a.go": "", "b/c.go": ""})
	for _, opts := range []Options{
		{Root: root, Detect: detectAll, Include: []string{"["}},
		{Root: root, Detect: detectAll, Include: []string{"*.go", "b/[x"}},
		{Root: root, Detect: detectAll, Exclude: []string{`x\`}},
	} {
		called := false
		_, err := Walk(context.Background(), opts, func(File) error { called = true; return nil })
		if !errors.Is(err, ErrBadPattern) {
			t.Errorf("Walk(include %q, exclude %q) = %v, want ErrBadPattern", opts.Include, opts.Exclude, err)
		}
		if called {
			t.Errorf("Walk(include %q, exclude %q) yielded files before failing", opts.Include, opts.Exclude)
		}
	}
}

func TestBadName(t *testing.T) {
	for name, want := range map[string]bool{
		"main.go": false, "héllo wörld.py": false, "日本.js": false, "a b-c_d.e": false, "x:y@z": false,
		`back\slash.js`: true, "new\nline.go": true, "tab\t.go": true, "esc\x1b[31m.go": true,
		"del\x7f.go": true, "bad\xff.go": true, "c1\u0085.go": true, "rlo\u202egol.js": true,
		"ls\u2028.go": true, "\x00": true,
	} {
		if got := BadName(name); got != want {
			t.Errorf("BadName(%q) = %v, want %v", name, got, want)
		}
	}
}

// Hostile names are skipped and counted, not yielded: a file named
// back\slash.js made every index run fail.
func TestWalkSkipsBadNames(t *testing.T) {
	root := t.TempDir()
	files := map[string]string{
		"ok.go":             "",
		`back\slash.js`:     "",
		"new\nline.go":      "",
		"ctl\x01.go":        "",
		"bad\xff.go":        "",
		"rlo\u202etxt.go":   "",
		"d\x1b[0m/inner.go": "",
		"notes\n.txt":       "", // not source: silent, like any non-source file
	}
	for name := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Skipf("the file system refuses the name %q: %v", name, err)
		}
	}
	detect := func(rel string, _ func() []byte) string {
		if strings.HasSuffix(rel, ".go") || strings.HasSuffix(rel, ".js") {
			return "src"
		}
		return ""
	}
	got, st := collect(t, Options{Root: root, Detect: detect})
	checkPaths(t, got, []string{"ok.go"})
	checkSkipped(t, st, map[string]int{ReasonBadName: 6})
	for _, s := range st.Samples {
		if s.Reason == ReasonBadName && !BadName(s.Path[strings.LastIndexByte(s.Path, '/')+1:]) {
			t.Errorf("sample %q skipped as %s", s.Path, s.Reason)
		}
	}
}

// pathologicalIgnore is the case: each extra "*a" multiplied the
// time by 7 (31 s for five 60-character names at seven) with a
// backtracking matcher; the star-backtrack algorithm keeps only the last
// star's position and is O(len(pattern) * len(name)).
func pathologicalIgnore(stars int) (*Matcher, []string) {
	pat := strings.Repeat("*a", stars) + "*b"
	m := ParseIgnore([]byte(pat + "\n" + "/x/" + pat + "\n" + "**/" + strings.Repeat("a*/", stars) + "b\n" +
		"*a*a**" + strings.Repeat("a*", stars) + "0\n")) // "**" in a base-name pattern: exponential in git's wildmatch
	var names []string
	for i := range 5 {
		names = append(names, strings.Repeat("a", 59)+string(rune('c'+i)))
		names = append(names, "x/"+strings.Repeat("a", 58)+"c"+string(rune('c'+i)))
		names = append(names, strings.Repeat(strings.Repeat("a", 8)+"/", 8)+"c")
	}
	return m, names
}

func TestMatcherPathologicalLinear(t *testing.T) {
	for _, stars := range []int{7, 20, 60} {
		m, names := pathologicalIgnore(stars)
		start := time.Now()
		for range 100 {
			for _, n := range names {
				if v := m.Match(n, false); v != NoMatch {
					t.Fatalf("%d stars: Match(%q) = %v", stars, n, v)
				}
			}
		}
		// Microseconds each; a backtracking matcher takes hours at 20.
		if el := time.Since(start); el > 2*time.Second {
			t.Errorf("%d stars: 100 rounds of %d names took %s", stars, len(names), el)
		}
	}
	// And it still matches what it should.
	m, _ := pathologicalIgnore(7)
	if v := m.Match(strings.Repeat("a", 60)+"b", false); v != Ignore {
		t.Errorf("Match(a…ab) = %v, want ignore", v)
	}
}

func BenchmarkMatcherPathological(b *testing.B) {
	m, names := pathologicalIgnore(7)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			m.Match(n, false)
		}
	}
}

// simpleRef is an obviously correct reference for the patterns made only
// of literal bytes other than "/", "*" and "?", matched against a base
// name: a regular expression (RE2, linear time) in which "*" is "[^/]*" and
// "?" is "[^/]". It reports false when pat is outside that subset.
func simpleRef(pat, name string) (matched, ok bool) {
	var re strings.Builder
	re.WriteString(`^(?s:`)
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; c {
		case '*':
			re.WriteString(`[^/]*`)
		case '?':
			re.WriteString(`[^/]`)
		case '/', '\\', '[', '!', '#', ' ', '\r', '\n', 0:
			return false, false
		default:
			if c >= 0x80 {
				return false, false // regexp matches runes, wildmatch bytes
			}
			re.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	re.WriteString(`)$`)
	return regexp.MustCompile(re.String()).MatchString(name), true
}

// FuzzMatchPattern compares one pattern's verdict with git's algorithm
// (refMatch) and, for patterns of literals, "*" and "?", with a regular
// expression; seeds include the pathological patterns, which must not
// make either side slow.
func FuzzMatchPattern(f *testing.F) {
	f.Add("*a*a*a*a*a*a*a*b", strings.Repeat("a", 60), false)
	f.Add("*a*a*a*a*a*a*a*b", strings.Repeat("a", 59)+"b", false)
	f.Add("a*/**/b", "a/x/y/b", true)
	f.Add("**/"+strings.Repeat("a*/", 7)+"b", strings.Repeat("aaaa/", 10)+"c", false)
	f.Add("?*?", "ab", false)
	f.Add("[a-c]*", "bx", false)
	f.Fuzz(func(t *testing.T, pat, name string, isDir bool) {
		if strings.ContainsAny(pat, "\x00\n") || strings.ContainsAny(name, "\x00\n") ||
			name == "" || strings.HasPrefix(name, "/") || strings.HasSuffix(name, "/") || strings.Contains(name, "//") {
			t.Skip()
		}
		m := NewMatcher(pat)
		got := m.Match(name, isDir)
		if want := refMatch(pat, name, isDir); got != want {
			t.Fatalf("NewMatcher(%q).Match(%q, %v) = %v, git's algorithm gives %v", pat, name, isDir, got, want)
		}
		if !strings.Contains(name, "/") {
			if want, ok := simpleRef(pat, name); ok && (got == Ignore) != want {
				t.Fatalf("NewMatcher(%q).Match(%q) = %v, the regular expression says %v", pat, name, got, want)
			}
		}
	})
}
