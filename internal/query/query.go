package query

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/fnv"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sync/errgroup"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Reader is the part of the store that queries read. *store.Store
// implements it.
type Reader interface {
	Node(id graph.NodeID) (graph.Node, error)
	NodesByName(name string, fn func(graph.Node) error) error
	NodesByNameFold(name string, fn func(graph.Node) error) error
	NodesByQualifiedName(qn string, fn func(graph.Node) error) error
	NodesInFile(path string, fn func(graph.Node) error) error
	AllNodes(fn func(graph.Node) error) error
	AllEdges(fn func(graph.Edge) error) error
	OutEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error
	InEdges(id graph.NodeID, kinds []graph.EdgeKind, fn func(graph.Edge) error) error
	// NodesByID and InEdgesMany are the batched forms of Node and InEdges
	// (one iterator for many ids); traversals use them level by level.
	NodesByID(ids []graph.NodeID, out []graph.Node) error
	InEdgesMany(ids []graph.NodeID, kinds []graph.EdgeKind, fn func(i int, e graph.Edge) error) error
	UnresolvedEdges(kind graph.EdgeKind, target string, fn func(graph.Edge) error) error
	// UnresolvedEdgesNamed is UnresolvedEdges for the targets whose last
	// identifier (graph.TargetName) is name.
	UnresolvedEdgesNamed(kind graph.EdgeKind, name string, fn func(graph.Edge) error) error
	Files(fn func(store.FileMeta) error) error
	FileMeta(path string) (store.FileMeta, error)
	Meta(key string) ([]byte, error)
}

// MetaRoot is the store metadata key holding the absolute path of the
// indexed repository root (written by the indexer as index.MetaRoot).
const MetaRoot = "root"

// Limits on list sizes and traversals.
const (
	// DefaultLimit is the page size when a Page has no Limit.
	DefaultLimit = 50
	// MaxLimit is the largest page size a Page may ask for.
	MaxLimit = 10000
	// DefaultMaxNodes bounds every traversal (callers, callees, deps,
	// path, impact) unless Options.MaxNodes says otherwise.
	DefaultMaxNodes = 200000
	// MaxDepth is the deepest any traversal goes.
	MaxDepth = 64
	// maxCandidates bounds the candidates an AmbiguousError lists and the
	// matches Resolve returns.
	maxCandidates = 1000
	// maxListedCandidates bounds the candidates kept in an AmbiguousError.
	maxListedCandidates = 25
)

// Options configure an Engine. The zero value reads sources from the root
// recorded in the store and uses the default bounds.
type Options struct {
	// Root is the repository root that source lines and snippets are read
	// from. "" means the root recorded in the store (MetaRoot); if there is
	// none, no source is read and snippets fall back to signatures.
	Root string
	// NoSource turns off reading source files altogether.
	NoSource bool
	// MaxNodes bounds the nodes a traversal visits (0: DefaultMaxNodes).
	// A traversal that reaches it stops and marks its result Truncated.
	MaxNodes int
	// Workers is the number of concurrent store reads a traversal level
	// may use (0: GOMAXPROCS).
	Workers int
}

// Engine answers queries over one store. It is safe for concurrent use.
// It caches whole-graph summaries (for hubs, cycles, overview and the
// completeness check of impact), so it should live no longer than the
// store snapshot it reads: make a new one after the store changes.
type Engine struct {
	g        Reader
	root     string
	maxNodes int
	workers  int
	src      *sourceCache
	// dispatchCap is the number of calls through an interface method
	// above which callers and impact do not follow them (MaxDispatchCalls;
	// lowered by tests).
	dispatchCap int

	mu       sync.Mutex       // guards files and dirFiles
	files    []fileInfo       // every indexed file, in path order
	dirFiles map[string][]int // directory -> indexes in files

	sumMu sync.Mutex // guards sum; held while it is built
	sum   *summary   // whole-graph scan

	sufMu    sync.Mutex   // guards suffixes; held while it is built
	suffixes *suffixIndex // unresolved calls by last identifier
}

// New returns an Engine reading g.
func New(g Reader, opts Options) *Engine {
	e := &Engine{g: g, root: opts.Root, maxNodes: opts.MaxNodes, workers: opts.Workers, dispatchCap: MaxDispatchCalls}
	if e.maxNodes <= 0 {
		e.maxNodes = DefaultMaxNodes
	}
	if e.workers <= 0 {
		e.workers = runtime.GOMAXPROCS(0)
	}
	if e.root == "" {
		if v, err := g.Meta(MetaRoot); err == nil {
			e.root = string(v)
		}
	}
	if !opts.NoSource && e.root != "" {
		e.src = newSourceCache(e.root, g)
	}
	return e
}

// Root returns the repository root the engine reads sources from ("" if
// none).
func (e *Engine) Root() string { return e.root }

// ErrBadCursor is returned (wrapped) when a cursor is malformed or belongs
// to another query.
var ErrBadCursor = errors.New("invalid cursor")

// Page selects one page of a list result: at most Limit items (0:
// DefaultLimit) after Cursor ("" for the first page). A result's NextCursor
// is the Cursor of the next page, "" on the last one.
type Page struct {
	Limit  int    `json:"limit,omitempty"`
	Cursor string `json:"cursor,omitempty"`
}

// slice returns the bounds of the page within total items of the query
// identified by key, and the cursor of the next page. Cursors are opaque:
// base64 of a version, the offset and a hash of the query, so a cursor
// given to another query is refused rather than silently misapplied.
func (p Page) slice(key string, total int) (start, end int, next string, err error) {
	limit := p.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	if limit > MaxLimit {
		limit = MaxLimit
	}
	qh := keyHash(key)
	if p.Cursor != "" {
		start, err = decodeCursor(p.Cursor, qh)
		if err != nil {
			return 0, 0, "", err
		}
	}
	if start > total {
		start = total
	}
	end = min(start+limit, total)
	if end < total {
		next = encodeCursor(end, qh)
	}
	return start, end, next, nil
}

func keyHash(key string) uint32 {
	h := fnv.New32a()
	h.Write([]byte(key))
	return h.Sum32()
}

func encodeCursor(offset int, qh uint32) string {
	s := "1." + strconv.Itoa(offset) + "." + strconv.FormatUint(uint64(qh), 36)
	return base64.RawURLEncoding.EncodeToString([]byte(s))
}

func decodeCursor(c string, qh uint32) (int, error) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, fmt.Errorf("%w: %q is not a cursor", ErrBadCursor, c)
	}
	parts := strings.Split(string(b), ".")
	if len(parts) != 3 || parts[0] != "1" {
		return 0, fmt.Errorf("%w: %q is not a cursor", ErrBadCursor, c)
	}
	off, err := strconv.Atoi(parts[1])
	if err != nil || off < 0 {
		return 0, fmt.Errorf("%w: %q is not a cursor", ErrBadCursor, c)
	}
	h, err := strconv.ParseUint(parts[2], 36, 32)
	if err != nil || uint32(h) != qh {
		return 0, fmt.Errorf("%w: the cursor belongs to another query", ErrBadCursor)
	}
	return off, nil
}

// Symbol is a node as query results show it: where it is, what it is, its
// signature and the first line(s) of its definition.
type Symbol struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	EndLine       uint32 `json:"end_line"`
	Language      string `json:"language,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	// Snippet is the start of the definition's source (at most
	// snippetLines lines and snippetBytes bytes), or its signature when the
	// source cannot be read.
	Snippet string `json:"snippet,omitempty"`
	// API marks a node created through the API (stored under
	// graph.APIPrefix): its text was written by a client, not extracted
	// from the source.
	API bool `json:"api,omitempty"`
}

// EdgeRef is one edge as query results show it: its kind, the site it was
// written at and how sure the resolution is.
type EdgeRef struct {
	Kind   string `json:"kind"`
	From   string `json:"from"`         // source node id
	To     string `json:"to,omitempty"` // destination node id; "" when unresolved
	Target string `json:"target,omitempty"`
	File   string `json:"file"`
	Line   uint32 `json:"line"`
	// Resolution is how the destination was found: syntax, exact,
	// inferred, ambiguous, external or unresolved.
	Resolution string `json:"resolution"`
	// Confidence is 1 for syntax, exact and external edges, 0.7 for
	// inferred ones, 1/candidates (at most 0.5) for ambiguous ones and 0
	// for unresolved ones.
	Confidence float64 `json:"confidence"`
	Candidates int     `json:"candidates,omitempty"`
}

// Confidence maps a resolution to the confidence EdgeRef reports.
func Confidence(r graph.Resolution, candidates uint16) float64 {
	switch r {
	case graph.ResSyntax, graph.ResExact, graph.ResExternal, graph.ResPrecise:
		return 1
	case graph.ResDynamic:
		return 0.5
	case graph.ResInferred:
		return 0.7
	case graph.ResAmbiguous:
		if candidates < 2 {
			return 0.5
		}
		return 1 / float64(candidates)
	}
	return 0
}

func edgeRef(e *graph.Edge) EdgeRef {
	r := EdgeRef{Kind: e.Kind.String(), From: e.Src.String(), Target: e.Target, File: e.File, Line: e.Line,
		Resolution: e.Res.String(), Confidence: Confidence(e.Res, e.Candidates), Candidates: int(e.Candidates)}
	if e.Dst != 0 {
		r.To = e.Dst.String()
	}
	return r
}

// symbol renders n, with a snippet read from the source when it can be.
func (e *Engine) symbol(n *graph.Node) Symbol {
	s := Symbol{ID: n.ID.String(), Kind: n.Kind.String(), Name: n.Name, QualifiedName: n.QualifiedName,
		File: n.File, Line: n.StartLine, EndLine: n.EndLine, Language: n.Language, Signature: n.Signature,
		API: strings.HasPrefix(n.File, graph.APIPrefix)}
	if n.Visibility != graph.VisUnknown {
		s.Visibility = n.Visibility.String()
	}
	if n.Kind != graph.KindFile {
		s.Snippet = e.snippet(n)
	}
	return s
}

// isExternal reports whether n stands for a library symbol outside the
// repository (stored under a graph.ExternalPrefix file) rather than for
// indexed source.
func isExternal(n *graph.Node) bool {
	return n.Kind == graph.KindExternal || n.File == "" || strings.HasPrefix(n.File, graph.ExternalPrefix)
}

// SymbolOf renders a node as results show it (with a snippet).
func (e *Engine) SymbolOf(n graph.Node) Symbol { return e.symbol(&n) }

// nodes reads the nodes with the given ids concurrently; a missing node
// (an edge into a node deleted since) yields a zero Node.
func (e *Engine) nodes(ctx context.Context, ids []graph.NodeID) ([]graph.Node, error) {
	out := make([]graph.Node, len(ids))
	err := e.chunks(ctx, len(ids), func(lo, hi int) error {
		return e.g.NodesByID(ids[lo:hi], out[lo:hi])
	})
	return out, err
}

// chunks splits 0..n-1 into contiguous ranges, one per worker (a single
// range when n is small), and calls fn on each concurrently: for batched
// reads, which pay for one iterator per range.
func (e *Engine) chunks(ctx context.Context, n int, fn func(lo, hi int) error) error {
	const minChunk = 64
	w := min(e.workers, (n+minChunk-1)/minChunk)
	if w <= 1 {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(0, n)
	}
	g, gctx := errgroup.WithContext(ctx)
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		g.Go(func() error {
			if err := gctx.Err(); err != nil {
				return err
			}
			return fn(lo, hi)
		})
	}
	return g.Wait()
}

// parallel calls fn(0..n-1) on up to e.workers goroutines (inline when n
// is small), stopping at the first error or when ctx is cancelled.
func (e *Engine) parallel(ctx context.Context, n int, fn func(i int) error) error {
	const inline = 16
	if n <= inline || e.workers <= 1 {
		for i := range n {
			if i%64 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if err := fn(i); err != nil {
				return err
			}
		}
		return nil
	}
	g, gctx := errgroup.WithContext(ctx)
	w := min(e.workers, (n+inline-1)/inline)
	chunk := (n + w - 1) / w
	for lo := 0; lo < n; lo += chunk {
		hi := min(lo+chunk, n)
		g.Go(func() error {
			for i := lo; i < hi; i++ {
				if (i-lo)%64 == 0 && gctx.Err() != nil {
					return gctx.Err()
				}
				if err := fn(i); err != nil {
					return err
				}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	return ctx.Err()
}

// clampDepth turns a requested depth into one in [1, MaxDepth].
func clampDepth(d int) int {
	if d < 1 {
		return 1
	}
	return min(d, MaxDepth)
}
