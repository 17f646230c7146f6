package embed

import (
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/graph"
)

// Doc is one symbol to embed, split into the fields the built-in model
// weights differently. Text renders it as one string for providers that
// only take text.
type Doc struct {
	Name          string // bare identifier
	QualifiedName string // enclosing scopes joined with "."
	Signature     string
	Doc           string // documentation comment, if any
	Body          string // source text of the symbol (may be cut)
}

// Text renders d as the single string HTTP providers embed: qualified name,
// signature, doc and body, one per line, empty fields left out.
func (d Doc) Text() string {
	var b strings.Builder
	for _, s := range [...]string{d.QualifiedName, d.Signature, d.Doc, d.Body} {
		if s == "" {
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(s)
	}
	if b.Len() == 0 {
		return d.Name
	}
	return b.String()
}

// Field weights of the built-in model: a word in a symbol's name says more
// about what the symbol does than a word deep in its body.
const (
	weightName      = 4.0
	weightQualified = 2.0
	weightSignature = 2.0
	weightDoc       = 1.5
	weightBody      = 0.5
)

// maxBodyWords bounds the words read from one symbol's body, so a generated
// table or a huge function costs no more than a normal one.
const maxBodyWords = 2000

// stopwords are English function words and the keywords of the languages
// we index: frequent everywhere, they carry no meaning for search. Built on
// first use.
var stopwords = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`a an the and or of to in on at by for from with without into onto
		as is are was were be been being it its this that these those there here which who whom whose
		what when where why how if then else than so such not no nor but also only just any all each
		every some other more most less can could may might must shall should will would do does did
		done has have had having i we you he she they them their our your my me us
		func return returns var const struct interface package import range go defer chan
		nil err true false def self cls none elif pass lambda yield class try except finally raise
		assert del global nonlocal async await null void public private protected static
		final let function super given used use using eg ie`) {
		m[w] = true
	}
	return m
})

// stem reduces an English word or identifier part to a crude stem so that
// "returns", "returned" and "returning", or "encode", "encodes", "encoded"
// and "encoding" meet. It is applied to both documents and queries, so it
// only needs to be consistent, not linguistically right.
func stem(w string) string { return string(stemBytes([]byte(w))) }

// stemBytes is stem on a lower-case ASCII-or-UTF-8 buffer, rewritten in
// place; it returns a prefix of w.
func stemBytes(w []byte) []byte {
	n := len(w)
	if n <= 3 {
		return w
	}
	switch {
	case hasSuffix(w, "ies") && n > 4:
		w = append(w[:n-3], 'y')
	case hasSuffix(w, "sses"):
		w = w[:n-2]
	case hasSuffix(w, "ing") && n > 5:
		w = w[:n-3]
	case hasSuffix(w, "ed") && n > 4:
		w = w[:n-2]
	case hasSuffix(w, "s") && !hasSuffix(w, "ss") && !hasSuffix(w, "us") && !hasSuffix(w, "is"):
		w = w[:n-1]
	}
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	}
	// Doubled final consonant left by -ing/-ed: "setting" → "sett" → "set".
	if n := len(w); n > 3 && w[n-1] == w[n-2] && w[n-1] < utf8.RuneSelf && !isVowel(w[n-1]) && w[n-1] != 's' && w[n-1] != 'l' {
		w = w[:n-1]
	}
	return w
}

func hasSuffix(w []byte, suf string) bool {
	return len(w) >= len(suf) && string(w[len(w)-len(suf):]) == suf
}

func isVowel(c byte) bool {
	switch c {
	case 'a', 'e', 'i', 'o', 'u', 'y':
		return true
	}
	return false
}

// words calls fn with the stem of each meaningful sub-word of text:
// identifiers split into parts (token.Parts), lower-cased, stopwords,
// numbers and one-letter parts dropped. limit bounds how many are produced
// (0: no bound). fn must not keep w.
func words(text string, limit int, fn func(w []byte)) {
	count := 0
	scanParts(text, func(p []byte) {
		if limit > 0 && count >= limit {
			return
		}
		if len(p) < 2 || stopwords()[string(p)] || isNumber(p) {
			return
		}
		count++
		fn(stemBytes(p))
	})
}

func isNumber(s []byte) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// MaxBody is the most source text NodeDoc keeps of a symbol's body.
const MaxBody = 8 << 10

// NodeDoc builds the Doc of a symbol node from its file's source: name,
// qualified name, signature and doc from the node, body from the node's
// byte range (cut at MaxBody; empty when the range does not fit src).
func NodeDoc(n *graph.Node, src []byte) Doc {
	d := Doc{Name: n.Name, QualifiedName: n.QualifiedName, Signature: n.Signature, Doc: n.Doc}
	if n.StartByte <= n.EndByte && int(n.EndByte) <= len(src) {
		end := min(n.EndByte, n.StartByte+MaxBody)
		d.Body = string(src[n.StartByte:end])
	}
	return d
}
