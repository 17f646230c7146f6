package cli

import (
	"context"
	"errors"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

// registerAt adds --at to a query command.
func (o *queryOpts) registerAt(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.at, "at", "", "answer from the graph of a git revision or version tag (see codegraph versions) instead of the index")
}

// openAt returns an engine over the version of o.at (created when there
// is none); st, the index, says where the repository is and is returned
// for the caller to close.
func (o *queryOpts) openAt(st *store.Store) (*store.Store, *query.Engine, error) {
	root, err := st.Meta(query.MetaRoot)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	g, err := service.VersionGraph(context.Background(), string(root), st.Dir(), o.at)
	if err != nil {
		st.Close()
		if errors.Is(err, service.ErrInvalid) || errors.Is(err, service.ErrNotFound) {
			return nil, nil, &exitError{2, err}
		}
		return nil, nil, err
	}
	// The working tree's files are not the revision's: no source lines.
	return st, query.New(g, query.Options{NoSource: true}), nil
}
