// Package query answers questions about a stored code graph: where a symbol
// is defined and referenced, who calls it and what it calls, what a symbol,
// file or package depends on and what depends on it (impact), the shortest
// path between two symbols, cycles between packages, hubs, a file's outline
// and an overview of the repository.
//
// It is the one implementation every front door shares: the command line,
// and the MCP and HTTP servers, translate their requests into calls on an
// Engine and render the plain, JSON-tagged result structs it returns.
//
// Queries work on whatever the index has resolved. Edges whose destination
// is unknown (graph.ResUnresolved) are reported as such where they matter
// (unresolved callees; unresolved call sites that could reach an impact set,
// which make the impact a lower bound) and never followed. Every list result
// is bounded and paginated with an opaque cursor; every traversal is bounded
// (Options.MaxNodes) and stops promptly when its context is cancelled.
//
// The package reads the store through the small Reader interface and knows
// nothing of parsing, indexing or protocols. It reads source lines (for
// snippets and reference text) from the repository root recorded in the
// store, and degrades to signatures when a file is gone or has changed since
// it was indexed.
package query
