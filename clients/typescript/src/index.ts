/**
 * Client of the codegraph REST API (`codegraph serve`): search, callers
 * and callees, definitions and references, dependencies, paths, impact,
 * exports, nodes and edges, parsing, index jobs and health.
 *
 * The result types are the OpenAPI document's schemas (src/openapi.ts is
 * generated from internal/server/openapi.json by `npm run generate`).
 *
 * @example
 * const cg = new CodeGraphClient({ baseUrl: "http://127.0.0.1:8080" });
 * const { hits } = await cg.search("resolve call edges", { limit: 5 });
 * const { items } = await cg.callers("index.Run", { depth: 2 });
 */

import type { components, operations } from "./openapi.js";

type Schemas = components["schemas"];

/** A node of the code graph: a file, package, function, class, ... */
export type Node = Schemas["Node"];
/** A directed fact between two nodes (calls, imports, references, ...). */
export type Edge = Schemas["Edge"];
/** A definition as graph queries and search return it. */
export type Symbol = Schemas["Symbol"];
/** One search result: a symbol and its score. */
export type Hit = Schemas["Hit"];
/** The answer of a search. */
export type SearchResult = Schemas["SearchResponse"];
/** The answer of callers() and callees(). */
export type CallsResult = Schemas["CallsResult"];
/** One caller or callee. */
export type CallItem = CallsResult["items"][number];
/** What a dependency or impact query is about. */
export type Scope = Schemas["Scope"];
/** The answer of dependencies() and dependents(). */
export type DepsResult = Schemas["DepsResult"];
/** The answer of path(). */
export type PathResult = Schemas["PathResult"];
/** The answer of impact(). */
export type ImpactResult = Schemas["ImpactResult"];
/** Sites an impact analysis could not follow exactly. */
export type Uncertainty = Schemas["Uncertainty"];
/** One page of nodes(). */
export type NodePage = Schemas["NodePage"];
/** One page of a node's edges. */
export type EdgePage = Schemas["EdgePage"];
/** A node to create through the API. */
export type NodeInput = Schemas["NodeInput"];
/** The fields replace() sets. */
export type NodeReplace = Schemas["NodeReplace"];
/** The fields patch() changes. */
export type NodePatch = Schemas["NodePatch"];
/** A file or snippet to parse. */
export type ParseRequest = Schemas["ParseRequest"];
/** The facts extracted from one file or snippet. */
export type ParseResult = Schemas["ParseResult"];
/** A background job (an index run). */
export type Job = Schemas["Job"];
/** One page of jobs(). */
export type JobPage = Schemas["JobPage"];
/** The answer of ready(). */
export type Readiness = Schemas["Readiness"];
/** A search by embedding vector. */
export type VectorQuery = Schemas["VectorSearch"];

type Query<Op extends keyof operations> = operations[Op] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

/** A list parameter: one string (comma-separated) or several. */
export type List = string | string[];

/** Options of search(). */
export interface SearchOptions {
  /** hybrid (default), lexical, semantic, exact or regex. */
  mode?: Query<"search">["mode"];
  /** Hits to return (1-1000; default 10). */
  limit?: number;
  /** Languages and node kinds to keep. */
  lang?: List;
  kind?: List;
  /** Gitignore-style path globs; "!GLOB" excludes. */
  path?: List;
  /** exact and regex: ignore case. */
  ignoreCase?: boolean;
  /** Drop hits scoring below this. */
  threshold?: number;
}

/** Options of the graph queries. */
export interface GraphOptions {
  /** Edges away to go (default 1; impact 5). */
  depth?: number;
  /** Edge kinds to follow (dependencies, dependents). */
  kind?: List;
  /** Page size, and the previous page's next_cursor. */
  limit?: number;
  cursor?: string;
}

/** Options of export(). */
export interface ExportOptions {
  /** mermaid (default), dot, svg, graphml, json or ndjson. */
  format?: Query<"export">["format"];
  root?: string;
  depth?: number;
  direction?: Query<"export">["direction"];
  kind?: List;
  path?: string;
  package?: string;
  maxNodes?: number;
}

/** Options of the client. */
export interface ClientOptions {
  /** The server's address, for example "http://127.0.0.1:8080". */
  baseUrl: string;
  /** Sent as X-API-Key. */
  apiKey?: string;
  /** Sent as Authorization: Bearer (an API key or a JWT). */
  bearerToken?: string;
  /** The repository every request is about (the server's default otherwise). */
  repo?: string;
  /** The fetch to use (globalThis.fetch by default). */
  fetch?: typeof fetch;
  /** Milliseconds to wait for each answer (default 60000; 0: no limit). */
  timeoutMs?: number;
}

/**
 * An error answer of the server: its HTTP status and the API's error code
 * (bad_request, unauthorized, forbidden, not_found, conflict, ambiguous,
 * request_too_large, rate_limited, unavailable, timeout, internal, ...).
 */
export class CodeGraphError extends Error {
  /** The HTTP status (0 when the server could not be reached). */
  readonly status: number;
  /** The API's error code ("network" when the server could not be reached). */
  readonly code: string;
  /** The error's details (candidates of an ambiguous symbol, suggestions). */
  readonly details: unknown;
  /** Seconds the server asked to wait (429, 503). */
  readonly retryAfter?: number;
  /** The answer's body, for errors whose body is not the API's error object. */
  readonly body?: string;

  constructor(status: number, code: string, message: string, details?: unknown, retryAfter?: number, body?: string) {
    super(message);
    this.name = "CodeGraphError";
    this.status = status;
    this.code = code;
    this.details = details;
    this.retryAfter = retryAfter;
    this.body = body;
  }

  /** Whether the server found no such node, symbol, job, file or repository (404). */
  get isNotFound(): boolean {
    return this.status === 404;
  }

  /** Whether the key was missing or unknown (401). */
  get isUnauthorized(): boolean {
    return this.status === 401;
  }

  /** Whether the symbol names several definitions (see candidates). */
  get isAmbiguous(): boolean {
    return this.code === "ambiguous";
  }

  /** The definitions an ambiguous symbol may name. */
  get candidates(): Symbol[] {
    const d = this.details as { candidates?: Symbol[] } | undefined;
    return d?.candidates ?? [];
  }

  /** The names the server suggests for an unknown symbol. */
  get suggestions(): string[] {
    const d = this.details as { suggestions?: string[] } | undefined;
    return d?.suggestions ?? [];
  }
}

/** The error ready() throws when a repository is not ready. */
export class NotReadyError extends CodeGraphError {
  readonly readiness: Readiness;

  constructor(readiness: Readiness, retryAfter?: number) {
    const why = readiness.repos
      ?.filter((r) => !r.ready)
      .map((r) => `${r.name} (${r.status}${r.error ? ": " + r.error : ""})`)
      .join("; ");
    super(503, "not_ready", `not ready: ${why}`, undefined, retryAfter);
    this.name = "NotReadyError";
    this.readiness = readiness;
  }
}

/** One server-sent event of a job: "progress" while it runs, "done" at its end. */
export interface JobEvent {
  seq: number;
  event: string;
  job: Job;
}

/** The edge kinds references() follows: those that refer to a definition. */
export const REFERENCE_KINDS = ["calls", "references", "inherits", "implements", "imports"] as const;

type Params = Record<string, string | number | boolean | string[] | undefined | null>;

function csv(v: List | undefined): string | undefined {
  if (v === undefined) return undefined;
  const s = Array.isArray(v) ? v.join(",") : v;
  return s === "" ? undefined : s;
}

function need(name: string, v: string | undefined): string {
  if (v === undefined || v.trim() === "") throw new TypeError(`${name} is required`);
  return v;
}

const seg = encodeURIComponent;

/** A client of one codegraph server. */
export class CodeGraphClient {
  readonly baseUrl: string;
  private readonly opts: ClientOptions;
  private readonly fetchFn: typeof fetch;

  constructor(opts: ClientOptions) {
    let u: URL;
    try {
      u = new URL(opts.baseUrl);
    } catch {
      throw new TypeError(`baseUrl ${JSON.stringify(opts.baseUrl)}: want http://HOST[:PORT] or https://...`);
    }
    if (u.protocol !== "http:" && u.protocol !== "https:") {
      throw new TypeError(`baseUrl ${JSON.stringify(opts.baseUrl)}: want http://HOST[:PORT] or https://...`);
    }
    this.baseUrl = opts.baseUrl.replace(/\/+$/, "");
    this.opts = opts;
    const f = opts.fetch ?? globalThis.fetch;
    if (!f) throw new TypeError("no fetch: pass options.fetch (Node 18 or newer has one)");
    this.fetchFn = f;
  }

  /** A client whose requests are about repository repo. */
  withRepo(repo: string): CodeGraphClient {
    return new CodeGraphClient({ ...this.opts, repo });
  }

  // --- transport -----------------------------------------------------------

  private url(path: string, params: Params = {}, repo = true): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v === undefined || v === null || v === "" || v === false) continue;
      if (Array.isArray(v)) v.forEach((x) => q.append(k, x));
      else q.append(k, String(v));
    }
    if (repo && this.opts.repo && !q.has("repo")) q.set("repo", this.opts.repo);
    const s = q.toString();
    return this.baseUrl + path + (s ? "?" + s : "");
  }

  private async send(method: string, url: string, body?: unknown, accept = "application/json", signal?: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { Accept: accept };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (this.opts.apiKey) headers["X-API-Key"] = this.opts.apiKey;
    if (this.opts.bearerToken) headers["Authorization"] = "Bearer " + this.opts.bearerToken;
    const timeout = this.opts.timeoutMs ?? 60000;
    const signals = [signal, timeout > 0 && !signal ? AbortSignal.timeout(timeout) : undefined].filter((s): s is AbortSignal => !!s);
    let resp: Response;
    try {
      resp = await this.fetchFn(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: signals.length ? signals[0] : undefined,
      });
    } catch (e) {
      throw new CodeGraphError(0, "network", `${method} ${url}: ${(e as Error).message}`);
    }
    if (resp.ok) return resp;
    const text = await resp.text();
    const ra = resp.headers.get("Retry-After");
    const retryAfter = ra && /^\d+$/.test(ra) ? Number(ra) : undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    const err = (parsed as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    if (err?.code) {
      throw new CodeGraphError(resp.status, err.code, `${method} ${url}: ${resp.status} ${err.code}: ${err.message ?? ""}`, err.details, retryAfter, text);
    }
    throw new CodeGraphError(resp.status, `http_${resp.status}`, `${method} ${url}: ${resp.status}: ${text.slice(0, 200)}`, undefined, retryAfter, text);
  }

  private async json<T>(method: string, path: string, params?: Params, body?: unknown, repo = true): Promise<T> {
    const resp = await this.send(method, this.url(path, params, repo), body);
    if (resp.status === 204) return undefined as T;
    return (await resp.json()) as T;
  }

  // --- search ----------------------------------------------------------------

  /** Searches the repository's symbols (GET /search). */
  async search(query: string, opts: SearchOptions = {}): Promise<SearchResult> {
    return this.json("GET", "/search", {
      q: need("query", query),
      mode: opts.mode,
      limit: opts.limit,
      lang: csv(opts.lang),
      kind: csv(opts.kind),
      path: opts.path === undefined ? undefined : ([] as string[]).concat(opts.path),
      ignore_case: opts.ignoreCase,
      threshold: opts.threshold,
    });
  }

  /** Finds the symbols nearest an embedding vector (POST /vector/search). */
  async vectorSearch(q: VectorQuery): Promise<SearchResult> {
    return this.json("POST", "/vector/search", {}, q);
  }

  /** Finds the symbols most similar to node id (GET /nodes/{id}/similar). */
  async similar(id: string, opts: Omit<SearchOptions, "mode" | "ignoreCase"> = {}): Promise<SearchResult> {
    return this.json("GET", `/nodes/${seg(need("id", id))}/similar`, {
      limit: opts.limit,
      lang: csv(opts.lang),
      kind: csv(opts.kind),
      path: opts.path === undefined ? undefined : ([] as string[]).concat(opts.path),
      threshold: opts.threshold,
    });
  }

  // --- graph -----------------------------------------------------------------

  private async graph<T>(path: string, symbol: string, opts: GraphOptions): Promise<T> {
    return this.json("GET", path, {
      symbol: need("symbol", symbol),
      depth: opts.depth,
      kind: csv(opts.kind),
      limit: opts.limit,
      cursor: opts.cursor,
    });
  }

  /**
   * The functions that call symbol (a node id, qualified name, FILE:LINE,
   * FILE:NAME or bare name), up to opts.depth calls away. An ambiguous name
   * throws a CodeGraphError with isAmbiguous and candidates.
   */
  async callers(symbol: string, opts: Omit<GraphOptions, "kind"> = {}): Promise<CallsResult> {
    return this.graph("/graph/callers", symbol, opts);
  }

  /** The functions symbol calls, up to opts.depth calls away. */
  async callees(symbol: string, opts: Omit<GraphOptions, "kind"> = {}): Promise<CallsResult> {
    return this.graph("/graph/callees", symbol, opts);
  }

  /** Resolves symbol to its definition, the way every graph query does. */
  async definition(symbol: string): Promise<Symbol> {
    const r = await this.graph<CallsResult>("/graph/callers", symbol, { depth: 1, limit: 1 });
    return r.root;
  }

  /**
   * The edges that refer to symbol (calls, references, inherits,
   * implements, imports into it), one page at a time.
   */
  async references(symbol: string, opts: Omit<GraphOptions, "depth"> = {}): Promise<EdgePage> {
    const d = await this.definition(symbol);
    return this.edges(d.id, { direction: "in", kind: opts.kind ?? [...REFERENCE_KINDS], limit: opts.limit, cursor: opts.cursor });
  }

  /** What symbol depends on (GET /graph/dependencies). */
  async dependencies(symbol: string, opts: GraphOptions = {}): Promise<DepsResult> {
    return this.graph("/graph/dependencies", symbol, opts);
  }

  /** What depends on symbol (GET /graph/dependents). */
  async dependents(symbol: string, opts: GraphOptions = {}): Promise<DepsResult> {
    return this.graph("/graph/dependents", symbol, opts);
  }

  /** What a change to symbol may affect: symbols, files, packages, tests. */
  async impact(symbol: string, opts: Omit<GraphOptions, "kind"> = {}): Promise<ImpactResult> {
    return this.graph("/graph/impact", symbol, opts);
  }

  /** A shortest path from one symbol to another (GET /graph/path). */
  async path(from: string, to: string, opts: { maxDepth?: number; kind?: List } = {}): Promise<PathResult> {
    return this.json("GET", "/graph/path", { from: need("from", from), to: need("to", to), max_depth: opts.maxDepth, kind: csv(opts.kind) });
  }

  /** The graph, or a root's neighbourhood, as text (GET /export). */
  async export(opts: ExportOptions = {}): Promise<string> {
    const url = this.url("/export", {
      format: opts.format,
      root: opts.root,
      depth: opts.depth,
      direction: opts.direction,
      kind: csv(opts.kind),
      path: opts.path,
      package: opts.package,
      max_nodes: opts.maxNodes,
    });
    return (await this.send("GET", url, undefined, "*/*")).text();
  }

  // --- nodes and edges ---------------------------------------------------------

  /** One page of nodes in id order (GET /nodes); pass next_cursor on. */
  async nodes(f: { kind?: List; lang?: List; file?: List; name?: string; limit?: number; cursor?: string } = {}): Promise<NodePage> {
    return this.json("GET", "/nodes", {
      kind: csv(f.kind),
      lang: csv(f.lang),
      file: f.file === undefined ? undefined : ([] as string[]).concat(f.file),
      name: f.name,
      limit: f.limit,
      cursor: f.cursor,
    });
  }

  /** The node with this id (GET /nodes/{id}). */
  async node(id: string): Promise<Node> {
    return this.json("GET", `/nodes/${seg(need("id", id))}`);
  }

  /** A node's edges; direction is in, out or both (default). */
  async edges(id: string, opts: { direction?: "in" | "out" | "both"; kind?: List; limit?: number; cursor?: string } = {}): Promise<EdgePage> {
    return this.json("GET", `/nodes/${seg(need("id", id))}/edges`, {
      direction: opts.direction,
      kind: csv(opts.kind),
      limit: opts.limit,
      cursor: opts.cursor,
    });
  }

  /** Adds a node through the API (a read-write key). */
  async createNode(n: NodeInput): Promise<Node> {
    return this.json("POST", "/nodes", {}, n);
  }

  /** Replaces an API node's fields (PUT /nodes/{id}). */
  async replaceNode(id: string, n: NodeReplace): Promise<Node> {
    return this.json("PUT", `/nodes/${seg(need("id", id))}`, {}, n);
  }

  /** Changes some of an API node's fields (PATCH /nodes/{id}). */
  async patchNode(id: string, p: NodePatch): Promise<Node> {
    return this.json("PATCH", `/nodes/${seg(need("id", id))}`, {}, p);
  }

  /** Deletes an API node; a node derived from source throws (409). */
  async deleteNode(id: string): Promise<void> {
    await this.json("DELETE", `/nodes/${seg(need("id", id))}`);
  }

  /** Yields every node matching the filters, from the NDJSON stream. */
  streamNodes(f: { kind?: List; lang?: List; file?: List; limit?: number } = {}): AsyncGenerator<Node> {
    return this.ndjson<Node>("/stream/nodes", {
      kind: csv(f.kind),
      lang: csv(f.lang),
      file: f.file === undefined ? undefined : ([] as string[]).concat(f.file),
      limit: f.limit,
    });
  }

  /** Yields every edge matching the filters, from the NDJSON stream. */
  streamEdges(f: { kind?: List; resolved?: boolean; limit?: number } = {}): AsyncGenerator<Edge> {
    return this.ndjson<Edge>("/stream/edges", { kind: csv(f.kind), resolved: f.resolved, limit: f.limit });
  }

  private async *lines(resp: Response): AsyncGenerator<string> {
    if (!resp.body) return;
    const dec = new TextDecoder();
    let buf = "";
    for await (const chunk of resp.body as unknown as AsyncIterable<Uint8Array>) {
      buf += dec.decode(chunk, { stream: true });
      let i: number;
      while ((i = buf.indexOf("\n")) >= 0) {
        yield buf.slice(0, i).replace(/\r$/, "");
        buf = buf.slice(i + 1);
      }
    }
    buf += dec.decode();
    if (buf) yield buf;
  }

  private async *ndjson<T>(path: string, params: Params): AsyncGenerator<T> {
    const ctl = new AbortController();
    const resp = await this.send("GET", this.url(path, params), undefined, "application/x-ndjson", ctl.signal);
    try {
      for await (const line of this.lines(resp)) {
        if (line.trim()) yield JSON.parse(line) as T;
      }
    } finally {
      ctl.abort(); // a consumer that stops early closes the stream
    }
  }

  // --- parse, index and jobs -----------------------------------------------------

  /** Extracts the nodes and edges of a repository file or a snippet (POST /parse). */
  async parse(r: ParseRequest): Promise<ParseResult> {
    return this.json("POST", "/parse", {}, r);
  }

  /** Starts an index job (a read-write key); follow it with waitJob. */
  async index(opts: { force?: boolean } = {}): Promise<Job> {
    return this.json("POST", "/index", { force: opts.force });
  }

  /** Jobs, newest first (GET /jobs). */
  async jobs(f: { state?: string; limit?: number; cursor?: string } = {}): Promise<JobPage> {
    return this.json("GET", "/jobs", { state: f.state, limit: f.limit, cursor: f.cursor });
  }

  /** A job (GET /jobs/{id}). */
  async job(id: string): Promise<Job> {
    return this.json("GET", `/jobs/${seg(need("id", id))}`, {}, undefined, false);
  }

  /** Asks a job to stop; an ended job throws (409). */
  async cancelJob(id: string): Promise<Job> {
    return this.json("DELETE", `/jobs/${seg(need("id", id))}`, {}, undefined, false);
  }

  /** Yields a job's server-sent events until it ends. */
  async *jobEvents(id: string, signal?: AbortSignal): AsyncGenerator<JobEvent> {
    const ctl = new AbortController();
    signal?.addEventListener("abort", () => ctl.abort(signal.reason), { once: true });
    const resp = await this.send("GET", this.url(`/jobs/${seg(need("id", id))}/events`, {}, false), undefined, "text/event-stream", ctl.signal);
    let seq = 0;
    let event = "";
    let data: string[] = [];
    try {
      for await (const line of this.lines(resp)) {
        if (line === "") {
          if (data.length) yield { seq, event, job: JSON.parse(data.join("\n")) as Job };
          seq = 0;
          event = "";
          data = [];
          continue;
        }
        const i = line.indexOf(":");
        const name = i < 0 ? line : line.slice(0, i);
        let value = i < 0 ? "" : line.slice(i + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (name === "id") seq = Number(value) || 0;
        else if (name === "event") event = value;
        else if (name === "data") data.push(value);
      }
    } finally {
      ctl.abort();
    }
  }

  /** Follows a job until it ends and returns it as it ended. */
  async waitJob(id: string, signal?: AbortSignal): Promise<Job> {
    let last: Job | undefined;
    for await (const ev of this.jobEvents(id, signal)) last = ev.job;
    if (last && isDone(last)) return last;
    const j = await this.job(id);
    if (!isDone(j)) throw new CodeGraphError(0, "stream_ended", `job ${id}: the event stream ended while ${j.state}`);
    return j;
  }

  // --- health and documents --------------------------------------------------------

  /** Resolves when the server answers (GET /health/live). */
  async live(): Promise<boolean> {
    await this.json("GET", "/health/live", {}, undefined, false);
    return true;
  }

  /** The repositories' readiness; throws NotReadyError when one is not ready. */
  async ready(): Promise<Readiness> {
    try {
      return await this.json<Readiness>("GET", "/health/ready", {}, undefined, false);
    } catch (e) {
      if (e instanceof CodeGraphError && e.status === 503 && e.body) {
        let rd: Readiness | undefined;
        try {
          rd = JSON.parse(e.body) as Readiness;
        } catch {
          rd = undefined;
        }
        if (rd?.status) throw new NotReadyError(rd, e.retryAfter);
      }
      throw e;
    }
  }

  /** The Prometheus metrics in the text format (GET /metrics). */
  async metrics(): Promise<string> {
    return (await this.send("GET", this.url("/metrics", {}, false), undefined, "text/plain")).text();
  }

  /** The server's OpenAPI document (GET /openapi.json). */
  async openapi(): Promise<Record<string, unknown>> {
    return this.json("GET", "/openapi.json", {}, undefined, false);
  }
}

/** Whether a job has ended (succeeded, failed or cancelled). */
export function isDone(j: Job): boolean {
  return j.state === "succeeded" || j.state === "failed" || j.state === "cancelled";
}
