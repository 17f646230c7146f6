package graphql

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// NodeType is the schema's name of a graph.NodeKind: the kind's name in
// upper case (FUNCTION, TYPE_ALIAS).
type NodeType string

// nodeTypeOf names k.
func nodeTypeOf(k graph.NodeKind) NodeType { return NodeType(strings.ToUpper(k.String())) }

// Kind returns the graph kind t names.
func (t NodeType) Kind() (graph.NodeKind, bool) {
	return graph.ParseNodeKind(strings.ToLower(string(t)))
}

// MarshalGQL writes t as a GraphQL enum value.
func (t NodeType) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads an enum value, rejecting names that are no node kind.
func (t *NodeType) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("NodeType must be a string, not %T", v)
	}
	if _, ok := NodeType(s).Kind(); !ok || s != strings.ToUpper(s) {
		return fmt.Errorf("%q is not a valid NodeType", s)
	}
	*t = NodeType(s)
	return nil
}

// RelationshipType is the schema's name of a graph.EdgeKind (CALLS,
// IMPORTS...).
type RelationshipType string

// relTypeOf names k.
func relTypeOf(k graph.EdgeKind) RelationshipType {
	return RelationshipType(strings.ToUpper(k.String()))
}

// Kind returns the graph edge kind t names.
func (t RelationshipType) Kind() (graph.EdgeKind, bool) {
	return graph.ParseEdgeKind(strings.ToLower(string(t)))
}

// MarshalGQL writes t as a GraphQL enum value.
func (t RelationshipType) MarshalGQL(w io.Writer) { io.WriteString(w, strconv.Quote(string(t))) }

// UnmarshalGQL reads an enum value, rejecting names that are no edge kind.
func (t *RelationshipType) UnmarshalGQL(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("RelationshipType must be a string, not %T", v)
	}
	if _, ok := RelationshipType(s).Kind(); !ok || s != strings.ToUpper(s) {
		return fmt.Errorf("%q is not a valid RelationshipType", s)
	}
	*t = RelationshipType(s)
	return nil
}

// Node is a graph node of one repository. Its plain fields are methods; its
// lazy fields (relationships, parent, callers...) have resolvers that read
// through the response's loader.
type Node struct {
	n    graph.Node
	repo string
}

func newNode(repo string, n graph.Node) *Node { return &Node{n: n, repo: repo} }

// ID is the node id (16 hex digits).
func (n *Node) ID() string { return n.n.ID.String() }

// Repo is the repository the node belongs to.
func (n *Node) Repo() string { return n.repo }

// NodeType is the node's kind.
func (n *Node) NodeType() NodeType { return nodeTypeOf(n.n.Kind) }

// Kind is the node's kind as the CLI prints it.
func (n *Node) Kind() string { return n.n.Kind.String() }

// Name is the bare identifier.
func (n *Node) Name() string { return n.n.Name }

// QualifiedName is the name with its enclosing scopes.
func (n *Node) QualifiedName() string { return n.n.QualifiedName }

// FilePath is the repository-relative file.
func (n *Node) FilePath() string { return n.n.File }

// LineNumber is the 1-based first line.
func (n *Node) LineNumber() int { return int(n.n.StartLine) }

// EndLine is the 1-based last line.
func (n *Node) EndLine() int { return int(n.n.EndLine) }

// Language is the node's language, if known.
func (n *Node) Language() *string { return optString(n.n.Language) }

// Signature is the node's declaration line(s), if any.
func (n *Node) Signature() *string { return optString(n.n.Signature) }

// Doc is the node's doc comment, if any.
func (n *Node) Doc() *string { return optString(n.n.Doc) }

// Visibility is the node's visibility, if known.
func (n *Node) Visibility() *string {
	if n.n.Visibility == graph.VisUnknown {
		return nil
	}
	return optString(n.n.Visibility.String())
}

// CreatedByAPI reports whether the node lives in a synthetic API file.
func (n *Node) CreatedByAPI() bool { return strings.HasPrefix(n.n.File, graph.APIPrefix) }

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// Relationship is an edge of one repository's graph.
type Relationship struct {
	e    graph.Edge
	repo string
}

// ID names the edge: source, kind, target and line.
func (r *Relationship) ID() string {
	dst := r.e.Target
	if r.e.Dst != 0 {
		dst = r.e.Dst.String()
	}
	return fmt.Sprintf("%s:%s:%s:%d", r.e.Src, r.e.Kind, dst, r.e.Line)
}

// Type is the edge kind.
func (r *Relationship) Type() RelationshipType { return relTypeOf(r.e.Kind) }

// TargetName is the target as written.
func (r *Relationship) TargetName() string { return r.e.Target }

// FilePath is the file the edge was found in.
func (r *Relationship) FilePath() string { return r.e.File }

// Line is the 1-based line of the reference.
func (r *Relationship) Line() int { return int(r.e.Line) }

// Resolution says how the target was found.
func (r *Relationship) Resolution() string { return r.e.Res.String() }

// Confidence is how sure the resolution is (query.Confidence).
func (r *Relationship) Confidence() float64 { return query.Confidence(r.e.Res, r.e.Candidates) }

// Metadata holds the number of candidates of an ambiguous edge.
func (r *Relationship) Metadata() map[string]any {
	if r.e.Candidates == 0 {
		return nil
	}
	return map[string]any{"candidates": int(r.e.Candidates)}
}

// SearchHit is one search result; its node is read through the loader.
type SearchHit struct {
	Score   float64
	Snippet *string
	Column  *int
	Text    *string
	Signals []string
	id      graph.NodeID
	repo    string
}

// SimilarityMatch is a node similar to another and how similar.
type SimilarityMatch struct {
	Score float64
	id    graph.NodeID
	repo  string
}

// DependencyResult is one page of a dependencies or dependents traversal.
type DependencyResult struct {
	Total      int
	Truncated  bool
	NextCursor *string
	Items      []DependencyItem
	ids        []graph.NodeID // the items' symbol ids, in order
	repo       string
}

// DependencyItem is one dependency or dependent.
type DependencyItem struct {
	Depth             int
	Kind              string
	Name              string
	ParentKey         string
	Edges             int
	RelationshipTypes []RelationshipType
	Via               *Relationship
	id                graph.NodeID // 0 unless Kind is symbol
	repo              string
}

// CallItem is one caller or callee.
type CallItem struct {
	Depth    int
	Target   *string
	ParentID string
	Sites    int
	Via      *Relationship
	id       graph.NodeID // 0 for an unresolved callee
	repo     string
}

// ImpactItem is one affected node.
type ImpactItem struct {
	Depth      int
	Via        *Relationship
	Confidence float64
	Test       bool
	id         graph.NodeID
	repo       string
}
