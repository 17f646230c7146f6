package resolve

import (
	"strings"
	"sync"
)

// Builtins of the dynamic languages: a bare call of one of these names that
// the file neither defines nor imports binds to an external node of the
// language's builtins ("builtins.len" for Python, "globalThis.parseInt"
// for JavaScript/TypeScript). Test-framework globals (describe, it,
// expect) are deliberately absent: they belong to whatever runner the
// project uses and stay unresolved.
//
// These tables, like the C and library name tables (cpplib.go, infer.go,
// oo.go), are built on first use (sync.OnceValue): every codegraph process
// links this package, and most (the query commands) never resolve.

var pyBuiltins = sync.OnceValue(func() map[string]bool {
	return wordSet(`abs aiter all anext any ascii bin bool breakpoint bytearray bytes callable chr classmethod
compile complex delattr dict dir divmod enumerate eval exec filter float format frozenset getattr globals hasattr hash
help hex id input int isinstance issubclass iter len list locals map max memoryview min next object oct open ord pow
print property range repr reversed round set setattr slice sorted staticmethod str sum super tuple type vars zip
__import__ BaseException Exception ArithmeticError AssertionError AttributeError BlockingIOError BrokenPipeError
BufferError ConnectionError ConnectionResetError EOFError FileExistsError FileNotFoundError FloatingPointError
GeneratorExit ImportError IndexError InterruptedError IsADirectoryError KeyError KeyboardInterrupt LookupError
MemoryError ModuleNotFoundError NameError NotADirectoryError NotImplementedError OSError OverflowError
PermissionError RecursionError ReferenceError RuntimeError StopAsyncIteration StopIteration SyntaxError SystemError
SystemExit TimeoutError TypeError UnboundLocalError UnicodeDecodeError UnicodeEncodeError UnicodeError ValueError
ZeroDivisionError DeprecationWarning RuntimeWarning UserWarning Warning BytesWarning ResourceWarning EncodingWarning`)
})

var jsGlobals = sync.OnceValue(func() map[string]bool {
	return wordSet(`Array ArrayBuffer BigInt Boolean DataView Date Error EvalError Float32Array Float64Array
Function Int8Array Int16Array Int32Array Map Number Object Promise Proxy RangeError ReferenceError RegExp Set String
Symbol SyntaxError TypeError URIError Uint8Array Uint16Array Uint32Array Uint8ClampedArray WeakMap WeakRef WeakSet
AbortController URL URLSearchParams TextEncoder TextDecoder FormData Headers Request Response Blob
clearImmediate clearInterval clearTimeout decodeURI decodeURIComponent encodeURI encodeURIComponent fetch isFinite
isNaN parseFloat parseInt queueMicrotask require setImmediate setInterval setTimeout structuredClone`)
})

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// rustPrelude are the types of Rust's standard prelude that calls name
// without importing them (Vec::new(), x.push() on a Vec, Box::new(),
// Default::default()), with the std module that defines them: calls on
// them bind to external std nodes when the file neither defines nor
// imports the name.
var rustPrelude = map[string]string{
	"Vec": "std::vec", "String": "std::string", "Option": "std::option", "Result": "std::result",
	"Box": "std::boxed", "Default": "std::default",
}
