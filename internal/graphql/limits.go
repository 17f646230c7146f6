package graphql

import (
	"context"
	"strings"
	"time"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"
)

// List bounds shared by every list argument.
const (
	defaultFirst = 50
	maxFirst     = 1000
)

// Default limits of Options.
const (
	DefaultMaxDepth      = 15
	DefaultMaxComplexity = 20000
	// DefaultMaxTokens bounds the tokens of one document (GraphiQL's
	// introspection query has about 300).
	DefaultMaxTokens = 10000
	// DefaultMaxSelections bounds the fields, fragment spreads and inline
	// fragments written in one document (8,000 duplicate fields took the
	// validator 11 s).
	DefaultMaxSelections = 2000
	// DefaultTimeout bounds a query or mutation over HTTP.
	DefaultTimeout = 60 * time.Second
)

// Costs of the introspection fields in the document cost: their answers
// are large (the schema is ~50 KB) and gqlgen's complexity skips them.
const (
	costSchema = 500
	costType   = 50
)

// Error codes set in the "code" extension of limit errors.
const (
	codeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	codeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED" // also set by gqlgen's extension
	codeSelectionLimit  = "SELECTION_LIMIT_EXCEEDED"
)

// docLimit checks a document before gqlgen validates it (validation is
// quadratic in duplicate fields and expands fragment spreads): a token
// limit on parsing, a bound on the selections written, and a cost
// computed without expanding fragments (each fragment's cost is computed
// once and multiplied by its spreads), where every field counts (aliases
// and duplicates too) and introspection fields count costSchema and
// costType.
type docLimit struct {
	tokens, selections, cost int
}

var _ interface {
	gql.HandlerExtension
	gql.OperationParameterMutator
} = docLimit{}

func (docLimit) ExtensionName() string               { return "DocumentLimit" }
func (docLimit) Validate(gql.ExecutableSchema) error { return nil }
func (d docLimit) MutateOperationParameters(ctx context.Context, p *gql.RawParams) *gqlerror.Error {
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, d.tokens)
	if err != nil {
		if strings.Contains(err.Error(), "token limit") {
			e := gqlerror.Errorf("the document has more than %d tokens", d.tokens)
			errcode.Set(e, codeSelectionLimit)
			return e
		}
		return nil // gqlgen reports parse errors itself
	}
	if err := checkAccess(ctx, doc, p.OperationName); err != nil {
		return err
	}
	n := 0
	var walk func(ast.SelectionSet)
	walk = func(set ast.SelectionSet) {
		for _, sel := range set {
			n++
			switch s := sel.(type) {
			case *ast.Field:
				walk(s.SelectionSet)
			case *ast.InlineFragment:
				walk(s.SelectionSet)
			}
		}
	}
	for _, op := range doc.Operations {
		walk(op.SelectionSet)
	}
	for _, f := range doc.Fragments {
		walk(f.SelectionSet)
	}
	if n > d.selections {
		e := gqlerror.Errorf("the document has %d selections, more than the limit of %d", n, d.selections)
		errcode.Set(e, codeSelectionLimit)
		return e
	}
	memo := map[string]int{}
	for _, op := range doc.Operations {
		if p.OperationName != "" && op.Name != p.OperationName {
			continue
		}
		if c := d.setCost(ctx, op.SelectionSet, doc.Fragments, memo); c > d.cost {
			e := gqlerror.Errorf("operation has complexity %d or more, which exceeds the limit of %d (fragments expanded, aliases and introspection counted)", c, d.cost)
			errcode.Set(e, codeComplexityLimit)
			return e
		}
	}
	return nil
}

// setCost is the cost of set with its fragments expanded, saturating
// just above d.cost. memo holds each fragment's cost (-1 while it is
// being computed: a cycle costs nothing more; validation rejects it).
func (d docLimit) setCost(ctx context.Context, set ast.SelectionSet, frags ast.FragmentDefinitionList, memo map[string]int) int {
	total := 0
	add := func(c int) { total = min(total+c, d.cost+1) }
	for _, sel := range set {
		if total > d.cost || ctx.Err() != nil {
			return d.cost + 1
		}
		switch s := sel.(type) {
		case *ast.Field:
			w := 1
			switch s.Name {
			case "__schema":
				w = costSchema
			case "__type":
				w = costType
			}
			add(w)
			add(d.setCost(ctx, s.SelectionSet, frags, memo))
		case *ast.InlineFragment:
			add(d.setCost(ctx, s.SelectionSet, frags, memo))
		case *ast.FragmentSpread:
			c, ok := memo[s.Name]
			if !ok {
				f := frags.ForName(s.Name)
				if f == nil {
					continue
				}
				memo[s.Name] = -1
				c = d.setCost(ctx, f.SelectionSet, frags, memo)
				memo[s.Name] = c
			}
			add(max(c, 0))
		}
	}
	return total
}

// depthLimit rejects operations whose selections nest deeper than max
// fields (fragments count where they are spread; introspection fields are
// not counted: the schema bounds them).
type depthLimit struct{ max int }

var _ interface {
	gql.HandlerExtension
	gql.OperationContextMutator
} = depthLimit{}

func (depthLimit) ExtensionName() string               { return "DepthLimit" }
func (depthLimit) Validate(gql.ExecutableSchema) error { return nil }
func (d depthLimit) MutateOperationContext(_ context.Context, oc *gql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	if depth := selectionDepth(op.SelectionSet, oc.Doc.Fragments, map[string]int{}); depth > d.max {
		err := gqlerror.Errorf("operation has depth %d, which exceeds the limit of %d", depth, d.max)
		errcode.Set(err, codeDepthLimit)
		return err
	}
	return nil
}

// selectionDepth is the number of fields on the longest path down set.
// A fragment's depth does not depend on where it is spread, so it is
// computed once (memo): a fragment fan-out bomb costs linear time. memo
// holds -1 while a fragment is being computed, which guards against
// fragment cycles (validation rejects them, but the limit must not rely
// on it).
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, memo map[string]int) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Name) >= 2 && s.Name[:2] == "__" {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, frags, memo)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, memo)
		case *ast.FragmentSpread:
			v, ok := memo[s.Name]
			if !ok {
				f := frags.ForName(s.Name)
				if f == nil {
					continue
				}
				memo[s.Name] = -1
				v = selectionDepth(f.SelectionSet, frags, memo)
				memo[s.Name] = v
			}
			d = max(v, 0)
		}
		deepest = max(deepest, d)
	}
	return deepest
}

// clampFirst reads a list bound argument for complexity: the default when
// absent, at most maxFirst (a larger value is rejected by the resolver).
func clampFirst(p *int, def int) int {
	if p == nil {
		return def
	}
	return min(max(*p, 1), maxFirst)
}

func clampDepthArg(p *int, def int) int {
	if p == nil {
		return def
	}
	return min(max(*p, 1), 64)
}

// complexity gives list fields a cost proportional to the items they may
// return, and traversals and searches a cost for the work they do, so that
// FixedComplexityLimit bounds what a query can make the server do.
func complexity() ComplexityRoot {
	var c ComplexityRoot
	c.Query.Nodes = func(child int, _ *NodeFilter, p *Pagination, _ *string) int {
		var first *int
		if p != nil {
			first = p.First
		}
		return 1 + clampFirst(first, defaultFirst)*child
	}
	c.Query.Search = func(child int, _ string, o *SearchOptions, _ *string) int {
		var limit *int
		if o != nil {
			limit = o.Limit
		}
		return 50 + clampFirst(limit, 10)*child
	}
	c.Query.SimilarNodes = func(child int, _ string, _ *float64, limit *int, _ *string) int {
		return 50 + clampFirst(limit, 10)*child
	}
	traversal := func(child int, depth, first *int, defDepth int) int {
		return 10*clampDepthArg(depth, defDepth) + clampFirst(first, defaultFirst)*child
	}
	c.Query.Dependencies = func(child int, _ string, depth, first *int, _, _ *string) int {
		return traversal(child, depth, first, 1)
	}
	c.Query.Dependents = func(child int, _ string, depth, first *int, _, _ *string) int {
		return traversal(child, depth, first, 1)
	}
	c.Query.Jobs = func(child int, first *int) int { return 1 + clampFirst(first, defaultFirst)*child }
	c.Node.Relationships = func(child int, _ []RelationshipType, _ *Direction, first *int) int {
		return 1 + clampFirst(first, defaultFirst)*child
	}
	c.Node.Callers = func(child int, depth, first *int, _ *string) int { return traversal(child, depth, first, 1) }
	c.Node.Callees = func(child int, depth, first *int, _ *string) int { return traversal(child, depth, first, 1) }
	c.Node.Impact = func(child int, depth, first *int, _ *string) int { return traversal(child, depth, first, 5) }
	return c
}
