"""Tests of codegraph_client against a real ``codegraph serve``.

The server is started by the Go test clients/clients_test.go (``make test``
runs it), which passes its address and keys in the environment:
CODEGRAPH_URL (the fixture repository, testdata/repo, indexed),
CODEGRAPH_RW_KEY and CODEGRAPH_RO_KEY, and CODEGRAPH_NOT_READY_URL (a
server over a repository without an index).
"""

import json
import os
import unittest

import codegraph_client as cg

URL = os.environ.get("CODEGRAPH_URL", "")
RW = os.environ.get("CODEGRAPH_RW_KEY", "")
RO = os.environ.get("CODEGRAPH_RO_KEY", "")
NOT_READY_URL = os.environ.get("CODEGRAPH_NOT_READY_URL", "")


@unittest.skipUnless(URL, "CODEGRAPH_URL is not set: run through go test ./clients")
class ReadTest(unittest.TestCase):
    def setUp(self):
        self.c = cg.Client(URL, api_key=RO)

    def test_bad_base_url(self):
        for u in ("", "localhost:8080", "ftp://x"):
            with self.assertRaises(ValueError):
                cg.Client(u)

    def test_search(self):
        res = self.c.search("Store", limit=3, kind="struct")
        self.assertIsInstance(res, cg.SearchResult)
        self.assertGreater(len(res.hits), 0)
        self.assertLessEqual(len(res.hits), 3)
        top = res.hits[0]
        self.assertIsInstance(top, cg.Hit)
        self.assertEqual((top.name, top.kind, top.file), ("Store", "struct", "pkg/store/store.go"))
        self.assertGreater(top.score, 0)
        exact = self.c.search("s.st.Get(", mode="exact")
        self.assertEqual(exact.mode, "exact")
        self.assertEqual([h.file for h in exact.hits], ["pkg/server/server.go"])
        with self.assertRaises(ValueError):
            self.c.search("  ")
        with self.assertRaises(cg.BadRequestError) as ctx:
            self.c.search("x", mode="nonsense")
        self.assertEqual((ctx.exception.status, ctx.exception.code), (400, "bad_request"))

    def test_callers_callees(self):
        res = self.c.callers("Store.Get", depth=1)
        self.assertIsInstance(res, cg.CallsResult)
        self.assertEqual(res.root.qualified_name, "Store.Get")
        self.assertEqual(res.total, 1)
        item = res.items[0]
        self.assertEqual(item.symbol.qualified_name, "Server.ServeHTTP")
        self.assertIsInstance(item.via, cg.Edge)
        self.assertEqual((item.via.kind, item.via.line, item.via.from_), ("calls", 21, item.symbol.id))
        callees = self.c.callees("Server.ServeHTTP")
        self.assertIn(res.root.id, [i.symbol.id for i in callees.items if i.symbol])

    def test_definition_references(self):
        d = self.c.definition("pkg/store/store.go:Get")
        self.assertIsInstance(d, cg.Symbol)
        self.assertEqual((d.qualified_name, d.line), ("Store.Get", 24))
        refs = self.c.references(d.id)
        self.assertEqual([(e.kind, e.to) for e in refs.edges], [("calls", d.id)])

    def test_errors(self):
        with self.assertRaises(cg.NotFoundError) as ctx:
            self.c.callers("NoSuchSymbolAnywhere")
        self.assertEqual((ctx.exception.status, ctx.exception.code), (404, "not_found"))
        self.assertIsInstance(ctx.exception, cg.APIError)
        with self.assertRaises(cg.NotFoundError):
            self.c.node("00000000deadbeef")
        with self.assertRaises(cg.UnauthorizedError) as ctx:
            cg.Client(URL).search("Store")
        self.assertEqual(ctx.exception.status, 401)
        with self.assertRaises(cg.UnauthorizedError):
            cg.Client(URL, bearer_token="wrong-key-0123456789").search("Store")
        self.assertGreater(len(cg.Client(URL, bearer_token=RO).search("Store").hits), 0)
        with self.assertRaises(cg.ForbiddenError):
            self.c.create_node("function", "ro")
        with self.assertRaises(cg.ForbiddenError):
            self.c.parse(path=".env")
        with self.assertRaises(cg.NotFoundError):
            self.c.with_repo("nope").search("Store")
        with self.assertRaises(cg.TransportError):
            cg.Client("http://127.0.0.1:9", timeout=5).live()
        with self.assertRaises(TypeError):
            self.c.patch_node("x", colour="red")

    def test_nodes_edges_streams(self):
        seen = set()
        cursor = None
        while True:
            page = self.c.nodes(kind=["function", "method"], limit=2, cursor=cursor)
            self.assertLessEqual(page.count, 2)
            for n in page.nodes:
                self.assertIn(n.kind, ("function", "method"))
                self.assertNotIn(n.id, seen)
                seen.add(n.id)
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        streamed = [n.id for n in self.c.stream_nodes(kind="function,method")]
        self.assertEqual(sorted(streamed), sorted(seen))
        self.assertGreaterEqual(len(seen), 5)
        one = self.c.node(sorted(seen)[0])
        self.assertIsInstance(one, cg.Node)
        self.assertEqual(one.id, sorted(seen)[0])
        d = self.c.definition("Server.ServeHTTP")
        out = self.c.edges(d.id, direction="out", kind="calls")
        self.assertGreater(out.count, 0)
        self.assertTrue(all(e.kind == "calls" and e.from_ == d.id for e in out.edges))
        edges = self.c.stream_edges(kind="calls", resolved=True, limit=3)
        got = list(edges)
        self.assertEqual(len(got), 3)
        self.assertTrue(all(e.to for e in got))

    def test_graph_queries(self):
        deps = self.c.dependencies("Store.Get", depth=1)
        self.assertIn("Order", [i.name for i in deps.items])
        self.assertEqual(deps.scope.symbol.qualified_name, "Store.Get")
        self.assertTrue(self.c.dependents("Order").reverse)
        p = self.c.path("Server.ServeHTTP", "Store.Get")
        self.assertTrue(p.found)
        self.assertEqual(p.length, 1)
        self.assertEqual(p.from_.qualified_name, "Server.ServeHTTP")
        self.assertEqual([s.symbol.qualified_name for s in p.steps], ["Server.ServeHTTP", "Store.Get"])
        im = self.c.impact("Store.Get")
        self.assertTrue(im.complete)
        self.assertEqual([i.symbol.qualified_name for i in im.items], ["Server.ServeHTTP"])
        self.assertEqual([f.file for f in im.files], ["pkg/server/server.go"])
        self.assertIsInstance(im.packages[0], cg.ImpactPackage)
        self.assertIsInstance(im.unresolved, cg.Uncertainty)
        self.assertEqual((im.unresolved.count, im.scope.kind), (0, "symbol"))
        mm = self.c.export(root="Store.Get", direction="callers", depth=1)
        self.assertTrue(mm.startswith("flowchart"), mm)
        self.assertIn("ServeHTTP", mm)
        g = json.loads(self.c.export("json", root="Store.Get", depth=1))
        self.assertTrue(g["root"])
        with self.assertRaises(cg.BadRequestError):
            self.c.export("png")

    def test_similar_vector_parse(self):
        d = self.c.definition("Store.Get")
        sim = self.c.similar(d.id, limit=2)
        self.assertTrue(0 < len(sim.hits) <= 2)
        self.assertNotIn(d.id, [h.id for h in sim.hits])
        with self.assertRaises(cg.BadRequestError):
            self.c.vector_search([1.0, 2.0, 3.0])
        res = self.c.parse(content="def f():\n    g()\n", language="python")
        self.assertIsInstance(res, cg.ParseResult)
        self.assertEqual(res.language, "python")
        self.assertIn(("function", "f"), [(n.kind, n.name) for n in res.nodes])
        self.assertIn(("calls", "g"), [(e.kind, e.target) for e in res.edges])

    def test_health_documents(self):
        self.assertTrue(self.c.live())
        rd = self.c.ready()
        self.assertEqual(rd.status, "ready")
        self.assertTrue(all(r.ready for r in rd.repos))
        self.assertIn("codegraph_http_requests_total", self.c.metrics())
        self.assertIn("openapi", self.c.openapi())


@unittest.skipUnless(URL, "CODEGRAPH_URL is not set: run through go test ./clients")
class WriteTest(unittest.TestCase):
    """Writes, in one test: the server refuses a write while another runs."""

    def test_nodes_and_jobs(self):
        w = cg.Client(URL, api_key=RW)
        n = w.create_node("function", "pyMade", file="api/py.py", language="python", line=3, end_line=5)
        self.assertTrue(n.api)
        self.assertEqual(w.node(n.id).name, "pyMade")
        self.assertEqual(w.patch_node(n.id, doc="patched").doc, "patched")
        r = w.replace_node(n.id, "pyMade2")
        self.assertEqual((r.name, r.doc), ("pyMade2", ""))
        # A bare name that the API node shares with a source function is ambiguous.
        twin = w.create_node("function", "NewServer", file="api/twin.go", language="go")
        try:
            with self.assertRaises(cg.AmbiguousError) as ctx:
                w.callers("NewServer")
            self.assertIsInstance(ctx.exception, cg.ConflictError)
            self.assertIn(twin.id, [c.id for c in ctx.exception.candidates])
        finally:
            w.delete_node(twin.id)
        w.delete_node(n.id)
        with self.assertRaises(cg.NotFoundError):
            w.node(n.id)
        with self.assertRaises(cg.ConflictError):
            w.delete_node(w.definition("Store.Get").id)

        with self.assertRaises(cg.ForbiddenError):
            cg.Client(URL, api_key=RO).index()
        job = w.index()
        self.assertIsInstance(job, cg.Job)
        self.assertEqual(job.kind, "index")
        events = list(w.job_events(job.id, timeout=120))
        self.assertGreater(len(events), 0)
        self.assertEqual(events[-1].event, "done")
        done = w.wait_job(job.id)
        self.assertEqual(done.state, "succeeded")
        self.assertTrue(done.done)
        self.assertIsInstance(done.result, dict)
        self.assertEqual(w.job(job.id).state, "succeeded")
        self.assertIn(job.id, [j.id for j in w.jobs(state="succeeded").jobs])
        with self.assertRaises(cg.ConflictError):
            w.cancel_job(job.id)
        with self.assertRaises(cg.NotFoundError):
            w.job("no-such-job")


@unittest.skipUnless(NOT_READY_URL, "CODEGRAPH_NOT_READY_URL is not set: run through go test ./clients")
class NotReadyTest(unittest.TestCase):
    def test_ready_raises_with_readiness(self):
        c = cg.Client(NOT_READY_URL)
        with self.assertRaises(cg.UnavailableError) as ctx:
            c.ready()
        e = ctx.exception
        self.assertEqual(e.status, 503)
        self.assertIsNotNone(e.readiness)
        self.assertEqual(e.readiness.status, "not_ready")
        self.assertFalse(e.readiness.repos[0].ready)
        self.assertGreater(e.retry_after or 0, 0)
        with self.assertRaises(cg.UnavailableError):
            c.search("x")


if __name__ == "__main__":
    unittest.main()
