package main

import "example.com/demo/lib"

func main() {
	lib.Helper(1)
	lib.Old()
}
