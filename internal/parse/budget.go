package parse

/*
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

// The layouts of tree-sitter's TSNode, TSQueryCursorState and
// TSQueryCursorOptions (tree_sitter/api.h, 0.25), declared here because the
// header is inside go-tree-sitter's module directory.
typedef struct { uint32_t context[4]; const void *id; const void *tree; } cgNode;
typedef struct { void *payload; uint32_t current_byte_offset; } cgQueryState;
typedef struct { void *payload; bool (*progress_callback)(cgQueryState *); } cgQueryOptions;

// TSParseState, TSParseOptions, TSPoint and TSInput.
typedef struct { void *payload; uint32_t current_byte_offset; bool has_error; } cgParseState;
typedef struct { void *payload; bool (*progress_callback)(cgParseState *); } cgParseOptions;
typedef struct { uint32_t row; uint32_t column; } cgPoint;
typedef struct {
	void *payload;
	const char *(*read)(void *payload, uint32_t byte_index, cgPoint position, uint32_t *bytes_read);
	int encoding; // TSInputEncodingUTF8 = 0
	void *decode;
} cgInput;

// TSQueryCapture and TSQueryMatch.
typedef struct { cgNode node; uint32_t index; } cgQueryCapture;
typedef struct { uint32_t id; uint16_t pattern_index; uint16_t capture_count; const cgQueryCapture *captures; } cgQueryMatch;

// Defined by tree-sitter's lib.c, which go-tree-sitter compiles in.
void ts_query_cursor_exec_with_options(void *self, const void *query, cgNode node, const cgQueryOptions *options);
bool ts_query_cursor_next_match(void *self, cgQueryMatch *match);
void *ts_parser_parse_with_options(void *self, const void *old_tree, cgInput input, cgParseOptions options);

// cgBudget is a query's time budget and stop flag, in C memory: the cursor
// keeps a pointer to its options for as long as the query runs, which Go
// memory must not be (go-tree-sitter's MatchesWithOptions hands it Go
// memory that the collector may free while the query still runs).
typedef struct {
	int64_t deadline;   // CLOCK_MONOTONIC nanoseconds
	int32_t stop;       // set by Go: 1 cancelled
	int32_t expired;    // set by the callback when the deadline passed
	// halt_offset (tests): a parse halts, as on its deadline, once it
	// reports progress at or past this byte offset; -1 never.
	int64_t halt_offset;
	int32_t halted_parse; // set when the parse was halted (any reason)
	cgQueryOptions opts;
	cgParseOptions parse_opts;
	cgQueryMatch match; // the current match (its captures are the cursor's)
} cgBudget;

static int64_t cg_now(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// cg_progress is called by the cursor about every hundred steps; true
// halts the query.
static bool cg_progress(cgQueryState *state) {
	cgBudget *b = state->payload;
	if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
		return true;
	}
	if (cg_now() > b->deadline) {
		b->expired = 1;
		return true;
	}
	return false;
}

// cg_parse_progress is called by the parser about every hundred
// operations; true halts the parse (ts_parser_parse_with_options then
// returns NULL).
static bool cg_parse_progress(cgParseState *state) {
	cgBudget *b = state->payload;
	bool halt = false;
	if (__atomic_load_n(&b->stop, __ATOMIC_RELAXED)) {
		halt = true;
	} else if (cg_now() > b->deadline ||
		(b->halt_offset >= 0 && (int64_t)state->current_byte_offset >= b->halt_offset)) {
		b->expired = 1;
		halt = true;
	}
	if (halt) {
		b->halted_parse = 1;
	}
	return halt;
}

static cgBudget *cg_budget_new(void) {
	cgBudget *b = calloc(1, sizeof(cgBudget));
	if (b) {
		b->halt_offset = -1;
		b->opts.payload = b;
		b->opts.progress_callback = cg_progress;
		b->parse_opts.payload = b;
		b->parse_opts.progress_callback = cg_parse_progress;
	}
	return b;
}

// cgString is the input of one parse: the source, read in one chunk.
typedef struct { const char *src; uint32_t len; } cgString;

static const char *cg_read(void *payload, uint32_t byte, cgPoint position, uint32_t *bytes_read) {
	cgString *s = payload;
	if (byte >= s->len) {
		*bytes_read = 0;
		return "";
	}
	*bytes_read = s->len - byte;
	return s->src + byte;
}

// cg_parse parses src (valid for the duration of the call; the tree keeps
// no pointer into it) under b's deadline and stop flag.
static void *cg_parse(void *parser, const char *src, uint32_t len, cgBudget *b) {
	cgString s = {src, len};
	cgInput in = {&s, cg_read, 0, NULL};
	b->halted_parse = 0;
	return ts_parser_parse_with_options(parser, NULL, in, b->parse_opts);
}

static void cg_budget_arm(cgBudget *b, int64_t budget_ns) {
	b->deadline = cg_now() + budget_ns;
	b->expired = 0;
	__atomic_store_n(&b->stop, 0, __ATOMIC_RELAXED);
}

static void cg_budget_stop(cgBudget *b) {
	__atomic_store_n(&b->stop, 1, __ATOMIC_RELAXED);
}

static void cg_exec(void *cursor, const void *query, cgNode *node, cgBudget *b) {
	ts_query_cursor_exec_with_options(cursor, query, *node, &b->opts);
}

static bool cg_next_match(void *cursor, cgBudget *b) {
	return ts_query_cursor_next_match(cursor, &b->match);
}
*/
import "C"

import (
	"context"
	"math"
	"runtime"
	"time"
	"unsafe"

	sitter "github.com/tree-sitter/go-tree-sitter"
)

// The go-tree-sitter types whose C handle budget reads: each is a struct
// whose first (and, for QueryCursor and Node, only) field is the C object
// or pointer. A version of go-tree-sitter that changes them fails here at
// compile time (a negative array length) rather than at run time.
var (
	_ [unsafe.Sizeof(sitter.QueryCursor{}) - unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(sitter.QueryCursor{})]struct{}
	_ [unsafe.Sizeof(sitter.Node{}) - unsafe.Sizeof(C.cgNode{})]struct{}
	_ [unsafe.Sizeof(C.cgNode{}) - unsafe.Sizeof(sitter.Node{})]struct{}
	_ [unsafe.Sizeof(sitter.QueryCapture{}) - unsafe.Sizeof(C.cgQueryCapture{})]struct{}
	_ [unsafe.Sizeof(C.cgQueryCapture{}) - unsafe.Sizeof(sitter.QueryCapture{})]struct{}
	_ [unsafe.Sizeof(sitter.Parser{}) - unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(sitter.Parser{})]struct{}
	_ [unsafe.Sizeof(sitter.Tree{}) - unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(uintptr(0)) - unsafe.Sizeof(sitter.Tree{})]struct{}
	// TSInput, TSParseOptions and TSParseState as declared above (x86-64
	// and arm64 layouts).
	_ [unsafe.Sizeof(C.cgInput{}) - 4*unsafe.Sizeof(uintptr(0))]struct{}
	_ [unsafe.Sizeof(C.cgParseOptions{}) - 2*unsafe.Sizeof(uintptr(0))]struct{}
)

// startByte is n.StartByte() without a cgo call: a TSNode carries its
// start byte in context[0] (ts_node_start_byte in tree-sitter's node.c).
// Extraction asks for it for every capture.
func startByte(n *sitter.Node) uint {
	return uint((*C.cgNode)(unsafe.Pointer(n)).context[0])
}

// startPoint is n.StartPosition() without a cgo call: context[1] and [2]
// (ts_node_start_point).
func startPoint(n *sitter.Node) sitter.Point {
	c := (*C.cgNode)(unsafe.Pointer(n))
	return sitter.Point{Row: uint(c.context[1]), Column: uint(c.context[2])}
}

// budget bounds the query of one file in time and lets a context cancel
// it: the cursor calls a C function that checks a deadline and a stop flag
// (no call back into Go, no Go memory held by C). One budget belongs to
// one Parser.
type budget struct {
	b *C.cgBudget
}

func newBudget() *budget {
	b := C.cg_budget_new()
	if b == nil {
		panic("parse: out of memory")
	}
	return &budget{b: b}
}

func (b *budget) close() {
	if b.b != nil {
		C.free(unsafe.Pointer(b.b))
		b.b = nil
	}
}

// parse parses src with tp (a Parser with its language set) in one chunk
// read straight from src, halting when deadline passes or ctx is done:
// tree-sitter's progress callback is C (cg_parse_progress), where
// go-tree-sitter's ParseWithOptions calls back into Go about every hundred
// parse operations and copies the input into C memory on every read. A nil
// tree means the parse was halted: halted says so, expired whether the
// deadline (not ctx) halted it.
func (b *budget) parse(ctx context.Context, deadline time.Time, tp *sitter.Parser, src []byte) *sitter.Tree {
	if len(src) > math.MaxUint32 {
		return nil
	}
	release := b.arm(ctx, deadline)
	defer release()
	var p *C.char
	if len(src) > 0 {
		p = (*C.char)(unsafe.Pointer(&src[0]))
	}
	parser := *(*unsafe.Pointer)(unsafe.Pointer(tp))
	t := C.cg_parse(parser, p, C.uint32_t(len(src)), b.b)
	runtime.KeepAlive(src)
	if t == nil {
		return nil
	}
	tree := new(sitter.Tree)
	*(*unsafe.Pointer)(unsafe.Pointer(tree)) = t
	return tree
}

// haltAt makes the next parses halt, as on their deadline, once the
// parser reports progress at or past byte offset off; -1 never (tests).
func (b *budget) haltAt(off int64) { b.b.halt_offset = C.int64_t(off) }

// halted reports whether the last parse was halted by its deadline, its
// context or the test's halt offset.
func (b *budget) halted() bool { return b.b.halted_parse != 0 }

// arm starts the budget: deadline from now, the stop flag set when ctx is
// done. Call the returned function when the work is over, before the
// budget is armed again or freed.
func (b *budget) arm(ctx context.Context, deadline time.Time) func() {
	ns := time.Until(deadline).Nanoseconds()
	if ns < 0 {
		ns = 0
	}
	C.cg_budget_arm(b.b, C.int64_t(ns))
	if ctx.Err() != nil {
		C.cg_budget_stop(b.b)
	}
	cb := b.b
	done := make(chan struct{})
	release := context.AfterFunc(ctx, func() {
		C.cg_budget_stop(cb)
		close(done)
	})
	return func() {
		if !release() {
			<-done // it ran or runs: let it finish before the budget is reused or freed
		}
	}
}

// matches runs query over root with cursor, halting when deadline passes
// or ctx is done. Call stop (after the last Next) to release the context;
// expired then says whether the deadline halted it.
func (b *budget) matches(ctx context.Context, deadline time.Time, cursor *sitter.QueryCursor, query *sitter.Query, root *sitter.Node, src []byte) (*matchIter, func()) {
	release := b.arm(ctx, deadline)
	cur := *(*unsafe.Pointer)(unsafe.Pointer(cursor))
	q := *(*unsafe.Pointer)(unsafe.Pointer(query))
	C.cg_exec(cur, q, (*C.cgNode)(unsafe.Pointer(root)), b.b)
	return &matchIter{cursor: cur, b: b.b, query: query, text: src}, release
}

// matchIter iterates over a query's matches as go-tree-sitter's
// QueryMatches does (text predicates included), into one match held in the
// budget's C memory: QueryMatches.Next allocates and frees a C match per
// match (two cgo calls more each, on millions of matches for a large
// repository).
type matchIter struct {
	cursor unsafe.Pointer
	b      *C.cgBudget
	query  *sitter.Query
	text   []byte
	m      sitter.QueryMatch
}

// Next returns the next match that satisfies its text predicates, nil at
// the end. The match and its captures are valid until the next call.
func (it *matchIter) Next() *sitter.QueryMatch {
	for C.cg_next_match(it.cursor, it.b) {
		cm := &it.b.match
		it.m = sitter.QueryMatch{PatternIndex: uint(cm.pattern_index)}
		if cm.capture_count > 0 {
			it.m.Captures = unsafe.Slice((*sitter.QueryCapture)(unsafe.Pointer(cm.captures)), int(cm.capture_count))
		}
		if len(it.query.TextPredicates[it.m.PatternIndex]) == 0 || it.m.SatisfiesTextPredicate(it.query, nil, nil, it.text) {
			return &it.m
		}
	}
	return nil
}

// expired reports whether the deadline halted the last query.
func (b *budget) expired() bool { return b.b.expired != 0 }
