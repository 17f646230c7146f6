package bincodec

import (
	"encoding/binary"
	"errors"
	"testing"
)

var errBad = errors.New("bad record")

func TestReaderRoundTrip(t *testing.T) {
	b := []byte{7}
	b = binary.LittleEndian.AppendUint64(b, 1<<60+3)
	b = binary.AppendUvarint(b, 300)
	b = binary.AppendUvarint(b, 1<<32-1)
	b = binary.AppendUvarint(b, 3)
	b = append(b, "abc"...)
	r := NewReader(b, errBad)
	if v := r.Byte(); v != 7 {
		t.Errorf("Byte = %d", v)
	}
	if v := r.Fixed64(); v != 1<<60+3 {
		t.Errorf("Fixed64 = %d", v)
	}
	if v := r.Uvarint(); v != 300 {
		t.Errorf("Uvarint = %d", v)
	}
	if v := r.Uint32(); v != 1<<32-1 {
		t.Errorf("Uint32 = %d", v)
	}
	if v := r.Str(); v != "abc" {
		t.Errorf("Str = %q", v)
	}
	if r.Err != nil || len(r.B) != 0 {
		t.Errorf("Err %v, %d bytes left", r.Err, len(r.B))
	}
}

// TestReaderMalformed: each kind of bad field sets the given error once,
// and the reads after it return zero values.
func TestReaderMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		b    []byte
		read func(*Reader)
	}{
		"empty byte":       {nil, func(r *Reader) { r.Byte() }},
		"short fixed64":    {[]byte{1, 2, 3}, func(r *Reader) { r.Fixed64() }},
		"truncated varint": {[]byte{0x80}, func(r *Reader) { r.Uvarint() }},
		"uint32 overflow":  {binary.AppendUvarint(nil, 1<<32), func(r *Reader) { r.Uint32() }},
		"string overrun":   {[]byte{5, 'a'}, func(r *Reader) { r.Str() }},
	} {
		r := NewReader(tc.b, errBad)
		tc.read(r)
		if !errors.Is(r.Err, errBad) {
			t.Errorf("%s: Err = %v", name, r.Err)
		}
		if v := r.Byte(); v != 0 || len(r.B) != 0 {
			t.Errorf("%s: a read after the failure gave %d, %d bytes left", name, v, len(r.B))
		}
	}
}
