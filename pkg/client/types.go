package client

import (
	"encoding/json"
	"time"
)

// Node is a node of the code graph: a file, package, function, method,
// class, ... (GET /nodes/{id}).
type Node struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	Language      string `json:"language,omitempty"`
	File          string `json:"file"`
	Line          int    `json:"line"`
	EndLine       int    `json:"end_line"`
	StartByte     int    `json:"start_byte,omitempty"`
	EndByte       int    `json:"end_byte,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Doc           string `json:"doc,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	// Parent is the id of the enclosing node.
	Parent string `json:"parent,omitempty"`
	// API is true for nodes created through the API.
	API bool `json:"api,omitempty"`
}

// Edge is a directed fact between two nodes (calls, imports, references,
// inherits, implements, contains, defines, ...).
type Edge struct {
	Kind string `json:"kind"`
	From string `json:"from"`
	// To is the destination's id; empty when the edge is unresolved.
	To string `json:"to,omitempty"`
	// Target is the target as written in the source.
	Target string `json:"target,omitempty"`
	File   string `json:"file"`
	Line   int    `json:"line"`
	// Resolution is syntax, exact, inferred, ambiguous, external or unresolved.
	Resolution string  `json:"resolution"`
	Confidence float64 `json:"confidence"`
	// Candidates counts the possible targets of an ambiguous edge.
	Candidates int `json:"candidates,omitempty"`
}

// Symbol is a definition as graph queries and search return it.
type Symbol struct {
	// ID is the node id (16 hex digits).
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          int    `json:"line"`
	EndLine       int    `json:"end_line"`
	Language      string `json:"language,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	Snippet       string `json:"snippet,omitempty"`
}

// Hit is one search result: a symbol and its score.
type Hit struct {
	Symbol
	Score float64 `json:"score"`
	// Column and Text locate an exact or regex match.
	Column int    `json:"column,omitempty"`
	Text   string `json:"text,omitempty"`
	// Signals names the rankers that found the hit (lexical, semantic, ...).
	Signals []string `json:"signals,omitempty"`
}

// SearchResult is the answer of a search.
type SearchResult struct {
	Mode      string  `json:"mode"`
	Hits      []Hit   `json:"hits"`
	Total     int     `json:"total"`
	Truncated bool    `json:"truncated,omitempty"`
	Note      string  `json:"note,omitempty"`
	TookMS    float64 `json:"took_ms,omitempty"`
}

// CallsResult is the answer of Callers and Callees: the resolved root and
// the symbols reached, breadth first.
type CallsResult struct {
	Root       Symbol     `json:"root"`
	Direction  string     `json:"direction"`
	Depth      int        `json:"depth"`
	Total      int        `json:"total"`
	Items      []CallItem `json:"items"`
	NextCursor string     `json:"next_cursor,omitempty"`
	Truncated  bool       `json:"truncated,omitempty"`
}

// CallItem is one caller or callee.
type CallItem struct {
	Depth int `json:"depth"`
	// Parent is the id of the symbol it was reached from.
	Parent string  `json:"parent,omitempty"`
	Symbol *Symbol `json:"symbol,omitempty"`
	// Target is the call as written, for calls that resolve to no symbol.
	Target string `json:"target,omitempty"`
	Via    *Edge  `json:"via,omitempty"`
	// Sites counts the call sites between the two.
	Sites int `json:"sites,omitempty"`
}

// Scope is what a dependency or impact query was asked about: a symbol,
// a file or a package (directory).
type Scope struct {
	// Kind is symbol, file or package.
	Kind   string  `json:"kind"`
	Name   string  `json:"name,omitempty"`
	Symbol *Symbol `json:"symbol,omitempty"`
}

// DepsResult is the answer of Dependencies and Dependents.
type DepsResult struct {
	Scope      Scope     `json:"scope"`
	Reverse    bool      `json:"reverse"`
	Depth      int       `json:"depth"`
	Total      int       `json:"total"`
	Items      []DepItem `json:"items"`
	NextCursor string    `json:"next_cursor,omitempty"`
	Truncated  bool      `json:"truncated,omitempty"`
	Unresolved int       `json:"unresolved,omitempty"`
}

// DepItem is one dependency (or dependent).
type DepItem struct {
	Depth     int      `json:"depth"`
	Kind      string   `json:"kind"`
	Name      string   `json:"name"`
	Key       string   `json:"key,omitempty"`
	Parent    string   `json:"parent,omitempty"`
	Symbol    *Symbol  `json:"symbol,omitempty"`
	Edges     int      `json:"edges,omitempty"`
	EdgeKinds []string `json:"edge_kinds,omitempty"`
	Via       *Edge    `json:"via,omitempty"`
}

// PathResult is the answer of Path: the shortest path between two symbols.
type PathResult struct {
	From      Symbol     `json:"from"`
	To        Symbol     `json:"to"`
	Found     bool       `json:"found"`
	Length    int        `json:"length,omitempty"`
	Steps     []PathStep `json:"steps,omitempty"`
	Explored  int        `json:"explored,omitempty"`
	Truncated bool       `json:"truncated,omitempty"`
	MaxDepth  int        `json:"max_depth,omitempty"`
}

// PathStep is one symbol of a path and the edge that led to it (nil for
// the first).
type PathStep struct {
	Symbol Symbol `json:"symbol"`
	Via    *Edge  `json:"via,omitempty"`
}

// ImpactResult is the answer of Impact: what a change to a symbol may
// affect, with the files, packages and tests involved.
type ImpactResult struct {
	Scope         Scope           `json:"scope"`
	Depth         int             `json:"depth"`
	Complete      bool            `json:"complete"`
	Truncated     bool            `json:"truncated,omitempty"`
	Total         int             `json:"total"`
	Items         []ImpactItem    `json:"items"`
	NextCursor    string          `json:"next_cursor,omitempty"`
	Files         []ImpactFile    `json:"files,omitempty"`
	FilesTotal    int             `json:"files_total,omitempty"`
	Packages      []ImpactPackage `json:"packages,omitempty"`
	PackagesTotal int             `json:"packages_total,omitempty"`
	Tests         []string        `json:"tests,omitempty"`
	TestsTotal    int             `json:"tests_total,omitempty"`
	// Unresolved and Ambiguous count the calls into the set the analysis
	// could not resolve exactly; Escapes the sites where a function of the
	// set is used as a value; Dispatch the interface methods its methods
	// implement.
	Unresolved Uncertainty `json:"unresolved"`
	Ambiguous  Uncertainty `json:"ambiguous"`
	Escapes    Uncertainty `json:"escapes"`
	Dispatch   Uncertainty `json:"dispatch"`
}

// Uncertainty counts the sites an impact analysis could not follow
// exactly and lists the first of them.
type Uncertainty struct {
	Count int    `json:"count"`
	Sites []Site `json:"sites,omitempty"`
}

// Site is one call site.
type Site struct {
	File string `json:"file"`
	Line int    `json:"line"`
	// Target is the callee as written; From the calling symbol's id.
	Target string `json:"target"`
	From   string `json:"from"`
	Name   string `json:"name,omitempty"`
}

// ImpactItem is one affected symbol.
type ImpactItem struct {
	Depth  int     `json:"depth"`
	Symbol *Symbol `json:"symbol,omitempty"`
	Via    *Edge   `json:"via,omitempty"`
	// Confidence is the lowest edge confidence on the way from the scope.
	Confidence float64 `json:"confidence,omitempty"`
	// Test is set for symbols of test files.
	Test bool `json:"test,omitempty"`
	// Dynamic is set when the way passes through an interface method.
	Dynamic bool `json:"dynamic,omitempty"`
}

// ImpactFile is a file with affected symbols.
type ImpactFile struct {
	File    string `json:"file"`
	Package string `json:"package,omitempty"`
	Symbols int    `json:"symbols"`
	Test    bool   `json:"test,omitempty"`
}

// ImpactPackage is a package with affected symbols.
type ImpactPackage struct {
	Package   string `json:"package"`
	Files     int    `json:"files"`
	Symbols   int    `json:"symbols"`
	TestFiles int    `json:"test_files,omitempty"`
}

// NodePage is one page of GET /nodes.
type NodePage struct {
	Nodes      []Node `json:"nodes"`
	Count      int    `json:"count"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// EdgePage is one page of a node's edges.
type EdgePage struct {
	Node       string `json:"node"`
	Direction  string `json:"direction"`
	Edges      []Edge `json:"edges"`
	Count      int    `json:"count"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// NodeInput is a node to create through the API.
type NodeInput struct {
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name,omitempty"`
	// File is repository-relative; the server's default is "nodes".
	File      string `json:"file,omitempty"`
	Language  string `json:"language,omitempty"`
	Line      int    `json:"line,omitempty"`
	EndLine   int    `json:"end_line,omitempty"`
	Signature string `json:"signature,omitempty"`
	Doc       string `json:"doc,omitempty"`
}

// NodeReplace replaces an API node's fields (PUT); Name is required.
type NodeReplace struct {
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name,omitempty"`
	Language      string `json:"language,omitempty"`
	Line          int    `json:"line,omitempty"`
	EndLine       int    `json:"end_line,omitempty"`
	Signature     string `json:"signature,omitempty"`
	Doc           string `json:"doc,omitempty"`
}

// NodePatch changes the non-nil fields of an API node (PATCH).
type NodePatch struct {
	Name          *string `json:"name,omitempty"`
	QualifiedName *string `json:"qualified_name,omitempty"`
	Language      *string `json:"language,omitempty"`
	Line          *int    `json:"line,omitempty"`
	EndLine       *int    `json:"end_line,omitempty"`
	Signature     *string `json:"signature,omitempty"`
	Doc           *string `json:"doc,omitempty"`
}

// ParseRequest asks the server to parse a repository file (Path) or a
// snippet (Content, with Language or a Path to detect it from).
type ParseRequest struct {
	Path     string `json:"path,omitempty"`
	Content  string `json:"content,omitempty"`
	Language string `json:"language,omitempty"`
}

// ParseResult is the facts extracted from one file.
type ParseResult struct {
	File         string `json:"file"`
	Language     string `json:"language"`
	Nodes        []Node `json:"nodes"`
	Edges        []Edge `json:"edges"`
	SyntaxErrors int    `json:"syntax_errors"`
	FirstError   string `json:"first_error,omitempty"`
}

// Job is a background job (an index run).
type Job struct {
	ID   string `json:"id"`
	Kind string `json:"kind"`
	Repo string `json:"repo,omitempty"`
	// State is queued, running, succeeded, failed or cancelled.
	State    string      `json:"state"`
	Progress JobProgress `json:"progress"`
	Created  time.Time   `json:"created"`
	Started  *time.Time  `json:"started,omitempty"`
	Ended    *time.Time  `json:"ended,omitempty"`
	Error    string      `json:"error,omitempty"`
	// Result is the job's result (for an index job, its statistics).
	Result json.RawMessage `json:"result,omitempty"`
}

// Done reports whether the job has ended (succeeded, failed or cancelled).
func (j *Job) Done() bool {
	return j.State == "succeeded" || j.State == "failed" || j.State == "cancelled"
}

// JobProgress is a job's progress.
type JobProgress struct {
	Phase      string  `json:"phase,omitempty"`
	Done       int     `json:"done"`
	Total      int     `json:"total"`
	Percent    int     `json:"percent"`
	Rate       float64 `json:"rate,omitempty"`
	ETASeconds float64 `json:"eta_seconds,omitempty"`
	Message    string  `json:"message,omitempty"`
}

// JobPage is one page of GET /jobs.
type JobPage struct {
	Jobs       []Job  `json:"jobs"`
	Total      int    `json:"total"`
	NextCursor string `json:"next_cursor,omitempty"`
}

// Readiness is the answer of GET /health/ready.
type Readiness struct {
	// Status is "ready" or "not_ready".
	Status string       `json:"status"`
	Repos  []RepoHealth `json:"repos"`
}

// notReady names the repositories that are not ready and why.
func (r *Readiness) notReady() string {
	var s string
	for _, h := range r.Repos {
		if h.Ready {
			continue
		}
		if s != "" {
			s += "; "
		}
		s += h.Name + " (" + h.Status
		if h.Error != "" {
			s += ": " + h.Error
		}
		s += ")"
	}
	return s
}

// RepoHealth is one repository's readiness.
type RepoHealth struct {
	Name       string `json:"name"`
	Ready      bool   `json:"ready"`
	IndexState string `json:"index_state"`
	Status     string `json:"status"`
	Percent    int    `json:"percent,omitempty"`
	// Search is "ready" or why the search indexes are missing or damaged.
	Search string `json:"search"`
	Error  string `json:"error,omitempty"`
}
