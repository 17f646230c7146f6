"""Compare the calls edges of two NDJSON exports of the same corpus.

usage: resolve_stats.py before.ndjson after.ndjson [N]

Prints the share of call sites that are exact / inferred / ambiguous /
external / unresolved in each (one count per call site: an ambiguous call
has one edge per candidate), the number of call sites newly bound to a
repository node, and with N a seeded random sample of N of them for a
hand precision check.
"""
import json, sys, collections, random
def load(p):
    nodes, edges = {}, []
    for line in open(p):
        o = json.loads(line)
        if o["type"] == "node": nodes[o["id"]] = o
        elif o["kind"] == "calls": edges.append(o)
    return nodes, edges
def share(edges):
    # one count per call site (an ambiguous call has one edge per candidate)
    seen = {}
    for e in edges:
        seen.setdefault((e["src"], e["target"], e["line"]), e.get("resolution") or "unresolved")
    c = collections.Counter(seen.values())
    n = len(seen)
    return n, {k: "%.1f%%" % (100.0 * v / n) for k, v in sorted(c.items())}
bn, be = load(sys.argv[1]); an, ae = load(sys.argv[2])
print("before", share(be)); print("after ", share(ae))
def key(nodes, e):
    s = nodes.get(e["src"], {})
    return (s.get("file"), s.get("qualified_name"), e["target"], e["line"])
bres = {key(bn, e) for e in be if e.get("dst")}
new, seen = [], set()
for e in ae:
    k = key(an, e)
    if e.get("dst") and k not in bres and k not in seen and e.get("resolution") in ("exact", "inferred", "ambiguous"):
        seen.add(k); new.append(e)
print("newly bound to repository nodes:", len(new), dict(collections.Counter(e["resolution"] for e in new)))
if len(sys.argv) > 3:
    random.seed(1)
    for e in random.sample(new, min(int(sys.argv[3]), len(new))):
        s = an[e["src"]]; d = an.get(e["dst"], {})
        print("%s:%d %s: %s -> %s:%s [%s]" % (s["file"], e["line"], s["qualified_name"], e["target"], d.get("file"), d.get("qualified_name"), e["resolution"]))
