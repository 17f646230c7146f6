package cli

import "github.com/spf13/cobra"

// registerAt adds --at to a query command: it answers from the version of
// a revision (service.Snapshot.At), always in this process.
func (o *queryOpts) registerAt(cmd *cobra.Command) {
	cmd.Flags().StringVar(&o.at, "at", "", "answer from the graph of a git revision or version tag (see codegraph versions) instead of the index")
}
