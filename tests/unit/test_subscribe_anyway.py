"""Subscribing to a feed that is down (issue 25): `reader feeds add` of a
feed answering 500 or 404, or not answering, exits 1, subscribes nothing
and says that --anyway would; with --anyway it subscribes. Real server on 127.0.0.1."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader import cli
from reader.library import Library
from reader.model import FeedUnavailable, ReaderError


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def down(httpserver: HTTPServer) -> dict[str, str]:
    httpserver.expect_request("/500.xml").respond_with_data("oops", status=500)
    httpserver.expect_request("/404.xml").respond_with_data("gone", status=404)
    return {
        "500": httpserver.url_for("/500.xml"),
        "404": httpserver.url_for("/404.xml"),
        "connection refused": f"http://127.0.0.1:{_closed_port()}/feed.xml",
    }


@pytest.mark.parametrize("failure", ["500", "404", "connection refused"])
def test_a_feed_that_is_down_is_refused_with_a_word_on_anyway(
    down: dict[str, str], failure: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = down[failure]
    assert cli.main(["feeds", "add", url]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"reader: error: {url}: ") and failure in err and "\n" not in err
    assert err.endswith("(--anyway subscribes all the same)")
    with Library(data_dir=data_dir) as library:
        assert library.feeds() == []


@pytest.mark.parametrize("failure", ["500", "404", "connection refused"])
def test_anyway_subscribes_and_the_fetch_says_how_it_fares(
    down: dict[str, str], failure: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = down[failure]
    assert cli.main(["feeds", "add", url, "--anyway", "--name", "Позже", "--tag", "x"]) == 0
    err = capsys.readouterr().err
    assert f"subscribed to {url} all the same (" in err and failure in err
    assert cli.main(["fetch"]) == 1  # every feed asked for failed
    with Library(data_dir=data_dir) as library:
        [feed] = library.feeds()
        assert (feed.name, feed.url, feed.tags) == ("Позже", url, ("x",))
        assert feed.error and failure.split()[0] in feed.error


def test_anyway_takes_only_web_addresses(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for given in ("ftp://example.org/feed", "file:///etc/passwd", "example.org/feed", "http://"):
        assert cli.main(["feeds", "add", given, "--anyway"]) == 1
        err = capsys.readouterr().err
        assert "not a web address" in err and "--anyway" not in err
    with Library(data_dir=data_dir) as library:
        assert library.feeds() == []


def test_the_library_says_unavailable_and_subscribes_on_request(down: dict[str, str], data_dir: Path) -> None:
    with Library(data_dir=data_dir) as library:
        with pytest.raises(FeedUnavailable, match="500"):
            library.add_feed(down["500"])
        with pytest.raises(ReaderError, match="not a web address"):
            library.subscribe("javascript:alert(1)")
        assert library.subscribe(down["500"]) == (True, down["500"])
        assert library.subscribe(down["500"]) == (False, down["500"])
        [feed] = library.feeds()
        assert feed.name in ("localhost/500.xml", "127.0.0.1/500.xml")  # its host and path until it is fetched


@pytest.mark.parametrize(
    ("given", "said"),
    [
        ("0", "0 is less than 1 (none: no limit)"),
        ("-5", "-5 is less than 1 (none: no limit)"),
        ("ten", "'ten' is not a whole number (or none)"),
    ],
)
def test_a_retention_of_nothing_is_refused_before_anything_is_subscribed(
    given: str, said: str, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/feed.xml"
    for option in ("--max-items", "--keep-days"):
        assert cli.main(["feeds", "add", url, "--anyway", f"{option}={given}"]) == 2
        assert capsys.readouterr().err.strip() == f"reader: error: argument {option}: {said}"
    with Library(data_dir=data_dir) as library:
        assert library.feeds() == []
