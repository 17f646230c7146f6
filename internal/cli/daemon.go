package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/codegraph-dev/codegraph/internal/daemon"
	"github.com/codegraph-dev/codegraph/internal/index"
	"github.com/codegraph-dev/codegraph/internal/jobs"
	cgmcp "github.com/codegraph-dev/codegraph/internal/mcp"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/server"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newDaemonCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "daemon",
		Short: "Run one always-on codegraph process for all your repositories",
		Long: `The daemon is one long-running codegraph process per user. It serves the
repositories registered with it over a private Unix socket (the HTTP API of
'codegraph serve', MCP at /mcp), watches their files and keeps their indexes
up to date, and is what 'codegraph index' hands its work to when it runs:
the daemon holds the index, so a CLI run never meets a locked index.

Its files (pid file, socket, log, the list of repositories) live in
$CODEGRAPH_DAEMON_DIR, else $XDG_RUNTIME_DIR/codegraph, else the user cache
directory's codegraph/. Registered repositories are remembered across
restarts. Without a daemon every command works on its own.`,
		Example: `  codegraph daemon start                 # serve the repository here
  codegraph daemon start --repo api=~/src/api --repo web=~/src/web
  codegraph index ~/src/other            # registers it and indexes through the daemon
  codegraph daemon status
  codegraph daemon stop`,
	}
	cmd.AddCommand(newDaemonStartCmd(e), newDaemonStopCmd(e), newDaemonStatusCmd(e), newDaemonRunCmd(e))
	return cmd
}

func daemonPaths() (daemon.Paths, error) {
	return daemon.DefaultPaths()
}

func newDaemonStartCmd(e *env) *cobra.Command {
	var repos []string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "start",
		Short: "Start the daemon in the background",
		Long: `Start launches 'codegraph daemon run' as a detached process and returns
once it answers on its socket. It serves the repositories it served before,
those given with --repo NAME=PATH, and (with neither) the repository in the
working directory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := daemonPaths()
			if err != nil {
				return err
			}
			exe, err := os.Executable()
			if err != nil {
				return err
			}
			runArgs := []string{"daemon", "run"}
			for _, r := range repos {
				name, path, ok := strings.Cut(r, "=")
				if !ok || name == "" || path == "" {
					return &exitError{2, fmt.Errorf("--repo %q: want NAME=PATH", r)}
				}
				abs, err := daemon.CheckRoot(expandHome(path))
				if err != nil {
					return &exitError{2, fmt.Errorf("--repo %s: %w", r, err)}
				}
				runArgs = append(runArgs, "--repo", name+"="+abs)
			}
			if len(repos) == 0 {
				wd, err := os.Getwd()
				if err != nil {
					return err
				}
				runArgs = append(runArgs, "--here", wd)
			}
			pid, err := daemon.Start(cmd.Context(), p, exe, runArgs, timeout)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "codegraph daemon started (pid %d, socket %s, log %s)\n", pid, p.Socket, p.Log)
			return nil
		},
	}
	cmd.Flags().StringArrayVar(&repos, "repo", nil, "serve the repository at PATH under NAME (NAME=PATH, repeatable)")
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait for the daemon to answer")
	return cmd
}

func newDaemonStopCmd(e *env) *cobra.Command {
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "stop",
		Short: "Stop the daemon (it finishes in-flight work and closes its indexes)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := daemonPaths()
			if err != nil {
				return err
			}
			err = daemon.Stop(cmd.Context(), p, timeout)
			if errors.Is(err, daemon.ErrNotRunning) {
				fmt.Fprintln(e.stdout, "no codegraph daemon is running")
				return nil
			}
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, "codegraph daemon stopped")
			return nil
		},
	}
	cmd.Flags().DurationVar(&timeout, "timeout", 30*time.Second, "how long to wait before killing it")
	return cmd
}

// daemonRepo is one repository as the daemon reports it.
type daemonRepo struct {
	Name       string `json:"name"`
	Root       string `json:"root"`
	DB         string `json:"db"`
	IndexState string `json:"index_state,omitempty"`
}

// daemonStatus is what `daemon status --json` prints.
type daemonStatus struct {
	daemon.Status
	Repos []daemonRepo `json:"repos,omitempty"`
}

func newDaemonStatusCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "status",
		Short: "Say whether the daemon runs and what it serves (exit 3 when it does not run)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			p, err := daemonPaths()
			if err != nil {
				return err
			}
			st := daemonStatus{Status: daemon.Probe(cmd.Context(), p)}
			if st.Running {
				st.Repos, err = daemonRepos(cmd.Context(), p)
				if err != nil {
					return err
				}
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(st); err != nil {
					return err
				}
			} else if st.Running {
				fmt.Fprintf(e.stdout, "codegraph daemon running (pid %d, socket %s)\n", st.PID, st.Socket)
				for _, r := range st.Repos {
					fmt.Fprintf(e.stdout, "  %-20s %s  [%s]\n", r.Name, r.Root, r.IndexState)
				}
			} else {
				msg := "no codegraph daemon is running"
				if st.Stale {
					msg += " (files of a stopped one remain; 'codegraph daemon start' replaces them)"
				}
				fmt.Fprintln(e.stdout, msg)
			}
			if !st.Running {
				return &exitError{3, errSilent}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

// errSilent ends a command with an exit code and no message.
var errSilent = errors.New("")

func newDaemonRunCmd(e *env) *cobra.Command {
	var (
		repos   []string
		here    string
		verbose bool
		ef      embeddingFlags
	)
	var noPrecise bool // see noPreciseFlag
	cmd := &cobra.Command{
		Use:   "run",
		Short: "Run the daemon in the foreground (what 'daemon start' launches)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			level := slog.LevelInfo
			if verbose {
				level = slog.LevelDebug
			}
			log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: level}))
			p, err := daemonPaths()
			if err != nil {
				return err
			}
			var flagSpecs []service.RepoSpec
			for _, r := range repos {
				name, path, ok := strings.Cut(r, "=")
				if !ok || name == "" || path == "" {
					return &exitError{2, fmt.Errorf("--repo %q: want NAME=PATH", r)}
				}
				root, err := daemon.CheckRoot(expandHome(path))
				if err != nil {
					return &exitError{2, fmt.Errorf("--repo %s: %w", r, err)}
				}
				flagSpecs = append(flagSpecs, service.RepoSpec{Name: name, Root: root})
			}
			// The lock and the socket first: a second daemon stops here,
			// before opening any index. Released last, after the indexes
			// are closed.
			ln, err := daemon.Listen(cmd.Context(), p)
			if err != nil {
				return err
			}
			defer ln.Release()
			reg := &repoRegistry{path: filepath.Join(p.Dir, "repos.json")}
			specs, err := reg.load()
			if err != nil {
				log.Warn("daemon: ignoring the saved repository list", "err", err)
			}
			kept := specs[:0]
			for _, s := range specs {
				if _, err := daemon.CheckRoot(s.Root); err != nil {
					log.Warn("daemon: dropping a saved repository", "name", s.Name, "err", err)
					continue
				}
				kept = append(kept, s)
			}
			specs = kept
			for _, s := range flagSpecs {
				specs = addSpec(specs, s)
			}
			if here != "" && len(specs) == 0 {
				if err := os.Chdir(here); err != nil {
					return err
				}
				found, auto, err := mcpRepos("", nil, log)
				if err != nil {
					return err
				}
				if !auto {
					return &exitError{2, errors.New("no repository to serve: run 'codegraph daemon start' inside one, or pass --repo NAME=PATH")}
				}
				for _, s := range found {
					if _, err := daemon.CheckRoot(s.Root); err != nil {
						return &exitError{2, err}
					}
				}
				specs = append(specs, found...)
			}
			if len(specs) == 0 {
				return &exitError{2, errors.New("no repository to serve: pass --repo NAME=PATH")}
			}
			specs = nameSpecs(specs)
			emb, err := ef.config()
			if err != nil {
				return err
			}
			svc, err := service.New(service.Options{Repos: specs, AutoIndex: true, Watch: true, WatchCommand: "codegraph daemon", Precise: !noPrecise, Search: search.Config{Embedding: emb}, Logger: log})
			if err != nil {
				return err
			}
			defer svc.Close()
			reg.save(svc)
			mcpSrv, err := cgmcp.New(cgmcp.Options{Service: svc, Logger: log, Version: Version})
			if err != nil {
				return err
			}
			defer mcpSrv.Close()
			mount, streams, public := frontDoors(svc, mcpSrv, nil, 0, log, nil)
			mount["/daemon/repos"] = daemonReposHandler(svc, reg)
			mount[queryPath] = daemonQueryHandler(svc) // client.go: the query commands' operations
			// The socket is private to the user (0600 in a 0700 directory):
			// no keys, no rate limit, and any Host (clients name none; DNS
			// rebinding cannot reach a Unix socket).
			srv, err := server.New(server.Options{Service: svc, Mount: mount, StreamMounts: streams, PublicMounts: public, RateLimit: -1, AllowedHosts: []string{"*"}, Logger: log})
			if err != nil {
				return err
			}
			defer srv.Close()
			hs := srv.HTTPServer("unix:" + p.Socket)
			hs.RegisterOnShutdown(srv.StopStreams)
			log.Info("codegraph daemon serving", "socket", p.Socket, "pid", os.Getpid(), "repos", strings.Join(svc.RepoNames(), ","))
			// A signal cancels index jobs at once, as in serve: an
			// interrupted run is finished by the next one.
			return serveUntilSignal(cmd.Context(), hs, ln, log, defaultShutdownGrace, func() { svc.Jobs().Stop() })
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&repos, "repo", nil, "serve the repository at PATH under NAME (NAME=PATH, repeatable)")
	f.StringVar(&here, "here", "", "serve the repository enclosing this directory when no other is registered")
	f.BoolVarP(&verbose, "verbose", "v", false, "log diagnostics")
	noPreciseFlag(cmd, &noPrecise)
	ef.register(cmd)
	return cmd
}

// addSpec adds s to specs unless a repository with that root is there.
func addSpec(specs []service.RepoSpec, s service.RepoSpec) []service.RepoSpec {
	abs, err := filepath.Abs(s.Root)
	if err == nil {
		s.Root = abs
	}
	for i, o := range specs {
		if o.Root == s.Root {
			if s.Name != "" {
				specs[i].Name = s.Name
			}
			return specs
		}
	}
	return append(specs, s)
}

// nameSpecs gives every unnamed repository a unique name (its base name,
// then base name-2, ...), since a daemon serves several.
func nameSpecs(specs []service.RepoSpec) []service.RepoSpec {
	taken := map[string]bool{}
	for _, s := range specs {
		if s.Name != "" {
			taken[s.Name] = true
		}
	}
	for i := range specs {
		if specs[i].Name != "" {
			continue
		}
		specs[i].Name = uniqueName(filepath.Base(specs[i].Root), taken)
	}
	return specs
}

func uniqueName(base string, taken map[string]bool) string {
	base = strings.NewReplacer("/", "-", " ", "-", "\t", "-").Replace(base)
	if base == "" || base == "." {
		base = "repo"
	}
	name := base
	for i := 2; taken[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	taken[name] = true
	return name
}

// repoRegistry remembers the daemon's repositories across restarts.
type repoRegistry struct {
	path string
	mu   sync.Mutex
}

func (g *repoRegistry) load() ([]service.RepoSpec, error) {
	b, err := os.ReadFile(g.path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var specs []service.RepoSpec
	if err := json.Unmarshal(b, &specs); err != nil {
		return nil, fmt.Errorf("%s: %w", g.path, err)
	}
	// Repositories that were removed since are dropped.
	kept := specs[:0]
	for _, s := range specs {
		if fi, err := os.Stat(s.Root); err == nil && fi.IsDir() {
			kept = append(kept, s)
		}
	}
	return kept, nil
}

func (g *repoRegistry) save(svc *service.Service) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var specs []service.RepoSpec
	for _, r := range svc.Repos() {
		specs = append(specs, service.RepoSpec{Name: r.Name(), Root: r.Root(), DB: r.DB()})
	}
	b, err := json.MarshalIndent(specs, "", "  ")
	if err != nil {
		return
	}
	// A new file renamed into place: never written through a symlink.
	tmp := g.path + ".tmp"
	os.Remove(tmp)
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return
	}
	_, werr := f.Write(append(b, '\n'))
	if cerr := f.Close(); werr == nil && cerr == nil {
		os.Rename(tmp, g.path)
	} else {
		os.Remove(tmp)
	}
}

// daemonReposHandler answers GET /daemon/repos (the repositories served,
// with their index state) and POST /daemon/repos {"root","db","name"}
// (serve another one; an already served root is returned as it is).
func daemonReposHandler(svc *service.Service, reg *repoRegistry) http.Handler {
	list := func() []daemonRepo {
		var out []daemonRepo
		for _, r := range svc.Repos() {
			out = append(out, daemonRepo{Name: r.Name(), Root: r.Root(), DB: r.DB(), IndexState: r.State().String()})
		}
		sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
		return out
	}
	reply := func(w http.ResponseWriter, status int, v any) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(v)
	}
	fail := func(w http.ResponseWriter, status int, code, msg string) {
		reply(w, status, map[string]any{"error": map[string]string{"code": code, "message": msg}})
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/daemon/repos" {
			fail(w, http.StatusNotFound, "not_found", "no route "+r.URL.Path)
			return
		}
		switch r.Method {
		case http.MethodGet:
			reply(w, http.StatusOK, map[string]any{"repos": list()})
		case http.MethodPost:
			var in service.RepoSpec
			if err := json.NewDecoder(io.LimitReader(r.Body, 1<<16)).Decode(&in); err != nil || in.Root == "" {
				fail(w, http.StatusBadRequest, "bad_request", `want {"root": "/abs/path", "db": "optional", "name": "optional"}`)
				return
			}
			if !filepath.IsAbs(in.Root) || (in.DB != "" && !filepath.IsAbs(in.DB)) {
				fail(w, http.StatusBadRequest, "bad_request", "root and db must be absolute paths")
				return
			}
			root, err := daemon.CheckRoot(in.Root)
			if err != nil {
				fail(w, http.StatusBadRequest, "bad_root", err.Error())
				return
			}
			in.Root = root
			if in.Name == "" {
				taken := map[string]bool{}
				for _, x := range svc.Repos() {
					if x.Root() == in.Root {
						in.Name = x.Name()
					}
					taken[x.Name()] = true
				}
				if in.Name == "" {
					in.Name = uniqueName(filepath.Base(in.Root), taken)
				}
			}
			repo, err := svc.AddRepo(in)
			if err != nil {
				fail(w, http.StatusBadRequest, "bad_request", err.Error())
				return
			}
			reg.save(svc)
			reply(w, http.StatusOK, daemonRepo{Name: repo.Name(), Root: repo.Root(), DB: repo.DB(), IndexState: repo.State().String()})
		default:
			w.Header().Set("Allow", "GET, POST")
			fail(w, http.StatusMethodNotAllowed, "method_not_allowed", r.Method+" is not allowed here")
		}
	})
}

// daemonRepos asks a running daemon for its repositories.
func daemonRepos(ctx context.Context, p daemon.Paths) ([]daemonRepo, error) {
	var out struct {
		Repos []daemonRepo `json:"repos"`
	}
	if err := daemonCall(ctx, p, http.MethodGet, "/daemon/repos", nil, &out); err != nil {
		return nil, err
	}
	return out.Repos, nil
}

// daemonCall sends one JSON request to the daemon and decodes the answer.
func daemonCall(ctx context.Context, p daemon.Paths, method, path string, in, out any) error {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return err
		}
		body = strings.NewReader(string(b))
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://codegraph"+path, body)
	if err != nil {
		return err
	}
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := daemon.Client(p).Do(req)
	if err != nil {
		return fmt.Errorf("daemon: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode >= 300 {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		if json.Unmarshal(b, &e) == nil && e.Error.Message != "" {
			return fmt.Errorf("daemon: %s", e.Error.Message)
		}
		return fmt.Errorf("daemon: %s %s: %s", method, path, resp.Status)
	}
	if out != nil {
		return json.Unmarshal(b, out)
	}
	return nil
}

// daemonIndexFlags are the index flags a daemon run honours; any other
// flag makes `codegraph index` run in-process.
var daemonIndexFlags = map[string]bool{"force": true, "quiet": true, "json": true, "db": true, "no-daemon": true}

// indexViaDaemon hands an index run to a running daemon (registering the
// repository with it first) and follows the job until it ends. ok is false
// when no daemon runs or the flags ask for something only an in-process
// run does.
func indexViaDaemon(cmd *cobra.Command, e *env, root, db string, force, quiet bool) (sum *index.Summary, ok bool, err error) {
	delegable := true
	cmd.Flags().Visit(func(f *pflag.Flag) {
		if !daemonIndexFlags[f.Name] {
			delegable = false
		}
	})
	if !delegable {
		return nil, false, nil
	}
	p, err := daemonPaths()
	if err != nil {
		return nil, false, nil
	}
	ctx := cmd.Context()
	st := daemon.Probe(ctx, p)
	if !st.Running {
		return nil, false, nil
	}
	if root, err = filepath.Abs(root); err != nil {
		return nil, true, err
	}
	if db == "" {
		db = index.DBDirFor(root)
	}
	if db, err = filepath.Abs(db); err != nil {
		return nil, true, err
	}
	var repo daemonRepo
	if err := daemonCall(ctx, p, http.MethodPost, "/daemon/repos", service.RepoSpec{Root: root, DB: db}, &repo); err != nil {
		return nil, true, err
	}
	var job jobs.Job
	if err := daemonCall(ctx, p, http.MethodPost, "/index?repo="+url.QueryEscape(repo.Name), map[string]bool{"force": force}, &job); err != nil {
		return nil, true, err
	}
	if !quiet {
		fmt.Fprintf(e.stderr, "indexing through the codegraph daemon (pid %d) as repository %q\n", st.PID, repo.Name)
	}
	var bar *progressBar
	if !quiet && isTerminal(e.stderr) {
		bar = &progressBar{w: e.stderr}
	}
	tick := time.NewTicker(150 * time.Millisecond)
	defer tick.Stop()
	for !job.State.Terminal() {
		select {
		case <-ctx.Done():
			// Interrupted: the job is the daemon's, but this user asked
			// for it and gave up on it.
			cctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			daemonCall(cctx, p, http.MethodDelete, "/jobs/"+job.ID, nil, nil)
			cancel()
			return nil, true, ctx.Err()
		case <-tick.C:
		}
		if err := daemonCall(ctx, p, http.MethodGet, "/jobs/"+job.ID, nil, &job); err != nil {
			return nil, true, err
		}
		if bar != nil {
			bar.job(job.Progress)
		}
	}
	if bar != nil {
		bar.clear()
	}
	switch job.State {
	case jobs.Succeeded:
		b, err := json.Marshal(job.Result)
		if err != nil {
			return nil, true, err
		}
		sum = new(index.Summary)
		if err := json.Unmarshal(b, sum); err != nil {
			return nil, true, fmt.Errorf("daemon: unreadable index summary: %w", err)
		}
		return sum, true, nil
	case jobs.Cancelled:
		return nil, true, errors.New("the daemon's index job was cancelled")
	default:
		return nil, true, fmt.Errorf("index (in the daemon): %s", job.Error)
	}
}

// job draws a daemon job's progress.
func (b *progressBar) job(p jobs.Progress) {
	line := fmt.Sprintf("%3d%%  %s", p.Percent, p.Phase)
	if p.Total > 0 {
		line += fmt.Sprintf("  %d/%d files", p.Done, p.Total)
	}
	if p.Rate > 0 {
		line += fmt.Sprintf("  %.0f files/s", p.Rate)
	}
	if p.Message != "" {
		line += "  " + p.Message
	}
	pad := ""
	if n := b.last - len(line); n > 0 {
		pad = strings.Repeat(" ", n)
	}
	fmt.Fprintf(b.w, "\r%s%s", line, pad)
	b.last = len(line)
}
