// Package server is codegraph's HTTP API: REST routes over the service
// layer (nodes, edges, search, graph queries, parsing, index jobs),
// NDJSON and server-sent-event streams, health and Prometheus metrics, an
// OpenAPI document, and the cross-cutting concerns every route shares:
// API-key access control, per-client rate limiting, CORS, request size
// limits, panic recovery and structured access logs.
//
// The package is a thin protocol adapter: every answer comes from
// internal/service, internal/query and internal/search, so the CLI, MCP
// and HTTP front doors agree. It must not open stores or run indexing
// itself. Other HTTP front doors (MCP, GraphQL) are mounted through
// Options.Mount and get the same access control, limits and metrics.
package server
