package grep

import (
	"math/rand/v2"
	"slices"
	"testing"
)

func TestRadixSort24(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	var scratch []uint32
	for _, n := range []int{0, 1, 2, 511, 512, 5000} {
		vals := make([]uint32, n)
		for i := range vals {
			vals[i] = r.Uint32N(1 << 24)
		}
		want := slices.Sorted(slices.Values(vals))
		scratch = radixSort24(vals, scratch)
		if !slices.Equal(vals, want) {
			t.Fatalf("n=%d: not sorted", n)
		}
	}
}

func TestTrigramSet(t *testing.T) {
	s := newTrigramSet()
	s.add([]byte("AbcAbc\nabcd"))
	got := s.take()
	want := []uint32{trigramOf('a', 'b', 'c'), trigramOf('b', 'c', 'a'), trigramOf('b', 'c', 'd'), trigramOf('c', 'a', 'b')}
	if !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	s.add([]byte("xyz"))
	if got := s.take(); !slices.Equal(got, []uint32{trigramOf('x', 'y', 'z')}) {
		t.Errorf("set not reset: %v", got)
	}
}

func TestGaps(t *testing.T) {
	vals := []uint32{0, 1, 2, 200, 70000, 1<<24 - 1}
	got, err := decodeGaps(nil, appendGaps(nil, vals), 1<<24)
	if err != nil || !slices.Equal(got, vals) {
		t.Fatalf("round trip: %v %v", got, err)
	}
	if _, err := decodeGaps(nil, appendGaps(nil, vals), 1000); err == nil {
		t.Error("out-of-range id accepted")
	}
	if _, err := decodeGaps(nil, []byte{0x80}, 10); err == nil {
		t.Error("truncated varint accepted")
	}
}
