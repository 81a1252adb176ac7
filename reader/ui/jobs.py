"""The main screen's slow work on worker threads: each job posts what it found as a message, and never touches a widget."""

from __future__ import annotations

import threading
import time
from array import array
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any, TypeVar

from textual.message import Message
from textual.widget import Widget
from textual.worker import get_current_worker

from reader.library import Library
from reader.model import Alert, Article, Extraction, FetchReport, Found, ReaderError, SavedSearch, Source

T = TypeVar("T")
SETTLE_S = 0.3  # file events closer than this are one change


class JobMessage(Message, bubble=False):
    """What a job tells the screen that started it."""


class StatusSaid(JobMessage):
    def __init__(self, **parts: str) -> None:
        super().__init__()
        self.parts = parts


class Told(JobMessage):
    """A notification for the user (plain text: never read as markup)."""

    def __init__(self, text: str, severity: str = "information", timeout: float | None = None) -> None:
        super().__init__()
        self.text = text
        self.severity = severity
        self.timeout = timeout


class Refreshed(JobMessage):
    def __init__(self, warnings: list[str]) -> None:
        super().__init__()
        self.warnings = warnings


class FoldersChanged(JobMessage):
    """A file changed in a folder in view."""


class SearchFound(JobMessage):
    """What a search found, and the rows to show for it (one a story, unless the search is for bookmarks)."""

    def __init__(self, found: Found, shown: array[int], keep: bool, keep_rowid: int | None) -> None:
        super().__init__()
        self.found = found
        self.shown = shown
        self.keep = keep
        self.keep_rowid = keep_rowid


class Extracted(JobMessage):
    def __init__(self, article: Article, extraction: Extraction) -> None:
        super().__init__()
        self.article = article
        self.extraction = extraction


class Fetched(JobMessage):
    def __init__(self, report: FetchReport, warnings: list[str]) -> None:
        super().__init__()
        self.report = report
        self.warnings = warnings


class Alerted(JobMessage):
    """The alerts of a fetch, and why ``alert_command`` did not start (None: it did, or there is none)."""

    def __init__(self, alerts: list[Alert], problem: str | None) -> None:
        super().__init__()
        self.alerts = alerts
        self.problem = problem


class SourcesCounted(JobMessage):
    def __init__(self, sources: list[Source], searches: list[SavedSearch], by_story: bool = False) -> None:
        super().__init__()
        self.sources = sources
        self.searches = searches
        self.by_story = by_story  # counted in stories, not articles


class FullTextFetched(JobMessage):
    def __init__(self, article: Article, got: Article, rowid: int | None) -> None:
        super().__init__()
        self.article = article
        self.got = got
        self.rowid = rowid


class FullTextFailed(JobMessage):
    def __init__(self, article: Article, why: str) -> None:
        super().__init__()
        self.article = article
        self.why = why


class Written(JobMessage):
    """A change the library's writer finished: ``then`` goes on with its result on the UI thread."""

    def __init__(self, then: Callable[[Any], object], result: object) -> None:
        super().__init__()
        self.then = then
        self.result = result


class Crashed(JobMessage):
    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class Jobs:
    """The jobs of one screen: each runs on a worker of the screen (an
    exclusive one where a newer run makes an older one moot) and posts its
    results back to it."""

    def __init__(self, screen: Widget, library: Library) -> None:
        self.screen = screen
        self.library = library
        self.watching = threading.Event()  # set: stop watching the folders

    def post(self, message: JobMessage) -> None:
        """Post to the screen, unless the app has stopped meanwhile: then the result has nowhere to go."""
        try:
            self.screen.post_message(message)
        except RuntimeError:
            if self.screen.app.is_running:
                raise  # a real fault; only a stopped app has nowhere to put the result

    def _run(self, job: Callable[[], None], group: str, exclusive: bool = True) -> None:
        self.screen.run_worker(job, thread=True, exclusive=exclusive, group=group)

    # -- the library's files -------------------------------------------------

    def refresh(self) -> None:
        """Read what changed in the sources, in a worker process."""

        def job() -> None:
            def progress(done: int, total: int) -> None:
                if total:
                    self.post(StatusSaid(index=f"indexing {done:,}/{total:,}"))

            try:
                warnings = self.library.refresh_elsewhere(progress)
            except (RuntimeError, ReaderError) as error:
                self.post(Told(str(error), "error"))
                warnings = []
            self.post(Refreshed(warnings))

        self._run(job, "refresh")

    def watch(self, folders: Sequence[Path]) -> None:
        """Say when a file changes in one of ``folders``: inotify through
        watchfiles (no polling of large trees), on a thread of its own that
        lives until :attr:`watching` is set (not a worker: it never completes)."""

        def watch() -> None:
            from watchfiles import watch

            for _ in watch(*folders, stop_event=self.watching, step=int(SETTLE_S * 1000), rust_timeout=1000, yield_on_timeout=False):
                if self.watching.is_set():
                    return
                self.post(FoldersChanged())

        threading.Thread(target=watch, daemon=True, name="reader-watch").start()

    def load_models(self) -> None:
        """The NER models, loaded once after the first paint, so the first
        article opened gets its highlights without the wait."""
        self._run(self.library.load_models, "models")

    def extract_all(self) -> None:
        """Entities for the whole library, in worker processes; the job only
        watches their progress."""

        def job() -> None:
            extraction = self.library.start_extraction()
            if extraction is None:
                return
            worker = get_current_worker()
            said = 0
            try:
                while extraction.running and not worker.is_cancelled:
                    self.post(StatusSaid(entities=f"entities {extraction.done():,}/{extraction.total:,}"))
                    for event in extraction.events[said:]:
                        self.post(Told(event, "warning"))
                    said = len(extraction.events)
                    time.sleep(0.25)
            finally:
                extraction.stop()
            failed = self.library.failed_extractions()
            self.post(StatusSaid(entities=f"entities failed on {failed:,}" if failed else ""))

        self._run(job, "extract-all")

    # -- what the reader looks at ---------------------------------------------

    def search(self, text: str, partial: bool, bookmarked_only: bool, keep: bool, keep_rowid: int | None = None) -> None:
        def job() -> None:
            found = self.library.search(text, partial=partial, bookmarked_only=bookmarked_only)
            shown = found.rowids if bookmarked_only else self.library.fold(found.rowids)  # here, not on the UI thread
            if not get_current_worker().is_cancelled:
                self.post(SearchFound(found, shown, keep, keep_rowid))

        self._run(job, "search")

    def extract(self, article: Article) -> None:
        def job() -> None:
            extraction = self.library.extraction(article)
            if not get_current_worker().is_cancelled:
                self.post(Extracted(article, extraction))

        self._run(job, "extract")

    def fetch(self, feeds: list[str], alert_command: str) -> None:
        """Fetch feeds in a worker process; new items show up as they are
        indexed (the screen's poll sees the index change). The fetch's alerts
        start ``alert_command`` (the config's), detached."""

        def job() -> None:
            def progress(done: int, total: int) -> None:
                self.post(StatusSaid(fetch=f"fetching {done:,}/{total:,}"))

            try:
                report, warnings = self.library.fetch_elsewhere(feeds, progress)
            except (RuntimeError, ReaderError) as error:
                self.post(StatusSaid(fetch=""))
                self.post(Told(str(error), "error"))
                return
            self.post(Fetched(report, warnings))
            alerts = [Alert.of(a) for a in report.alerts]
            if alerts:
                self.post(Alerted(alerts, self.library.run_alert_command(alert_command, alerts)))

        self._run(job, "fetch")

    def sources(self, by_story: bool = False) -> None:
        """The sources and saved searches with their counts, of articles or
        of stories (a search each: off the UI thread)."""

        def job() -> None:
            self.post(SourcesCounted(self.library.sources(by_story), self.library.saved_searches(by_story), by_story))

        self._run(job, "sources")

    def full_text(self, article: Article) -> None:
        def job() -> None:
            try:
                got = self.library.full_text(article)
            except ReaderError as error:
                self.post(FullTextFailed(article, str(error)))
                return
            row = self.library.row_of(article.id)
            self.post(FullTextFetched(article, got, row.rowid if row else None))

        self._run(job, "fulltext", exclusive=False)

    def open_link(self, url: str, browser: str) -> None:
        def job() -> None:
            problem = self.library.open_url(url, browser)
            if problem:
                self.post(Told(f"Not opened: {problem}", "error", 8))

        self._run(job, "browser", exclusive=False)

    def after(self, change: Future[T], then: Callable[[T], object]) -> None:
        """When a change made by the library's writer is done (never waited
        for here), ``then`` goes on with its result on the UI thread; a
        refusal is said, not raised."""

        def done(future: Future[T]) -> None:
            error = future.exception()
            if error is None:
                self.post(Written(then, future.result()))
            elif isinstance(error, ReaderError):
                self.post(Told(str(error), "error"))
            else:
                self.post(Crashed(error))

        if change.done():
            error = change.exception()
            if error is None:
                then(change.result())
            else:
                self.screen.notify(str(error), severity="error", markup=False)
            return
        change.add_done_callback(done)
