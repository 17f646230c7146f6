// End-to-end test of codegraph's GraphQL API with independent clients:
// fetch for queries and mutations over HTTP, the graphql-ws client (on the
// ws package) for subscriptions over WebSocket with the
// graphql-transport-ws protocol. It starts a real indexing job with
// parseProject and follows it with parseProgress, then subscribes to
// nodeCreated and creates a node, then follows graphChanges (filtered by
// path: a node event, then the update's summary).
//
// Usage: node e2e.mjs HTTP_URL_OF_GRAPHQL [--require-running] [--key=API_KEY]
//   --require-running: fail unless parseProgress showed the job running
//   (the repository must be large enough for the job to outlast the
//   subscription's start).
import { createClient } from "graphql-ws";
import WebSocket from "ws";

const args = process.argv.slice(2);
const url = args.find((a) => !a.startsWith("--"));
const requireRunning = args.includes("--require-running");
// An API key (codegraph serve with keys configured): sent on every HTTP
// request and on the WebSocket upgrade.
const key = (args.find((a) => a.startsWith("--key=")) || "").slice("--key=".length);
const auth = key ? { authorization: "Bearer " + key } : {};
class AuthWebSocket extends WebSocket {
  constructor(address, protocols) {
    super(address, protocols, { headers: auth });
  }
}
if (!url) {
  console.error("usage: node e2e.mjs HTTP_URL_OF_GRAPHQL [--require-running]");
  process.exit(2);
}

let checks = 0;
function check(cond, msg) {
  checks++;
  if (!cond) {
    throw new Error("check failed: " + msg);
  }
}

async function post(query, variables) {
  let res, body;
  // A write while a background job (the index run, the precise pass)
  // holds the index answers CONFLICT and says to retry: a client does.
  for (let attempt = 0; ; attempt++) {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...auth },
      body: JSON.stringify({ query, variables }),
    });
    body = await res.json();
    const busy = body.errors && body.errors.some((e) => e.extensions && e.extensions.code === "CONFLICT");
    if (!busy || attempt >= 200) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  check(res.ok, `${query}: HTTP ${res.status} ${JSON.stringify(body)}`);
  check(!body.errors, `${query}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const client = createClient({
  url: url.replace(/^http/, "ws"),
  webSocketImpl: AuthWebSocket,
  retryAttempts: 0,
  lazy: false,
});

// subscribe runs one subscription; events go to onNext; the promise
// settles when the server completes it (or it fails).
function subscribe(query, variables, onNext) {
  let dispose;
  const done = new Promise((resolve, reject) => {
    dispose = client.subscribe(
      { query, variables },
      {
        next: (msg) => {
          if (msg.errors) {
            reject(new Error(JSON.stringify(msg.errors)));
            return;
          }
          onNext(msg.data);
        },
        error: (err) => reject(err instanceof Error ? err : new Error(JSON.stringify(err))),
        complete: resolve,
      },
    );
  });
  return { done, dispose };
}

function withTimeout(p, ms, what) {
  let timer;
  const t = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

try {
  const { repos } = await post("{ repos { name status } }");
  check(repos.length >= 1, "repos listed");

  // 1. parseProgress of a real index job.
  const { parseProject } = await post("mutation { parseProject(input: {force: true}) { taskId job { id kind state } } }");
  const taskId = parseProject.taskId;
  check(taskId && parseProject.job.kind === "index", "parseProject returned an index job");
  const events = [];
  const progress = subscribe(
    "subscription($id: ID!) { parseProgress(taskId: $id) { taskId state progress { phase done total percent } job { id } } }",
    { id: taskId },
    (d) => events.push(d.parseProgress),
  );
  await withTimeout(progress.done, 120000, "parseProgress to complete");
  check(events.length >= 1, "parseProgress sent events");
  check(events.every((e) => e.taskId === taskId && e.job.id === taskId), "events name the task");
  const last = events[events.length - 1];
  check(last.state === "SUCCEEDED", `last state ${last.state}`);
  const running = events.filter((e) => e.state === "RUNNING");
  if (requireRunning) {
    check(running.length >= 1, `no RUNNING event among ${events.map((e) => e.state).join(",")}`);
    check(running.some((e) => e.progress.phase !== ""), "running events carry a phase");
  }
  for (let i = 1; i < events.length; i++) {
    check(events[i].progress.percent >= events[i - 1].progress.percent || events[i].state !== "RUNNING", "percent never goes back");
  }

  // 2. nodeCreated after createNode. The protocol does not acknowledge a
  // subscription, so create nodes until the first event arrives.
  const created = [];
  let resolveFirst;
  const first = new Promise((r) => (resolveFirst = r));
  const sub = subscribe("subscription { nodeCreated { id name nodeType createdByApi filePath } }", {}, (d) => {
    created.push(d.nodeCreated);
    resolveFirst();
  });
  sub.done.catch((err) => {
    console.error("nodeCreated failed:", err.message);
    process.exit(1);
  });
  const ids = [];
  for (let attempt = 0; attempt < 20 && created.length === 0; attempt++) {
    await sleep(attempt === 0 ? 100 : 300);
    const { createNode } = await post(
      'mutation($n: String!) { createNode(input: {nodeType: FUNCTION, name: $n, filePath: "e2e", doc: "made by e2e.mjs"}) { id name } }',
      { n: `E2eHook${attempt}` },
    );
    ids.push(createNode.id);
  }
  await withTimeout(first, 10000, "a nodeCreated event");
  const ev = created[0];
  check(ids.includes(ev.id), `event for a node we created (${ev.id})`);
  check(ev.nodeType === "FUNCTION" && ev.createdByApi && ev.filePath === "@api:e2e", `event fields ${JSON.stringify(ev)}`);
  sub.dispose();

  // The node is in the graph, and goes away.
  const { node } = await post("query($id: ID!) { node(id: $id) { name doc } }", { id: ev.id });
  check(node && node.doc === "made by e2e.mjs", "created node reads back");
  for (const id of ids) {
    await post("mutation($id: ID!) { deleteNode(id: $id) }", { id });
  }

  // 3. graphChanges, filtered to one file: the created node's event, then
  // the update's summary. Nodes in another file are not sent.
  const changes = [];
  let resolveSummary;
  const summarized = new Promise((r) => (resolveSummary = r));
  const gsub = subscribe(
    'subscription { graphChanges(filter: {paths: ["@api:e2e-changes"]}) { type repo source node { id name filePath nodeType } summary { nodesAdded events truncated } } }',
    {},
    (d) => {
      changes.push(d.graphChanges);
      if (d.graphChanges.type === "SUMMARY" && changes.some((c) => c.type === "CREATED")) resolveSummary();
    },
  );
  gsub.done.catch((err) => {
    console.error("graphChanges failed:", err.message);
    process.exit(1);
  });
  const changeIds = [];
  for (let attempt = 0; attempt < 20 && !changes.some((c) => c.type === "CREATED"); attempt++) {
    await sleep(attempt === 0 ? 100 : 300);
    const other = await post('mutation { createNode(input: {nodeType: FUNCTION, name: "Elsewhere", filePath: "e2e-other"}) { id } }');
    changeIds.push(other.createNode.id);
    const { createNode } = await post(
      'mutation($n: String!) { createNode(input: {nodeType: FUNCTION, name: $n, filePath: "e2e-changes"}) { id } }',
      { n: `E2eChange${attempt}` },
    );
    changeIds.push(createNode.id);
  }
  await withTimeout(summarized, 10000, "a graphChanges CREATED event and its SUMMARY");
  const createdEv = changes.find((c) => c.type === "CREATED");
  check(createdEv.source === "api" && createdEv.node.filePath === "@api:e2e-changes" && createdEv.node.nodeType === "FUNCTION",
    `graphChanges event ${JSON.stringify(createdEv)}`);
  check(changes.every((c) => c.type === "SUMMARY" || c.node.name !== "Elsewhere"), "the path filter kept other files out");
  const sumEv = changes[changes.indexOf(createdEv) + 1];
  check(sumEv && sumEv.type === "SUMMARY" && sumEv.summary.nodesAdded === 1 && sumEv.summary.events === 1 && !sumEv.summary.truncated,
    `summary after the event ${JSON.stringify(sumEv)}`);
  gsub.dispose();
  for (const id of changeIds) {
    await post("mutation($id: ID!) { deleteNode(id: $id) }", { id });
  }

  console.log(JSON.stringify({ ok: true, checks, graphChanges: changes.length, progressEvents: events.length, runningEvents: running.length, createAttempts: ids.length }));
  await client.dispose();
  process.exit(0);
} catch (err) {
  console.error(err.stack || String(err));
  await client.dispose();
  process.exit(1);
}
