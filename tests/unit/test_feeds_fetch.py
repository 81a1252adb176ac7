"""Fetching against real servers on 127.0.0.1: conditional GET seen from the
server side, compression, redirects, limits, and every kind of fault
recorded on its own feed while the others succeed."""

from __future__ import annotations

import gzip
import shutil
import socket
import ssl
import subprocess
import threading
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

import reader
from reader.feeds import fetch
from reader.feeds.run import Feed, FeedResult, discover, feed_links

from .feeds_helpers import FEED_RS, Routes, fetch_all, stamps, stored

RSS = (FEED_RS / "rss2" / "rss_2.0_example_1.xml").read_bytes()
ATOM = (FEED_RS / "atom" / "atom_example_6.xml").read_bytes()  # four entries


def _rss(*items: tuple[str, str]) -> bytes:
    body = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>http://example.com/{g}</link><description>{t} text</description></item>"
        for g, t in items
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><link>http://example.com/</link>{body}</channel></rss>'.encode()
    )


def _feed(url: str, folder: Path, **kwargs: object) -> Feed:
    return Feed(key=url, url=url, name="test", tags=(), folder=folder, **kwargs)  # type: ignore[arg-type]


def _again(feed: Feed, result: FeedResult) -> Feed:
    return Feed(feed.key, result.new_url or feed.url, feed.name, feed.tags, feed.folder, result.etag, result.last_modified)


@pytest.fixture
def routes(httpserver: HTTPServer) -> Routes:
    return Routes(httpserver)


# -- conditional GET ---------------------------------------------------------------


def test_second_fetch_sends_if_none_match_and_gets_304(routes: Routes, tmp_path: Path) -> None:
    url = routes.set("/feed.xml", ATOM, etag='"v1"', last_modified="Mon, 02 Nov 2026 10:00:00 GMT")
    feed = _feed(url, tmp_path / "f")
    first = fetch_all([feed])[0]
    assert (first.status, first.new, first.items, first.etag) == (200, 4, 4, '"v1"')
    assert first.last_modified == "Mon, 02 Nov 2026 10:00:00 GMT"
    before = stamps(feed.folder)
    assert len(before) == 4
    second = fetch_all([_again(feed, first)])[0]
    _, headers, status = routes.seen[-1]
    assert headers.get("If-None-Match") == '"v1"'
    assert headers.get("If-Modified-Since") == "Mon, 02 Nov 2026 10:00:00 GMT"
    assert status == 304
    assert second.not_modified and second.status == 304 and second.error is None
    assert (second.new, second.updated, second.etag) == (0, 0, '"v1"')
    assert stamps(feed.folder) == before


def test_last_modified_alone_is_sent_back(routes: Routes, tmp_path: Path) -> None:
    url = routes.set("/feed.xml", ATOM, last_modified="Tue, 03 Nov 2026 10:00:00 GMT")
    feed = _feed(url, tmp_path / "f")
    first = fetch_all([feed])[0]
    assert first.etag is None
    second = fetch_all([_again(feed, first)])[0]
    assert routes.seen[-1][1].get("If-Modified-Since") == "Tue, 03 Nov 2026 10:00:00 GMT"
    assert "If-None-Match" not in routes.seen[-1][1]
    assert second.not_modified


def test_a_changed_feed_without_validators_rewrites_only_what_changed(routes: Routes, tmp_path: Path) -> None:
    url = routes.set("/feed.xml", _rss(("a", "First"), ("b", "Second")))
    feed = _feed(url, tmp_path / "f")
    assert fetch_all([feed])[0].new == 2
    before = stored(feed.folder)
    mtimes = stamps(feed.folder)
    routes.set("/feed.xml", _rss(("a", "First"), ("b", "Second, corrected"), ("c", "Third")))
    result = fetch_all([feed])[0]
    assert (result.new, result.updated, result.items) == (1, 1, 3)
    after = stored(feed.folder)
    changed = {k for k in before if after[k]["title"] != before[k]["title"]}
    assert len(changed) == 1
    (same,) = set(before) - changed
    assert stamps(feed.folder)[same] == mtimes[same]


def test_user_agent_names_reader_and_its_version(routes: Routes, tmp_path: Path) -> None:
    url = routes.set("/feed.xml", RSS)
    fetch_all([_feed(url, tmp_path / "f")])
    assert routes.seen[-1][1]["User-Agent"] == f"reader/{reader.__version__} (+terminal news reader)"
    assert "gzip" in routes.seen[-1][1]["Accept-Encoding"]


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
    ],
)
def test_compressed_bodies_are_decoded(routes: Routes, tmp_path: Path, encoding: str, encode: object) -> None:
    url = routes.set("/feed.xml", encode(ATOM), headers={"Content-Encoding": encoding})  # type: ignore[operator]
    result = fetch_all([_feed(url, tmp_path / "f")])[0]
    assert result.error is None and result.items == 4


# -- redirects ---------------------------------------------------------------------


def test_permanent_redirect_is_reported_and_ids_stay(routes: Routes, tmp_path: Path) -> None:
    new = routes.set("/new.xml", ATOM)
    old = routes.set("/old.xml", status=301, headers={"Location": "/new.xml"})
    feed = _feed(old, tmp_path / "f")
    result = fetch_all([feed])[0]
    assert (result.url, result.new_url, result.status, result.new) == (new, new, 200, 4)
    ids = set(stored(feed.folder))
    moved = fetch_all([_again(feed, result)])[0]  # now fetched from the new URL, same key
    assert moved.url == new and moved.new == 0 and moved.updated == 0
    assert set(stored(feed.folder)) == ids
    assert {m["feed"] for m in stored(feed.folder).values()} == {old}


def test_temporary_redirect_is_followed_but_not_reported(routes: Routes, tmp_path: Path) -> None:
    routes.set("/real.xml", ATOM)
    url = routes.set("/tmp.xml", status=302, headers={"Location": routes.url("/real.xml")})
    result = fetch_all([_feed(url, tmp_path / "f")])[0]
    assert result.error is None and result.new_url is None and result.items == 4


def test_a_chain_with_one_temporary_hop_is_not_permanent(routes: Routes, tmp_path: Path) -> None:
    routes.set("/c.xml", ATOM)
    routes.set("/b.xml", status=307, headers={"Location": "/c.xml"})
    url = routes.set("/a.xml", status=308, headers={"Location": "/b.xml"})
    result = fetch_all([_feed(url, tmp_path / "f")])[0]
    assert result.error is None and result.new_url is None


def test_too_many_redirects(routes: Routes, tmp_path: Path) -> None:
    for n in range(10):
        routes.set(f"/r{n}", status=302, headers={"Location": f"/r{n + 1}"})
    result = fetch_all([_feed(routes.url("/r0"), tmp_path / "f")])[0]
    assert result.error is not None and "too many redirects" in result.error


# -- faults: each on its own feed, the others fine, earlier items kept ------------


class _Silent:
    """A TCP server that accepts and never answers (a timeout)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.held.append(conn)

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


@pytest.fixture
def silent() -> Iterator[_Silent]:
    server = _Silent()
    yield server
    server.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><guid>x</guid><title>&lol9;</title></item></channel></rss>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><guid>x</guid><title>&secret;</title></item></channel></rss>"""

HTML_PAGE = b"<!DOCTYPE html><html><head><title>Home</title></head><body><p>Welcome</p></body></html>"


def test_every_fault_is_recorded_on_its_feed_and_earlier_items_stay(routes: Routes, silent: _Silent, tmp_path: Path) -> None:
    faults: dict[str, tuple[str, str]] = {}  # name -> (url, expected words in the error)
    good_url = routes.set("/good.xml", ATOM)
    paths = {
        "404": ("/missing.xml", "HTTP 404"),
        "500": ("/broken.xml", "HTTP 500"),
        "garbage": ("/garbage.xml", "not a feed"),
        "html": ("/page.xml", "HTML page"),
        "too large": ("/large.xml", "too large"),
        "gzip bomb": ("/bomb.xml", "once decompressed"),
        "xml bomb": ("/laughs.xml", "entities"),
        "external entity": ("/xxe.xml", "entities"),
        "redirect loop": ("/loop-a.xml", "redirect loop"),
        "redirect to file": ("/to-file.xml", "refused"),
        "redirect to data": ("/to-data.xml", "refused"),
    }
    for name, (path, words) in paths.items():
        faults[name] = (routes.set(path, _rss((name, f"Earlier item of {name}"))), words)
    faults["refused"] = (f"http://127.0.0.1:{_closed_port()}/feed.xml", "connection refused")
    faults["timeout"] = (f"http://127.0.0.1:{silent.port}/feed.xml", "timed out")
    folders = {name: tmp_path / name.replace(" ", "-") for name in faults}
    # First every feed works (the silent and refused ones have no earlier items).
    first = fetch_all([_feed(url, folders[name]) for name, (url, _) in faults.items()], timeout=2)
    assert [r.error for name, r in zip(faults, first, strict=True) if name in paths] == [None] * len(paths)
    earlier = {name: set(stored(folders[name])) for name in faults}
    assert all(len(earlier[name]) == 1 for name in paths)

    routes.set("/missing.xml", b"gone", status=404)
    routes.set("/broken.xml", b"oops", status=500)
    routes.set("/garbage.xml", bytes(range(256)) * 40)
    routes.set("/page.xml", HTML_PAGE, headers={"Content-Type": "text/html; charset=utf-8"})
    routes.set("/large.xml", _rss(*((f"g{n}", "x" * 1000) for n in range(400))))
    routes.set("/bomb.xml", gzip.compress(b"<rss>" + b" " * (64 * 2**20)), headers={"Content-Encoding": "gzip"})
    routes.set("/laughs.xml", BILLION_LAUGHS)
    routes.set("/xxe.xml", EXTERNAL_ENTITY)
    routes.set("/loop-a.xml", status=301, headers={"Location": "/loop-b.xml"})
    routes.set("/loop-b.xml", status=301, headers={"Location": "/loop-a.xml"})
    routes.set("/to-file.xml", status=302, headers={"Location": "file:///etc/passwd"})
    routes.set("/to-data.xml", status=302, headers={"Location": "data:text/xml,<rss/>"})
    feeds = [_feed(good_url, tmp_path / "good")] + [_feed(url, folders[name]) for name, (url, _) in faults.items()]
    seen: list[FeedResult] = []
    results = fetch_all(feeds, timeout=3, max_bytes=256 * 1024, on_result=seen.append)
    assert len(seen) == len(results) == len(feeds)
    good, rest = results[0], results[1:]
    assert good.error is None and good.items == 4 and good.new == 4
    for (name, (_, words)), result in zip(faults.items(), rest, strict=True):
        assert result.error is not None, name
        assert words in result.error, (name, result.error)
        assert "\n" not in result.error
        assert result.new == result.updated == 0
        assert set(stored(folders[name])) == earlier[name], name
    assert "root:" not in "".join(str(m) for name in faults for m in stored(folders[name]).values())


def test_tls_failure_is_an_error_line(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = HTTPServer(host="127.0.0.1", port=0, ssl_context=context)
    server.expect_request("/feed.xml").respond_with_data(ATOM)
    server.start()
    try:
        url = server.url_for("/feed.xml")
        assert url.startswith("https://")
        result = fetch_all([_feed(url, tmp_path / "f")], timeout=5)[0]
    finally:
        server.stop()
    assert result.error is not None and "TLS" in result.error
    assert not stored(tmp_path / "f")


def test_only_http_and_https_are_fetched(tmp_path: Path) -> None:
    for url in ("file:///etc/passwd", "data:text/xml,<rss/>", "javascript:alert(1)", "ftp://example.com/feed"):
        response = fetch.get(url)
        assert response.error is not None and "refused" in response.error


def test_per_host_bound_holds(tmp_path: Path) -> None:
    from werkzeug import Request, Response

    active = peak = 0
    lock = threading.Lock()

    def slow(request: Request) -> Response:
        nonlocal active, peak
        with lock:
            active += 1
            peak = max(peak, active)
        threading.Event().wait(0.2)
        with lock:
            active -= 1
        return Response(ATOM)

    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.expect_request("/slow").respond_with_handler(slow)
    server.start()
    try:
        feeds = [_feed(server.url_for("/slow") + f"?n={n}", tmp_path / f"f{n}") for n in range(8)]
        results = fetch_all(feeds, concurrency=8, per_host=2)
    finally:
        server.clear()
        server.stop()
    assert all(r.error is None for r in results)
    assert peak == 2  # concurrent, and never more than two at once on one host


# -- a web page's feed ---------------------------------------------------------------


def test_discover_finds_the_feed_a_page_links_to(routes: Routes) -> None:
    routes.set("/feeds/atom.xml", ATOM)
    page = b"""<!DOCTYPE html><html><head><base href="/feeds/">
    <link rel="stylesheet" href="/s.css"><link rel="alternate" type="application/atom+xml" title="Atom" href="atom.xml">
    </head><body>Hello</body></html>"""
    url = routes.set("/blog/", page, headers={"Content-Type": "text/html"})
    found = discover(url)
    assert found.error is None and found.url == routes.url("/feeds/atom.xml")
    assert found.title == "Release notes from feed-rs"
    assert discover(routes.url("/feeds/atom.xml")).url == routes.url("/feeds/atom.xml")


def test_discover_reports_a_page_without_feeds(routes: Routes) -> None:
    url = routes.set("/plain/", HTML_PAGE, headers={"Content-Type": "text/html"})
    found = discover(url)
    assert found.url is None and found.error is not None and "no feed" in found.error


def test_feed_links_types_and_schemes() -> None:
    page = b"""<html><head>
    <link rel="alternate" type="application/rss+xml" href="/rss">
    <link rel="alternate" type="application/feed+json" href="https://example.org/feed.json">
    <link rel="alternate" type="text/html" href="/other">
    <link rel="alternate" type="application/atom+xml" href="javascript:alert(1)">
    </head></html>"""
    assert feed_links(page, "https://example.org/blog/") == ["https://example.org/rss", "https://example.org/feed.json"]
