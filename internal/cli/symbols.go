package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/service"
)

// symbolJSON is the machine-readable form of a node in symbols output.
type symbolJSON struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	Name          string `json:"name"`
	QualifiedName string `json:"qualified_name"`
	File          string `json:"file"`
	Line          uint32 `json:"line"`
	EndLine       uint32 `json:"end_line"`
	Language      string `json:"language"`
	Signature     string `json:"signature,omitempty"`
	Visibility    string `json:"visibility,omitempty"`
	Doc           string `json:"doc,omitempty"`
}

func toSymbolJSON(n *graph.Node) symbolJSON {
	return symbolJSON{ID: n.ID.String(), Kind: n.Kind.String(), Name: n.Name, QualifiedName: n.QualifiedName,
		File: n.File, Line: n.StartLine, EndLine: n.EndLine, Language: n.Language, Signature: n.Signature,
		Visibility: n.Visibility.String(), Doc: n.Doc}
}

func newSymbolsCmd(e *env) *cobra.Command {
	var (
		db, kind, name, language, cursor string
		files                            []string
		limit                            int
		asJSON, withDoc, noDaemon        bool
	)
	cmd := &cobra.Command{
		Use:   "symbols",
		Short: "List indexed symbols, filtered by kind, file, name or language",
		Long: `Symbols lists the nodes of the code graph: functions, methods, classes,
structs, interfaces, fields, variables, imports and so on. Filters combine;
they are the same as those of GET /nodes and GraphQL nodes.

--file takes a repository-relative path or a gitignore-style glob, as
search's --path does (repeatable: pkg/*.go, 'internal/**', '!**/*_test.go';
with only ! globs every file but those). --name matches the bare name
exactly, or the qualified name when it contains a dot (Server.Handle); it
also accepts globs (Handle*).

Symbols come a page at a time (--limit, default 1000), in a stable order.
When more remain, symbols says so on stderr with the cursor that resumes
after the page (--cursor); --limit 0 prints them all.`,
		Example: `  codegraph symbols --kind function --file pkg/server.go
  codegraph symbols --name Server.Handle
  codegraph symbols --kind class --lang python --limit 20
  codegraph symbols --file 'internal/*/*.go' --json
  codegraph symbols --kind function --file '!**/*_test.go' --limit 100 --cursor CURSOR`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var kinds []graph.NodeKind
			for _, k := range splitList([]string{kind}) {
				nk, ok := graph.ParseNodeKind(k)
				if !ok {
					names := make([]string, 0)
					for _, k := range graph.NodeKinds() {
						names = append(names, k.String())
					}
					return &exitError{2, fmt.Errorf("unknown kind %q; kinds: %s", k, strings.Join(names, ", "))}
				}
				kinds = append(kinds, nk)
			}
			if limit < 0 {
				return &exitError{2, fmt.Errorf("--limit must be 0 (all) or positive")}
			}
			f := service.NodeFilter{Kinds: kinds, Langs: splitList([]string{language}), Paths: files, Name: name}
			if _, err := f.Matcher(); err != nil {
				return &exitError{2, err}
			}
			ctx := cmd.Context()
			c, err := connect(ctx, e, db, noDaemon)
			if err != nil {
				return err
			}
			defer c.Close()
			// Pages of at most MaxListLimit; --limit 0 follows them all.
			var out []graph.Node
			next := cursor
			for {
				size := service.MaxListLimit
				if limit > 0 {
					size = min(limit-len(out), service.MaxListLimit)
				}
				page, err := opNodes.ask(ctx, c, service.ListRequest{Filter: f, Limit: size, Cursor: next})
				if err != nil {
					if errors.Is(err, service.ErrInvalid) {
						return &exitError{2, err}
					}
					return err
				}
				out = append(out, page.Nodes...)
				next = page.NextCursor
				if next == "" || limit > 0 && len(out) >= limit {
					break
				}
			}
			sort.SliceStable(out, func(i, j int) bool {
				if out[i].File != out[j].File {
					return out[i].File < out[j].File
				}
				return out[i].StartByte < out[j].StartByte
			})
			if next != "" {
				fmt.Fprintf(e.stderr, "(%d symbols shown; more match: add --cursor %s for the next page, or --limit 0 for all)\n", len(out), next)
			}
			if asJSON {
				js := make([]symbolJSON, 0, len(out))
				for i := range out {
					s := toSymbolJSON(&out[i])
					if !withDoc {
						s.Doc = ""
					}
					js = append(js, s)
				}
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(js)
			}
			if len(out) == 0 {
				fmt.Fprintln(e.stderr, "no matching symbols")
				return nil
			}
			for _, n := range out {
				sig := n.Signature
				if sig == "" {
					sig = n.QualifiedName
				}
				fmt.Fprintf(e.stdout, "%s:%d\t%s\t%s\t%s\n", n.File, n.StartLine, n.Kind, n.QualifiedName, sig)
				if withDoc && n.Doc != "" {
					fmt.Fprintf(e.stdout, "\t%s\n", strings.ReplaceAll(n.Doc, "\n", "\n\t"))
				}
			}
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	f.StringVar(&kind, "kind", "", "only these kinds, comma-separated (function,method,class,struct,interface,...)")
	f.StringArrayVar(&files, "file", nil, "only symbols in files matching this path or gitignore-style glob (repeatable; !GLOB excludes)")
	f.StringVar(&name, "name", "", "only symbols with this name (bare or qualified; globs allowed)")
	f.StringVar(&language, "lang", "", "only symbols of these languages, comma-separated")
	f.IntVar(&limit, "limit", 1000, "print at most this many symbols (0: all)")
	f.StringVar(&cursor, "cursor", "", "resume after the page that printed this cursor")
	f.BoolVar(&asJSON, "json", false, "print a JSON array")
	f.BoolVar(&withDoc, "doc", false, "include doc comments")
	noDaemonFlag(cmd, &noDaemon)
	return cmd
}
