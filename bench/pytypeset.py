#!/usr/bin/python3
"""Search queries for the documented classes of a Python package (the
first sentence of the docstring, 4 words or more), in pysearchset.py's
NDJSON format: the type-query counterpart of its function queries (see
bench/typeset).

    /usr/bin/python3 bench/pytypeset.py DIR > queries.ndjson
"""
import ast
import json
import os
import sys


def first(doc):
    s = " ".join(doc.split())
    i = s.find(". ")
    return (s[:i] if i >= 0 else s).rstrip(".")


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    for d, _, files in os.walk(root):
        for fn in sorted(files):
            if not fn.endswith(".py") or "test" in fn:
                continue
            p = os.path.join(d, fn)
            try:
                tree = ast.parse(open(p, encoding="utf-8").read())
            except (SyntaxError, UnicodeDecodeError):
                continue
            for node in ast.walk(tree):
                if isinstance(node, ast.ClassDef) and ast.get_docstring(node):
                    q = first(ast.get_docstring(node))
                    if len(q.split()) >= 4:
                        print(json.dumps({"query": q, "file": os.path.relpath(p, root), "name": node.name, "lang": "python"}))


if __name__ == "__main__":
    main()
