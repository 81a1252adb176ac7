"""``reader export --markdown DIR`` after a real fetch from 127.0.0.1: every item as its Markdown file, one folder a feed."""

from __future__ import annotations

import json
from pathlib import Path

import frontmatter
import pytest
from pytest_httpserver import HTTPServer

from reader import fulltext
from reader.cli import main
from reader.library import Library, ReaderError
from reader.store.items import Items

ITEM = (
    "<item><guid>{feed}-{n}</guid><title>{title} {n}</title><link>http://example.org/{feed}/{n}</link>"
    "<pubDate>Mon, 0{n} Sep 2025 10:00:00 GMT</pubDate><description>Summary {n} of Ташкент.</description></item>"
)


def rss(feed: str, title: str, count: int) -> str:
    items = "".join(ITEM.format(feed=feed, title=title, n=n) for n in range(1, count + 1))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>{items}</channel></rss>'


@pytest.fixture
def fetched(data_dir: Path, httpserver: HTTPServer) -> Path:
    """A data dir with two feeds fetched: «Вести: Азия» (3 items) and «Blog» (2)."""
    httpserver.expect_request("/asia.xml").respond_with_data(rss("asia", "Вести", 3), content_type="application/rss+xml")
    httpserver.expect_request("/blog.xml").respond_with_data(rss("blog", "Blog", 2), content_type="application/rss+xml")
    with Library(data_dir=data_dir) as library:
        library.add_feed(httpserver.url_for("/asia.xml"), name="Вести: Азия")
        library.add_feed(httpserver.url_for("/blog.xml"))
        assert library.fetch().new == 5
    return data_dir


def stored(data_dir: Path) -> dict[str, bytes]:
    """Every item items.db holds, as ``<id>.md`` -> its bytes."""
    items = Items.reader(data_dir / "items.db")
    try:
        return {f"{i}.md": items.data(i) or b"" for folder in items.folders() for i in items.ids(folder)}
    finally:
        items.close()


def exported(target: Path) -> dict[str, bytes]:
    return {f"{p.parent.name}/{p.name}": p.read_bytes() for p in target.rglob("*.md")}


def test_every_item_is_written_as_it_is_stored_one_folder_a_feed(fetched: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "export"
    assert main(["export", "--markdown", str(target)]) == 0
    assert capsys.readouterr().err.splitlines() == [f"reader: exported 5 items of 2 feeds to {target}"]
    files = exported(target)
    assert sorted({name.split("/")[0] for name in files}) == ["Blog", "Вести Азия"]
    assert {name.split("/")[1]: data for name, data in files.items()} == stored(fetched)
    post = frontmatter.loads(files[next(n for n in files if n.startswith("Вести"))].decode())
    assert post["source"] == "Вести: Азия" and post["title"].startswith("Вести ") and "Ташкент" in post.content


def test_a_kept_full_text_is_exported_as_the_body_the_reader_shows(fetched: Path, tmp_path: Path) -> None:
    with Library(data_dir=fetched) as library:
        article = next(r for r in library.list_rows() if r.source == "Blog")
        markdown = "The **whole** article, as the page had it."
        kept = fulltext.kept_text(
            article.id, article.title, article.date, article.source, fulltext.FullText(article.url, article.title, markdown)
        )
        items = Items.open(fetched / "items.db", lambda message: None)
        items.keep_full_text(article.id, fulltext.fetched_of(kept), kept)
        items.close()
        library.export_markdown(tmp_path / "export")
    post = frontmatter.load(next((tmp_path / "export").rglob(f"{article.id}.md")))
    assert post["full_text"] is True and post["id"] == article.id and post["title"] == article.title
    assert post.content == markdown


def test_a_folder_that_is_not_an_export_is_refused_and_left_as_it_was(
    fetched: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.md").write_text("my notes")
    assert main(["export", "--markdown", str(target)]) == 1
    assert (
        capsys.readouterr().err.strip() == f"reader: error: {target}: not empty and not an earlier export; export to a new or empty folder"
    )
    assert [p.name for p in target.iterdir()] == ["notes.md"]


def test_an_earlier_export_is_brought_up_to_date_and_only_its_own_files_are_touched(fetched: Path, tmp_path: Path) -> None:
    target = tmp_path / "export"
    with Library(data_dir=fetched) as library:
        library.export_markdown(target)
        (target / "Blog" / "mine.txt").write_text("a note of the user's")
        items = Items.open(fetched / "items.db", lambda message: None)
        with items.write() as tx:  # an item retention removed since
            tx.execute("DELETE FROM items WHERE id=(SELECT min(id) FROM items)")
        items.close()
        done = library.export_markdown(target)
    assert (done.items, done.feeds) == (4, 2)
    assert {name.split("/")[1] for name in exported(target)} == set(stored(fetched))
    assert (target / "Blog" / "mine.txt").read_text() == "a note of the user's"
    assert len(json.loads((target / ".reader-export.json").read_text())["files"]) == 4


def test_a_file_of_the_users_where_an_item_would_go_is_never_overwritten(fetched: Path, tmp_path: Path) -> None:
    target = tmp_path / "export"
    with Library(data_dir=fetched) as library:
        library.export_markdown(target)
        manifest = json.loads((target / ".reader-export.json").read_text())
        mine = target / manifest["files"][0]
        manifest["files"] = manifest["files"][1:]  # as if the user had put this file there
        (target / ".reader-export.json").write_text(json.dumps(manifest))
        mine.write_text("the user's own")
        with pytest.raises(ReaderError, match="exists and was not written by an export; nothing was written"):
            library.export_markdown(target)
    assert mine.read_text() == "the user's own"


def test_the_export_never_goes_into_the_data_dir(fetched: Path) -> None:
    with Library(data_dir=fetched) as library, pytest.raises(ReaderError, match="inside the data dir"):
        library.export_markdown(fetched / "export")
