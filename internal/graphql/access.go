package graphql

import (
	"context"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// operationAccess is the access every root field needs (the service's one
// permission model, as REST routes and MCP tools declare it). A root
// field missing here is refused: TestOperationAccessCoversSchema checks
// that the table names exactly the schema's root fields.
var operationAccess = map[string]service.Access{
	"Query.node":         service.ReadOnly,
	"Query.nodes":        service.ReadOnly,
	"Query.search":       service.ReadOnly,
	"Query.similarNodes": service.ReadOnly,
	"Query.dependencies": service.ReadOnly,
	"Query.dependents":   service.ReadOnly,
	"Query.repos":        service.ReadOnly,
	"Query.job":          service.ReadOnly,
	"Query.jobs":         service.ReadOnly,

	"Mutation.createNode": service.ReadWrite,
	"Mutation.updateNode": service.ReadWrite,
	"Mutation.deleteNode": service.ReadWrite,
	// parseFile stores nothing: reading is enough.
	"Mutation.parseFile":    service.ReadOnly,
	"Mutation.parseProject": service.ReadWrite,
	"Mutation.rebuildIndex": service.Admin,

	"Subscription.nodeCreated":   service.ReadOnly,
	"Subscription.nodeUpdated":   service.ReadOnly,
	"Subscription.nodeDeleted":   service.ReadOnly,
	"Subscription.parseProgress": service.ReadOnly,
}

// accessCheck refuses an operation before it runs unless the caller has
// the access each of its root fields needs.
type accessCheck struct{}

var _ interface {
	gql.HandlerExtension
	gql.OperationContextMutator
} = accessCheck{}

func (accessCheck) ExtensionName() string               { return "AccessCheck" }
func (accessCheck) Validate(gql.ExecutableSchema) error { return nil }
func (accessCheck) MutateOperationContext(ctx context.Context, oc *gql.OperationContext) *gqlerror.Error {
	op := oc.Doc.Operations.ForName(oc.OperationName)
	if op == nil {
		return nil
	}
	object := "Query"
	switch op.Operation {
	case ast.Mutation:
		object = "Mutation"
	case ast.Subscription:
		object = "Subscription"
	}
	var err *gqlerror.Error
	rootFields(op.SelectionSet, oc.Doc.Fragments, map[string]bool{}, func(name string) bool {
		need := service.ReadOnly // introspection (__schema, __type, __typename)
		if len(name) < 2 || name[:2] != "__" {
			var ok bool
			if need, ok = operationAccess[object+"."+name]; !ok {
				err = gqlerror.Errorf("%s.%s declares no access level: refused", object, name)
				errcode.Set(err, codeForbidden)
				return false
			}
		}
		if e := service.Require(ctx, need); e != nil {
			err = gqlerror.Errorf("%s %s: %v", op.Operation, name, e)
			errcode.Set(err, codeForbidden)
			err.Extensions["status"] = 403
			return false
		}
		return true
	})
	return err
}

// rootFields calls fn with the name of every field at the top of set,
// through inline fragments and fragment spreads, until fn returns false.
func rootFields(set ast.SelectionSet, frags ast.FragmentDefinitionList, seen map[string]bool, fn func(string) bool) bool {
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			if !fn(s.Name) {
				return false
			}
		case *ast.InlineFragment:
			if !rootFields(s.SelectionSet, frags, seen, fn) {
				return false
			}
		case *ast.FragmentSpread:
			if seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			if f := frags.ForName(s.Name); f != nil && !rootFields(f.SelectionSet, frags, seen, fn) {
				return false
			}
		}
	}
	return true
}

// requireAccess is service.Require for resolvers (defence in depth
// behind accessCheck).
func requireAccess(ctx context.Context, need service.Access) error {
	return service.Require(ctx, need)
}
