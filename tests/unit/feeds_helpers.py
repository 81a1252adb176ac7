"""Helpers for the feeds tests: fixture paths, a routed pytest-httpserver,
and reading stored items back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
from pytest_httpserver import HTTPServer, URIPattern
from werkzeug import Request, Response

DATA = Path(__file__).resolve().parents[1] / "data"
FEED_RS = DATA / "feeds" / "feed-rs"
OPML = DATA / "opml"


def fixtures() -> list[Path]:
    return sorted(p for p in FEED_RS.rglob("*") if p.suffix in (".xml", ".json") and not p.name.endswith(".serde.json"))


def expected(path: Path) -> dict[str, Any] | None:
    serde = path.with_name(path.stem + ".serde.json")
    return json.loads(serde.read_text(encoding="utf-8")) if serde.exists() else None


@dataclass
class Route:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None


class Routes:
    """A table of path -> Route behind one catch-all handler, so a test can
    change what a URL answers between two fetches."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.table: dict[str, Route] = {}
        self.seen: list[tuple[str, dict[str, str], int]] = []  # path, request headers, status sent
        server.expect_request(_AnyPath()).respond_with_handler(self._handle)

    def url(self, path: str) -> str:
        return self.server.url_for(path)

    def set(self, path: str, body: bytes = b"", status: int = 200, **kwargs: Any) -> str:
        self.table[path] = Route(status=status, body=body, **kwargs)
        return self.url(path)

    def _handle(self, request: Request) -> Response:
        route = self.table.get(request.path)
        headers = {k: v for k, v in request.headers.items()}
        if route is None:
            self.seen.append((request.path, headers, 404))
            return Response(b"not here", status=404)
        if route.status == 200 and (
            (route.etag and request.headers.get("If-None-Match") == route.etag)
            or (route.last_modified and not route.etag and request.headers.get("If-Modified-Since") == route.last_modified)
        ):
            self.seen.append((request.path, headers, 304))
            return Response(status=304, headers={"ETag": route.etag} if route.etag else {})
        out = dict(route.headers)
        if route.etag:
            out["ETag"] = route.etag
        if route.last_modified:
            out["Last-Modified"] = route.last_modified
        self.seen.append((request.path, headers, route.status))
        return Response(route.body, status=route.status, headers=out)


class _AnyPath(URIPattern):
    """A URI matcher for every path."""

    def match(self, uri: str) -> bool:
        return True


def stored(folder: Path) -> dict[str, dict[str, Any]]:
    """id -> front matter (plus ``body``) of every item file in a folder."""
    out = {}
    for path in sorted(folder.glob("*.md")):
        post = frontmatter.load(str(path))
        meta = dict(post.metadata)
        meta["body"] = post.content
        meta["path"] = path
        out[str(meta["id"])] = meta
    return out
