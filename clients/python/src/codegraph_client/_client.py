"""The codegraph REST API client (standard library only)."""

from __future__ import annotations

import json
import socket
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union

from . import errors
from ._types import (
    CallsResult,
    DepsResult,
    Edge,
    EdgePage,
    ImpactResult,
    Job,
    JobEvent,
    JobPage,
    Node,
    NodePage,
    ParseResult,
    PathResult,
    Readiness,
    SearchResult,
    Symbol,
)

Strs = Union[str, Sequence[str], None]

# The edge kinds that refer to a definition (not the structural contains
# and defines): what references() lists by default.
REFERENCE_KINDS = ("calls", "references", "inherits", "implements", "imports")

_NODE_FIELDS = ("qualified_name", "file", "language", "line", "end_line", "signature", "doc")


def _csv(v: Strs) -> Optional[str]:
    if v is None:
        return None
    if isinstance(v, str):
        return v or None
    return ",".join(v) or None


def _many(v: Strs) -> List[str]:
    if v is None:
        return []
    if isinstance(v, str):
        return [v] if v else []
    return list(v)


def _need(name: str, v: Optional[str]) -> str:
    if v is None or not str(v).strip():
        raise ValueError(f"{name} is required")
    return str(v)


class Client:
    """A client of one codegraph server (``codegraph serve``).

    Args:
        base_url: the server's address, for example ``http://localhost:8080``
            (a path prefix is kept, for servers behind a proxy).
        api_key: sent as ``X-API-Key`` when given.
        bearer_token: sent as ``Authorization: Bearer ...`` when given (an
            API key or a JWT).
        repo: the repository every request is about, for servers that serve
            several (the server's default otherwise).
        timeout: seconds to wait for each answer.

    Errors answered by the server raise subclasses of
    :class:`codegraph_client.APIError` (NotFoundError, AmbiguousError, ...);
    an unreachable server raises :class:`codegraph_client.TransportError`.
    """

    def __init__(self, base_url: str, api_key: Optional[str] = None, *, bearer_token: Optional[str] = None,
                 repo: Optional[str] = None, timeout: float = 60.0, user_agent: str = "codegraph-python-client") -> None:
        u = urllib.parse.urlsplit(base_url.rstrip("/"))
        if u.scheme not in ("http", "https") or not u.netloc:
            raise ValueError(f"base_url {base_url!r}: want http://HOST[:PORT] or https://...")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.bearer_token = bearer_token
        self.repo = repo
        self.timeout = timeout
        self.user_agent = user_agent

    def with_repo(self, repo: str) -> "Client":
        """Returns a client whose requests are about repository repo."""
        return Client(self.base_url, self.api_key, bearer_token=self.bearer_token, repo=repo,
                      timeout=self.timeout, user_agent=self.user_agent)

    # --- transport -------------------------------------------------------

    def _open(self, method: str, path: str, params: Optional[Iterable[Tuple[str, Any]]] = None,
              body: Any = None, accept: str = "application/json", repo: bool = True,
              timeout: Optional[float] = None) -> Any:
        q: List[Tuple[str, str]] = []
        for k, v in params or ():
            if v is None or v is False or v == "":
                continue
            q.append((k, "true" if v is True else str(v)))
        if repo and self.repo and not any(k == "repo" for k, _ in q):
            q.append(("repo", self.repo))
        url = self.base_url + path + ("?" + urllib.parse.urlencode(q) if q else "")
        data = None
        headers = {"Accept": accept, "User-Agent": self.user_agent}
        if body is not None:
            data = json.dumps(body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if self.api_key:
            headers["X-API-Key"] = self.api_key
        if self.bearer_token:
            headers["Authorization"] = "Bearer " + self.bearer_token
        req = urllib.request.Request(url, data=data, method=method, headers=headers)
        try:
            return urllib.request.urlopen(req, timeout=self.timeout if timeout is None else timeout)
        except urllib.error.HTTPError as e:
            with e:
                raise errors.error_from_response(e.code, e.read(1 << 20), e.headers, method, url) from None
        except (urllib.error.URLError, socket.timeout, ConnectionError) as e:
            raise errors.TransportError(f"{method} {url}: {getattr(e, 'reason', e)}") from e

    def _json(self, method: str, path: str, params: Optional[Iterable[Tuple[str, Any]]] = None,
              body: Any = None, repo: bool = True) -> Any:
        with self._open(method, path, params, body, repo=repo) as resp:
            raw = resp.read()
        if not raw:
            return None
        try:
            return json.loads(raw.decode("utf-8"))
        except ValueError as e:
            raise errors.TransportError(f"{method} {path}: the answer is not JSON: {e}") from e

    def _text(self, path: str, params: Optional[Iterable[Tuple[str, Any]]] = None,
              accept: str = "*/*", repo: bool = True) -> str:
        with self._open("GET", path, params, accept=accept, repo=repo) as resp:
            return resp.read().decode("utf-8")

    @staticmethod
    def _seg(s: str) -> str:
        return urllib.parse.quote(s, safe="")

    # --- search ----------------------------------------------------------

    def search(self, query: str, limit: int = 10, *, mode: Optional[str] = None, lang: Strs = None,
               kind: Strs = None, path: Strs = None, ignore_case: bool = False,
               threshold: Optional[float] = None) -> SearchResult:
        """Searches the repository's symbols (GET /search).

        mode is hybrid (default), lexical, semantic, exact or regex; lang and
        kind narrow by language and node kind; path takes gitignore-style
        globs ("!GLOB" excludes).
        """
        p = [("q", _need("query", query)), ("limit", limit), ("mode", mode), ("lang", _csv(lang)),
             ("kind", _csv(kind)), ("ignore_case", ignore_case), ("threshold", threshold)]
        p += [("path", g) for g in _many(path)]
        return SearchResult.from_dict(self._json("GET", "/search", p))

    def vector_search(self, vector: Sequence[float], limit: Optional[int] = None, *, lang: Strs = None,
                      kind: Strs = None, path: Strs = None, threshold: Optional[float] = None) -> SearchResult:
        """Finds the symbols nearest an embedding vector (POST /vector/search)."""
        body: Dict[str, Any] = {"vector": [float(x) for x in vector]}
        if limit:
            body["limit"] = limit
        for k, v in (("lang", lang), ("kind", kind), ("path", path)):
            if _many(v):
                body[k] = _many(v)
        if threshold is not None:
            body["threshold"] = threshold
        return SearchResult.from_dict(self._json("POST", "/vector/search", body=body))

    def similar(self, id: str, limit: Optional[int] = None, *, lang: Strs = None, kind: Strs = None,
                path: Strs = None, threshold: Optional[float] = None) -> SearchResult:
        """Finds the symbols most similar to node id (GET /nodes/{id}/similar)."""
        p = [("limit", limit), ("lang", _csv(lang)), ("kind", _csv(kind)), ("threshold", threshold)]
        p += [("path", g) for g in _many(path)]
        return SearchResult.from_dict(self._json("GET", f"/nodes/{self._seg(_need('id', id))}/similar", p))

    # --- graph -----------------------------------------------------------

    def _graph(self, path: str, symbol: str, depth: Optional[int], kind: Strs, limit: Optional[int],
               cursor: Optional[str]) -> Any:
        p = [("symbol", _need("symbol", symbol)), ("depth", depth), ("kind", _csv(kind)), ("limit", limit),
             ("cursor", cursor)]
        return self._json("GET", path, p)

    def callers(self, symbol: str, depth: int = 1, *, limit: Optional[int] = None,
                cursor: Optional[str] = None) -> CallsResult:
        """The functions that call symbol, up to depth calls away.

        symbol is a node id, qualified name, FILE:LINE, FILE:NAME or bare
        name; an ambiguous one raises AmbiguousError (see .candidates).
        """
        return CallsResult.from_dict(self._graph("/graph/callers", symbol, depth, None, limit, cursor))

    def callees(self, symbol: str, depth: int = 1, *, limit: Optional[int] = None,
                cursor: Optional[str] = None) -> CallsResult:
        """The functions symbol calls, up to depth calls away."""
        return CallsResult.from_dict(self._graph("/graph/callees", symbol, depth, None, limit, cursor))

    def definition(self, symbol: str) -> Symbol:
        """Resolves symbol to its definition, the way every graph query does
        (AmbiguousError with candidates, NotFoundError with suggestions)."""
        return CallsResult.from_dict(self._graph("/graph/callers", symbol, 1, None, 1, None)).root

    def references(self, symbol: str, *, kind: Strs = None, limit: Optional[int] = None,
                   cursor: Optional[str] = None) -> EdgePage:
        """The edges that refer to symbol (calls, references, inherits,
        implements, imports into it), one page at a time."""
        d = self.definition(symbol)
        return self.edges(d.id, direction="in", kind=kind or REFERENCE_KINDS, limit=limit, cursor=cursor)

    def dependencies(self, symbol: str, depth: Optional[int] = None, *, kind: Strs = None,
                     limit: Optional[int] = None, cursor: Optional[str] = None) -> DepsResult:
        """What symbol depends on (GET /graph/dependencies)."""
        return DepsResult.from_dict(self._graph("/graph/dependencies", symbol, depth, kind, limit, cursor))

    def dependents(self, symbol: str, depth: Optional[int] = None, *, kind: Strs = None,
                   limit: Optional[int] = None, cursor: Optional[str] = None) -> DepsResult:
        """What depends on symbol (GET /graph/dependents)."""
        return DepsResult.from_dict(self._graph("/graph/dependents", symbol, depth, kind, limit, cursor))

    def impact(self, symbol: str, depth: Optional[int] = None, *, limit: Optional[int] = None,
               cursor: Optional[str] = None) -> ImpactResult:
        """What a change to symbol may affect: symbols, files, packages, tests."""
        return ImpactResult.from_dict(self._graph("/graph/impact", symbol, depth, None, limit, cursor))

    def path(self, from_: str, to: str, *, max_depth: Optional[int] = None, kind: Strs = None) -> PathResult:
        """A shortest path from one symbol to another (GET /graph/path)."""
        p = [("from", _need("from_", from_)), ("to", _need("to", to)), ("max_depth", max_depth), ("kind", _csv(kind))]
        return PathResult.from_dict(self._json("GET", "/graph/path", p))

    def export(self, format: str = "mermaid", *, root: Optional[str] = None, depth: Optional[int] = None,
               direction: Optional[str] = None, kind: Strs = None, path: Optional[str] = None,
               package: Optional[str] = None, max_nodes: Optional[int] = None) -> str:
        """The graph, or root's neighbourhood, as mermaid, dot, svg, graphml,
        json or ndjson text (GET /export)."""
        p = [("format", format), ("root", root), ("depth", depth), ("direction", direction), ("kind", _csv(kind)),
             ("path", path), ("package", package), ("max_nodes", max_nodes)]
        return self._text("/export", p)

    # --- nodes and edges ---------------------------------------------------

    def nodes(self, *, kind: Strs = None, lang: Strs = None, file: Strs = None, name: Optional[str] = None,
              limit: Optional[int] = None, cursor: Optional[str] = None) -> NodePage:
        """One page of nodes in id order (GET /nodes); pass next_cursor on."""
        p = [("kind", _csv(kind)), ("lang", _csv(lang)), ("name", name), ("limit", limit), ("cursor", cursor)]
        p += [("file", g) for g in _many(file)]
        return NodePage.from_dict(self._json("GET", "/nodes", p))

    def node(self, id: str) -> Node:
        """The node with this id (GET /nodes/{id})."""
        return Node.from_dict(self._json("GET", f"/nodes/{self._seg(_need('id', id))}"))

    def edges(self, id: str, *, direction: Optional[str] = None, kind: Strs = None, limit: Optional[int] = None,
              cursor: Optional[str] = None) -> EdgePage:
        """A node's edges; direction is in, out or both (default)."""
        p = [("direction", direction), ("kind", _csv(kind)), ("limit", limit), ("cursor", cursor)]
        return EdgePage.from_dict(self._json("GET", f"/nodes/{self._seg(_need('id', id))}/edges", p))

    def create_node(self, kind: str, name: str, **fields: Any) -> Node:
        """Adds a node through the API (a read-write key); fields are
        qualified_name, file, language, line, end_line, signature, doc."""
        body = {"kind": _need("kind", kind), "name": _need("name", name)}
        body.update(self._node_fields(fields))
        return Node.from_dict(self._json("POST", "/nodes", body=body))

    def replace_node(self, id: str, name: str, **fields: Any) -> Node:
        """Replaces an API node's fields (PUT /nodes/{id})."""
        body = {"name": _need("name", name)}
        body.update(self._node_fields(fields, allow_file=False))
        return Node.from_dict(self._json("PUT", f"/nodes/{self._seg(_need('id', id))}", body=body))

    def patch_node(self, id: str, **fields: Any) -> Node:
        """Changes some of an API node's fields (PATCH /nodes/{id})."""
        body = self._node_fields(fields, allow_file=False, allow_name=True)
        return Node.from_dict(self._json("PATCH", f"/nodes/{self._seg(_need('id', id))}", body=body))

    def delete_node(self, id: str) -> None:
        """Deletes an API node; a node derived from source raises ConflictError."""
        self._json("DELETE", f"/nodes/{self._seg(_need('id', id))}")

    @staticmethod
    def _node_fields(fields: Dict[str, Any], allow_file: bool = True, allow_name: bool = False) -> Dict[str, Any]:
        allowed = set(_NODE_FIELDS)
        if not allow_file:
            allowed.discard("file")
        if allow_name:
            allowed.add("name")
        bad = sorted(set(fields) - allowed)
        if bad:
            raise TypeError(f"unknown node field(s) {', '.join(bad)}; known: {', '.join(sorted(allowed))}")
        return {k: v for k, v in fields.items() if v is not None}

    def stream_nodes(self, *, kind: Strs = None, lang: Strs = None, file: Strs = None,
                     limit: Optional[int] = None) -> Iterator[Node]:
        """Yields every node matching the filters, read from the NDJSON
        stream (GET /stream/nodes) without holding them all."""
        p = [("kind", _csv(kind)), ("lang", _csv(lang)), ("limit", limit)] + [("file", g) for g in _many(file)]
        for d in self._ndjson("/stream/nodes", p):
            yield Node.from_dict(d)

    def stream_edges(self, *, kind: Strs = None, resolved: bool = False, limit: Optional[int] = None) -> Iterator[Edge]:
        """Yields every edge matching the filters (GET /stream/edges)."""
        for d in self._ndjson("/stream/edges", [("kind", _csv(kind)), ("resolved", resolved), ("limit", limit)]):
            yield Edge.from_dict(d)

    def _ndjson(self, path: str, params: Iterable[Tuple[str, Any]]) -> Iterator[Dict[str, Any]]:
        with self._open("GET", path, params, accept="application/x-ndjson") as resp:
            for line in resp:
                line = line.strip()
                if line:
                    yield json.loads(line.decode("utf-8"))

    # --- parse, index and jobs --------------------------------------------

    def parse(self, path: Optional[str] = None, content: Optional[str] = None,
              language: Optional[str] = None) -> ParseResult:
        """Extracts the nodes and edges of a repository file (path) or a
        snippet (content, with language or a path to detect it from)."""
        body = {k: v for k, v in (("path", path), ("content", content), ("language", language)) if v is not None}
        return ParseResult.from_dict(self._json("POST", "/parse", body=body))

    def index(self, force: bool = False) -> Job:
        """Starts an index job (a read-write key); follow it with wait_job."""
        return Job.from_dict(self._json("POST", "/index", [("force", force)]))

    def jobs(self, state: Optional[str] = None, *, limit: Optional[int] = None,
             cursor: Optional[str] = None) -> JobPage:
        """Jobs, newest first (GET /jobs)."""
        return JobPage.from_dict(self._json("GET", "/jobs", [("state", state), ("limit", limit), ("cursor", cursor)]))

    def job(self, id: str) -> Job:
        """A job (GET /jobs/{id})."""
        return Job.from_dict(self._json("GET", f"/jobs/{self._seg(_need('id', id))}", repo=False))

    def cancel_job(self, id: str) -> Job:
        """Asks a job to stop; an ended job raises ConflictError."""
        return Job.from_dict(self._json("DELETE", f"/jobs/{self._seg(_need('id', id))}", repo=False))

    def job_events(self, id: str, timeout: Optional[float] = None) -> Iterator[JobEvent]:
        """Yields a job's server-sent events (GET /jobs/{id}/events) until
        it ends: "progress" events, then one "done"."""
        path = f"/jobs/{self._seg(_need('id', id))}/events"
        with self._open("GET", path, accept="text/event-stream", repo=False, timeout=timeout) as resp:
            seq, event, data = 0, "", []
            for raw in resp:
                line = raw.decode("utf-8").rstrip("\r\n")
                if not line:
                    if data:
                        yield JobEvent(seq=seq, event=event, job=Job.from_dict(json.loads("\n".join(data))))
                    seq, event, data = 0, "", []
                    continue
                name, _, value = line.partition(":")
                value = value[1:] if value.startswith(" ") else value
                if name == "id":
                    seq = int(value) if value.isdigit() else 0
                elif name == "event":
                    event = value
                elif name == "data":
                    data.append(value)

    def wait_job(self, id: str, timeout: Optional[float] = None) -> Job:
        """Follows a job until it ends and returns it as it ended."""
        last: Optional[Job] = None
        for ev in self.job_events(id, timeout=timeout):
            last = ev.job
        if last is not None and last.done:
            return last
        j = self.job(id)
        if not j.done:
            raise errors.CodeGraphError(f"job {id}: the event stream ended while {j.state}")
        return j

    # --- health and documents ---------------------------------------------

    def live(self) -> bool:
        """True when the server answers (GET /health/live)."""
        self._json("GET", "/health/live", repo=False)
        return True

    def ready(self) -> Readiness:
        """The repositories' readiness (GET /health/ready); raises
        UnavailableError, with .readiness, when one is not ready."""
        try:
            return Readiness.from_dict(self._json("GET", "/health/ready", repo=False))
        except errors.UnavailableError as e:
            if isinstance(e.details, dict) or e.code != "http_503":
                raise
            try:
                rd = Readiness.from_dict(json.loads(e.body.decode("utf-8")))
            except (ValueError, UnicodeDecodeError, AttributeError):
                raise e from None
            e.readiness, e.code = rd, "not_ready"
            e.message = "not ready: " + "; ".join(f"{r.name} ({r.status}{': ' + r.error if r.error else ''})"
                                                  for r in rd.repos if not r.ready)
            e.args = (f"{e.method} {e.url}: {e.status} {e.code}: {e.message}",)
            raise

    def wait_ready(self, timeout: float = 60.0, interval: float = 0.5) -> Readiness:
        """Polls ready() until every repository is ready or timeout seconds pass."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                return self.ready()
            except (errors.UnavailableError, errors.TransportError):
                if time.monotonic() >= deadline:
                    raise
            time.sleep(interval)

    def metrics(self) -> str:
        """The Prometheus metrics in the text format (GET /metrics)."""
        return self._text("/metrics", accept="text/plain", repo=False)

    def openapi(self) -> Dict[str, Any]:
        """The server's OpenAPI document (GET /openapi.json)."""
        return self._json("GET", "/openapi.json", repo=False)
