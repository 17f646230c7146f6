package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"
)

// preciseFlags are index's --precise and --no-precise.
//
// A plain `codegraph index` does not run the precise tier unless asked
// (--precise): the process ends when the command does, so there is no
// background to run it in, and type-checking a module takes longer than
// indexing it (the go command may also build or download dependencies),
// which would make the fast first answer slow. Long-running processes
// (watch, serve, the daemon, mcp) run it in the background by default;
// an index handed to the daemon gets it there unless --no-precise.
type preciseFlags struct {
	on, off bool
}

func (p *preciseFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.BoolVar(&p.on, "precise", false, "after indexing, run the precise tier and wait for it: type-check the Go packages that changed (and their importers) and replace their heuristic edges with the compiler's")
	f.BoolVar(&p.off, "no-precise", false, "do not run the precise tier (the default for an index run in this process; a daemon otherwise runs it in the background)")
	cmd.MarkFlagsMutuallyExclusive("precise", "no-precise")
}

// after runs the precise pass over the index at db when --precise.
func (p *preciseFlags) after(ctx context.Context, e *env, db string, quiet bool) error {
	if !p.on {
		return nil
	}
	state, err := runPrecise(ctx, db, false)
	if err != nil {
		return fmt.Errorf("precise: %w (the heuristic index is complete)", err)
	}
	if !quiet {
		printPrecise(e.stderr, state)
	}
	return nil
}

// viaDaemon notes, for an index the daemon ran, where its precise pass is.
func (p *preciseFlags) viaDaemon(e *env, quiet bool) {
	if p.on && !quiet {
		fmt.Fprintln(e.stderr, "precise: the daemon runs the precise tier in the background after its index runs; `codegraph status` shows its progress")
	}
}
