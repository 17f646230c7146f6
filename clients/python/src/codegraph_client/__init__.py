"""Client of the codegraph REST API (``codegraph serve``).

    from codegraph_client import Client
    cg = Client("http://localhost:8080", api_key="...")
    for hit in cg.search("parse a config file", limit=5).hits:
        print(hit.qualified_name, hit.file, hit.line)
    print([c.symbol.qualified_name for c in cg.callers("store.Open").items])

Standard library only.
"""

from ._client import REFERENCE_KINDS, Client
from ._types import (
    CallItem,
    CallsResult,
    DepItem,
    DepsResult,
    Edge,
    EdgePage,
    Hit,
    ImpactFile,
    ImpactItem,
    ImpactPackage,
    ImpactResult,
    Job,
    JobEvent,
    JobPage,
    JobProgress,
    Node,
    NodePage,
    ParseResult,
    PathResult,
    PathStep,
    Readiness,
    RepoHealth,
    Scope,
    Site,
    SearchResult,
    Symbol,
    Uncertainty,
)
from .errors import (
    AmbiguousError,
    APIError,
    BadRequestError,
    CodeGraphError,
    ConflictError,
    ForbiddenError,
    GatewayTimeoutError,
    NotFoundError,
    RateLimitedError,
    ServerError,
    TooLargeError,
    TransportError,
    UnauthorizedError,
    UnavailableError,
    UnprocessableError,
)

__version__ = "0.1.0"

__all__ = [name for name in dir() if not name.startswith("_")]
