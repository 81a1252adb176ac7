"""``reader export --markdown DIR``: every fetched item as the Markdown article with front matter it is, one folder a feed.

* An item is written as the reader stores it (front matter: id, title, date,
  source, url, feed, author, tags, lang). When its full text is kept, the
  body is that full text, as the reading pane shows it, and the front matter
  says ``full_text: true``; the feed's summary is then left out.
* A feed's folder is named after the feed (its name when subscribed, else
  the ``source:`` of its items), made safe for any file system and unique.
* ``DIR`` must be new, empty, or an earlier export: ``.reader-export.json``
  lists the files an export wrote, and only those are ever replaced or
  removed (an item gone since). A file of anybody else's is never
  overwritten: the export refuses before writing anything. The list is
  written first with every file about to be written, so an export cut
  short is still known as one.
* Each file is written whole (a temporary file, then a rename).
"""

from __future__ import annotations

import contextlib
import json
import re
import unicodedata
from pathlib import Path

from reader import corpus
from reader.feeds.write import ITEM_FILE, atomic_write
from reader.library.session import Session
from reader.library.sources import Sources
from reader.model import Exported, ReaderError

MANIFEST = ".reader-export.json"
NAME_CHARS = 80  # a folder's name at most (file systems allow 255 bytes)
_SOURCE_LINE = re.compile(r'^source: (".*")$', re.MULTILINE)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def export_markdown(session: Session, sources: Sources, target: Path) -> Exported:
    """Write every fetched item under ``target``; the counts."""
    target = target.absolute()
    data_dir, resolved = session.data_dir.resolve(), target.resolve()
    if resolved == data_dir or data_dir in resolved.parents:
        raise ReaderError(f"{target}: inside the data dir; export to a folder outside it")
    planned = _plan(session, sources)
    earlier = _earlier_export(target)
    files = {f"{folder}/{item_id}.md": item_id for folder, ids in planned.items() for item_id in ids}
    clashes = [name for name in files if name not in earlier and (target / name).exists()]
    if clashes:
        raise ReaderError(f"{target / clashes[0]}: exists and was not written by an export; nothing was written")
    target.mkdir(parents=True, exist_ok=True)
    atomic_write(target / MANIFEST, _manifest(sorted(set(files) | earlier)))  # an export cut short is still one
    for name, item_id in files.items():
        data = session.items.data(item_id)
        if data is None:  # removed by a fetch meanwhile
            continue
        path = target / name
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, _article(session, item_id, data))
    for name in sorted(earlier - set(files)):  # items gone since the earlier export
        with contextlib.suppress(FileNotFoundError):
            (target / name).unlink()
        with contextlib.suppress(OSError):  # not empty: it holds somebody's files
            (target / name).parent.rmdir()
    atomic_write(target / MANIFEST, _manifest(sorted(files)))
    return Exported(len(files), sum(1 for ids in planned.values() if ids), target)


def _plan(session: Session, sources: Sources) -> dict[str, list[str]]:
    """Each feed's export name and its items' ids (a feed unsubscribed from keeps its bookmarked items: they are exported too)."""
    subscribed = {Path(sources.root(feed.source)).name: feed.source.name for feed in session.state.feeds()}
    planned: dict[str, list[str]] = {}
    taken: set[str] = set()
    for folder in session.items.folders():
        ids = session.items.ids(folder)
        if not ids:
            continue
        name = subscribed.get(folder) or _source_of(session.items.data(ids[0]) or b"") or folder
        planned[_unique(folder_name(name), taken)] = ids
    return planned


def folder_name(name: str) -> str:
    """A feed's name as a folder's: no separators, controls or characters
    some file system refuses, no leading dot, at most :data:`NAME_CHARS`."""
    safe = _UNSAFE.sub(" ", unicodedata.normalize("NFC", name)).strip().lstrip(".").strip()
    return re.sub(r"\s+", " ", safe)[:NAME_CHARS].strip() or "feed"


def _unique(name: str, taken: set[str]) -> str:
    """The name, or with `` (2)``, `` (3)``... when another folder has it (case folded, as some file systems do)."""
    candidate, number = name, 1
    while candidate.casefold() in taken:
        number += 1
        candidate = f"{name} ({number})"
    taken.add(candidate.casefold())
    return candidate


def _source_of(item: bytes) -> str:
    """The ``source:`` an item's front matter names (an unsubscribed feed's name)."""
    found = _SOURCE_LINE.search(item[:4096].decode("utf-8", "replace"))
    try:
        return str(json.loads(found.group(1))) if found else ""
    except ValueError:
        return ""


def _article(session: Session, item_id: str, data: bytes) -> bytes:
    """The item; with its kept full text as the body when there is one."""
    kept = session.documents.full_text(item_id)
    if kept is None:
        return data
    front, _ = corpus.front_and_body(data.decode("utf-8", "replace"))
    _, body = corpus.front_and_body(kept.decode("utf-8", "replace"))
    return f"---\n{front}full_text: true\n---\n\n{body.strip()}\n".encode()


def _earlier_export(target: Path) -> set[str]:
    """The files an earlier export wrote into ``target`` (none: it is new or
    empty). Refuses a folder that holds anything else."""
    if target.exists() and not target.is_dir():
        raise ReaderError(f"{target}: a file, not a folder")
    manifest = target / MANIFEST
    if manifest.exists():
        try:
            listed = json.loads(manifest.read_text(encoding="utf-8"))["files"]
            return {str(name) for name in listed if _inside(str(name))}
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ReaderError(f"{manifest}: cannot be read ({error}); export to a new folder") from None
    if target.exists() and any(target.iterdir()):
        raise ReaderError(f"{target}: not empty and not an earlier export; export to a new or empty folder")
    return set()


def _inside(name: str) -> bool:
    """A name a manifest may list: a file in a folder of the export, never elsewhere."""
    parts = Path(name).parts
    return len(parts) == 2 and not Path(name).is_absolute() and ".." not in parts and ITEM_FILE.fullmatch(parts[1]) is not None


def _manifest(files: list[str]) -> bytes:
    return json.dumps({"written by": "reader export --markdown", "version": 1, "files": files}, ensure_ascii=False, indent=1).encode()
