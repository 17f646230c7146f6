// Package mcp serves the code graph to AI coding agents over the Model
// Context Protocol (github.com/modelcontextprotocol/go-sdk): tools for
// symbols, references, callers and callees, dependencies, impact, paths,
// outlines, a repository overview, bounded source reads and the index
// itself, resources for files and symbols, and instructions telling the
// agent how to use them.
//
// It is a thin adapter: every tool translates its arguments into one call
// on a query.Engine (or index.Run) and renders the result compactly, as a
// text block for the model and as structured content matching the tool's
// output schema. It owns what is protocol-specific only: argument schemas,
// the per-answer token budget and its cursors, error messages that tell
// the agent what to do next, refusing paths outside the indexed root, and
// keeping the index fresh in the background while answering from the
// read-only snapshot that exists.
//
// Adding a tool is one entry in the table built by (*Server).toolTable: a
// name, a description written for a model, the argument names it takes
// (from the shared property table), an output schema and a handler.
package mcp
