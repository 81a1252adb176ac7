"""Feeds through the library facade and the CLI (issue 12): subscribe,
fetch, read, search, bookmark, against a real server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader.library import Library

ITEM = """<item><guid>{guid}</guid><title>{title}</title><link>http://example.org/{guid}</link>
<pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p><script>alert(1)</script>]]></description></item>"""


def rss(*items: str, title: str = "Вести Азии") -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title><link>http://example.org/</link>{"".join(items)}</channel></rss>'


class Site:
    """A feed whose content the test changes, served with an ETag."""

    def __init__(self, server: HTTPServer) -> None:
        self.server = server
        self.body = rss()
        self.conditional: list[bool] = []
        server.expect_request("/feed.xml").respond_with_handler(self.feed)
        server.expect_request("/page.html").respond_with_data(
            '<html><head><link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body>hi</body></html>',
            content_type="text/html",
        )
        server.expect_request("/gone.xml").respond_with_data("no", status=404)

    def feed(self, request: Request) -> Response:
        etag = f'"{hash(self.body) & 0xFFFFFFFF:x}"'
        self.conditional.append(request.headers.get("If-None-Match") == etag)
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(self.body, content_type="application/rss+xml", headers={"ETag": etag})


def test_subscribe_fetch_search_and_bookmark(httpserver: HTTPServer, data_dir: Path) -> None:
    site = Site(httpserver)
    site.body = rss(
        ITEM.format(guid="a", title="Ташкент и Алматы", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Соглашение о поставках на $1,8 млрд."),
        ITEM.format(guid="b", title="Бишкек", date="Tue, 23 Sep 2025 10:00:00 GMT", body="Новый мост."),
    )
    with Library(data_dir=data_dir) as library:
        new, url = library.add_feed(httpserver.url_for("/page.html"), tags=["Азия"], max_items=2)
        assert new and url == httpserver.url_for("/feed.xml")
        assert library.add_feed(url)[0] is False
        report = library.fetch()
        assert (report.feeds, report.ok, report.new, report.failed) == (1, 1, 2, 0)
        rows = library.list_rows()
        assert [(r.title, r.source) for r in rows] == [("Бишкек", "Вести Азии"), ("Ташкент и Алматы", "Вести Азии")]
        found = library.search("Ташкенте")
        [hit] = [library.article(r) for r in found.rowids]
        assert hit is not None and "alert" not in hit.body and "<p>" not in hit.body and "$1,8 млрд" in hit.body
        assert hit.tags == ("Азия",)
        assert library.search('in:"вести азии" мост').rowids
        library.set_bookmark(hit.id, True, note="важно").result()

        # a refetch of the unchanged feed is conditional and costs nothing
        again = library.fetch()
        assert (again.not_modified, again.new, again.updated) == (1, 0, 0)
        assert site.conditional[-1] is True

        # the item changes, a new one arrives: the bookmarked one keeps its id and survives retention (max 2)
        site.body = rss(
            ITEM.format(guid="c", title="Душанбе", date="Wed, 24 Sep 2025 10:00:00 GMT", body="Третья."),
            ITEM.format(guid="b", title="Бишкек", date="Tue, 23 Sep 2025 10:00:00 GMT", body="Новый мост."),
            ITEM.format(guid="a", title="Ташкент и Алматы", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Соглашение на $2 млрд."),
        )
        third = library.fetch()
        assert (third.new, third.updated) == (1, 1)
        updated = library.find(hit.id)
        assert updated is not None and "$2 млрд" in updated.body
        [mark] = library.bookmarks()
        assert (mark.id, mark.note, mark.missing) == (hit.id, "важно", False)
        [info] = library.feeds()
        assert (info.name, info.url, info.tags, info.status, info.error) == ("Вести Азии", url, ("Азия",), 200, None)
    (data_dir / "index.db").unlink()  # the index is rebuilt from the files under the data dir
    with Library(data_dir=data_dir) as library:
        library.refresh()
        assert {r.title for r in library.list_rows()} >= {"Ташкент и Алматы", "Душанбе"}
        [mark] = library.bookmarks()
        assert not mark.missing


def test_a_note_about_a_fetched_item_names_its_feed_and_title(httpserver: HTTPServer, data_dir: Path) -> None:
    site = Site(httpserver)
    site.body = rss(ITEM.format(guid="long", title="Длинная", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Слово. " * 50_000))
    with Library(data_dir=data_dir) as library:
        library.add_feed(httpserver.url_for("/feed.xml"))
        report = library.fetch()
    assert not report.warnings  # a fact about someone else's feed, not a problem to act on
    [warning] = [str(w) for w in report.notes]
    assert warning.startswith("Вести Азии: «Длинная»: body cut to its first") and ".md" not in warning


def test_a_failing_feed_is_recorded_and_stops_nothing(httpserver: HTTPServer, data_dir: Path) -> None:
    site = Site(httpserver)
    site.body = rss(ITEM.format(guid="a", title="Одна", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Текст."))
    with Library(data_dir=data_dir) as library:
        library.add_feed(httpserver.url_for("/feed.xml"), name="Хорошая")
        imported = library.import_feeds(f'{httpserver.url_for("/gone.xml")} "~Плохая" мусор\nquery:x:y\n'.encode())
        assert (imported.added, imported.known, len(imported.skipped)) == (1, 0, 1)
        report = library.fetch()
        assert (report.feeds, report.ok, report.failed) == (2, 1, 1)
        [error] = report.errors
        assert error["url"] == httpserver.url_for("/gone.xml") and "404" in error["error"]
        feeds = {f.name: f for f in library.feeds()}
        assert feeds["Плохая"].status == 404 and feeds["Плохая"].error and feeds["Плохая"].tags == ("мусор",)
        assert feeds["Хорошая"].error is None and feeds["Хорошая"].items == 1
        [bad] = [s for s in library.sources() if s.name == "Плохая"]
        assert bad.kind == "feed" and "404" in (bad.error or "")
        only = library.fetch(["Хорошая"])
        assert only.feeds == 1


def test_cli_feeds_round_trip(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    title_only = "<item><guid>t</guid><title>Только заголовок</title><link>http://example.org/t</link></item>"
    Site(httpserver).body = rss(ITEM.format(guid="a", title="Одна", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Текст."), title_only)
    httpserver.expect_request("/gone.xml").respond_with_data("gone", status=404)

    def reader(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reader", *args, "--data-dir", str(data_dir)], capture_output=True, text=True, timeout=120
        )

    assert reader("feeds", "add", httpserver.url_for("/feed.xml"), "--name", "Лента", "--tag", "a/b").returncode == 0
    fetched = reader("fetch", "--json")
    assert fetched.returncode == 0, fetched.stderr
    assert json.loads(fetched.stdout) == {
        "feeds": 1,
        "ok": 1,
        "not_modified": 0,
        "failed": 0,
        "new": 2,
        "updated": 0,
        "errors": [],
        "alerts": [],
    }
    assert "warning" not in fetched.stderr  # a title and a link is a whole feed item
    [listed] = json.loads(reader("feeds", "list", "--json").stdout)
    assert set(listed) == {
        *("name", "url", "tags", "last_fetch", "status", "error", "items", "unread", "warnings"),
        *("max_items", "keep_days", "full_text"),  # how it is subscribed
    }
    assert (listed["name"], listed["tags"], listed["items"], listed["unread"]) == ("Лента", ["a/b"], 2, 2)
    urls = tmp_path / "urls"
    urls.write_text(f'{httpserver.url_for("/gone.xml")} "~Пропавшая"\n', encoding="utf-8")
    assert reader("feeds", "import", str(urls)).returncode == 0
    gone = reader("fetch", "Пропавшая")  # every feed asked for failed: cron can tell
    assert gone.returncode == 1 and "404" in gone.stderr and "1 failed" in gone.stderr
    assert reader("fetch").returncode == 0  # one of two failed: that is news, not a failure
    assert reader("feeds", "remove", "Пропавшая").returncode == 0
    exported = tmp_path / "subs.opml"
    assert reader("feeds", "export", str(exported)).returncode == 0
    fresh = tmp_path / "fresh"
    done = subprocess.run(
        [sys.executable, "-m", "reader", "feeds", "import", str(exported), "--data-dir", str(fresh)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "1 new feed," in done.stderr
    again = json.loads(
        subprocess.run(
            [sys.executable, "-m", "reader", "feeds", "list", "--json", "--data-dir", str(fresh)], capture_output=True, text=True
        ).stdout
    )
    assert [(f["name"], f["url"], f["tags"]) for f in again] == [("Лента", listed["url"], ["a/b"])]
    assert "Одна" in reader("list").stdout
    assert reader("feeds", "remove", "Лента").returncode == 0
    assert json.loads(reader("feeds", "list", "--json").stdout) == []
    again = reader("feeds", "remove", "Лента")
    assert again.returncode == 1 and "no feed 'Лента' (reader feeds list)" in again.stderr
    notes = tmp_path / "notes"
    notes.mkdir()
    assert reader("sources", "add", str(notes)).returncode == 0
    assert reader("feeds", "remove", "notes").returncode == 1  # a folder is not unsubscribed from
    assert "notes" in reader("sources", "list").stdout


def test_a_feed_can_ask_for_the_full_text_of_every_new_item(httpserver: HTTPServer, data_dir: Path) -> None:
    page = (Path(__file__).parent.parent / "data" / "pages" / "article.html").read_bytes()
    httpserver.expect_request("/story").respond_with_data(page, content_type="text/html; charset=utf-8")
    httpserver.expect_request("/missing").respond_with_data("gone", status=404)
    items = "".join(
        f"<item><guid>{g}</guid><title>{t}</title><link>{httpserver.url_for(path)}</link>"
        f"<pubDate>Mon, 22 Sep 2025 10:00:00 GMT</pubDate><description>Коротко.</description></item>"
        for g, t, path in (("s", "Полная", "/story"), ("m", "Пропавшая", "/missing"))
    )
    httpserver.expect_request("/feed.xml").respond_with_data(rss(items), content_type="application/rss+xml")
    with Library(data_dir=data_dir) as library:
        library.add_feed(httpserver.url_for("/feed.xml"), full_text=True)
        report = library.fetch()
        assert report.new == 2
        bodies = {r.title: library.find(r.id).body for r in library.list_rows()}  # type: ignore[union-attr]
        assert "Коротко." not in bodies["Полная"] and len(bodies["Полная"]) > 500  # the page's article, indexed
        assert bodies["Пропавшая"] == "Коротко."  # the summary stays
        assert any("404" in w.message and "summary stays" in w.message for w in report.warnings)


def test_a_feed_moved_for_good_onto_another_subscription_is_not_stored_twice(httpserver: HTTPServer, data_dir: Path) -> None:
    """From a trial: a 301 onto a URL already subscribed made two feeds of
    one URL, every item listed twice. And a failed feed is reported by the
    URL ``feeds list`` shows, not where its redirects led."""
    body = rss(ITEM.format(guid="a", title="Одна", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Текст."))
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    httpserver.expect_request("/old.xml").respond_with_data("", status=301, headers={"Location": httpserver.url_for("/feed.xml")})
    httpserver.expect_request("/loop-a.xml").respond_with_data("", status=302, headers={"Location": httpserver.url_for("/loop-b.xml")})
    httpserver.expect_request("/loop-b.xml").respond_with_data("", status=302, headers={"Location": httpserver.url_for("/loop-a.xml")})
    urls = [httpserver.url_for(p) for p in ("/feed.xml", "/old.xml", "/loop-a.xml")]
    with Library(data_dir=data_dir) as library:
        library.import_feeds(f'{urls[0]} "~Лента"\n{urls[1]} "~Старая"\n{urls[2]} "~Петля"\n'.encode())
        report = library.fetch()
        assert (report.ok, report.failed, report.new) == (1, 2, 1)
        errors = {e["url"]: e["error"] for e in report.errors}
        assert set(errors) == {urls[1], urls[2]}
        assert errors[urls[1]].startswith(f"moved for good to {urls[0]}, which is subscribed to already as «Лента»")
        assert "redirect loop" in errors[urls[2]]
        assert [r.title for r in library.list_rows()] == ["Одна"]
        assert {f.name: f.url for f in library.feeds()}["Старая"] == urls[1]


def test_two_feeds_moved_for_good_onto_one_url_and_one_subscribed_where_another_moved(httpserver: HTTPServer, data_dir: Path) -> None:
    """From a review: two feeds moving to one new URL in one fetch were both
    stored, and a feed added at the URL another had moved to was a second
    subscription to it."""
    body = rss(ITEM.format(guid="a", title="Одна", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Текст."))
    httpserver.expect_request("/feed.xml").respond_with_data(body, content_type="application/rss+xml")
    for old in ("/old1.xml", "/old2.xml"):
        httpserver.expect_request(old).respond_with_data("", status=301, headers={"Location": httpserver.url_for("/feed.xml")})
    with Library(data_dir=data_dir) as library:
        library.import_feeds(f'{httpserver.url_for("/old1.xml")} "~Первая"\n{httpserver.url_for("/old2.xml")} "~Вторая"\n'.encode())
        report = library.fetch(concurrency=1)
        assert (report.ok, report.failed) == (1, 1), report.errors
        [error] = report.errors
        assert error["url"] == httpserver.url_for("/old2.xml") and "subscribed to already as «Первая»" in error["error"]
        assert [r.title for r in library.list_rows()] == ["Одна"]
        again = library.import_feeds(f"{httpserver.url_for('/feed.xml')}\n".encode())
        assert (again.added, again.known) == (0, 1)  # «Первая» is there now
