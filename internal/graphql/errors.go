package graphql

import (
	"context"
	"errors"
	"fmt"

	gql "github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/errcode"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Error codes, in the "code" extension of every error; "status" carries
// the HTTP status the REST API gives the same condition.
const (
	codeNotFound    = "NOT_FOUND"
	codeBadInput    = "BAD_USER_INPUT"
	codeConflict    = "CONFLICT"
	codeForbidden   = "FORBIDDEN"
	codeTooLarge    = "TOO_LARGE"
	codeUnavailable = "UNAVAILABLE"
	codeInternal    = "INTERNAL"
)

// inputError is a bad argument.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

type panicError struct{ v any }

func (e *panicError) Error() string { return fmt.Sprintf("internal error: %v", e.v) }

func errPanic(v any) error { return &panicError{v: v} }

// classify maps an error to its code and HTTP status.
func classify(err error) (string, int) {
	var in *inputError
	switch {
	case errors.As(err, &in), errors.Is(err, service.ErrInvalid), errors.Is(err, query.ErrAmbiguous),
		errors.Is(err, query.ErrBadCursor):
		return codeBadInput, 400
	case errors.Is(err, service.ErrNotFound), errors.Is(err, store.ErrNotFound), errors.Is(err, query.ErrNotFound),
		errors.Is(err, service.ErrUnknownRepo):
		return codeNotFound, 404
	case errors.Is(err, service.ErrForbidden):
		return codeForbidden, 403
	case errors.Is(err, service.ErrTooLarge):
		return codeTooLarge, 413
	case errors.Is(err, service.ErrDerived), errors.Is(err, store.ErrLocked), errors.Is(err, service.ErrBusy):
		return codeConflict, 409
	case errors.Is(err, service.ErrNoIndex), errors.Is(err, search.ErrNoIndex), errors.Is(err, errSemanticOff):
		return codeUnavailable, 503
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return codeUnavailable, 503
	}
	return codeInternal, 500
}

// presentError gives every resolver error a code and a status extension;
// errors gqlgen made itself (parse, validation, limits) keep their code.
func presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := gql.DefaultErrorPresenter(ctx, err)
	if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
		return gerr
	}
	var inner *gqlerror.Error
	if errors.As(err, &inner) && inner.Err == nil && inner.Extensions != nil {
		return gerr
	}
	code, status := classify(err)
	if errors.Is(err, service.ErrNoIndex) {
		gerr.Message += " (index the repository: mutation { parseProject(input: {}) { taskId } }, or run codegraph index)"
	}
	errcode.Set(gerr, code)
	gerr.Extensions["status"] = status
	return gerr
}
