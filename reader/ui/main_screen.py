"""The main screen: search box and article list, reading pane, sidebar.

It mediates: children post messages up, it sets their state down, and slow
work (refresh, search, extraction) runs in thread workers that hand their
results back to the main thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static
from textual.worker import get_current_worker

from reader.library import BackgroundExtraction, Found, Library
from reader.model import Article, Extraction
from reader.search import Matcher
from reader.store import StoreError
from reader.text import extract
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import NoteScreen
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.messages import ArticleOpened, EntityChosen, FigureChosen
from reader.ui.reading_pane import ReadingPane


class MainScreen(Screen[None]):
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("escape", "escape", "Back / clear", show=False, id="escape"),
        Binding("tab", "cycle(1)", "Next pane", show=False, id="focus.next"),
        Binding("shift+tab", "cycle(-1)", "Previous pane", show=False, id="focus.previous"),
        Binding("b", "bookmark", "Bookmark", id="bookmark"),
        Binding("B", "bookmarks_only", "Bookmarks", id="bookmarks"),
        Binding("u", "toggle_read", "Read/unread", show=False, id="read"),
        Binding("o", "open_url", "Open URL", show=False, id="open_url"),
        Binding("n", "mention(1)", "Next mention", show=False, id="mention.next"),
        Binding("N", "mention(-1)", "Previous mention", show=False, id="mention.previous"),
    ]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.current: Article | None = None
        self.bookmarked_only = False
        self.matcher: Matcher | None = None
        self.status = {"count": "", "index": "", "entities": ""}

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield Input(placeholder='/ search: words "phrase" -not prefix* source: date: person: is:bookmarked', id="search")
                yield Static("", id="search-error")
                yield ArticleList(self.library.rows, id="articles")
                yield Static("", id="status")
            yield ReadingPane(id="reader")
            yield EntitySidebar(id="sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#search-error").display = False
        self._show_found(Found(self.library.all_rowids()))
        self.query_one(ArticleList).focus()
        for warning in self.library.warnings:
            self.notify(warning, severity="warning", timeout=8)
        self.call_after_refresh(self.refresh_library)  # the first paint comes first
        self.call_after_refresh(self._load_models)

    # -- status -------------------------------------------------------------

    def _set_status(self, **parts: str) -> None:
        self.status.update(parts)
        self.query_one("#status", Static).update(Text(" · ".join(p for p in self.status.values() if p), style="dim"))

    # -- workers ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="refresh")
    def refresh_library(self) -> None:
        def progress(done: int, total: int) -> None:
            if total:
                self.app.call_from_thread(self._set_status, index=f"indexing {done}/{total}")

        report = self._worker_library().refresh(progress)
        self.app.call_from_thread(self._refreshed, report.read, [str(w) for w in report.warnings])

    @work(thread=True, exclusive=True, group="models")
    def _load_models(self) -> None:
        """The NER models, loaded once after the first paint, so the first
        article opened gets its highlights without the wait."""
        extract.load_models()

    def _worker_library(self) -> Library:
        """Workers write through a connection of their own, so the list never
        waits on a write; a read-only library has only the one."""
        if self.library.readonly:
            return self.library
        worker = Library(self.library.roots, self.library.data_dir)
        worker.open()
        return worker

    def _refreshed(self, read: int, warnings: list[str]) -> None:
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
        if read:
            self.run_search(keep=True)
        self.extract_all()

    @work(thread=True, exclusive=True, group="extract-all")
    def extract_all(self) -> None:
        """Entities for the whole library, in worker processes; this thread
        only watches their progress."""
        if self.library.readonly or not self.library.pending_extraction():
            return
        worker = get_current_worker()
        extraction = BackgroundExtraction(self._worker_library()).start()
        try:
            while extraction.running and not worker.is_cancelled:
                self.app.call_from_thread(self._set_status, entities=f"entities {extraction.done():,}/{extraction.total:,}")
                time.sleep(0.25)
        finally:
            extraction.stop()
        self.app.call_from_thread(self._set_status, entities="")

    def run_search(self, keep: bool = False) -> None:
        search = self.query_one("#search", Input)
        self._search(search.value, not search.value.endswith(" "), keep)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, text: str, partial: bool, keep: bool) -> None:
        found = self.library.search(text, partial=partial, bookmarked_only=self.bookmarked_only)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_found, found, keep)

    def _show_found(self, found: Found, keep: bool = False) -> None:
        error = self.query_one("#search-error", Static)
        if found.error:
            error.update(Text(f"⚠ {found.error}"))
            error.display = True
            return
        error.display = False
        articles = self.query_one(ArticleList)
        current = articles.current if keep else None
        self.matcher = Matcher.of(found.query, partial=True) if found.query else None
        articles.set_rowids(found.rowids, keep=current)
        total = self.library.count()
        shown = len(found.rowids)
        view = " bookmarked" if self.bookmarked_only else ""
        self._set_status(count=f"{shown:,}{view} of {total:,} articles" if shown != total or view else f"{total:,} articles")
        pane = self.query_one(ReadingPane)
        if not found.rowids:
            pane.clear("Nothing matches")
        elif pane.article is None:
            pane.clear("Open an article with enter")

    @work(thread=True, exclusive=True, group="extract")
    def _extract(self, article: Article) -> None:
        extraction = self.library.extraction(article)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._extracted, article, extraction)

    def _extracted(self, article: Article, extraction: Extraction) -> None:
        if self.current is not None and self.current.id == article.id:
            self.query_one(ReadingPane).set_extraction(extraction)
            self.query_one(EntitySidebar).show_extraction(extraction, article.lang)

    # -- messages from the panes ---------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        self.run_search()

    @on(Input.Submitted, "#search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        self.query_one(ArticleList).focus()

    def on_article_opened(self, message: ArticleOpened) -> None:
        article = self.library.article(message.rowid)
        if article is None:
            self.notify("That article is no longer in the index", severity="warning")
            return
        self.current = article
        matches = self.matcher.spans(article.body) if self.matcher else []
        cached = self.library.cached_extraction(article)
        self.query_one(ReadingPane).show(article, cached, matches)
        sidebar = self.query_one(EntitySidebar)
        if cached is None:
            sidebar.show_metadata(article)
            self._extract(article)
        else:
            sidebar.show_extraction(cached, article.lang)
        if not self.library.readonly:
            self._save(lambda: self.library.set_read(article.id, True))
            self.query_one(ArticleList).forget_rows()

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

    def _save(self, change: Callable[[], object]) -> bool:
        """Run a change to the user's state; a refusal is said, not raised."""
        try:
            change()
        except StoreError as error:
            self.notify(str(error), severity="error")
            return False
        return True

    def _article_in_focus(self) -> Article | None:
        articles = self.query_one(ArticleList)
        if self.focused is articles and articles.current is not None:
            return self.library.article(articles.current)
        return self.current or (self.library.article(articles.current) if articles.current is not None else None)

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_escape(self) -> None:
        search = self.query_one("#search", Input)
        if search.has_focus:
            if search.value:
                search.value = ""
            self.query_one(ArticleList).focus()
        elif search.value or self.bookmarked_only:
            self.bookmarked_only = False
            search.value = ""
            self.run_search()
        elif self.query_one(ReadingPane).has_focus or self.query_one(EntitySidebar).has_focus:
            self.query_one(ArticleList).focus()

    def action_cycle(self, step: int) -> None:
        panes = [self.query_one(ArticleList), self.query_one(ReadingPane), self.query_one(EntitySidebar)]
        focused = self.focused
        index = panes.index(focused) if focused in panes else -step  # type: ignore[arg-type]
        panes[(index + step) % len(panes)].focus()

    def action_bookmark(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        if self._save(
            lambda: self.notify(
                f"{'★ Bookmarked' if self.library.toggle_bookmark(article.id) else 'Bookmark removed'}: {article.title}", markup=False
            )
        ):
            self.query_one(ArticleList).forget_rows()
            if self.bookmarked_only:
                self.run_search(keep=True)

    def action_bookmarks_only(self) -> None:
        self.bookmarked_only = not self.bookmarked_only
        self.run_search()
        self.notify("Bookmarked articles only" if self.bookmarked_only else "All articles", timeout=2)

    def action_toggle_read(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        if self._save(lambda: self.notify("Marked read" if self.library.toggle_read(article.id) else "Marked unread", timeout=2)):
            self.query_one(ArticleList).forget_rows()

    def action_open_url(self) -> None:
        article = self._article_in_focus()
        if article is None or not article.url:
            self.notify("This article has no URL", severity="warning")
            return
        self.notify(f"Opening {article.url}", markup=False, timeout=3)
        self.app.open_url(article.url)

    def action_mention(self, step: int) -> None:
        if not self.query_one(ReadingPane).next_mark(step):
            self.notify("Nothing to walk: choose an entity in the sidebar or search for a word", timeout=3)

    def action_edit_note(self) -> None:
        article = self._article_in_focus()
        if article is None:
            return
        if not self.library.state.is_bookmarked(article.id):
            self.notify("Bookmark the article first (b)", severity="warning")
            return

        def save(note: str | None) -> None:
            if note is not None and self._save(lambda: self.library.set_note(article.id, note)):
                self.notify("Note saved", timeout=2)

        self.app.push_screen(NoteScreen(article.title, self.library.note_of(article.id)), save)
