// Command typeset writes search queries for the documented type
// declarations of a Go tree (the first sentence of the doc comment, minus
// the leading words up to the type's name; 4 words or more), in
// gosearchset's NDJSON format. gosearchset and pysearchset.py only make
// queries for functions and methods, so a ranking prior against types
// looks free on their sets; these queries measure what it costs.
//
//	go run ./bench/typeset $(go env GOROOT)/src/net/http > http-types.ndjson
package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	if len(os.Args) != 2 {
		os.Stderr.WriteString("usage: typeset DIR > queries.ndjson\n")
		os.Exit(2)
	}
	src := os.Args[1]
	enc := json.NewEncoder(os.Stdout)
	filepath.Walk(src, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() && (info.Name() == "testdata") {
			return filepath.SkipDir
		}
		if !strings.HasSuffix(p, ".go") || strings.HasSuffix(p, "_test.go") {
			return nil
		}
		fs := token.NewFileSet()
		f, err := parser.ParseFile(fs, p, nil, parser.ParseComments)
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(src, p)
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				doc := ts.Doc
				if doc == nil && len(gd.Specs) == 1 {
					doc = gd.Doc
				}
				if doc == nil {
					continue
				}
				text := strings.Join(strings.Fields(doc.Text()), " ")
				if i := strings.Index(text, ". "); i >= 0 {
					text = text[:i]
				}
				text = strings.TrimSuffix(text, ".")
				w := strings.Fields(text)
				for i := 0; i < len(w) && i < 3; i++ {
					if strings.Trim(w[i], ",:") == ts.Name.Name {
						w = w[i+1:]
						break
					}
				}
				if len(w) < 4 {
					continue
				}
				enc.Encode(map[string]string{"query": strings.Join(w, " "), "file": filepath.ToSlash(rel), "name": ts.Name.Name, "lang": "go"})
			}
		}
		return nil
	})

}
