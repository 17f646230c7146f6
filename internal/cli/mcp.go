package cli

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/search"

	"github.com/codegraph-dev/codegraph/internal/index"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/service"
	"github.com/codegraph-dev/codegraph/internal/store"
)

func newMCPCmd(e *env) *cobra.Command {
	var (
		db      string
		repos   []string
		noIndex bool
		watchIt bool
		verbose bool
		ef      embeddingFlags
	)
	var noPrecise bool // see noPreciseFlag
	cmd := &cobra.Command{
		Use:   "mcp",
		Short: "Serve the code graph to AI agents over MCP (stdio)",
		Long: `Mcp serves the code graph over the Model Context Protocol on stdin/stdout,
the way MCP clients (Claude Code, Cursor, VS Code, Codex, ...) start servers.

It serves the repository whose .codegraph/ is in the working directory or
the nearest parent (or --db DIR); without one, the enclosing git repository
(or the working directory) is indexed in the background. Several
repositories are served with --repo NAME=PATH, repeated; tools then take a
repo argument.

The server answers at once. A missing or stale index (files changed since
it was built) is built or updated in the background while tools answer
from what exists; every answer says how fresh it is (index_state). With
--watch the server also watches the files and updates the index within a
second of each save. Several servers may run on one repository: one
writes, the others read.`,
		Example: `  codegraph mcp
  claude mcp add codegraph -- codegraph mcp
  codegraph mcp --watch
  codegraph mcp --repo api=~/src/api --repo web=~/src/web`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelWarn
			if verbose {
				level = slog.LevelDebug
			}
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			specs, auto, err := mcpRepos(db, repos, log)
			if err != nil {
				return &exitError{2, err}
			}
			emb, err := ef.config()
			if err != nil {
				return err
			}
			svc, err := service.New(service.Options{Repos: specs, AutoIndex: auto && !noIndex, Watch: watchIt, WatchCommand: "codegraph mcp --watch", Precise: !noPrecise,
				Search: search.Config{Embedding: emb}, Logger: log})
			if err != nil {
				return err
			}
			defer svc.Close()
			srv, err := cgmcp.New(cgmcp.Options{Service: svc, Logger: log, Version: Version})
			if err != nil {
				return err
			}
			defer srv.Close()
			// Not the SDK's IOTransport: a malformed line gets a JSON-RPC
			// error and the session goes on, and ids round-trip exactly.
			t := &cgmcp.StdioTransport{Reader: e.stdin, Writer: e.stdout, Logger: log}
			err = srv.Run(cmd.Context(), t)
			if errors.Is(err, io.EOF) || errors.Is(err, cmd.Context().Err()) {
				return nil
			}
			return err
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.StringArrayVar(&repos, "repo", nil, "serve the repository at PATH under NAME (NAME=PATH, repeatable)")
	f.BoolVar(&noIndex, "no-index", false, "never build or update the index in the background (the index tool still does)")
	f.BoolVar(&watchIt, "watch", false, "keep the index up to date as files change (this server then holds the index; other servers and CLI queries read it)")
	f.BoolVarP(&verbose, "verbose", "v", false, "log diagnostics to stderr")
	noPreciseFlag(cmd, &noPrecise)
	ef.register(cmd)
	cmd.AddCommand(newMCPInstallCmd(e))
	return cmd
}

// mcpRepos works out the repositories to serve, and whether indexing them
// in the background is sensible (not when the only candidate root is the
// home or root directory).
func mcpRepos(db string, repos []string, log *slog.Logger) ([]cgmcp.RepoSpec, bool, error) {
	if len(repos) > 0 {
		if db != "" {
			return nil, false, fmt.Errorf("--db and --repo do not go together: give each repository as NAME=PATH")
		}
		var specs []cgmcp.RepoSpec
		for _, r := range repos {
			name, p, ok := strings.Cut(r, "=")
			if !ok || name == "" || p == "" {
				return nil, false, fmt.Errorf("--repo %q: want NAME=PATH", r)
			}
			specs = append(specs, cgmcp.RepoSpec{Name: name, Root: expandHome(p)})
		}
		return specs, true, nil
	}
	if db != "" {
		return []cgmcp.RepoSpec{{Root: rootOfDB(db), DB: db}}, true, nil
	}
	if found, err := findDB(""); err == nil {
		return []cgmcp.RepoSpec{{Root: filepath.Dir(found), DB: found}}, true, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, false, err
	}
	root := wd
	for dir := wd; ; {
		if _, err := os.Stat(filepath.Join(dir, ".git")); err == nil {
			root = dir
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	home, _ := os.UserHomeDir()
	if root == home || root == filepath.Dir(root) {
		log.Warn("not indexing in the background: no repository here (run codegraph mcp inside one, or pass --repo)", "dir", root)
		return []cgmcp.RepoSpec{{Root: root}}, false, nil
	}
	return []cgmcp.RepoSpec{{Root: root, DB: index.DBDirFor(root)}}, true, nil
}

// rootOfDB returns the repository root an index was built from: the root
// recorded in it, else the directory holding a .codegraph store, else the
// working directory.
func rootOfDB(db string) string {
	if st, err := store.Open(db, store.Options{ReadOnly: true}); err == nil {
		v, err := st.Meta(index.MetaRoot)
		st.Close()
		if err == nil && len(v) > 0 {
			return string(v)
		}
	}
	if filepath.Base(filepath.Clean(db)) == index.DefaultDirName {
		return filepath.Dir(filepath.Clean(db))
	}
	wd, _ := os.Getwd()
	return wd
}

func expandHome(p string) string {
	if p == "~" || strings.HasPrefix(p, "~/") {
		if h, err := os.UserHomeDir(); err == nil {
			return filepath.Join(h, p[1:])
		}
	}
	return p
}
