package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/service"
)

func newDefCmd(e *env) *cobra.Command {
	var o queryOpts
	cmd := &cobra.Command{
		Use:   "def SYMBOL",
		Short: "Show where a symbol is defined: signature, doc, source and members",
		Long: `Def prints the definition of SYMBOL: its location, kind, signature, doc
comment, the start of its source and the symbols it contains (fields,
methods).

` + symbolHelp,
		Example: `  codegraph def Server.Handle
  codegraph def store.Store.Get              # package-qualified
  codegraph def pkg/server/server.go:42      # the definition spanning line 42
  codegraph def 3f2a9c0d11e5b7a4 --json      # by id`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			d, err := opDef.ask(ctx, c, o.target(args[0]))
			if err != nil {
				return o.fail(e, err, "def")
			}
			if o.asJSON {
				return writeJSON(e.stdout, d)
			}
			printDef(e.stdout, d)
			return nil
		},
	}
	o.register(cmd, 0)
	o.registerAt(cmd)
	return cmd
}

func printDef(w io.Writer, d *query.Definition) {
	fmt.Fprintf(w, "%s:%d-%d\t%s\t%s\t[%s]\n", d.File, d.Line, d.EndLine, d.Kind, d.QualifiedName, d.ID)
	if d.Signature != "" {
		fmt.Fprintln(w, d.Signature)
	}
	if d.Parent != nil {
		fmt.Fprintf(w, "in %s %s (%s:%d)\n", d.Parent.Kind, d.Parent.QualifiedName, d.Parent.File, d.Parent.Line)
	}
	if d.Doc != "" {
		fmt.Fprintf(w, "\n%s\n", d.Doc)
	}
	if d.Code != "" {
		fmt.Fprintln(w)
		for i, l := range strings.Split(d.Code, "\n") {
			fmt.Fprintf(w, "%5d  %s\n", d.Line+uint32(i), l)
		}
		if d.CodeTruncated {
			fmt.Fprintf(w, "%5s  … (to line %d)\n", "", d.EndLine)
		}
	}
	if len(d.Members) > 0 {
		fmt.Fprintf(w, "\nmembers (%d):\n", d.MembersTotal)
		for i := range d.Members {
			fmt.Fprintf(w, "  %s\n", symbolLine(&d.Members[i]))
		}
	}
}

// Helpers shared by the graph query commands (def, refs, callers, callees,
// deps, path, impact, cycles, hubs, outline, overview).

// symbolHelp explains the SYMBOL argument.
const symbolHelp = `SYMBOL is a qualified name (Server.Handle), a name qualified by its package
or directory (server.Server.Handle, pkg/server.Server.Handle), a bare name
(Handle), FILE:NAME (pkg/server/server.go:Server.Handle), FILE:LINE (the
innermost definition spanning that line) or a 16-hex-digit node id. FILE
may be relative to the current directory. When several symbols match, the
command lists them and exits with status 2: pass an id or a qualified name.`

// queryOpts are the flags every query command shares.
type queryOpts struct {
	at       string // --at: answer from the version of a revision (at.go)
	db       string
	asJSON   bool
	limit    int
	cursor   string
	noDaemon bool
}

// register adds --db and --json, and --limit and --cursor when the command
// lists (defLimit > 0).
func (o *queryOpts) register(cmd *cobra.Command, defLimit int) {
	f := cmd.Flags()
	f.StringVar(&o.db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.BoolVar(&o.asJSON, "json", false, "print JSON")
	noDaemonFlag(cmd, &o.noDaemon)
	if defLimit > 0 {
		f.IntVar(&o.limit, "limit", defLimit, "print at most this many items (a page)")
		f.StringVar(&o.cursor, "cursor", "", "print the page after the one that printed this cursor")
	}
}

func (o *queryOpts) page() query.Page { return query.Page{Limit: o.limit, Cursor: o.cursor} }

// connect checks the shared flags and finds who answers: the daemon that
// serves the index, else this process (see client.go).
func (o *queryOpts) connect(ctx context.Context, e *env) (*conn, error) {
	if o.limit < 0 || o.limit > query.MaxLimit {
		return nil, &exitError{2, fmt.Errorf("--limit must be between 1 and %d", query.MaxLimit)}
	}
	c, err := connect(ctx, e, o.db, o.noDaemon || o.at != "")
	if err != nil {
		return nil, err
	}
	c.at = o.at
	return c, nil
}

// target is a SYMBOL argument as the operations take it: with the working
// directory (FILE parts are relative to it) and, for --json, the start of
// each listed symbol's source.
func (o *queryOpts) target(spec string) service.Target {
	wd, _ := os.Getwd()
	return service.Target{Symbol: spec, WD: wd, Snippets: o.asJSON}
}

// fail turns an operation's error into the command's: a symbol that does
// not resolve lists candidates or suggestions (exit 2), a bad cursor is
// the --cursor flag's fault (exit 2).
func (o *queryOpts) fail(e *env, err error, command string) error {
	return queryError(symbolError(e, err, o.asJSON, command))
}

// noDaemonFlag adds --no-daemon to a query command.
func noDaemonFlag(cmd *cobra.Command, v *bool) {
	cmd.Flags().BoolVar(v, "no-daemon", false, "answer in this process even when a codegraph daemon serves the index (also "+envNoDaemon+"=1)")
}

// checkDepth validates a --depth flag.
func checkDepth(flag string, d int) error {
	if d < 1 || d > query.MaxDepth {
		return &exitError{2, fmt.Errorf("%s must be between 1 and %d", flag, query.MaxDepth)}
	}
	return nil
}

// queryError turns the errors of a query caused by its arguments into
// exit status 2.
func queryError(err error) error {
	if errors.Is(err, query.ErrBadCursor) {
		return &exitError{2, fmt.Errorf("--cursor: %w", err)}
	}
	return err
}

// symbolJSONError is the --json form of a symbol that does not resolve.
type symbolJSONError struct {
	Error       string         `json:"error"` // "ambiguous" or "not_found"
	Message     string         `json:"message"`
	Spec        string         `json:"spec"`
	Total       int            `json:"total,omitempty"`
	Candidates  []query.Symbol `json:"candidates,omitempty"`
	Suggestions []query.Symbol `json:"suggestions,omitempty"`
}

func symbolError(e *env, err error, asJSON bool, command string) error {
	var amb *query.AmbiguousError
	var nf *query.NotFoundError
	switch {
	case errors.As(err, &amb):
		if asJSON {
			_ = writeJSON(e.stdout, symbolJSONError{Error: "ambiguous", Message: amb.Error(), Spec: amb.Spec, Total: amb.Total, Candidates: amb.Candidates})
		}
		var b strings.Builder
		fmt.Fprintf(&b, "%s:\n", amb.Error())
		for i := range amb.Candidates {
			c := &amb.Candidates[i]
			fmt.Fprintf(&b, "  %s  %s:%d\t%s\t%s\n", c.ID, c.File, c.Line, c.Kind, c.QualifiedName)
		}
		if amb.Total > len(amb.Candidates) {
			fmt.Fprintf(&b, "  … and %d more\n", amb.Total-len(amb.Candidates))
		}
		c := &amb.Candidates[0]
		fmt.Fprintf(&b, "pass an id or a qualified name, e.g. codegraph %s %s or codegraph %s %s:%s",
			command, c.ID, command, c.File, c.QualifiedName)
		return &exitError{service.CodeAmbiguous.ExitCode(), errors.New(b.String())}
	case errors.As(err, &nf):
		if asJSON {
			_ = writeJSON(e.stdout, symbolJSONError{Error: "not_found", Message: nf.Error(), Spec: nf.Spec, Suggestions: nf.Suggestions})
		}
		return &exitError{service.CodeNotFound.ExitCode(), err}
	}
	return err
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// symbolLine renders a symbol as file:line, kind, qualified name and
// signature, tab-separated.
// Library symbols show their library instead.
func symbolLine(s *query.Symbol) string {
	if strings.HasPrefix(s.File, graph.ExternalPrefix) {
		return fmt.Sprintf("%s\t%s\t%s\t", s.File, s.Kind, s.QualifiedName)
	}
	sig := s.Signature
	if sig == "" {
		sig = s.QualifiedName
	}
	return fmt.Sprintf("%s:%d\t%s\t%s\t%s", s.File, s.Line, s.Kind, s.QualifiedName, sig)
}

// describe names a symbol briefly: qualified name, kind and location.
func describe(s *query.Symbol) string {
	if s.Kind == graph.KindFile.String() {
		return s.File + " (file)"
	}
	if strings.HasPrefix(s.File, graph.ExternalPrefix) {
		return fmt.Sprintf("%s (%s, %s)", s.QualifiedName, s.Kind, s.File)
	}
	return fmt.Sprintf("%s (%s, %s:%d)", s.QualifiedName, s.Kind, s.File, s.Line)
}

// edgeNote renders where an edge was written and, when it is not certain,
// how it was resolved.
func edgeNote(verb string, r *query.EdgeRef) string {
	s := fmt.Sprintf("[%s at %s:%d", verb, r.File, r.Line)
	switch r.Resolution {
	case "ambiguous":
		s += fmt.Sprintf(", ambiguous 1/%d", r.Candidates)
	case "inferred", "unresolved", "external", "precise", "dynamic":
		s += ", " + r.Resolution
	}
	return s + "]"
}

// moreHint tells how to get the next page.
func moreHint(e *env, shown, total int, next string) {
	if next != "" {
		fmt.Fprintf(e.stderr, "(%d of %d shown; next page: --cursor %s)\n", shown, total, next)
	}
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// parseEdgeKinds reads a comma-separated list of edge kinds.
func parseEdgeKinds(flag, list string) ([]graph.EdgeKind, error) {
	var out []graph.EdgeKind
	for _, s := range splitList([]string{list}) {
		k, ok := graph.ParseEdgeKind(s)
		if !ok {
			var names []string
			for _, k := range graph.EdgeKinds() {
				names = append(names, k.String())
			}
			return nil, &exitError{2, fmt.Errorf("%s: unknown edge kind %q; kinds: %s", flag, s, strings.Join(names, ", "))}
		}
		out = append(out, k)
	}
	return out, nil
}
