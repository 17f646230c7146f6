package main

import "example.com/demo/lib"

func wrap() int {
	return lib.Helper(2)
}
