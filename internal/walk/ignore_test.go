package walk

import (
	"strings"
	"testing"
)

func TestMatcherMatch(t *testing.T) {
	const (
		dir  = true
		file = false
	)
	tests := []struct {
		name     string
		patterns string // the ignore file, lines separated by '\n'
		path     string
		isDir    bool
		want     Verdict
	}{
		// Blank lines, comments and escapes.
		{"empty file", "", "a.go", file, NoMatch},
		{"blank lines", "\n\n   \n", "a.go", file, NoMatch},
		{"comment", "#a.go", "a.go", file, NoMatch},
		{"comment is not a pattern for #", "#a.go", "#a.go", file, NoMatch},
		{"escaped hash", `\#a.go`, "#a.go", file, Ignore},
		{"hash not at start", "a#b", "a#b", file, Ignore},
		{"escaped bang", `\!a.go`, "!a.go", file, Ignore},
		{"escaped bang is not negation", `\!a.go`, "a.go", file, NoMatch},
		{"CRLF line", "a.go\r\nb.go\r\n", "a.go", file, Ignore},
		{"BOM", "\xef\xbb\xbfa.go", "a.go", file, Ignore},

		// Trailing spaces.
		{"trailing spaces dropped", "a.go   ", "a.go", file, Ignore},
		{"trailing spaces dropped 2", "a.go   ", "a.go   ", file, NoMatch},
		{"escaped trailing space kept", `a.go\ `, "a.go ", file, Ignore},
		{"escaped trailing space kept 2", `a.go\ `, "a.go", file, NoMatch},
		{"spaces after escaped space dropped", `a\  `, "a ", file, Ignore},
		{"inner spaces kept", "a b.go", "a b.go", file, Ignore},
		{"leading spaces kept", " a.go", " a.go", file, Ignore},
		{"leading spaces kept 2", " a.go", "a.go", file, NoMatch},

		// Negation: the last matching pattern wins.
		{"negation", "*.go\n!keep.go", "keep.go", file, Keep},
		{"negation other file", "*.go\n!keep.go", "drop.go", file, Ignore},
		{"later pattern overrides negation", "!keep.go\n*.go", "keep.go", file, Ignore},
		{"negation without earlier match", "!keep.go", "keep.go", file, Keep},
		{"lone bang ignored", "!\na.go", "a.go", file, Ignore},

		// Directory-only patterns.
		{"dir pattern matches dir", "build/", "build", dir, Ignore},
		{"dir pattern skips file", "build/", "build", file, NoMatch},
		{"dir pattern at depth", "build/", "a/b/build", dir, Ignore},
		{"plain pattern matches dir too", "build", "build", dir, Ignore},
		{"negated dir pattern", "*\n!src/", "src", dir, Keep},
		{"negated dir pattern file", "*\n!src/", "src", file, Ignore},
		{"lone slash ignored", "/", "a", dir, NoMatch},

		// Anchoring.
		{"unanchored at root", "a.go", "a.go", file, Ignore},
		{"unanchored at depth", "a.go", "x/y/a.go", file, Ignore},
		{"leading slash anchors", "/a.go", "a.go", file, Ignore},
		{"leading slash anchors 2", "/a.go", "x/a.go", file, NoMatch},
		{"middle slash anchors", "x/a.go", "x/a.go", file, Ignore},
		{"middle slash anchors 2", "x/a.go", "y/x/a.go", file, NoMatch},
		{"trailing slash does not anchor", "x/", "y/x", dir, Ignore},
		{"anchored dir", "/x/", "x", dir, Ignore},
		{"anchored dir not deeper", "/x/", "y/x", dir, NoMatch},
		{"anchored path does not match prefix", "x/a", "x/a/b", file, NoMatch},

		// Wildcards.
		{"star", "*.go", "main.go", file, Ignore},
		{"star empty", "*.go", ".go", file, Ignore},
		{"star no match", "*.go", "main.c", file, NoMatch},
		{"star in anchored does not cross slash", "x/*.go", "x/y/a.go", file, NoMatch},
		{"star in anchored", "x/*.go", "x/a.go", file, Ignore},
		{"star component", "x/*/a.go", "x/y/a.go", file, Ignore},
		{"star component not empty", "x/*/a.go", "x/a.go", file, NoMatch},
		{"star component not two", "x/*/a.go", "x/y/z/a.go", file, NoMatch},
		{"star prefix", "test_*", "a/test_x.py", file, Ignore},
		{"star middle", "a*z", "abcz", file, Ignore},
		{"stars", "a*b*c", "aXbYbZc", file, Ignore},
		{"stars no match", "a*b*c", "aXbYbZ", file, NoMatch},
		{"question", "?.go", "a.go", file, Ignore},
		{"question one byte", "?.go", "ab.go", file, NoMatch},
		{"question is a byte", "?.go", "é.go", file, NoMatch},
		{"question not slash", "x?a", "x/a", file, NoMatch},
		{"escaped star", `\*.go`, "*.go", file, Ignore},
		{"escaped star literal", `\*.go`, "a.go", file, NoMatch},
		{"escaped question", `\?`, "a", file, NoMatch},
		{"escaped letter", `\a`, "a", file, Ignore},
		{"dangling backslash never matches", `a\`, "a", file, NoMatch},
		{"dangling backslash never matches 2", `a\`, `a\`, file, NoMatch},

		// Bracket classes.
		{"class", "[abc].go", "b.go", file, Ignore},
		{"class no match", "[abc].go", "d.go", file, NoMatch},
		{"range", "[a-c].go", "b.go", file, Ignore},
		{"range no match", "[a-c].go", "d.go", file, NoMatch},
		{"negated class", "[!a-c].go", "d.go", file, Ignore},
		{"negated class 2", "[!a-c].go", "a.go", file, NoMatch},
		{"caret negation", "[^a-c].go", "d.go", file, Ignore},
		{"bracket first is literal", "[]a].go", "].go", file, Ignore},
		{"negated bracket first is literal", "[!]a].go", "].go", file, NoMatch},
		{"dash at end literal", "[a-].go", "-.go", file, Ignore},
		{"dash at start literal", "[-a].go", "-.go", file, Ignore},
		{"escaped in class", `[\]].go`, "].go", file, Ignore},
		{"posix class", "[[:digit:]].go", "7.go", file, Ignore},
		{"posix class no match", "[[:digit:]].go", "x.go", file, NoMatch},
		{"posix class mixed", "[[:upper:]x].go", "x.go", file, Ignore},
		{"posix space is git's", "a[[:space:]]b", "a\vb", file, NoMatch},
		{"unknown posix class never matches", "[[:foo:]]", "f", file, NoMatch},
		{"bracket colon without close", "[[:a]", "[", file, Ignore},
		{"unclosed class never matches", "[abc", "[abc", file, NoMatch},
		{"unclosed class never matches 2", "[abc", "a", file, NoMatch},
		{"class does not match slash", "x[/]a", "x/a", file, NoMatch},
		{"class is case-sensitive", "[a-z].go", "A.go", file, NoMatch},
		{"matching is case-sensitive", "A.go", "a.go", file, NoMatch},

		// Double stars.
		{"leading double star", "**/foo", "foo", file, Ignore},
		{"leading double star deep", "**/foo", "a/b/foo", file, Ignore},
		{"leading double star not suffix", "**/foo", "a/xfoo", file, NoMatch},
		{"leading double star path", "**/foo/bar", "x/foo/bar", file, Ignore},
		{"leading double star path root", "**/foo/bar", "foo/bar", file, Ignore},
		{"trailing double star", "abc/**", "abc/x", file, Ignore},
		{"trailing double star deep", "abc/**", "abc/x/y/z", file, Ignore},
		{"trailing double star not dir itself", "abc/**", "abc", dir, NoMatch},
		{"trailing double star anchored", "abc/**", "x/abc/y", file, NoMatch},
		{"middle double star zero", "a/**/b", "a/b", file, Ignore},
		{"middle double star one", "a/**/b", "a/x/b", file, Ignore},
		{"middle double star many", "a/**/b", "a/x/y/z/b", file, Ignore},
		{"middle double star no", "a/**/b", "a/x/y/c", file, NoMatch},
		{"two double stars", "a/**/b/**/c", "a/1/b/2/3/c", file, Ignore},
		{"two double stars zero", "a/**/b/**/c", "a/b/c", file, Ignore},
		{"double star backtracks", "**/a/b", "a/a/a/b", file, Ignore},
		{"double star then star", "**/*.go", "x/y/a.go", file, Ignore},
		{"double star alone", "**", "a/b/c", file, Ignore},
		{"slash double star alone", "/**", "a/b/c", file, Ignore},
		{"triple star is double", "a/***/b", "a/x/y/b", file, Ignore},
		{"double star not bounded is star", "a**b", "axyb", file, Ignore},
		{"double star not bounded anchored", "x/a**b", "x/a/b", file, NoMatch},
		{"double star suffix in component", "x/**b", "x/y/b", file, NoMatch},
		{"double star suffix in component 2", "x/**b", "x/ab", file, Ignore},
		{"escaped double star literal", `a/\*\*/b`, "a/x/b", file, NoMatch},
		{"escaped double star literal 2", `a/\*\*/b`, "a/**/b", file, Ignore},
		{"double star dir only", "a/**/", "a/b", dir, Ignore},
		{"double star dir only file", "a/**/", "a/b", file, NoMatch},
		{"escaped slash separates", `a\/b`, "a/b", file, Ignore},
		{"double slash never matches", "a//b", "a/b", file, NoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := ParseIgnore([]byte(tt.patterns))
			if got := m.Match(tt.path, tt.isDir); got != tt.want {
				t.Errorf("ParseIgnore(%q).Match(%q, %v) = %v, want %v", tt.patterns, tt.path, tt.isDir, got, tt.want)
			}
			// The reference port of git's code must agree, or the case is wrong.
			if ref := refMatch(tt.patterns, tt.path, tt.isDir); ref != tt.want {
				t.Errorf("git reference gives %v, want %v", ref, tt.want)
			}
		})
	}
}

func TestMatcherIgnored(t *testing.T) {
	tests := []struct {
		patterns []string
		path     string
		isDir    bool
		want     bool
	}{
		{[]string{"build/"}, "build/x/a.go", false, true},
		// A file inside an ignored directory cannot be re-included.
		{[]string{"build/", "!build/keep.go"}, "build/keep.go", false, true},
		{[]string{"build/", "!build/keep.go"}, "build", true, true},
		// Re-including works when only the files were ignored.
		{[]string{"build/*", "!build/keep.go"}, "build/keep.go", false, false},
		{[]string{"build/*", "!build/keep.go"}, "build/drop.go", false, true},
		// Re-include the directory, then ignore its content but one file.
		{[]string{"/*", "!/src/", "/src/*", "!/src/main.go"}, "src/main.go", false, false},
		{[]string{"/*", "!/src/", "/src/*", "!/src/main.go"}, "src/util.go", false, true},
		{[]string{"/*", "!/src/", "/src/*", "!/src/main.go"}, "doc/a.md", false, true},
		{nil, "a", false, false},
	}
	for _, tt := range tests {
		m := NewMatcher(tt.patterns...)
		if got := m.Ignored(tt.path, tt.isDir); got != tt.want {
			t.Errorf("NewMatcher(%q).Ignored(%q, %v) = %v, want %v", tt.patterns, tt.path, tt.isDir, got, tt.want)
		}
	}
}

func TestMatcherNil(t *testing.T) {
	var m *Matcher
	if m.Match("a", false) != NoMatch || m.Ignored("a/b", false) || m.Len() != 0 {
		t.Error("nil Matcher matched")
	}
	if got := NewMatcher("#c", "", "a", "[x").Len(); got != 1 {
		t.Errorf("Len = %d, want 1", got)
	}
}

func TestVerdictString(t *testing.T) {
	for v, want := range map[Verdict]string{NoMatch: "no-match", Ignore: "ignore", Keep: "keep", 9: "invalid"} {
		if got := v.String(); got != want {
			t.Errorf("Verdict(%d).String() = %q, want %q", v, got, want)
		}
	}
}

// fuzzPaths are matched against every fuzzed ignore file.
var fuzzPaths = []string{
	"a", "b", "a.go", "ab", "a/b", "a/b/c", "b/a", "x/a/b", "a/x/y/b", "abc/def.go",
	"a b", "#a", "!a", "[a]", `a\b`, "a*b", "é.go", ".env", "a/.b/c",
}

func FuzzParseIgnore(f *testing.F) {
	for _, seed := range []string{
		"*.go\n!keep.go\n", "/build/\n", "a/**/b\n", "**/x\n", "x/**\n",
		"[a-c]?\n", "[!a]\n", "[[:alpha:]]\n", `\#a` + "\n" + `\!b`, "a\\ \n",
		"#c\n\n", "a/*/b", "***", "[]-]", "a[", `a\`, "x/**/", "!/a/",
	} {
		f.Add(seed, "a/b", false)
	}
	f.Fuzz(func(t *testing.T, content, extra string, isDir bool) {
		if strings.IndexByte(content, 0) >= 0 || strings.IndexByte(extra, 0) >= 0 {
			t.Skip("git patterns and paths are C strings")
		}
		m := ParseIgnore([]byte(content))
		if m.Len() > strings.Count(content, "\n")+1 {
			t.Fatalf("%d patterns from %d lines", m.Len(), strings.Count(content, "\n")+1)
		}
		paths := fuzzPaths
		if extra != "" && !strings.HasPrefix(extra, "/") && !strings.HasSuffix(extra, "/") && !strings.Contains(extra, "//") {
			paths = append(paths[:len(paths):len(paths)], extra)
		}
		for _, p := range paths {
			got := m.Match(p, isDir)
			if want := refMatch(content, p, isDir); got != want {
				t.Fatalf("ParseIgnore(%q).Match(%q, %v) = %v, git's rules give %v", content, p, isDir, got, want)
			}
			_ = m.Ignored(p, isDir)
		}
	})
}
