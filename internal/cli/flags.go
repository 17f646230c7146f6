package cli

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/codegraph-dev/codegraph/internal/walk"
)

// maxFileSizeLimit is the largest --max-file-size accepted: a source file
// is read whole into memory and tree-sitter's offsets are 32-bit, and no
// hand-written source file comes near it.
const maxFileSizeLimit = 1 << 30

// sizeUnits are the suffixes parseSize accepts, matched case-insensitively:
// IEC (KiB, 1024) and SI (KB, 1000), with K, M, G and T alone meaning the
// IEC units.
var sizeUnits = map[string]int64{
	"": 1, "b": 1,
	"k": 1 << 10, "kib": 1 << 10, "kb": 1000,
	"m": 1 << 20, "mib": 1 << 20, "mb": 1000 * 1000,
	"g": 1 << 30, "gib": 1 << 30, "gb": 1000 * 1000 * 1000,
	"t": 1 << 40, "tib": 1 << 40, "tb": 1000 * 1000 * 1000 * 1000,
}

var sizeRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+)(?:\.([0-9]+))?\s*([A-Za-z]*)$`) })

// parseSize parses a file size: a decimal number (a fraction allowed) and
// an optional unit ("1MiB", "512KiB", "1.5MB", "2M", "1048576"). The
// result must be at least one byte and at most maxFileSizeLimit; a number
// too large to represent, an unknown unit, a sign or trailing text is an
// error naming the value.
func parseSize(s string) (int64, error) {
	in := strings.TrimSpace(s)
	m := sizeRE().FindStringSubmatch(in)
	if m == nil {
		return 0, fmt.Errorf("%q is not a size: want a positive number with an optional unit, like 1MiB, 512KiB or 2MB", s)
	}
	mult, ok := sizeUnits[strings.ToLower(m[3])]
	if !ok {
		return 0, fmt.Errorf("%q: unknown unit %q (use B, KiB, MiB, GiB, or KB, MB, GB)", s, m[3])
	}
	// Exact arithmetic: "99999999999999999999" or "0.1B" must not wrap or
	// round to something plausible.
	num := m[1]
	if m[2] != "" {
		num += "." + m[2]
	}
	n, ok := new(big.Rat).SetString(num)
	if !ok {
		return 0, fmt.Errorf("%q is not a size", s)
	}
	n.Mul(n, new(big.Rat).SetInt64(mult))
	bytes := new(big.Int).Quo(n.Num(), n.Denom()) // floor: sizes are whole bytes
	limit := big.NewInt(maxFileSizeLimit)
	switch {
	case bytes.Sign() == 0:
		return 0, fmt.Errorf("%q is less than one byte: want a positive size like 1MiB", s)
	case bytes.Cmp(limit) > 0:
		return 0, fmt.Errorf("%q is over the maximum of 1GiB: files that large are not source code", s)
	}
	return bytes.Int64(), nil
}

// checkPatterns validates gitignore-style patterns given with a flag:
// one that can never match (an unclosed "[", a trailing "\") would select
// nothing instead of failing.
func checkPatterns(flag string, patterns []string) error {
	for _, p := range patterns {
		if err := walk.CheckPattern(p); err != nil {
			return &exitError{2, fmt.Errorf("--%s: %w", flag, err)}
		}
	}
	return nil
}

// displayPath returns a repository path as human output shows it: as is
// when it is printable UTF-8 without backslashes, else quoted with Go
// escapes (strconv.Quote), so that a name holding a newline, an escape
// sequence or invalid bytes cannot forge or garble lines on a terminal.
func displayPath(p string) string {
	if !utf8.ValidString(p) || strings.IndexByte(p, '\\') >= 0 || strings.IndexByte(p, '"') >= 0 {
		return strconv.Quote(p)
	}
	for _, r := range p {
		if !unicode.IsPrint(r) || unicode.Is(unicode.Bidi_Control, r) {
			return strconv.Quote(p)
		}
	}
	return p
}
