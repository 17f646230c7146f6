package service

import (
	"context"
	"errors"
	"fmt"

	"github.com/codegraph-dev/codegraph/internal/graphexport"
	"github.com/codegraph-dev/codegraph/internal/query"
)

// MaxExportNodes bounds the nodes an export through the service may have
// in the data formats (json, ndjson, graphml); the drawn formats (dot,
// mermaid, svg) are bounded by graphexport.DefaultDrawMax. A front door
// answers one request from memory, so the whole index of a large
// repository is refused with a message that suggests a selection.
const MaxExportNodes = query.DefaultMaxNodes

// Export selects the subgraph sel names from the repository's current
// snapshot for writing in format f (graphexport.Write). A sel.MaxNodes of
// 0, or one above the format's limit, is replaced by that limit.
// Errors wrap ErrInvalid for a malformed selection, ErrTooLarge when the
// selection exceeds the limit, and the query package's not-found and
// ambiguous errors for the root.
func (r *Repo) Export(ctx context.Context, f graphexport.Format, sel graphexport.Selection) (*graphexport.Graph, error) {
	if err := Require(ctx, ReadOnly); err != nil {
		return nil, err
	}
	if _, err := graphexport.ParseFormat(string(f)); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	limit := MaxExportNodes
	if f.Drawn() {
		limit = graphexport.DefaultDrawMax
	}
	if sel.MaxNodes <= 0 || sel.MaxNodes > limit {
		sel.MaxNodes = limit
	}
	sn, release, err := r.Acquire()
	if err != nil {
		return nil, err
	}
	defer release()
	g, err := graphexport.Select(ctx, sn.Store, sn.Graph, sel)
	switch {
	case errors.Is(err, graphexport.ErrTooLarge):
		return nil, fmt.Errorf("%w: %w", ErrTooLarge, err)
	case errors.Is(err, graphexport.ErrInvalid):
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	return g, err
}
