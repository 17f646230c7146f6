//go:build cgo

package index

/*
#include <stdlib.h>
#ifdef __GLIBC__
#include <malloc.h>
static int codegraph_malloc_trim(void) { return malloc_trim(0); }
#else
static int codegraph_malloc_trim(void) { return 0; }
#endif
*/
import "C"

// trimCHeap returns the free pages of the C allocator's arenas to the
// operating system (glibc's malloc_trim; nothing elsewhere). Tree-sitter
// and Pebble's block cache and memtables allocate with malloc, and glibc
// keeps what they free inside its per-thread arenas: an idle watcher of
// the Go standard library held ~190 MiB of C memory that way
// (BENCHMARKS.md).
func trimCHeap() { C.codegraph_malloc_trim() }
