// Command lazyschema rewrites gqlgen's generated.go so that the GraphQL
// schema is parsed on first use instead of at package initialisation.
//
// gqlgen (v0.17) declares `var parsedSchema = gqlparser.MustLoadSchema(...)`,
// which parses and validates the schema in every process that links the
// package: about 1.4 ms and 2,700 allocations before main, paid by each
// `codegraph def` or `codegraph callers` an agent runs, although only
// `codegraph serve` and the daemon answer GraphQL. gqlgen has no option for
// this, so `go generate` runs this command after gqlgen (doc.go): the
// variable becomes a sync.OnceValue and its three uses calls of it. The
// rewrite is exact (each pattern must occur the expected number of times),
// so a gqlgen upgrade that changes the generated code fails generation
// instead of producing a half-rewritten file.
//
// Usage: go run ./internal/lazyschema generated.go
package main

import (
	"bytes"
	"fmt"
	"go/format"
	"os"
)

// rewrites are the exact replacements, each expected n times.
var rewrites = []struct {
	old, new string
	n        int
}{
	{"var parsedSchema = gqlparser.MustLoadSchema(sources...)\n",
		"var parsedSchema = sync.OnceValue(func() *ast.Schema { return gqlparser.MustLoadSchema(sources...) })\n", 1},
	{"\treturn parsedSchema\n", "\treturn parsedSchema()\n", 1},
	{"\t\t\tparsedSchema,\n", "\t\t\tparsedSchema(),\n", 1},
	{"\t\"sync/atomic\"\n", "\t\"sync\"\n\t\"sync/atomic\"\n", 1},
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: lazyschema generated.go")
		os.Exit(2)
	}
	if err := rewrite(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "lazyschema:", err)
		os.Exit(1)
	}
}

func rewrite(path string) error {
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for _, r := range rewrites {
		if n := bytes.Count(src, []byte(r.old)); n != r.n {
			return fmt.Errorf("%s: %q occurs %d times, want %d (did gqlgen's output change?)", path, r.old, n, r.n)
		}
		src = bytes.ReplaceAll(src, []byte(r.old), []byte(r.new))
	}
	out, err := format.Source(src)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return os.WriteFile(path, out, 0o644)
}
