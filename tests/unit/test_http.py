"""The one HTTP client (reader.http) against real servers on 127.0.0.1: the
kind of each failure, the media types asked for, the deadline on the whole
fetch; what feeds and full text make of it is tested with them."""

from __future__ import annotations

import gzip
import socket
import time
import urllib.error
from collections.abc import Iterator

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader import http

HTML = b"<html><body><p>" + b"words " * 2000 + b"</p></body></html>"


def _get(url: str, **kwargs: object) -> http.Response:
    options: dict[str, object] = {"accept": "*/*", "timeout": 5.0, "max_bytes": 1_000_000} | kwargs
    return http.get(url, **options)  # type: ignore[arg-type]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_page_of_a_type_asked_for_is_read_with_its_type_and_charset(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/page").respond_with_data(
        gzip.compress(HTML), content_type="Text/HTML; charset=windows-1251", headers={"Content-Encoding": "gzip"}
    )
    got = _get(httpserver.url_for("/page"), types=("text/html",))
    assert (got.error, got.fault, got.status, got.body) == (None, None, 200, HTML)
    assert http.media_type(got.content_type) == "text/html" and http.charset(got.content_type) == "windows-1251"


def test_a_type_not_asked_for_is_refused_before_its_body_is_read(httpserver: HTTPServer) -> None:
    sent: list[int] = []

    def pdf(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(200):
                sent.append(1)
                yield b"%PDF" + b"x" * 65536

        return Response(body(), content_type="application/pdf")

    httpserver.expect_request("/paper.pdf").respond_with_handler(pdf)
    got = _get(httpserver.url_for("/paper.pdf"), types=("text/html", "application/xhtml+xml"))
    assert got.fault is http.Fault.TYPE and got.error == "a body of type application/pdf"
    assert got.body == b"" and http.media_type(got.content_type) == "application/pdf"
    assert len(sent) < 200, "the body was not read to its end"


def test_the_kind_of_each_failure_is_told(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/missing").respond_with_data(b"gone", status=404)
    httpserver.expect_request("/jump").respond_with_data(b"", status=302, headers={"Location": "file:///etc/passwd"})
    missing = _get(httpserver.url_for("/missing"))
    assert (missing.status, missing.fault, missing.error) == (404, http.Fault.STATUS, "HTTP 404 NOT FOUND")
    jump = _get(httpserver.url_for("/jump"))
    assert jump.fault is http.Fault.OTHER and jump.error == "refused: redirect to a file: URL"
    refused = _get(f"http://127.0.0.1:{_closed_port()}/x")
    assert (refused.fault, refused.error) == (http.Fault.REFUSED, "connection refused")
    scheme = _get("ftp://127.0.0.1/x")
    assert scheme.fault is http.Fault.OTHER and scheme.error is not None and "only http and https" in scheme.error


def test_a_body_that_trickles_in_stops_at_the_deadline_of_the_whole_fetch(httpserver: HTTPServer) -> None:
    def trickle(request: Request) -> Response:
        def body() -> Iterator[bytes]:
            for _ in range(100):  # every wait well within the timeout, the whole far beyond the deadline
                time.sleep(0.05)
                yield b"<p>more</p>" * 10

        return Response(body(), content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(trickle)
    got = _get(httpserver.url_for("/slow"), timeout=1.0, total=0.6)
    assert (got.fault, got.error, got.body) == (http.Fault.TIMEOUT, "timed out after 0.6 s", b"")


def test_network_failures_are_named() -> None:
    # No real lookup: this machine's resolver is not on 127.0.0.1, and tests
    # send traffic nowhere else. The error a failed lookup raises is mapped.
    error = urllib.error.URLError(socket.gaierror(-2, "Name or service not known"))
    assert http.describe(error, 5) == ("host not found (DNS): Name or service not known", http.Fault.NO_HOST)
    assert http.describe(urllib.error.URLError(ConnectionRefusedError(111, "Connection refused")), 5) == (
        "connection refused",
        http.Fault.REFUSED,
    )
    assert http.describe(TimeoutError("timed out"), 2.5) == ("timed out after 2.5 s", http.Fault.TIMEOUT)


def test_media_type_and_charset_of_a_header() -> None:
    assert http.media_type(' application/XHTML+xml ; charset="UTF-8"') == "application/xhtml+xml"
    assert http.media_type("") == http.media_type("nonsense") == ""
    assert http.charset('text/html; Charset="UTF-8"') == "UTF-8"
    assert http.charset("text/html") is None and http.charset("text/html; charset=") is None
