"""The main screen: search box and article list, reading pane, sidebar.

It mediates: children post messages up, it sets their state down, and slow
work (refresh, search, extraction) runs in thread workers that hand their
results back to the main thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Static
from textual.worker import get_current_worker

from reader.library import Library
from reader.model import Article, Extraction, Found, ReaderError, Spans
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import LinksScreen, NoteScreen
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.footer import ReaderFooter, first_fitting
from reader.ui.messages import ArticleOpened, EntityChosen, FigureChosen
from reader.ui.reading_pane import ReadingPane
from reader.ui.sources import SourcesScreen

T = TypeVar("T")
POLL_S = 1.0  # how often the index is asked whether another process changed it
SETTLE_S = 0.3  # file events closer than this are one change


SEARCH_HINTS = (  # the longest that fits the search box is its placeholder
    '/ search: words "phrase" -not prefix* source: date: person: is:bookmarked',
    '/ search: words "phrase" -not prefix* source: date: person:',
    '/ search: words "phrase" -not prefix* source: date:',
    '/ search: words "phrase" -not prefix*',
    '/ search: words "phrase" -not',
    '/ search: words "phrase"',
    "/ search: words",
    "/ search",
)


class SearchBox(Input):
    """The search box: its placeholder is never cut (a shorter one instead)."""

    def on_resize(self, event: events.Resize) -> None:
        self.placeholder = first_fitting(self.content_size.width, SEARCH_HINTS)


# The keys that move the focus into or out of the search box act as they
# arrive (priority bindings), not once they have bubbled up from the widget
# they went to: the keys typed right after them (a burst: a fast typist, a
# paste) go where they moved the focus. They are fixed keys beside the
# remappable bindings of the same actions, which stay ordinary: a binding
# remapped to a letter must not take that letter from the search box.
FOCUS_KEYS = [
    Binding("slash", "focus_search", "Search", priority=True, system=True),
    Binding("enter", "leave_search", "To the list", priority=True),
    Binding("escape", "escape", show=False, priority=True, system=True),
    Binding("tab", "cycle(1)", show=False, priority=True, system=True),
    Binding("shift+tab", "cycle(-1)", show=False, priority=True, system=True),
]


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("escape", "escape", "Back / clear", show=False, id="escape"),
        Binding("tab", "cycle(1)", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="focus.previous"),
        *FOCUS_KEYS,
        Binding("b", "bookmark", "Bookmark", id="bookmark"),
        Binding("B", "bookmarks_only", "Bookmarks", id="bookmarks"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="read"),
        Binding("o", "open_url", "Open URL", show=False, id="open_url"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("R", "fetch_current", "Fetch this source", show=False, id="refresh.current"),
        Binding("s", "sources", "Sources", id="sources"),
        Binding("A", "mark_all_read", "Mark all read", show=False, id="read.all"),
        Binding("right_square_bracket", "unread(1)", "Next unread", show=False, id="unread.next"),
        Binding("left_square_bracket", "unread(-1)", "Previous unread", show=False, id="unread.previous"),
        Binding("n", "mention(1)", "Next mention", show=False, id="mention.next"),
        Binding("N", "mention(-1)", "Previous mention", show=False, id="mention.previous"),
        Binding("F", "full_text", "Full text", id="full_text"),
        Binding("L", "links", "Links", show=False, id="links"),
        Binding("a", "edit_note", "Note", show=False, id="note.edit"),
        Binding("e", "toggle_sidebar", "Entities", id="sidebar.toggle"),
        Binding("z", "maximise", "Maximise", show=False, id="maximise"),
        Binding("f", "filter_entity", "Articles with the selected entity", show=False, id="entity.filter"),
        Binding("greater_than_sign", "story(1)", "Next in story", show=False, id="story.next"),
        Binding("less_than_sign", "story(-1)", "Previous in story", show=False, id="story.previous"),
    ]

    NARROW = 110  # below this width the list and the reading pane take turns, the sidebar overlays
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.current: Article | None = None
        self.bookmarked_only = False
        self.matcher: Spans | None = None
        self.status = {"count": "", "index": "", "fetch": "", "entities": ""}
        self.fetch_every_minutes = 0  # the config's automatic fetch (0: off)
        self._generation = -1
        self._watching = threading.Event()
        self.showing_summary = False  # the article has a kept full text, but its summary is shown
        self.fetching: set[str] = set()  # ids whose full text is being fetched
        self.browser = ""  # the config's browser command
        self.story_read = "story"  # the config's: opening an article marks its story read (or the article alone)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield SearchBox(placeholder=SEARCH_HINTS[0], id="search")
                yield Static("", id="search-error")
                yield ArticleList(self.library.rows, self.library.fold, self.library.story_members, id="articles")
                yield Static("", id="status")
            yield ReadingPane(id="reader")
            yield EntitySidebar(id="sidebar")
        yield ReaderFooter()

    def on_mount(self) -> None:
        self.query_one("#search-error").display = False
        self.query_one(EntitySidebar).show_nothing()
        self._show_found(Found(self.library.all_rowids()))
        self.query_one(ArticleList).focus()
        for warning in self.library.warnings:
            self.notify(warning, severity="warning", timeout=8)
        self.call_after_refresh(self.refresh_library)  # the first paint comes first
        self.call_after_refresh(self._load_models)
        self.call_after_refresh(self._watch)
        self._generation = self.library.generation()
        self.set_interval(POLL_S, self._poll)
        if self.fetch_every_minutes:
            self.set_interval(self.fetch_every_minutes * 60, self._fetch_on_schedule)

    def _fetch_on_schedule(self) -> None:
        if self.library.has_feeds():
            self.fetch_feeds([])

    def on_unmount(self) -> None:
        self._watching.set()

    def _poll(self) -> None:
        """Show what any process (a refresh, `reader index`, a fetch) changed."""
        generation = self.library.generation()
        if generation != self._generation:
            self._generation = generation
            self.query_one(ArticleList).forget_rows()
            self.run_search(keep=True)
            self._reload_current()

    def _reload_current(self) -> None:
        """The open article changed in the index (a fetch, an edited file,
        another process): show its new text where the reader was."""
        current = self.current
        if current is None or self.showing_summary or current.id in self.fetching:
            return
        fresh = self.library.find(current.id)
        if fresh is None or fresh == current:
            return
        self._open(fresh, keep_place=True)

    # -- status -------------------------------------------------------------

    def _set_status(self, **parts: str) -> None:
        self.status.update(parts)
        self.query_one("#status", Static).update(Text(" · ".join(p for p in self.status.values() if p), style="dim"))

    # -- workers ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_library(self) -> None:
        """Read what changed in the sources, in a worker process."""

        def progress(done: int, total: int) -> None:
            if total:
                self._from_worker(self._set_status, index=f"indexing {done:,}/{total:,}")

        try:
            warnings = self.library.refresh_elsewhere(progress)
        except (RuntimeError, ReaderError) as error:
            self._from_worker(self.notify, str(error), severity="error", markup=False)
            warnings = []
        self._from_worker(self._refreshed, warnings)

    def _watch(self) -> None:
        """Refresh when a file changes in a folder in view: inotify through
        watchfiles (no polling of large trees), on a thread of its own that
        lives as long as the screen (not a worker: it never completes)."""
        folders = self.library.watched_folders()
        if folders:
            threading.Thread(target=self._watch_folders, args=(folders,), daemon=True, name="reader-watch").start()

    def _watch_folders(self, folders: list[Path]) -> None:
        from watchfiles import watch

        for _ in watch(*folders, stop_event=self._watching, step=int(SETTLE_S * 1000), rust_timeout=1000, yield_on_timeout=False):
            if self._watching.is_set():
                return
            self._from_worker(self.refresh_library)

    @work(thread=True, exclusive=True, group="models")
    def _load_models(self) -> None:
        """The NER models, loaded once after the first paint, so the first
        article opened gets its highlights without the wait."""
        self.library.load_models()

    def _refreshed(self, warnings: list[str]) -> None:
        self._set_status(index="")
        if warnings:
            more = f"\n… and {len(warnings) - 5} more (`reader index` lists them all)" if len(warnings) > 5 else ""
            self.notify(
                "\n".join(warnings[:5]) + more,
                title=f"{len(warnings)} files not loaded as they are",
                severity="warning",
                timeout=10,
                markup=False,
            )
        self._poll()
        self.extract_all()

    @work(thread=True, exclusive=True, group="extract-all")
    def extract_all(self) -> None:
        """Entities for the whole library, in worker processes; this thread
        only watches their progress."""
        extraction = self.library.start_extraction()
        if extraction is None:
            return
        worker = get_current_worker()
        said = 0
        try:
            while extraction.running and not worker.is_cancelled:
                self._from_worker(self._set_status, entities=f"entities {extraction.done():,}/{extraction.total:,}")
                for event in extraction.events[said:]:
                    self._from_worker(self.notify, event, severity="warning", markup=False)
                said = len(extraction.events)
                time.sleep(0.25)
        finally:
            extraction.stop()
        failed = self.library.failed_extractions()
        self._from_worker(self._set_status, entities=f"entities failed on {failed:,}" if failed else "")

    def run_search(self, keep: bool = False) -> None:
        search = self.query_one("#search", Input)
        self._search(search.value, not search.value.endswith(" "), keep)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str, partial: bool, keep: bool, keep_rowid: int | None = None) -> None:
        found = self.library.search(text, partial=partial, bookmarked_only=self.bookmarked_only)
        if not get_current_worker().is_cancelled:
            self._from_worker(self._show_found, found, keep, keep_rowid)

    def _show_found(self, found: Found, keep: bool = False, keep_rowid: int | None = None) -> None:
        error = self.query_one("#search-error", Static)
        if found.error:
            error.update(Text(f"⚠ {found.error}"))
            error.display = True
            return
        error.display = False
        articles = self.query_one(ArticleList)
        current = keep_rowid if keep_rowid is not None else articles.current if keep else None
        self.matcher = found.matcher
        by_words = self.library.searched_by_words(found)
        articles.set_rowids(
            found.rowids,
            keep=current,
            snippets=(lambda rowids: self.library.snippets(found, rowids)) if by_words else None,
            fold=not self.bookmarked_only,
        )
        total = self.library.count()
        shown = len(found.rowids)
        view = " bookmarked" if self.bookmarked_only else ""
        noun = "article" if total == 1 else "articles"
        stories = f"{len(articles.rowids):,} stories · " if len(articles.rowids) != shown else ""  # one row a story
        self._set_status(count=stories + (f"{shown:,}{view} of {total:,} {noun}" if shown != total or view else f"{total:,} {noun}"))
        pane = self.query_one(ReadingPane)
        if not found.rowids:
            pane.clear("Nothing matches")
            self.current = None
            self.query_one(EntitySidebar).show_nothing()
        elif pane.article is None:
            pane.clear("Open an article with enter")
            self.query_one(EntitySidebar).show_nothing()

    @work(thread=True, exclusive=True, group="extract")
    def _extract(self, article: Article) -> None:
        extraction = self.library.extraction(article)
        if not get_current_worker().is_cancelled:
            self._from_worker(self._extracted, article, extraction)

    def _extracted(self, article: Article, extraction: Extraction) -> None:
        if self.current is not None and self.current.id == article.id and self.current.body == article.body:
            self.query_one(ReadingPane).set_extraction(extraction)
            self.query_one(EntitySidebar).show_extraction(extraction, article.lang, self.library.has_entities(article.lang))

    # -- messages from the panes ---------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        # A cleared filter keeps the cursor on the article it was on.
        self.run_search(keep=not event.value)

    def on_article_opened(self, message: ArticleOpened) -> None:
        article = self.library.article(message.rowid)
        if article is None:
            self.notify("That article is no longer in the index", severity="warning")
            return
        self.showing_summary = False
        self._open(article)
        if self.has_class("-narrow"):
            self._reveal(self.query_one(ReadingPane))

    def _open(self, article: Article, extraction: Extraction | None = None, keep_place: bool = False) -> None:
        """Show an article (its indexed body, or the summary a full text
        replaced); ``keep_place``: a new version of the open article, shown
        at the same scroll position."""
        self.current = article
        matches = self.matcher.spans(article.body) if self.matcher else []
        cached = extraction or self.library.cached_extraction(article)
        pane = self.query_one(ReadingPane)
        pane.show(article, cached, matches, self.library.formatting(article), self._notice(article), keep_place=keep_place)
        sidebar = self.query_one(EntitySidebar)
        if cached is None:
            sidebar.show_metadata(article)
            self._extract(article)
        else:
            sidebar.show_extraction(cached, article.lang, self.library.has_entities(article.lang))
        if not self.library.readonly:
            ids = self.library.story_ids(article) if self.story_read == "story" else [article.id]
            self._after(self.library.set_read(ids, True), lambda _: self.query_one(ArticleList).forget_rows())

    def _notice(self, article: Article) -> Text:
        """The pane's notice lines: the bookmark's note, and which text this is."""
        lines: list[tuple[str, str] | str] = []
        also = self.library.also_reported(article)
        if also:
            lines += [(also, "italic"), ("  > < step through it", "dim")]
        bookmarked = self.library.is_bookmarked(article.id)
        note = self.library.note_of(article.id) if bookmarked else ""
        if note:
            lines += ["\n" if lines else "", ("★ ", "bold"), ("✎ ", "bold"), (note, "italic")]
        elif bookmarked:
            lines += ["\n" if lines else "", ("★ ", "bold"), ("Bookmarked", "dim italic")]
        full = self.library.has_full_text(article)
        if lines and (article.id in self.fetching or full):
            lines.append("\n")
        if article.id in self.fetching:
            lines.append(("Fetching the full text…", "dim italic"))
        elif full and self.showing_summary:
            lines.append(("Summary · F shows the full text", "dim italic"))
        elif full:
            lines.append(("Full text from the article's web page · F shows the summary", "dim italic"))
        return Text.assemble(*lines)

    def _refresh_notice(self) -> None:
        if self.current is not None:
            self.query_one(ReadingPane).set_notice(self._notice(self.current))

    def on_entity_chosen(self, message: EntityChosen) -> None:
        if message.filter:
            entity = message.entity
            field = {"PER": "person", "ORG": "org", "LOC": "place"}[entity.kind]
            value = entity.normal.replace('"', " ")
            self.query_one("#search", Input).value = f'{field}:"{value}"'
            self.query_one(ArticleList).focus()
            return
        self.query_one(ReadingPane).walk(list(message.entity.mentions))

    def on_figure_chosen(self, message: FigureChosen) -> None:
        self.query_one(ReadingPane).walk([(message.start, message.end)])

    # -- actions ------------------------------------------------------------

    def _from_worker(self, callback: Callable[..., object], *args: object, **kwargs: object) -> None:
        """Run ``callback`` on the UI thread for a worker, unless the screen
        (or the app) has gone meanwhile: then its result has nowhere to go."""

        def run() -> None:
            # A stopping app takes its screens apart before it detaches them.
            if self.is_attached and self.app.is_running:
                callback(*args, **kwargs)

        try:
            self.app.call_from_thread(run)
        except RuntimeError:
            if self.app.is_running:
                raise  # a real fault; only a stopped app has nowhere to put the result

    def _after(self, change: Future[T], then: Callable[[T], object]) -> None:
        """When a change made by the library's writer is done (never waited
        for here), run ``then`` on this thread; a refusal is said, not raised."""

        def done(future: Future[T]) -> None:
            error = future.exception()
            if error is None:
                self._from_worker(then, future.result())
            elif isinstance(error, ReaderError):
                self._from_worker(self.notify, str(error), severity="error", markup=False)
            else:
                self._from_worker(self.app._handle_exception, error)

        if change.done():
            error = change.exception()
            if error is None:
                then(change.result())
            else:
                self.notify(str(error), severity="error", markup=False)
            return
        change.add_done_callback(done)

    def _article_in_focus(self) -> Article | None:
        articles = self.query_one(ArticleList)
        if self.focused is articles and articles.current is not None:
            return self.library.article(articles.current)
        return self.current or (self.library.article(articles.current) if articles.current is not None else None)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """In the search box «/» is typed; elsewhere enter is the focused
        widget's (and its hint is shown)."""
        if action == "focus_search":
            return not isinstance(self.focused, Input)
        if action == "leave_search":
            return self.focused is self.query_one("#search", Input)
        return True

    def action_focus_search(self) -> None:
        self._reveal(self.query_one("#search", Input))

    def action_leave_search(self) -> None:
        """Enter in the search box: on to the list it filtered."""
        self.set_focus(self.query_one(ArticleList))

    def action_escape(self) -> None:
        # ``self.focused``, not ``has_focus``: a focus set a moment ago (by a
        # key earlier in the same burst) has not been told to the widget yet.
        search = self.query_one("#search", Input)
        reading = isinstance(self.focused, (ReadingPane, EntitySidebar))
        if self.has_class("-max") or self.has_class("-sidebar"):
            self.remove_class("-max", "-sidebar")
            self._reveal(self.query_one(ReadingPane) if self.has_class("-reading") else self.query_one(ArticleList))
        elif self.has_class("-narrow") and reading:
            self._reveal(self.query_one(ArticleList))  # back to the list first; the filter stays
        elif self.focused is search:
            search.call_later(setattr, search, "value", "")  # after the keys already on their way to the box
            self.set_focus(self.query_one(ArticleList))
        elif search.value or self.bookmarked_only:
            self.bookmarked_only = False
            self.query_one(ArticleList).notes = None
            search.value = ""
            self.run_search(keep=True)
        elif reading:
            self._reveal(self.query_one(ArticleList))

    def action_cycle(self, step: int) -> None:
        panes = [self.query_one(ArticleList), self.query_one(ReadingPane), self.query_one(EntitySidebar)]
        focused = self.focused
        index = panes.index(focused) if focused in panes else -step  # type: ignore[arg-type]
        self._reveal(panes[(index + step) % len(panes)])

    def action_bookmark(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        on, change = self.library.toggle_bookmark(article.id)

        def done(_: bool) -> None:
            self.notify(f"{'★ Bookmarked' if on else 'Bookmark removed'}: {article.title}", markup=False)
            self.query_one(ArticleList).forget_rows()
            self._refresh_notice()  # the note went with the bookmark
            if self.bookmarked_only:
                self.run_search(keep=True)

        self._after(change, done)

    def action_bookmarks_only(self) -> None:
        self.bookmarked_only = not self.bookmarked_only
        self.query_one(ArticleList).notes = self.library.note_of if self.bookmarked_only else None
        self.run_search()
        self.notify("Bookmarked articles only" if self.bookmarked_only else "All articles", timeout=2)

    def action_toggle_read(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        read, change = self.library.toggle_read(article.id)

        def done(_: None) -> None:
            self.notify("Marked read" if read else "Marked unread", timeout=2)
            self.query_one(ArticleList).forget_rows()

        self._after(change, done)

    def action_refresh(self) -> None:
        feeds = self.library.has_feeds()
        self.notify("Reading every folder again" + (" and fetching every feed" if feeds else ""), timeout=2)
        self.refresh_library()
        if feeds:
            self.fetch_feeds([])

    def action_fetch_current(self) -> None:
        article = self._article_in_focus()
        feed = self.library.feed_of(article) if article is not None else None
        if feed is None:
            self.notify("Reading the folders again", timeout=2)
            self.refresh_library()
            return
        self.notify(f"Fetching {feed}", markup=False, timeout=2)
        self.fetch_feeds([feed])

    @work(thread=True, exclusive=True, group="fetch")
    def fetch_feeds(self, feeds: list[str]) -> None:
        """Fetch feeds in a worker process; new items show up as they are
        indexed (the poll sees the index change)."""

        def progress(done: int, total: int) -> None:
            self._from_worker(self._set_status, fetch=f"fetching {done:,}/{total:,}")

        try:
            report, warnings = self.library.fetch_elsewhere(feeds, progress)
        except (RuntimeError, ReaderError) as error:
            self._from_worker(self._set_status, fetch="")
            self._from_worker(self.notify, str(error), severity="error", markup=False)
            return
        self._from_worker(self._fetched, report.feeds, report.new, report.updated, [e["error"] for e in report.errors], warnings)

    def _fetched(self, feeds: int, new: int, updated: int, errors: list[str], warnings: list[str]) -> None:
        self._set_status(fetch="")
        failed = ""
        if len(errors) == 1:
            failed = f"; 1 failed: {errors[0]}"
        elif errors:
            failed = f"; {len(errors)} failed (s shows which), the first: {errors[0]}"
        self.notify(
            f"{feeds:,} feed{'s' if feeds != 1 else ''}: {new:,} new, {updated:,} updated{failed}",
            severity="warning" if errors else "information",
            markup=False,
            timeout=6,
        )
        self._refreshed(warnings)

    def action_sources(self) -> None:
        def chosen(name: str | None) -> None:
            if name is not None:
                search = self.query_one("#search", Input)
                search.value = f'in:"{name}"' if name else ""
                self.query_one(ArticleList).focus()

        self.app.push_screen(SourcesScreen(self.library.sources()), chosen)

    def action_mark_all_read(self) -> None:
        articles = self.query_one(ArticleList)
        if not articles.rowids:
            return
        ids = self.library.unread_among(articles.rowids)  # only these change: the count says what A did
        if not ids:
            many = len(articles.rowids) > 1
            self.notify(
                f"All {len(articles.rowids):,} articles here are read already" if many else "This article is read already", timeout=3
            )
            return

        def done(_: None) -> None:
            self.notify(f"Marked {len(ids):,} article{'s' if len(ids) != 1 else ''} read", timeout=3)
            articles.forget_rows()

        self._after(self.library.set_read(ids, True), done)

    def action_unread(self, step: int) -> None:
        articles = self.query_one(ArticleList)
        found = self.library.next_unread(articles.rowids, articles.cursor, step)
        if found is None:
            if not articles.rowids:
                self.notify("The list is empty", timeout=4)
                return
            other = self.library.next_unread(articles.rowids, articles.cursor, -step)
            where = "after" if step > 0 else "before"
            more = f" (there is one {'before' if step > 0 else 'after'} it)" if other is not None else ""
            self.notify(f"No unread article {where} this one{more}", timeout=4)
            return
        articles.action_move(found - articles.cursor)
        articles.action_open()  # as in newsboat: the next unread opens, wherever the reading goes on

    def action_open_url(self) -> None:
        article = self._article_in_focus()
        if article is None or not article.url:
            self.notify("This article has no URL", severity="warning")
            return
        self.open_link(article.url)

    def open_link(self, url: str) -> None:
        self.notify(f"Opening {url}", markup=False, timeout=3)
        self._open_link(url)

    @work(thread=True, group="browser")
    def _open_link(self, url: str) -> None:
        problem = self.library.open_url(url, self.browser)
        if problem:
            self._from_worker(self.notify, f"Not opened: {problem}", severity="error", markup=False, timeout=8)

    def action_links(self) -> None:
        pane = self.query_one(ReadingPane)
        links = pane.formatting.links if pane.formatting and pane.article is self.current else ()
        if self.current is None:
            self.notify("Open an article first", severity="warning")
            return
        choices = [(link.text, link.url) for link in links]
        if self.current.url:
            choices.insert(0, ("The article's own page", self.current.url))
        if not choices:
            self.notify("This article has no links", timeout=3)
            return

        def chosen(url: str | None) -> None:
            if url:
                self.open_link(url)

        self.app.push_screen(LinksScreen(choices), chosen)

    # -- full text ----------------------------------------------------------

    def action_full_text(self) -> None:
        article = self.current
        if article is None:
            self.notify("Open an article first", severity="warning")
            return
        if article.id in self.fetching:
            self.notify("Still fetching the full text…", timeout=3)
            return
        if self.library.has_full_text(article):
            self.showing_summary = not self.showing_summary
            shown = self.library.summary(article) if self.showing_summary else self.library.find(article.id)
            if shown is None:
                self.showing_summary = False
                self.notify("The article's file cannot be read", severity="warning")
                return
            self._open(shown)
            return
        if not article.url:
            self.notify("This article has no URL to fetch the full text from", severity="warning")
            return
        self.fetching.add(article.id)
        self._refresh_notice()
        self._fetch_full_text(article)

    @work(thread=True, group="fulltext")
    def _fetch_full_text(self, article: Article) -> None:
        try:
            got = self.library.full_text(article)
        except ReaderError as error:
            self._from_worker(self._full_text_failed, article, str(error))
            return
        row = self.library.row_of(article.id)
        self._from_worker(self._full_text_fetched, article, got, row.rowid if row else None)

    def _full_text_failed(self, article: Article, why: str) -> None:
        self.fetching.discard(article.id)
        self.notify(f"No full text: {why}", severity="warning", markup=False, timeout=8)
        if self.current is not None and self.current.id == article.id:
            self._refresh_notice()

    def _full_text_fetched(self, article: Article, got: Article, rowid: int | None) -> None:
        self.fetching.discard(article.id)
        self.notify("Full text kept: it is searchable now", timeout=3)
        if self.current is not None and self.current.id == article.id:
            self.showing_summary = False
            self._open(got)
        if rowid is not None:
            search = self.query_one("#search", Input)
            self._search(search.value, not search.value.endswith(" "), True, rowid)

    # -- layout -------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """Which of list and reading pane has the turn (used below NARROW columns)."""
        widget = event.widget
        if widget is not self.focused:  # told late: the focus has moved on since
            return
        if isinstance(widget, ReadingPane):
            self.add_class("-reading")
            self.remove_class("-sidebar")
        elif isinstance(widget, (ArticleList, Input)):
            self.remove_class("-reading", "-sidebar")

    def _reveal(self, pane: Widget) -> None:
        """Make a pane visible in this layout, then focus it."""
        if isinstance(pane, EntitySidebar):
            self.remove_class("-nosidebar", "-max")
            if self.has_class("-narrow"):
                self.add_class("-sidebar")
        elif isinstance(pane, ReadingPane):
            self.add_class("-reading")
        else:
            self.remove_class("-reading", "-sidebar", "-max")
        self.set_focus(pane, scroll_visible=False)  # now: the next key goes to it

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(EntitySidebar)
        if self.has_class("-narrow"):
            if self.has_class("-sidebar"):
                self.remove_class("-sidebar")
                self._reveal(self.query_one(ReadingPane) if self.has_class("-reading") else self.query_one(ArticleList))
            else:
                self._reveal(sidebar)
            return
        if self.has_class("-nosidebar") or self.has_class("-max"):
            self._reveal(sidebar)
        else:
            self.add_class("-nosidebar")
            if sidebar.has_focus:
                self.query_one(ReadingPane).focus()

    def action_filter_entity(self) -> None:
        """f anywhere: every article with the entity selected in the sidebar
        (the first one when an article opens)."""
        if self.current is None:
            self.notify("Open an article first", severity="warning")
            return
        self.query_one(EntitySidebar).action_filter()

    def action_maximise(self) -> None:
        if self.has_class("-max"):
            self.remove_class("-max")
            return
        self.remove_class("-sidebar")
        self.add_class("-max")
        self._reveal(self.query_one(ReadingPane))

    def action_mention(self, step: int) -> None:
        if not self.query_one(ReadingPane).next_mark(step):
            self.notify("Nothing to walk: choose an entity in the sidebar or search for a word", timeout=3)

    def action_story(self, step: int) -> None:
        """The next (or previous) article of the open article's story."""
        rowid = None if self.current is None else self.library.story_neighbour(self.current, step)
        article = None if rowid is None else self.library.article(rowid)
        if article is None:
            self.notify("No other article reports this story", timeout=3)
            return
        self.showing_summary = False
        self._open(article)

    def action_edit_note(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        if not self.library.is_bookmarked(article.id):
            self.notify("Bookmark the article first (b)", severity="warning")
            return

        def save(note: str | None) -> None:
            if note is not None:

                def saved(_: None) -> None:
                    self.notify("Note saved", timeout=2)
                    self._refresh_notice()
                    self.query_one(ArticleList).forget_rows()

                self._after(self.library.set_note(article.id, note), saved)

        self.app.push_screen(NoteScreen(article.title, self.library.note_of(article.id)), save)
