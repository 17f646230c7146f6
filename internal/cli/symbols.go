package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/store"
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

var errLimit = errors.New("limit reached")

func newSymbolsCmd(e *env) *cobra.Command {
	var (
		db, kind, file, name, language string
		limit                          int
		asJSON, withDoc                bool
	)
	cmd := &cobra.Command{
		Use:   "symbols",
		Short: "List indexed symbols, filtered by kind, file, name or language",
		Long: `Symbols lists the nodes of the code graph: functions, methods, classes,
structs, interfaces, fields, variables, imports and so on. Filters combine.

--file takes a repository-relative path (forward slashes) or a glob
(pkg/*.go). --name matches the bare name exactly, or the qualified name when
it contains a dot (Server.Handle); it also accepts globs (Handle*).`,
		Example: `  codegraph symbols --kind function --file pkg/server.go
  codegraph symbols --name Server.Handle
  codegraph symbols --kind class --lang python --limit 20
  codegraph symbols --file 'internal/*/*.go' --json`,
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
			for _, pat := range []string{file, name} {
				if _, err := path.Match(pat, ""); err != nil {
					return &exitError{2, fmt.Errorf("bad glob %q: %w", pat, err)}
				}
			}
			st, err := openRead(db)
			if err != nil {
				return err
			}
			defer st.Close()
			var out []graph.Node
			match := func(n graph.Node) error {
				if n.Kind == graph.KindFile && len(kinds) == 0 && file == "" {
					return nil
				}
				if len(kinds) > 0 && !containsKind(kinds, n.Kind) {
					return nil
				}
				if language != "" && n.Language != language {
					return nil
				}
				if file != "" && !globMatch(file, n.File) {
					return nil
				}
				if name != "" {
					target := n.Name
					if strings.Contains(name, ".") {
						target = n.QualifiedName
					}
					if !globMatch(name, target) {
						return nil
					}
				}
				out = append(out, n)
				if limit > 0 && len(out) >= limit && !sortNeeded(file) {
					return errLimit
				}
				return nil
			}
			err = scanSymbols(st, kinds, file, name, match)
			if err != nil && !errors.Is(err, errLimit) {
				return err
			}
			sort.SliceStable(out, func(i, j int) bool {
				if out[i].File != out[j].File {
					return out[i].File < out[j].File
				}
				return out[i].StartByte < out[j].StartByte
			})
			if limit > 0 && len(out) > limit {
				out = out[:limit]
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
	f.StringVar(&file, "file", "", "only symbols in this file (repository-relative path or glob)")
	f.StringVar(&name, "name", "", "only symbols with this name (bare or qualified; globs allowed)")
	f.StringVar(&language, "lang", "", "only symbols of this language")
	f.IntVar(&limit, "limit", 1000, "print at most this many symbols (0: no limit)")
	f.BoolVar(&asJSON, "json", false, "print a JSON array")
	f.BoolVar(&withDoc, "doc", false, "include doc comments")
	return cmd
}

func sortNeeded(file string) bool { return file == "" || hasGlob(file) }

func hasGlob(s string) bool { return strings.ContainsAny(s, "*?[") }

func globMatch(pattern, s string) bool {
	if !hasGlob(pattern) {
		return pattern == s
	}
	ok, _ := path.Match(pattern, s)
	return ok
}

func containsKind(ks []graph.NodeKind, k graph.NodeKind) bool {
	for _, x := range ks {
		if x == k {
			return true
		}
	}
	return false
}

// scanSymbols picks the narrowest index for the filters given.
func scanSymbols(st *store.Store, kinds []graph.NodeKind, file, name string, fn func(graph.Node) error) error {
	switch {
	case file != "" && !hasGlob(file):
		return st.NodesInFile(file, fn)
	case name != "" && !hasGlob(name) && strings.Contains(name, "."):
		return st.NodesByQualifiedName(name, fn)
	case name != "" && !hasGlob(name):
		return st.NodesByName(name, fn)
	case len(kinds) > 0:
		for _, k := range kinds {
			if err := st.NodesByKind(k, fn); err != nil {
				return err
			}
		}
		return nil
	}
	return st.AllNodes(fn)
}
