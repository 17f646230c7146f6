// Package grammar is the tree-sitter grammar of Swift, built from the
// generated C source of tree-sitter-swift 0.7.1 (alex-pinkus, MIT, see
// LICENSE), as published on npm: the grammar's repository does not commit
// its generated parser and the Go module proxy serves no version of it,
// so the binding lives here, as the official Go bindings of other
// grammars are written (parser.c and scanner.c compiled by cgo,
// Language returning the TSLanguage pointer).
package grammar

// #cgo CFLAGS: -std=c11 -fPIC -I${SRCDIR}
// typedef struct TSLanguage TSLanguage;
// const TSLanguage *tree_sitter_swift(void);
import "C"

import "unsafe"

// Language returns the tree-sitter language of Swift.
func Language() unsafe.Pointer {
	return unsafe.Pointer(C.tree_sitter_swift())
}
