"""What a newcomer hit in a day on real feeds (issue 25, second round): a
file that is no list of feeds, a broken feed, the line on removing a feed
whose items are all bookmarked, the help, an entity met on one day. Real
HTTP on 127.0.0.1, the real command line."""

from __future__ import annotations

import array
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer

from reader import cli
from reader.feeds.opml import import_bytes
from reader.feeds.run import discover
from reader.library import Library
from reader.model import EntityPage

from .test_feed_removal import serve, subscribed

LICENCE = "MIT License\n\nCopyright (c) 2019 Someone\n\nPermission is hereby granted, free of charge\n"

# a real feed cut short by its server (feed-rs's rss_2.0_invalid_1.xml, shortened)
CUT_SHORT = b"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0">
<channel>
<title>Reuters: Most Read Articles</title>
<link>https://www.reuters.com</link>
<!--Property passed to loop is null--><!-- Exception rendering module on server  -->"""


def test_a_file_that_is_no_list_of_feeds_is_one_error_not_a_warning_a_line(
    tmp_path: Path, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    found = import_bytes(LICENCE.encode())
    assert found.feeds == () and found.error is not None and found.error.startswith("neither OPML nor a urls file")
    licence = tmp_path / "LICENSE"
    licence.write_text(LICENCE)
    assert cli.main(["feeds", "import", str(licence)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("reader: error: neither OPML nor a urls file: ") and "MIT License" in err


def test_a_urls_file_with_only_unusable_addresses_still_says_each() -> None:
    found = import_bytes(b"ftp://x.org/feed\nexec:~/bin/feed.sh\n")
    assert found.error is None and found.feeds == () and len(found.skipped) == 2


def test_a_feed_cut_short_says_what_is_wrong_with_it(httpserver: HTTPServer, capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    httpserver.expect_request("/cut.xml").respond_with_data(CUT_SHORT, content_type="application/rss+xml")
    httpserver.expect_request("/page.html").respond_with_data("<html><body>hello</body></html>", content_type="text/html")
    url = httpserver.url_for("/cut.xml")
    found = discover(url)
    assert found.url is None and found.error is not None and "not well-formed XML" in found.error and "links to no feed" not in found.error
    assert discover(httpserver.url_for("/page.html")).error == "not a feed, and the page links to no feed"
    assert cli.main(["feeds", "add", url]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"reader: error: {url}: not well-formed XML") and err.count("\n") == 1


def test_removing_a_feed_whose_items_are_all_bookmarked_says_they_stay(
    httpserver: HTTPServer, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        for id_ in subscribed(library, url).values():
            library.set_bookmark(id_, True).result()
    assert cli.main(["feeds", "remove", "Лента"]) == 0
    assert capsys.readouterr().err == f"reader: removed Лента ({url}); its 3 bookmarked items stay (reader bookmarks)\n"


def test_help_says_how_to_open_the_app_and_what_each_feeds_option_does(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    assert "`reader [PATH ...]` opens the app" in " ".join(capsys.readouterr().out.split())
    with pytest.raises(SystemExit):
        cli.main(["feeds", "--help"])
    told = " ".join(capsys.readouterr().out.split())
    assert "--name NAME add: the feed's name" in told and "--tag TAG add: a tag" in told and "--json list: as JSON" in told


def test_an_entity_met_on_one_day_says_on_that_day() -> None:
    def page(first: str, last: str) -> EntityPage:
        return EntityPage("БЕЛТА", "ORG", 'org:"БЕЛТА"', array.array("q", [1]), first, last, (), (), ())

    assert page("2025-09-29", "2025-09-29").span == "on 2025-09-29"
    assert page("2025-09-26", "2025-09-29").span == "2025-09-26 to 2025-09-29"


def test_empty_lists_say_so_and_how_to_fill_them(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    """A fresh install: `reader feeds list` and the like printed nothing at all."""
    said = {}
    for args in (["bookmarks"], ["feeds", "list"], ["searches", "list"], ["search", "жираф"]):
        assert cli.main(args) == 0
        out, err = capsys.readouterr()
        said[args[0]] = (out, err)
    assert said["bookmarks"] == ("", "reader: no bookmarks yet (b in the app, or reader bookmark add ID [--note TEXT])\n")
    assert said["feeds"] == ("", "reader: no feeds yet (reader feeds add URL, or reader feeds import FILE.opml|urls)\n")
    assert said["searches"] == ("", "reader: no saved searches yet (reader searches add NAME QUERY [--alert] [--mute])\n")
    assert said["search"] == ("", "reader: no article matches 'жираф'\n")
    assert cli.main(["feeds", "list", "--json"]) == 0 and capsys.readouterr() == ("[]\n", "")


def test_show_says_the_bookmark_and_its_note(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    assert cli.main(["show", "ea7f2758d4bd9c4b"]) == 0
    assert "★ bookmarked" not in capsys.readouterr().out
    assert cli.main(["bookmark", "add", "ea7f2758d4bd9c4b", "--note", "к отчёту"]) == 0
    assert cli.main(["show", "ea7f2758d4bd9c4b"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "★ bookmarked  ✎ к отчёту" in lines[:5]


def test_saved_searches_list_their_alert_and_mute_apart_from_the_counts(capsys: pytest.CaptureFixture[str], data_dir: Path) -> None:
    assert cli.main(["searches", "add", "uz", "Узбекистан", "--alert", "--mute"]) == 0
    assert cli.main(["searches", "add", "plain", "проект"]) == 0
    capsys.readouterr()
    assert cli.main(["searches", "list"]) == 0
    lines = sorted(capsys.readouterr().out.splitlines())
    assert lines[0].startswith("plain  проект  ") and lines[0].endswith(" unread")
    assert lines[1].startswith("uz  Узбекистан  ") and lines[1].endswith(" unread  (alert, muted)")


def test_a_file_that_cannot_be_written_is_said_as_a_person_says_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    """«[Errno 2] No such file or directory: '…'» was Python's wording."""
    for args, path in ((["bookmarks", "--export"], "x.md"), (["feeds", "export"], "x.opml")):
        target = tmp_path / "no such folder" / path
        assert cli.main([*args, str(target)]) == 1
        assert capsys.readouterr().err == f"reader: error: {target}: no such file or directory\n"


def test_searches_without_an_action_asks_only_for_the_action(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["searches"]) == 2
    assert capsys.readouterr().err.strip().endswith("the following arguments are required: action")


def test_list_cuts_a_long_source_with_an_ellipsis_and_search_skips_an_empty_snippet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\nid: 00000000000000a1\ntitle: Только заголовок\ndate: 2025-09-30\nsource: Новости Центральной Азии\n---\n", encoding="utf-8"
    )
    assert cli.main(["--library", str(folder), "list"]) == 0
    [line] = capsys.readouterr().out.splitlines()
    assert "  Новости Центральн…  Только заголовок" in line
    assert cli.main(["--library", str(folder), "search", "source:Новости"]) == 0
    assert capsys.readouterr().out.splitlines() == ["00000000000000a1  2025-09-30  Новости Центральной Азии  Только заголовок"]


def test_feeds_set_says_that_what_the_feed_still_lists_stays(
    httpserver: HTTPServer, data_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`feeds set NAME --max-items 2` on a feed listing 3 left 3, and nothing had said why."""
    url = serve(httpserver)
    with Library(data_dir=data_dir) as library:
        subscribed(library, url)
    assert cli.main(["feeds", "set", "Лента", "--max-items", "2"]) == 0
    assert capsys.readouterr().err == (
        "reader: Лента keeps at most 2 items; what the feed still lists and what is bookmarked always stay,"
        " the rest goes when the feed next changes\n"
    )
    assert cli.main(["fetch"]) == 0
    with Library(data_dir=data_dir) as library:
        [feed] = library.feeds()
        assert (feed.items, feed.max_items) == (3, 2)  # all three are still in the feed
    with pytest.raises(SystemExit):
        cli.main(["feeds", "--help"])
    assert "keep at most N items (what the feed still lists and bookmarked ones always stay)" in " ".join(capsys.readouterr().out.split())


def test_index_of_a_folder_with_no_article_says_so_and_counts_one_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], data_dir: Path
) -> None:
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    (feeds / "rss.xml").write_bytes(CUT_SHORT)
    assert cli.main(["index", str(feeds)]) == 0
    err = capsys.readouterr().err
    assert f"reader: no article in {feeds} (.md with front matter, or .txt); a feed is added with `reader feeds add URL`" in err
    one = tmp_path / "one"
    one.mkdir()
    (one / "a.md").write_text("---\ntitle: Одна\ndate: 2025-09-30\nsource: Я\n---\nТекст.\n", encoding="utf-8")
    assert cli.main(["index", str(one)]) == 0
    err = capsys.readouterr().err
    assert "1 file, 1 read, 0 removed, 1 article" in err and "no article in" not in err
