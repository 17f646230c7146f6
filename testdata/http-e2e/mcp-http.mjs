// End-to-end test of `codegraph serve`'s MCP endpoint with the official
// TypeScript MCP client over the streamable HTTP transport: initialize,
// list the tools, call the graph and search tools on the fixture
// repository, read a resource, and check that a missing key is refused.
//
// Usage: node mcp-http.mjs BASE_URL API_KEY
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const [base, key] = process.argv.slice(2);
if (!base || !key) {
  console.error("usage: node mcp-http.mjs BASE_URL API_KEY");
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

function connect(withKey) {
  const headers = withKey ? { Authorization: "Bearer " + key } : {};
  const transport = new StreamableHTTPClientTransport(new URL(base + "/mcp"), { requestInit: { headers } });
  const client = new Client({ name: "codegraph-http-e2e", version: "1.0.0" });
  return { client, transport };
}

const { client, transport } = connect(true);

async function call(name, args) {
  const res = await client.callTool({ name, arguments: args });
  check(!res.isError, `${name}(${JSON.stringify(args)}) failed: ${text(res)}`);
  check(res.structuredContent && typeof res.structuredContent.index_state === "string", `${name}: index_state missing`);
  return res;
}

try {
  await client.connect(transport);
  check(client.getServerVersion().name === "codegraph", "server name");
  check(transport.sessionId, "session id");

  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const want of ["search_code", "get_symbol", "get_callers", "get_callees", "impact_analysis", "find_path", "file_outline"]) {
    check(names.includes(want), "tool " + want + " listed: " + names.join(","));
  }

  let res = await call("get_callers", { symbol: "Store.Get" });
  check(text(res).includes("Server.ServeHTTP"), "callers of Store.Get: " + text(res));
  res = await call("get_callees", { symbol: "Server.ServeHTTP" });
  check(text(res).includes("Store.Get"), "callees of Server.ServeHTTP");
  res = await call("get_symbol", { symbol: "Store.Get", include_body: true });
  check(text(res).includes("func (s *Store) Get(id string) (Order, error)"), "get_symbol signature");
  res = await call("search_code", { query: "get order by id" });
  check(text(res).includes("Store.Get"), "search_code finds Store.Get: " + text(res));
  res = await call("impact_analysis", { target: "Store.Get" });
  check(text(res).includes("ServeHTTP"), "impact of Store.Get");
  res = await call("find_path", { from: "Server.ServeHTTP", to: "Store.Get" });
  check(res.structuredContent.found === true, "path found");
  res = await call("file_outline", { path: "pkg/store/store.go" });
  check(text(res).includes("Store.Put"), "outline");

  const amb = await client.callTool({ name: "get_symbol", arguments: { symbol: "add" } });
  check(amb.isError && text(amb).includes("ambiguous"), "ambiguous symbol is a tool error: " + text(amb));

  const rr = await client.readResource({ uri: "codegraph://file/pkg/store/store.go" });
  check(rr.contents[0].text.includes("package store"), "file resource");

  await transport.terminateSession();
  await client.close();

  // Without the key the endpoint answers 401.
  const anon = connect(false);
  let refused = "";
  try {
    await anon.client.connect(anon.transport);
  } catch (e) {
    refused = String(e);
  }
  check(/401|unauthorized/i.test(refused), "connect without a key is refused with 401: " + (refused || "it connected"));

  console.log(`ok: ${checks} checks over streamable HTTP`);
} catch (e) {
  console.error(e.stack || String(e));
  process.exit(1);
}
