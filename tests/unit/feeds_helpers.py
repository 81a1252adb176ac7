"""Helpers for the feeds tests: fixture paths, a routed pytest-httpserver,
and reading stored items back."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import frontmatter
from pytest_httpserver import HTTPServer, URIPattern
from werkzeug import Request, Response

from reader.feeds import run
from reader.feeds.run import Feed, FeedResult
from reader.store.items import Items

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


_SHELVES: dict[Path, Items] = {}


def shelf_for(folder: Path) -> Items:
    """The ``items.db`` beside a feed's folder (one for every folder of a test's ``tmp_path``)."""
    root = folder.parent
    if root not in _SHELVES:
        root.mkdir(parents=True, exist_ok=True)
        _SHELVES[root] = Items.open(root / "items.db", lambda message: None)
    return _SHELVES[root]


def fetch_all(feeds: Sequence[Feed], **options: Any) -> list[FeedResult]:
    """:func:`reader.feeds.run.fetch_all` onto the shelf beside the feeds' folders."""
    return run.fetch_all(feeds, shelf_for(feeds[0].folder), **options)


def stored(folder: Path, shelf: Items | None = None) -> dict[str, dict[str, Any]]:
    """id -> front matter (plus ``body`` and the item's address ``path``) of every item a feed's folder holds."""
    shelf = shelf or shelf_for(folder)
    out = {}
    for item_id in shelf.ids(folder.name):
        post = frontmatter.loads((shelf.data(item_id) or b"").decode("utf-8"))
        meta = dict(post.metadata)
        meta["body"] = post.content
        meta["path"] = folder / f"{item_id}.md"
        out[str(meta["id"])] = meta
    return out


def stamps(folder: Path) -> dict[str, int]:
    """id -> stamp of every item a feed's folder holds (what the index compares, with the size)."""
    return {i: stamp for i, _, stamp in shelf_for(folder).listing([folder.name]).items[folder.name]}
