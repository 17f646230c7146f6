package graphql

import (
	"context"

	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// operationAccess is the access every root field needs (the service's one
// permission model, as REST routes and MCP tools declare it). A root
// field missing here needs Admin: TestOperationAccessCoversSchema checks
// that the table names exactly the schema's root fields.
var operationAccess = map[string]service.Access{
	"Query.node":         service.ReadOnly,
	"Query.nodes":        service.ReadOnly,
	"Query.search":       service.ReadOnly,
	"Query.similarNodes": service.ReadOnly,
	"Query.dependencies": service.ReadOnly,
	"Query.dependents":   service.ReadOnly,
	"Query.repos":        service.ReadOnly,
	"Query.diff":         service.ReadOnly,
	"Query.versions":     service.ReadOnly,
	"Query.job":          service.ReadOnly,
	"Query.jobs":         service.ReadOnly,

	"Mutation.createNode": service.ReadWrite,
	"Mutation.updateNode": service.ReadWrite,
	"Mutation.deleteNode": service.ReadWrite,
	// parseFile stores nothing: reading is enough.
	"Mutation.parseFile":    service.ReadOnly,
	"Mutation.parseProject": service.ReadWrite,
	"Mutation.rebuildIndex": service.Admin,
	// createVersion writes the versions beside the index, not the graph.
	"Mutation.createVersion": service.ReadWrite,

	"Subscription.nodeCreated":   service.ReadOnly,
	"Subscription.nodeUpdated":   service.ReadOnly,
	"Subscription.nodeDeleted":   service.ReadOnly,
	"Subscription.graphChanges":  service.ReadOnly,
	"Subscription.parseProgress": service.ReadOnly,
}

// OperationAccess returns the access each root field needs, by
// "Object.field" (a copy: front-door tests walk it).
func OperationAccess() map[string]service.Access {
	out := make(map[string]service.Access, len(operationAccess))
	for k, v := range operationAccess {
		out[k] = v
	}
	return out
}

// checkAccess refuses an operation of doc (the one named, or every one
// when none is) unless the caller in ctx has the access each of its root
// fields needs. It runs before validation, so a caller without access
// costs no more than a parse.
func checkAccess(ctx context.Context, doc *ast.QueryDocument, name string) *gqlerror.Error {
	for _, op := range doc.Operations {
		if name != "" && op.Name != name {
			continue
		}
		object := "Query"
		switch op.Operation {
		case ast.Mutation:
			object = "Mutation"
		case ast.Subscription:
			object = "Subscription"
		}
		var err *gqlerror.Error
		rootFields(op.SelectionSet, doc.Fragments, map[string]bool{}, func(field string) bool {
			need := service.ReadOnly // introspection (__schema, __type, __typename)
			if len(field) < 2 || field[:2] != "__" {
				var ok bool
				if need, ok = operationAccess[object+"."+field]; !ok {
					// Not in the table: not in the schema (validation
					// reports it) or undeclared; fail closed.
					need = service.Admin
				}
			}
			if e := service.Require(ctx, need); e != nil {
				err = gqlerror.Errorf("%s %s: %v", op.Operation, field, e)
				errcode.Set(err, codeForbidden)
				err.Extensions["status"] = 403
				return false
			}
			return true
		})
		if err != nil {
			return err
		}
	}
	return nil
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
