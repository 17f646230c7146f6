// Package util lives in a directory of another name.
package util

// Clean cleans.
func Clean() {}
