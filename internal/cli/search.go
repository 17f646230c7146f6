package cli

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/codegraph-dev/codegraph/internal/query"
	"github.com/codegraph-dev/codegraph/internal/search"
	"github.com/codegraph-dev/codegraph/internal/search/embed"
)

// embeddingFlags are the embedding provider flags shared by index and
// search (the environment's CODEGRAPH_EMBEDDING_* variables fill what
// they leave unset).
type embeddingFlags struct {
	provider, model, url string
	dims                 int
}

func (o *embeddingFlags) register(cmd *cobra.Command) {
	f := cmd.Flags()
	f.StringVar(&o.provider, "embedding-provider", "", "embedding provider: builtin (default, offline), ollama or openai (any OpenAI-compatible /v1/embeddings)")
	f.StringVar(&o.model, "embedding-model", "", "embedding model name (ollama, openai)")
	f.StringVar(&o.url, "embedding-url", "", "embedding endpoint base URL (default http://localhost:11434 for ollama, https://api.openai.com for openai)")
	f.IntVar(&o.dims, "embedding-dimensions", 0, "vector dimension (built-in: the size it fits, default 256)")
}

// given reports whether the provider was chosen for this command: by a
// flag (or the configuration file, which sets the flags) or by the
// environment.
func (o *embeddingFlags) given(cmd *cobra.Command) bool {
	for _, f := range []string{"embedding-provider", "embedding-model", "embedding-url", "embedding-dimensions"} {
		if cmd.Flags().Changed(f) {
			return true
		}
	}
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "CODEGRAPH_EMBEDDING_") {
			return true
		}
	}
	return false
}

// config builds the provider configuration: environment, then flags.
func (o *embeddingFlags) config() (embed.Config, error) {
	var c embed.Config
	if err := c.ApplyEnv(os.Getenv); err != nil {
		return c, &exitError{2, err}
	}
	if o.provider != "" {
		c.Provider = strings.ToLower(o.provider)
	}
	if o.model != "" {
		c.Model = o.model
	}
	if o.url != "" {
		c.URL = o.url
	}
	if o.dims > 0 {
		c.Dimensions = o.dims
	}
	if err := c.WithDefaults().Validate(); err != nil {
		return c, &exitError{2, err}
	}
	return c, nil
}

func newSearchCmd(e *env) *cobra.Command {
	var (
		o          queryOpts
		ef         embeddingFlags
		mode       string
		langs      []string
		kinds      []string
		paths      []string
		threshold  float64
		ignoreCase bool
	)
	cmd := &cobra.Command{
		Use:   "search [flags] QUERY",
		Short: "Find code by name, words, meaning, or text",
		Long: `Search finds the symbols (functions, methods, types, ...) that answer QUERY.

Modes (--mode):
  hybrid    (default) fuses the lexical and semantic rankings and exact name
            matches, then prefers definitions that are functions or types and
            code over tests
  lexical   BM25 over names, qualified names, signatures, doc comments and
            bodies; identifiers match whole and split (handleUserAuth matches
            "handle user auth"), and name prefixes match
  semantic  nearest symbols by embedding (built-in offline model by default)
  exact     lines containing QUERY literally, with the enclosing symbol
  regex     lines matching the RE2 regular expression QUERY

Search needs the index that 'codegraph index' builds (it builds the search
indexes too, unless --no-search).`,
		Example: `  codegraph search "parse the request headers"
  codegraph search handleUserAuth --json
  codegraph search --mode regex 'func \(\w+ \*Server\) Serve' --lang go
  codegraph search --mode exact TODO --path 'internal/**' --limit 50
  codegraph search retry --kind function,method --path '!**/*_test.go'`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			m, err := search.ParseMode(mode)
			if err != nil {
				return &exitError{2, err}
			}
			if err := checkPatterns("path", paths); err != nil {
				return err
			}
			if o.limit < 1 || o.limit > query.MaxLimit {
				return &exitError{2, fmt.Errorf("--limit must be between 1 and %d", query.MaxLimit)}
			}
			cfg, err := ef.config()
			if err != nil {
				return err
			}
			// The daemon embeds a query with its own provider: a command
			// given another one answers by itself.
			if ef.given(cmd) {
				o.noDaemon = true
			}
			ctx := cmd.Context()
			c, err := o.connect(ctx, e)
			if err != nil {
				return err
			}
			defer c.Close()
			c.cfg = search.Config{Embedding: cfg}
			res, err := opSearch.ask(ctx, c, search.Request{
				Query: strings.Join(args, " "), Mode: m, Langs: splitList(langs), Kinds: splitList(kinds),
				Paths: paths, Limit: o.limit, Threshold: threshold, IgnoreCase: ignoreCase,
			})
			if err != nil {
				return err
			}
			if res.Note != "" && !o.asJSON {
				fmt.Fprintln(e.stderr, "note:", res.Note)
			}
			if o.asJSON {
				hits := res.Hits
				if hits == nil {
					hits = []search.Hit{}
				}
				return writeJSON(e.stdout, hits)
			}
			printHits(e.stdout, res)
			return nil
		},
	}
	o.register(cmd, 0)
	f := cmd.Flags()
	f.IntVar(&o.limit, "limit", 10, "print at most this many hits")
	f.StringVar(&mode, "mode", "hybrid", "hybrid, lexical, semantic, exact or regex")
	f.StringSliceVar(&langs, "lang", nil, "only these languages: go,python,javascript,typescript,rust,java,c,cpp,csharp,ruby,php,vue,svelte, or text formats: markdown,yaml,json,toml,shell,sql,dockerfile,make,html,css,xml,ini,text")
	f.StringSliceVar(&kinds, "kind", nil, "only these kinds: function,method,class,struct,interface,...")
	f.StringArrayVar(&paths, "path", nil, "only files matching this gitignore-style glob (repeatable; !GLOB excludes)")
	f.Float64Var(&threshold, "threshold", 0, "drop hits scoring below this")
	f.BoolVarP(&ignoreCase, "ignore-case", "i", false, "exact and regex: ignore case")
	ef.register(cmd)
	return cmd
}

func printHits(w io.Writer, res *search.Response) {
	if len(res.Hits) == 0 {
		fmt.Fprintln(w, "no results")
		return
	}
	for _, h := range res.Hits {
		loc := fmt.Sprintf("%s:%d", h.File, h.Line)
		if h.Column > 0 {
			loc += fmt.Sprintf(":%d", h.Column)
		}
		fmt.Fprintf(w, "%-7.4g %-9s %s  %s\n", h.Score, h.Kind, h.QualifiedName, loc)
		text := h.Text
		if text == "" {
			text = h.Snippet
			if i := strings.IndexByte(text, '\n'); i >= 0 {
				text = text[:i]
			}
		}
		if text = strings.TrimSpace(text); text != "" {
			fmt.Fprintf(w, "        %s\n", text)
		}
	}
	if res.Truncated {
		fmt.Fprintln(w, "(more matches; raise --limit or narrow the query)")
	}
}
