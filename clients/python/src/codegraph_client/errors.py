"""Exceptions raised by the codegraph client.

Every error answer of the server raises an :class:`APIError` subclass chosen
by its HTTP status (and for ambiguous symbols, by its code); failures to
reach the server raise :class:`TransportError`.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Type

from ._types import Readiness, Symbol


class CodeGraphError(Exception):
    """Base class of every exception of this package."""


class TransportError(CodeGraphError):
    """The server could not be reached or its answer could not be read."""


class APIError(CodeGraphError):
    """An error answer of the server.

    Attributes:
        status: the HTTP status (404, 409, ...).
        code: the API's error code (not_found, ambiguous, ...).
        message: what went wrong and what to do.
        details: the error's details object, or None.
        retry_after: seconds the server asked to wait (429, 503), or None.
        method, url: the request's.
        body: the answer's body (at most 1 MiB).
    """

    def __init__(self, status: int, code: str, message: str, details: Any = None,
                 retry_after: Optional[float] = None, method: str = "", url: str = "", body: bytes = b"") -> None:
        super().__init__(f"{method} {url}: {status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.retry_after = retry_after
        self.method = method
        self.url = url
        self.body = body


class BadRequestError(APIError):
    """400: invalid parameters or body."""


class UnauthorizedError(APIError):
    """401: missing or unknown API key or token."""


class ForbiddenError(APIError):
    """403: the key lacks write access, or the file may not be read."""


class NotFoundError(APIError):
    """404: no such node, symbol, job, file or repository."""

    @property
    def suggestions(self) -> List[str]:
        """Names the server suggests for an unknown symbol."""
        if isinstance(self.details, dict):
            return list(self.details.get("suggestions") or [])
        return []


class ConflictError(APIError):
    """409: a node derived from source, a busy index, an ended job."""


class AmbiguousError(ConflictError):
    """409 with code "ambiguous": the symbol names several definitions."""

    @property
    def candidates(self) -> List[Symbol]:
        """The definitions the symbol may name; pass one's id instead."""
        if isinstance(self.details, dict):
            return [Symbol.from_dict(c) for c in self.details.get("candidates") or []]
        return []


class TooLargeError(APIError):
    """413: the request or the selection is too large."""


class UnprocessableError(APIError):
    """422: the input could not be processed (for example, unparsable)."""


class RateLimitedError(APIError):
    """429: too many requests; see retry_after."""


class UnavailableError(APIError):
    """503: no index yet, a damaged index, or not ready.

    Attributes:
        readiness: for ready(), the readiness the server answered with.
    """

    readiness: Optional[Readiness] = None


class GatewayTimeoutError(APIError):
    """504: the request took too long; narrow it."""


class ServerError(APIError):
    """Another 5xx answer."""


_BY_STATUS: Dict[int, Type[APIError]] = {
    400: BadRequestError,
    401: UnauthorizedError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    413: TooLargeError,
    422: UnprocessableError,
    429: RateLimitedError,
    503: UnavailableError,
    504: GatewayTimeoutError,
}


def error_from_response(status: int, body: bytes, headers: Any, method: str, url: str) -> APIError:
    """Builds the exception for an error answer."""
    code, message, details = f"http_{status}", "", None
    try:
        doc = json.loads(body.decode("utf-8"))
        err = doc.get("error") if isinstance(doc, dict) else None
        if isinstance(err, dict) and err.get("code"):
            code, message, details = str(err["code"]), str(err.get("message", "")), err.get("details")
    except (ValueError, UnicodeDecodeError):
        pass
    if not message:
        message = body[:200].decode("utf-8", "replace") or f"HTTP {status}"
    retry_after = None
    ra = headers.get("Retry-After") if headers is not None else None
    if ra:
        try:
            retry_after = float(ra)
        except ValueError:
            pass
    if status == 409 and code == "ambiguous":
        cls: Type[APIError] = AmbiguousError
    else:
        cls = _BY_STATUS.get(status, ServerError if status >= 500 else APIError)
    return cls(status, code, message, details, retry_after, method, url, body)
