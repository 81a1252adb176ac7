"""The main screen's part in following the news: fetching, the unread, the sources picker, saved searches and their alerts, entity pages and trends."""

from __future__ import annotations

from textual.screen import Screen
from textual.widgets import Input

from reader.library import Library
from reader.model import Article, ReaderError, SavedSearch, summarise
from reader.ui.article_list import ArticleList
from reader.ui.jobs import Alerted, Fetched, Jobs, SourcesCounted
from reader.ui.messages import EntityPageWanted


class Following(Screen[None]):
    """The actions and handlers of following: what a fetch brings (its
    notification, its alerts), what is still unread, where it comes from
    (the sources picker), the questions kept open (saved searches) and the
    names (entity pages, trends). The main screen, its subclass, gives it the
    library, the jobs, and the few steps of its own these go on to. Its
    message handlers are its own alone: Textual calls the handler of every
    class that defines one."""

    library: Library
    jobs: Jobs
    alert_command: str  # the config's command run for each alert of a fetch
    story_read: str  # the config's: a story is read whole ("story") or each article alone ("article")

    # -- the main screen's own steps ------------------------------------------

    def refresh_library(self) -> None:
        raise NotImplementedError

    def run_search(self, keep: bool = False) -> None:
        raise NotImplementedError

    def _refreshed(self, warnings: list[str]) -> None:
        raise NotImplementedError

    def _set_status(self, **parts: str) -> None:
        raise NotImplementedError

    def _article_in_focus(self) -> Article | None:
        raise NotImplementedError

    def read(self, rowid: int) -> None:
        raise NotImplementedError

    # -- fetching -----------------------------------------------------------

    def _fetch_on_schedule(self) -> None:
        if self.library.has_feeds():
            self.jobs.fetch([], self.alert_command)

    def action_refresh(self) -> None:
        feeds = self.library.has_feeds()
        self.notify("Reading every folder again" + (" and fetching every feed" if feeds else ""), timeout=2)
        self.refresh_library()
        if feeds:
            self.jobs.fetch([], self.alert_command)

    def action_fetch_current(self) -> None:
        article = self._article_in_focus()
        feed = self.library.feed_of(article) if article is not None else None
        if feed is None:
            self.notify("Reading the folders again", timeout=2)
            self.refresh_library()
            return
        self.notify(f"Fetching {feed}", markup=False, timeout=2)
        self.jobs.fetch([feed], self.alert_command)

    def on_fetched(self, message: Fetched) -> None:
        report = message.report
        notes = summarise(n.message for n in report.notes)
        self._fetched(report.feeds, report.new, report.updated, [e["error"] for e in report.errors], message.warnings, notes)

    def _fetched(self, feeds: int, new: int, updated: int, errors: list[str], warnings: list[str], notes: list[str]) -> None:
        """The fetch in one notification; routine notes on items (no date…)
        as how many, each kept with its feed in the sources picker."""
        self._set_status(fetch="")
        failed = ""
        if len(errors) == 1:
            failed = f"; 1 failed: {errors[0]}"
        elif errors:
            failed = f"; {len(errors)} failed (s shows which), the first: {errors[0]}"
        self.notify(
            "\n".join([f"{feeds:,} feed{'s' if feeds != 1 else ''}: {new:,} new, {updated:,} updated{failed}", *notes]),
            severity="warning" if errors else "information",
            markup=False,
            timeout=6,
        )
        self._refreshed(warnings)

    def on_alerted(self, message: Alerted) -> None:
        """Each alert of a fetch: the search and up to three new titles."""
        for alert in message.alerts:
            titles = "\n".join(f"• {title}" for title in alert.titles[:3])
            more = f"\n… and {len(alert.new) - 3} more" if len(alert.new) > 3 else ""
            self.notify(titles + more, title=f"{alert.search}: {len(alert.new)} new", markup=False, timeout=12)
        if message.problem:
            self.notify(message.problem, severity="error", markup=False, timeout=8)

    # -- the unread ---------------------------------------------------------------

    def action_mark_all_read(self) -> None:
        articles = self.query_one(ArticleList)
        if not articles.rowids:
            return
        # Only these change: the count says what A did. A story is read whole, or each article alone (story_read).
        ids = self.library.unread_among(articles.rowids, whole_stories=self.story_read == "story")
        if not ids:
            many = len(articles.rowids) > 1
            self.notify(
                f"All {len(articles.rowids):,} articles here are read already" if many else "This article is read already", timeout=3
            )
            return

        def done(_: None) -> None:
            self.notify(f"Marked {len(ids):,} article{'s' if len(ids) != 1 else ''} read", timeout=3)
            articles.forget_rows()

        self.jobs.after(self.library.set_read(ids, True), done)

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

    # -- sources and saved searches -------------------------------------------

    def action_sources(self) -> None:
        self.jobs.sources(by_story=self.story_read == "story")  # a story read is read whole: counted whole

    def on_sources_counted(self, message: SourcesCounted) -> None:
        def chosen(name: str | SavedSearch | None) -> None:
            if name is not None:
                search = self.query_one("#search", Input)
                if isinstance(name, SavedSearch):
                    search.value = name.query  # what it matches, live: the list follows the index
                else:
                    search.value = f'in:"{name}"' if name else ""
                self.query_one(ArticleList).focus()

        # The picker, the dialogs and the pages are imported when first shown, not before the first paint.
        from reader.ui.sources import SourcesScreen

        if not isinstance(self.app.screen, SourcesScreen):
            self.app.push_screen(SourcesScreen(message.sources, message.searches, message.by_story), chosen)

    def action_save_search(self) -> None:
        query = self.query_one("#search", Input).value.strip()
        if not query:
            self.notify("Type a search first (/), then S saves it", severity="warning", timeout=4)
            return

        def save(answer: tuple[str, bool, bool] | None) -> None:
            if answer is None:
                return
            name, alert, mute = answer
            try:
                change = self.library.save_search(name, query, alert, mute)
            except ReaderError as error:
                self.notify(str(error), severity="error", markup=False)
                return
            self.jobs.after(
                change, lambda new: self.notify(f"{'Saved' if new else 'Replaced'} the search «{name}» (s lists it)", markup=False)
            )
            if mute:
                self.jobs.after(change, lambda _: self.run_search(keep=True))

        from reader.ui.dialogs import SaveSearchScreen

        self.app.push_screen(SaveSearchScreen(query), save)

    # -- entity pages and trends ----------------------------------------------

    def on_entity_page_wanted(self, message: EntityPageWanted) -> None:
        from reader.ui.entity_page import EntityPageScreen

        self.app.push_screen(EntityPageScreen(self.library, message.name, message.kind), self._read_from_page)

    def action_trends(self) -> None:
        from reader.ui.trends import TrendsScreen

        self.app.push_screen(TrendsScreen(self.library), self._read_from_page)

    def _read_from_page(self, rowid: int | None) -> None:
        """An article chosen on an entity page: read it here."""
        if rowid is not None:
            self.read(rowid)
