package main

import "example.com/demo/lib"

func main() {
	lib.Helper(1, 1)
	lib.New()
}
