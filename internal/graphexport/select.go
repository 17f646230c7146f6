// Package graphexport selects a subgraph of the code graph and writes it in
// the formats people draw graphs with: DOT (Graphviz), Mermaid (Markdown),
// GraphML (Gephi, yEd), JSON and NDJSON, and an SVG picture laid out by our
// own code (no Graphviz needed).
//
// It sits above store and query and below service and the front doors: the
// CLI, REST and MCP share one Selection and one set of writers. It reads the
// graph only; it never writes the store.
package graphexport

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path"
	"regexp"
	"slices"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Errors callers branch on.
var (
	// ErrTooLarge: the selection has more nodes than Selection.MaxNodes.
	ErrTooLarge = errors.New("graph too large")
	// ErrInvalid: the selection or format is malformed.
	ErrInvalid = errors.New("invalid export request")
)

// Direction says which edges a traversal from the root follows.
type Direction uint8

// Directions.
const (
	// Callees follows edges out of the root (what it calls, imports, ...).
	Callees Direction = iota
	// Callers follows edges into the root (who calls, imports it, ...).
	Callers
	// Both follows edges either way.
	Both
)

var dirNames = [...]string{"callees", "callers", "both"}

func (d Direction) String() string {
	if int(d) < len(dirNames) {
		return dirNames[d]
	}
	return fmt.Sprintf("direction(%d)", d)
}

// ParseDirection maps "callers", "callees" or "both" to its Direction.
func ParseDirection(s string) (Direction, error) {
	for i, n := range dirNames {
		if n == s {
			return Direction(i), nil
		}
	}
	return 0, fmt.Errorf("%w: direction %q (want callers, callees or both)", ErrInvalid, s)
}

// ParseKinds parses a comma-separated list of edge kinds ("calls,imports").
// An empty string gives nil (the default kinds).
func ParseKinds(s string) ([]graph.EdgeKind, error) {
	var out []graph.EdgeKind
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		k, ok := graph.ParseEdgeKind(f)
		if !ok {
			names := make([]string, 0, 8)
			for _, k := range graph.EdgeKinds() {
				names = append(names, k.String())
			}
			return nil, fmt.Errorf("%w: edge kind %q (want %s)", ErrInvalid, f, strings.Join(names, ", "))
		}
		if !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out, nil
}

// MaxDepth is the deepest traversal a Selection may ask for.
const MaxDepth = 64

// DefaultDrawMax is the node cap the front doors apply to the drawn
// formats (dot, mermaid, svg): a picture of more nodes is unreadable and
// slow to render.
const DefaultDrawMax = 2000

// Selection says which part of the graph to export. The zero value is the
// whole graph.
type Selection struct {
	// Root is a symbol spec (as the other commands take: a name, a
	// qualified name, file:line, ...). When set, the export is the
	// neighbourhood of Root up to Depth along Kinds in Direction.
	Root      string
	Depth     int // 0 means 2; at most MaxDepth
	Direction Direction
	// Kinds restricts edges to these kinds. Nil means calls when Root is
	// set, and every kind otherwise. Without a Root, naming kinds also
	// leaves out the nodes none of the kept edges touches.
	Kinds []graph.EdgeKind
	// Path keeps only nodes whose file matches this glob ("*" within a
	// segment, "**" across segments, "?" one character); a pattern also
	// matches every file under a directory it names.
	Path string
	// Package keeps only nodes whose file's directory is Package or ends
	// in "/"+Package.
	Package string
	// MaxNodes, when positive, makes Select fail with ErrTooLarge instead
	// of returning more nodes.
	MaxNodes int
}

// Empty reports whether the selection is the whole graph.
func (s *Selection) Empty() bool {
	return s.Root == "" && len(s.Kinds) == 0 && s.Path == "" && s.Package == ""
}

// Graph is a selected subgraph: nodes sorted by file, line and id, and the
// resolved edges between them.
type Graph struct {
	Nodes []graph.Node
	Edges []graph.Edge
	// Root is the id of the root node when the selection had one.
	Root graph.NodeID
}

// Reader is the part of the store the selection reads. *store.Store
// implements it.
type Reader interface {
	AllNodes(fn func(graph.Node) error) error
	AllEdges(fn func(graph.Edge) error) error
	OutEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error
	InEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error
	NodesByID(ids []graph.NodeID, out []graph.Node) error
}

// Resolver finds the one node a symbol spec names. *query.Engine
// implements it (its errors say when the spec is unknown or ambiguous).
type Resolver interface {
	ResolveOne(ctx context.Context, spec string) (graph.Node, error)
}

// filter is a compiled node filter (path glob and package).
type filter struct {
	glob *regexp.Regexp
	pkg  string
}

func newFilter(sel *Selection) (*filter, error) {
	f := &filter{pkg: strings.Trim(sel.Package, "/")}
	if sel.Path != "" {
		re, err := compileGlob(sel.Path)
		if err != nil {
			return nil, err
		}
		f.glob = re
	}
	return f, nil
}

func (f *filter) keep(n *graph.Node) bool {
	if f.glob != nil && !f.glob.MatchString(n.File) {
		return false
	}
	if f.pkg != "" {
		dir := path.Dir(n.File)
		if dir != f.pkg && !strings.HasSuffix(dir, "/"+f.pkg) {
			return false
		}
	}
	return true
}

// compileGlob turns a path glob into a regular expression matching a whole
// path, or any path under a directory the glob matches.
func compileGlob(g string) (*regexp.Regexp, error) {
	g = strings.TrimPrefix(strings.TrimSuffix(g, "/"), "./")
	if g == "" {
		return nil, fmt.Errorf("%w: empty --path glob", ErrInvalid)
	}
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(g); i++ {
		switch c := g[i]; c {
		case '*':
			if i+1 < len(g) && g[i+1] == '*' {
				i++
				if i+1 < len(g) && g[i+1] == '/' {
					i++
					b.WriteString("(?:.*/)?")
				} else {
					b.WriteString(".*")
				}
			} else {
				b.WriteString("[^/]*")
			}
		case '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("(?:/.*)?$")
	re, err := regexp.Compile(b.String())
	if err != nil {
		return nil, fmt.Errorf("%w: --path %q: %v", ErrInvalid, g, err)
	}
	return re, nil
}

// Validate checks the selection's fields.
func (s *Selection) Validate() error {
	if s.Depth < 0 || s.Depth > MaxDepth {
		return fmt.Errorf("%w: depth must be between 1 and %d", ErrInvalid, MaxDepth)
	}
	if s.Direction > Both {
		return fmt.Errorf("%w: direction %d", ErrInvalid, s.Direction)
	}
	if s.Root == "" && s.Depth != 0 {
		return fmt.Errorf("%w: depth needs a root", ErrInvalid)
	}
	if s.MaxNodes < 0 {
		return fmt.Errorf("%w: max nodes must not be negative", ErrInvalid)
	}
	return nil
}

func tooLarge(sel *Selection) error {
	hint := "select a part: --root SYMBOL --depth N, --kind, --path GLOB or --package PKG"
	if sel.Root != "" {
		hint = "lower --depth, or narrow it with --kind, --path or --package"
	}
	return fmt.Errorf("%w: the selection has more than %d nodes; %s (or raise --max-nodes)", ErrTooLarge, sel.MaxNodes, hint)
}

// Select reads the subgraph sel names. With a root it walks level by level
// from the root (the root itself is always kept; other nodes must pass the
// path and package filters, and the walk does not go through nodes that do
// not); without one it scans every node and keeps the edges between kept
// nodes. Unresolved edges (no destination) are left out.
func Select(ctx context.Context, r Reader, res Resolver, sel Selection) (*Graph, error) {
	if err := sel.Validate(); err != nil {
		return nil, err
	}
	f, err := newFilter(&sel)
	if err != nil {
		return nil, err
	}
	var g *Graph
	if sel.Root != "" {
		g, err = selectFrom(ctx, r, res, &sel, f)
	} else {
		g, err = selectAll(ctx, r, &sel, f)
	}
	if err != nil {
		return nil, err
	}
	slices.SortFunc(g.Nodes, func(a, b graph.Node) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.StartLine, b.StartLine), cmp.Compare(a.ID, b.ID))
	})
	slices.SortFunc(g.Edges, func(a, b graph.Edge) int {
		return cmp.Or(cmp.Compare(a.Src, b.Src), cmp.Compare(a.Dst, b.Dst), cmp.Compare(a.Kind, b.Kind),
			cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return g, nil
}

func kindSet(kinds []graph.EdgeKind) uint32 {
	var m uint32
	for _, k := range kinds {
		m |= 1 << k
	}
	return m
}

func selectAll(ctx context.Context, r Reader, sel *Selection, f *filter) (*Graph, error) {
	g := &Graph{}
	in := make(map[graph.NodeID]struct{})
	// With edge kinds named, the graph is the one those edges draw: nodes
	// none of them touches are left out (and the cap applies after).
	prune := len(sel.Kinds) > 0
	n := 0
	err := r.AllNodes(func(nd graph.Node) error {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if !f.keep(&nd) {
			return nil
		}
		if sel.MaxNodes > 0 && len(g.Nodes) >= sel.MaxNodes && !prune {
			return tooLarge(sel)
		}
		g.Nodes = append(g.Nodes, nd)
		in[nd.ID] = struct{}{}
		return nil
	})
	if errors.Is(err, ErrTooLarge) {
		return nil, err
	}
	if err != nil {
		return nil, fmt.Errorf("export: read nodes: %w", err)
	}
	kinds := kindSet(sel.Kinds)
	err = r.AllEdges(func(e graph.Edge) error {
		if n++; n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		if e.Dst == 0 || (kinds != 0 && kinds&(1<<e.Kind) == 0) {
			return nil
		}
		if _, ok := in[e.Src]; !ok {
			return nil
		}
		if _, ok := in[e.Dst]; !ok {
			return nil
		}
		g.Edges = append(g.Edges, e)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("export: read edges: %w", err)
	}
	if prune {
		touched := make(map[graph.NodeID]struct{}, 2*len(g.Edges))
		for i := range g.Edges {
			touched[g.Edges[i].Src] = struct{}{}
			touched[g.Edges[i].Dst] = struct{}{}
		}
		g.Nodes = slices.DeleteFunc(g.Nodes, func(nd graph.Node) bool {
			_, ok := touched[nd.ID]
			return !ok
		})
		if sel.MaxNodes > 0 && len(g.Nodes) > sel.MaxNodes {
			return nil, tooLarge(sel)
		}
	}
	return g, nil
}

type edgeKey struct {
	src, dst graph.NodeID
	kind     graph.EdgeKind
	file     string
	line     uint32
}

func selectFrom(ctx context.Context, r Reader, res Resolver, sel *Selection, f *filter) (*Graph, error) {
	root, err := res.ResolveOne(ctx, sel.Root)
	if err != nil {
		return nil, fmt.Errorf("export: root: %w", err)
	}
	depth := sel.Depth
	if depth == 0 {
		depth = 2
	}
	kinds := sel.Kinds
	if len(kinds) == 0 {
		kinds = []graph.EdgeKind{graph.EdgeCalls}
	}
	g := &Graph{Root: root.ID, Nodes: []graph.Node{root}}
	seen := map[graph.NodeID]struct{}{root.ID: {}}
	edges := map[edgeKey]struct{}{}
	frontier := []graph.NodeID{root.ID}
	for level := 0; level < depth && len(frontier) > 0; level++ {
		var next []graph.NodeID
		var pending []graph.Edge
		for _, id := range frontier {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			collect := func(e graph.Edge) error {
				if e.Dst != 0 && e.Src != e.Dst {
					pending = append(pending, e)
				}
				return nil
			}
			if sel.Direction != Callers {
				if err := r.OutEdges(id, kinds, collect); err != nil {
					return nil, fmt.Errorf("export: out edges: %w", err)
				}
			}
			if sel.Direction != Callees {
				if err := r.InEdges(id, kinds, collect); err != nil {
					return nil, fmt.Errorf("export: in edges: %w", err)
				}
			}
		}
		// The nodes new at this level, read in one batch to apply the
		// filters.
		var fresh []graph.NodeID
		freshSet := map[graph.NodeID]struct{}{}
		for _, e := range pending {
			for _, id := range [2]graph.NodeID{e.Src, e.Dst} {
				if _, ok := seen[id]; ok {
					continue
				}
				if _, ok := freshSet[id]; !ok {
					freshSet[id] = struct{}{}
					fresh = append(fresh, id)
				}
			}
		}
		batch := make([]graph.Node, len(fresh))
		if err := r.NodesByID(fresh, batch); err != nil {
			return nil, fmt.Errorf("export: read nodes: %w", err)
		}
		kept := map[graph.NodeID]struct{}{}
		for i := range batch {
			if batch[i].ID == 0 || !f.keep(&batch[i]) {
				continue
			}
			if sel.MaxNodes > 0 && len(g.Nodes) >= sel.MaxNodes {
				return nil, tooLarge(sel)
			}
			g.Nodes = append(g.Nodes, batch[i])
			kept[batch[i].ID] = struct{}{}
			next = append(next, batch[i].ID)
		}
		for id := range kept {
			seen[id] = struct{}{}
		}
		for _, e := range pending {
			_, okS := seen[e.Src]
			_, okD := seen[e.Dst]
			if !okS || !okD {
				continue
			}
			k := edgeKey{e.Src, e.Dst, e.Kind, e.File, e.Line}
			if _, dup := edges[k]; dup {
				continue
			}
			edges[k] = struct{}{}
			g.Edges = append(g.Edges, e)
		}
		frontier = next
	}
	return g, nil
}
