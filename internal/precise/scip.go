package precise

import (
	"errors"
	"fmt"
	"strings"

	"google.golang.org/protobuf/encoding/protowire"
)

// A SCIP index (github.com/sourcegraph/scip, scip.proto) decoded with
// protowire: only the fields the import uses, unknown fields skipped.
//
//	Index             metadata=1 documents=2 external_symbols=3
//	Metadata          version=1 tool_info=2 project_root=3 text_document_encoding=4
//	ToolInfo          name=1 version=2 arguments=3
//	Document          relative_path=1 occurrences=2 symbols=3 language=4 text=5
//	                  position_encoding=6
//	Occurrence        range=1 (packed or not) symbol=2 symbol_roles=3
//	                  enclosing_range=7
//	SymbolInformation symbol=1 relationships=4 kind=5 display_name=6
//	Relationship      symbol=1 is_reference=2 is_implementation=3
//	                  is_type_definition=4 is_definition=5

// ErrSCIP is wrapped by every error about a malformed SCIP index.
var ErrSCIP = errors.New("not a valid SCIP index")

// SCIP symbol roles (Occurrence.symbol_roles is a bit set).
const (
	roleDefinition        = 1
	roleImport            = 2
	roleWriteAccess       = 4
	roleReadAccess        = 8
	roleGenerated         = 16
	roleTest              = 32
	roleForwardDefinition = 64
)

// SCIP position encodings (Document.position_encoding).
const (
	posUnspecified = 0
	posUTF8        = 1
	posUTF16       = 2
	posUTF32       = 3
)

// scipIndex is the part of a SCIP index the import reads.
type scipIndex struct {
	ToolName, ToolVersion string
	ProjectRoot           string
	Documents             []scipDocument
	External              []scipSymbol
}

type scipDocument struct {
	RelativePath     string
	Language         string
	Text             string
	HasText          bool
	PositionEncoding int
	Occurrences      []scipOccurrence
	Symbols          []scipSymbol
}

// scipRange is a 0-based [start line, start character, end line, end
// character) range in the document's position encoding.
type scipRange struct {
	StartLine, StartChar, EndLine, EndChar int32
}

type scipOccurrence struct {
	Range        scipRange
	Symbol       string
	Roles        int32
	Enclosing    scipRange
	HasEnclosing bool
}

type scipSymbol struct {
	Symbol        string
	DisplayName   string
	Kind          int32
	Relationships []scipRelationship
}

type scipRelationship struct {
	Symbol                                                        string
	IsReference, IsImplementation, IsTypeDefinition, IsDefinition bool
}

// decodeSCIP decodes a SCIP index.
func decodeSCIP(b []byte) (*scipIndex, error) {
	ix := &scipIndex{}
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			return decodeMetadata(v, ix)
		case num == 2 && typ == protowire.BytesType:
			d, err := decodeDocument(v)
			if err != nil {
				return fmt.Errorf("document %d: %w", len(ix.Documents), err)
			}
			ix.Documents = append(ix.Documents, d)
		case num == 3 && typ == protowire.BytesType:
			s, err := decodeSymbol(v)
			if err != nil {
				return fmt.Errorf("external symbol %d: %w", len(ix.External), err)
			}
			ix.External = append(ix.External, s)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ix, nil
}

// fields calls fn for each field of the message b: v holds a length-
// delimited field's bytes, n a varint's value (fixed-width fields are
// skipped unseen). Errors wrap ErrSCIP.
func fields(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error) error {
	for len(b) > 0 {
		num, typ, l := protowire.ConsumeTag(b)
		if l < 0 {
			return fmt.Errorf("%w: %w", ErrSCIP, protowire.ParseError(l))
		}
		b = b[l:]
		var (
			v []byte
			n uint64
		)
		switch typ {
		case protowire.VarintType:
			n, l = protowire.ConsumeVarint(b)
		case protowire.BytesType:
			v, l = protowire.ConsumeBytes(b)
		default:
			l = protowire.ConsumeFieldValue(num, typ, b)
			if l < 0 {
				return fmt.Errorf("%w: field %d: %w", ErrSCIP, num, protowire.ParseError(l))
			}
			b = b[l:]
			continue
		}
		if l < 0 {
			return fmt.Errorf("%w: field %d: %w", ErrSCIP, num, protowire.ParseError(l))
		}
		b = b[l:]
		if err := fn(num, typ, v, n); err != nil {
			return err
		}
	}
	return nil
}

func decodeMetadata(b []byte, ix *scipIndex) error {
	return fields(b, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
		switch {
		case num == 2 && typ == protowire.BytesType:
			return fields(v, func(num protowire.Number, typ protowire.Type, v []byte, _ uint64) error {
				if typ == protowire.BytesType {
					switch num {
					case 1:
						ix.ToolName = string(v)
					case 2:
						ix.ToolVersion = string(v)
					}
				}
				return nil
			})
		case num == 3 && typ == protowire.BytesType:
			ix.ProjectRoot = string(v)
		}
		return nil
	})
}

func decodeDocument(b []byte) (scipDocument, error) {
	var d scipDocument
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			d.RelativePath = string(v)
		case num == 2 && typ == protowire.BytesType:
			o, err := decodeOccurrence(v)
			if err != nil {
				return fmt.Errorf("occurrence %d: %w", len(d.Occurrences), err)
			}
			d.Occurrences = append(d.Occurrences, o)
		case num == 3 && typ == protowire.BytesType:
			s, err := decodeSymbol(v)
			if err != nil {
				return fmt.Errorf("symbol %d: %w", len(d.Symbols), err)
			}
			d.Symbols = append(d.Symbols, s)
		case num == 4 && typ == protowire.BytesType:
			d.Language = string(v)
		case num == 5 && typ == protowire.BytesType:
			d.Text, d.HasText = string(v), true
		case num == 6 && typ == protowire.VarintType:
			d.PositionEncoding = int(int32(n))
		}
		return nil
	})
	return d, err
}

func decodeOccurrence(b []byte) (scipOccurrence, error) {
	var o scipOccurrence
	var rng, enc []int32
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		switch num {
		case 1, 7:
			dst := &rng
			if num == 7 {
				dst = &enc
			}
			switch typ {
			case protowire.BytesType: // packed
				for len(v) > 0 {
					x, l := protowire.ConsumeVarint(v)
					if l < 0 {
						return fmt.Errorf("%w: range: %w", ErrSCIP, protowire.ParseError(l))
					}
					*dst = append(*dst, int32(x))
					v = v[l:]
				}
			case protowire.VarintType:
				*dst = append(*dst, int32(n))
			}
		case 2:
			if typ == protowire.BytesType {
				o.Symbol = string(v)
			}
		case 3:
			if typ == protowire.VarintType {
				o.Roles = int32(n)
			}
		}
		return nil
	})
	if err != nil {
		return o, err
	}
	r, err := toRange(rng)
	if err != nil {
		return o, err
	}
	o.Range = r
	if len(enc) > 0 {
		if o.Enclosing, err = toRange(enc); err != nil {
			return o, fmt.Errorf("enclosing_range: %w", err)
		}
		o.HasEnclosing = true
	}
	return o, nil
}

// toRange reads a SCIP range: [line, start, end] on one line or [start
// line, start, end line, end].
func toRange(r []int32) (scipRange, error) {
	var out scipRange
	switch len(r) {
	case 3:
		out = scipRange{r[0], r[1], r[0], r[2]}
	case 4:
		out = scipRange{r[0], r[1], r[2], r[3]}
	default:
		return out, fmt.Errorf("%w: a range has %d numbers (want 3 or 4)", ErrSCIP, len(r))
	}
	if out.StartLine < 0 || out.StartChar < 0 || out.EndLine < out.StartLine || out.EndChar < 0 ||
		out.EndLine == out.StartLine && out.EndChar < out.StartChar {
		return out, fmt.Errorf("%w: range %v is not a range", ErrSCIP, r)
	}
	return out, nil
}

func decodeSymbol(b []byte) (scipSymbol, error) {
	var s scipSymbol
	err := fields(b, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
		switch {
		case num == 1 && typ == protowire.BytesType:
			s.Symbol = string(v)
		case num == 4 && typ == protowire.BytesType:
			var r scipRelationship
			if err := fields(v, func(num protowire.Number, typ protowire.Type, v []byte, n uint64) error {
				switch {
				case num == 1 && typ == protowire.BytesType:
					r.Symbol = string(v)
				case typ == protowire.VarintType:
					switch num {
					case 2:
						r.IsReference = n != 0
					case 3:
						r.IsImplementation = n != 0
					case 4:
						r.IsTypeDefinition = n != 0
					case 5:
						r.IsDefinition = n != 0
					}
				}
				return nil
			}); err != nil {
				return err
			}
			s.Relationships = append(s.Relationships, r)
		case num == 5 && typ == protowire.VarintType:
			s.Kind = int32(n)
		case num == 6 && typ == protowire.BytesType:
			s.DisplayName = string(v)
		}
		return nil
	})
	return s, err
}

// scipSym is a parsed SCIP symbol: "<scheme> <manager> <package> <version>
// <descriptors>" or "local <id>".
type scipSym struct {
	Local       bool
	Scheme      string
	Manager     string
	Package     string
	Version     string
	Descriptors []scipDescriptor
}

// Descriptor suffixes.
const (
	descNamespace     = '/'
	descType          = '#'
	descTerm          = '.'
	descMethod        = '('
	descTypeParameter = '['
	descParameter     = ')'
	descMeta          = ':'
	descMacro         = '!'
)

type scipDescriptor struct {
	Name   string
	Suffix byte
}

// parseSymbol parses a SCIP symbol string.
func parseSymbol(s string) (scipSym, error) {
	var sym scipSym
	if rest, ok := strings.CutPrefix(s, "local "); ok {
		if rest == "" {
			return sym, fmt.Errorf("%w: symbol %q: empty local id", ErrSCIP, s)
		}
		sym.Local = true
		return sym, nil
	}
	// Four space-separated fields (a space inside one is written twice).
	rest := s
	var parts [4]string
	for i := range parts {
		var b strings.Builder
		for {
			j := strings.IndexByte(rest, ' ')
			if j < 0 {
				return sym, fmt.Errorf("%w: symbol %q: want scheme, manager, package and version before the descriptors", ErrSCIP, s)
			}
			b.WriteString(rest[:j])
			if j+1 < len(rest) && rest[j+1] == ' ' {
				b.WriteByte(' ')
				rest = rest[j+2:]
				continue
			}
			rest = rest[j+1:]
			break
		}
		parts[i] = b.String()
	}
	sym.Scheme, sym.Manager, sym.Package, sym.Version = parts[0], parts[1], parts[2], parts[3]
	if sym.Manager == "." {
		sym.Manager = ""
	}
	if sym.Package == "." {
		sym.Package = ""
	}
	if sym.Version == "." {
		sym.Version = ""
	}
	for rest != "" {
		var name string
		if rest[0] == '`' {
			// `escaped name`, a backtick written twice.
			var b strings.Builder
			i := 1
			for {
				if i >= len(rest) {
					return sym, fmt.Errorf("%w: symbol %q: unterminated `name`", ErrSCIP, s)
				}
				if rest[i] == '`' {
					if i+1 < len(rest) && rest[i+1] == '`' {
						b.WriteByte('`')
						i += 2
						continue
					}
					break
				}
				b.WriteByte(rest[i])
				i++
			}
			name, rest = b.String(), rest[i+1:]
		} else if rest[0] == '[' || rest[0] == '(' {
			// [type parameter] or (parameter)
			close := byte(']')
			if rest[0] == '(' {
				close = ')'
			}
			j := strings.IndexByte(rest, close)
			if j < 0 {
				return sym, fmt.Errorf("%w: symbol %q: unterminated %c", ErrSCIP, s, rest[0])
			}
			d := scipDescriptor{Name: rest[1:j], Suffix: descTypeParameter}
			if close == ')' {
				d.Suffix = descParameter
			}
			sym.Descriptors = append(sym.Descriptors, d)
			rest = rest[j+1:]
			continue
		} else {
			j := 0
			for j < len(rest) && isIdentChar(rest[j]) {
				j++
			}
			name, rest = rest[:j], rest[j:]
		}
		if rest == "" {
			return sym, fmt.Errorf("%w: symbol %q: descriptor %q has no suffix", ErrSCIP, s, name)
		}
		switch c := rest[0]; c {
		case descNamespace, descType, descTerm, descMeta, descMacro:
			sym.Descriptors = append(sym.Descriptors, scipDescriptor{Name: name, Suffix: c})
			rest = rest[1:]
		case '(':
			// method: name(disambiguator).
			j := strings.IndexByte(rest, ')')
			if j < 0 || j+1 >= len(rest) || rest[j+1] != '.' {
				return sym, fmt.Errorf("%w: symbol %q: bad method descriptor", ErrSCIP, s)
			}
			sym.Descriptors = append(sym.Descriptors, scipDescriptor{Name: name, Suffix: descMethod})
			rest = rest[j+2:]
		default:
			return sym, fmt.Errorf("%w: symbol %q: unexpected %q after %q", ErrSCIP, s, c, name)
		}
	}
	if len(sym.Descriptors) == 0 {
		return sym, fmt.Errorf("%w: symbol %q: no descriptors", ErrSCIP, s)
	}
	return sym, nil
}

func isIdentChar(c byte) bool {
	return c == '_' || c == '+' || c == '-' || c == '$' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

// last returns the symbol's last descriptor.
func (s *scipSym) last() scipDescriptor {
	if len(s.Descriptors) == 0 {
		return scipDescriptor{}
	}
	return s.Descriptors[len(s.Descriptors)-1]
}
