package resolve

import (
	"strings"
	"sync"

	"github.com/codegraph-dev/codegraph/internal/graph"
	"github.com/codegraph-dev/codegraph/internal/lang"
)

// Inferred bindings for the dynamic languages (Python, JavaScript,
// TypeScript, Ruby, PHP): obj.m() on a receiver of unknown type binds to the
// repository's only method named m, marked graph.ResInferred. Not when the
// receiver is an imported module or a variable with a declared type (its
// type says where m is, even if that type is not in the repository), and
// never for names that builtin or common library types also have
// (obj.get(), items.push(), s.strip()): those are far more often calls
// into the library than into the one method of the repository.

// libraryMethods are method names of builtin and common library types of
// Python and JavaScript; a call of one of them on an unknown receiver is
// not inferred.
var libraryMethods = sync.OnceValue(func() map[string]bool {
	m := map[string]bool{}
	for _, list := range []string{
		// Python: object, str, bytes, list, dict, set, tuple, int, files, io, threading, re, logging, pathlib, datetime.
		`add append appendleft clear close copy count decode difference discard encode endswith extend find flush format
		fromkeys get index insert intersection isdigit isalnum isalpha islower isupper isspace items join keys lower lstrip
		partition pop popitem popleft read readline readlines remove replace reverse rfind rindex rsplit rstrip seek setdefault
		sort split splitlines startswith strip symmetric_difference tell title union update upper values write writelines zfill
		acquire release wait notify notify_all set is_set start run match search fullmatch sub subn group groups groupdict
		finditer findall debug info warning warn error exception critical log exists mkdir unlink open resolve isoformat
		strftime timestamp total_seconds hex to_bytes from_bytes bit_length getvalue send recv connect bind listen accept
		put get_nowait put_nowait qsize empty full task_done cancel result done submit shutdown capitalize casefold center
		expandtabs ljust rjust swapcase translate maketrans isnumeric isdecimal isidentifier isprintable istitle casefold
		issubset issuperset isdisjoint removeprefix removesuffix sendall makefile fileno settimeout getsockname`,
		// JavaScript: Object, Array, String, Map, Set, Promise, Date, JSON, console, DOM, EventEmitter, streams.
		`toString valueOf hasOwnProperty push shift unshift slice splice concat indexOf lastIndexOf includes map filter reduce
		reduceRight forEach some every flat flatMap fill keys entries at charAt charCodeAt codePointAt substring substr
		toLowerCase toUpperCase trim trimStart trimEnd padStart padEnd repeat localeCompare normalize test exec then catch
		finally resolve reject all race any allSettled has delete size getTime toISOString toJSON getFullYear getMonth getDate
		parse stringify log warn error info debug trace addEventListener removeEventListener dispatchEvent querySelector
		querySelectorAll getElementById appendChild removeChild setAttribute getAttribute on once off emit removeListener
		removeAllListeners pipe write end destroy call apply bind next return throw subscribe unsubscribe toFixed assign
		freeze create defineProperty getPrototypeOf isArray from of now random floor ceil round max min abs sqrt`,
	} {
		for _, w := range strings.Fields(list) {
			m[w] = true
		}
	}
	return m
})

// inferMethod binds receiver.….name() to the repository's only method
// called name, when nothing says the receiver's type is elsewhere.
func (r *resolver) inferMethod(ff *fileFacts, caller graph.NodeID, parts []string) ([]graph.NodeID, graph.Resolution) {
	language := r.langOf[ff.file]
	if language != lang.Python && language != lang.JavaScript && language != lang.TypeScript && language != lang.Ruby && language != lang.PHP {
		return nil, graph.ResUnresolved
	}
	head, name := parts[0], parts[len(parts)-1]
	if (language == lang.Ruby || language == lang.PHP) && ooLibraryMethods()[name] {
		return nil, graph.ResUnresolved
	}
	if libraryMethods()[name] || strings.HasPrefix(name, "__") || len(name) < 3 {
		return nil, graph.ResUnresolved
	}
	if _, ok := ff.imports[head]; ok || isSelfName(head) && len(parts) == 2 || head == "super" {
		return nil, graph.ResUnresolved
	}
	if len(ff.top[head]) > 0 {
		return nil, graph.ResUnresolved // a class or function of this file: its own rules apply
	}
	if _, ok := r.moduleVarType(ff.file, head, 0); ok {
		return nil, graph.ResUnresolved // a module variable of known type: typed resolution decides
	}
	for n := enclosingCallable(ff, caller); n != nil; n = enclosingCallable(ff, n.Parent) {
		if b, ok := r.callerVars(n)[head]; ok && (b.typ != "" || b.call != "") {
			if language == lang.Python || language == lang.Ruby || language == lang.PHP || b.typ != "" || strings.HasPrefix(b.call, "new ") {
				return nil, graph.ResUnresolved // declared or constructed: typed resolution decides
			}
			if _, known := r.bindingType(ff.file, enclosingType(ff, n.ID), b); known {
				return nil, graph.ResUnresolved // const s = factory(): its declared result type decides
			}
		}
	}
	key := language + "\x00" + name
	ids, ok := r.inferCache[key]
	if !ok {
		r.st.NodesByName(name, func(n graph.Node) error {
			if n.Kind == graph.KindMethod && n.Language == language {
				ids = append(ids, n.ID)
			}
			return nil
		})
		if r.inferCache == nil {
			r.inferCache = map[string][]graph.NodeID{}
		}
		r.inferCache[key] = ids
	}
	if len(ids) != 1 {
		return nil, graph.ResUnresolved
	}
	return ids, graph.ResInferred
}
