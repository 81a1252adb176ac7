"""A quiet fetch (issue 25): routine notes on other people's items (no date,
a body cut) are kept with the feed and told as how many, one line a kind;
each with --verbose. A feed that fails still says so. Real server on 127.0.0.1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader import cli
from reader.library import Library
from reader.model import summarise

UNDATED = (
    "<item><guid>{n}</guid><title>Страница {n}</title><link>http://example.org/{n}</link>{date}<description>Текст {n}.</description></item>"
)
ZERO = "<pubDate>Mon, 01 Jan 0001 00:00:00 +0000</pubDate>"  # Hugo's date of a page with none
DATED = "<pubDate>Mon, 22 Sep 2025 10:00:00 GMT</pubDate>"


def rss(items: list[str]) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Блог</title><link>http://example.org/</link>{"".join(items)}</channel></rss>'


@pytest.fixture
def feed(httpserver: HTTPServer) -> str:
    items = [UNDATED.format(n=n, date=ZERO if n % 2 else "") for n in range(1, 6)] + [UNDATED.format(n=9, date=DATED)]
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    httpserver.expect_request("/dead.xml").respond_with_data("down", status=500)
    return httpserver.url_for("/feed.xml")


def test_summary_lines_say_how_many_of_each_kind() -> None:
    assert summarise(["no date; the time it was first seen is used"] * 36) == [
        "36 items had no date; the time they were first seen is used"
    ]
    assert summarise({"no date; the time it was first seen is used": 1, "body cut": 2}) == [
        "2 items: body cut",
        "1 item had no date; the time it was first seen is used",
    ]
    assert summarise([]) == []


def test_undated_items_are_notes_kept_with_the_feed(feed: str, data_dir: Path) -> None:
    with Library(data_dir=data_dir) as library:
        library.add_feed(feed)
        report = library.fetch()
        assert report.new == 6 and not report.warnings
        assert sorted(str(n) for n in report.notes) == [
            f"Блог: «Страница {n}»: no date; the time it was first seen is used" for n in range(1, 6)
        ]
        [info] = library.feeds()
        assert info.warnings == ("5 items had no date; the time they were first seen is used",)
        [source] = library.sources()
        assert source.warnings == info.warnings
        assert "warnings" not in source.as_json()  # `sources list --json` keeps its shape
        dates = {r.title: r.date for r in library.list_rows()}
        assert dates["Страница 1"] == dates["Страница 2"] != "0001-01-01"  # the time they were first seen, not year 1


def test_cli_fetch_says_how_many_and_verbose_says_which(
    feed: str, data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.main(["feeds", "add", feed]) == 0
    (tmp_path / "urls").write_text(feed.replace("feed.xml", "dead.xml") + "\n", encoding="utf-8")
    assert cli.main(["feeds", "import", str(tmp_path / "urls")]) == 0
    capsys.readouterr()
    assert cli.main(["fetch"]) == 0
    err = capsys.readouterr().err
    assert "reader: 5 items had no date; the time they were first seen is used" in err
    assert "Страница" not in err and "first seen is used\n" in err
    assert "reader: warning: http://localhost:" in err and "dead.xml: HTTP 500" in err  # a feed that fails still says so
    listed = {f["url"]: f for f in _json(capsys, ["feeds", "list", "--json"])}
    assert listed[feed]["warnings"] == ["5 items had no date; the time they were first seen is used"]
    assert {"name", "url", "tags", "last_fetch", "status", "error", "items", "unread"} <= set(listed[feed])
    assert cli.main(["feeds", "list"]) == 0
    assert "(5 items had no date; the time they were first seen is used)" in capsys.readouterr().out
    assert cli.main(["index", "--verbose"]) == 0
    err = capsys.readouterr().err
    assert err.count("no date; the time it was first seen is used") == 5 and "Блог: «Страница 1»" in err


def test_cli_fetch_verbose_lists_each_item(feed: str, data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["feeds", "add", feed]) == 0
    capsys.readouterr()
    assert cli.main(["fetch", "--verbose"]) == 0
    err = capsys.readouterr().err
    assert sorted(line for line in err.splitlines() if "Страница" in line) == [
        f"reader: Блог: «Страница {n}»: no date; the time it was first seen is used" for n in range(1, 6)
    ]


def _json(capsys: pytest.CaptureFixture[str], args: list[str]) -> list[dict[str, object]]:
    assert cli.main(args) == 0
    return list(json.loads(capsys.readouterr().out))
