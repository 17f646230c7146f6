package graphql

import (
	"context"
	"sync"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// A GraphQL request's node mutations are one transaction: the first one
// begins it (service.Repo.BeginRequest), each runs inside it (a later
// mutation sees what an earlier one did), and when every field has been
// resolved it commits, all at once, or, when any field failed or the
// commit conflicts, rolls back: then nothing of them is written and the
// answer's data is null.

// reqTx is the transaction of one request's node mutations.
type reqTx struct {
	mu     sync.Mutex
	tx     *service.Tx
	failed bool
}

type reqTxKey struct{}

// requestTx returns the transaction of the request in ctx on repository
// rp, begun on first use; nil outside a mutation request.
func requestTx(ctx context.Context, rp *service.Repo) (*service.Tx, error) {
	h, _ := ctx.Value(reqTxKey{}).(*reqTx)
	if h == nil {
		return nil, nil
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tx == nil {
		tx, err := rp.BeginRequest(ctx)
		if err != nil {
			h.failed = true
			return nil, err
		}
		h.tx = tx
	}
	if h.tx.Repo() != rp {
		h.failed = true
		return nil, badInput("the node mutations of one request are one transaction on one repository: this one writes %s, not %s (send another request)",
			h.tx.Repo().Name(), rp.Name())
	}
	return h.tx, nil
}

// fail marks the request's transaction as failed (it will roll back).
func failRequestTx(ctx context.Context) {
	if h, _ := ctx.Value(reqTxKey{}).(*reqTx); h != nil {
		h.mu.Lock()
		h.failed = true
		h.mu.Unlock()
	}
}

// aroundMutation gives a mutation request its transaction and ends it
// once the response is made.
func aroundMutation(ctx context.Context, next gql.ResponseHandler) *gql.Response {
	if !gql.HasOperationContext(ctx) {
		return next(ctx)
	}
	if op := gql.GetOperationContext(ctx).Operation; op == nil || op.Operation != ast.Mutation {
		return next(ctx)
	}
	h := &reqTx{}
	resp := next(context.WithValue(ctx, reqTxKey{}, h))
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.tx == nil {
		return resp
	}
	if resp == nil || h.failed || len(resp.Errors) > 0 {
		if err := h.tx.Rollback(ctx); err != nil {
			gql.AddError(ctx, err)
		}
		if resp != nil {
			resp.Data = []byte("null")
			resp.Errors = append(resp.Errors, &gqlerror.Error{
				Message:    "the request's node mutations were rolled back: none of them was written",
				Extensions: map[string]any{"code": "ROLLED_BACK"},
			})
		}
		return resp
	}
	if _, err := h.tx.Commit(ctx); err != nil {
		resp.Data = []byte("null")
		resp.Errors = append(resp.Errors, presentError(ctx, err))
	}
	return resp
}
