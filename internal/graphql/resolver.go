package graphql

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// resolver is the ResolverRoot: every resolver type shares the server.
type resolver struct{ s *backend }

func (r *resolver) Query() QueryResolver                       { return (*queryResolver)(r) }
func (r *resolver) Mutation() MutationResolver                 { return (*mutationResolver)(r) }
func (r *resolver) Subscription() SubscriptionResolver         { return (*subscriptionResolver)(r) }
func (r *resolver) Node() NodeResolver                         { return (*nodeResolver)(r) }
func (r *resolver) Relationship() RelationshipResolver         { return (*relationshipResolver)(r) }
func (r *resolver) CallItem() CallItemResolver                 { return (*callItemResolver)(r) }
func (r *resolver) DependencyItem() DependencyItemResolver     { return (*depItemResolver)(r) }
func (r *resolver) DependencyResult() DependencyResultResolver { return (*depResultResolver)(r) }
func (r *resolver) ImpactItem() ImpactItemResolver             { return (*impactItemResolver)(r) }
func (r *resolver) SearchHit() SearchHitResolver               { return (*searchHitResolver)(r) }
func (r *resolver) SimilarityMatch() SimilarityMatchResolver   { return (*similarityResolver)(r) }

type queryResolver resolver

// parseID reads a node id argument.
func parseID(s string) (graph.NodeID, error) {
	id, err := graph.ParseNodeID(strings.TrimSpace(s))
	if err != nil {
		return 0, badInput("invalid node id %q: want 16 hex digits", s)
	}
	return id, nil
}

// first reads a list bound: def when absent, else 1..maxFirst.
func first(p *int, def int, name string) (int, error) {
	if p == nil {
		return def, nil
	}
	if *p < 1 || *p > maxFirst {
		return 0, badInput("%s must be between 1 and %d, not %d", name, maxFirst, *p)
	}
	return *p, nil
}

// depthArg reads a traversal depth: def when absent, else 1..query.MaxDepth.
func depthArg(p *int, def int) (int, error) {
	if p == nil {
		return def, nil
	}
	if *p < 1 || *p > query.MaxDepth {
		return 0, badInput("depth must be between 1 and %d, not %d", query.MaxDepth, *p)
	}
	return *p, nil
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (r *queryResolver) Node(ctx context.Context, id string, repo *string) (*Node, error) {
	nid, err := parseID(id)
	if err != nil {
		return nil, err
	}
	v, err := viewOf(ctx, repo)
	if err != nil {
		return nil, err
	}
	// One root lookup: a point read, without the loader's batching delay.
	n, err := v.snap.Node(nid)
	if service.Classify(err) == service.CodeNotFound {
		return nil, nil // a missing node is null
	}
	if err != nil {
		return nil, err
	}
	return newNode(v.repo.Name(), n), nil
}

var errStop = errors.New("stop")

func (r *queryResolver) Nodes(ctx context.Context, filter *NodeFilter, pagination *Pagination, repo *string) (*NodeConnection, error) {
	var f NodeFilter
	if filter != nil {
		f = *filter
	}
	var p Pagination
	if pagination != nil {
		p = *pagination
	}
	limit, err := first(p.First, defaultFirst, "first")
	if err != nil {
		return nil, err
	}
	var sf service.NodeFilter
	for _, t := range f.NodeTypes {
		k, ok := t.Kind()
		if !ok {
			return nil, badInput("unknown node type %q", t)
		}
		sf.Kinds = append(sf.Kinds, k)
	}
	sf.Kinds = sortedKinds(sf.Kinds)
	if f.Name != nil {
		sf.Name = service.EscapeGlob(*f.Name)
	}
	if f.QualifiedName != nil {
		sf.QualifiedName = *f.QualifiedName
	}
	if f.FilePath != nil {
		sf.Paths = append(sf.Paths, "/"+service.EscapeGlob(*f.FilePath))
	}
	if f.PathPrefix != nil {
		sf.Paths = append(sf.Paths, "/"+service.EscapeGlob(*f.PathPrefix)+"*")
	}
	if f.Language != nil {
		sf.Langs = []string{*f.Language}
	}
	v, err := viewOf(ctx, repo)
	if err != nil {
		return nil, err
	}
	req := service.ListRequest{Filter: sf, Limit: limit}
	if p.After != nil {
		req.Cursor = *p.After
	}
	list, err := v.snap.ListNodes(ctx, req)
	if err != nil {
		return nil, err
	}
	conn := &NodeConnection{PageInfo: &PageInfo{HasPreviousPage: req.Cursor != "", HasNextPage: list.NextCursor != ""}}
	conn.Edges = make([]NodeEdge, len(list.Nodes))
	for i := range list.Nodes {
		conn.Edges[i] = NodeEdge{Cursor: list.CursorAfter(i), Node: newNode(v.repo.Name(), list.Nodes[i])}
	}
	if len(list.Nodes) > 0 {
		conn.PageInfo.StartCursor = &conn.Edges[0].Cursor
		conn.PageInfo.EndCursor = &conn.Edges[len(list.Nodes)-1].Cursor
	}
	return conn, nil
}

func containsKind(ks []graph.NodeKind, k graph.NodeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// sortedKinds dedupes and sorts kinds, so a filter's order never changes
// the order of its pages.
func sortedKinds(ks []graph.NodeKind) []graph.NodeKind {
	var seen [256]bool
	var out []graph.NodeKind
	for _, k := range graph.NodeKinds() {
		if containsKind(ks, k) && !seen[k] {
			seen[k] = true
			out = append(out, k)
		}
	}
	return out
}

// errSemanticOff is returned for semantic requests on an index built
// without vectors.
var errSemanticOff = service.Errorf(service.CodeUnavailable, "semantic search is off for this index (it was built with --no-semantic; re-index with semantic search)")

// checkSemantic fails early, with an error the client can act on, when
// the repository's search indexes have no vectors.
func checkSemantic(v *view) error {
	st, err := search.ReadState(v.repo.DB())
	if err != nil {
		return err
	}
	if st.Embedder == "" {
		return errSemanticOff
	}
	return nil
}

func (r *queryResolver) Search(ctx context.Context, q string, options *SearchOptions, repo *string) (*SearchResult, error) {
	if strings.TrimSpace(q) == "" {
		return nil, badInput("query is empty")
	}
	var o SearchOptions
	if options != nil {
		o = *options
	}
	limit, err := first(o.Limit, 10, "limit")
	if err != nil {
		return nil, err
	}
	req := search.Request{Query: q, Mode: search.Hybrid, Langs: o.Languages, Paths: o.Paths, Limit: limit}
	if o.Mode != nil {
		req.Mode = search.Mode(strings.ToLower(string(*o.Mode)))
	}
	for _, t := range o.NodeTypes {
		k, ok := t.Kind()
		if !ok {
			return nil, badInput("unknown node type %q", t)
		}
		req.Kinds = append(req.Kinds, k.String())
	}
	if o.Threshold != nil {
		req.Threshold = *o.Threshold
	}
	if o.IgnoreCase != nil {
		req.IgnoreCase = *o.IgnoreCase
	}
	v, err := viewOf(ctx, repo)
	if err != nil {
		return nil, err
	}
	if req.Mode == search.Semantic {
		if err := checkSemantic(v); err != nil {
			return nil, err
		}
	}
	res, err := v.snap.Searcher().Search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := &SearchResult{Mode: SearchMode(strings.ToUpper(string(res.Mode))), Total: res.Total, Truncated: res.Truncated,
		Note: optString(res.Note), TookMs: float64(res.Took.Microseconds()) / 1000, Hits: make([]SearchHit, 0, len(res.Hits))}
	for _, h := range res.Hits {
		id, err := graph.ParseNodeID(h.ID)
		if err != nil {
			continue
		}
		hit := SearchHit{Score: h.Score, Snippet: optString(h.Snippet), Text: optString(h.Text), Signals: h.Signals, id: id, repo: v.repo.Name()}
		if hit.Signals == nil {
			hit.Signals = []string{}
		}
		if h.Column > 0 {
			c := h.Column
			hit.Column = &c
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// similarText is the text a node is compared by: what the embedding model
// sees of it (names, signature, the start of its doc).
func similarText(n *graph.Node) string {
	doc := n.Doc
	if len(doc) > 400 {
		doc = doc[:400]
	}
	return strings.TrimSpace(strings.Join([]string{n.QualifiedName, n.Signature, doc}, "\n"))
}

func (r *queryResolver) SimilarNodes(ctx context.Context, nodeID string, threshold *float64, limit *int, repo *string) ([]SimilarityMatch, error) {
	id, err := parseID(nodeID)
	if err != nil {
		return nil, err
	}
	k, err := first(limit, 10, "limit")
	if err != nil {
		return nil, err
	}
	v, err := viewOf(ctx, repo)
	if err != nil {
		return nil, err
	}
	n, ok, err := v.load.node(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("node %s: %w", id, query.ErrNotFound)
	}
	if err := checkSemantic(v); err != nil {
		return nil, err
	}
	req := search.Request{Query: similarText(&n), Mode: search.Semantic, Limit: k + 1}
	if threshold != nil {
		req.Threshold = *threshold
	}
	res, err := v.snap.Searcher().Search(ctx, req)
	if err != nil {
		return nil, err
	}
	out := []SimilarityMatch{}
	for _, h := range res.Hits {
		hid, err := graph.ParseNodeID(h.ID)
		if err != nil || hid == id {
			continue
		}
		if len(out) == k {
			break
		}
		out = append(out, SimilarityMatch{Score: h.Score, id: hid, repo: v.repo.Name()})
	}
	return out, nil
}

// scopeOf resolves a node id to the scope deps and impact take.
func scopeOf(ctx context.Context, v *view, id graph.NodeID) (query.Scope, error) {
	if _, ok, err := v.load.node(ctx, id); err != nil {
		return query.Scope{}, err
	} else if !ok {
		return query.Scope{}, fmt.Errorf("node %s: %w", id, query.ErrNotFound)
	}
	return v.snap.Graph.ResolveScope(ctx, id.String())
}

func (r *queryResolver) deps(ctx context.Context, nodeID string, depth, firstArg *int, after, repo *string, reverse bool) (*DependencyResult, error) {
	id, err := parseID(nodeID)
	if err != nil {
		return nil, err
	}
	d, err := depthArg(depth, 1)
	if err != nil {
		return nil, err
	}
	limit, err := first(firstArg, defaultFirst, "first")
	if err != nil {
		return nil, err
	}
	v, err := viewOf(ctx, repo)
	if err != nil {
		return nil, err
	}
	scope, err := scopeOf(ctx, v, id)
	if err != nil {
		return nil, err
	}
	res, err := v.snap.Graph.Deps(ctx, scope, query.DepsOptions{Depth: d, Reverse: reverse, Page: query.Page{Limit: limit, Cursor: str(after)}})
	if err != nil {
		return nil, err
	}
	repoName := v.repo.Name()
	out := &DependencyResult{Total: res.Total, Truncated: res.Truncated, NextCursor: optString(res.NextCursor),
		Items: make([]DependencyItem, 0, len(res.Items)), repo: repoName}
	for _, it := range res.Items {
		di := DependencyItem{Depth: it.Depth, Kind: it.Kind, Name: it.Name, ParentKey: it.Parent, Edges: it.Edges,
			Via: relFromRef(repoName, it.Via), repo: repoName, RelationshipTypes: []RelationshipType{}}
		for _, k := range it.EdgeKinds {
			di.RelationshipTypes = append(di.RelationshipTypes, RelationshipType(strings.ToUpper(k)))
		}
		if it.Symbol != nil {
			if sid, err := graph.ParseNodeID(it.Symbol.ID); err == nil {
				di.id = sid
				out.ids = append(out.ids, sid)
			}
		}
		out.Items = append(out.Items, di)
	}
	return out, nil
}

func (r *queryResolver) Dependencies(ctx context.Context, nodeID string, depth, first *int, after, repo *string) (*DependencyResult, error) {
	return r.deps(ctx, nodeID, depth, first, after, repo, false)
}

func (r *queryResolver) Dependents(ctx context.Context, nodeID string, depth, first *int, after, repo *string) (*DependencyResult, error) {
	return r.deps(ctx, nodeID, depth, first, after, repo, true)
}

func (r *queryResolver) Repos(ctx context.Context) ([]Repo, error) {
	var out []Repo
	for _, rp := range r.s.svc.ReposFor(ctx) {
		st := rp.State()
		out = append(out, Repo{Name: rp.Name(), Root: rp.Root(), Status: string(st.Status), Percent: st.Percent})
	}
	return out, nil
}

func (r *queryResolver) Job(ctx context.Context, id string) (*Job, error) {
	j, ok := r.s.svc.Jobs().Get(id)
	if !ok || !service.Visible(ctx, j.Repo) {
		return nil, nil
	}
	return jobOf(j), nil
}

func (r *queryResolver) Jobs(ctx context.Context, firstArg *int) ([]Job, error) {
	n, err := first(firstArg, defaultFirst, "first")
	if err != nil {
		return nil, err
	}
	var list []jobs.Job
	for _, j := range r.s.svc.Jobs().List() {
		if service.Visible(ctx, j.Repo) {
			list = append(list, j)
		}
	}
	out := make([]Job, 0, min(n, len(list)))
	for _, j := range list[:min(n, len(list))] {
		out = append(out, *jobOf(j))
	}
	return out, nil
}

// jobOf converts a job snapshot.
func jobOf(j jobs.Job) *Job {
	out := &Job{ID: j.ID, Kind: j.Kind, Repo: j.Repo, State: JobState(strings.ToUpper(string(j.State))),
		Progress: progressOf(j.Progress), Created: j.Created, Error: optString(j.Error)}
	if !j.Started.IsZero() {
		t := j.Started
		out.Started = &t
	}
	if !j.Ended.IsZero() {
		t := j.Ended
		out.Ended = &t
	}
	return out
}

func progressOf(p jobs.Progress) *Progress {
	out := &Progress{Phase: p.Phase, Done: p.Done, Total: p.Total, Percent: p.Percent, Message: optString(p.Message)}
	if p.Rate != 0 {
		r := p.Rate
		out.Rate = &r
	}
	if p.ETA != 0 {
		e := p.ETA
		out.EtaSeconds = &e
	}
	return out
}

// relFromRef rebuilds the edge a query result shows as an EdgeRef.
func relFromRef(repo string, ref query.EdgeRef) *Relationship {
	e := graph.Edge{Target: ref.Target, File: ref.File, Line: ref.Line, Candidates: uint16(ref.Candidates)}
	e.Kind, _ = graph.ParseEdgeKind(ref.Kind)
	e.Src, _ = graph.ParseNodeID(ref.From)
	if ref.To != "" {
		e.Dst, _ = graph.ParseNodeID(ref.To)
	}
	e.Res, _ = graph.ParseResolution(ref.Resolution)
	return &Relationship{e: e, repo: repo}
}
