// Package graphql is codegraph's GraphQL API: a schema-first gqlgen server
// (schema.graphqls; generated.go and models_gen.go are generated from it by
// go generate) over the service layer, served at /graphql over HTTP POST,
// GET and WebSocket (graphql-transport-ws subscriptions), with a GraphiQL
// page.
//
// It is a thin adapter: reads go to query, search and the store through a
// service snapshot, writes and jobs to the service. Lazy fields (a node's
// relationships, parent and the nodes of results) are read through a
// per-response loader that batches the ids asked for within one resolution
// tick into one store read, so a query over many nodes costs a few batched
// reads, not one per node. Query depth and complexity are limited so that
// one query cannot take the server down.
package graphql

//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml
