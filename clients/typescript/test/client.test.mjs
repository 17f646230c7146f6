// Tests of the TypeScript client against a real `codegraph serve`, started
// by the Go test clients/typescript_test.go (`make test` runs it), which
// builds dist/ with tsc and passes the server's address and keys:
// CODEGRAPH_URL (testdata/repo indexed), CODEGRAPH_RW_KEY, CODEGRAPH_RO_KEY
// and CODEGRAPH_NOT_READY_URL (a server over a repository without index).
import { test } from "node:test";
import assert from "node:assert/strict";
import { CodeGraphClient, CodeGraphError, NotReadyError, isDone } from "../dist/index.js";

const URL_ = process.env.CODEGRAPH_URL;
const RW = process.env.CODEGRAPH_RW_KEY;
const RO = process.env.CODEGRAPH_RO_KEY;
const NOT_READY_URL = process.env.CODEGRAPH_NOT_READY_URL;
const skip = URL_ ? false : "CODEGRAPH_URL is not set: run through go test ./clients";

const ro = () => new CodeGraphClient({ baseUrl: URL_, apiKey: RO });

async function rejects(p, check) {
  await assert.rejects(p, (e) => {
    assert.ok(e instanceof CodeGraphError, `not a CodeGraphError: ${e}`);
    check(e);
    return true;
  });
}

test("bad base URLs", { skip }, () => {
  for (const u of ["", "localhost:8080", "ftp://x"]) {
    assert.throws(() => new CodeGraphClient({ baseUrl: u }), TypeError);
  }
});

test("search", { skip }, async () => {
  const c = ro();
  const res = await c.search("Store", { limit: 3, kind: "struct" });
  assert.ok(res.hits.length > 0 && res.hits.length <= 3);
  const top = res.hits[0];
  assert.deepEqual([top.name, top.kind, top.file], ["Store", "struct", "pkg/store/store.go"]);
  assert.ok(top.score > 0);
  const exact = await c.search("s.st.Get(", { mode: "exact" });
  assert.equal(exact.mode, "exact");
  assert.deepEqual(exact.hits.map((h) => h.file), ["pkg/server/server.go"]);
  await assert.rejects(c.search(" "), TypeError);
  await rejects(c.search("x", { mode: "nonsense" }), (e) => {
    assert.equal(e.status, 400);
    assert.equal(e.code, "bad_request");
  });
});

test("callers, callees, definition, references", { skip }, async () => {
  const c = ro();
  const res = await c.callers("Store.Get", { depth: 1 });
  assert.equal(res.root.qualified_name, "Store.Get");
  assert.equal(res.total, 1);
  const item = res.items[0];
  assert.equal(item.symbol.qualified_name, "Server.ServeHTTP");
  assert.deepEqual([item.via.kind, item.via.line, item.via.from], ["calls", 21, item.symbol.id]);
  const callees = await c.callees("Server.ServeHTTP");
  assert.ok(callees.items.some((i) => i.symbol?.id === res.root.id));
  const d = await c.definition("pkg/store/store.go:Get");
  assert.deepEqual([d.qualified_name, d.line], ["Store.Get", 24]);
  const refs = await c.references(d.id);
  assert.deepEqual(refs.edges.map((e) => [e.kind, e.to]), [["calls", d.id]]);
});

test("typed errors", { skip }, async () => {
  const c = ro();
  await rejects(c.callers("NoSuchSymbolAnywhere"), (e) => {
    assert.equal(e.status, 404);
    assert.equal(e.code, "not_found");
    assert.ok(e.isNotFound && !e.isAmbiguous);
  });
  await rejects(c.node("00000000deadbeef"), (e) => assert.ok(e.isNotFound));
  await rejects(new CodeGraphClient({ baseUrl: URL_ }).search("Store"), (e) => {
    assert.equal(e.status, 401);
    assert.ok(e.isUnauthorized);
  });
  await rejects(new CodeGraphClient({ baseUrl: URL_, bearerToken: "wrong-key-0123456789" }).search("Store"), (e) => assert.equal(e.status, 401));
  assert.ok((await new CodeGraphClient({ baseUrl: URL_, bearerToken: RO }).search("Store")).hits.length > 0);
  await rejects(c.createNode({ kind: "function", name: "ro" }), (e) => assert.equal(e.status, 403));
  await rejects(c.parse({ path: ".env" }), (e) => assert.equal(e.status, 403));
  await rejects(c.withRepo("nope").search("Store"), (e) => assert.equal(e.status, 404));
  await rejects(new CodeGraphClient({ baseUrl: "http://127.0.0.1:9" }).live(), (e) => {
    assert.equal(e.status, 0);
    assert.equal(e.code, "network");
  });
});

test("nodes, edges and streams", { skip }, async () => {
  const c = ro();
  const seen = new Set();
  let cursor;
  for (;;) {
    const page = await c.nodes({ kind: ["function", "method"], limit: 2, cursor });
    assert.ok(page.count <= 2);
    for (const n of page.nodes) {
      assert.ok(["function", "method"].includes(n.kind));
      assert.ok(!seen.has(n.id), `node ${n.id} listed twice`);
      seen.add(n.id);
    }
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  const streamed = [];
  for await (const n of c.streamNodes({ kind: "function,method" })) streamed.push(n.id);
  assert.deepEqual(streamed.sort(), [...seen].sort());
  assert.ok(seen.size >= 5);
  const first = [...seen].sort()[0];
  assert.equal((await c.node(first)).id, first);
  const d = await c.definition("Server.ServeHTTP");
  const out = await c.edges(d.id, { direction: "out", kind: "calls" });
  assert.ok(out.count > 0);
  assert.ok(out.edges.every((e) => e.kind === "calls" && e.from === d.id));
  // Stopping early closes the stream.
  const two = [];
  for await (const e of c.streamEdges({ kind: "calls", resolved: true })) {
    assert.ok(e.to);
    two.push(e);
    if (two.length === 2) break;
  }
  assert.equal(two.length, 2);
});

test("graph queries and export", { skip }, async () => {
  const c = ro();
  const deps = await c.dependencies("Store.Get", { depth: 1 });
  assert.ok(deps.items.some((i) => i.name === "Order"));
  assert.equal(deps.scope.symbol.qualified_name, "Store.Get");
  assert.equal((await c.dependents("Order")).reverse, true);
  const p = await c.path("Server.ServeHTTP", "Store.Get");
  assert.ok(p.found);
  assert.equal(p.length, 1);
  assert.deepEqual(p.steps.map((s) => s.symbol.qualified_name), ["Server.ServeHTTP", "Store.Get"]);
  const im = await c.impact("Store.Get");
  assert.ok(im.complete);
  assert.deepEqual(im.items.map((i) => i.symbol.qualified_name), ["Server.ServeHTTP"]);
  assert.deepEqual(im.files.map((f) => f.file), ["pkg/server/server.go"]);
  assert.equal(im.unresolved.count, 0);
  assert.equal(im.scope.kind, "symbol");
  const mm = await c.export({ root: "Store.Get", direction: "callers", depth: 1 });
  assert.match(mm, /^flowchart/);
  assert.match(mm, /ServeHTTP/);
  const g = JSON.parse(await c.export({ format: "json", root: "Store.Get", depth: 1 }));
  assert.ok(g.root);
  await rejects(c.export({ format: "png" }), (e) => assert.equal(e.status, 400));
});

test("similar, vector search, parse", { skip }, async () => {
  const c = ro();
  const d = await c.definition("Store.Get");
  const sim = await c.similar(d.id, { limit: 2 });
  assert.ok(sim.hits.length > 0 && sim.hits.length <= 2);
  assert.ok(!sim.hits.some((h) => h.id === d.id));
  await rejects(c.vectorSearch({ vector: [1, 2, 3] }), (e) => assert.equal(e.status, 400));
  const res = await c.parse({ content: "def f():\n    g()\n", language: "python" });
  assert.equal(res.language, "python");
  assert.ok(res.nodes.some((n) => n.kind === "function" && n.name === "f"));
  assert.ok(res.edges.some((e) => e.kind === "calls" && e.target === "g"));
});

test("health and documents", { skip }, async () => {
  const c = ro();
  assert.equal(await c.live(), true);
  const rd = await c.ready();
  assert.equal(rd.status, "ready");
  assert.ok(rd.repos.every((r) => r.ready));
  assert.match(await c.metrics(), /codegraph_http_requests_total/);
  assert.ok((await c.openapi()).openapi);
});

// The writes run in one test: the server refuses a write while another runs.
test("writes and jobs", { skip }, async () => {
  const w = new CodeGraphClient({ baseUrl: URL_, apiKey: RW });
  const n = await w.createNode({ kind: "function", name: "tsMade", file: "api/ts.ts", language: "typescript", line: 3, end_line: 5 });
  assert.equal(n.api, true);
  assert.equal((await w.node(n.id)).name, "tsMade");
  assert.equal((await w.patchNode(n.id, { doc: "patched" })).doc, "patched");
  const r = await w.replaceNode(n.id, { name: "tsMade2" });
  assert.equal(r.name, "tsMade2");
  assert.equal(r.doc, undefined);
  const twin = await w.createNode({ kind: "function", name: "NewServer", file: "api/twin.go", language: "go" });
  try {
    await rejects(w.callers("NewServer"), (e) => {
      assert.equal(e.status, 409);
      assert.ok(e.isAmbiguous);
      assert.ok(e.candidates.some((s) => s.id === twin.id));
    });
  } finally {
    await w.deleteNode(twin.id);
  }
  await w.deleteNode(n.id);
  await rejects(w.node(n.id), (e) => assert.ok(e.isNotFound));
  await rejects(w.deleteNode((await w.definition("Store.Get")).id), (e) => assert.equal(e.status, 409));

  await rejects(ro().index(), (e) => assert.equal(e.status, 403));
  const job = await w.index();
  assert.equal(job.kind, "index");
  const events = [];
  for await (const ev of w.jobEvents(job.id)) events.push(ev);
  assert.ok(events.length > 0);
  assert.equal(events.at(-1).event, "done");
  const done = await w.waitJob(job.id);
  assert.equal(done.state, "succeeded");
  assert.ok(isDone(done));
  assert.equal(typeof done.result, "object");
  assert.equal((await w.job(job.id)).state, "succeeded");
  assert.ok((await w.jobs({ state: "succeeded" })).jobs.some((j) => j.id === job.id));
  await rejects(w.cancelJob(job.id), (e) => assert.equal(e.status, 409));
  await rejects(w.job("no-such-job"), (e) => assert.ok(e.isNotFound));
});

test("not ready", { skip: NOT_READY_URL ? false : "CODEGRAPH_NOT_READY_URL is not set" }, async () => {
  const c = new CodeGraphClient({ baseUrl: NOT_READY_URL });
  await assert.rejects(c.ready(), (e) => {
    assert.ok(e instanceof NotReadyError);
    assert.equal(e.status, 503);
    assert.equal(e.readiness.status, "not_ready");
    assert.equal(e.readiness.repos[0].ready, false);
    assert.ok(e.retryAfter > 0);
    return true;
  });
  await rejects(c.search("x"), (e) => assert.equal(e.status, 503));
});
