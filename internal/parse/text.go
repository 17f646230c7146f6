package parse

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/lang/sfc"
)

// textFacts are the facts of a text format's file: its file node, and a
// section node per part Outline finds (Markdown headings), nested by
// level and qualified by the headings above (Install.From source).
func textFacts(relPath string, g *lang.Grammar, src []byte) *Result {
	file := FileNode(relPath, g.Language, src)
	res := &Result{Nodes: []graph.Node{file}}
	secs := g.Outline(src)
	if len(secs) == 0 {
		return res
	}
	lines := lineStarts(src)
	type open struct {
		level int
		idx   int // into res.Nodes
	}
	var stack []open
	occurrences := map[string]int{}
	for _, s := range secs {
		for len(stack) > 0 && stack[len(stack)-1].level >= s.Level {
			stack = stack[:len(stack)-1]
		}
		name := s.Title
		if name == "" {
			name = "(untitled)"
		}
		if len(name) > maxSignature {
			name = truncate(name, maxSignature)
		}
		parent := 0
		qn := name
		if len(stack) > 0 {
			parent = stack[len(stack)-1].idx
			qn = res.Nodes[parent].QualifiedName + "." + name
		}
		dis := occurrences[qn]
		occurrences[qn] = dis + 1
		endLine := lineOf(lines, max(s.End-1, s.Start))
		n := graph.Node{
			ID:            graph.MakeNodeID(relPath, qn, graph.KindSection, dis),
			Kind:          graph.KindSection,
			Name:          name,
			QualifiedName: qn,
			Language:      g.Language,
			File:          relPath,
			StartLine:     lineOf(lines, s.Start),
			EndLine:       endLine,
			StartByte:     uint32(s.Start),
			EndByte:       uint32(s.End),
			Signature:     strings.Repeat("#", s.Level) + " " + name,
			ContentHash:   graph.HashBytes(src[s.Start:s.End]),
			Parent:        res.Nodes[parent].ID,
		}
		stack = append(stack, open{s.Level, len(res.Nodes)})
		res.Nodes = append(res.Nodes, n)
		res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID, File: relPath, Line: n.StartLine, Res: graph.ResSyntax})
	}
	return res
}

// lineStarts returns the byte offset of the start of every line.
func lineStarts(src []byte) []int {
	out := []int{0}
	for i, c := range src {
		if c == '\n' {
			out = append(out, i+1)
		}
	}
	return out
}

// lineOf returns the 1-based line of byte offset off.
func lineOf(starts []int, off int) uint32 {
	lo, hi := 0, len(starts)
	for lo < hi {
		m := (lo + hi) / 2
		if starts[m] <= off {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return uint32(lo)
}

// truncate cuts s to at most n bytes on a rune boundary, marking the cut.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for len(s) > 0 && !isRuneStart(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	if len(s) > 0 {
		s = s[:len(s)-1]
	}
	return s + "…"
}

func isRuneStart(c byte) bool { return c < 0x80 || c >= 0xC0 }

// parseHosted parses a file that embeds code of another grammar (a Vue or
// Svelte component): the code, blanked around, with its grammar; every
// node is reported in the file's language, and the component is a class
// node named from the file (the module's default export) that references
// the imported components its template uses.
func (p *Parser) parseHosted(ctx context.Context, relPath string, g *lang.Grammar, host string, code, src []byte) (*Result, error) {
	hg, ok := lang.GrammarByName(host)
	if !ok || !hg.HasTree() {
		return nil, fmt.Errorf("parse: %s: host grammar %q is not a tree-sitter grammar", g.Name, host)
	}
	res, err := p.Parse(ctx, relPath, host, code)
	if err != nil {
		return nil, err
	}
	for i := range res.Nodes {
		res.Nodes[i].Language = g.Language
	}
	file := &res.Nodes[0]
	file.ContentHash = graph.HashBytes(src)

	name := sfc.Name(relPath)
	dis := 0
	imports := map[string]bool{}
	for _, n := range res.Nodes {
		if n.QualifiedName == name && n.Kind == graph.KindClass {
			dis++
		}
		if n.Kind == graph.KindImport {
			imports[n.Name] = true
		}
	}
	comp := graph.Node{
		ID:            graph.MakeNodeID(relPath, name, graph.KindClass, dis),
		Kind:          graph.KindClass,
		Name:          name,
		QualifiedName: name,
		Language:      g.Language,
		File:          relPath,
		StartLine:     1,
		EndLine:       file.EndLine,
		EndByte:       uint32(len(src)),
		// "export default": what importing the file gives (resolution
		// binds a default import to it).
		Signature:   "export default " + name + " (" + g.Language + " component)",
		Visibility:  graph.VisPublic,
		ContentHash: file.ContentHash,
		Parent:      file.ID,
	}
	res.Nodes = append(res.Nodes, comp)
	res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeContains, Src: file.ID, Dst: comp.ID, File: relPath, Line: 1, Res: graph.ResSyntax})
	blocks := sfc.Scripts(src)
	starts := lineStarts(src)
	for _, tag := range sfc.Tags(src, blocks) {
		if !imports[tag] || tag == name {
			continue
		}
		at := bytes.Index(src, []byte("<"+tag))
		res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeReferences, Src: comp.ID, Target: tag, File: relPath, Line: lineOf(starts, max(at, 0))})
	}
	return res, nil
}
