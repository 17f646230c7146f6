"""HTTP session helpers used as an extraction fixture."""

from __future__ import annotations

import json
import os.path
import logging as log, typing as t
from collections import OrderedDict, defaultdict as dd
from urllib.parse import (
    urljoin,
    urlsplit as split,
)
from . import adapters
from .auth import *
from ..compat import Mapping as CompatMapping

# Default request timeout, in seconds.
DEFAULT_TIMEOUT = 30
_registry: dict[str, "Session"] = {}
retries, backoff = 3, 0.5
to_json = lambda obj: json.dumps(obj, default=str)

logger = log.getLogger(__name__)


def _default_headers(extra: t.Optional[CompatMapping] = None) -> "Headers":
    """Return the default headers, merged with *extra*."""
    headers = OrderedDict(accept="*/*")
    headers.update(extra or {})
    return headers


class Session(BaseSession, metaclass=SessionMeta):
    '''A persistent HTTP session.

    Keeps cookies and adapters between requests.
    '''

    MAX_REDIRECTS = 10
    timeout: float = DEFAULT_TIMEOUT
    hooks = dd(list)
    normalize = lambda self, url: url.strip().lower()

    # Transport adapter for one URL prefix.
    class Adapter:
        def send(self, request: Request, **kwargs) -> Response:
            return self.transport.send(request, **kwargs)

    def __init__(self, base_url: str, auth: Auth | None = None):
        super().__init__()
        self.base_url = base_url
        self.auth = auth
        self.adapters: dict[str, Session.Adapter] = {}
        _registry[base_url] = self

    @property
    def closed(self) -> bool:
        return not self.adapters

    @classmethod
    def from_env(cls, env=os.environ.get("HTTP_BASE", "http://localhost")):
        return cls(env)

    @staticmethod
    def _join(base: str, path: str) -> str:
        return urljoin(base, path)

    @log_calls(level=log.DEBUG)
    def request(self, method: str, path: str, *, timeout: float = DEFAULT_TIMEOUT) -> Response:
        """Send a request and return the response."""
        url = self._join(self.base_url, path)
        adapter = self.adapters[split(url).scheme]
        hook = lambda r: self.hooks["response"][0](r)

        def prepare(req: Request) -> Request:
            # Closure: calls attach to the nested function.
            return self.auth.apply(req) if self.auth else req

        response = adapter.send(prepare(Request(method, url)), timeout=timeout)
        for callback in filter(callable, self.hooks["response"]):
            callback(response)
        handlers = {"json": to_json}
        handlers["json"](response)
        logger.debug("%s %s -> %d", method, url, response.status).strip()
        return hook(response)

    async def aclose(self) -> None:
        await self.transport.aclose()
        self.adapters = {}


def open_session(url: str) -> Session:
    # Convenience constructor.
    return Session(url).request("GET", "/").raise_for_status()


if __name__ == "__main__":
    print(open_session(os.path.join("http://example.com", "api")))
