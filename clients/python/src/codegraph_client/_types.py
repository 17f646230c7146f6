"""Typed results of the codegraph REST API.

Every result is a dataclass built from the server's JSON with from_dict,
which ignores fields it does not know (a newer server stays readable).
"""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Type, TypeVar

T = TypeVar("T")

_hints: Dict[type, Dict[str, Any]] = {}


def _convert(tp: Any, v: Any) -> Any:
    if v is None:
        return None
    origin = typing.get_origin(tp)
    if origin is typing.Union:  # Optional[X]
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _convert(args[0], v) if len(args) == 1 else v
    if origin in (list, List):
        (item,) = typing.get_args(tp) or (Any,)
        return [_convert(item, x) for x in v]
    if dataclasses.is_dataclass(tp) and isinstance(v, dict):
        return _from_dict(tp, v)
    if tp is float and isinstance(v, int):
        return float(v)
    return v


def _from_dict(cls: Type[T], d: Dict[str, Any]) -> T:
    hints = _hints.get(cls)
    if hints is None:
        hints = typing.get_type_hints(cls)
        _hints[cls] = hints
    kw = {}
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        key = f.metadata.get("json", f.name)
        if key in d:
            kw[f.name] = _convert(hints[f.name], d[key])
    return cls(**kw)


class _Model:
    @classmethod
    def from_dict(cls: Type[T], d: Dict[str, Any]) -> T:
        """Builds the value from the server's JSON object."""
        return _from_dict(cls, d)


@dataclass
class Node(_Model):
    """A node of the code graph: a file, package, function, class, ..."""

    id: str = ""
    kind: str = ""
    name: str = ""
    qualified_name: str = ""
    language: str = ""
    file: str = ""
    line: int = 0
    end_line: int = 0
    start_byte: int = 0
    end_byte: int = 0
    signature: str = ""
    doc: str = ""
    visibility: str = ""
    parent: str = ""
    api: bool = False


@dataclass
class Edge(_Model):
    """A directed fact between two nodes (calls, imports, references, ...).

    to is empty when the edge is unresolved; target is the target as written.
    """

    kind: str = ""
    from_: str = field(default="", metadata={"json": "from"})
    to: str = ""
    target: str = ""
    file: str = ""
    line: int = 0
    resolution: str = ""
    confidence: float = 0.0
    candidates: int = 0


@dataclass
class Symbol(_Model):
    """A definition as graph queries and search return it."""

    id: str = ""
    kind: str = ""
    name: str = ""
    qualified_name: str = ""
    file: str = ""
    line: int = 0
    end_line: int = 0
    language: str = ""
    signature: str = ""
    visibility: str = ""
    snippet: str = ""


@dataclass
class Hit(Symbol):
    """One search result: a symbol and its score."""

    score: float = 0.0
    column: int = 0
    text: str = ""
    signals: List[str] = field(default_factory=list)


@dataclass
class SearchResult(_Model):
    """The answer of a search."""

    mode: str = ""
    hits: List[Hit] = field(default_factory=list)
    total: int = 0
    truncated: bool = False
    note: str = ""
    took_ms: float = 0.0


@dataclass
class CallItem(_Model):
    """One caller or callee, depth calls away from the root."""

    depth: int = 0
    parent: str = ""
    symbol: Optional[Symbol] = None
    target: str = ""
    via: Optional[Edge] = None
    sites: int = 0


@dataclass
class CallsResult(_Model):
    """The answer of callers() and callees()."""

    root: Symbol = field(default_factory=Symbol)
    direction: str = ""
    depth: int = 0
    total: int = 0
    items: List[CallItem] = field(default_factory=list)
    next_cursor: str = ""
    truncated: bool = False


@dataclass
class Scope(_Model):
    """What a dependency or impact query was asked about."""

    kind: str = ""
    name: str = ""
    symbol: Optional[Symbol] = None


@dataclass
class DepItem(_Model):
    """One dependency or dependent."""

    depth: int = 0
    kind: str = ""
    name: str = ""
    key: str = ""
    parent: str = ""
    symbol: Optional[Symbol] = None
    edges: int = 0
    edge_kinds: List[str] = field(default_factory=list)
    via: Optional[Edge] = None


@dataclass
class DepsResult(_Model):
    """The answer of dependencies() and dependents()."""

    scope: Scope = field(default_factory=Scope)
    reverse: bool = False
    depth: int = 0
    total: int = 0
    items: List[DepItem] = field(default_factory=list)
    next_cursor: str = ""
    truncated: bool = False
    unresolved: int = 0


@dataclass
class PathStep(_Model):
    """One symbol of a path and the edge that led to it (None first)."""

    symbol: Symbol = field(default_factory=Symbol)
    via: Optional[Edge] = None


@dataclass
class PathResult(_Model):
    """The answer of path(): a shortest path between two symbols."""

    from_: Symbol = field(default_factory=Symbol, metadata={"json": "from"})
    to: Symbol = field(default_factory=Symbol)
    found: bool = False
    length: int = 0
    steps: List[PathStep] = field(default_factory=list)
    explored: int = 0
    truncated: bool = False
    max_depth: int = 0


@dataclass
class ImpactItem(_Model):
    """One symbol a change may affect; dynamic when the way passes through
    an interface method, test for symbols of test files."""

    depth: int = 0
    symbol: Optional[Symbol] = None
    via: Optional[Edge] = None
    confidence: float = 0.0
    test: bool = False
    dynamic: bool = False


@dataclass
class Site(_Model):
    """One call site."""

    file: str = ""
    line: int = 0
    target: str = ""
    from_: str = field(default="", metadata={"json": "from"})
    name: str = ""


@dataclass
class Uncertainty(_Model):
    """Sites an impact analysis could not follow exactly (the first listed)."""

    count: int = 0
    sites: List[Site] = field(default_factory=list)


@dataclass
class ImpactFile(_Model):
    """A file with affected symbols."""

    file: str = ""
    package: str = ""
    symbols: int = 0
    test: bool = False


@dataclass
class ImpactPackage(_Model):
    """A package with affected symbols."""

    package: str = ""
    files: int = 0
    symbols: int = 0
    test_files: int = 0


@dataclass
class ImpactResult(_Model):
    """The answer of impact(): what a change to a symbol may affect."""

    scope: Scope = field(default_factory=Scope)
    depth: int = 0
    complete: bool = False
    truncated: bool = False
    total: int = 0
    items: List[ImpactItem] = field(default_factory=list)
    next_cursor: str = ""
    files: List[ImpactFile] = field(default_factory=list)
    files_total: int = 0
    packages: List[ImpactPackage] = field(default_factory=list)
    packages_total: int = 0
    tests: List[str] = field(default_factory=list)
    tests_total: int = 0
    unresolved: Uncertainty = field(default_factory=Uncertainty)
    ambiguous: Uncertainty = field(default_factory=Uncertainty)
    escapes: Uncertainty = field(default_factory=Uncertainty)
    dispatch: Uncertainty = field(default_factory=Uncertainty)


@dataclass
class NodePage(_Model):
    """One page of nodes(); pass next_cursor for the next."""

    nodes: List[Node] = field(default_factory=list)
    count: int = 0
    next_cursor: str = ""


@dataclass
class EdgePage(_Model):
    """One page of a node's edges."""

    node: str = ""
    direction: str = ""
    edges: List[Edge] = field(default_factory=list)
    count: int = 0
    next_cursor: str = ""


@dataclass
class ParseResult(_Model):
    """The facts extracted from one file or snippet."""

    file: str = ""
    language: str = ""
    nodes: List[Node] = field(default_factory=list)
    edges: List[Edge] = field(default_factory=list)
    syntax_errors: int = 0
    first_error: str = ""


@dataclass
class JobProgress(_Model):
    """A job's progress."""

    phase: str = ""
    done: int = 0
    total: int = 0
    percent: int = 0
    rate: float = 0.0
    eta_seconds: float = 0.0
    message: str = ""


@dataclass
class Job(_Model):
    """A background job (an index run); state is queued, running,
    succeeded, failed or cancelled."""

    id: str = ""
    kind: str = ""
    repo: str = ""
    state: str = ""
    progress: JobProgress = field(default_factory=JobProgress)
    created: str = ""
    started: str = ""
    ended: str = ""
    error: str = ""
    result: Any = None

    @property
    def done(self) -> bool:
        """Whether the job has ended."""
        return self.state in ("succeeded", "failed", "cancelled")


@dataclass
class JobPage(_Model):
    """One page of jobs()."""

    jobs: List[Job] = field(default_factory=list)
    total: int = 0
    next_cursor: str = ""


@dataclass
class JobEvent(_Model):
    """One server-sent event of a job: "progress" or "done"."""

    seq: int = 0
    event: str = ""
    job: Job = field(default_factory=Job)


@dataclass
class RepoHealth(_Model):
    """One repository's readiness."""

    name: str = ""
    ready: bool = False
    index_state: str = ""
    status: str = ""
    percent: int = 0
    search: str = ""
    error: str = ""


@dataclass
class Readiness(_Model):
    """The answer of ready(): status is "ready" or "not_ready"."""

    status: str = ""
    repos: List[RepoHealth] = field(default_factory=list)
