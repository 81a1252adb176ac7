"""A large fetch stores each feed's answer in a worker process and hands the
files it wrote, already read, to the index (issue 12): what the index gets
that way is what reading the files gives, and a file changed since is read
again."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from reader.feeds.fetch import Response
from reader.feeds.run import Feed
from reader.feeds.write import feed_folder
from reader.indexing import prepare, store_and_read
from reader.library import Library

from .test_subscriptions import ITEM, rss

URL = "http://127.0.0.1:9/feed.xml"


def answer() -> Response:
    body = rss(
        ITEM.format(guid="a", title="Ташкент и Алматы", date="Mon, 22 Sep 2025 10:00:00 GMT", body="Соглашение о поставках."),
        ITEM.format(guid="b", title="Бишкек", date="Tue, 23 Sep 2025 10:00:00 GMT", body="Новый мост."),
    )
    return Response(URL, 200, body.encode(), "application/rss+xml", '"e1"', None, None, None)


def subscribed(library: Library) -> Feed:
    library.import_feeds(f'{URL} "Азия"\n'.encode())
    return Feed(URL, URL, "Вести", ("Азия",), feed_folder(library.data_dir / "feeds", URL))


def test_a_stored_answer_comes_back_with_each_file_read_as_the_index_reads_it(data_dir: Path) -> None:
    with Library(data_dir=data_dir) as library:
        feed = subscribed(library)
        result, rows = store_and_read(feed, answer(), frozenset(), str(data_dir))
    assert (result.new, result.error, len(result.written)) == (2, None, 2)
    assert sorted(path for path, _, _ in rows) == sorted(result.written)
    for path, (size, mtime_ns), read in rows:
        found = os.stat(path)
        assert (size, mtime_ns) == (found.st_size, found.st_mtime_ns)
        assert read == prepare(path, None, str(data_dir))
        assert read[1] is not None and read[1].article.source == "Вести"


def test_the_index_takes_what_was_read_while_the_file_is_unchanged_and_reads_a_changed_one(data_dir: Path) -> None:
    with Library(data_dir=data_dir) as library:
        feed = subscribed(library)
        _, rows = store_and_read(feed, answer(), frozenset(), str(data_dir))
        prepared = {}
        for path, known, (_, indexed, digest, note) in rows:
            assert indexed is not None
            # Marked, so that the test sees which of the two the index took.
            marked = dataclasses.replace(indexed, article=dataclasses.replace(indexed.article, title="read by the worker"))
            prepared[path] = (known, (path, marked, digest, note))
        changed = sorted(prepared)[0]
        text = Path(changed).read_text(encoding="utf-8")
        Path(changed).write_text(text.replace('title: "', 'title: "Изменено: ', 1), encoding="utf-8")
        library.refresh(roots=[str(feed.folder)], prepared=prepared)
        titles = {row.title for row in library.list_rows()}
    assert len(titles) == 2 and "read by the worker" in titles
    assert any(title.startswith("Изменено: ") for title in titles)
