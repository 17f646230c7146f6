package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// SearchOptions narrow a search. The zero value is a hybrid search for 10
// hits.
type SearchOptions struct {
	// Mode is hybrid (default), lexical, semantic, exact or regex.
	Mode string
	// IgnoreCase makes exact and regex searches case-insensitive.
	IgnoreCase bool
	// Langs and Kinds keep hits of these languages and node kinds.
	Langs, Kinds []string
	// Paths are gitignore-style globs; "!GLOB" excludes.
	Paths []string
	// Limit is the number of hits (1-1000; server default 10).
	Limit int
	// Threshold drops hits scoring below it.
	Threshold float64
}

func (o *SearchOptions) values(v values) values {
	if o == nil {
		return v
	}
	return v.str("mode", o.Mode).bool("ignore_case", o.IgnoreCase).list("lang", o.Langs).list("kind", o.Kinds).
		each("path", o.Paths).int("limit", o.Limit).float("threshold", o.Threshold)
}

// Search searches the repository's symbols (GET /search). opts may be nil.
func (c *Client) Search(ctx context.Context, query string, opts *SearchOptions) (*SearchResult, error) {
	if err := need("query", query); err != nil {
		return nil, err
	}
	var out SearchResult
	err := c.do(ctx, request{method: "GET", path: "/search", query: url.Values(opts.values(values{}).str("q", query))}, &out)
	return result(&out, err)
}

// VectorQuery is a search by embedding vector.
type VectorQuery struct {
	Vector    []float32 `json:"vector"`
	Limit     int       `json:"limit,omitempty"`
	Langs     []string  `json:"lang,omitempty"`
	Kinds     []string  `json:"kind,omitempty"`
	Paths     []string  `json:"path,omitempty"`
	Threshold float64   `json:"threshold,omitempty"`
}

// VectorSearch finds the symbols nearest to an embedding vector (POST
// /vector/search); the vector's dimension must be the index's.
func (c *Client) VectorSearch(ctx context.Context, q VectorQuery) (*SearchResult, error) {
	var out SearchResult
	err := c.do(ctx, request{method: "POST", path: "/vector/search", body: q}, &out)
	return result(&out, err)
}

// Similar finds the symbols most similar to node id (GET
// /nodes/{id}/similar); Mode and IgnoreCase of opts are ignored.
func (c *Client) Similar(ctx context.Context, id string, opts *SearchOptions) (*SearchResult, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var o SearchOptions
	if opts != nil {
		o = *opts
		o.Mode, o.IgnoreCase = "", false
	}
	var out SearchResult
	err := c.do(ctx, request{method: "GET", path: "/nodes/" + seg(id) + "/similar", query: url.Values(o.values(values{}))}, &out)
	return result(&out, err)
}

// GraphOptions page through a graph query.
type GraphOptions struct {
	// Depth is how many edges away to go (server default 1; impact 5).
	Depth int
	// Kinds are edge kinds to follow (dependencies and dependents).
	Kinds []string
	// Limit is the page size; Cursor is the previous page's NextCursor.
	Limit  int
	Cursor string
}

func (o *GraphOptions) values(symbol string) url.Values {
	v := values{}.str("symbol", symbol)
	if o != nil {
		v.int("depth", o.Depth).list("kind", o.Kinds).int("limit", o.Limit).str("cursor", o.Cursor)
	}
	return url.Values(v)
}

// Callers returns the functions that call symbol, up to depth calls away
// (GET /graph/callers). symbol is a node id, qualified name, FILE:LINE,
// FILE:NAME or bare name; an ambiguous one fails with ErrAmbiguous and
// the candidates (see APIError.Candidates).
func (c *Client) Callers(ctx context.Context, symbol string, depth int) (*CallsResult, error) {
	return c.CallersPage(ctx, symbol, &GraphOptions{Depth: depth})
}

// Callees returns the functions symbol calls, up to depth calls away (GET
// /graph/callees).
func (c *Client) Callees(ctx context.Context, symbol string, depth int) (*CallsResult, error) {
	return c.CalleesPage(ctx, symbol, &GraphOptions{Depth: depth})
}

// CallersPage is Callers with a page size and cursor.
func (c *Client) CallersPage(ctx context.Context, symbol string, opts *GraphOptions) (*CallsResult, error) {
	return c.calls(ctx, "/graph/callers", symbol, opts)
}

// CalleesPage is Callees with a page size and cursor.
func (c *Client) CalleesPage(ctx context.Context, symbol string, opts *GraphOptions) (*CallsResult, error) {
	return c.calls(ctx, "/graph/callees", symbol, opts)
}

func (c *Client) calls(ctx context.Context, path, symbol string, opts *GraphOptions) (*CallsResult, error) {
	if err := need("symbol", symbol); err != nil {
		return nil, err
	}
	var out CallsResult
	err := c.do(ctx, request{method: "GET", path: path, query: opts.values(symbol)}, &out)
	return result(&out, err)
}

// Def resolves symbol (node id, qualified name, FILE:LINE, FILE:NAME or
// bare name) to its definition, the way every graph query does; an
// ambiguous name fails with ErrAmbiguous and the candidates, an unknown
// one with ErrNotFound and suggestions.
func (c *Client) Def(ctx context.Context, symbol string) (*Symbol, error) {
	res, err := c.CallersPage(ctx, symbol, &GraphOptions{Depth: 1, Limit: 1})
	if err != nil {
		return nil, err
	}
	return &res.Root, nil
}

// refKinds are the edge kinds that refer to a definition (not the
// structural contains and defines).
var refKinds = []string{"calls", "references", "inherits", "implements", "imports"}

// Refs returns the edges that refer to symbol (calls, references,
// inherits, implements, imports into it), one page at a time: opts.Kinds
// narrows the kinds, opts.Limit and opts.Cursor page.
func (c *Client) Refs(ctx context.Context, symbol string, opts *GraphOptions) (*EdgePage, error) {
	def, err := c.Def(ctx, symbol)
	if err != nil {
		return nil, err
	}
	eo := &EdgeOptions{Direction: "in", Kinds: refKinds}
	if opts != nil {
		if len(opts.Kinds) > 0 {
			eo.Kinds = opts.Kinds
		}
		eo.Limit, eo.Cursor = opts.Limit, opts.Cursor
	}
	return c.Edges(ctx, def.ID, eo)
}

// Dependencies returns what symbol depends on (GET /graph/dependencies).
func (c *Client) Dependencies(ctx context.Context, symbol string, opts *GraphOptions) (*DepsResult, error) {
	return c.deps(ctx, "/graph/dependencies", symbol, opts)
}

// Dependents returns what depends on symbol (GET /graph/dependents).
func (c *Client) Dependents(ctx context.Context, symbol string, opts *GraphOptions) (*DepsResult, error) {
	return c.deps(ctx, "/graph/dependents", symbol, opts)
}

func (c *Client) deps(ctx context.Context, path, symbol string, opts *GraphOptions) (*DepsResult, error) {
	if err := need("symbol", symbol); err != nil {
		return nil, err
	}
	var out DepsResult
	err := c.do(ctx, request{method: "GET", path: path, query: opts.values(symbol)}, &out)
	return result(&out, err)
}

// Impact returns what a change to symbol may affect (GET /graph/impact):
// the symbols, files, packages and tests reached through its callers and
// references. Kinds of opts is ignored.
func (c *Client) Impact(ctx context.Context, symbol string, opts *GraphOptions) (*ImpactResult, error) {
	if err := need("symbol", symbol); err != nil {
		return nil, err
	}
	q := opts.values(symbol)
	q.Del("kind")
	var out ImpactResult
	err := c.do(ctx, request{method: "GET", path: "/graph/impact", query: q}, &out)
	return result(&out, err)
}

// PathOptions narrow a path query.
type PathOptions struct {
	// MaxDepth is the longest path looked for (1-64; server default 12).
	MaxDepth int
	// Kinds are the edge kinds to follow (default: calls).
	Kinds []string
}

// Path finds a shortest path from one symbol to another (GET /graph/path).
func (c *Client) Path(ctx context.Context, from, to string, opts *PathOptions) (*PathResult, error) {
	if err := need("from", from); err != nil {
		return nil, err
	}
	if err := need("to", to); err != nil {
		return nil, err
	}
	v := values{}.str("from", from).str("to", to)
	if opts != nil {
		v.int("max_depth", opts.MaxDepth).list("kind", opts.Kinds)
	}
	var out PathResult
	err := c.do(ctx, request{method: "GET", path: "/graph/path", query: url.Values(v)}, &out)
	return result(&out, err)
}

// ExportOptions select what Export writes.
type ExportOptions struct {
	// Format is mermaid (default), dot, svg, graphml, json or ndjson.
	Format string
	// Root exports the neighbourhood of this symbol, Depth edges away
	// (default 2) in Direction (callees (default), callers or both).
	Root      string
	Depth     int
	Direction string
	// Kinds are the edge kinds to keep.
	Kinds []string
	// Path keeps nodes whose file matches the glob; Package those of a
	// package directory.
	Path, Package string
	// MaxNodes refuses larger selections (0: the format's limit).
	MaxNodes int
}

// Export writes the graph, or a symbol's neighbourhood, in a text format
// (GET /export) and returns it.
func (c *Client) Export(ctx context.Context, opts ExportOptions) ([]byte, error) {
	v := values{}.str("format", opts.Format).str("root", opts.Root).int("depth", opts.Depth).str("direction", opts.Direction).
		list("kind", opts.Kinds).str("path", opts.Path).str("package", opts.Package).int("max_nodes", opts.MaxNodes)
	return c.raw(ctx, request{method: "GET", path: "/export", query: url.Values(v), accept: "*/*"})
}

// NodeFilter selects nodes to list.
type NodeFilter struct {
	Kinds, Langs []string
	// Files are globs of the nodes' files.
	Files []string
	// Name keeps nodes of this name.
	Name string
	// Limit is the page size; Cursor is the previous page's NextCursor.
	Limit  int
	Cursor string
}

// Nodes lists nodes, one page at a time in id order (GET /nodes).
func (c *Client) Nodes(ctx context.Context, f NodeFilter) (*NodePage, error) {
	v := values{}.list("kind", f.Kinds).list("lang", f.Langs).each("file", f.Files).str("name", f.Name).
		int("limit", f.Limit).str("cursor", f.Cursor)
	var out NodePage
	err := c.do(ctx, request{method: "GET", path: "/nodes", query: url.Values(v)}, &out)
	return result(&out, err)
}

// Node returns the node with this id (GET /nodes/{id}).
func (c *Client) Node(ctx context.Context, id string) (*Node, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var out Node
	err := c.do(ctx, request{method: "GET", path: "/nodes/" + seg(id)}, &out)
	return result(&out, err)
}

// EdgeOptions select a node's edges.
type EdgeOptions struct {
	// Direction is in, out or both (default).
	Direction string
	Kinds     []string
	Limit     int
	Cursor    string
}

// Edges lists a node's edges (GET /nodes/{id}/edges). opts may be nil.
func (c *Client) Edges(ctx context.Context, id string, opts *EdgeOptions) (*EdgePage, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	v := values{}
	if opts != nil {
		v.str("direction", opts.Direction).list("kind", opts.Kinds).int("limit", opts.Limit).str("cursor", opts.Cursor)
	}
	var out EdgePage
	err := c.do(ctx, request{method: "GET", path: "/nodes/" + seg(id) + "/edges", query: url.Values(v)}, &out)
	return result(&out, err)
}

// CreateNode adds a node through the API (POST /nodes; a read-write key).
func (c *Client) CreateNode(ctx context.Context, n NodeInput) (*Node, error) {
	var out Node
	err := c.do(ctx, request{method: "POST", path: "/nodes", body: n}, &out)
	return result(&out, err)
}

// ReplaceNode replaces an API node's fields (PUT /nodes/{id}).
func (c *Client) ReplaceNode(ctx context.Context, id string, n NodeReplace) (*Node, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var out Node
	err := c.do(ctx, request{method: "PUT", path: "/nodes/" + seg(id), body: n}, &out)
	return result(&out, err)
}

// PatchNode changes some of an API node's fields (PATCH /nodes/{id}).
func (c *Client) PatchNode(ctx context.Context, id string, p NodePatch) (*Node, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var out Node
	err := c.do(ctx, request{method: "PATCH", path: "/nodes/" + seg(id), body: p}, &out)
	return result(&out, err)
}

// DeleteNode deletes an API node (DELETE /nodes/{id}); nodes derived from
// source fail with ErrConflict.
func (c *Client) DeleteNode(ctx context.Context, id string) error {
	if err := need("id", id); err != nil {
		return err
	}
	return c.do(ctx, request{method: "DELETE", path: "/nodes/" + seg(id)}, nil)
}

// Parse extracts the nodes and edges of a repository file or a snippet
// without storing them (POST /parse).
func (c *Client) Parse(ctx context.Context, r ParseRequest) (*ParseResult, error) {
	var out ParseResult
	err := c.do(ctx, request{method: "POST", path: "/parse", body: r}, &out)
	return result(&out, err)
}

// Index starts an index job for the repository (POST /index; a read-write
// key); force rebuilds from scratch. Follow it with Job or WaitJob.
func (c *Client) Index(ctx context.Context, force bool) (*Job, error) {
	var out Job
	err := c.do(ctx, request{method: "POST", path: "/index", query: url.Values(values{}.bool("force", force))}, &out)
	return result(&out, err)
}

// JobFilter selects jobs to list.
type JobFilter struct {
	// State is queued, running, succeeded, failed or cancelled.
	State  string
	Limit  int
	Cursor string
}

// Jobs lists jobs, newest first (GET /jobs).
func (c *Client) Jobs(ctx context.Context, f JobFilter) (*JobPage, error) {
	var out JobPage
	v := values{}.str("state", f.State).int("limit", f.Limit).str("cursor", f.Cursor)
	err := c.do(ctx, request{method: "GET", path: "/jobs", query: url.Values(v)}, &out)
	return result(&out, err)
}

// Job returns a job (GET /jobs/{id}).
func (c *Client) Job(ctx context.Context, id string) (*Job, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var out Job
	err := c.do(ctx, request{method: "GET", path: "/jobs/" + seg(id), noRepo: true}, &out)
	return result(&out, err)
}

// CancelJob asks a job to stop (DELETE /jobs/{id}); an ended job fails
// with ErrConflict.
func (c *Client) CancelJob(ctx context.Context, id string) (*Job, error) {
	if err := need("id", id); err != nil {
		return nil, err
	}
	var out Job
	err := c.do(ctx, request{method: "DELETE", path: "/jobs/" + seg(id), noRepo: true}, &out)
	return result(&out, err)
}

// WaitJob follows a job's events until it ends and returns it as it ended;
// progress, when non-nil, is called with each update.
func (c *Client) WaitJob(ctx context.Context, id string, progress func(*Job)) (*Job, error) {
	var last *Job
	err := c.JobEvents(ctx, id, func(ev JobEvent) error {
		last = &ev.Job
		if progress != nil {
			progress(last)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if last != nil && last.Done() {
		return last, nil
	}
	// The stream ended without the last event (the job had already
	// ended, or the server is shutting down): ask.
	j, err := c.Job(ctx, id)
	if err != nil {
		return nil, err
	}
	if !j.Done() {
		return j, fmt.Errorf("codegraph client: job %s: event stream ended while %s", id, j.State)
	}
	return j, nil
}

// Live checks that the server answers (GET /health/live).
func (c *Client) Live(ctx context.Context) error {
	return c.do(ctx, request{method: "GET", path: "/health/live", noRepo: true}, nil)
}

// Ready returns the repositories' readiness (GET /health/ready). When one
// is not ready it returns the readiness and an *APIError matching
// ErrUnavailable.
func (c *Client) Ready(ctx context.Context) (*Readiness, error) {
	var out Readiness
	err := c.do(ctx, request{method: "GET", path: "/health/ready", noRepo: true}, &out)
	var ae *APIError
	if errors.As(err, &ae) && ae.StatusCode == 503 {
		var rd Readiness
		if json.Unmarshal(ae.body, &rd) == nil && rd.Status != "" {
			ae.Code, ae.Message = "unavailable", "not ready: "+rd.notReady()
			return &rd, ae
		}
	}
	return result(&out, err)
}

// WaitReady polls Ready every interval (default 500 ms) until every
// repository is ready or ctx ends.
func (c *Client) WaitReady(ctx context.Context, interval time.Duration) (*Readiness, error) {
	if interval <= 0 {
		interval = 500 * time.Millisecond
	}
	for {
		rd, err := c.Ready(ctx)
		if err == nil {
			return rd, nil
		}
		select {
		case <-ctx.Done():
			return rd, fmt.Errorf("codegraph client: not ready: %w (last: %v)", ctx.Err(), err)
		case <-time.After(interval):
		}
	}
}

// Metrics returns the Prometheus metrics in the text exposition format
// (GET /metrics).
func (c *Client) Metrics(ctx context.Context) (string, error) {
	b, err := c.raw(ctx, request{method: "GET", path: "/metrics", accept: "text/plain", noRepo: true})
	return string(b), err
}

// OpenAPI returns the server's OpenAPI document (GET /openapi.json).
func (c *Client) OpenAPI(ctx context.Context) (json.RawMessage, error) {
	b, err := c.raw(ctx, request{method: "GET", path: "/openapi.json", noRepo: true})
	return json.RawMessage(b), err
}

// result returns (nil, err) on error, else (out, nil).
func result[T any](out *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}
