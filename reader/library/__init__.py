"""The one facade the CLI and the UI call: a thin :class:`Library` that
delegates each call to the room whose one job it is.

- ``session``: the databases, the writer thread, the log
- ``sources``: folders and feeds, subscribing and leaving
- ``refresh``: the sources' files into the index
- ``fetch``: the fetch path, one named object (fetch -> store -> index -> report)
- ``articles``: rows, articles, search, full text
- ``marks``: bookmarks, notes, read state
- ``extraction``: entities and figures, here or in the background
- ``entities``: entity pages and trends, from the index
- ``follow``: saved searches, their counts, mute and alerts
- ``stories``: one event from many sources as one story
- ``export``: fetched items written out as Markdown files
"""

from __future__ import annotations

import datetime as dt
from array import array
from collections.abc import Iterable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Unpack

from reader import alerts, browser, reading
from reader.background import SINGLE_THREADED, BackgroundExtraction
from reader.library import stories as story_room
from reader.library.articles import Articles
from reader.library.entities import FLOOR as TREND_FLOOR
from reader.library.entities import Entities
from reader.library.extraction import Extractor
from reader.library.follow import Follow, muted_queries
from reader.library.marks import Marks
from reader.library.refresh import Progress, Refresher, RefreshOptions
from reader.library.session import FULL, Session, default_data_dir
from reader.library.sources import FeedSettings, RetentionSettings, Sources
from reader.model import (
    Alert,
    Article,
    Bookmark,
    EntityPage,
    Exported,
    Extraction,
    FeedInfo,
    FetchReport,
    Found,
    Imported,
    ListRow,
    ReaderError,
    RefreshReport,
    Removed,
    Rendered,
    SavedSearch,
    SearchHit,
    Snippet,
    Source,
    Story,
    Trend,
    Warning_,
)
from reader.store import Index, State, StoreError, now
from reader.text import extract

__all__ = ["SINGLE_THREADED", "TREND_FLOOR", "Library", "ReaderError", "StoreError", "default_data_dir"]


class Library:
    """The articles of every source (or of ``paths`` alone), the user's
    state, and the work on them."""

    def __init__(self, paths: Sequence[Path] | None = None, data_dir: Path | None = None) -> None:
        self.paths = [Path(p).absolute() for p in paths] if paths else None
        self.session = Session((data_dir or default_data_dir()).absolute())
        self._sources = Sources(self.session, self.paths)
        self._refresher = Refresher(self.session, self._sources)
        self._marks = Marks(self.session, self._sources.scope, self._sources.feed_folders)
        self._extractor = Extractor(self.session)
        self._articles: Articles  # its searcher needs the open databases
        self._entities: Entities
        self._follow: Follow
        self._folding: story_room.Folding

    # -- opening ------------------------------------------------------------

    def open(self) -> Library:
        self.session.open()
        self._read_rooms()
        return self

    def _read_rooms(self) -> None:
        """The rooms that read through the session's connections (made again
        when those change: a data dir read into memory)."""
        self._articles = Articles(self.session, self._sources, lambda: muted_queries(self.session))
        self._follow = Follow(self.session, self._articles, self._extractor)
        self._folding = story_room.Folding(self.session.index)
        self._entities = Entities(self.session.queries, self._articles.searcher)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> Library:
        return self.open()

    def __exit__(self, *_: object) -> None:
        self.close()

    @property
    def data_dir(self) -> Path:
        return self.session.data_dir

    @property
    def readonly(self) -> bool:
        return self.session.readonly

    @property
    def warnings(self) -> list[str]:
        return self.session.warnings

    @property
    def said(self) -> list[str]:
        """What opening the data dir did that the user should know of (a data dir of an older version moved in)."""
        return self.session.said

    @property
    def index(self) -> Index:
        return self.session.index

    @property
    def state(self) -> State:
        return self.session.state

    @property
    def log_path(self) -> Path:
        return self.session.log_path

    def log(self, text: str) -> Path:
        """Add an entry (a traceback, say) to the log in the data dir."""
        return self.session.log(text)

    def flush(self) -> None:
        """Wait until every change asked for so far is written."""
        self.session.flush()

    def generation(self) -> int:
        """Changes whenever anybody (this process or another) changes the index."""
        return self.session.index.generation()

    # -- sources and feeds ----------------------------------------------------

    def scope(self) -> list[str]:
        return self._sources.scope()

    def view_names(self) -> list[tuple[str, str]]:
        return self._sources.view_names()

    def sources(self, by_story: bool = False) -> list[Source]:
        """Every source with its articles and unread articles (``by_story``: its stories and unread stories)."""
        return self._sources.sources(lambda roots: self._follow.counts(roots, by_story))

    def add_source(self, path: Path) -> bool:
        return self._sources.add_source(path)

    def remove_source(self, key: str, kind: str | None = None) -> Removed:
        return self._sources.remove_source(key, kind)

    def set_retention(self, key: str, **given: Unpack[RetentionSettings]) -> tuple[str, int | None, int | None]:
        """Change how many items, or how old, a feed keeps (None: no limit);
        the feed's name, and the items and days it keeps now."""
        return self._sources.set_retention(key, **given)

    def add_feed(self, url: str, **given: Unpack[FeedSettings]) -> tuple[bool, str]:
        return self._sources.add_feed(url, **given)

    def subscribe(self, url: str, **given: Unpack[FeedSettings]) -> tuple[bool, str]:
        return self._sources.subscribe(url, **given)

    def import_feeds(self, data: bytes) -> Imported:
        return self._sources.import_feeds(data)

    def export_feeds(self) -> bytes:
        return self._sources.export_feeds()

    def export_markdown(self, target: Path) -> Exported:
        """Every fetched item as a Markdown article under ``target``: see :mod:`reader.library.export`."""
        from reader.library.export import export_markdown  # what exporting needs, not every command's start

        return export_markdown(self.session, self._sources, target)

    def feeds(self) -> list[FeedInfo]:
        return self._sources.feeds(self._follow.counts)

    def feed_of(self, article: Article) -> str | None:
        return self._sources.feed_of(article)

    def has_feeds(self) -> bool:
        return self._sources.has_feeds()

    def watched_folders(self) -> list[Path]:
        return self._sources.watched_folders()

    # -- fetching and refreshing ------------------------------------------------

    def fetch(self, keys: Sequence[str] = (), progress: Progress | None = None, **limits: int) -> FetchReport:
        """Fetch these feeds (by name or URL; default: every feed): see :class:`FeedFetch`."""
        from reader.library.fetch import FeedFetch  # fetching, parsing and the HTTP client: not every command's start

        return FeedFetch(self.session, self._sources, self._refresher, self._follow, keys, progress, **limits).run()

    def fetch_elsewhere(self, keys: Sequence[str], progress: Progress) -> tuple[FetchReport, list[str]]:
        from reader.library.fetch import fetch_elsewhere

        return fetch_elsewhere(self.data_dir, keys, progress)

    def refresh(self, progress: Progress | None = None, **options: Unpack[RefreshOptions]) -> RefreshReport:
        """Bring the index in line with the sources' files: see :meth:`Refresher.refresh`.
        When the disk fills up on the way, the library is read into memory
        and refreshed there: every file is listed, nothing more is saved."""
        report = self._refresher.refresh(progress, **options)
        if report.full and not self.session.readonly:
            self.session.read_into_memory()
            self._read_rooms()
            options.pop("prepared", None)  # read again, into memory
            report = self._refresher.refresh(progress, **options)
            report.warnings.insert(0, Warning_(str(self.data_dir), FULL))
        return report

    def refresh_elsewhere(self, progress: Progress) -> list[str]:
        return self._refresher.refresh_elsewhere(progress)

    # -- articles and search ----------------------------------------------------

    def all_rowids(self) -> array[int]:
        return self._articles.all_rowids()

    def newest(self, limit: int) -> array[int] | None:
        """The newest ``limit`` articles in view, from the index's order by
        date alone (what a first paint needs), or None while a saved search
        is muted: then only :meth:`all_rowids` knows."""
        return self._articles.newest(limit)

    def count(self) -> int:
        return self._articles.count()

    def rows(self, rowids: Sequence[int]) -> dict[int, ListRow]:
        return self.session.index.rows(rowids)

    def list_rows(self) -> list[ListRow]:
        return self._articles.list_rows()

    def article(self, rowid: int) -> Article | None:
        return self.session.index.article(rowid)

    def ids_of(self, rowids: Sequence[int]) -> list[str]:
        """The article ids of these rowids."""
        return self.session.index.ids_of(rowids)

    def find(self, key: str) -> Article | None:
        return self._articles.find(key)

    def next_unread(self, rowids: array[int], position: int, step: int) -> int | None:
        return self._articles.next_unread(rowids, position, step)

    def unread_among(self, rowids: array[int], whole_stories: bool = False) -> list[str]:
        """The ids of the unread articles among these (``whole_stories``: and
        in view in their stories, folded under them or not)."""
        if whole_stories and rowids:
            import numpy as np

            found = self._folding.members(np.frombuffer(rowids, dtype=np.int64), self.session.index.ids_in_roots(self.scope()))
            rowids = array("q", found.tobytes())
        return self._articles.unread_among(rowids)

    def search(self, text: str, partial: bool = False, bookmarked_only: bool = False, ranked: bool | None = None) -> Found:
        return self._articles.search(text, partial, bookmarked_only, ranked)

    def snippets(self, found: Found, rowids: Sequence[int]) -> dict[int, Snippet]:
        return self._articles.snippets(found, rowids)

    def searched_by_words(self, found: Found) -> bool:
        """Whether a search looked for words (not for filters alone)."""
        return self._articles.searcher.has_words(found)

    def asks_for_entities(self, text: str) -> bool:
        return self._articles.asks_for_entities(text)

    def hits(self, text: str, limit: int) -> list[SearchHit]:
        return self._articles.hits(text, limit)

    # -- stories --------------------------------------------------------------

    def stories(self, limit: int | None = None) -> list[Story]:
        """Stories of the articles in view, newest first (SPEC §6.6)."""
        return story_room.stories(self.session.index, self.scope(), limit)

    def fold(self, rowids: array[int]) -> array[int]:
        """One row a story: the first article of each story among these, where the story first appears."""
        return self._folding.fold(rowids)

    def story_members(self, rowid: int) -> list[int]:
        """The articles in view of an article's story, earliest first."""
        return self.session.index.story_members(rowid, self.scope())

    def also_reported(self, article: Article) -> str:
        """ "Also reported by A, B (+3)", or nothing for a story of one source."""
        return story_room.also_reported(self.session.index, self.scope(), article.id)

    def story_ids(self, article: Article) -> list[str]:
        """The ids of the articles in view of an article's story (its own at least)."""
        return story_room.story_ids(self.session.index, self.scope(), article.id)

    def story_neighbour(self, article: Article, step: int) -> int | None:
        """The next (or previous) article of an article's story, round the end."""
        return story_room.neighbour(self.session.index, self.scope(), article.id, step)

    # -- saved searches, alerts, mute ------------------------------------------

    def saved_searches(self, by_story: bool = False) -> list[SavedSearch]:
        """Every saved search with what it matches now and how much of it is
        unread (``by_story``: counted in stories)."""
        return self._follow.listed(self._folding.firsts if by_story else None)

    def save_search(self, name: str, query: str, alert: bool = False, mute: bool = False) -> Future[bool]:
        """Keep a search under a name (replacing one of that name); raises
        ReaderError at once for a malformed query or name."""
        return self._follow.save(name, query, alert, mute)

    def remove_search(self, name: str) -> None:
        self._follow.remove(name)

    def run_alert_command(self, command: str, found: Sequence[Alert | dict[str, object]]) -> str | None:
        """Start ``command`` (the config's ``alert_command``) once for each
        alert (or its JSON), detached: nothing waits on it, its failure goes
        to the log. None when started (or nothing to do), else why not."""
        given = [a if isinstance(a, Alert) else Alert.of(a) for a in found]
        return alerts.run(self.data_dir, command, given)

    # -- bookmarks and read state -------------------------------------------

    def row_of(self, article_id: str) -> ListRow | None:
        return self._marks.row_of(article_id)

    def set_bookmark(self, article_id: str, on: bool, note: str | None = None) -> Future[bool]:
        return self._marks.set_bookmark(article_id, on, note)

    def is_bookmarked(self, article_id: str) -> bool:
        return self.session.state.is_bookmarked(article_id)

    def toggle_bookmark(self, article_id: str) -> tuple[bool, Future[bool]]:
        return self._marks.toggle_bookmark(article_id)

    def set_note(self, article_id: str, note: str) -> Future[None]:
        return self._marks.set_note(article_id, note)

    def note_of(self, article_id: str) -> str:
        return self.session.state.note_of(article_id)

    def set_read(self, article_ids: Sequence[str], read: bool) -> Future[None]:
        return self._marks.set_read(article_ids, read)

    def toggle_read(self, article_id: str) -> tuple[bool, Future[None]]:
        return self._marks.toggle_read(article_id)

    def bookmarks(self) -> list[Bookmark]:
        return self._marks.bookmarks()

    def import_bookmarks(self, items: Iterable[Bookmark]) -> Future[int]:
        return self._marks.import_bookmarks(items)

    @staticmethod
    def now() -> str:
        return now()

    # -- entities -----------------------------------------------------------

    def extraction(self, article: Article) -> Extraction:
        return self._extractor.extraction(article)

    def cached_extraction(self, article: Article) -> Extraction | None:
        return self._extractor.cached(article)

    def pending_extraction(self) -> int:
        return self._extractor.pending()

    def failed_extractions(self) -> int:
        return self._extractor.failed()

    @staticmethod
    def has_entities(lang: str) -> bool:
        """Whether articles in this language get people, organisations and places."""
        return extract.has_entities(lang)

    @staticmethod
    def load_models() -> None:
        extract.load_models()

    def start_extraction(self) -> BackgroundExtraction | None:
        return self._extractor.start()

    def extract_pending(self, batch: int = 32, part: int = 0, parts: int = 1) -> int:
        return self._extractor.extract_pending(batch, part, parts)

    # -- entity pages and trends ----------------------------------------------

    def entity_page(self, name: str, kind: str | None = None, limit: int = 50) -> EntityPage | None:
        """An entity's page (None: no article in view mentions it); ``kind``
        PER, ORG or LOC (default: the kind with most articles)."""
        return self._entities.page(name, kind, limit)

    def trends(self, days: int = 3, baseline: int = 28, today: dt.date | None = None, limit: int = 50) -> list[Trend]:
        """Names rising in the ``days`` days up to ``today`` (default: the wall
        date) against the ``baseline`` days before, best first."""
        return self._entities.trends(days, baseline, today, limit)

    # -- reading: formatting, links and full text ---------------------------

    @staticmethod
    def open_url(url: str, command: str = "") -> str | None:
        """Open a link in the browser (``command``: the config's); None when
        it opened, else why not, in one line."""
        return browser.open_url(url, command)

    def formatting(self, article: Article) -> Rendered | None:
        """The body's style spans and links (None: show it plain)."""
        return reading.formatting(article, self.session.documents)

    def has_full_text(self, article: Article) -> bool:
        return self.session.documents.full_text(article.id) is not None

    def summary(self, article: Article) -> Article | None:
        """The article as its own record has it, without its full text."""
        return reading.summary(article, self.session.documents)

    def full_text(self, article: Article) -> Article:
        return self._articles.full_text(article)
