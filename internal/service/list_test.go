package service

import (
	"errors"
	"testing"
)

func TestListCursor(t *testing.T) {
	c := encodeListCursor(42, 0xbeef)
	if id, err := decodeListCursor(c, 0xbeef); err != nil || id != 42 {
		t.Errorf("round trip: %d %v", id, err)
	}
	for _, bad := range []string{"x", encodeListCursor(1, 1), "bjotMTpiZWVm", "%%%"} {
		if _, err := decodeListCursor(bad, 0xbeef); !errors.Is(err, ErrInvalid) {
			t.Errorf("cursor %q: %v, want ErrInvalid", bad, err)
		}
	}
}

func FuzzListCursor(f *testing.F) {
	f.Add(encodeListCursor(3, 7))
	f.Add("bjoxOjc")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, c string) {
		id, err := decodeListCursor(c, 7)
		if err == nil && encodeListCursor(id, 7) == "" {
			t.Fatalf("cursor %q gave id %d", c, id)
		}
	})
}
