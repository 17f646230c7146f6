package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// MaxSourceLines bounds the lines one SymbolSource answer holds.
const MaxSourceLines = 5000

// SymbolSource is the source text of a node's definition (a file node:
// the file), as it was indexed.
type SymbolSource struct {
	ID       string `json:"id"`
	File     string `json:"file"`
	Language string `json:"language,omitempty"`
	// Line is the number of Lines[0]; EndLine that of the last line.
	Line    uint32   `json:"line"`
	EndLine uint32   `json:"end_line"`
	Lines   []string `json:"lines"`
	// Truncated: the definition has more lines than MaxSourceLines.
	Truncated bool `json:"truncated,omitempty"`
	// Unavailable says why there is no source: a library symbol, a node
	// created through the API, or a file that changed or went away since
	// it was indexed (its line numbers would lie).
	Unavailable string `json:"unavailable,omitempty"`
}

// SymbolSource returns the source of node id's definition, read through
// the shared repository file reader and only when the file still has the
// content the index recorded. An unknown id wraps ErrNotFound.
func (sn *Snapshot) SymbolSource(ctx context.Context, id graph.NodeID) (*SymbolSource, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, err := sn.Store.Node(id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("no node %s: %w", id, ErrNotFound)
		}
		return nil, fmt.Errorf("source of %s: %w", id, err)
	}
	out := &SymbolSource{ID: id.String(), File: n.File, Language: n.Language, Lines: []string{}}
	if graph.Synthetic(n.File) {
		out.Unavailable = "no source: " + n.File + " is not a repository file"
		return out, nil
	}
	whole := n.Kind == graph.KindFile || n.StartLine == 0
	from, to := n.StartLine, n.EndLine
	switch {
	case whole:
		// One line more than the bound tells a longer file.
		from, to = 1, MaxSourceLines+1
	case to < from:
		to = from
	case to-from+1 > MaxSourceLines:
		to = from + MaxSourceLines - 1
		out.Truncated = true
	}
	lines := sn.Source.Source(n.File, from, to)
	if lines == nil {
		out.Unavailable = "no source: " + n.File + " cannot be read or changed since it was indexed (codegraph index updates it)"
		return out, nil
	}
	if whole && len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1] // after the last newline
	}
	if len(lines) > MaxSourceLines {
		lines, out.Truncated = lines[:MaxSourceLines], true
	}
	out.Line, out.EndLine, out.Lines = from, from+uint32(len(lines))-1, lines
	return out, nil
}
