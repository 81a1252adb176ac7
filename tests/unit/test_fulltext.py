"""Full text against a real HTTP server on 127.0.0.1 (pytest-httpserver):
fetch, extract, keep, index; every failure one line, never an exception."""

from __future__ import annotations

import gzip
import json
import socket
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from reader import cli, fulltext
from reader.library import Library
from reader.model import ReaderError
from reader.store.items import Items

PAGES = Path(__file__).parent.parent / "data" / "pages"
ARTICLE = (PAGES / "article.html").read_bytes()
PAYWALL = (PAGES / "paywall.html").read_bytes()
# Pages in scripts written without spaces between words: an article whose
# text has fewer than 40 space-separated "words", and a teaser in each.
UNSPACED = {
    "ja": ("article_ja.html", "サリアガシ駅での物流拠点", "アスタナ"),
    "zh": ("article_zh.html", "萨里阿加什车站建设物流枢纽", "阿斯塔纳"),
    "th": ("article_th.html", "ศูนย์ความร่วมมือชายแดน", "นายซุลตานอฟกล่าว"),
}


def serve(httpserver: HTTPServer, path: str, body: bytes, content_type: str = "text/html; charset=utf-8", **headers: str) -> str:
    httpserver.expect_request(path).respond_with_data(body, content_type=content_type, headers=headers)
    return httpserver.url_for(path)


def test_full_text_is_the_article_without_the_page_around_it(httpserver: HTTPServer):
    url = serve(httpserver, "/economy/78-projects", ARTICLE)
    got = fulltext.full_text(url)
    assert isinstance(got, fulltext.FullText), got
    assert got.title == "Узбекистан и Казахстан запустят 78 совместных проектов"
    assert "**$1,8 млрд**" in got.markdown
    assert "## Товарооборот растёт третий год подряд" in got.markdown
    assert "[сайте правительства](https://gov.example.kz/news/commission)" in got.markdown
    for boilerplate in ("Подписка", "Читайте также", "Отличная новость", "Все права защищены", "dataLayer"):
        assert boilerplate not in got.markdown
    assert not got.markdown.startswith("#"), "the title is not repeated above the text"


@pytest.mark.parametrize("lang", sorted(UNSPACED))
def test_an_article_in_a_script_without_spaces_is_text_enough(httpserver: HTTPServer, lang: str):
    page, inside, later = UNSPACED[lang]
    got = fulltext.full_text(serve(httpserver, f"/{lang}", (PAGES / page).read_bytes()))
    assert isinstance(got, fulltext.FullText), got
    assert len(got.markdown.split()) < fulltext.MIN_WORDS, "the page is one a count of words between spaces refused"
    assert inside in got.markdown and later in got.markdown
    assert "dataLayer" not in got.markdown


@pytest.mark.parametrize("page", ["paywall_ja.html", "paywall_th.html"])
def test_a_teaser_in_a_script_without_spaces_is_still_a_teaser(httpserver: HTTPServer, page: str):
    got = fulltext.full_text(serve(httpserver, "/teaser", (PAGES / page).read_bytes()))
    assert isinstance(got, fulltext.Failure) and "no article text on the page" in got.message


def test_the_request_says_who_asks_and_accepts_compression(httpserver: HTTPServer):
    seen: list[Request] = []

    def handler(request: Request) -> Response:
        seen.append(request)
        return Response(gzip.compress(ARTICLE), content_type="text/html; charset=utf-8", headers={"Content-Encoding": "gzip"})

    httpserver.expect_request("/gz").respond_with_handler(handler)
    got = fulltext.full_text(httpserver.url_for("/gz"))
    assert isinstance(got, fulltext.FullText)
    assert seen[0].headers["User-Agent"].startswith("reader/")
    assert "gzip" in seen[0].headers["Accept-Encoding"]


@pytest.mark.parametrize(
    ("path", "body", "content_type", "status", "expected"),
    [
        ("/missing", b"<html><body>Not found</body></html>", "text/html", 404, "answered 404"),
        ("/paper.pdf", b"%PDF-1.4 ...", "application/pdf", 200, "not a web page (application/pdf)"),
        ("/paywall", PAYWALL, "text/html; charset=utf-8", 200, "no article text on the page"),
        ("/empty", b"", "text/html", 200, "no article text on the page"),
    ],
)
def test_failures_are_one_line(httpserver: HTTPServer, path, body, content_type, status, expected):
    httpserver.expect_request(path).respond_with_data(body, status=status, content_type=content_type)
    got = fulltext.full_text(httpserver.url_for(path))
    assert isinstance(got, fulltext.Failure)
    assert expected in got.message and "\n" not in got.message


def test_size_is_capped_after_decompression(httpserver: HTTPServer):
    bomb = gzip.compress(b"<html><body><p>" + b"a" * 5_000_000 + b"</p></body></html>")
    assert len(bomb) < 10_000
    httpserver.expect_request("/bomb").respond_with_data(bomb, content_type="text/html", headers={"Content-Encoding": "gzip"})
    got = fulltext.full_text(httpserver.url_for("/bomb"), max_bytes=1_000_000)
    assert isinstance(got, fulltext.Failure) and "too large" in got.message


def test_declared_size_over_the_cap_is_refused(httpserver: HTTPServer):
    serve(httpserver, "/big", ARTICLE)
    got = fulltext.full_text(httpserver.url_for("/big"), max_bytes=1000)
    assert isinstance(got, fulltext.Failure) and "too large" in got.message


def test_a_server_that_does_not_answer_times_out(httpserver: HTTPServer):
    def slow(request: Request) -> Response:
        time.sleep(1.5)
        return Response(ARTICLE, content_type="text/html")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    got = fulltext.full_text(httpserver.url_for("/slow"), timeout=0.3)
    assert isinstance(got, fulltext.Failure) and "no answer within" in got.message


@pytest.mark.parametrize("target", ["file:///etc/passwd", "javascript:alert(1)", "data:text/html,<p>x</p>", "ftp://127.0.0.1/x"])
def test_redirects_and_links_off_the_web_are_refused(httpserver: HTTPServer, target):
    httpserver.expect_request("/jump").respond_with_data("", status=302, headers={"Location": target})
    got = fulltext.full_text(httpserver.url_for("/jump"))
    assert isinstance(got, fulltext.Failure) and "refused" in got.message
    direct = fulltext.full_text(target)
    assert isinstance(direct, fulltext.Failure) and "only http and https" in direct.message


def test_offline_is_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    got = fulltext.full_text(f"http://127.0.0.1:{port}/gone")
    assert isinstance(got, fulltext.Failure) and "connection refused" in got.message
    got = fulltext.full_text("http://no-such-host.invalid/x")
    assert isinstance(got, fulltext.Failure) and "cannot reach" in got.message


def _library_with(tmp_path: Path, url: str) -> tuple[Path, Path]:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "a.md").write_text(
        f"---\nid: proj78\ntitle: Узбекистан и Казахстан запустят 78 совместных проектов\ndate: 2025-09-26\nsource: Вестник\nurl: {url}\n---\n\nКороткая заметка о **проектах**.\n",
        encoding="utf-8",
    )
    return folder, tmp_path / "data"


def test_library_keeps_indexes_and_shows_the_full_text(httpserver: HTTPServer, tmp_path: Path):
    url = serve(httpserver, "/a", ARTICLE)
    folder, data = _library_with(tmp_path, url)
    before = (folder / "a.md").read_bytes()
    with Library([folder], data) as library:
        library.refresh()
        article = library.find("proj78")
        assert article is not None and article.body == "Короткая заметка о проектах."
        assert not library.search("Сарыагаш").rowids
        got = library.full_text(article)
        assert not isinstance(got, fulltext.Failure), got
        assert "Сарыагаш" in got.body and library.has_full_text(got)
        kept = Items.reader(data / "items.db").full_text("proj78")
        assert kept is not None and b"full_text: true" in kept[1] and kept[0].startswith("20")
        assert library.find("proj78").body == got.body  # the index holds it
        assert len(library.search("Сарыагаш").rowids) == 1  # searchable
        formatting = library.formatting(got)
        assert formatting is not None
        assert [got.body[s:e] for s, e, n in formatting.spans if n == "strong"] == ["$1,8 млрд"]
        assert library.summary(got).body == "Короткая заметка о проектах."
    assert (folder / "a.md").read_bytes() == before, "the user's file is never written"
    # Rebuilt from the files and items.db, the index still has the full text.
    (data / "index.db").unlink()
    with Library([folder], data) as library:
        library.refresh()
        assert "Сарыагаш" in library.find("proj78").body


def test_library_leaves_the_summary_when_the_fetch_fails(httpserver: HTTPServer, tmp_path: Path):
    httpserver.expect_request("/a").respond_with_data("gone", status=404)
    folder, data = _library_with(tmp_path, httpserver.url_for("/a"))
    with Library([folder], data) as library:
        library.refresh()
        with pytest.raises(ReaderError, match="404"):
            library.full_text(library.find("proj78"))
        assert library.find("proj78").body == "Короткая заметка о проектах."
        assert Items.reader(data / "items.db").full_text("proj78") is None
        assert not (data / "fulltext").exists()


def test_cli_show_full_of_a_japanese_article(httpserver: HTTPServer, tmp_path: Path, capsys):
    url = serve(httpserver, "/a", (PAGES / "article_ja.html").read_bytes())
    folder, data = _library_with(tmp_path, url)
    assert cli.main(["show", "proj78", "--full", "--json", "--library", str(folder), "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert "サリアガシ駅での物流拠点" in shown["body"]


def test_cli_show_full(httpserver: HTTPServer, tmp_path: Path, capsys):
    url = serve(httpserver, "/a", ARTICLE)
    folder, data = _library_with(tmp_path, url)
    assert cli.main(["show", "proj78", "--full", "--json", "--library", str(folder), "--data-dir", str(data)]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert "Сарыагаш" in shown["body"] and "**" not in shown["body"]
    assert cli.main(["entities", "proj78", "--json", "--library", str(folder), "--data-dir", str(data)]) == 0
    entities = json.loads(capsys.readouterr().out)
    assert entities["entities"] and entities["figures"]
    for entity in entities["entities"]:  # offsets into the text as shown
        first = entity["mentions"][0]
        assert shown["body"][first[0] : first[1]] == entity["text"]
    for figure in entities["figures"]:
        assert shown["body"][figure["start"] : figure["end"]] == figure["text"]
    httpserver.clear()
    httpserver.expect_request("/a").respond_with_data("no", status=500)
    assert cli.main(["show", "proj78", "--full", "--library", str(folder), "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("reader: error: full text of proj78: the server answered 500") and "\n" not in err
