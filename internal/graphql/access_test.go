package graphql

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// TestOperationAccess walks every root field of the schema: each declares
// an access level, and each role is refused exactly the operations above
// its level (through fragments too).
func TestOperationAccess(t *testing.T) {
	schema := NewExecutableSchema(Config{Resolvers: &resolver{}}).Schema()
	var fields []string
	for _, obj := range []*ast.Definition{schema.Query, schema.Mutation, schema.Subscription} {
		for _, f := range obj.Fields {
			if !strings.HasPrefix(f.Name, "__") {
				fields = append(fields, obj.Name+"."+f.Name)
			}
		}
	}
	sort.Strings(fields)
	var declared []string
	for k := range operationAccess {
		declared = append(declared, k)
	}
	sort.Strings(declared)
	if strings.Join(fields, ",") != strings.Join(declared, ",") {
		t.Fatalf("operationAccess declares\n%v\nthe schema has\n%v", declared, fields)
	}
	roles := []service.Access{0, service.ReadOnly, service.ReadWrite, service.Admin}
	for _, f := range fields {
		object, name, _ := strings.Cut(f, ".")
		op := map[string]string{"Query": "query", "Mutation": "mutation", "Subscription": "subscription"}[object]
		for _, doc := range []string{op + " { " + name + " }", op + " { ...F } fragment F on " + object + " { __typename ... on " + object + " { " + name + " } }"} {
			qd, err := parser.ParseQuery(&ast.Source{Input: doc})
			if err != nil {
				t.Fatal(err)
			}
			for _, role := range roles {
				ctx := service.WithAccess(context.Background(), role)
				gerr := checkAccess(ctx, qd, "")
				want := role >= operationAccess[f]
				if (gerr == nil) != want {
					t.Errorf("%s as %s: error %v, want allowed=%v", doc, role, gerr, want)
				}
				if gerr != nil && gerr.Extensions["code"] != codeForbidden {
					t.Errorf("%s as %s: code %v", doc, role, gerr.Extensions["code"])
				}
			}
		}
	}
	if operationAccess["Mutation.rebuildIndex"] != service.Admin || operationAccess["Mutation.createNode"] != service.ReadWrite {
		t.Error("rebuildIndex needs admin, node mutations write")
	}
}
