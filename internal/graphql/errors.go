package graphql

import (
	"context"
	"errors"
	"fmt"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/codegraph-dev/codegraph/internal/service"
)

// Error codes, in the "code" extension of every error; "status" carries
// the HTTP status the REST API gives the same condition. Both come from
// the service's one taxonomy (service.Code).
var (
	codeNotFound    = service.CodeNotFound.GraphQLCode()
	codeBadInput    = service.CodeInvalid.GraphQLCode()
	codeConflict    = service.CodeConflict.GraphQLCode()
	codeForbidden   = service.CodeForbidden.GraphQLCode()
	codeTooLarge    = service.CodeTooLarge.GraphQLCode()
	codeUnavailable = service.CodeUnavailable.GraphQLCode()
	codeInternal    = service.CodeInternal.GraphQLCode()
)

// badInput is a bad argument (service.CodeInvalid).
func badInput(format string, args ...any) error { return service.Invalidf(format, args...) }

type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("internal error: %v", e.v) }

func errPanic(v any) error { return &panicError{v: v} }

// classify maps an error to its code and HTTP status (service.Classify).
func classify(err error) (string, int) {
	c := service.Classify(err)
	return c.GraphQLCode(), c.HTTPStatus()
}

// presentError gives every resolver error a code, a status and, where the
// taxonomy has them, details (an ambiguous symbol's candidates) as
// extensions; the message gets the GraphQL hint. Errors gqlgen made
// itself (parse, validation, limits) keep their code.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := gql.DefaultErrorPresenter(ctx, err)
	if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
		return gerr
	}
	var inner *gqlerror.Error
	if errors.As(err, &inner) && inner.Err == nil && inner.Extensions != nil {
		return gerr
	}
	c := service.Classify(err)
	if c != service.CodeInternal {
		gerr.Message = service.Explain(err, service.DoorGraphQL)
	}
	errcode.Set(gerr, c.GraphQLCode())
	gerr.Extensions["status"] = c.HTTPStatus()
	for k, v := range service.Details(err) {
		gerr.Extensions[k] = v
	}
	return gerr
}
