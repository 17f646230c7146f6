package walk

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// BadName reports whether a file or directory name is one the walk skips
// (counted with ReasonBadName) rather than index: a name that is not
// valid UTF-8, or that holds a backslash (a path separator to Windows
// tools and an escape to globs), a control character (newlines and
// escape sequences break line-oriented output and terminals), a Unicode
// bidirectional control or a line or paragraph separator (text that
// displays other than it reads). Such names are almost always accidents
// or attacks, and every consumer of a path would have to defend against
// them.
func BadName(name string) bool {
	if !utf8.ValidString(name) || strings.IndexByte(name, '\\') >= 0 {
		return true
	}
	for _, r := range name {
		if r < 0x20 || r == 0x7f {
			return true
		}
		if r < utf8.RuneSelf {
			continue
		}
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}
