// Package cli implements the codegraph command line: one file per
// subcommand, each a thin layer that parses flags, calls into the library
// packages and prints. Output for people goes to stdout; diagnostics to
// stderr; --json gives machine-readable output.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// Version is the codegraph version, set at build time with -ldflags.
var Version = "dev"

// env carries the process streams to commands.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// cfg is the configuration loaded for the running command (index,
	// watch, search, mcp, serve), nil for the others.
	cfg *effectiveConfig
	// cfgRoot is the directory cfg was loaded for (serve reloads it).
	cfgRoot string
}

// exitError carries a specific exit code.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// Main runs the command line and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e, commandNamed(args))
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(stderr, "codegraph:", service.Explain(err, service.DoorCLI))
		}
		return ee.code
	}
	// Everything else by the service's one taxonomy: its exit status, and
	// its message with the command line's hint (a damaged index names the
	// command that rebuilds it).
	fmt.Fprintln(stderr, "codegraph:", service.Explain(err, service.DoorCLI))
	return service.Classify(err).ExitCode()
}

// commands are the subcommands by name, each built by its function.
var commands = []struct {
	name  string
	build func(*env) *cobra.Command
}{
	{"index", newIndexCmd}, {"status", newStatusCmd}, {"symbols", newSymbolsCmd}, {"export", newExportCmd},
	{"def", newDefCmd}, {"refs", newRefsCmd}, {"callers", newCallersCmd}, {"callees", newCalleesCmd},
	{"deps", newDepsCmd}, {"path", newPathCmd}, {"impact", newImpactCmd}, {"cycles", newCyclesCmd},
	{"hubs", newHubsCmd}, {"outline", newOutlineCmd}, {"overview", newOverviewCmd}, {"search", newSearchCmd},
	{"mcp", newMCPCmd}, {"serve", newServeCmd}, {"daemon", newDaemonCmd}, {"watch", newWatchCmd},
	{"version", newVersionCmd}, {"config", newConfigCmd}, {"check", newCheckCmd}, {"backup", newBackupCmd},
	{"diff", newDiffCmd}, {"versions", newVersionsCmd}, {"precise", newPreciseCmd}, {"import-scip", newImportSCIPCmd},
}

// commandNamed is the subcommand the arguments run when the first one
// names one ("" for anything else: help, completion, a flag, a typo). Only
// that command is then built: building all of them (their flags, help and
// defaults) costs every short-lived query command about a millisecond.
func commandNamed(args []string) string {
	if len(args) == 0 {
		return ""
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.name
		}
	}
	return ""
}

// newRoot builds the command tree: with only set, the root and that one
// subcommand (see commandNamed), else every subcommand.
func newRoot(e *env, only string) *cobra.Command {
	root := &cobra.Command{
		Use:   "codegraph",
		Short: "Index source code into a queryable code graph",
		Long: `codegraph turns a source tree into a knowledge graph of code: files, packages,
functions, methods, classes, interfaces, variables and imports, with the
calls, imports, inheritance and reference edges between them. The graph is
stored in an embedded database in .codegraph/ beside your code: no server,
no API key.

Start with:
  codegraph index .                     index the current repository
  codegraph status                      what is indexed
  codegraph def Server.Handle           where a symbol is defined
  codegraph callers Server.Handle       what calls it (--depth N)
  codegraph impact Server.Handle        what breaks if it changes
  codegraph overview                    packages, dependencies, entry points
  codegraph symbols --kind function     list symbols
  codegraph export --format ndjson      stream the whole graph
  codegraph search "parse config file"  find code by what it does (or by name)
  codegraph watch                       keep the index current as files change
  codegraph mcp                         serve the graph to AI agents (MCP, stdio)
  codegraph serve                       HTTP API: REST, GraphQL, streams, MCP
  codegraph daemon start                one background process for all repositories
  codegraph mcp install --client cursor configure an agent to use codegraph
  codegraph version                     version, commit, features
  codegraph config                      effective configuration (codegraph.yaml, env, flags)
  codegraph completion bash             shell completion (bash, zsh, fish, powershell)

SYMBOL arguments accept a qualified name (Server.Handle, pkg/store.Store.Get),
a bare name (several matches list the candidates), FILE:LINE, FILE:NAME or
a node id.

Languages: Go, Python, JavaScript, TypeScript (incl. TSX), Rust, Java, C, C++, C#, Ruby, PHP.
Query commands find the index in .codegraph/ in the working directory or
the nearest parent directory; --db DIR points at one explicitly.`,
		Version:       currentVersion().oneLine(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate("{{.Version}}\n")
	// Configuration files and environment fill in the flags the user did
	// not give (see config.go for the order).
	root.PersistentPreRunE = func(cmd *cobra.Command, args []string) error {
		switch cmd.Name() {
		case "index", "watch", "search", "serve":
		case "mcp":
			if cmd.Parent() != cmd.Root() {
				return nil
			}
		default:
			return nil
		}
		dir, err := configRoot(cmd, args)
		if err != nil {
			return err
		}
		e.cfg, err = applyConfig(cmd, dir)
		e.cfgRoot = dir
		return err
	}
	for _, c := range commands {
		if only == "" || c.name == only {
			root.AddCommand(c.build(e))
		}
	}
	return root
}

// findDB resolves the store directory for query commands: the --db flag,
// else .codegraph/ in the working directory or the nearest parent.
func findDB(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for dir := wd; ; {
		cand := filepath.Join(dir, index.DefaultDirName)
		if fi, err := os.Stat(cand); err == nil && fi.IsDir() {
			return cand, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return "", fmt.Errorf("no index found in %s or any parent directory: run `codegraph index` in your repository first, or pass --db DIR", wd)
}
