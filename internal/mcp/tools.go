package mcp

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// args are the arguments of every tool; each tool accepts the subset its
// toolDef.params names (others are refused).
type args struct {
	Repo        string  `json:"repo,omitempty"`
	Symbol      string  `json:"symbol,omitempty"`
	From        string  `json:"from,omitempty"`
	To          string  `json:"to,omitempty"`
	Path        string  `json:"path,omitempty"`
	Depth       int     `json:"depth,omitempty"`
	StartLine   int     `json:"start_line,omitempty"`
	EndLine     int     `json:"end_line,omitempty"`
	IncludeBody bool    `json:"include_body,omitempty"`
	Kinds       strList `json:"kinds,omitempty"`
	Force       bool    `json:"force,omitempty"`
	Query       string  `json:"query,omitempty"`
	Mode        string  `json:"mode,omitempty"`
	Lang        strList `json:"lang,omitempty"`
	Kind        strList `json:"kind,omitempty"`
	PathGlob    string  `json:"path_glob,omitempty"`
	Limit       int     `json:"limit,omitempty"`
	Cursor      string  `json:"cursor,omitempty"`
	MaxTokens   int     `json:"max_tokens,omitempty"`
	Direction   string  `json:"direction,omitempty"`
}

// strList is a list argument: a JSON array of strings or one
// comma-separated string, whichever the agent sends (kinds, kind and lang
// take both). Items are trimmed and lower-cased.
type strList []string

// UnmarshalJSON reads an array of strings or a comma-separated string.
func (l *strList) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*l = splitArg(one)
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return fmt.Errorf("want a list of strings or one comma-separated string, got %s", b)
	}
	*l = splitArg(strings.Join(many, ","))
	return nil
}

// argAliases are the old names of arguments, accepted as the one name
// every tool now uses for the same thing: target is the symbol (or file,
// or directory) of get_dependencies, get_dependents and impact_analysis.
var argAliases = map[string]string{"target": "symbol"}

// param is one argument as the input schemas describe it.
type param struct {
	schema map[string]any
	// check validates the value (nil: no check beyond its JSON type).
	check func(a *args) error
}

// params is the shared table of arguments. Descriptions are written for
// a model: what to pass and what it changes.
func (s *Server) params() map[string]param {
	intRange := func(name string, get func(*args) int, lo, hi int) func(*args) error {
		return func(a *args) error {
			if v := get(a); v != 0 && (v < lo || v > hi) {
				return fmt.Errorf("%s must be between %d and %d (got %d)", name, lo, hi, v)
			}
			return nil
		}
	}
	p := map[string]param{
		"symbol": {schema: str("Store.Get, FILE:LINE or id")},
		"from":   {schema: str("Start symbol")},
		"to":     {schema: str("End symbol")},
		"path":   {schema: str("Repository-relative file path")},
		"depth": {schema: map[string]any{"type": "integer", "description": "Levels (default 1)"},
			check: intRange("depth", func(a *args) int { return a.Depth }, 1, query.MaxDepth)},
		"start_line": {schema: map[string]any{"type": "integer", "minimum": 1, "description": "Default 1"},
			check: intRange("start_line", func(a *args) int { return a.StartLine }, 1, 1<<30)},
		"end_line": {schema: map[string]any{"type": "integer", "description": "Default start_line+199"},
			check: intRange("end_line", func(a *args) int { return a.EndLine }, 1, 1<<30)},
		"include_body": {schema: map[string]any{"type": "boolean", "description": "With source"}},
		"kinds": {schema: map[string]any{"type": "array", "description": "Edge kinds (default all)",
			"items": map[string]any{"type": "string", "enum": refKinds}},
			check: func(a *args) error {
				for _, k := range a.Kinds {
					if !slices.Contains(refKinds, k) {
						return fmt.Errorf("kinds: unknown kind %q; use %s", k, strings.Join(refKinds, ", "))
					}
				}
				return nil
			}},
		"force": {schema: map[string]any{"type": "boolean", "description": "Re-parse every file"}},
		"query": {schema: str("Words, identifier, or RE2 pattern (exact/regex)")},
		"mode": {schema: map[string]any{"type": "string", "enum": []string{"hybrid", "lexical", "semantic", "exact", "regex"},
			"description": "hybrid (default): meaning+words+names; exact/regex: matching lines"}},
		// List filters are arrays of strings in every tool (kinds too);
		// strList accepts a comma-separated string as well.
		"lang":      {schema: strs("Languages: go, python, ...")},
		"kind":      {schema: strs("Symbol kinds: function, method, ...")},
		"path_glob": {schema: str("gitignore-style glob")},
		"limit": {schema: map[string]any{"type": "integer", "minimum": 1, "maximum": 100, "description": "Hits (default 10)"},
			check: intRange("limit", func(a *args) int { return a.Limit }, 1, 100)},
		// Short descriptions: they are repeated on most tools (the server
		// instructions explain budgets and cursors once).
		"cursor":    {schema: str("next_cursor")},
		"direction": {schema: map[string]any{"type": "string", "enum": []string{"callees", "callers", "both"}, "description": "Edges"}},
		"max_tokens": {schema: map[string]any{"type": "integer", "description": "Budget"},
			check: intRange("max_tokens", func(a *args) int { return a.MaxTokens }, minMaxTokens, maxMaxTokens)},
	}
	switch {
	case s.opts.HideRepoNames:
		p["repo"] = param{schema: map[string]any{"type": "string"}}
	case len(s.repos) > 1:
		// The default (the first) is named in the server instructions: a
		// description repeated on every tool would cost ~100 tokens.
		p["repo"] = param{schema: map[string]any{"type": "string", "enum": s.repoNames()}}
	}
	return p
}

var refKinds = []string{"calls", "references", "imports", "inherits", "implements", "contains", "defines"}

func str(desc string) map[string]any { return map[string]any{"type": "string", "description": desc} }

// strs is the schema of a list filter (a strList argument).
func strs(desc string) map[string]any {
	return map[string]any{"type": "array", "items": map[string]any{"type": "string"}, "description": desc}
}

// toolDef is one tool: its description for the model, the arguments it
// takes, the shape of its structured answer and its handler. Adding a
// tool is adding one toolDef to toolTable.
type toolDef struct {
	name, desc string
	params     []string // argument names, from the params table
	required   []string
	// out lists the top-level fields of the structured answer beyond
	// index_state, truncated and next_cursor, as name:type.
	out []string
	// desc overrides the shared description of some arguments.
	argDesc  map[string]string
	readOnly bool
	// access is what the caller needs to call the tool (the service's one
	// permission model, as REST routes and GraphQL operations declare
	// it). Over HTTP it is the API key's; over stdio the local user's
	// (service.Admin).
	access  service.Access
	handler func(*call, context.Context) (output, func(kept int) string, error)
}

// call is one tool call being answered.
type call struct {
	s      *Server
	def    *toolDef
	req    *mcp.CallToolRequest
	a      args
	repo   *service.Repo
	snap   *service.Snapshot // nil for tools that need none (index, index_status)
	budget int
	cur    cursor
}

// inputSchema builds a tool's input schema from the params table.
func (t *toolDef) inputSchema(ps map[string]param) map[string]any {
	props := map[string]any{}
	names := t.params
	if _, ok := ps["repo"]; ok {
		names = append([]string{"repo"}, names...)
	}
	for _, n := range names {
		props[n] = ps[n].schema
		if d, ok := t.argDesc[n]; ok {
			sch := maps.Clone(ps[n].schema)
			sch["description"] = d
			props[n] = sch
		}
	}
	sch := map[string]any{"type": "object", "properties": props}
	if len(t.required) > 0 {
		sch["required"] = t.required
	}
	return sch
}

// outputSchema builds a tool's output schema: the common fields and the
// tool's own top-level fields.
func (t *toolDef) outputSchema() map[string]any {
	props := map[string]any{"index_state": map[string]any{"type": "string"}}
	if slices.Contains(t.params, "cursor") {
		props["truncated"] = map[string]any{"type": "boolean"}
		props["next_cursor"] = map[string]any{"type": "string"}
	}
	for _, f := range t.out {
		name, typ, _ := strings.Cut(f, ":")
		props[name] = map[string]any{"type": typ}
	}
	return map[string]any{"type": "object", "properties": props}
}

// register adds t to the SDK server with a handler that decodes and
// checks the arguments, opens the repository's snapshot, runs the tool,
// fits the answer to its budget and renders it.
func (s *Server) register(t *toolDef) {
	if t.access == 0 {
		panic("mcp: tool " + t.name + " declares no access level")
	}
	ps := s.params()
	tool := &mcp.Tool{Name: t.name, Description: t.desc,
		InputSchema: t.inputSchema(ps), OutputSchema: t.outputSchema(),
		// A read-only tool is idempotent: the same call on the same index
		// gives the same answer.
		Annotations: &mcp.ToolAnnotations{ReadOnlyHint: t.readOnly, IdempotentHint: t.readOnly}}
	s.srv.AddTool(tool, func(ctx context.Context, req *mcp.CallToolRequest) (*mcp.CallToolResult, error) {
		start := time.Now()
		res := s.handle(ctx, t, ps, req)
		s.svc.ToolCalled(t.name, time.Since(start), res.IsError) // metrics
		return res, nil
	})
}

func (s *Server) handle(ctx context.Context, t *toolDef, ps map[string]param, req *mcp.CallToolRequest) *mcp.CallToolResult {
	c := &call{s: s, def: t, req: req, budget: DefaultMaxTokens}
	if err := service.Require(ctx, t.access); err != nil {
		return errorResult(fmt.Errorf("%s: %w", t.name, err))
	}
	if err := c.decode(ps, req.Params.Arguments); err != nil {
		return errorResult(invalidArg(err))
	}
	r, err := s.repoFor(ctx, c.a.Repo, t.access)
	if err != nil {
		return errorResult(err)
	}
	c.repo = r
	r.MaybeRecheck()
	if t.readOnly && t.name != "index_status" {
		snap, release, err := r.Acquire()
		if err != nil {
			return errorResult(c.indexError(err))
		}
		defer release()
		c.snap = snap
	}
	out, cont, err := t.handler(c, ctx)
	if err != nil {
		return errorResult(c.explain(err))
	}
	a := out.base()
	a.IndexState = r.State().String()
	n := out.items()
	// The footer (truncation note, cursor) is not known before fitting:
	// keep room for it.
	kept, err := fit(out, c.budget-footerTokens)
	if err != nil {
		return errorResult(err)
	}
	if sh, ok := out.(shrinker); ok {
		shrunk := false
		for {
			if cst, err := cost(out); err != nil || cst <= c.budget-footerTokens || !sh.shrink() {
				break
			}
			shrunk = true
			out.keep(n)
			if kept, err = fit(out, c.budget-footerTokens); err != nil {
				return errorResult(err)
			}
		}
		if shrunk {
			a.Truncated = true
		}
	}
	if kept == 0 && n > 0 {
		// Always make progress: one item is small (lines and signatures
		// are capped), the budget at least minMaxTokens.
		kept = 1
		out.keep(1)
	}
	if cont != nil {
		a.NextCursor = cont(kept)
	}
	a.Truncated = a.Truncated || a.NextCursor != "" || kept < n
	j, err := json.Marshal(out)
	if err != nil {
		return errorResult(err)
	}
	return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: out.text()}}, StructuredContent: json.RawMessage(j)}
}

// decode reads the arguments strictly: unknown names, wrong types and
// values out of range are errors the agent can fix.
func (c *call) decode(ps map[string]param, raw json.RawMessage) error {
	if len(bytes.TrimSpace(raw)) > 0 && !bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(raw, &m); err != nil {
			return fmt.Errorf("arguments must be a JSON object: %v", err)
		}
		allowed := c.def.params
		if _, ok := ps["repo"]; ok {
			allowed = append([]string{"repo"}, allowed...)
		}
		renamed := false
		for old, name := range argAliases {
			v, ok := m[old]
			if !ok || !slices.Contains(allowed, name) {
				continue
			}
			if _, both := m[name]; both {
				return fmt.Errorf("%s and %s name the same argument: pass %s only", old, name, name)
			}
			m[name] = v
			delete(m, old)
			renamed = true
		}
		if renamed {
			b, err := json.Marshal(m)
			if err != nil {
				return err
			}
			raw = b
		}
		for k := range m {
			if !slices.Contains(allowed, k) {
				return fmt.Errorf("unknown argument %q; %s takes %s", k, c.def.name, strings.Join(allowed, ", "))
			}
		}
		if err := json.Unmarshal(raw, &c.a); err != nil {
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				return fmt.Errorf("argument %s must be of type %s (got %s)", te.Field, ps[te.Field].schema["type"], te.Value)
			}
			return fmt.Errorf("bad arguments: %v", err)
		}
	}
	for _, req := range c.def.required {
		if v, _ := c.field(req); v == "" {
			return fmt.Errorf("missing required argument %q (%s)", req, ps[req].schema["description"])
		}
	}
	for _, n := range c.def.params {
		if chk := ps[n].check; chk != nil {
			if err := chk(&c.a); err != nil {
				return err
			}
		}
	}
	if c.a.MaxTokens != 0 {
		c.budget = c.a.MaxTokens
	}
	if c.a.Cursor != "" {
		cur, err := decodeCursor(c.a.Cursor, c.def.name, c.key())
		if err != nil {
			return err
		}
		c.cur = cur
	}
	return nil
}

// field returns a string argument by name (for the required check).
func (c *call) field(name string) (string, bool) {
	switch name {
	case "symbol":
		return strings.TrimSpace(c.a.Symbol), true
	case "from":
		return strings.TrimSpace(c.a.From), true
	case "to":
		return strings.TrimSpace(c.a.To), true
	case "path":
		return strings.TrimSpace(c.a.Path), true
	case "query":
		return strings.TrimSpace(c.a.Query), true
	}
	return "x", false
}

// key identifies the question a call asks (its arguments but the cursor
// and budget), so a cursor is only accepted by the call that made it.
func (c *call) key() uint32 {
	a := c.a
	a.Cursor, a.MaxTokens = "", 0
	b, _ := json.Marshal(a)
	h := fnv.New32a()
	h.Write(b)
	return h.Sum32()
}

// cursor is where the next answer of a call resumes: a page of the query
// (its own cursor, "" for the first) and the items of that page already
// shown.
type cursor struct {
	Tool string `json:"t"`
	Key  uint32 `json:"k"`
	Q    string `json:"q,omitempty"`
	Skip int    `json:"s,omitempty"`
}

// footerTokens is the room kept for the truncation note and cursor.
const footerTokens = 80

// errBadCursor is returned (wrapped) for a cursor that is malformed or
// belongs to another call.
var errBadCursor = service.Errorf(service.CodeInvalid, "invalid cursor")

func (c *call) encodeCursor(q string, skip int) string {
	b, _ := json.Marshal(cursor{Tool: c.def.name, Key: c.key(), Q: q, Skip: skip})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s, tool string, key uint32) (cursor, error) {
	var cur cursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &cur) != nil || cur.Skip < 0 {
		return cursor{}, fmt.Errorf("%w: pass next_cursor from the previous answer unchanged, or omit cursor to start over", errBadCursor)
	}
	if cur.Tool != tool || cur.Key != key {
		return cursor{}, fmt.Errorf("%w: this cursor belongs to another call; repeat the same arguments with it, or omit cursor", errBadCursor)
	}
	return cur, nil
}

// pageSize is how many items a call asks the query for: about as many as
// the budget could show, and more than the items already shown of the
// page.
func (c *call) pageSize() int {
	n := min(max(c.budget/12, 20), query.MaxLimit)
	return min(max(n, c.cur.Skip+10), query.MaxLimit)
}

// pageCont returns the continuation of a query page of n items whose
// first c.cur.Skip were shown before and whose next page is next.
func (c *call) pageCont(n int, next string) func(kept int) string {
	return func(kept int) string {
		if s := c.cur.Skip + kept; s < n {
			return c.encodeCursor(c.cur.Q, s)
		}
		if next != "" {
			return c.encodeCursor(next, 0)
		}
		return ""
	}
}

// continued reports whether the call continues an earlier answer (its
// cursor came from a next_cursor): the parts of the first page that do not
// page (groups, summaries) are not repeated.
func (c *call) continued() bool { return c.a.Cursor != "" }

// skipped returns items without those shown before.
func skipped[T any](c *call, items []T) []T {
	return items[min(c.cur.Skip, len(items)):]
}

// resolve finds the one symbol a spec names.
func (c *call) resolve(ctx context.Context, spec string) (*query.Symbol, error) {
	spec, err := c.normalizeSpec(spec)
	if err != nil {
		return nil, err
	}
	n, err := c.snap.Graph.ResolveOne(ctx, spec)
	if err != nil {
		return nil, err
	}
	sym := c.snap.Graph.SymbolOf(n)
	return &sym, nil
}

// normalizeSpec makes the file of a FILE, FILE:LINE or FILE:NAME spec
// given as an absolute or ./ path repository-relative, as the index names
// files; an absolute path outside the root is refused.
func (c *call) normalizeSpec(spec string) (string, error) {
	spec = strings.TrimSpace(spec)
	file, rest := spec, ""
	if i := strings.LastIndexByte(spec, ':'); i > 0 {
		file, rest = spec[:i], spec[i:]
	}
	if !filepath.IsAbs(file) && !strings.HasPrefix(file, "./") {
		return spec, nil
	}
	rel, err := c.localPath(file)
	if err != nil {
		return "", err
	}
	return rel + rest, nil
}

// errorResult turns err into a tool error the model reads: the category
// of the service's one taxonomy ("not found: ", "ambiguous: ", "bad
// regex: "...), then the message and what to do about it.
func errorResult(err error) *mcp.CallToolResult {
	r := &mcp.CallToolResult{}
	msg := service.Explain(err, service.DoorMCP)
	if c := service.Classify(err); c != service.CodeInternal {
		msg = strings.ReplaceAll(c.String(), "_", " ") + ": " + msg
	}
	r.SetError(errors.New(msg))
	return r
}

// invalidArg marks an argument error that has no category yet as
// service.CodeInvalid.
func invalidArg(err error) error {
	if service.Classify(err) != service.CodeInternal {
		return err
	}
	return service.Errorf(service.CodeInvalid, "%w", err)
}

// indexError explains why no snapshot could be opened (keeping err's
// category).
func (c *call) indexError(err error) error {
	st := c.repo.State()
	code := service.Classify(err)
	switch {
	case errors.Is(err, service.ErrNoIndex) && st.Status == service.StatusBuilding:
		return &service.Error{Code: code, Err: err,
			Msg: fmt.Sprintf("no index of %s yet: %s; retry in a few seconds (index_status shows progress)", c.repo.Root(), st)}
	case errors.Is(err, service.ErrNoIndex):
		return &service.Error{Code: code, Err: err, Msg: fmt.Sprintf("%s has no index yet (%s)", c.repo.Root(), st)}
	}
	return &service.Error{Code: code, Err: err, Msg: fmt.Sprintf("cannot open the index: %v (%s)", err, st)}
}

// explain renders a query error for the agent (keeping its category):
// the candidates of an ambiguous symbol and the suggestions for one not
// found, with their ids, and what to pass instead.
func (c *call) explain(err error) error {
	var amb *query.AmbiguousError
	var nf *query.NotFoundError
	var done *service.Error
	switch {
	case errors.As(err, &done):
		return err // explained already (find_path's from: and to:)
	case errors.As(err, &amb):
		var b strings.Builder
		fmt.Fprintf(&b, "%d symbols match %q; pass one of these ids instead:", amb.Total, amb.Spec)
		for i := range amb.Candidates[:min(len(amb.Candidates), 10)] {
			s := symOf(&amb.Candidates[i])
			fmt.Fprintf(&b, "\n- %s  (%s %s at %s)", s.ID, s.Kind, s.Name, s.At)
		}
		if amb.Total > 10 {
			fmt.Fprintf(&b, "\n(%d more: qualify the name, e.g. Type.Method or dir/pkg.Name)", amb.Total-10)
		}
		return &service.Error{Code: service.CodeAmbiguous, Msg: b.String(), Err: err}
	case errors.As(err, &nf):
		var b strings.Builder
		b.WriteString(nf.Error())
		if st := c.repo.State(); st.Status != service.StatusReady && st.Status != service.StatusChecking {
			fmt.Fprintf(&b, "\nThe index is %s: it may not hold this symbol yet; retry in a few seconds.", st)
		}
		if len(nf.Suggestions) > 0 {
			b.WriteString("\nsimilar symbols (pass an id):")
			for i := range nf.Suggestions[:min(len(nf.Suggestions), 10)] {
				s := symOf(&nf.Suggestions[i])
				fmt.Fprintf(&b, "\n- %s  (%s %s at %s)", s.ID, s.Kind, s.Name, s.At)
			}
		} else {
			b.WriteString("\nName symbols by qualified name (Type.Method, pkg.Func, dir/pkg.Func), FILE:LINE or id; file_outline and repo_overview show what exists.")
		}
		return &service.Error{Code: service.CodeNotFound, Msg: b.String(), Err: err}
	case errors.Is(err, query.ErrBadCursor):
		return service.Errorf(service.CodeInvalid, "%w: pass next_cursor from the previous answer unchanged, or omit cursor", errBadCursor)
	}
	return err
}
