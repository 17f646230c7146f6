package cli

import (
	"bufio"
	"encoding/json"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// exportNode and exportEdge are the NDJSON export contract: keep the field
// names stable (other tools, such as the call-graph scorer, read them).
type exportNode struct {
	Type          string `json:"type"`
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
	Parent        string `json:"parent,omitempty"`
}

type exportEdge struct {
	Type   string  `json:"type"`
	Kind   string  `json:"kind"`
	Src    string  `json:"src"`
	Dst    *string `json:"dst"`              // null while the target is unresolved
	Target string  `json:"target,omitempty"` // the name as written
	File   string  `json:"file"`
	Line   uint32  `json:"line"`
	// Resolution says how dst was found: syntax, exact, inferred,
	// ambiguous (one of candidates), external, or unresolved.
	Resolution string `json:"resolution"`
	Candidates uint16 `json:"candidates,omitempty"`
}

func newExportCmd(e *env) *cobra.Command {
	var db, format string
	cmd := &cobra.Command{
		Use:   "export --format ndjson",
		Short: "Stream the whole graph: nodes, then edges, one JSON object per line",
		Long: `Export writes the code graph to stdout as NDJSON, streaming (constant memory):
first every node
  {"type":"node","id","kind","name","qualified_name","file","line","end_line","language",...}
then every edge
  {"type":"edge","kind","src","dst","target","file","line","resolution"}
Edge kinds are calls, imports, inherits, implements, references, contains,
defines. "target" is the name as written in the source; "dst" is the id of
the node it resolves to, or null when it is not (yet) resolved.`,
		Example: `  codegraph export --format ndjson > graph.ndjson
  codegraph export --format ndjson | jq -c 'select(.type=="edge" and .kind=="calls")'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if format != "ndjson" {
				return &exitError{2, fmt.Errorf("unsupported --format %q (supported: ndjson)", format)}
			}
			st, err := openRead(db)
			if err != nil {
				return err
			}
			defer st.Close()
			w := bufio.NewWriterSize(e.stdout, 1<<16)
			enc := json.NewEncoder(w)
			ctx := cmd.Context()
			n := 0
			err = st.AllNodes(func(nd graph.Node) error {
				if n++; n%4096 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				en := exportNode{Type: "node", ID: nd.ID.String(), Kind: nd.Kind.String(), Name: nd.Name,
					QualifiedName: nd.QualifiedName, File: nd.File, Line: nd.StartLine, EndLine: nd.EndLine,
					Language: nd.Language, Signature: nd.Signature, Visibility: nd.Visibility.String()}
				if nd.Parent != 0 {
					en.Parent = nd.Parent.String()
				}
				return enc.Encode(&en)
			})
			if err != nil {
				return err
			}
			err = st.AllEdges(func(ed graph.Edge) error {
				if n++; n%4096 == 0 && ctx.Err() != nil {
					return ctx.Err()
				}
				ee := exportEdge{Type: "edge", Kind: ed.Kind.String(), Src: ed.Src.String(), Target: ed.Target, File: ed.File, Line: ed.Line,
					Resolution: ed.Res.String(), Candidates: ed.Candidates}
				if ed.Dst != 0 {
					d := ed.Dst.String()
					ee.Dst = &d
				}
				return enc.Encode(&ee)
			})
			if err != nil {
				return err
			}
			return w.Flush()
		},
	}
	cmd.Flags().StringVar(&db, "db", "", "store directory (default: .codegraph in this or a parent directory)")
	cmd.Flags().StringVar(&format, "format", "ndjson", "output format (ndjson)")
	return cmd
}
