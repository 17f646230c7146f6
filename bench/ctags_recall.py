#!/usr/bin/env python3
"""Definition recall against universal-ctags, and the share of resolved calls.

Usage: bench/ctags_recall.py CODEGRAPH REPO_DIR [REPO_DIR...]

For each repository: indexes it with CODEGRAPH (into a temporary store),
exports the graph (ndjson), runs `ctags -R --output-format=json` on the same
tree and counts the ctags definitions of kinds function, method,
singletonMethod, class, interface and enum (and struct in Swift) in C#,
Ruby, PHP, Kotlin and Swift files that codegraph also has (a node of the
same file and name whose line range holds the tag's line).

universal-ctags has no Swift parser: Swift definitions come from the regular
expressions of SWIFT_REGEX below (declarations introduced by class, actor,
struct, enum, protocol and func after attributes and modifiers, on one line),
a reference independent of tree-sitter. ctags 5.9 also tags Kotlin loop
variables and lambda parameters (for (x in xs), { x -> }) as methods and
names lambdas <lambda>: only tags whose line declares a fun count as
Kotlin methods. Prints recall, the misses by kind (first few), the calls
edges of those languages by resolution (exact, ambiguous, inferred,
external, unresolved) and the indexing CPU time and MB/s per core.
"""
import json, os, resource, subprocess, sys, tempfile, time, collections

KINDS = {"function", "method", "singletonMethod", "class", "interface", "enum", "struct"}
LANGS = {"C#": "csharp", "Ruby": "ruby", "PHP": "php", "Kotlin": "kotlin", "Swift": "swift"}
EXTS = (".cs", ".csx", ".rb", ".rake", ".gemspec", ".ru", ".php", ".phtml", ".kt", ".kts", ".swift")

_SWIFT_MODS = (r"(@[[:alnum:]_.]+(\([^)]*\))?[[:space:]]+|(public|open|internal|fileprivate|private|package|final|indirect|"
               r"static|class|override|mutating|nonmutating|nonisolated|dynamic|convenience|required|optional|prefix|"
               r"postfix|infix|distributed)[[:space:]]+)*")
SWIFT_REGEX = ["--langdef=Swift", "--map-Swift=+.swift",
               "--kinddef-Swift=c,class,classes", "--kinddef-Swift=s,struct,structures",
               "--kinddef-Swift=e,enum,enumerations", "--kinddef-Swift=i,interface,protocols",
               "--kinddef-Swift=f,function,functions"] + [
    f"--regex-Swift=/^[[:space:]]*{_SWIFT_MODS}{kw}[[:space:]]+([[:alpha:]_][[:alnum:]_]*)/\\5/{k}/"
    for kw, k in (("(class|actor)", "c"), ("(struct)", "s"), ("(enum)", "e"), ("(protocol)", "i"), ("(func)", "f"))]
# Keywords the class pattern takes for a name in "class func", "class var".
SWIFT_NOT_NAMES = {"func", "var", "let", "subscript", "init", "deinit", "static", "final", "override", "case"}


def ctags_defs(repo):
    out = subprocess.run(["ctags", "-R", "--output-format=json", "--fields=+nKl"] + SWIFT_REGEX +
                         ["--languages=C#,Ruby,PHP,Kotlin,Swift", "-f", "-", "."],
                         cwd=repo, capture_output=True, text=True, check=True).stdout
    defs = []
    for line in out.splitlines():
        try:
            t = json.loads(line)
        except ValueError:
            continue
        if t.get("_type") != "tag" or t.get("kind") not in KINDS or t.get("language") not in LANGS:
            continue
        if t["name"].startswith("<"):
            continue  # <lambda>: ctags's name for a Kotlin lambda, no definition
        if t["kind"] == "struct" and t["language"] != "Swift":
            continue  # the C# figures count no structs
        if t["language"] == "Swift" and t["name"] in SWIFT_NOT_NAMES:
            continue
        path = t["path"][2:] if t["path"].startswith("./") else t["path"]
        if t["language"] == "Kotlin" and t["kind"] == "method" and "fun " not in t.get("pattern", ""):
            continue  # ctags 5.9 tags Kotlin loop variables and lambda parameters as methods
        defs.append((path, t["name"], int(t.get("line", 0)), t["kind"]))
    return defs


def main():
    cg, repos = sys.argv[1], sys.argv[2:]
    for repo in repos:
        repo = os.path.abspath(repo)
        size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(repo) for f in fs if f.endswith(EXTS))
        with tempfile.TemporaryDirectory() as db:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.time()
            subprocess.run([cg, "index", repo, "--db", db, "--no-search", "--no-daemon"], check=True, stdout=subprocess.DEVNULL)
            wall = time.time() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            exp = subprocess.run([cg, "export", "--db", db, "--format", "ndjson"], capture_output=True, text=True, check=True).stdout
        nodes = collections.defaultdict(list)
        lang_of = {}
        calls = collections.Counter()
        for line in exp.splitlines():
            r = json.loads(line)
            if r.get("type") == "node":
                nodes[(r.get("file"), r.get("name"))].append((r.get("line", 0), r.get("end_line", 0)))
                if r.get("kind") == "file":
                    lang_of[r.get("file")] = r.get("language")
            elif r.get("type") == "edge" and r.get("kind") == "calls" and lang_of.get(r.get("file")) in LANGS.values():
                calls[r.get("resolution") or "unresolved"] += 1
        defs = ctags_defs(repo)
        hit, miss = 0, []
        for path, name, line, kind in defs:
            if any(s <= line <= e for s, e in nodes.get((path, name), [])):
                hit += 1
            else:
                miss.append((kind, path, line, name))
        total = sum(calls.values()) or 1
        bound = sum(v for k, v in calls.items() if k not in ("unresolved",))
        print(f"{os.path.basename(repo)}: {size/1e6:.2f} MB; ctags definitions {len(defs)}, found {hit}, recall {hit/max(len(defs),1):.3f}")
        print(f"  calls {sum(calls.values())}: " + ", ".join(f"{k} {v}" for k, v in sorted(calls.items())) +
              f"; resolved to a definition or external {bound/total:.3f}")
        print(f"  index: {cpu:.2f} s CPU, {wall:.2f} s wall, {size/1e6/max(cpu,1e-9):.2f} MB/s per core")
        for m in miss[:int(os.environ.get("MISSES", "8"))]:
            print("  miss", *m)


if __name__ == "__main__":
    main()
