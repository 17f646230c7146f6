// Package bincodec reads the compact in-memory and on-disk records that
// history's file facts and resolve's change log are written in: single
// bytes, little-endian 64-bit words, uvarints and uvarint-length-prefixed
// byte strings, as encoding/binary's Append functions write them.
package bincodec

import "encoding/binary"

// Reader reads fields off the front of B. The first malformed or
// truncated field sets Err to the error given to NewReader and empties B;
// every later read returns a zero value, so a decoder checks Err once,
// after a whole record.
type Reader struct {
	B   []byte
	Err error
	bad error
}

// NewReader reads b; bad is the error a malformed field sets.
func NewReader(b []byte, bad error) *Reader { return &Reader{B: b, bad: bad} }

// Fail marks the record malformed (for checks the caller makes itself).
func (r *Reader) Fail() {
	if r.Err == nil {
		r.Err = r.bad
	}
	r.B = nil
}

// Byte reads one byte.
func (r *Reader) Byte() byte {
	if len(r.B) < 1 {
		r.Fail()
		return 0
	}
	v := r.B[0]
	r.B = r.B[1:]
	return v
}

// Fixed64 reads a little-endian 64-bit word.
func (r *Reader) Fixed64() uint64 {
	if len(r.B) < 8 {
		r.Fail()
		return 0
	}
	v := binary.LittleEndian.Uint64(r.B)
	r.B = r.B[8:]
	return v
}

// Uvarint reads an unsigned varint.
func (r *Reader) Uvarint() uint64 {
	v, n := binary.Uvarint(r.B)
	if n <= 0 {
		r.Fail()
		return 0
	}
	r.B = r.B[n:]
	return v
}

// Uint32 reads an unsigned varint that must fit 32 bits.
func (r *Reader) Uint32() uint32 {
	v := r.Uvarint()
	if v > 1<<32-1 {
		r.Fail()
		return 0
	}
	return uint32(v)
}

// Bytes reads a uvarint length and that many bytes, which alias B's
// array.
func (r *Reader) Bytes() []byte {
	n := r.Uvarint()
	if n > uint64(len(r.B)) {
		r.Fail()
		return nil
	}
	v := r.B[:n]
	r.B = r.B[n:]
	return v
}

// Str is Bytes copied into a string (not String: a Reader is no
// fmt.Stringer, printing one must not consume it).
func (r *Reader) Str() string { return string(r.Bytes()) }
