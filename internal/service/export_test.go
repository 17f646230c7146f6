package service

import (
	"context"
	"errors"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/graphexport"
	"github.com/codegraph-dev/codegraph/internal/query"
)

func TestExport(t *testing.T) {
	_, r := fixture(t)
	ctx := WithAccess(context.Background(), ReadOnly)
	g, err := r.Export(ctx, graphexport.Mermaid, graphexport.Selection{Root: "Store.Get", Direction: graphexport.Callers})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, n := range g.Nodes {
		found = found || n.QualifiedName == "Server.ServeHTTP"
	}
	if !found || len(g.Edges) == 0 {
		t.Errorf("callers of Store.Get: %+v", g)
	}
	for _, c := range []struct {
		ctx  context.Context
		f    graphexport.Format
		sel  graphexport.Selection
		want error
	}{
		{WithAccess(context.Background(), 0), graphexport.Mermaid, graphexport.Selection{}, ErrForbidden},
		{ctx, "png", graphexport.Selection{}, ErrInvalid},
		{ctx, graphexport.DOT, graphexport.Selection{Depth: 3}, ErrInvalid},
		{ctx, graphexport.DOT, graphexport.Selection{MaxNodes: 2}, ErrTooLarge},
		{ctx, graphexport.DOT, graphexport.Selection{Root: "NoSuchThing"}, query.ErrNotFound},
	} {
		if _, err := r.Export(c.ctx, c.f, c.sel); !errors.Is(err, c.want) {
			t.Errorf("Export(%s, %+v): %v, want %v", c.f, c.sel, err, c.want)
		}
	}
}
