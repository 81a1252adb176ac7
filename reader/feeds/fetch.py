"""A feed's GET: what a feed reader asks the HTTP client (:mod:`reader.http`) for, and within which limits."""

from __future__ import annotations

from reader import http
from reader.http import Response

__all__ = ["DEFAULT_MAX_BYTES", "DEFAULT_TIMEOUT", "Response", "get"]

DEFAULT_TIMEOUT = 20.0
DEFAULT_MAX_BYTES = 16 * 2**20
ACCEPT = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"


def get(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Response:
    """GET a feed, conditionally when ``etag`` or ``last_modified`` is given,
    within ``timeout`` seconds (the whole fetch) and ``max_bytes`` bytes."""
    return http.get(url, accept=ACCEPT, etag=etag, last_modified=last_modified, timeout=timeout, max_bytes=max_bytes)
