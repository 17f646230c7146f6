// Package token splits source text and queries into the code-aware terms
// that every search index of codegraph shares: identifiers are split at
// camelCase, snake_case, kebab-case, digit and acronym boundaries
// ("HTTPServer2Go" → http, server, 2, go) and are also kept whole
// ("httpserver2go"), so that a query for either form finds them. All terms
// are lower case. The package is pure: text in, terms out.
package token

import (
	"unicode"
	"unicode/utf8"
)

// MaxTermLen bounds a term's length in bytes; longer runs (base64 blobs,
// generated tables) are cut so one token cannot bloat an index.
const MaxTermLen = 64

// Words calls fn for each identifier-like word of text: a maximal run of
// letters, digits and underscores. Words are returned as they appear.
func Words(text string, fn func(word string)) {
	start := -1
	for i, r := range text {
		w := isWordRune(r)
		switch {
		case w && start < 0:
			start = i
		case !w && start >= 0:
			fn(text[start:i])
			start = -1
		}
	}
	if start >= 0 {
		fn(text[start:])
	}
}

func isWordRune(r rune) bool {
	return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)
}

// Parts calls fn for each sub-word of an identifier, lower-cased: split at
// underscores, lower→upper changes, the last capital of an acronym that
// starts a new word (HTTPServer → http, server) and letter/digit changes.
func Parts(ident string, fn func(part string)) {
	var buf [MaxTermLen]byte
	n := 0
	flush := func() {
		if n > 0 {
			fn(string(buf[:n]))
			n = 0
		}
	}
	prev := rune(0)
	for i, r := range ident {
		if r == '_' || r == '-' || r == '$' {
			flush()
			prev = r
			continue
		}
		if prev != 0 {
			switch {
			case unicode.IsUpper(r) && unicode.IsLower(prev):
				flush()
			case unicode.IsUpper(r) && unicode.IsUpper(prev):
				// HTTPServer: split before S when a lower-case letter follows.
				if next, _ := utf8.DecodeRuneInString(ident[i+utf8.RuneLen(r):]); unicode.IsLower(next) {
					flush()
				}
			case unicode.IsDigit(r) != unicode.IsDigit(prev) && prev != '_' && prev != '-' && prev != '$':
				flush()
			}
		}
		lr := unicode.ToLower(r)
		if n+utf8.RuneLen(lr) <= len(buf) {
			n += utf8.EncodeRune(buf[n:], lr)
		}
		prev = r
	}
	flush()
}

// Terms calls fn for every term of text: for each word its parts and, when
// it has more than one part, the whole word lower-cased (with underscores
// kept) as well. whole reports which of the two a term is.
func Terms(text string, fn func(term string, whole bool)) {
	Words(text, func(word string) {
		count := 0
		first := ""
		Parts(word, func(p string) {
			if count == 0 {
				first = p
			}
			count++
			fn(p, false)
		})
		if count > 1 || (count == 1 && first != lower(word)) {
			fn(lower(word), true)
		}
	})
}

// List returns Terms of text as a slice, parts and whole words in order.
func List(text string) []string {
	var out []string
	Terms(text, func(t string, _ bool) { out = append(out, t) })
	return out
}

func lower(s string) string {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || ('A' <= c && c <= 'Z') || len(s) > MaxTermLen {
			return lowerSlow(s)
		}
	}
	return s
}

func lowerSlow(s string) string {
	var buf [MaxTermLen]byte
	n := 0
	for _, r := range s {
		lr := unicode.ToLower(r)
		if n+utf8.RuneLen(lr) > len(buf) {
			break
		}
		n += utf8.EncodeRune(buf[n:], lr)
	}
	return string(buf[:n])
}
