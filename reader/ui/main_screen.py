"""The main screen: search box and article list, reading pane, sidebar.

It mediates: children post messages up, it sets their state down, and slow
work (refresh, search, extraction, fetch) runs as jobs on worker threads
(:mod:`reader.ui.jobs`) that post their results back as messages.
"""

from __future__ import annotations

import gc
from array import array

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, Input, Static

from reader.library import Library
from reader.model import Article, Extraction, Found, Spans
from reader.ui import keys
from reader.ui.article_list import ArticleList
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.following import Following
from reader.ui.footer import ReaderFooter
from reader.ui.jobs import (
    Crashed,
    Extracted,
    FoldersChanged,
    FullTextFailed,
    FullTextFetched,
    Jobs,
    Refreshed,
    SearchFound,
    StatusSaid,
    Told,
    Written,
)
from reader.ui.layout import Layout
from reader.ui.messages import ArticleOpened, EntityChosen, FigureChosen
from reader.ui.reading_pane import ReadingPane, notice
from reader.ui.search_box import SearchBox
from reader.ui.status import StatusLine

POLL_S = 1.0  # how often the index is asked whether another process changed it
FIRST_ROWS = 200  # articles of the first paint: more than any screen shows


class MainScreen(Following):
    BINDINGS = keys.MAIN_SCREEN

    # Below NARROW columns the list and the reading pane take turns; below
    # WIDE they share the width (the list 40 columns or more) and the sidebar
    # overlays on a key; from WIDE on all three panes show, the list at 40 or more.
    NARROW = 100
    WIDE = 120
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-medium"), (WIDE, "-wide")]

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self.current: Article | None = None
        self.bookmarked_only = False
        self.matcher: Spans | None = None
        self.fetch_every_minutes = 0  # the config's automatic fetch (0: off)
        self._generation = -1
        self.jobs = Jobs(self, library)
        self.panes = Layout(self)
        self.showing_summary = False  # the article has a kept full text, but its summary is shown
        self.fetching: set[str] = set()  # ids whose full text is being fetched
        self.browser = ""  # the config's browser command
        self.alert_command = ""  # the config's command run for each alert of a fetch
        self.story_read = "story"  # the config's: opening an article marks its story read (or the article alone)

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="panes"):
            with Vertical(id="left"):
                yield SearchBox(id="search")
                yield Static("", id="search-error")
                yield ArticleList(self.library.rows, self.library.story_members, id="articles")
                yield StatusLine(id="status")
            yield ReadingPane(id="reader")
            yield EntitySidebar(id="sidebar")
        yield ReaderFooter()

    def on_mount(self) -> None:
        self.query_one("#search-error").display = False
        self.query_one(EntitySidebar).show_nothing()
        # The first paint: the newest articles, one row each, until the search
        # below (in a worker) orders everything and folds stories.
        first = self.library.newest(FIRST_ROWS)
        if first is None:
            first = self.library.all_rowids()
            self._show_found(Found(first), first)
        else:
            self.query_one(ArticleList).set_rowids(first)
            if first:
                self.query_one(ReadingPane).clear("Open an article with enter")
        self.call_after_refresh(self.run_search, True)
        self.query_one(ArticleList).focus()
        for line in self.library.said:
            self.notify(line, timeout=12)
        for warning in self.library.warnings:
            self.notify(warning, severity="warning", timeout=8)
        self.call_after_refresh(gc.enable)  # off while starting (reader/__main__.py)
        self.call_after_refresh(self.refresh_library)  # the first paint comes first
        self.call_after_refresh(self.jobs.load_models)
        self.call_after_refresh(self._watch)
        self._generation = self.library.generation()
        self.set_interval(POLL_S, self._poll)
        if self.fetch_every_minutes:
            self.set_interval(self.fetch_every_minutes * 60, self._fetch_on_schedule)

    def on_unmount(self) -> None:
        self.jobs.watching.set()

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

    # -- what the jobs say ---------------------------------------------------

    def _set_status(self, **parts: str) -> None:
        self.query_one(StatusLine).set(**parts)

    def on_status_said(self, message: StatusSaid) -> None:
        self._set_status(**message.parts)

    def on_told(self, message: Told) -> None:
        self.notify(message.text, severity=message.severity, timeout=message.timeout, markup=False)  # type: ignore[arg-type]

    def on_written(self, message: Written) -> None:
        message.then(message.result)

    def on_crashed(self, message: Crashed) -> None:
        raise message.error  # the app's own handling of an error: logged, then the app stops

    def refresh_library(self) -> None:
        self.jobs.refresh()

    def _watch(self) -> None:
        folders = self.library.watched_folders()
        if folders:
            self.jobs.watch(folders)

    def on_folders_changed(self, _: FoldersChanged) -> None:
        self.refresh_library()

    def on_refreshed(self, message: Refreshed) -> None:
        self._refreshed(message.warnings)

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
        self.jobs.extract_all()

    def run_search(self, keep: bool = False) -> None:
        self._search(keep)

    def _search(self, keep: bool, keep_rowid: int | None = None) -> None:
        search = self.query_one("#search", Input)
        self.jobs.search(search.value, not search.value.endswith(" "), self.bookmarked_only, keep, keep_rowid)

    def on_search_found(self, message: SearchFound) -> None:
        self._show_found(message.found, message.shown, message.keep, message.keep_rowid)

    def _show_found(self, found: Found, shown: array[int], keep: bool = False, keep_rowid: int | None = None) -> None:
        """Show what a search found: ``shown``, its rows (one a story)."""
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
        articles.set_rowids(shown, keep=current, snippets=(lambda rowids: self.library.snippets(found, rowids)) if by_words else None)
        total = self.library.count()
        matched = len(found.rowids)
        view = " bookmarked" if self.bookmarked_only else ""
        noun = "article" if total == 1 else "articles"
        stories = f"{len(shown):,} stories · " if len(shown) != matched else ""  # one row a story
        self._set_status(count=stories + (f"{matched:,}{view} of {total:,} {noun}" if matched != total or view else f"{total:,} {noun}"))
        pane = self.query_one(ReadingPane)
        if not found.rowids:
            pane.clear("Nothing matches")
            self.current = None
            self.query_one(EntitySidebar).show_nothing()
        elif pane.article is None:
            pane.clear("Open an article with enter")
            self.query_one(EntitySidebar).show_nothing()

    def on_extracted(self, message: Extracted) -> None:
        article, extraction = message.article, message.extraction
        if self.current is not None and self.current.id == article.id and self.current.body == article.body:
            self.query_one(ReadingPane).set_extraction(extraction)
            self.query_one(EntitySidebar).show_extraction(extraction, article.lang, self.library.has_entities(article.lang))

    # -- messages from the panes ---------------------------------------------

    @on(Input.Changed, "#search")
    def _query_changed(self, event: Input.Changed) -> None:
        # A cleared filter keeps the cursor on the article it was on.
        self.run_search(keep=not event.value)

    def on_article_opened(self, message: ArticleOpened) -> None:
        self.read(message.rowid)

    def read(self, rowid: int) -> None:
        """Open an article in the reading pane (on the narrow layout, show the pane)."""
        article = self.library.article(rowid)
        if article is None:
            self.notify("That article is no longer in the index", severity="warning")
            return
        self.showing_summary = False
        self._open(article)
        if self.has_class("-narrow"):
            self.panes.reveal(self.query_one(ReadingPane))

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
            self.jobs.extract(article)
        else:
            sidebar.show_extraction(cached, article.lang, self.library.has_entities(article.lang))
        if not self.library.readonly:
            ids = self.library.story_ids(article) if self.story_read == "story" else [article.id]
            self.jobs.after(self.library.set_read(ids, True), lambda _: self.query_one(ArticleList).forget_rows())

    def _notice(self, article: Article) -> Text:
        """The pane's notice lines: the bookmark's note, and which text this is."""
        bookmarked = self.library.is_bookmarked(article.id)
        note = self.library.note_of(article.id) if bookmarked else ""
        fetching = article.id in self.fetching
        also = self.library.also_reported(article)
        return notice(bookmarked, note, fetching, self.library.has_full_text(article), self.showing_summary, also)

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
        self.panes.reveal(self.query_one("#search", Input))

    def action_leave_search(self) -> None:
        """Enter in the search box: on to the list it filtered."""
        self.set_focus(self.query_one(ArticleList))

    def action_escape(self) -> None:
        # ``self.focused``, not ``has_focus``: a focus set a moment ago (by a
        # key earlier in the same burst) has not been told to the widget yet.
        search = self.query_one("#search", Input)
        reading = isinstance(self.focused, (ReadingPane, EntitySidebar))
        if self.panes.leave_overlay():
            pass
        elif self.has_class("-narrow") and reading:
            self.panes.reveal(self.query_one(ArticleList))  # back to the list first; the filter stays
        elif self.focused is search:
            search.call_later(setattr, search, "value", "")  # after the keys already on their way to the box
            self.set_focus(self.query_one(ArticleList))
        elif search.value or self.bookmarked_only:
            self.bookmarked_only = False
            self.query_one(ArticleList).notes = None
            search.value = ""
            self.run_search(keep=True)
        elif reading:
            self.panes.reveal(self.query_one(ArticleList))

    def action_cycle(self, step: int) -> None:
        self.panes.cycle(step)

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

        self.jobs.after(change, done)

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

        self.jobs.after(change, done)

    def action_open_url(self) -> None:
        article = self._article_in_focus()
        if article is None or not article.url:
            self.notify("This article has no URL", severity="warning")
            return
        self.open_link(article.url)

    def open_link(self, url: str) -> None:
        self.notify(f"Opening {url}", markup=False, timeout=3)
        self.jobs.open_link(url, self.browser)

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

        from reader.ui.dialogs import LinksScreen  # the dialogs: imported when first shown, not before the first paint

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
        self.jobs.full_text(article)

    def on_full_text_failed(self, message: FullTextFailed) -> None:
        article = message.article
        self.fetching.discard(article.id)
        self.notify(f"No full text: {message.why}", severity="warning", markup=False, timeout=8)
        if self.current is not None and self.current.id == article.id:
            self._refresh_notice()

    def on_full_text_fetched(self, message: FullTextFetched) -> None:
        article, got, rowid = message.article, message.got, message.rowid
        self.fetching.discard(article.id)
        self.notify("Full text kept: it is searchable now", timeout=3)
        if self.current is not None and self.current.id == article.id:
            self.showing_summary = False
            self._open(got)
        if rowid is not None:
            self._search(True, rowid)

    # -- layout (its states and moves: reader.ui.layout) ----------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.panes.focused(event.widget)

    def action_toggle_sidebar(self) -> None:
        self.panes.toggle_sidebar()

    def action_maximise(self) -> None:
        self.panes.maximise()

    def action_filter_entity(self) -> None:
        """f anywhere: every article with the entity selected in the sidebar
        (the first one when an article opens)."""
        if self.current is None:
            self.notify("Open an article first", severity="warning")
            return
        self.query_one(EntitySidebar).action_filter()

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

                self.jobs.after(self.library.set_note(article.id, note), saved)

        from reader.ui.dialogs import NoteScreen

        self.app.push_screen(NoteScreen(article.title, self.library.note_of(article.id)), save)
