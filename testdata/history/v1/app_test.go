package main

import "testing"

func TestWrap(t *testing.T) {
	if wrap() != 3 {
		t.Fatal("wrap")
	}
}
