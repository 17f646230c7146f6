package graphql

import (
	"context"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
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
)

// Error codes set in the "code" extension of limit errors.
const (
	codeDepthLimit      = "DEPTH_LIMIT_EXCEEDED"
	codeComplexityLimit = "COMPLEXITY_LIMIT_EXCEEDED" // set by gqlgen's extension
)

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
	if depth := selectionDepth(op.SelectionSet, oc.Doc.Fragments, map[string]bool{}); depth > d.max {
		err := gqlerror.Errorf("operation has depth %d, which exceeds the limit of %d", depth, d.max)
		errcode.Set(err, codeDepthLimit)
		return err
	}
	return nil
}

// selectionDepth is the number of fields on the longest path down set.
// active guards against fragment cycles (validation rejects them, but the
// limit must not rely on it).
func selectionDepth(set ast.SelectionSet, frags ast.FragmentDefinitionList, active map[string]bool) int {
	deepest := 0
	for _, sel := range set {
		d := 0
		switch s := sel.(type) {
		case *ast.Field:
			if len(s.Name) >= 2 && s.Name[:2] == "__" {
				continue
			}
			d = 1 + selectionDepth(s.SelectionSet, frags, active)
		case *ast.InlineFragment:
			d = selectionDepth(s.SelectionSet, frags, active)
		case *ast.FragmentSpread:
			if active[s.Name] {
				continue
			}
			f := frags.ForName(s.Name)
			if f == nil {
				continue
			}
			active[s.Name] = true
			d = selectionDepth(f.SelectionSet, frags, active)
			delete(active, s.Name)
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
