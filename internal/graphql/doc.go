// Package graphql is codegraph's GraphQL API: a schema-first gqlgen server
// (schema.graphqls; generated.go and models_gen.go are generated from it by
// go generate, and make check-generated verifies the committed output) over
// the service layer, served at /graphql over HTTP POST, GET (queries only)
// and WebSocket (subscriptions with the graphql-transport-ws protocol, and
// the older graphql-ws one), with a GraphiQL page (Playground).
//
// It is a thin adapter: reads go to query, search and the store through a
// service snapshot taken once per response; writes and jobs go to the
// service, which checks access (service.WithAccess on the request context,
// set by the server's key middleware). Lazy fields (a node's relationships
// and parent, the nodes of results) are read through a per-response
// loader that batches the ids asked for within one resolution tick into
// one store read (NodesByID, InEdgesMany, OutEdgesMany), so a query over
// 50 nodes and their relationships costs a few reads, not one per node.
// Query depth (Options.MaxDepth) and complexity (Options.MaxComplexity:
// list fields cost their bound times their selection) are limited so that
// one query cannot take the server down. Errors carry a "code" extension
// (NOT_FOUND, BAD_USER_INPUT, CONFLICT, FORBIDDEN, UNAVAILABLE, INTERNAL,
// DEPTH_LIMIT_EXCEEDED, COMPLEXITY_LIMIT_EXCEEDED...) and the HTTP "status"
// the REST API gives the same condition.
//
// Examples:
//
//	curl -s localhost:8080/graphql -H 'content-type: application/json' -d '{"query":
//	  "{ nodes(filter: {qualifiedName: \"Store.Get\"}) { edges { node { id filePath lineNumber
//	     callers(depth: 2) { items { node { qualifiedName } } } } } } }"}'
//
//	{ search(query: "parse config file", options: {mode: HYBRID, limit: 5}) {
//	    hits { score node { qualifiedName filePath relationships(kinds: [CALLS]) { target { name } } } } } }
//
//	mutation { parseProject(input: {force: false}) { taskId } }
//	subscription { parseProgress(taskId: "...") { state progress { phase percent } } }
//
//	subscription { nodeCreated { id name } }
//	mutation { createNode(input: {nodeType: CLASS, name: "Billing", doc: "Bills orders."}) { id } }
//
// testdata/graphql-e2e/e2e.mjs runs the last two flows with the npm
// graphql-ws client against any server: node e2e.mjs http://HOST/graphql.
package graphql

//go:generate go run github.com/99designs/gqlgen generate --config gqlgen.yml
//go:generate go run ./internal/lazyschema generated.go
