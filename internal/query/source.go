package query

import (
	"bytes"
	"path/filepath"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/repofile"
)

// Snippet bounds.
const (
	snippetLines = 3
	snippetBytes = 240
	lineBytes    = 200 // a reference's line text
	maxSrcFile   = 8 << 20
	srcCacheSize = 128 // files kept in memory
)

// sourceCache reads indexed files from the repository root, keeping the
// most recent ones. A file whose content no longer matches the hash the
// index recorded is treated as unreadable: its line numbers would lie.
type sourceCache struct {
	root string
	g    Reader

	mu    sync.Mutex
	files map[string]*srcFile
}

type srcFile struct {
	data  []byte
	lines []int // start offset of each line
}

func newSourceCache(root string, g Reader) *sourceCache {
	return &sourceCache{root: root, g: g, files: make(map[string]*srcFile)}
}

// file returns the indexed file at path, or nil if it cannot be read or
// has changed since it was indexed.
func (c *sourceCache) file(path string) *srcFile {
	if c == nil || path == "" || graph.Synthetic(path) || !filepath.IsLocal(filepath.FromSlash(path)) {
		return nil
	}
	c.mu.Lock()
	f, ok := c.files[path]
	c.mu.Unlock()
	if ok {
		return f
	}
	f = c.load(path)
	c.mu.Lock()
	if len(c.files) >= srcCacheSize {
		clear(c.files) // simple and bounded; queries touch few files
	}
	c.files[path] = f
	c.mu.Unlock()
	return f
}

func (c *sourceCache) load(path string) *srcFile {
	meta, err := c.g.FileMeta(path)
	if err != nil || meta.Size > maxSrcFile {
		return nil
	}
	// The shared reader: links followed only inside the root, no secrets,
	// regular files only (a FIFO never blocks a query).
	data, err := repofile.ReadFile(c.root, path, repofile.Options{MaxSize: maxSrcFile})
	if err != nil || graph.HashBytes(data) != meta.Hash {
		return nil
	}
	f := &srcFile{data: data, lines: make([]int, 1, bytes.Count(data, []byte{'\n'})+1)}
	for i := 0; ; {
		k := bytes.IndexByte(data[i:], '\n')
		if k < 0 {
			break
		}
		i += k + 1
		f.lines = append(f.lines, i)
	}
	return f
}

// line returns line n (1-based) without its line ending.
func (f *srcFile) line(n uint32) (string, bool) {
	if f == nil || n == 0 || int(n) > len(f.lines) {
		return "", false
	}
	start := f.lines[n-1]
	end := len(f.data)
	if int(n) < len(f.lines) {
		end = f.lines[n] - 1
	}
	if start > end {
		return "", true
	}
	return strings.TrimRight(string(f.data[start:end]), "\r"), true
}

// LineText returns the text of line n of the indexed file path, trimmed
// and capped, or "" if the source cannot be read.
func (e *Engine) LineText(path string, n uint32) string {
	s, ok := e.src.file(path).line(n)
	if !ok {
		return ""
	}
	return capString(strings.TrimSpace(s), lineBytes)
}

// snippet returns the first lines of n's definition, dedented and capped,
// or its signature when the source cannot be read.
func (e *Engine) snippet(n *graph.Node) string {
	f := e.src.file(n.File)
	if f == nil || n.StartLine == 0 {
		return n.Signature
	}
	last := min(n.EndLine, n.StartLine+snippetLines-1)
	var lines []string
	for l := n.StartLine; l <= last; l++ {
		s, ok := f.line(l)
		if !ok {
			break
		}
		lines = append(lines, strings.TrimRight(s, " \t"))
	}
	if len(lines) == 0 {
		return n.Signature
	}
	indent := lines[0][:len(lines[0])-len(strings.TrimLeft(lines[0], " \t"))]
	for i, l := range lines {
		lines[i] = strings.TrimPrefix(l, indent)
	}
	if n.EndLine > last {
		lines = append(lines, "…")
	}
	return capString(strings.Join(lines, "\n"), snippetBytes)
}

// Source returns lines [from, to] of the indexed file path, or nil if the
// source cannot be read (file gone, or changed since it was indexed).
func (e *Engine) Source(path string, from, to uint32) []string {
	f := e.src.file(path)
	if f == nil {
		return nil
	}
	var out []string
	for l := from; l <= to; l++ {
		s, ok := f.line(l)
		if !ok {
			break
		}
		out = append(out, s)
	}
	return out
}

// capString cuts s to at most n bytes on a rune boundary, marking the cut.
func capString(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}

// hasMainGuard reports whether Python source runs code under
// `if __name__ == "__main__":`.
func hasMainGuard(data []byte) bool {
	return bytes.Contains(data, []byte(`__name__ == "__main__"`)) || bytes.Contains(data, []byte(`__name__ == '__main__'`))
}
