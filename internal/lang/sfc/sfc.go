// Package sfc reads single-file components (Vue, Svelte): HTML-like files
// whose top-level <script> blocks hold the component's JavaScript or
// TypeScript. It finds those blocks and blanks everything else, so that
// the code parses with the script's own grammar at the file's positions.
// The language folders internal/lang/vue and internal/lang/svelte use it.
package sfc

import (
	"bytes"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Block is one <script> block: Start and End delimit its code (between
// the opening tag's ">" and "</script"); Lang is its lang attribute ("ts",
// "tsx", "" when absent).
type Block struct {
	Start, End int
	Lang       string
	Attrs      string // the opening tag's attributes as written
}

// Scripts returns the <script> blocks of a component, skipping HTML
// comments. A block with a src attribute (code in another file) is left
// out; an unclosed block runs to the end of the file.
func Scripts(src []byte) []Block {
	var out []Block
	for i := 0; i < len(src); {
		j := bytes.IndexByte(src[i:], '<')
		if j < 0 {
			break
		}
		i += j
		if bytes.HasPrefix(src[i:], []byte("<!--")) {
			k := bytes.Index(src[i+4:], []byte("-->"))
			if k < 0 {
				break
			}
			i += 4 + k + 3
			continue
		}
		if !hasFoldPrefix(src[i+1:], "script") || i+7 >= len(src) || !isTagEnd(src[i+7]) {
			i++
			continue
		}
		gt := tagEnd(src, i+7)
		if gt < 0 {
			break
		}
		attrs := string(src[i+7 : gt])
		b := Block{Start: gt + 1, Lang: strings.ToLower(attr(attrs, "lang")), Attrs: strings.TrimSpace(attrs)}
		if strings.HasSuffix(strings.TrimSpace(attrs), "/") {
			i = gt + 1 // <script ... />
			continue
		}
		end := indexFold(src[b.Start:], "</script")
		if end < 0 {
			b.End = len(src)
		} else {
			b.End = b.Start + end
		}
		if attr(attrs, "src") == "" {
			out = append(out, b)
		}
		i = b.End
	}
	return out
}

// Blank returns a copy of src in which every byte outside the blocks is a
// space, but for line breaks, which are kept so that lines and columns
// stay the file's.
func Blank(src []byte, blocks []Block) []byte {
	out := make([]byte, len(src))
	for i, c := range src {
		if c == '\n' || c == '\r' {
			out[i] = c
		} else {
			out[i] = ' '
		}
	}
	for _, b := range blocks {
		copy(out[b.Start:b.End], src[b.Start:b.End])
	}
	return out
}

// Grammar returns the grammar the blocks are parsed with: "tsx" when one
// says lang="tsx", "typescript" when one says ts or typescript, else
// "javascript" (whose grammar reads JSX).
func Grammar(blocks []Block) string {
	g := "javascript"
	for _, b := range blocks {
		switch b.Lang {
		case "tsx":
			return "tsx"
		case "ts", "typescript":
			g = "typescript"
		}
	}
	return g
}

// Host is a spec.Grammar Host for a single-file component format.
func Host(src []byte) (string, []byte) {
	blocks := Scripts(src)
	return Grammar(blocks), Blank(src, blocks)
}

// Name returns the name a component is used by, from its file name: the
// base name without extension, in PascalCase (my-button.vue and
// my_button.svelte are MyButton; MyButton.vue stays MyButton).
func Name(relPath string) string {
	base := path.Base(relPath)
	base = strings.TrimSuffix(base, path.Ext(base))
	var b strings.Builder
	up := true
	for _, r := range base {
		switch {
		case r == '-' || r == '_' || r == '.' || r == ' ':
			up = true
		case up:
			b.WriteRune(unicode.ToUpper(r))
			up = false
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "Component"
	}
	return b.String()
}

// Tags returns the distinct names of the elements outside the script and
// style blocks that start with an upper-case letter (<MyButton>, <Nav.Item>
// gives Nav): the components the template uses, in order of first use.
func Tags(src []byte, blocks []Block) []string {
	var out []string
	seen := map[string]bool{}
	inBlock := func(i int) bool {
		for _, b := range blocks {
			if i >= b.Start && i < b.End {
				return true
			}
		}
		return false
	}
	for i := 0; i+1 < len(src); i++ {
		if src[i] != '<' || inBlock(i) {
			continue
		}
		if bytes.HasPrefix(src[i:], []byte("<!--")) {
			k := bytes.Index(src[i+4:], []byte("-->"))
			if k < 0 {
				break
			}
			i += 4 + k + 2
			continue
		}
		r, _ := utf8.DecodeRune(src[i+1:])
		if !unicode.IsUpper(r) {
			continue
		}
		j := i + 1
		for j < len(src) && (isIdentByte(src[j])) {
			j++
		}
		name := string(src[i+1 : j])
		switch strings.ToLower(name) {
		case "script", "style", "template":
			continue
		}
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
		i = j - 1
	}
	return out
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isTagEnd(c byte) bool {
	return c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/'
}

// tagEnd returns the index of the ">" that ends a tag whose attributes
// start at i, skipping quoted values; -1 when there is none.
func tagEnd(src []byte, i int) int {
	var q byte
	for ; i < len(src); i++ {
		c := src[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
			}
		case c == '"' || c == '\'':
			q = c
		case c == '>':
			return i
		}
	}
	return -1
}

// attr returns the value of the attribute name in an opening tag's
// attribute text ("" when absent; "true" for a bare attribute).
func attr(attrs, name string) string {
	s := attrs
	for s != "" {
		s = strings.TrimLeft(s, " \t\r\n/")
		k := strings.IndexAny(s, "= \t\r\n/")
		var key string
		if k < 0 {
			key, s = s, ""
		} else {
			key, s = s[:k], s[k:]
		}
		t := strings.TrimLeft(s, " \t\r\n")
		val := "true"
		if strings.HasPrefix(t, "=") {
			t = strings.TrimLeft(t[1:], " \t\r\n")
			if t != "" && (t[0] == '"' || t[0] == '\'') {
				if e := strings.IndexByte(t[1:], t[0]); e >= 0 {
					val, s = t[1:1+e], t[2+e:]
				} else {
					val, s = t[1:], ""
				}
			} else {
				e := strings.IndexAny(t, " \t\r\n")
				if e < 0 {
					e = len(t)
				}
				val, s = t[:e], t[e:]
			}
		}
		if strings.EqualFold(key, name) {
			return val
		}
		if key == "" && s != "" && k == 0 {
			s = s[1:] // a stray character
		}
	}
	return ""
}

func hasFoldPrefix(b []byte, p string) bool {
	return len(b) >= len(p) && strings.EqualFold(string(b[:len(p)]), p)
}

func indexFold(b []byte, p string) int {
	for i := 0; i+len(p) <= len(b); i++ {
		j := bytes.IndexByte(b[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if hasFoldPrefix(b[i:], p) {
			return i
		}
	}
	return -1
}
