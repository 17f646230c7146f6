package service

import (
	"context"
	"fmt"
	"strings"
)

// Access is what a caller may do: each level includes the ones below it.
// It is the one permission model of every front door: REST routes,
// GraphQL operations and MCP tools each declare the level they need, and
// the front door checks it with Require before doing anything.
type Access int

// Access levels, weakest first. A context without one has Admin: it is a
// local caller (the CLI, MCP over stdio, a server without API keys).
const (
	// ReadOnly reads: queries, search, parsing snippets and files.
	ReadOnly Access = iota + 1
	// ReadWrite also writes: node mutations, index jobs, cancelling jobs.
	ReadWrite
	// Admin also rebuilds indexes from scratch.
	Admin
)

// String gives the level's name as keys and errors spell it.
func (a Access) String() string {
	switch a {
	case ReadOnly:
		return "read"
	case ReadWrite:
		return "write"
	case Admin:
		return "admin"
	}
	return "none"
}

// ParseAccess reads a level: read (ro, read-only), write (rw, read-write)
// or admin.
func ParseAccess(s string) (Access, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "ro", "r", "read", "read-only", "readonly":
		return ReadOnly, nil
	case "rw", "w", "write", "read-write", "readwrite":
		return ReadWrite, nil
	case "admin":
		return Admin, nil
	}
	return 0, fmt.Errorf("unknown access %q (want read, write or admin)", s)
}

type accessKey struct{}

// WithAccess returns ctx carrying the caller's access level.
func WithAccess(ctx context.Context, a Access) context.Context {
	return context.WithValue(ctx, accessKey{}, a)
}

// AccessFrom returns the access level in ctx (Admin when none was set).
func AccessFrom(ctx context.Context) Access {
	if a, ok := ctx.Value(accessKey{}).(Access); ok {
		return a
	}
	return Admin
}

// Require returns an error wrapping ErrForbidden unless the caller in ctx
// has at least need.
func Require(ctx context.Context, need Access) error {
	if have := AccessFrom(ctx); have < need {
		had := map[Access]string{ReadOnly: "read-only", ReadWrite: "read-write"}[have]
		if had == "" {
			had = have.String()
		}
		return fmt.Errorf("%w: this needs %s access; the caller has %s access", ErrForbidden, need, had)
	}
	return nil
}

type callerKey struct{}

// WithCaller returns ctx carrying the caller's identity (an API key's
// name, a client address in open mode): front doors that keep state
// across requests (MCP sessions) bind it to the caller.
func WithCaller(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, callerKey{}, name)
}

// CallerFrom returns the caller's identity in ctx ("" when none was set:
// a local caller).
func CallerFrom(ctx context.Context) string {
	s, _ := ctx.Value(callerKey{}).(string)
	return s
}
