package goconv

type Set map[string]string

func (s Set) Equal(o Set) bool { return len(s) == len(o) }

type Metric Set

// Equal converts both sides: the call target is "Set().Equal".
func (m Metric) Equal(o Metric) bool {
	return Set(m).Equal(Set(o))
}

type Scheme int

// Typed constants: Legacy and Strict state their type; UTF8 repeats
// Unset's implicitly; Bit1 repeats an untyped list.
const (
	Unset Scheme = iota
	// a comment between specs
	UTF8
)

const (
	Bit0 = 1 << iota
	Bit1
)

const Legacy Scheme = 7

const Strict = Scheme(8)

var Default = Legacy

func (s Scheme) Valid(n string) bool { return n != "" }

type Name string

func (n Name) OK() bool { return Default.Valid(string(n)) }

func (n Name) Legacy() bool { return Legacy.Valid(string(n)) }

func (n Name) Strict() bool { return Strict.Valid(string(n)) }

func (n Name) UTF8() bool { return UTF8.Valid(string(n)) }

// Not valid Go (an untyped constant has no methods): a trap, no type is
// invented for Bit1.
func (n Name) Bit() bool { return Bit1.Valid(string(n)) }

func check(s string) bool { return Name(s).OK() }

// Trap: a local named like the type shadows it; Set() here is a call of
// the function value, not a conversion.
func shadowed(Set func() Name) bool { return Set().OK() }

// Generic calls with explicit type arguments, which the grammar reads as
// conversions or instantiations.
func orZero[T any, P *U, U any](p P) T {
	var z T
	return z
}

func pair[P any, R any](f int) int { return f }

func generic(p *int) {
	_ = orZero[Name](p)
	_ = pair[int, string](1)
}
