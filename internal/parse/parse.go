// Package parse turns one source file into syntax-level graph facts: nodes
// (definitions with qualified names, signatures, docs) and edges (contains,
// defines, imports, calls, inherits, implements, references) whose targets
// are still names as written. It is pure: bytes in, facts out; it knows
// nothing of the store or of other files.
//
// Extraction is driven by one tree-sitter query per grammar
// (internal/lang/<language>/<grammar>.scm) using these capture names:
//
//	@definition.<kind>   a definition node; kind is a graph.NodeKind name
//	                     (function, method, class, struct, interface, trait,
//	                     enum, type_alias, variable, constant, field, module,
//	                     package, namespace, constructor, union, macro) or
//	                     "scope" for a naming scope that is not itself a node
//	                     (a Rust impl block)
//	@name                the definition's name (may be qualified: a::B::c)
//	@scope               explicit enclosing scope (Go receiver type, impl type)
//	@doc                 documentation node (Python docstring); otherwise
//	                     adjacent preceding comments are used
//	@body                the body; the signature is the text before it
//	@visibility          modifier text (pub, public, private, static ...)
//	@reference.call      the callee expression of a call
//	@reference.import    an imported module path; @import.alias and
//	                     @import.name refine it
//	@reference.inherits  a base class name
//	@reference.implements an implemented interface name
//	@reference.type      a type used in a signature or field
//	@reference.value     a function used as a value (passed as an
//	                     argument): a references edge, kept (JS/TS,
//	                     Python) only when its name is a function or an
//	                     import of the file
//	@local               a local variable declaration, kept as text on the
//	                     enclosing callable (Node.Locals) for resolution
//	@local.parent        the parent of the pattern's @local node, when the
//	                     pattern has it (the language's locals rule then
//	                     need not look it up)
//	@toplevel            the match is kept only when this node is a child
//	                     of the tree's root: (var_declaration ...) @toplevel
//	                     for (source_file (var_declaration ...)), which
//	                     costs the query cursor more (a pattern rooted at
//	                     the root stays in progress over the whole tree)
//	@local.callback      a function passed as an argument (JS/TS): each of
//	                     its parameters becomes a local, typed when it is
//	                     annotated, else "@cb ARG PARAM NAME CALLEE" (the
//	                     PARAM-th parameter of the function type of the
//	                     callee's ARG-th parameter)
//
// References attach to the innermost definition that contains them.
package parse

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
	"github.com/codegraph-dev/codegraph/internal/lang/spec"
)

// ExtractorVersion changes whenever the same source would now give different
// facts; stores indexed with another version re-parse every file.
//
//	1: first version.
//	2: syntax edges (contains, defines) are marked graph.ResSyntax.
//	3: Go callables record their local declarations (Node.Locals).
//	4: C/C++: prototypes' signatures end in ";", include nodes keep the
//	   path as written ("x.h" or <x.h>) as signature, C++ callables record
//	   their local declarations, `T x(args);` calls T.
//	5: Python, JavaScript, TypeScript, Java and Rust callables record their
//	   typed local declarations; `export * from "m"` imports the name "*".
//	6: JavaScript/TypeScript: `export default function f` and `export
//	   default class C` are defined by their export statement (the
//	   signature starts "export default"), super(...) is a call, locals
//	   initialised by a call are kept.
//	7: JavaScript/TypeScript: a method called on a call result or an
//	   expression is named by the whole callee (a.b().c, [x].map), not by
//	   its method alone; parameters of functions passed as arguments are
//	   locals (@local.callback).
//	8: JavaScript/TypeScript: a named function expression passed as an
//	   argument or returned is a function node.
//	9: JavaScript/TypeScript, Python: a function passed as an argument
//	   by name (@reference.value) is a references edge, when the name is
//	   a function or an import of the file.
//	10: no value reference for an all-capitals name (a constant).
//	11: Go: locals carry their scope ("S:F:E|decl"), function-literal
//	   parameters, range variables, type-switch clauses and select receives
//	   are locals; long locals elide literal bodies; an unaliased import
//	   of a /vN or .vN path is named by the element before the version, and
//	   an aliased one keeps its alias as signature.
//	12: Go: functions used as values (arguments, literal elements, the
//	   right-hand side of assignments) are references edges; each
//	   top-level concrete type has an implements edge to GoSatisfies.
//	13: C#, Ruby and PHP files are parsed (internal/lang/csharp, ruby,
//	   php).
//	14: Kotlin and Swift files are parsed (internal/lang/kotlin, swift);
//	   every text file is indexed (a file node in a text format's
//	   language: markdown, yaml, json, ..., text), Markdown headings are
//	   section nodes; Vue and Svelte components are parsed (their script
//	   blocks, a class node for the component); Go: a call with explicit type arguments that the grammar reads as
//	   a conversion or an instantiation (orZero[Params](p),
//	   newMethodInfo[P, R](flags)) is a call; a constant that repeats
//	   its const group's previous expression list implicitly (the specs
//	   after "A T = iota") has that list's type in its signature ("B T").
const ExtractorVersion = 14

// Limits on text kept per node.
const (
	maxSignature = 300
	maxDoc       = 2000
	maxTarget    = 256
)

// ErrTimeout is returned when a file takes longer than Options.Timeout to
// parse and extract: its facts are incomplete and none are returned.
var ErrTimeout = errors.New("parse timed out")

// Result holds the facts extracted from one file.
type Result struct {
	Nodes []graph.Node // Nodes[0] is the file node
	Edges []graph.Edge
	// SyntaxErrors counts regions tree-sitter could not parse; extraction
	// keeps what it recovered around them.
	SyntaxErrors int
	// FirstError locates the first syntax error ("line:col"), if any.
	FirstError string
}

// role is what a capture means to the extractor.
type role uint8

const (
	roleIgnore role = iota
	roleDef
	roleScopeDef
	roleName
	roleScope
	roleDoc
	roleBody
	roleVisibility
	roleCall
	roleImport
	roleImportAlias
	roleImportName
	roleInherits
	roleImplements
	roleTypeRef
	roleLocal
	roleLocalParent
	roleCallbackLocal
	roleValue
	roleTopLevel
)

type compiled struct {
	query   *sitter.Query
	roles   []role
	kinds   []graph.NodeKind // for roleDef captures
	grammar *lang.Grammar
	// topLevel: the query has a @toplevel capture.
	topLevel bool
}

// Extractor holds the compiled queries of every grammar. It is safe for
// concurrent use; each goroutine parses with its own Parser.
type Extractor struct {
	mu       sync.Mutex
	compiled map[string]*compiled
	closed   bool
}

// NewExtractor returns an Extractor; queries are compiled on first use.
func NewExtractor() *Extractor {
	return &Extractor{compiled: make(map[string]*compiled)}
}

// Close releases the compiled queries. Parsers must be closed first.
func (x *Extractor) Close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, c := range x.compiled {
		c.query.Close()
	}
	x.compiled = nil
	x.closed = true
}

func (x *Extractor) get(grammar string) (*compiled, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil, errors.New("parse: extractor closed")
	}
	if c, ok := x.compiled[grammar]; ok {
		return c, nil
	}
	g, ok := lang.GrammarByName(grammar)
	if !ok {
		return nil, fmt.Errorf("parse: unknown grammar %q", grammar)
	}
	src, err := g.Query()
	if err != nil {
		return nil, err
	}
	q, qerr := sitter.NewQuery(g.TS(), src)
	if qerr != nil {
		return nil, fmt.Errorf("parse: query for %s: %v", grammar, qerr)
	}
	c := &compiled{query: q, grammar: g}
	for _, name := range q.CaptureNames() {
		r, k := classify(name)
		c.roles = append(c.roles, r)
		c.kinds = append(c.kinds, k)
		c.topLevel = c.topLevel || r == roleTopLevel
	}
	x.compiled[grammar] = c
	return c, nil
}

// CheckQueries compiles every grammar's query and reports the first error.
func (x *Extractor) CheckQueries() error {
	for _, g := range lang.Grammars() {
		if !g.HasTree() {
			continue
		}
		if _, err := x.get(g.Name); err != nil {
			return err
		}
	}
	return nil
}

func classify(capture string) (role, graph.NodeKind) {
	switch capture {
	case "name":
		return roleName, 0
	case "scope":
		return roleScope, 0
	case "doc":
		return roleDoc, 0
	case "body":
		return roleBody, 0
	case "visibility":
		return roleVisibility, 0
	case "reference.call":
		return roleCall, 0
	case "reference.import":
		return roleImport, 0
	case "import.alias":
		return roleImportAlias, 0
	case "import.name":
		return roleImportName, 0
	case "reference.inherits":
		return roleInherits, 0
	case "reference.implements":
		return roleImplements, 0
	case "reference.type":
		return roleTypeRef, 0
	case "reference.value":
		return roleValue, 0
	case "definition.scope":
		return roleScopeDef, 0
	case "local":
		return roleLocal, 0
	case "local.parent":
		return roleLocalParent, 0
	case "local.callback":
		return roleCallbackLocal, 0
	case "toplevel":
		return roleTopLevel, 0
	}
	if k, ok := strings.CutPrefix(capture, "definition."); ok {
		if nk, ok := graph.ParseNodeKind(k); ok {
			return roleDef, nk
		}
	}
	return roleIgnore, 0
}

// Options tune a Parser.
type Options struct {
	// Timeout bounds the work on one file, the tree-sitter parse and the
	// queries run on its tree together; 0 means 10 s.
	Timeout time.Duration
}

// Parser parses files. It is not safe for concurrent use: give each worker
// its own, and Close it when done.
type Parser struct {
	x       *Extractor
	opts    Options
	parsers map[string]*sitter.Parser
	cursor  *sitter.QueryCursor
	budget  *budget
}

// NewParser returns a Parser that uses x's queries.
func (x *Extractor) NewParser(opts Options) *Parser {
	if opts.Timeout <= 0 {
		opts.Timeout = 10 * time.Second
	}
	return &Parser{x: x, opts: opts, parsers: make(map[string]*sitter.Parser), cursor: sitter.NewQueryCursor(), budget: newBudget()}
}

// Close releases the parser's C resources.
func (p *Parser) Close() {
	for _, tp := range p.parsers {
		tp.Close()
	}
	p.parsers = nil
	if p.cursor != nil {
		p.cursor.Close()
		p.cursor = nil
	}
	if p.budget != nil {
		p.budget.close()
		p.budget = nil
	}
}

// Parse extracts the facts of one file. relPath is repository-relative with
// forward slashes; grammar is a name from lang.Detect/lang.Refine. The
// parse and the extraction together get Options.Timeout: past it Parse
// returns an error wrapping ErrTimeout, and when ctx is done it returns
// ctx.Err(), both promptly (tree-sitter checks about every hundred steps).
func (p *Parser) Parse(ctx context.Context, relPath, grammar string, src []byte) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if g, ok := lang.GrammarByName(grammar); ok && !g.HasTree() {
		if g.IsText() {
			return textFacts(relPath, g, src), nil
		}
		if host, code, ok := g.Host(src); ok {
			return p.parseHosted(ctx, relPath, g, host, code, src)
		}
	}
	c, err := p.x.get(grammar)
	if err != nil {
		return nil, err
	}
	tp, ok := p.parsers[grammar]
	if !ok {
		tp = sitter.NewParser()
		if err := tp.SetLanguage(c.grammar.TS()); err != nil {
			tp.Close()
			return nil, fmt.Errorf("parse: set language %s: %w", grammar, err)
		}
		p.parsers[grammar] = tp
	}
	// The budget starts after the grammar's query is compiled (once per
	// Extractor, over a second for some grammars on a busy machine).
	deadline := time.Now().Add(p.opts.Timeout)
	tree := p.budget.parse(ctx, deadline, tp, src)
	if tree == nil {
		// A new parser, not Reset: tree-sitter 0.25.0's reset leaves a
		// parse cancelled while balancing the tree marked as one to
		// resume, and the next parse then aborts the process on an
		// assertion (ts_parser_parse: 'self->finished_tree.ptr'; fixed in
		// tree-sitter 0.25.1, after the go-tree-sitter release we use).
		tp.Close()
		delete(p.parsers, grammar)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if p.budget.halted() {
			return nil, fmt.Errorf("%w after %s", ErrTimeout, p.opts.Timeout)
		}
		return nil, errors.New("parse: tree-sitter returned no tree")
	}
	defer tree.Close()
	e := extraction{ctx: ctx, deadline: deadline, file: relPath, lang: c.grammar.Language, spec: c.grammar.Spec, rules: rulesOf(c.grammar.Language), src: src, c: c}
	res, err := e.run(ctx, p, deadline, tree)
	if err != nil {
		if errors.Is(err, ErrTimeout) {
			return nil, fmt.Errorf("%w after %s", ErrTimeout, p.opts.Timeout)
		}
		return nil, err
	}
	return res, nil
}

// checkEvery is how many query matches the extraction handles between two
// looks at the clock and the context.
const checkEvery = 256

type def struct {
	kind      graph.NodeKind
	scopeOnly bool
	node      sitter.Node
	start     uint
	end       uint
	name      string
	nameStart uint
	scope     string // explicit scope from @scope or a qualified name
	qualified bool   // scope came from a qualified name (a::B::c)
	doc       []sitter.Node
	bodyStart uint
	hasBody   bool
	declOnly  bool // the body is ";": a declaration (C/C++ prototype)
	vis       string
	pattern   uint
	// endPoint, when set, is where the definition ends instead of its
	// node's end (an open scope: namespace X; holds the rest of its file).
	endPoint *sitter.Point
	// literalName marks a name written as a string literal, never split
	// into scope and name.
	literalName bool

	// computed
	lexParent int  // index into defs, -1 for file
	hoisted   bool // a field assigned in a method (self.x = ...), hoisted to the method's type
	qn        string
	dropped   bool
	nodeIdx   int // index into Result.Nodes, -1 for scope-only/dropped
	ownerIdx  int // scope-only defs: node of the type they name, 0 if none
}

type ref struct {
	kind        graph.EdgeKind
	start, end  uint
	line        uint32
	target      string
	alias, name string
	value       bool // @reference.value: a function used as a value
}

// importName is one name imported by an import statement, with its alias.
type importName struct {
	name, alias string
	parent      uintptr // tree node id of the capture's parent, to pair aliases
}

// localDecl is a local variable declaration (@local), kept as source text
// on the enclosing callable so that resolution can infer variable types.
type localDecl struct {
	start uint
	text  string
}

// Caps on the local declarations kept per callable.
const (
	maxLocalText   = 300
	maxLocalsBytes = 8 << 10
)

type extraction struct {
	// ctx and deadline bound the work on the file; err records why stop
	// cut it short.
	ctx      context.Context
	deadline time.Time
	err      error

	locals []localDecl
	file   string
	lang   string
	spec   *lang.Language // the language's rules (internal/lang/<name>)
	rules  *rules         // its rules on the syntax tree (rules.go)
	src    []byte
	c      *compiled
	defs   []def
	refs   []ref
	nav    *nav // parents and siblings of the tree's nodes
	// localParent is the parent of the @local capture being read, when
	// its pattern captured it as @local.parent (nil otherwise): the
	// language's locals rule need not look it up.
	localParent *sitter.Node
	// constTypes: the type a Go const spec without a list repeats, by
	// the spec's node id (repeatedConstType).
	constTypes map[uintptr]string
	stopCalls  int // calls of stop
}

// stopEvery is how often stop looks at the clock and the context.
const stopEvery = 16

func (e *extraction) text(n *sitter.Node) string {
	s, t := startByte(n), n.EndByte()
	if t > uint(len(e.src)) || s > t {
		return ""
	}
	return string(e.src[s:t])
}

func (e *extraction) run(ctx context.Context, p *Parser, deadline time.Time, tree *sitter.Tree) (*Result, error) {
	root := tree.RootNode()
	e.nav = newNav(*root)
	res := &Result{}
	if root.HasError() {
		res.SyntaxErrors, res.FirstError = countErrors(root)
	}
	if err := e.collect(ctx, p, deadline, root); err != nil {
		return nil, err
	}
	if len(e.spec.OpenScopes) > 0 {
		e.openScopes()
	}
	e.dedupe()
	e.nest()
	e.build(res)
	if e.err != nil {
		return nil, e.err
	}
	return res, nil
}

// stop reports whether the file's time budget is spent or its context
// done, keeping the reason in e.err: the loops over definitions and
// references call it per item (on a deeply nested tree one definition's
// tree walks can take milliseconds) and return early when it says so.
func (e *extraction) stop() bool {
	if e.err != nil {
		return true
	}
	// The clock and the context every stopEvery calls (the first
	// included): asked per definition, local and reference, time.Now was
	// 0.3 s of CPU of a Go standard library index.
	if e.stopCalls++; e.stopCalls%stopEvery != 1 {
		return false
	}
	if err := e.ctx.Err(); err != nil {
		e.err = err
	} else if time.Now().After(e.deadline) {
		e.err = ErrTimeout
	}
	return e.err != nil
}

// collect runs the grammar's query over the tree and gathers definitions
// and references. It stops with ErrTimeout past deadline and with ctx.Err()
// when ctx is done, in the query (which tree-sitter halts) or between
// matches.
func (e *extraction) collect(ctx context.Context, p *Parser, deadline time.Time, root *sitter.Node) error {
	matches, release := p.budget.matches(ctx, deadline, p.cursor, e.c.query, root, e.src)
	defer release()
	n := 0
	for m := matches.Next(); m != nil; m = matches.Next() {
		if n++; n%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			if time.Now().After(deadline) {
				return ErrTimeout
			}
		}
		if e.c.topLevel && !e.topLevel(m) {
			continue
		}
		var d *def
		var r ref
		var refNode *sitter.Node
		var alias string
		var spanStart, spanRow uint
		var names []importName // one import per @import.name (import {a, b as c} from "m")
		for i := range m.Captures {
			cp := &m.Captures[i]
			switch e.c.roles[cp.Index] {
			case roleDef, roleScopeDef:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.kind = e.c.kinds[cp.Index]
				d.scopeOnly = e.c.roles[cp.Index] == roleScopeDef
				d.node = cp.Node
				d.start, d.end = startByte(&cp.Node), cp.Node.EndByte()
			case roleName:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.name = e.text(&cp.Node)
				if e.spec.DefName != nil {
					d.name = e.spec.DefName(d.name)
				}
				d.nameStart = startByte(&cp.Node)
				if k := cp.Node.Kind(); k == "string" || k == "string_fragment" {
					d.name = strings.Trim(d.name, "\"'`")
					d.literalName = true // declare module "ipaddr.js": not a dotted path
				}
			case roleScope:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.scope = e.text(&cp.Node)
			case roleDoc:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.doc = append(d.doc, cp.Node)
			case roleBody:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.bodyStart, d.hasBody = startByte(&cp.Node), true
				d.declOnly = cp.Node.Kind() == ";"
			case roleVisibility:
				if d == nil {
					d = &def{pattern: m.PatternIndex}
				}
				d.vis = strings.TrimSpace(d.vis + " " + e.text(&cp.Node))
			case roleCall, roleImport, roleInherits, roleImplements, roleTypeRef, roleValue:
				r.value = e.c.roles[cp.Index] == roleValue
				node := cp.Node
				if refNode == nil || r.kind != refKind(e.c.roles[cp.Index]) || startByte(&node) < spanStart {
					// Several captures of one reference: the target is the
					// text they span (Java receiver .. method name).
					spanStart, spanRow = startByte(&node), startPoint(&node).Row
				}
				refNode = &node
				r.kind = refKind(e.c.roles[cp.Index])
			case roleImportAlias:
				a := e.text(&cp.Node)
				paired := false
				if p := cp.Node.Parent(); p != nil {
					for k := range names {
						if names[k].parent == p.Id() {
							names[k].alias, paired = a, true
						}
					}
				}
				if !paired {
					alias = a
				}
			case roleLocal:
				if e.rules.locals != nil {
					e.localParent = nil
					for j := range m.Captures {
						if e.c.roles[m.Captures[j].Index] == roleLocalParent {
							e.localParent = &m.Captures[j].Node
						}
					}
					e.locals = append(e.locals, e.rules.locals(e, &cp.Node)...)
					e.localParent = nil
				} else {
					e.locals = append(e.locals, localDecl{start: startByte(&cp.Node), text: e.text(&cp.Node)})
				}
			case roleCallbackLocal:
				e.locals = append(e.locals, e.callbackLocals(cp.Node)...)
			case roleImportName:
				in := importName{name: e.text(&cp.Node)}
				if p := cp.Node.Parent(); p != nil {
					in.parent = p.Id()
				}
				names = append(names, in)
			}
		}
		if d != nil && d.vis == "" {
			// (#set! visibility "...") in the pattern: the implicit visibility
			// of members that carry no modifier (Java interface members, enum
			// constants; Rust trait-impl members, #[macro_export] macros).
			for _, prop := range e.c.query.PropertySettings(m.PatternIndex) {
				if prop.Key == "visibility" && prop.Value != nil {
					d.vis = *prop.Value
				}
			}
		}
		if d != nil && (d.end > d.start) && (d.name != "" || d.scopeOnly && d.scope != "") {
			e.defs = append(e.defs, *d)
		}
		if refNode != nil {
			r.start, r.end = spanStart, refNode.EndByte()
			r.line = uint32(spanRow) + 1
			r.target = cleanTarget(string(e.src[r.start:r.end]))
			if r.kind == graph.EdgeImports && e.rules.importPrefix != nil {
				r.target = e.rules.importPrefix(e.src, refNode) + r.target
			}
			if e.spec.Target != nil {
				r.target = e.spec.Target(r.target)
			}
			r.alias = alias
			if r.kind == graph.EdgeImports {
				r.target = cleanImport(r.target)
			}
			if r.target != "" {
				if r.kind == graph.EdgeImports && len(names) > 0 {
					for _, in := range names {
						ri := r
						ri.name, ri.alias = in.name, in.alias
						if in.alias == "" && len(names) == 1 {
							ri.alias = alias // const config = require("m").session
						}
						e.refs = append(e.refs, ri)
					}
				} else {
					e.refs = append(e.refs, r)
				}
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if p.budget.expired() {
		return ErrTimeout
	}
	return nil
}

// topLevel reports whether every @toplevel capture of m is a child of the
// tree's root, the root not being an ERROR node (as a pattern rooted at
// the grammar's root node would match).
func (e *extraction) topLevel(m *sitter.QueryMatch) bool {
	for i := range m.Captures {
		cp := &m.Captures[i]
		if e.c.roles[cp.Index] == roleTopLevel && (e.nav.root.IsError() || !e.nav.isTop(&cp.Node)) {
			return false
		}
	}
	return true
}

// openScopes extends the definitions whose node kind is one of the
// language's open scopes (namespace X; without braces) over what follows
// them: up to the next open scope of the same parent, or its end.
func (e *extraction) openScopes() {
	for i := range e.defs {
		d := &e.defs[i]
		open := false
		for _, k := range e.spec.OpenScopes {
			if d.node.Kind() == k {
				open = true
				break
			}
		}
		if !open {
			continue
		}
		end, endPoint := uint(len(e.src)), sitter.Point{}
		if p := d.node.Parent(); p != nil {
			end, endPoint = p.EndByte(), p.EndPosition()
		}
		for s := d.node.NextSibling(); s != nil; s = s.NextSibling() {
			if s.Kind() == d.node.Kind() {
				end, endPoint = s.StartByte(), s.StartPosition()
				break
			}
		}
		if end > d.end {
			d.end, d.endPoint = end, &endPoint
		}
	}
}

func refKind(r role) graph.EdgeKind {
	switch r {
	case roleCall:
		return graph.EdgeCalls
	case roleImport:
		return graph.EdgeImports
	case roleInherits:
		return graph.EdgeInherits
	case roleImplements:
		return graph.EdgeImplements
	}
	return graph.EdgeReferences
}

// dedupe keeps one definition per name node (the earliest pattern wins) and
// orders definitions by position, outermost first.
func (e *extraction) dedupe() {
	sort.SliceStable(e.defs, func(i, j int) bool {
		a, b := &e.defs[i], &e.defs[j]
		if a.start != b.start {
			return a.start < b.start
		}
		if a.end != b.end {
			return a.end > b.end
		}
		return a.pattern < b.pattern
	})
	type key struct {
		nameStart uint
		scopeOnly bool
	}
	seen := make(map[key]bool, len(e.defs))
	out := e.defs[:0]
	for _, d := range e.defs {
		k := key{d.nameStart, d.scopeOnly}
		if d.scopeOnly {
			k.nameStart = d.start
		}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, d)
	}
	e.defs = out
}

// nest computes lexical parents, drops locals, and builds qualified names.
func (e *extraction) nest() {
	var stack []int
	for i := range e.defs {
		d := &e.defs[i]
		for len(stack) > 0 && e.defs[stack[len(stack)-1]].end <= d.start {
			stack = stack[:len(stack)-1]
		}
		// A definition must lie within its parent; partial overlaps (rare,
		// from error recovery) are treated as siblings.
		for len(stack) > 0 && (e.defs[stack[len(stack)-1]].end < d.end ||
			e.defs[stack[len(stack)-1]].start == d.start && e.defs[stack[len(stack)-1]].end == d.end) {
			stack = stack[:len(stack)-1]
		}
		d.lexParent = -1
		if len(stack) > 0 {
			d.lexParent = stack[len(stack)-1]
		}
		// Locals: variables and constants inside a function body are not
		// graph nodes, nor is anything nested in a dropped definition.
		if p := d.lexParent; p >= 0 {
			pd := &e.defs[p]
			if d.kind == graph.KindField && !d.scopeOnly && !pd.dropped && pd.kind.IsCallable() {
				// An instance attribute assigned in a method (self.x = ...,
				// this.x = ...) is a field of the type enclosing the method.
				t := p
				for t >= 0 && e.defs[t].kind.IsCallable() && !e.defs[t].dropped {
					t = e.defs[t].lexParent
				}
				if t >= 0 && typeKinds[e.defs[t].kind] && !e.defs[t].dropped {
					d.lexParent, d.hoisted = t, true
				} else {
					d.dropped = true
				}
			} else if pd.dropped || (pd.kind.IsCallable() && !d.scopeOnly && !d.kind.IsCallable() && !d.kind.IsType()) {
				d.dropped = true
			}
		}
		name, scope := d.name, d.scope
		if d.scopeOnly {
			name, scope = normScope(d.scope), ""
			if name == "" {
				name = normScope(d.name)
			}
		}
		// Qualified names as written (a::B::c, a.b.c) contribute scope.
		if q, last, ok := splitQualified(name); ok && !d.literalName {
			d.qualified = true
			name = last
			if scope != "" {
				scope = scope + "." + q
			} else {
				scope = q
			}
		}
		scope = normScope(scope)
		d.name = name
		d.scope = scope
		parentQN := ""
		if d.lexParent >= 0 {
			parentQN = e.defs[d.lexParent].qn
		}
		d.qn = joinQN(parentQN, scope, name)
		stack = append(stack, i)
	}
}

func joinQN(parts ...string) string {
	var b strings.Builder
	for _, p := range parts {
		if p == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	return b.String()
}

// splitQualified splits "a::B::c" or "a.b.c" into ("a.B", "c").
func splitQualified(name string) (scope, last string, ok bool) {
	if strings.ContainsAny(name, " \t\r\n") {
		// Canvas<T>::\n  default_layer: white space around "::" is layout.
		name = strings.Join(strings.Fields(name), " ")
		name = strings.ReplaceAll(strings.ReplaceAll(name, " ::", "::"), ":: ", "::")
	}
	if !strings.Contains(name, "operator") {
		name = stripGroups(name)
	}
	n := strings.ReplaceAll(name, "::", ".")
	n = strings.TrimPrefix(n, ".")
	i := strings.LastIndexByte(n, '.')
	if i <= 0 || i == len(n)-1 {
		return "", strings.TrimPrefix(name, "::"), n != name && i < 0
	}
	return n[:i], strings.TrimSpace(n[i+1:]), true
}

// stripGroups removes balanced <...> and [...] groups (template and generic
// arguments): gfx::Canvas<T>::Options → gfx::Canvas::Options.
func stripGroups(s string) string {
	if !strings.ContainsAny(s, "<[") {
		return s
	}
	var b strings.Builder
	depth := 0
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '<', '[':
			if depth == 0 {
				b.WriteString(s[start:i])
			}
			depth++
		case '>', ']':
			if depth > 0 {
				depth--
				if depth == 0 {
					start = i + 1
				}
			}
		}
	}
	if depth != 0 {
		return s // unbalanced: leave it alone
	}
	b.WriteString(s[start:])
	return b.String()
}

// normScope turns a type expression used as a scope (*T, &'a mut T, T[K],
// ns::T<U>) into a dotted name.
func normScope(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	for {
		t := strings.TrimLeft(s, "*&( ")
		t = strings.TrimPrefix(t, "mut ")
		t = strings.TrimPrefix(t, "dyn ")
		t = strings.TrimPrefix(t, "const ")
		if strings.HasPrefix(t, "'") { // Rust lifetime
			if i := strings.IndexByte(t, ' '); i > 0 {
				t = t[i+1:]
			}
		}
		if t == s {
			break
		}
		s = t
	}
	s = stripGroups(s)
	if i := strings.IndexAny(s, "<[("); i >= 0 {
		s = s[:i]
	}
	s = strings.TrimRight(s, ") ")
	s = strings.ReplaceAll(s, "::", ".")
	s = strings.Trim(s, ".")
	return strings.Join(strings.Fields(s), "")
}

// cleanTarget normalises a callee or type as written: argument lists of
// inner calls collapse to "()" (a.b(x, y).c → a.b().c), line continuations
// and white space go, and the result is capped.
func cleanTarget(s string) string {
	if len(s) > 4*maxTarget {
		s = s[:4*maxTarget]
	}
	if strings.ContainsAny(s, "(\\") {
		var b strings.Builder
		depth := 0
		for i := 0; i < len(s); i++ {
			c := s[i]
			switch {
			case c == '\\' && i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r'):
				continue
			case c == '(' && (depth > 0 || i > 0 && isCalleeEnd(s[i-1])):
				if depth == 0 {
					b.WriteByte('(')
				}
				depth++
				continue
			case c == ')' && depth > 0:
				depth--
				if depth == 0 {
					b.WriteByte(')')
				}
				continue
			}
			if depth == 0 {
				b.WriteByte(c)
			}
		}
		s = b.String()
	}
	s = strings.Join(strings.Fields(s), "")
	if len(s) > maxTarget {
		s = s[:maxTarget]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
	}
	return s
}

// isCalleeEnd reports whether c can end a callee, so that a following "("
// opens an argument list rather than a grouping ((*fp)->area).
func isCalleeEnd(c byte) bool {
	return c == '_' || c == ')' || c == ']' || c == '>' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

func cleanImport(s string) string {
	s = strings.Trim(s, "\"'`<> ")
	return s
}

// FileNode returns the node of a whole file: the root of its facts. The
// indexer uses it alone for a file that could not be parsed.
func FileNode(relPath, language string, src []byte) graph.Node {
	lines := uint32(bytes.Count(src, []byte{'\n'}))
	if len(src) == 0 || src[len(src)-1] != '\n' {
		lines++
	}
	return graph.Node{
		ID:            graph.MakeNodeID(relPath, relPath, graph.KindFile, 0),
		Kind:          graph.KindFile,
		Name:          path.Base(relPath),
		QualifiedName: relPath,
		Language:      language,
		File:          relPath,
		StartLine:     1,
		EndLine:       max(lines, 1),
		EndByte:       uint32(len(src)),
		ContentHash:   graph.HashBytes(src),
	}
}

var typeKinds = map[graph.NodeKind]bool{
	graph.KindClass: true, graph.KindStruct: true, graph.KindInterface: true, graph.KindTrait: true,
	graph.KindEnum: true, graph.KindUnion: true,
}

func (e *extraction) build(res *Result) {
	res.Nodes = append(res.Nodes, FileNode(e.file, e.lang, e.src))

	byQN := make(map[string]int) // qualified name → node index of a type or namespace
	occurrences := make(map[string]int)
	fields := make(map[string]bool) // qualified names of fields, to merge hoisted ones
	for i := range e.defs {
		if e.stop() {
			return
		}
		d := &e.defs[i]
		d.nodeIdx = -1
		if d.dropped || d.scopeOnly {
			continue
		}
		if d.kind == graph.KindField {
			if d.hoisted && fields[d.qn] {
				continue // self.x assigned again, or declared in the class body
			}
			fields[d.qn] = true
		}
		kind := d.kind
		if kind == graph.KindFunction && e.memberOfType(d, byQN, res.Nodes) {
			kind = graph.KindMethod
		}
		if kind == graph.KindVariable && d.lexParent >= 0 && typeKinds[e.defs[d.lexParent].kind] {
			kind = graph.KindField // a variable declared in a class body
		}
		key := d.qn + "\x00" + kind.String()
		dis := occurrences[key]
		occurrences[key] = dis + 1
		start, end := startPoint(&d.node), d.node.EndPosition()
		if d.endPoint != nil {
			end = *d.endPoint
		}
		endLine := uint32(end.Row) + 1
		if end.Column == 0 && end.Row > start.Row {
			endLine--
		}
		n := graph.Node{
			ID:            graph.MakeNodeID(e.file, d.qn, kind, dis),
			Kind:          kind,
			Name:          d.name,
			QualifiedName: d.qn,
			Language:      e.lang,
			File:          e.file,
			StartLine:     uint32(start.Row) + 1,
			EndLine:       endLine,
			StartByte:     uint32(d.start),
			EndByte:       uint32(d.end),
			Signature:     e.signature(d),
			Doc:           e.docOf(d),
			Visibility:    visibility(e.spec, d.name, e.access(d), kind),
			ContentHash:   graph.HashBytes(e.src[d.start:d.end]),
		}
		d.nodeIdx = len(res.Nodes)
		res.Nodes = append(res.Nodes, n)
		if typeKinds[kind] || kind == graph.KindNamespace || kind == graph.KindModule {
			if _, dup := byQN[d.qn]; !dup {
				byQN[d.qn] = d.nodeIdx
			}
		}
	}
	for i := range e.defs {
		d := &e.defs[i]
		if d.scopeOnly && !d.dropped {
			d.ownerIdx = byQN[d.qn] // impl Trait for T: T's node, when T is in this file
		}
	}
	// Parents: the semantic owner when a scope names a type of this file
	// (Go receivers, C++ out-of-line members, impl blocks), else the
	// lexically enclosing node.
	for i := range e.defs {
		d := &e.defs[i]
		if d.nodeIdx < 0 {
			continue
		}
		n := &res.Nodes[d.nodeIdx]
		parentIdx := e.lexicalNodeIdx(d.lexParent)
		owner := -1
		if d.scope != "" {
			prefix := d.qn[:max(0, len(d.qn)-len(d.name)-1)]
			if j, ok := byQN[prefix]; ok {
				owner = j
			}
		} else if parentIdx > 0 && typeKinds[res.Nodes[parentIdx].Kind] {
			owner = parentIdx
		}
		if d.lexParent >= 0 && e.defs[d.lexParent].scopeOnly && owner < 0 {
			sd := &e.defs[d.lexParent]
			if j, ok := byQN[sd.qn]; ok {
				owner = j
			}
		}
		p := parentIdx
		if owner > 0 && (parentIdx == 0 || e.defs[d.lexParent].scopeOnly) {
			p = owner
		}
		n.Parent = res.Nodes[p].ID
		res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeContains, Src: n.Parent, Dst: n.ID, File: e.file, Line: n.StartLine, Res: graph.ResSyntax})
		if owner > 0 {
			res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeDefines, Src: res.Nodes[owner].ID, Dst: n.ID, File: e.file, Line: n.StartLine, Res: graph.ResSyntax})
		}
	}
	e.attachLocals(res) // before the references: Go's value references are checked against locals
	e.attachRefs(res)
	if e.rules.finish != nil {
		e.rules.finish(res)
	}
}

// attachLocals appends each local declaration to the innermost enclosing
// callable node's Locals, NUL-separated.
func (e *extraction) attachLocals(res *Result) {
	if len(e.locals) == 0 {
		return
	}
	sort.SliceStable(e.locals, func(i, j int) bool { return e.locals[i].start < e.locals[j].start })
	var stack []int
	di := 0
	for _, l := range e.locals {
		if e.stop() {
			return
		}
		for di < len(e.defs) && e.defs[di].start <= l.start {
			d := &e.defs[di]
			di++
			if d.nodeIdx < 0 || !res.Nodes[d.nodeIdx].Kind.IsCallable() || d.start == l.start {
				continue // a declaration that is itself a definition (let f = |x| ...) belongs to the enclosing one
			}
			for len(stack) > 0 && e.defs[stack[len(stack)-1]].end <= d.start {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, di-1)
		}
		for len(stack) > 0 && e.defs[stack[len(stack)-1]].end <= l.start {
			stack = stack[:len(stack)-1]
		}
		if len(stack) == 0 || len(l.text) > maxLocalText {
			continue
		}
		n := &res.Nodes[e.defs[stack[len(stack)-1]].nodeIdx]
		if len(n.Locals)+len(l.text) > maxLocalsBytes {
			continue
		}
		if n.Locals != "" {
			n.Locals += "\x00"
		}
		n.Locals += l.text
	}
}

// memberOfType reports whether a function definition belongs to a type:
// lexically inside one, inside an impl scope, or qualified by a name that
// is not a namespace of this file.
func (e *extraction) memberOfType(d *def, byQN map[string]int, nodes []graph.Node) bool {
	if p := d.lexParent; p >= 0 {
		pd := &e.defs[p]
		if pd.scopeOnly || typeKinds[pd.kind] {
			return true
		}
	}
	if d.scope == "" {
		return false
	}
	if !d.qualified {
		return true // explicit @scope: a receiver
	}
	prefix := d.qn[:max(0, len(d.qn)-len(d.name)-1)]
	if j, ok := byQN[prefix]; ok {
		return nodes[j].Kind != graph.KindNamespace && nodes[j].Kind != graph.KindModule
	}
	// Qualified by something unknown here: C++ out-of-line member
	// definitions (Widget::draw) are far more common than namespace-
	// qualified free functions.
	return e.spec.QualifiedMembers
}

// lexicalNodeIdx returns the node index of the nearest enclosing definition
// that became a node (0, the file, when none).
func (e *extraction) lexicalNodeIdx(defIdx int) int {
	for defIdx >= 0 {
		if e.defs[defIdx].nodeIdx >= 0 {
			return e.defs[defIdx].nodeIdx
		}
		defIdx = e.defs[defIdx].lexParent
	}
	return 0
}

// attachRefs turns references into edges from the innermost enclosing node.
func (e *extraction) attachRefs(res *Result) {
	if len(e.refs) == 0 {
		return
	}
	sort.SliceStable(e.refs, func(i, j int) bool {
		if e.refs[i].start != e.refs[j].start {
			return e.refs[i].start < e.refs[j].start
		}
		return e.refs[i].end > e.refs[j].end
	})
	e.pruneRefs()
	type seenKey struct {
		src    graph.NodeID
		kind   graph.EdgeKind
		target string
		line   uint32
	}
	seen := make(map[seenKey]bool, len(e.refs))
	fileID := res.Nodes[0].ID
	var keepValue func(fn *graph.Node, target string) bool // built on the first value reference
	var stack []int                                        // def indices that became nodes, by position
	di := 0
	importCount := make(map[string]int)
	for _, r := range e.refs {
		if e.stop() {
			return
		}
		for di < len(e.defs) && e.defs[di].start <= r.start {
			d := &e.defs[di]
			di++
			if (d.nodeIdx < 0 && d.ownerIdx <= 0) || d.hoisted {
				continue // hoisted fields do not own the references of the method they sit in
			}
			for len(stack) > 0 && e.defs[stack[len(stack)-1]].end <= d.start {
				stack = stack[:len(stack)-1]
			}
			stack = append(stack, di-1)
		}
		for len(stack) > 0 && e.defs[stack[len(stack)-1]].end <= r.start {
			stack = stack[:len(stack)-1]
		}
		src := fileID
		if len(stack) > 0 {
			top := &e.defs[stack[len(stack)-1]]
			if top.nodeIdx >= 0 {
				src = res.Nodes[top.nodeIdx].ID
			} else {
				src = res.Nodes[top.ownerIdx].ID // impl block: the type it names
			}
		}
		if r.kind == graph.EdgeImports {
			e.addImport(res, r, importCount)
			src = fileID
		}
		if r.value {
			if keepValue == nil {
				keepValue = e.rules.values(e, res)
			}
			var fn *graph.Node
			if len(stack) > 0 && e.defs[stack[len(stack)-1]].nodeIdx >= 0 {
				fn = &res.Nodes[e.defs[stack[len(stack)-1]].nodeIdx]
			}
			if !keepValue(fn, r.target) {
				continue // a variable, constant or field, not a function
			}
		}
		k := seenKey{src, r.kind, r.target, r.line}
		if seen[k] {
			continue
		}
		seen[k] = true
		res.Edges = append(res.Edges, graph.Edge{Kind: r.kind, Src: src, Target: r.target, File: e.file, Line: r.line})
	}
}

// pruneRefs drops references that are a definition's own name, and type
// references nested in a larger type reference (the outermost is kept:
// http.Handler, not also Handler). refs are sorted by start, longest first.
func (e *extraction) pruneRefs() {
	names := make(map[uint]bool, len(e.defs))
	for i := range e.defs {
		if !e.defs[i].scopeOnly {
			names[e.defs[i].nameStart] = true
		}
	}
	out := e.refs[:0]
	var typeEnd uint
	for _, r := range e.refs {
		if r.kind == graph.EdgeReferences || r.kind == graph.EdgeInherits || r.kind == graph.EdgeImplements {
			if names[r.start] {
				continue
			}
		}
		if r.kind == graph.EdgeReferences {
			if r.start < typeEnd {
				continue
			}
			typeEnd = r.end
		}
		out = append(out, r)
	}
	e.refs = out
}

// addImport records an import node: name is the local name (alias, imported
// name or last path segment), qualified name the full import path.
func (e *extraction) addImport(res *Result, r ref, count map[string]int) {
	qn := r.target
	if r.name != "" {
		sep := "."
		if strings.ContainsAny(r.target, "/") {
			sep = ":"
		} else if e.spec.ImportSep != "" {
			sep = e.spec.ImportSep // use std::io::{Read} → std::io::Read
		} else if strings.HasSuffix(r.target, ".") {
			sep = "" // Python relative import: from . import x → .x
		}
		qn = r.target + sep + r.name
	}
	name := r.alias
	if name == "" {
		name = r.name
	}
	if name == "" && e.spec.ImportName != nil {
		name = e.spec.ImportName(r.target) // github.com/go-chi/chi/v5 → chi, <sys/types.h> → types.h
	}
	if name == "" {
		name = spec.LastSegment(r.target)
	}
	dis := count[qn]
	count[qn] = dis + 1
	id := graph.MakeNodeID(e.file, qn, graph.KindImport, dis)
	sig := ""
	if e.spec.ImportSignature != nil {
		raw := ""
		if r.end > r.start && r.end <= uint(len(e.src)) {
			raw = string(e.src[r.start:r.end])
		}
		sig = e.spec.ImportSignature(raw, r.alias)
	}
	res.Nodes = append(res.Nodes, graph.Node{
		ID: id, Kind: graph.KindImport, Name: name, QualifiedName: qn, Language: e.lang, File: e.file,
		StartLine: r.line, EndLine: r.line, StartByte: uint32(r.start), EndByte: uint32(r.start),
		Parent: res.Nodes[0].ID, Signature: sig,
	})
	res.Edges = append(res.Edges, graph.Edge{Kind: graph.EdgeContains, Src: res.Nodes[0].ID, Dst: id, File: e.file, Line: r.line, Res: graph.ResSyntax})
}

func (e *extraction) signature(d *def) string {
	end := d.end
	if !d.hasBody && e.rules.body != nil {
		if b := e.rules.body(&d.node); b != nil {
			d.bodyStart, d.hasBody = b.StartByte(), true
		}
	}
	if d.hasBody && d.bodyStart > d.start && d.bodyStart <= d.end {
		end = d.bodyStart
	} else if i := strings.IndexByte(string(e.src[d.start:min(d.end, d.start+4*maxSignature)]), '\n'); i >= 0 {
		end = d.start + uint(i)
	}
	if end-d.start > 4*maxSignature {
		end = d.start + 4*maxSignature
	}
	s := strings.Join(strings.Fields(string(e.src[d.start:end])), " ")
	s = strings.TrimRight(s, " {:=")
	if len(s) > maxSignature {
		s = s[:maxSignature]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	if d.declOnly && d.kind.IsCallable() && e.spec.Prototypes {
		s += ";" // a prototype: resolution prefers the definition
	}
	if e.rules.signature != nil {
		s = e.rules.signature(e, d, s)
	}
	return s
}

// docOf returns the @doc text, or the comments directly above the
// definition (or above the wrapper it sits in: decorators, export, template).
func (e *extraction) docOf(d *def) string {
	var parts []string
	if len(d.doc) > 0 {
		for i := range d.doc {
			parts = append(parts, cleanComment(e.text(&d.doc[i])))
		}
		return capDoc(strings.Join(parts, "\n"))
	}
	n := d.node
	for {
		p := e.nav.parent(&n)
		if p == nil || p.Id() == e.nav.root.Id() {
			break
		}
		first := e.nav.prevNamedSibling(&n) == nil
		if !isWrapper(p.Kind()) && !(first && !isContainer(p.Kind())) {
			break
		}
		n = *p
	}
	line := startPoint(&n).Row
	var comments []string
	for s := e.nav.prevSibling(&n); s != nil; s = e.nav.prevSibling(s) {
		if k := s.Kind(); k == "decorator" || k == "annotation" || k == "marker_annotation" || k == "attribute_item" {
			line = startPoint(s).Row // TS decorators are siblings of the method
			continue
		}
		if !strings.Contains(s.Kind(), "comment") {
			break
		}
		if p := e.nav.prevSibling(s); p != nil && !strings.Contains(p.Kind(), "comment") && p.EndPosition().Row == startPoint(s).Row {
			break // trails the previous declaration: FOO, /* about FOO */
		}
		end := s.EndPosition()
		if end.Column == 0 && end.Row > startPoint(s).Row {
			end.Row-- // the token includes its newline (Rust // comments)
		}
		if end.Row+1 < line {
			break
		}
		if e.spec.InnerDocs && s.ChildByFieldName("inner") != nil {
			break // //! and /*! document the enclosing module, not the next item
		}
		comments = append(comments, cleanComment(e.text(s)))
		line = startPoint(s).Row
		if len(comments) > 50 {
			break
		}
	}
	for i, j := 0, len(comments)-1; i < j; i, j = i+1, j-1 {
		comments[i], comments[j] = comments[j], comments[i]
	}
	return capDoc(strings.Join(comments, "\n"))
}

func isWrapper(kind string) bool {
	switch kind {
	case "decorated_definition", "export_statement", "template_declaration", "ambient_declaration":
		return true
	}
	return false
}

// isContainer reports whether a node kind holds a sequence of declarations
// (a body or a list), so that a first child's comments are its own.
func isContainer(kind string) bool {
	return strings.Contains(kind, "body") || strings.Contains(kind, "block") ||
		strings.Contains(kind, "list") || strings.Contains(kind, "program") ||
		kind == "source_file" || kind == "translation_unit" || kind == "module"
}

func capDoc(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxDoc {
		s = s[:maxDoc]
		for !utf8.ValidString(s) && len(s) > 0 {
			s = s[:len(s)-1]
		}
	}
	return s
}

func cleanComment(s string) string {
	s = strings.TrimSpace(s)
	for _, q := range []string{`"""`, `'''`} {
		if strings.HasPrefix(s, q) && strings.HasSuffix(s, q) && len(s) >= 6 {
			return strings.TrimSpace(s[3 : len(s)-3])
		}
	}
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return strings.TrimSpace(s[1 : len(s)-1])
	}
	s = strings.TrimPrefix(s, "/**")
	s = strings.TrimPrefix(s, "/*!")
	s = strings.TrimPrefix(s, "/*")
	s = strings.TrimSuffix(s, "*/")
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		l = strings.TrimSpace(l)
		for _, p := range []string{"///", "//!", "//", "#", "*"} {
			if strings.HasPrefix(l, p) {
				if p == "#" {
					l = strings.TrimLeft(l, "#")
				} else {
					l = l[len(p):]
				}
				l = strings.TrimSpace(l)
				break
			}
		}
		lines[i] = l
	}
	return strings.TrimSpace(strings.Join(lines, "\n"))
}

// visibility applies the language's rule (internal/lang/<name>): declared
// modifiers first, then naming conventions (Go capitals, Python
// underscores) or the language's default.
func visibility(l *lang.Language, name, mods string, kind graph.NodeKind) graph.Visibility {
	switch kind {
	case graph.KindPackage, graph.KindModule, graph.KindNamespace, graph.KindFile, graph.KindImport:
		return graph.VisUnknown
	}
	var v string
	if l.Visibility != nil {
		v = l.Visibility(name, mods)
	} else {
		v = spec.StdModifiers(mods, nil)
	}
	switch v {
	case spec.Public:
		return graph.VisPublic
	case spec.Private:
		return graph.VisPrivate
	case spec.Protected:
		return graph.VisProtected
	case spec.Internal:
		return graph.VisInternal
	}
	return graph.VisUnknown
}

// access returns the visibility modifiers of a definition. C++ members take
// the nearest preceding access specifier of their class body (private by
// default in a class, public in a struct or union); other C++ definitions
// are public unless declared static.
func (e *extraction) access(d *def) string {
	if e.rules.access == nil || d.vis != "" {
		return d.vis
	}
	return e.rules.access(e, d)
}

// cppAccess is access for a C++ definition without modifiers.
func cppAccess(e *extraction, d *def) string {
	// Outside a class body, static means internal linkage.
	nonMember := "public"
	if bytes.HasPrefix(e.src[d.start:d.end], []byte("static ")) {
		nonMember = "private"
	}
	n := d.node
	for i := 0; i < 4; i++ {
		p := e.nav.parent(&n)
		if p == nil {
			return nonMember
		}
		if p.Kind() == "field_declaration_list" {
			for s := e.nav.prevSibling(&n); s != nil; s = e.nav.prevSibling(s) {
				if s.Kind() == "access_specifier" {
					return strings.TrimSuffix(strings.TrimSpace(e.text(s)), ":")
				}
			}
			if o := e.nav.parent(p); o != nil && o.Kind() == "class_specifier" {
				return "private"
			}
			return "public"
		}
		if k := p.Kind(); k != "template_declaration" && k != "field_declaration" && k != "declaration" {
			return nonMember
		}
		n = *p
	}
	return nonMember
}

// countErrors counts ERROR and MISSING nodes and locates the first.
func countErrors(root *sitter.Node) (int, string) {
	count := 0
	first := ""
	cur := root.Walk()
	defer cur.Close()
	visited := 0
	for {
		n := cur.Node()
		if n.IsError() || n.IsMissing() {
			count++
			if first == "" {
				p := n.StartPosition()
				first = fmt.Sprintf("%d:%d", p.Row+1, p.Column+1)
			}
		}
		visited++
		if n.HasError() && !n.IsError() && cur.GotoFirstChild() {
			continue
		}
		for !cur.GotoNextSibling() {
			if !cur.GotoParent() {
				return count, first
			}
		}
		if visited > 1_000_000 {
			return count, first
		}
	}
}

// rustUsePrefix returns the paths of the scoped_use_lists enclosing n, so
// that an item of a nested use list gets its full path: in
// use a::{b::{c, d}}, "a::b::" for the capture of c. A list whose own path
// is n is skipped.
func rustUsePrefix(src []byte, n *sitter.Node) string {
	prefix := ""
	for p := n.Parent(); p != nil && p.Kind() != "use_declaration"; p = p.Parent() {
		if p.Kind() != "scoped_use_list" {
			continue
		}
		path := p.ChildByFieldName("path")
		if path == nil || (path.StartByte() <= n.StartByte() && n.EndByte() <= path.EndByte()) {
			continue
		}
		prefix = string(src[path.StartByte():path.EndByte()]) + "::" + prefix
	}
	return prefix
}

// callbackLocals turns the parameters of a function passed as an argument
// (JS/TS: operate((source, subscriber) => ...)) into local declarations:
// "name: Type" when annotated, else "@cb ARG PARAM name callee", which
// resolution types from the callee's signature.
func (e *extraction) callbackLocals(fn sitter.Node) []localDecl {
	args := fn.Parent()
	if args == nil || args.Kind() != "arguments" {
		return nil
	}
	call := args.Parent()
	if call == nil {
		return nil
	}
	var callee string
	switch call.Kind() {
	case "call_expression":
		if c := call.ChildByFieldName("function"); c != nil {
			callee = cleanTarget(e.text(c))
		}
	case "new_expression":
		if c := call.ChildByFieldName("constructor"); c != nil {
			callee = "new " + cleanTarget(e.text(c))
		}
	}
	if callee == "" || callee == "new " {
		return nil
	}
	argIdx := -1
	for i := uint(0); i < args.NamedChildCount(); i++ {
		if c := args.NamedChild(i); c != nil && c.Id() == fn.Id() {
			argIdx = int(i)
			break
		}
	}
	if argIdx < 0 {
		return nil
	}
	var params []sitter.Node
	if p := fn.ChildByFieldName("parameters"); p != nil {
		for i := uint(0); i < p.NamedChildCount(); i++ {
			if c := p.NamedChild(i); c != nil && c.Kind() != "comment" {
				params = append(params, *c)
			}
		}
	} else if p := fn.ChildByFieldName("parameter"); p != nil {
		params = append(params, *p) // x => ...
	}
	var out []localDecl
	i := -1
	for _, p := range params {
		name, typ := &p, (*sitter.Node)(nil)
		switch p.Kind() {
		case "required_parameter", "optional_parameter":
			name, typ = p.ChildByFieldName("pattern"), p.ChildByFieldName("type")
		}
		if name != nil && name.Kind() == "this" {
			continue // function (this: T, x): not a positional parameter
		}
		i++
		if name == nil || name.Kind() != "identifier" {
			continue // destructured, rest: nothing to name
		}
		text := ""
		if typ != nil {
			text = e.text(name) + e.text(typ) // x: Foo (the annotation includes the colon)
		} else {
			text = fmt.Sprintf("@cb %d %d %s %s", argIdx, i, e.text(name), callee)
		}
		out = append(out, localDecl{start: fn.StartByte(), text: text})
	}
	return out
}

// valueNames returns the names a function passed as a value may have in
// this file: its callables' names and the local names of its imports.
func (e *extraction) valueNames() map[string]bool {
	names := map[string]bool{}
	for i := range e.defs {
		if d := &e.defs[i]; d.kind.IsCallable() && !d.dropped {
			names[d.name] = true
		}
	}
	for _, r := range e.refs {
		if r.kind != graph.EdgeImports {
			continue
		}
		switch {
		case r.alias != "":
			names[r.alias] = true
		case r.name != "":
			names[r.name] = true
		default:
			names[spec.LastSegment(r.target)] = true
			if e.spec.ImportName != nil {
				names[e.spec.ImportName(r.target)] = true
			}
		}
	}
	return names
}

// keepValueRef reports whether a value reference can name a function: f
// where f is a function or an import of the file, this.m / self.m / cls.m
// where m is a function of the file, mod.f where mod is an import; never
// an all-capitals name (a constant by convention).
func keepValueRef(target string, names map[string]bool) bool {
	if last := target[strings.LastIndexByte(target, '.')+1:]; strings.ToUpper(last) == last {
		return false // DEBUG, socket.AF_INET: constants by convention
	}
	head, rest, dotted := strings.Cut(target, ".")
	if !dotted {
		return names[head]
	}
	if strings.Contains(rest, ".") {
		return false
	}
	switch head {
	case "this", "self", "cls":
		return names[rest]
	}
	return names[head]
}
