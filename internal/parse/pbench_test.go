package parse

import (
	"testing"

	sitter "github.com/tree-sitter/go-tree-sitter"

	"github.com/codegraph-dev/codegraph/internal/lang"
)

func BenchmarkTreeSitterOnly(b *testing.B) {
	_, srcs, total := corpus(b, "net/http")
	g, _ := lang.GrammarByName("go")
	p := sitter.NewParser()
	defer p.Close()
	p.SetLanguage(g.TS())
	b.SetBytes(total)
	for i := 0; i < b.N; i++ {
		for _, s := range srcs {
			t := p.Parse(s, nil)
			t.Close()
		}
	}
}
