package markdown

import (
	"fmt"
	"strings"
	"testing"
)

// outline renders sections as "level title [first-last line]".
func outline(src string) string {
	var b strings.Builder
	line := func(off int) int { return strings.Count(src[:off], "\n") + 1 }
	for _, s := range Sections([]byte(src)) {
		fmt.Fprintf(&b, "%d %s [%d-%d]\n", s.Level, s.Title, line(s.Start), line(max(s.End-1, s.Start)))
	}
	return b.String()
}

func TestSections(t *testing.T) {
	tests := []struct{ name, src, want string }{
		{"atx", "# A\ntext\n## B\nb\n### C\nc\n## D\nd\n# E\n",
			"1 A [1-8]\n2 B [3-6]\n3 C [5-6]\n2 D [7-8]\n1 E [9-9]\n"},
		{"trailing hashes", "# Title #\n## Sub ##   \n### C# notes\n#### x #y\n",
			"1 Title [1-4]\n2 Sub [2-4]\n3 C# notes [3-4]\n4 x #y [4-4]\n"},
		{"not headings", "#hashtag\n####### seven\n    # indented code\n\\# escaped\n", ""},
		{"fenced", "# A\n```sh\n# comment\n```\n~~~\n## no\n~~~\n## B\n",
			"1 A [1-8]\n2 B [8-8]\n"},
		{"long fence", "````\n```\n# inside\n````\n# after\n", "1 after [5-5]\n"},
		{"unclosed fence", "# A\n```\n# never\n", "1 A [1-3]\n"},
		{"setext", "Title\n=====\n\ntext\n\nSub\n---\nmore\n",
			"1 Title [1-8]\n2 Sub [6-8]\n"},
		{"setext paragraph", "one\ntwo\n===\n", "1 one two [1-3]\n"},
		{"thematic break", "text\n\n---\n\n- item\n---\n", ""},
		{"blank lines trimmed", "# A\n\ntext\n\n\n# B\n", "1 A [1-3]\n1 B [6-6]\n"},
		{"crlf", "# A\r\ntext\r\n## B\r\n", "1 A [1-3]\n2 B [3-3]\n"},
		{"empty heading", "#\n# \nx\n", "1  [1-1]\n1  [2-3]\n"},
		{"levels skipped", "### deep\n# top\n", "3 deep [1-1]\n1 top [2-2]\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := outline(tt.src); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func FuzzSections(f *testing.F) {
	f.Add("# A\n```\n# b\n```\nx\n===\n")
	f.Add("a\n---\n")
	f.Fuzz(func(t *testing.T, src string) {
		for _, s := range Sections([]byte(src)) {
			if s.Start < 0 || s.Start > s.HeadEnd || s.HeadEnd > s.End || s.End > len(src) || s.Level < 1 || s.Level > 6 {
				t.Fatalf("bad section %+v in %q", s, src)
			}
		}
	})
}
