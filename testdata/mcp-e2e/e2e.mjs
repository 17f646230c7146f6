// End-to-end test of `codegraph mcp` with the official TypeScript MCP
// client: initialize, list the tools, call each one on the fixture
// repository (testdata/repo, already indexed), read the resources, check
// the answers. The client validates every structured answer against the
// tool's output schema.
//
// Usage: node e2e.mjs CODEGRAPH_BINARY REPO_DIR
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

const [bin, repo] = process.argv.slice(2);
if (!bin || !repo) {
  console.error("usage: node e2e.mjs CODEGRAPH_BINARY REPO_DIR");
  process.exit(2);
}

let checks = 0;
function check(cond, msg) {
  checks++;
  if (!cond) {
    throw new Error("check failed: " + msg);
  }
}

function text(res) {
  return res.content.filter((c) => c.type === "text").map((c) => c.text).join("");
}

const transport = new StdioClientTransport({ command: bin, args: ["mcp"], cwd: repo, stderr: "inherit" });
const client = new Client({ name: "codegraph-e2e", version: "1.0.0" });

async function call(name, args, opts) {
  const res = await client.callTool({ name, arguments: args }, undefined, opts);
  check(!res.isError, `${name}(${JSON.stringify(args)}) failed: ${text(res)}`);
  check(res.structuredContent && typeof res.structuredContent.index_state === "string", `${name}: index_state missing`);
  return res;
}

try {
  const t0 = Date.now();
  await client.connect(transport);
  const initMs = Date.now() - t0;
  check(client.getServerVersion().name === "codegraph", "server name");
  check((client.getInstructions() || "").includes("impact_analysis"), "instructions");

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name).sort();
  const want = ["detect_changes", "export_graph", "file_outline", "find_path", "find_references", "get_callees", "get_callers", "get_dependencies",
    "get_dependents", "get_symbol", "impact_analysis", "index", "index_status", "read_code", "repo_overview", "search_code"];
  check(JSON.stringify(names) === JSON.stringify(want), "tools: " + names.join(","));
  for (const t of tools) {
    check(t.outputSchema && t.outputSchema.type === "object", `${t.name}: output schema`);
    check(t.inputSchema && t.inputSchema.type === "object", `${t.name}: input schema`);
  }
  const schemaBytes = JSON.stringify(tools).length;

  // The repository was indexed before the server started: ready at once
  // (after the freshness check).
  let state = "";
  for (let i = 0; i < 100 && state !== "ready"; i++) {
    state = (await call("index_status", {})).structuredContent.index_state;
    if (state !== "ready") await new Promise((r) => setTimeout(r, 100));
  }
  check(state === "ready", "index_state " + state);

  let res = await call("search_code", { query: "Store.Get" });
  check(res.structuredContent.items[0].name === "Store.Get", "search_code top hit");
  res = await call("search_code", { query: "this.items.push", mode: "exact" });
  check(res.structuredContent.items.length === 1 && res.structuredContent.items[0].at === "web/cart.ts:13", "search_code exact");
  res = await call("get_symbol", { symbol: "Store.Get", include_body: true });
  check(res.structuredContent.symbol.at === "pkg/store/store.go:24", "get_symbol at");
  check(res.structuredContent.body.includes("return o, nil"), "get_symbol body");
  const id = res.structuredContent.symbol.id;

  res = await call("find_references", { symbol: id });
  check(res.structuredContent.total >= 1 && text(res).includes("pkg/server/server.go:21"), "find_references");
  res = await call("get_callers", { symbol: "Store.Get", depth: 2 });
  check(res.structuredContent.items.some((it) => it.name === "Server.ServeHTTP"), "get_callers");
  res = await call("get_callers", { symbol: "Store.Put" }); // none: an empty list, valid against the schema
  check(res.structuredContent.total === 0 && Array.isArray(res.structuredContent.items), "get_callers empty");
  res = await call("get_callees", { symbol: "Server.ServeHTTP" });
  check(res.structuredContent.items.some((it) => it.name === "Store.Get"), "get_callees");
  res = await call("get_dependencies", { target: "pkg/server" });
  check(res.structuredContent.items.some((it) => it.name === "pkg/store"), "get_dependencies");
  res = await call("get_dependents", { target: "pkg/store" });
  check(res.structuredContent.items.some((it) => it.name === "pkg/server"), "get_dependents");
  res = await call("impact_analysis", { target: "Store.Get" });
  check(res.structuredContent.total >= 1 && typeof res.structuredContent.complete === "boolean", "impact_analysis");
  res = await call("find_path", { from: "Server.ServeHTTP", to: "Store.Get" });
  check(res.structuredContent.found === true && res.structuredContent.length === 1, "find_path");
  res = await call("file_outline", { path: "pkg/store/store.go" });
  check(res.structuredContent.items.some((it) => it.name === "Store.Get"), "file_outline");
  res = await call("repo_overview", {});
  check(res.structuredContent.files === 6, "repo_overview files " + res.structuredContent.files);
  res = await call("read_code", { path: "pkg/store/store.go", start_line: 24, end_line: 25 });
  check(res.structuredContent.code.startsWith("func (s *Store) Get"), "read_code");

  // A small budget truncates and gives a cursor that continues.
  // (The Go test adds pkg/store/big.go, 300 lines, to the fixture.)
  res = await call("read_code", { path: "pkg/store/big.go", end_line: 300, max_tokens: 500 });
  check(res.structuredContent.truncated === true && res.structuredContent.next_cursor, "read_code truncated");
  const next = await call("read_code", { path: "pkg/store/big.go", end_line: 300, max_tokens: 500, cursor: res.structuredContent.next_cursor });
  check(next.structuredContent.start_line === res.structuredContent.end_line + 1, "cursor continues");

  // index, with progress notifications.
  const progress = [];
  res = await call("index", { force: true }, { onprogress: (p) => progress.push(p.progress) });
  // Six code files and two text files (go.mod, .gitignore); .env is a secret.
  check(res.structuredContent.files === 8, "index files " + res.structuredContent.files);
  check(progress.length > 0 && progress[progress.length - 1] === 100, "progress " + JSON.stringify(progress));

  // Errors the agent can act on.
  res = await client.callTool({ name: "get_symbol", arguments: { symbol: "NoSuchSymbolAnywhere" } });
  check(res.isError && text(res).includes("not found"), "not found error");
  res = await client.callTool({ name: "read_code", arguments: { path: "../../../etc/passwd" } });
  check(res.isError && text(res).includes("outside the indexed repository"), "path escape refused");

  // Resources.
  const { resourceTemplates } = await client.listResourceTemplates();
  check(resourceTemplates.length === 2, "resource templates");
  const file = await client.readResource({ uri: "codegraph://file/pkg/store/store.go" });
  check(file.contents[0].text.includes("package store"), "file resource");
  const sym = await client.readResource({ uri: "codegraph://symbol/" + id });
  check(sym.contents[0].text.includes("Store.Get"), "symbol resource");

  console.log(`ok: ${checks} checks; initialize ${initMs} ms; tool list ${schemaBytes} bytes`);
  await client.close();
  process.exit(0);
} catch (e) {
  console.error(e && e.stack ? e.stack : e);
  try {
    await client.close();
  } catch {}
  process.exit(1);
}
