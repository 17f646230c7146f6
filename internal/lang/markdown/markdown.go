// Package markdown is Markdown: a text format whose headings are
// sections. There is no grammar: a small scanner finds the ATX ("# Title",
// optional closing #s) and setext (a line underlined with = or -)
// headings, skipping fenced code blocks (``` and ~~~) and indented code.
package markdown

import (
	"bytes"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

// Language is Markdown.
var Language = &spec.Language{
	Name:       "markdown",
	Grammars:   []*spec.Grammar{{Name: "markdown", Ext: ".md", Outline: Sections}},
	Extensions: map[string]string{".md": "markdown", ".markdown": "markdown", ".mdx": "markdown", ".mdown": "markdown", ".mkd": "markdown"},
	Aliases:    []string{"md"},
	Text:       true,
}

// maxSections bounds the sections of one file (a generated file of
// thousands of headings is searched as text, not outlined in full).
const maxSections = 5000

// line is one line of the file: [start, end) without its line break;
// next is where the following line starts.
type line struct {
	start, end, next int
}

// Sections returns the headings of a Markdown file as sections: each
// runs from its heading to the line before the next heading of the same or
// a higher level (a lower number), or to the end of the file.
func Sections(src []byte) []spec.Section {
	var out []spec.Section
	var open []int // indexes into out of the sections still open, by level
	closeTo := func(level, at int) {
		for len(open) > 0 && out[open[len(open)-1]].Level >= level {
			out[open[len(open)-1]].End = at
			open = open[:len(open)-1]
		}
	}
	var fence []byte // the opening fence while inside a fenced block
	// A paragraph (from paraStart to the end of prev) is what a setext
	// underline turns into a heading.
	var prev line
	paraStart, prevPara := 0, false
	for pos := 0; pos < len(src) && len(out) < maxSections; {
		l := line{start: pos}
		if i := bytes.IndexByte(src[pos:], '\n'); i >= 0 {
			l.end, l.next = pos+i, pos+i+1
		} else {
			l.end, l.next = len(src), len(src)
		}
		if l.end > l.start && src[l.end-1] == '\r' {
			l.end--
		}
		pos = l.next
		text := src[l.start:l.end]
		indent, body := leading(text)
		if fence != nil {
			if indent < 4 && isClosingFence(body, fence) {
				fence = nil
			}
			prevPara = false
			continue
		}
		if indent < 4 {
			if f := openingFence(body); f != nil {
				fence = f
				prevPara = false
				continue
			}
			if level, title, ok := atx(body); ok {
				closeTo(level, l.start)
				open = append(open, len(out))
				out = append(out, spec.Section{Title: title, Level: level, Start: l.start, HeadEnd: l.end, End: len(src)})
				prevPara = false
				continue
			}
			if level := setext(body); level > 0 && prevPara {
				title := strings.Join(strings.Fields(string(src[paraStart:prev.end])), " ")
				closeTo(level, paraStart)
				open = append(open, len(out))
				out = append(out, spec.Section{Title: title, Level: level, Start: paraStart, HeadEnd: l.end, End: len(src)})
				prevPara = false
				continue
			}
		}
		// A paragraph line can be underlined into a heading: a line that
		// is not blank, not indented code (unless it continues a
		// paragraph), not a list item, quote or thematic break.
		para := len(bytes.TrimSpace(text)) > 0 && (indent < 4 || prevPara) && !isBreak(body)
		if para && !prevPara {
			paraStart = l.start
		}
		prevPara = para
		if para {
			prev = l
		}
	}
	closeTo(0, len(src))
	for i := range out {
		// A section ends before the blank lines that separate it from
		// the next heading.
		end := out[i].End
		for end > out[i].HeadEnd && (src[end-1] == '\n' || src[end-1] == '\r' || src[end-1] == ' ' || src[end-1] == '\t') {
			end--
		}
		if end < out[i].HeadEnd {
			end = out[i].HeadEnd
		}
		out[i].End = end
	}
	return out
}

// leading returns the width of a line's indentation (a tab to the next
// multiple of 4) and the line without it.
func leading(b []byte) (int, []byte) {
	w := 0
	for i, c := range b {
		switch c {
		case ' ':
			w++
		case '\t':
			w += 4 - w%4
		default:
			return w, b[i:]
		}
	}
	return w, nil
}

// openingFence returns the fence a line opens (three or more ` or ~), or
// nil.
func openingFence(b []byte) []byte {
	if len(b) < 3 || (b[0] != '`' && b[0] != '~') {
		return nil
	}
	n := 0
	for n < len(b) && b[n] == b[0] {
		n++
	}
	if n < 3 {
		return nil
	}
	if b[0] == '`' && bytes.IndexByte(b[n:], '`') >= 0 {
		return nil // an info string with a backtick: inline code, not a fence
	}
	return b[:n]
}

// isClosingFence reports whether a line closes the fence f: the same
// character, at least as many, and nothing but spaces after.
func isClosingFence(b, f []byte) bool {
	n := 0
	for n < len(b) && b[n] == f[0] {
		n++
	}
	return n >= len(f) && len(bytes.TrimSpace(b[n:])) == 0
}

// atx parses "## Title ##": one to six #s, then a space or the end of
// the line; the closing sequence of #s (after a space) is not part of the
// title.
func atx(b []byte) (int, string, bool) {
	n := 0
	for n < len(b) && b[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(b) && b[n] != ' ' && b[n] != '\t') {
		return 0, "", false
	}
	t := strings.TrimSpace(string(b[n:]))
	if i := strings.TrimRight(t, "#"); i != t {
		if i == "" {
			t = ""
		} else if c := i[len(i)-1]; c == ' ' || c == '\t' {
			t = strings.TrimSpace(i)
		}
	}
	return n, t, true
}

// setext returns 1 for a line of =s, 2 for a line of -s (each optionally
// followed by spaces), 0 otherwise.
func setext(b []byte) int {
	t := bytes.TrimRight(b, " \t")
	if len(t) == 0 || (t[0] != '=' && t[0] != '-') {
		return 0
	}
	for _, c := range t {
		if c != t[0] {
			return 0
		}
	}
	if t[0] == '=' {
		return 1
	}
	return 2
}

// isBreak reports whether a line is a thematic break (*** or ___ or
// - - -) or a list or quote marker line, which a setext underline does
// not turn into a heading here.
func isBreak(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	switch b[0] {
	case '>':
		return true
	case '*', '_', '-', '+':
		if len(b) == 1 || b[1] == ' ' || b[1] == '\t' {
			return true // a list item or a break
		}
		t := bytes.ReplaceAll(bytes.ReplaceAll(b, []byte(" "), nil), []byte("\t"), nil)
		for _, c := range t {
			if c != b[0] {
				return false
			}
		}
		return len(t) >= 3
	}
	return false
}
