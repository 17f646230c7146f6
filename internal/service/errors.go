package service

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/codegraph-dev/codegraph/internal/history"
	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// Code is the category of an error: the one error taxonomy of every
// front door. Each door maps a Code once, through this file's table, to
// its own form: an HTTP status and error code (REST, and the "status" and
// "code" extensions of GraphQL), the text of an MCP tool error, and a CLI
// exit status. Classify finds the Code of any error of the layers below.
type Code uint8

// Error categories.
const (
	// CodeInternal: a fault of codegraph or its environment.
	CodeInternal Code = iota
	// CodeInvalid: a malformed or out-of-range argument (a bad cursor, an
	// unknown kind, a limit too large, a bad path).
	CodeInvalid
	// CodeBadRegex: a search pattern that cannot be searched (a regular
	// expression that does not compile, a pattern across lines).
	CodeBadRegex
	// CodeNotFound: no such symbol, node, file, job or repository.
	CodeNotFound
	// CodeAmbiguous: a symbol spec names several symbols (the details list
	// candidates).
	CodeAmbiguous
	// CodeConflict: the operation conflicts with the current state (a node
	// derived from source, an index job writing, a finished job).
	CodeConflict
	// CodeLocked: another process holds the index's writer lock (the
	// details name its pid).
	CodeLocked
	// CodeForbidden: the caller's access does not allow it, or the file is
	// refused by the file policy (secrets, .git, outside the root).
	CodeForbidden
	// CodeUnauthenticated: no credential, or one that is not valid.
	CodeUnauthenticated
	// CodeTooLarge: the input or the answer is larger than its bound.
	CodeTooLarge
	// CodeParseTimeout: the source took longer than the parse budget.
	CodeParseTimeout
	// CodeUnavailable: the index (or its search indexes) does not exist
	// yet; retry after indexing.
	CodeUnavailable
	// CodeRebuildNeeded: the index is damaged or was written by another
	// version of codegraph; rebuild it.
	CodeRebuildNeeded
	// CodeTimeout: the request ran past its deadline.
	CodeTimeout
	// CodeCanceled: the caller went away or interrupted it.
	CodeCanceled
)

// Front doors, for Hint.
type Door uint8

// The front doors.
const (
	DoorCLI Door = iota
	DoorREST
	DoorGraphQL
	DoorMCP
)

// codeInfo is how each front door answers a Code.
type codeInfo struct {
	name    string // REST error code (the JSON body's "code")
	status  int    // HTTP status (REST and GraphQL's "status" extension)
	gqlCode string // GraphQL "code" extension
	exit    int    // CLI exit status
}

var codes = [...]codeInfo{
	CodeInternal:        {"internal", http.StatusInternalServerError, "INTERNAL", 1},
	CodeInvalid:         {"bad_request", http.StatusBadRequest, "BAD_USER_INPUT", 2},
	CodeBadRegex:        {"bad_regex", http.StatusBadRequest, "BAD_REGEX", 2},
	CodeNotFound:        {"not_found", http.StatusNotFound, "NOT_FOUND", 2},
	CodeAmbiguous:       {"ambiguous", http.StatusConflict, "AMBIGUOUS", 2},
	CodeConflict:        {"conflict", http.StatusConflict, "CONFLICT", 1},
	CodeLocked:          {"locked", http.StatusConflict, "LOCKED", 1},
	CodeForbidden:       {"forbidden", http.StatusForbidden, "FORBIDDEN", 2},
	CodeUnauthenticated: {"unauthorized", http.StatusUnauthorized, "UNAUTHENTICATED", 2},
	CodeTooLarge:        {"request_too_large", http.StatusRequestEntityTooLarge, "TOO_LARGE", 2},
	CodeParseTimeout:    {"parse_timeout", http.StatusUnprocessableEntity, "PARSE_TIMEOUT", 2},
	CodeUnavailable:     {"unavailable", http.StatusServiceUnavailable, "UNAVAILABLE", 1},
	CodeRebuildNeeded:   {"rebuild_needed", http.StatusServiceUnavailable, "REBUILD_NEEDED", 1},
	CodeTimeout:         {"timeout", http.StatusGatewayTimeout, "TIMEOUT", 1},
	CodeCanceled:        {"client_closed_request", 499, "CANCELLED", 130},
}

// String is the code's name, as the REST error body spells it.
func (c Code) String() string { return codes[c].name }

// HTTPStatus is the HTTP status REST answers (and GraphQL's "status"
// extension gives).
func (c Code) HTTPStatus() int { return codes[c].status }

// GraphQLCode is the "code" extension of a GraphQL error.
func (c Code) GraphQLCode() string { return codes[c].gqlCode }

// ExitCode is the command line's exit status: 2 for what the caller's
// arguments caused (fix them), 1 for the rest, 130 when interrupted.
func (c Code) ExitCode() int { return codes[c].exit }

// Codes lists every Code (for tests and documents).
func Codes() []Code {
	out := make([]Code, len(codes))
	for i := range codes {
		out[i] = Code(i)
	}
	return out
}

// Hint says what the caller of door does about an error of code c, or ""
// when the message says enough. Lower layers never name a command: the
// remedy is spelled here, once per door.
func (c Code) Hint(door Door) string {
	switch c {
	case CodeRebuildNeeded:
		return [...]string{
			DoorCLI:     "run `codegraph index --rebuild` to rebuild it",
			DoorREST:    "rebuild it with POST /index?force=true (or run `codegraph index --rebuild`)",
			DoorGraphQL: "rebuild it with mutation { rebuildIndex(type: ALL) { taskId } } (or run `codegraph index --rebuild`)",
			DoorMCP:     "call the index tool with force: true to rebuild it",
		}[door]
	case CodeUnavailable:
		return [...]string{
			DoorCLI:     "run `codegraph index` in the repository first",
			DoorREST:    "start an index job with POST /index (or run `codegraph index`) and retry",
			DoorGraphQL: "index the repository: mutation { parseProject(input: {}) { taskId } }, or run codegraph index",
			DoorMCP:     "call the index tool to build it, then retry",
		}[door]
	case CodeLocked:
		return "retry when it has finished, or stop the process that holds it"
	}
	return ""
}

// Sentinels of the taxonomy not covered by the service's older ones (see
// service.go): front doors and operations wrap them.
var (
	// ErrUnauthenticated: no credential, or one that is not valid.
	ErrUnauthenticated = errors.New("unauthenticated")
	// ErrConflict: the operation conflicts with the current state.
	ErrConflict = errors.New("conflict")
	// ErrUnavailable: not possible now; retry later.
	ErrUnavailable = errors.New("unavailable")
	// ErrBadRegex: a search pattern that cannot be searched.
	ErrBadRegex = errors.New("bad pattern")
	// ErrParseTimeout: parsing took longer than its budget.
	ErrParseTimeout = errors.New("parse timed out")
	// ErrRebuildNeeded: the index is damaged or from another version.
	ErrRebuildNeeded = errors.New("the index must be rebuilt")
)

// Classify returns the category of err: the service's sentinels and those
// of the layers below (query, search, store, parse), matched with
// errors.Is/As. Anything it does not know is CodeInternal.
func Classify(err error) Code {
	var amb *query.AmbiguousError
	var ce *Error
	switch {
	case err == nil:
		return CodeInternal
	case errors.As(err, &ce):
		return ce.Code
	case errors.As(err, &amb), errors.Is(err, query.ErrAmbiguous):
		return CodeAmbiguous
	case errors.Is(err, ErrRebuildNeeded), errors.Is(err, store.ErrCorrupt), errors.Is(err, search.ErrCorrupt),
		errors.Is(err, store.ErrSchemaMismatch):
		return CodeRebuildNeeded
	case errors.Is(err, ErrUnauthenticated):
		return CodeUnauthenticated
	case errors.Is(err, ErrForbidden):
		return CodeForbidden
	case errors.Is(err, ErrTooLarge):
		return CodeTooLarge
	case errors.Is(err, ErrParseTimeout), errors.Is(err, parse.ErrTimeout):
		return CodeParseTimeout
	case errors.Is(err, ErrBadRegex), errors.Is(err, grep.ErrBadPattern):
		return CodeBadRegex
	case errors.Is(err, store.ErrLocked):
		return CodeLocked
	case errors.Is(err, ErrConflict), errors.Is(err, ErrDerived), errors.Is(err, ErrBusy), errors.Is(err, history.ErrStale):
		return CodeConflict
	case errors.Is(err, ErrNoIndex), errors.Is(err, store.ErrNoIndex), errors.Is(err, search.ErrNoIndex), errors.Is(err, ErrUnavailable):
		return CodeUnavailable
	case errors.Is(err, ErrInvalid), errors.Is(err, query.ErrBadCursor), errors.Is(err, search.ErrDimension):
		return CodeInvalid
	case errors.Is(err, ErrNotFound), errors.Is(err, ErrUnknownRepo), errors.Is(err, store.ErrNotFound),
		errors.Is(err, query.ErrNotFound):
		return CodeNotFound
	case errors.Is(err, context.DeadlineExceeded):
		return CodeTimeout
	case errors.Is(err, context.Canceled):
		return CodeCanceled
	}
	return CodeInternal
}

// Details returns what an error of the taxonomy carries besides its
// message, for the structured answers of the front doors: the candidates
// of an ambiguous symbol (spec, total, candidates), the suggestions of one
// not found, the pid holding a lock. Nil when there are none.
func Details(err error) map[string]any {
	var amb *query.AmbiguousError
	var nf *query.NotFoundError
	var le *store.LockedError
	switch {
	case errors.As(err, &amb):
		return map[string]any{"spec": amb.Spec, "total": amb.Total, "candidates": amb.Candidates}
	case errors.As(err, &nf):
		if len(nf.Suggestions) > 0 {
			return map[string]any{"spec": nf.Spec, "suggestions": nf.Suggestions}
		}
	case errors.As(err, &le):
		if le.PID > 0 {
			return map[string]any{"pid": le.PID}
		}
	}
	return nil
}

// staleHint is the remedy for an index that does not hold the working
// tree's version of a file (history.ErrStale, a conflict): bring it up to
// date and retry.
var staleHint = [...]string{
	DoorCLI:     "run `codegraph index` (or keep `codegraph watch` running) and retry",
	DoorREST:    "start an index job with POST /index (or run `codegraph index`) and retry",
	DoorGraphQL: "index the repository: mutation { parseProject(input: {}) { taskId } }, or run codegraph index, and retry",
	DoorMCP:     "call the index tool, then retry",
}

// Explain is err's message for a user of door: the message, and the
// remedy (the code's hint, or a more particular one) unless the message
// already gives it.
func Explain(err error, door Door) string {
	msg := err.Error()
	h := Classify(err).Hint(door)
	if errors.Is(err, history.ErrStale) {
		h = staleHint[door]
	}
	if h != "" && !strings.Contains(msg, h) {
		msg += "; " + h
	}
	return msg
}

// Error is an error of a known category: what a front door or an
// operation returns for a condition it detects itself (a bad argument, a
// refused file). Classify gives its Code.
type Error struct {
	Code Code
	Msg  string
	Err  error // the cause, when there is one
}

func (e *Error) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error of code c; a %w verb in format keeps its cause
// (errors.Is/As reach it).
func Errorf(c Code, format string, args ...any) error {
	err := fmt.Errorf(format, args...)
	return &Error{Code: c, Msg: err.Error(), Err: errors.Unwrap(err)}
}

// Invalidf returns an error of CodeInvalid: a bad argument.
func Invalidf(format string, args ...any) error { return Errorf(CodeInvalid, format, args...) }
