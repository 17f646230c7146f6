package service

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/codegraph-dev/codegraph/internal/parse"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/search/grep"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// TestClassify: the errors of every layer fall in one category, however
// they are wrapped.
func TestClassify(t *testing.T) {
	t.Parallel()
	wrap := func(err error) error { return fmt.Errorf("callers: %w", err) }
	for _, tc := range []struct {
		err  error
		want Code
	}{
		{errors.New("disk on fire"), CodeInternal},
		{wrap(ErrInvalid), CodeInvalid},
		{wrap(query.ErrBadCursor), CodeInvalid},
		{wrap(search.ErrDimension), CodeInvalid},
		{Invalidf("limit must be positive"), CodeInvalid},
		{wrap(fmt.Errorf("%w: %q", grep.ErrBadPattern, "(")), CodeBadRegex},
		{wrap(&query.NotFoundError{Spec: "X"}), CodeNotFound},
		{wrap(store.ErrNotFound), CodeNotFound},
		{wrap(ErrUnknownRepo), CodeNotFound},
		{wrap(&query.AmbiguousError{Spec: "add", Total: 2}), CodeAmbiguous},
		{wrap(ErrDerived), CodeConflict},
		{wrap(ErrBusy), CodeConflict},
		{wrap(&store.LockedError{Dir: "/x", PID: 42}), CodeLocked},
		{wrap(ErrForbidden), CodeForbidden},
		{wrap(ErrUnauthenticated), CodeUnauthenticated},
		{wrap(ErrTooLarge), CodeTooLarge},
		{wrap(fmt.Errorf("parse a.go: %w", parse.ErrTimeout)), CodeParseTimeout},
		{wrap(ErrNoIndex), CodeUnavailable},
		{wrap(search.ErrNoIndex), CodeUnavailable},
		{wrap(&store.CorruptError{Dir: "/x", File: "/x/000001.sst", Err: errors.New("checksum")}), CodeRebuildNeeded},
		{wrap(&search.DamagedError{What: "lexical index", Err: errors.New("truncated")}), CodeRebuildNeeded},
		{wrap(fmt.Errorf("open: %w", store.ErrSchemaMismatch)), CodeRebuildNeeded},
		{wrap(context.DeadlineExceeded), CodeTimeout},
		{wrap(context.Canceled), CodeCanceled},
		// A category given by the door wins over the cause's.
		{Errorf(CodeForbidden, "a link leads out: %w", ErrInvalid), CodeForbidden},
	} {
		if got := Classify(tc.err); got != tc.want {
			t.Errorf("Classify(%v) = %s, want %s", tc.err, got, tc.want)
		}
	}
}

// TestCodeTable: every code has its form in every door, and the forms
// are distinct where a client tells them apart.
func TestCodeTable(t *testing.T) {
	t.Parallel()
	names, gql := map[string]Code{}, map[string]Code{}
	for _, c := range Codes() {
		if c.String() == "" || c.GraphQLCode() == "" || c.HTTPStatus() < 400 || c.ExitCode() == 0 {
			t.Errorf("code %d has no form in some door: %q %q %d %d", c, c, c.GraphQLCode(), c.HTTPStatus(), c.ExitCode())
		}
		if o, dup := names[c.String()]; dup {
			t.Errorf("codes %d and %d share the name %q", o, c, c)
		}
		if o, dup := gql[c.GraphQLCode()]; dup {
			t.Errorf("codes %d and %d share the GraphQL code %q", o, c, c.GraphQLCode())
		}
		names[c.String()], gql[c.GraphQLCode()] = c, c
	}
}

// TestExplainHints: lower layers name no command; each door gets its own
// remedy for a damaged index, once.
func TestExplainHints(t *testing.T) {
	t.Parallel()
	err := fmt.Errorf("open: %w", &store.CorruptError{Dir: "/x", File: "/x/000001.sst", Err: errors.New("checksum mismatch")})
	if strings.Contains(err.Error(), "codegraph index") {
		t.Fatalf("the store names a command: %v", err)
	}
	want := map[Door]string{DoorCLI: "codegraph index --rebuild", DoorREST: "POST /index?force=true",
		DoorGraphQL: "rebuildIndex", DoorMCP: "index tool with force"}
	for door, hint := range want {
		msg := Explain(err, door)
		if !strings.Contains(msg, "000001.sst") || strings.Count(msg, hint) != 1 {
			t.Errorf("door %d: %q, want the file and %q once", door, msg, hint)
		}
	}
	if d := Details(fmt.Errorf("x: %w", &store.LockedError{Dir: "/x", PID: 42})); d["pid"] != 42 {
		t.Errorf("locked details = %v, want the pid", d)
	}
}
