package graphexport

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// A small recursive-descent parser for the DOT language
// (https://graphviz.org/doc/info/lang.html), enough to read back what
// WriteDOT writes and to reject what Graphviz would reject:
//
//	graph     : [strict] (graph | digraph) [ID] '{' stmt_list '}'
//	stmt_list : [stmt [';'] stmt_list]
//	stmt      : ID '=' ID | attr_stmt | edge_stmt | node_stmt | subgraph
//	attr_stmt : (graph | node | edge) attr_list
//	attr_list : '[' [a_list] ']' [attr_list]
//	a_list    : ID '=' ID [(';' | ',')] [a_list]
//	edge_stmt : node_id edgeRHS [attr_list]
//	edgeRHS   : edgeop node_id [edgeRHS]
//	node_stmt : node_id [attr_list]
//
// IDs: identifiers, numerals and double-quoted strings (where \" is the
// only escape of the grammar, and, as in Graphviz's scanner, \\ is read
// as a pair). Ports and HTML strings are not supported.

type dotGraph struct {
	directed bool
	nodes    map[string]map[string]string // id -> attributes (raw, unescaped DOT strings)
	order    []string
	edges    []dotEdge
}

type dotEdge struct {
	src, dst string
	attrs    map[string]string
}

type dotTok struct {
	kind byte // 'i' identifier/numeral, 'q' quoted string, or the punctuation itself, '>' for "->", '-' for "--", 0 at end
	text string
	pos  int
}

type dotParser struct {
	src  string
	pos  int
	tok  dotTok
	g    *dotGraph
	errs []string
}

func parseDOT(src string) (g *dotGraph, err error) {
	p := &dotParser{src: src, g: &dotGraph{nodes: map[string]map[string]string{}}}
	defer func() {
		if r := recover(); r != nil {
			if pe, ok := r.(dotErr); ok {
				err = pe
				return
			}
			panic(r)
		}
	}()
	p.next()
	p.graph()
	if p.tok.kind != 0 {
		p.fail("trailing input")
	}
	return p.g, nil
}

type dotErr string

func (e dotErr) Error() string { return string(e) }

func (p *dotParser) fail(msg string) {
	panic(dotErr(fmt.Sprintf("dot: offset %d (%q): %s", p.tok.pos, p.tok.text, msg)))
}

func (p *dotParser) next() {
	s := p.src
	for p.pos < len(s) {
		c := s[p.pos]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			p.pos++
		case strings.HasPrefix(s[p.pos:], "//") || c == '#':
			for p.pos < len(s) && s[p.pos] != '\n' {
				p.pos++
			}
		case strings.HasPrefix(s[p.pos:], "/*"):
			end := strings.Index(s[p.pos+2:], "*/")
			if end < 0 {
				p.tok = dotTok{pos: p.pos}
				p.fail("unterminated comment")
			}
			p.pos += end + 4
		default:
			goto scan
		}
	}
	p.tok = dotTok{kind: 0, pos: p.pos}
	return
scan:
	start := p.pos
	c := s[p.pos]
	switch {
	case c == '"':
		var b strings.Builder
		p.pos++
		for {
			if p.pos >= len(s) {
				p.tok = dotTok{pos: start}
				p.fail("unterminated string")
			}
			c := s[p.pos]
			if c == '"' {
				p.pos++
				break
			}
			if c == '\\' && p.pos+1 < len(s) && s[p.pos+1] == '\\' {
				// Graphviz's scanner takes \\ as a pair (kept as
				// is), so \\" ends the string.
				b.WriteString(`\\`)
				p.pos += 2
				continue
			}
			if c == '\\' && p.pos+1 < len(s) && s[p.pos+1] == '"' {
				b.WriteByte('"')
				p.pos += 2
				continue
			}
			if c == '\\' && p.pos+1 < len(s) && s[p.pos+1] == '\n' { // line continuation
				p.pos += 2
				continue
			}
			b.WriteByte(c)
			p.pos++
		}
		p.tok = dotTok{'q', b.String(), start}
	case strings.HasPrefix(s[p.pos:], "->"):
		p.pos += 2
		p.tok = dotTok{'>', "->", start}
	case strings.HasPrefix(s[p.pos:], "--"):
		p.pos += 2
		p.tok = dotTok{'-', "--", start}
	case strings.ContainsRune("{}[];,=:", rune(c)):
		p.pos++
		p.tok = dotTok{c, string(c), start}
	default:
		r, _ := utf8.DecodeRuneInString(s[p.pos:])
		if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r == '-' || r >= 0x80 {
			for p.pos < len(s) {
				r, n := utf8.DecodeRuneInString(s[p.pos:])
				if r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || r == '.' || r >= 0x80 || (r == '-' && p.pos == start) {
					p.pos += n
					continue
				}
				break
			}
			p.tok = dotTok{'i', s[start:p.pos], start}
			return
		}
		p.tok = dotTok{pos: start, text: string(r)}
		p.fail("unexpected character")
	}
}

func (p *dotParser) keyword(w string) bool {
	return p.tok.kind == 'i' && strings.EqualFold(p.tok.text, w)
}

func (p *dotParser) expect(k byte) {
	if p.tok.kind != k {
		p.fail(fmt.Sprintf("expected %q", k))
	}
	p.next()
}

func (p *dotParser) id() string {
	if p.tok.kind != 'i' && p.tok.kind != 'q' {
		p.fail("expected an ID")
	}
	t := p.tok
	p.next()
	return t.text
}

func (p *dotParser) graph() {
	if p.keyword("strict") {
		p.next()
	}
	switch {
	case p.keyword("digraph"):
		p.g.directed = true
	case p.keyword("graph"):
	default:
		p.fail("expected graph or digraph")
	}
	p.next()
	if p.tok.kind == 'i' || p.tok.kind == 'q' {
		p.next()
	}
	p.expect('{')
	p.stmtList()
	p.expect('}')
}

func (p *dotParser) stmtList() {
	for p.tok.kind != '}' && p.tok.kind != 0 {
		p.stmt()
		if p.tok.kind == ';' {
			p.next()
		}
	}
}

func (p *dotParser) stmt() {
	if p.keyword("graph") || p.keyword("node") || p.keyword("edge") {
		p.next()
		p.attrList()
		return
	}
	if p.keyword("subgraph") || p.tok.kind == '{' {
		p.fail("subgraphs are not expected in our output")
	}
	a := p.id()
	if p.tok.kind == '=' {
		p.next()
		p.id()
		return
	}
	if p.tok.kind == '>' || p.tok.kind == '-' {
		if (p.tok.kind == '>') != p.g.directed {
			p.fail("edge operator does not match the graph type")
		}
		var chain = []string{a}
		for p.tok.kind == '>' || p.tok.kind == '-' {
			p.next()
			chain = append(chain, p.id())
		}
		attrs := map[string]string{}
		if p.tok.kind == '[' {
			attrs = p.attrList()
		}
		for i := 0; i+1 < len(chain); i++ {
			p.node(chain[i])
			p.node(chain[i+1])
			p.g.edges = append(p.g.edges, dotEdge{chain[i], chain[i+1], attrs})
		}
		return
	}
	attrs := map[string]string{}
	if p.tok.kind == '[' {
		attrs = p.attrList()
	}
	m := p.node(a)
	for k, v := range attrs {
		m[k] = v
	}
}

func (p *dotParser) node(id string) map[string]string {
	m, ok := p.g.nodes[id]
	if !ok {
		m = map[string]string{}
		p.g.nodes[id] = m
		p.g.order = append(p.g.order, id)
	}
	return m
}

func (p *dotParser) attrList() map[string]string {
	attrs := map[string]string{}
	if p.tok.kind != '[' {
		p.fail("expected [")
	}
	for p.tok.kind == '[' {
		p.next()
		for p.tok.kind != ']' {
			k := p.id()
			p.expect('=')
			attrs[k] = p.id()
			if p.tok.kind == ',' || p.tok.kind == ';' {
				p.next()
			}
		}
		p.next()
	}
	return attrs
}

// dotLabel decodes Graphviz's label escapes that WriteDOT uses (\\ and \n).
func dotLabel(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			switch s[i+1] {
			case '\\':
				b.WriteByte('\\')
				i++
				continue
			case 'n':
				b.WriteByte('\n')
				i++
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}
