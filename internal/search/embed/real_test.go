package embed

import (
	"context"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestRealCorpusRanks fits the model on Go's strings package with every doc
// comment dropped and checks that plain-English queries (paraphrases of the
// removed docs) rank their function in the top 5. It guards the whole
// chain — tokenising, fitting, weighting, hashing — against regressions
// that unit tests on toy data would miss.
func TestRealCorpusRanks(t *testing.T) {
	if testing.Short() {
		t.Skip("parses a real package")
	}
	// Tests and examples repeat their subject's words and would crowd the
	// top 5; the search layer ranks definitions over tests, not the
	// embedder.
	var syms []symbol
	for _, s := range loadCorpus(t, filepath.Join(runtime.GOROOT(), "src", "strings")) {
		if !strings.HasSuffix(s.File, "_test.go") {
			s.Doc.Doc = ""
			syms = append(syms, s)
		}
	}
	docs := make([]Doc, len(syms))
	for i := range syms {
		docs[i] = syms[i].Doc
	}
	ctx := context.Background()
	m, err := Fit(ctx, docs, Options{})
	if err != nil {
		t.Fatal(err)
	}
	vecs, err := m.EmbedDocs(ctx, docs)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ query, file, name string }{
		{"replace all occurrences of old with new", "strings.go", "ReplaceAll"},
		{"split the string around each instance of a separator", "strings.go", "Split"},
		{"convert the string to upper case", "strings.go", "ToUpper"},
		{"remove leading and trailing white space", "strings.go", "TrimSpace"},
		{"compare two strings under case folding", "strings.go", "EqualFold"},
	} {
		q, err := m.Embed(ctx, []string{c.query})
		if err != nil {
			t.Fatal(err)
		}
		top := cosineTop(vecs, q[0], 5)
		found := false
		for _, i := range top {
			if hit(syms[i], evalQuery{File: c.file, Name: c.name}) {
				found = true
			}
		}
		if !found {
			var got []string
			for _, i := range top {
				got = append(got, syms[i].File+":"+syms[i].QualifiedName)
			}
			t.Errorf("%q: %s not in top 5 %v", c.query, c.name, got)
		}
	}
}
