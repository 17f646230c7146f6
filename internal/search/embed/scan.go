package embed

import (
	"unicode"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/search/token"
)

// scanParts calls fn with the lower-cased sub-words of every word of text,
// exactly as token.Words followed by token.Parts would, but without
// allocating: ASCII words are split in place into a reused buffer (the
// common case in source code); words with other characters go through
// token.Parts. fn must not keep p.
func scanParts(text string, fn func(p []byte)) {
	var buf [token.MaxTermLen]byte
	start, ascii := -1, true
	end := func(i int) {
		w := text[start:i]
		if ascii {
			asciiParts(w, buf[:0], fn)
		} else {
			token.Parts(w, func(p string) { fn(append(buf[:0], p...)) })
		}
		start, ascii = -1, true
	}
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
				if start < 0 {
					start = i
				}
			} else if start >= 0 {
				end(i)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			ascii = false
		} else if start >= 0 {
			end(i)
		}
		i += size
	}
	if start >= 0 {
		end(len(text))
	}
}

func isUpperASCII(c byte) bool { return 'A' <= c && c <= 'Z' }
func isLowerASCII(c byte) bool { return 'a' <= c && c <= 'z' }
func isDigitASCII(c byte) bool { return '0' <= c && c <= '9' }

// asciiParts is token.Parts for an ASCII word.
func asciiParts(w string, buf []byte, fn func(p []byte)) {
	flush := func() {
		if len(buf) > 0 {
			fn(buf)
			buf = buf[:0]
		}
	}
	var prev byte
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c == '_' {
			flush()
			prev = c
			continue
		}
		if prev != 0 {
			switch {
			case isUpperASCII(c) && isLowerASCII(prev):
				flush()
			case isUpperASCII(c) && isUpperASCII(prev):
				if i+1 < len(w) && isLowerASCII(w[i+1]) {
					flush()
				}
			case isDigitASCII(c) != isDigitASCII(prev) && prev != '_':
				flush()
			}
		}
		if isUpperASCII(c) {
			c += 'a' - 'A'
		}
		if len(buf) < cap(buf) {
			buf = append(buf, c)
		}
		prev = w[i]
	}
	flush()
}
