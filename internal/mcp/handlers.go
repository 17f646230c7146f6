package mcp

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Bounds of the parts of answers that are not paged.
const (
	maxMembers     = 100 // get_symbol members
	maxBodyLines   = 500 // get_symbol body before the budget cuts it
	maxGroupRows   = 20  // impact packages and files, overview lists
	maxSiteRows    = 5   // impact uncertain sites
	overviewCycles = 5
)

// toolTable lists the tools. The order is the order clients show them.
// search_code will join them once the search layer exists.
func (s *Server) toolTable() []*toolDef {
	const page = "cursor"
	return []*toolDef{
		{name: "search_code", readOnly: true, access: service.ReadOnly,
			desc:   "Find code by meaning, words or name, or lines by text. Start here if you do not know a name.",
			params: []string{"query", "mode", "lang", "kind", "path_glob", "limit", "max_tokens"}, required: []string{"query"},
			out: []string{"mode:string", "total:integer", "note:string", "items:array"}, handler: (*call).searchCode},
		{name: "get_symbol", readOnly: true, access: service.ReadOnly,
			desc:   "A symbol's definition: file:line, signature, doc, parent, members; source with include_body.",
			params: []string{"symbol", "include_body", page, "max_tokens"}, required: []string{"symbol"},
			out:     []string{"symbol:object", "doc:string", "parent:object", "members:array", "members_total:integer", "body:string", "body_start:integer"},
			handler: (*call).getSymbol},
		{name: "find_references", readOnly: true, access: service.ReadOnly,
			desc:   "Every use of a symbol (calls, types, imports, inheritance) with file:line and line text. Use before renaming.",
			params: []string{"symbol", "kinds", page, "max_tokens"}, required: []string{"symbol"},
			out: []string{"symbol:object", "total:integer", "by_kind:object", "items:array"}, handler: (*call).findReferences},
		{name: "get_callers", readOnly: true, access: service.ReadOnly,
			desc:   "Functions calling a symbol, transitively, as a tree with call sites.",
			params: []string{"symbol", "depth", page, "max_tokens"}, required: []string{"symbol"},
			out: []string{"root:object", "depth:integer", "total:integer", "items:array"}, handler: (*call).getCallers},
		{name: "get_callees", readOnly: true, access: service.ReadOnly,
			desc:   "What a function calls, transitively, as a tree; library calls as lib:<package>.",
			params: []string{"symbol", "depth", page, "max_tokens"}, required: []string{"symbol"},
			out: []string{"root:object", "depth:integer", "total:integer", "items:array"}, handler: (*call).getCallees},
		{name: "get_dependencies", readOnly: true, access: service.ReadOnly,
			desc:   "What a symbol, file or package depends on (imports, calls, types, inheritance), transitively; libraries too.",
			params: []string{"symbol", "depth", page, "max_tokens"}, required: []string{"symbol"}, argDesc: scopeDesc,
			out: []string{"scope:object", "depth:integer", "total:integer", "unresolved:integer", "items:array"}, handler: (*call).getDependencies},
		{name: "get_dependents", readOnly: true, access: service.ReadOnly,
			desc:   "What depends on a symbol, file or package, transitively.",
			params: []string{"symbol", "depth", page, "max_tokens"}, required: []string{"symbol"}, argDesc: scopeDesc,
			out: []string{"scope:object", "depth:integer", "total:integer", "items:array"}, handler: (*call).getDependents},
		{name: "impact_analysis", readOnly: true, access: service.ReadOnly,
			desc:   "What breaks if a symbol, file or package changes: affected symbols by package and file, tests to run.",
			params: []string{"symbol", "depth", page, "max_tokens"}, required: []string{"symbol"}, argDesc: map[string]string{"symbol": scopeDesc["symbol"], "depth": "Levels (default 5)"},
			out:     []string{"scope:object", "depth:integer", "complete:boolean", "total:integer", "packages:array", "files:array", "tests:array", "unresolved:object", "ambiguous:object", "items:array"},
			handler: (*call).impactAnalysis},
		{name: "find_path", readOnly: true, access: service.ReadOnly,
			desc:   "Shortest chain of calls, imports or type uses between two symbols, with sites.",
			params: []string{"from", "to", "depth", "max_tokens"}, required: []string{"from", "to"}, argDesc: map[string]string{"depth": "Longest path looked for (default 12)"},
			out: []string{"from:object", "to:object", "found:boolean", "length:integer", "explored:integer", "steps:array"}, handler: (*call).findPath},
		{name: "file_outline", readOnly: true, access: service.ReadOnly,
			desc:   "A file's symbols, nested, with lines and signatures. Cheaper than reading it.",
			params: []string{"path", page, "max_tokens"}, required: []string{"path"},
			out: []string{"file:string", "language:string", "total:integer", "items:array"}, handler: (*call).fileOutline},
		{name: "repo_overview", readOnly: true, access: service.ReadOnly,
			desc:    "Repository map: languages, packages, dependencies, entry points, hubs, cycles. Call first on unfamiliar code.",
			params:  []string{page, "max_tokens"},
			out:     []string{"root:string", "files:integer", "nodes:integer", "edges:integer", "languages:object", "packages_total:integer", "packages:array", "dependencies:array", "entry_points:array", "hubs:array", "cycles:array"},
			handler: (*call).repoOverview},
		{name: "read_code", readOnly: true, access: service.ReadOnly,
			desc:   "Numbered lines of an indexed file (up to 500 per answer).",
			params: []string{"path", "start_line", "end_line", page, "max_tokens"}, required: []string{"path"},
			out:     []string{"path:string", "start_line:integer", "end_line:integer", "total_lines:integer", "changed_since_index:boolean", "code:string"},
			handler: (*call).readCode},
		exportGraphTool(), // export.go
		changesTool(),     // changes.go
		{name: "index_status", readOnly: true, access: service.ReadOnly,
			desc:    "Freshness (ready, building N%, stale) and size of the graph.",
			params:  []string{},
			out:     []string{"repo:string", "root:string", "files:integer", "nodes:integer", "edges:integer", "languages:object", "indexed_at:string", "repos:array"},
			handler: (*call).indexStatus},
		{name: "index", access: service.ReadWrite,
			desc:    "Update the code graph after edits (incremental); returns what changed.",
			params:  []string{"force"},
			out:     []string{"files:integer", "added:integer", "changed:integer", "unchanged:integer", "deleted:integer", "errors:integer", "duration_ms:integer"},
			handler: (*call).reindex},
	}
}

// ---- get_symbol

type symbolOut struct {
	answer
	Symbol       Sym    `json:"symbol"`
	EndLine      uint32 `json:"end_line,omitempty"`
	Doc          string `json:"doc,omitempty"`
	Parent       *Sym   `json:"parent,omitempty"`
	Members      []Sym  `json:"members,omitempty"`
	MembersTotal int    `json:"members_total,omitempty"`
	// Body is the source from line BodyStart on (the part that fits).
	Body      string `json:"body,omitempty"`
	BodyStart uint32 `json:"body_start,omitempty"`

	allMembers []Sym
	lines      []string
}

// shrink halves the doc comment.
func (o *symbolOut) shrink() bool {
	if len(o.Doc) < 200 {
		return false
	}
	o.Doc = oneLine(o.Doc, len(o.Doc)/2)
	return true
}

// items are the members then the body lines.
func (o *symbolOut) items() int { return len(o.allMembers) + len(o.lines) }
func (o *symbolOut) keep(k int) {
	o.Members = o.allMembers[:min(k, len(o.allMembers))]
	o.Body = strings.Join(o.lines[:max(0, min(k-len(o.allMembers), len(o.lines)))], "\n")
}

func (o *symbolOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n", o.Symbol.line())
	if o.Parent != nil {
		fmt.Fprintf(&b, "in %s %s (%s)\n", o.Parent.Kind, o.Parent.Name, o.Parent.At)
	}
	if o.Doc != "" {
		fmt.Fprintf(&b, "%s\n", o.Doc)
	}
	if len(o.Members) > 0 || o.MembersTotal > 0 {
		fmt.Fprintf(&b, "members (%d):\n", o.MembersTotal)
		for _, m := range o.Members {
			fmt.Fprintf(&b, "  %s\n", m.line())
		}
	}
	if o.Body != "" {
		writeNumbered(&b, o.Body, o.BodyStart)
	}
	footer(&b, &o.answer, len(o.Members)+strings.Count(o.Body, "\n")+boolInt(o.Body != ""), o.items())
	return b.String()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func writeNumbered(b *strings.Builder, code string, first uint32) {
	for i, l := range strings.Split(code, "\n") {
		fmt.Fprintf(b, "%5d  %s\n", first+uint32(i), l)
	}
}

func (c *call) getSymbol(ctx context.Context) (output, func(int) string, error) {
	sym, err := c.resolve(ctx, c.a.Symbol)
	if err != nil {
		return nil, nil, err
	}
	id, _ := graph.ParseNodeID(sym.ID)
	d, err := c.snap.Source.Def(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	o := &symbolOut{Symbol: symOf(&d.Symbol), EndLine: d.EndLine, Doc: strings.TrimSpace(d.Doc), Parent: symPtr(d.Parent), MembersTotal: d.MembersTotal}
	for i := range d.Members[:min(len(d.Members), maxMembers)] {
		o.allMembers = append(o.allMembers, symOf(&d.Members[i]))
	}
	if c.a.IncludeBody && d.Line > 0 && d.Kind != "file" {
		last := min(d.EndLine, d.Line+maxBodyLines-1)
		for _, l := range c.snap.Source.Source(d.File, d.Line, last) {
			o.lines = append(o.lines, capLine(l))
		}
		o.BodyStart = d.Line
	}
	// A cursor resumes after what was shown: members, then body lines.
	all := append([]Sym(nil), o.allMembers...)
	skip := min(c.cur.Skip, len(all)+len(o.lines))
	if skip <= len(all) {
		o.allMembers = all[skip:]
	} else {
		o.allMembers = nil
		o.lines = o.lines[skip-len(all):]
		o.BodyStart += uint32(skip - len(all))
	}
	o.keep(o.items())
	n := o.items()
	return o, func(kept int) string {
		if kept < n {
			return c.encodeCursor("", skip+kept)
		}
		return ""
	}, nil
}

// ---- find_references

type refRow struct {
	Kind string `json:"kind"`
	At   string `json:"at"`
	From *Sym   `json:"from,omitempty"`
	Text string `json:"text,omitempty"`
	Res  string `json:"res,omitempty"`
}

type refsOut struct {
	answer
	Symbol Sym            `json:"symbol"`
	Total  int            `json:"total"`
	ByKind map[string]int `json:"by_kind"`
	Items  []refRow       `json:"items"`
	all    []refRow
}

func (o *refsOut) items() int { return len(o.all) }
func (o *refsOut) keep(k int) { o.Items = o.all[:k] }
func (o *refsOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "references to %s: %d %s\n", o.Symbol.line(), o.Total, kindCounts(o.ByKind))
	for _, r := range o.Items {
		from := ""
		if r.From != nil {
			from = " in " + r.From.Name
		}
		note := ""
		if r.Res != "" {
			note = " (" + r.Res + ")"
		}
		fmt.Fprintf(&b, "%s %s%s%s: %s\n", r.At, r.Kind, from, note, r.Text)
	}
	footer(&b, &o.answer, len(o.Items), o.Total)
	return b.String()
}

func kindCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s %d", k, m[k]))
	}
	if len(parts) == 0 {
		return ""
	}
	return "(" + strings.Join(parts, ", ") + ")"
}

func (c *call) findReferences(ctx context.Context) (output, func(int) string, error) {
	sym, err := c.resolve(ctx, c.a.Symbol)
	if err != nil {
		return nil, nil, err
	}
	id, _ := graph.ParseNodeID(sym.ID)
	var kinds []graph.EdgeKind
	for _, k := range c.a.Kinds {
		ek, ok := graph.ParseEdgeKind(k)
		if !ok {
			return nil, nil, fmt.Errorf("kinds: unknown kind %q", k)
		}
		kinds = append(kinds, ek)
	}
	r, err := c.snap.Source.Refs(ctx, id, query.RefsOptions{Kinds: kinds, Page: query.Page{Limit: c.pageSize(), Cursor: c.cur.Q}})
	if err != nil {
		return nil, nil, err
	}
	o := &refsOut{Symbol: symOf(&r.Symbol), Total: r.Total, ByKind: r.ByKind, all: []refRow{}}
	for _, it := range skipped(c, r.Items) {
		o.all = append(o.all, refRow{Kind: it.Kind, At: at(it.File, it.Line), From: symPtr(it.Source), Text: it.Text, Res: resNote(it.Resolution, it.Candidates)})
	}
	o.keep(len(o.all))
	return o, c.pageCont(len(r.Items), r.NextCursor), nil
}

// ---- get_callers, get_callees

type callRow struct {
	Depth int `json:"depth"`
	Sym
	// Target is an unresolved callee as written.
	Target string `json:"target,omitempty"`
	CallAt string `json:"call_at"`
	Calls  int    `json:"calls,omitempty"` // when more than one
	Res    string `json:"res,omitempty"`
}

type callsOut struct {
	answer
	dir   string
	Root  Sym       `json:"root"`
	Depth int       `json:"depth"`
	Total int       `json:"total"`
	Items []callRow `json:"items"`
	all   []callRow
}

func (o *callsOut) items() int { return len(o.all) }
func (o *callsOut) keep(k int) { o.Items = o.all[:k] }
func (o *callsOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s of %s (depth %d): %d\n", o.dir, o.Root.line(), o.Depth, o.Total)
	for _, r := range o.Items {
		b.WriteString(strings.Repeat("  ", r.Depth-1))
		if r.Target != "" {
			fmt.Fprintf(&b, "%s unresolved %s", r.CallAt, r.Target)
		} else {
			b.WriteString(r.Sym.line())
			fmt.Fprintf(&b, "  [call at %s", r.CallAt)
			if r.Calls > 1 {
				fmt.Fprintf(&b, ", %d calls", r.Calls)
			}
			b.WriteByte(']')
		}
		if r.Res != "" {
			fmt.Fprintf(&b, " (%s)", r.Res)
		}
		b.WriteByte('\n')
	}
	if o.Total == 0 && o.dir == "callers" {
		b.WriteString("(no resolved calls; impact_analysis also counts unresolved calls that could reach it)\n")
	}
	footer(&b, &o.answer, len(o.Items), o.Total)
	return b.String()
}

func (c *call) getCallers(ctx context.Context) (output, func(int) string, error) {
	return c.calls(ctx, "callers")
}

func (c *call) getCallees(ctx context.Context) (output, func(int) string, error) {
	return c.calls(ctx, "callees")
}

func (c *call) calls(ctx context.Context, dir string) (output, func(int) string, error) {
	sym, err := c.resolve(ctx, c.a.Symbol)
	if err != nil {
		return nil, nil, err
	}
	id, _ := graph.ParseNodeID(sym.ID)
	opts := query.CallsOptions{Depth: c.a.Depth, Page: query.Page{Limit: c.pageSize(), Cursor: c.cur.Q}}
	var r *query.CallsResult
	if dir == "callers" {
		r, err = c.snap.Graph.Callers(ctx, id, opts)
	} else {
		r, err = c.snap.Graph.Callees(ctx, id, opts)
	}
	if err != nil {
		return nil, nil, err
	}
	o := &callsOut{dir: dir, Root: symOf(&r.Root), Depth: r.Depth, Total: r.Total, all: []callRow{}}
	for _, it := range skipped(c, r.Items) {
		row := callRow{Depth: it.Depth, Sym: symOf(it.Symbol), Target: it.Target, CallAt: at(it.Via.File, it.Via.Line), Res: resNote(it.Via.Resolution, it.Via.Candidates)}
		if it.Sites > 1 {
			row.Calls = it.Sites
		}
		o.all = append(o.all, row)
	}
	o.keep(len(o.all))
	return o, c.pageCont(len(r.Items), r.NextCursor), nil
}

// ---- get_dependencies, get_dependents

type scopeRef struct {
	Kind string `json:"kind"` // symbol, file or package
	Name string `json:"name"`
	ID   string `json:"id,omitempty"`
	At   string `json:"at,omitempty"`
}

func scopeOf(s *query.Scope) scopeRef {
	r := scopeRef{Kind: string(s.Kind), Name: s.Name}
	if s.Symbol != nil {
		r.ID, r.At = s.Symbol.ID, at(s.Symbol.File, s.Symbol.Line)
	}
	return r
}

type depRow struct {
	Depth int    `json:"depth"`
	Kind  string `json:"kind"` // symbol, file, package, external, unresolved
	Name  string `json:"name"`
	ID    string `json:"id,omitempty"`
	At    string `json:"at,omitempty"`
	// Edges counts the edges from the parent, of EdgeKinds; Via cites the
	// first.
	Edges     int      `json:"edges"`
	EdgeKinds []string `json:"edge_kinds"`
	Via       string   `json:"via"`
}

type depsOut struct {
	answer
	Scope      scopeRef `json:"scope"`
	Reverse    bool     `json:"-"`
	Depth      int      `json:"depth"`
	Total      int      `json:"total"`
	Unresolved int      `json:"unresolved,omitempty"`
	Items      []depRow `json:"items"`
	all        []depRow
}

func (o *depsOut) items() int { return len(o.all) }
func (o *depsOut) keep(k int) { o.Items = o.all[:k] }
func (o *depsOut) text() string {
	var b strings.Builder
	what := "dependencies"
	if o.Reverse {
		what = "dependents"
	}
	fmt.Fprintf(&b, "%s of %s %s (depth %d): %d\n", what, o.Scope.Kind, o.Scope.Name, o.Depth, o.Total)
	for _, r := range o.Items {
		b.WriteString(strings.Repeat("  ", r.Depth-1))
		if r.At != "" {
			fmt.Fprintf(&b, "%s ", r.At)
		}
		fmt.Fprintf(&b, "%s %s  [%d %s, first at %s]", r.Kind, r.Name, r.Edges, strings.Join(r.EdgeKinds, "+"), r.Via)
		if r.ID != "" {
			fmt.Fprintf(&b, "  #%s", r.ID)
		}
		b.WriteByte('\n')
	}
	if o.Unresolved > 0 {
		fmt.Fprintf(&b, "(%d unresolved calls/references not listed)\n", o.Unresolved)
	}
	footer(&b, &o.answer, len(o.Items), o.Total)
	return b.String()
}

func (c *call) getDependencies(ctx context.Context) (output, func(int) string, error) {
	return c.deps(ctx, false)
}

func (c *call) getDependents(ctx context.Context) (output, func(int) string, error) {
	return c.deps(ctx, true)
}

// scope resolves a target (symbol, file or directory), accepting paths
// given absolute or with ./ when they stay inside the root.
func (c *call) scope(ctx context.Context) (query.Scope, error) {
	t := strings.TrimSpace(c.a.Symbol)
	rel, err := c.localPath(t)
	switch {
	case err == nil && rel != t && t != "./":
		t = rel
	case errors.Is(err, errOutsideRoot) && (filepath.IsAbs(t) || strings.HasPrefix(t, "..")):
		return query.Scope{}, err
	}
	return c.snap.Graph.ResolveScope(ctx, t)
}

func (c *call) deps(ctx context.Context, reverse bool) (output, func(int) string, error) {
	sc, err := c.scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.snap.Graph.Deps(ctx, sc, query.DepsOptions{Depth: c.a.Depth, Reverse: reverse, Page: query.Page{Limit: c.pageSize(), Cursor: c.cur.Q}})
	if err != nil {
		return nil, nil, err
	}
	o := &depsOut{Scope: scopeOf(&r.Scope), Reverse: reverse, Depth: r.Depth, Total: r.Total, Unresolved: r.Unresolved, all: []depRow{}}
	for _, it := range skipped(c, r.Items) {
		row := depRow{Depth: it.Depth, Kind: it.Kind, Name: it.Name, Edges: it.Edges, EdgeKinds: it.EdgeKinds, Via: at(it.Via.File, it.Via.Line)}
		if it.Symbol != nil {
			row.ID, row.At = it.Symbol.ID, at(it.Symbol.File, it.Symbol.Line)
		}
		o.all = append(o.all, row)
	}
	o.keep(len(o.all))
	return o, c.pageCont(len(r.Items), r.NextCursor), nil
}

// ---- impact_analysis

type impactRow struct {
	Depth int `json:"depth"`
	Sym
	Via  string  `json:"via"` // where it uses the level below
	Conf float64 `json:"confidence,omitempty"`
	Test bool    `json:"test,omitempty"`
}

type siteRow struct {
	At     string `json:"at"`
	Target string `json:"target"`
}

type uncertainty struct {
	Count int       `json:"count"`
	Sites []siteRow `json:"sites,omitempty"`
}

type impactOut struct {
	answer
	Scope    scopeRef              `json:"scope"`
	Depth    int                   `json:"depth"`
	Complete bool                  `json:"complete"`
	Precise  bool                  `json:"precise,omitempty"` // every path compiler-checked
	Total    int                   `json:"total"`
	Packages []query.PackageImpact `json:"packages"`
	Files    []query.FileImpact    `json:"files"`
	Tests    []string              `json:"tests"`
	// Totals of the groups above when they were cut.
	PackagesTotal int         `json:"packages_total"`
	FilesTotal    int         `json:"files_total"`
	TestsTotal    int         `json:"tests_total"`
	Unresolved    uncertainty `json:"unresolved"`
	Ambiguous     uncertainty `json:"ambiguous"`
	Items         []impactRow `json:"items"`
	all           []impactRow
}

func (o *impactOut) items() int { return len(o.all) }
func (o *impactOut) shrink() bool {
	a, b, c := halve(&o.Files), halve(&o.Tests), halve(&o.Packages)
	d, e := halve(&o.Unresolved.Sites), halve(&o.Ambiguous.Sites)
	return a || b || c || d || e
}
func (o *impactOut) keep(k int) { o.Items = o.all[:k] }
func (o *impactOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "impact of %s %s (depth %d): %d symbols in %d files, %d packages, %d test files\n",
		o.Scope.Kind, o.Scope.Name, o.Depth, o.Total, o.FilesTotal, o.PackagesTotal, o.TestsTotal)
	if o.Complete {
		b.WriteString("complete: every dependent the graph knows of is counted\n")
		if o.Precise {
			b.WriteString("precise: every path is compiler-checked\n")
		}
	} else {
		fmt.Fprintf(&b, "LOWER BOUND: %d unresolved and %d ambiguous calls could also reach it\n", o.Unresolved.Count, o.Ambiguous.Count)
		for _, s := range o.Unresolved.Sites {
			fmt.Fprintf(&b, "  unresolved %s %s\n", s.At, s.Target)
		}
		for _, s := range o.Ambiguous.Sites {
			fmt.Fprintf(&b, "  ambiguous %s %s\n", s.At, s.Target)
		}
	}
	if len(o.Packages) > 0 {
		b.WriteString("packages:")
		for _, p := range o.Packages {
			fmt.Fprintf(&b, " %s (%d symbols, %d files", p.Package, p.Symbols, p.Files)
			if p.TestFiles > 0 {
				fmt.Fprintf(&b, ", %d tests", p.TestFiles)
			}
			b.WriteString(");")
		}
		b.WriteByte('\n')
	}
	if len(o.Tests) > 0 {
		fmt.Fprintf(&b, "tests to run: %s\n", strings.Join(o.Tests, ", "))
	}
	for _, r := range o.Items {
		t := ""
		if r.Test {
			t = " [test]"
		}
		fmt.Fprintf(&b, "%d %s  via %s%s\n", r.Depth, r.Sym.line(), r.Via, t)
	}
	footer(&b, &o.answer, len(o.Items), o.Total)
	return b.String()
}

func sites(u query.Uncertainty) uncertainty {
	out := uncertainty{Count: u.Count}
	for _, s := range u.Sites[:min(len(u.Sites), maxSiteRows)] {
		out.Sites = append(out.Sites, siteRow{At: at(s.File, s.Line), Target: s.Target})
	}
	return out
}

func (c *call) impactAnalysis(ctx context.Context) (output, func(int) string, error) {
	sc, err := c.scope(ctx)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.snap.Graph.Impact(ctx, sc, query.ImpactOptions{Depth: c.a.Depth, Page: query.Page{Limit: c.pageSize(), Cursor: c.cur.Q}})
	if err != nil {
		return nil, nil, err
	}
	o := &impactOut{Scope: scopeOf(&r.Scope), Depth: r.Depth, Complete: r.Complete, Precise: r.Precise, Total: r.Total,
		Packages: r.Packages[:min(len(r.Packages), maxGroupRows)], Files: r.Files[:min(len(r.Files), maxGroupRows)],
		Tests: r.Tests[:min(len(r.Tests), maxGroupRows)], PackagesTotal: r.PackagesTotal, FilesTotal: r.FilesTotal, TestsTotal: r.TestsTotal,
		Unresolved: sites(r.Unresolved), Ambiguous: sites(r.Ambiguous), all: []impactRow{}}
	if c.continued() {
		// Later pages list more symbols; the groups were on the first.
		o.Packages, o.Files, o.Tests = []query.PackageImpact{}, []query.FileImpact{}, []string{}
		o.Unresolved.Sites, o.Ambiguous.Sites = nil, nil
	}
	for _, it := range skipped(c, r.Items) {
		row := impactRow{Depth: it.Depth, Sym: symOf(&it.Symbol), Via: at(it.Via.File, it.Via.Line), Test: it.Test}
		if it.Confidence < 1 {
			row.Conf = it.Confidence
		}
		o.all = append(o.all, row)
	}
	o.keep(len(o.all))
	return o, c.pageCont(len(r.Items), r.NextCursor), nil
}

// ---- find_path

type pathStep struct {
	Sym
	Via string `json:"via,omitempty"` // edge kind and site leading here
}

type pathOut struct {
	answer
	noItems
	From     Sym        `json:"from"`
	To       Sym        `json:"to"`
	Found    bool       `json:"found"`
	Length   int        `json:"length"`
	Explored int        `json:"explored"`
	Steps    []pathStep `json:"steps,omitempty"`
	maxDepth int
	cutShort bool
}

func (o *pathOut) text() string {
	var b strings.Builder
	if !o.Found {
		fmt.Fprintf(&b, "no path from %s to %s within %d steps (%d symbols explored", o.From.Name, o.To.Name, o.maxDepth, o.Explored)
		if o.cutShort {
			b.WriteString(", search stopped at its bound")
		}
		b.WriteString("); try the reverse direction or a larger depth\n")
	} else {
		fmt.Fprintf(&b, "path of %d steps:\n", o.Length)
		for _, s := range o.Steps {
			if s.Via != "" {
				fmt.Fprintf(&b, "  -> %s\n", s.Via)
			}
			fmt.Fprintf(&b, "%s\n", s.Sym.line())
		}
	}
	footer(&b, &o.answer, 0, 0)
	return b.String()
}

func (c *call) findPath(ctx context.Context) (output, func(int) string, error) {
	from, err := c.resolve(ctx, c.a.From)
	if err != nil {
		return nil, nil, fmt.Errorf("from: %w", c.explain(err))
	}
	to, err := c.resolve(ctx, c.a.To)
	if err != nil {
		return nil, nil, fmt.Errorf("to: %w", c.explain(err))
	}
	a, _ := graph.ParseNodeID(from.ID)
	z, _ := graph.ParseNodeID(to.ID)
	r, err := c.snap.Graph.Path(ctx, a, z, query.PathOptions{MaxDepth: c.a.Depth})
	if err != nil {
		return nil, nil, err
	}
	o := &pathOut{From: symOf(&r.From), To: symOf(&r.To), Found: r.Found, Length: r.Length, Explored: r.Explored, maxDepth: r.MaxDepth, cutShort: r.Truncated}
	for i := range r.Steps {
		st := pathStep{Sym: symOf(&r.Steps[i].Symbol)}
		if v := r.Steps[i].Via; v != nil {
			st.Via = v.Kind + " at " + at(v.File, v.Line)
		}
		o.Steps = append(o.Steps, st)
	}
	return o, nil, nil
}

// ---- file_outline

type outlineRow struct {
	Depth int `json:"depth"`
	Sym
	EndLine uint32 `json:"end_line,omitempty"`
}

type outlineOut struct {
	answer
	File     string       `json:"file"`
	Language string       `json:"language"`
	Total    int          `json:"total"`
	Items    []outlineRow `json:"items"`
	all      []outlineRow
}

func (o *outlineOut) items() int { return len(o.all) }
func (o *outlineOut) keep(k int) { o.Items = o.all[:k] }
func (o *outlineOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s): %d symbols\n", o.File, o.Language, o.Total)
	for _, r := range o.Items {
		b.WriteString(strings.Repeat("  ", r.Depth))
		line := r.Sym
		line.At = strings.TrimPrefix(line.At, o.File+":")
		b.WriteString(line.line())
		b.WriteByte('\n')
	}
	footer(&b, &o.answer, len(o.Items), o.Total)
	return b.String()
}

func (c *call) fileOutline(ctx context.Context) (output, func(int) string, error) {
	rel, err := c.indexedPath(c.a.Path)
	if err != nil {
		return nil, nil, err
	}
	r, err := c.snap.Graph.Outline(ctx, rel, query.OutlineOptions{Page: query.Page{Limit: query.MaxLimit}})
	if err != nil {
		return nil, nil, err
	}
	o := &outlineOut{File: r.File, Language: r.Language, Total: r.Symbols, all: []outlineRow{}}
	var walk func(items []*query.OutlineItem, depth int)
	walk = func(items []*query.OutlineItem, depth int) {
		for _, it := range items {
			s := symOf(&it.Symbol)
			s.Sig = oneLine(it.Signature, 160)
			o.all = append(o.all, outlineRow{Depth: depth, Sym: s, EndLine: it.EndLine})
			walk(it.Children, depth+1)
		}
	}
	walk(r.Items, 0)
	o.all = skipped(c, o.all)
	o.keep(len(o.all))
	skip := c.cur.Skip
	n := len(o.all)
	return o, func(kept int) string {
		if kept < n {
			return c.encodeCursor("", skip+kept)
		}
		return ""
	}, nil
}

// ---- repo_overview

type pkgRow struct {
	Package    string   `json:"package"`
	Files      int      `json:"files"`
	Nodes      uint64   `json:"nodes"`
	Languages  []string `json:"languages"`
	DependsOn  int      `json:"depends_on"`
	Dependents int      `json:"dependents"`
}

type depEdgeRow struct {
	From    string `json:"from"`
	To      string `json:"to"`
	Imports int    `json:"imports"`
	Calls   int    `json:"calls"`
}

type entryRow struct {
	Kind string `json:"kind"`
	At   string `json:"at"`
	Name string `json:"name,omitempty"`
}

type hubRow struct {
	Sym
	FanIn  int `json:"fan_in"`
	FanOut int `json:"fan_out"`
}

type overviewOut struct {
	answer
	Root          string         `json:"root"`
	Files         int            `json:"files"`
	Nodes         uint64         `json:"nodes"`
	Edges         uint64         `json:"edges"`
	Languages     map[string]int `json:"languages"`
	Libraries     int            `json:"libraries"`
	PackagesTotal int            `json:"packages_total"`
	Packages      []pkgRow       `json:"packages"`
	Dependencies  []depEdgeRow   `json:"dependencies"`
	EntryPoints   []entryRow     `json:"entry_points"`
	Hubs          []hubRow       `json:"hubs"`
	Cycles        [][]string     `json:"cycles"`
	CyclesTotal   int            `json:"cycles_total"`
	all           []pkgRow
	depsTotal     int
}

func (o *overviewOut) items() int { return len(o.all) }
func (o *overviewOut) shrink() bool {
	a, b, c, d := halve(&o.EntryPoints), halve(&o.Hubs), halve(&o.Dependencies), halve(&o.Cycles)
	return a || b || c || d
}
func (o *overviewOut) keep(k int) { o.Packages = o.all[:k] }
func (o *overviewOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %d files, %d symbols, %d edges; languages %s; %d libraries\n", o.Root, o.Files, o.Nodes, o.Edges, kindCounts(o.Languages), o.Libraries)
	if len(o.EntryPoints) > 0 {
		b.WriteString("entry points:\n")
		for _, e := range o.EntryPoints {
			fmt.Fprintf(&b, "  %s %s %s\n", e.At, e.Kind, e.Name)
		}
	}
	if len(o.Hubs) > 0 {
		b.WriteString("hubs (most callers):\n")
		for _, h := range o.Hubs {
			fmt.Fprintf(&b, "  %s  [in %d, out %d]\n", h.Sym.line(), h.FanIn, h.FanOut)
		}
	}
	if len(o.Dependencies) > 0 {
		fmt.Fprintf(&b, "heaviest package dependencies (%d in all):\n", o.depsTotal)
		for _, d := range o.Dependencies {
			fmt.Fprintf(&b, "  %s -> %s (%d imports, %d calls)\n", d.From, d.To, d.Imports, d.Calls)
		}
	}
	if o.CyclesTotal > 0 {
		fmt.Fprintf(&b, "dependency cycles (%d):\n", o.CyclesTotal)
		for _, cy := range o.Cycles {
			fmt.Fprintf(&b, "  %s\n", strings.Join(cy, " -> "))
		}
	} else {
		b.WriteString("no dependency cycles between packages\n")
	}
	fmt.Fprintf(&b, "packages (%d): files, symbols, languages, depends on / used by\n", o.PackagesTotal)
	for _, p := range o.Packages {
		fmt.Fprintf(&b, "  %s  %d files, %d symbols, %s, %d/%d\n", p.Package, p.Files, p.Nodes, strings.Join(p.Languages, "+"), p.DependsOn, p.Dependents)
	}
	footer(&b, &o.answer, len(o.Packages), o.PackagesTotal)
	return b.String()
}

func (c *call) repoOverview(ctx context.Context) (output, func(int) string, error) {
	eng := c.snap.Graph
	r, err := eng.Overview(ctx, query.OverviewOptions{Page: query.Page{Limit: c.pageSize(), Cursor: c.cur.Q}})
	if err != nil {
		return nil, nil, err
	}
	cy, err := eng.Cycles(ctx, query.CyclesOptions{Page: query.Page{Limit: overviewCycles}})
	if err != nil {
		return nil, nil, err
	}
	o := &overviewOut{Root: r.Root, Files: r.Files, Nodes: r.Nodes, Edges: r.Edges, Languages: r.Languages, Libraries: r.Libraries,
		PackagesTotal: r.PackagesTotal, CyclesTotal: cy.Total, depsTotal: r.DependenciesTotal,
		Dependencies: []depEdgeRow{}, EntryPoints: []entryRow{}, Hubs: []hubRow{}, Cycles: [][]string{}, all: []pkgRow{}}
	for _, p := range skipped(c, r.Packages) {
		o.all = append(o.all, pkgRow{Package: p.Package, Files: p.Files, Nodes: p.Nodes, Languages: p.Languages, DependsOn: len(p.DependsOn), Dependents: p.Dependents})
	}
	if c.continued() {
		// Later pages list more packages; the rest was on the first.
		r.Dependencies, r.EntryPoints, r.Hubs, cy.Cycles = nil, nil, nil, nil
	}
	for _, d := range r.Dependencies[:min(len(r.Dependencies), maxGroupRows)] {
		o.Dependencies = append(o.Dependencies, depEdgeRow{From: d.From, To: d.To, Imports: d.Imports, Calls: d.Calls})
	}
	for _, e := range r.EntryPoints[:min(len(r.EntryPoints), maxGroupRows)] {
		row := entryRow{Kind: e.Kind, At: at(e.File, e.Line)}
		if e.Symbol != nil {
			row.Name = e.Symbol.QualifiedName
		}
		o.EntryPoints = append(o.EntryPoints, row)
	}
	for i := range r.Hubs {
		h := &r.Hubs[i]
		o.Hubs = append(o.Hubs, hubRow{Sym: symOf(&h.Symbol), FanIn: h.FanIn, FanOut: h.FanOut})
	}
	for _, cyc := range cy.Cycles {
		o.Cycles = append(o.Cycles, cyc.Loop)
	}
	o.keep(len(o.all))
	return o, c.pageCont(len(r.Packages), r.NextCursor), nil
}

// ---- search_code

type searchRow struct {
	Sym
	Score float64 `json:"score"`
	Line  string  `json:"line,omitempty"` // exact/regex: the matching line
}

type searchOut struct {
	answer
	Mode  string      `json:"mode"`
	Total int         `json:"total"`
	Note  string      `json:"note,omitempty"`
	Items []searchRow `json:"items"`
	all   []searchRow
}

func (o *searchOut) items() int { return len(o.all) }
func (o *searchOut) keep(k int) { o.Items = o.all[:k] }
func (o *searchOut) text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s search: %d hits\n", o.Mode, len(o.all))
	for _, r := range o.Items {
		fmt.Fprintf(&b, "%.3g %s", r.Score, r.Sym.line())
		if r.Line != "" {
			fmt.Fprintf(&b, "\n    %s", r.Line)
		}
		b.WriteByte('\n')
	}
	if o.Note != "" {
		fmt.Fprintf(&b, "(%s)\n", o.Note)
	}
	footer(&b, &o.answer, len(o.Items), len(o.all))
	return b.String()
}

func (c *call) searchCode(ctx context.Context) (output, func(int) string, error) {
	mode := search.Hybrid
	if c.a.Mode != "" {
		m, err := search.ParseMode(c.a.Mode)
		if err != nil {
			return nil, nil, err
		}
		mode = m
	}
	req := search.Request{Query: c.a.Query, Mode: mode, Limit: c.a.Limit, Langs: c.a.Lang, Kinds: c.a.Kind}
	if g := strings.TrimSpace(c.a.PathGlob); g != "" {
		req.Paths = []string{g}
	}
	res, err := c.snap.Searcher().Search(ctx, req)
	if err != nil {
		if errors.Is(err, search.ErrNoIndex) {
			return nil, nil, fmt.Errorf("%w; call the index tool to build the search indexes", err)
		}
		return nil, nil, err
	}
	o := &searchOut{Mode: string(res.Mode), Total: res.Total, Note: res.Note, all: []searchRow{}}
	for i := range res.Hits {
		h := &res.Hits[i]
		row := searchRow{Sym: symOf(&h.Symbol), Score: h.Score}
		if h.Text != "" {
			row.Line = oneLine(h.Text, 200)
		}
		o.all = append(o.all, row)
	}
	o.keep(len(o.all))
	return o, nil, nil
}

// splitArg splits a comma-separated argument.
// scopeDesc describes the symbol argument of the tools that also take a
// file or directory.
var scopeDesc = map[string]string{"symbol": "Symbol, file path or directory"}

func splitArg(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.ToLower(p))
		}
	}
	return out
}
