"""What the user marks on articles: bookmarks with their notes, and read state."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future

from reader.library.session import Session
from reader.model import Bookmark, ListRow
from reader.store import StoreError


class Marks:
    """Bookmarks, notes and read state, saved in ``state.db`` through the writer."""

    def __init__(self, session: Session, scope: Callable[[], list[str]], feed_folders: Callable[[], set[str]]) -> None:
        self.session = session
        self.scope = scope  # the roots in view
        self.feed_folders = feed_folders  # the items.db folders of the feeds subscribed to

    def row_of(self, article_id: str) -> ListRow | None:
        index = self.session.index
        for _ in range(3):  # another process may index its file again in between, under a new rowid
            rowid = index.rowid_of(article_id)
            if rowid is None:
                return None
            row = index.rows([rowid]).get(rowid)
            if row is not None:
                return row
        return None

    def set_bookmark(self, article_id: str, on: bool, note: str | None = None) -> Future[bool]:
        """Bookmark an article or remove its bookmark; the future tells
        whether anything changed."""
        state_w = self.session.state_w
        if not on:
            return self.session.save(lambda: self._remove_bookmark(article_id))
        row = self.row_of(article_id)
        if row is None:
            failed: Future[bool] = Future()
            failed.set_exception(StoreError(f"no article with id {article_id}"))
            return failed

        def add() -> bool:
            state_w.add_bookmark(row, note)
            return True

        return self.session.save(add)

    def _remove_bookmark(self, article_id: str) -> bool:
        """Remove a bookmark; an item of a feed unsubscribed from, kept for
        it alone, goes with it (the bookmark first: a kill in between leaves
        the item, as before)."""
        gone = self.session.state_w.remove_bookmark(article_id)
        folder = self.session.items.folder_of(article_id)
        if gone and folder is not None and folder not in self.feed_folders():
            self.session.items.remove_folder(folder, self.session.state_w.bookmarked())
        return gone

    def toggle_bookmark(self, article_id: str) -> tuple[bool, Future[bool]]:
        on = not self.session.state.is_bookmarked(article_id)
        return on, self.set_bookmark(article_id, on)

    def set_note(self, article_id: str, note: str) -> Future[None]:
        def change() -> None:
            if not self.session.state_w.set_note(article_id, note):
                raise StoreError(f"{article_id} is not bookmarked")

        return self.session.save(change)

    def set_read(self, article_ids: Sequence[str], read: bool) -> Future[None]:
        return self.session.save(lambda: self.session.state_w.set_read(article_ids, read))

    def toggle_read(self, article_id: str) -> tuple[bool, Future[None]]:
        read = not self.session.state.is_read(article_id)
        return read, self.set_read([article_id], read)

    def bookmarks(self) -> list[Bookmark]:
        """Each as the library in view shows its article now (a feed renamed,
        a title changed), else as it was when bookmarked; missing when
        ``reader show ID`` cannot read it: neither in view nor a fetched
        item kept in ``items.db`` (a removed feed's bookmarked item is)."""
        marks = self.session.state.bookmarks()
        present = self.session.index.present((m[0] for m in marks), self.scope())
        kept = self.session.items.holding([m[0] for m in marks if m[0] not in present])
        return [
            Bookmark(i, *present.get(i, (t, d, s, u)), n, at, bool(read), i not in present and i not in kept)
            for i, t, d, s, u, n, at, read in marks
        ]

    def import_bookmarks(self, items: Iterable[Bookmark]) -> Future[int]:
        """Merge bookmarks: one already here keeps its own note and time."""
        listed = list(items)
        return self.session.save(lambda: self.session.state_w.import_bookmarks(listed))
