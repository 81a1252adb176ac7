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

from reader import corpus, fulltext
from reader.feeds.write import atomic_write
from reader.library.session import Session
from reader.library.sources import Sources
from reader.model import Exported, ReaderError

MANIFEST = ".reader-export.json"
NAME_CHARS = 80  # a folder's name at most (file systems allow 255 bytes)
_ITEM = re.compile(r"[0-9a-f]{16}\.md")
_SOURCE_LINE = re.compile(r'^source: (".*")$', re.MULTILINE)
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')


def export_markdown(session: Session, sources: Sources, target: Path) -> Exported:
    """Write every fetched item under ``target``; the counts."""
    feeds_dir = session.data_dir / "feeds"
    target = target.absolute()
    data_dir, resolved = session.data_dir.resolve(), target.resolve()
    if resolved == data_dir or data_dir in resolved.parents:
        raise ReaderError(f"{target}: inside the data dir; export to a folder outside it")
    planned = _plan(sources, feeds_dir)
    earlier = _earlier_export(target)
    files = {f"{folder}/{item.name}": item for folder, items in planned.items() for item in items}
    clashes = [name for name in files if name not in earlier and (target / name).exists()]
    if clashes:
        raise ReaderError(f"{target / clashes[0]}: exists and was not written by an export; nothing was written")
    target.mkdir(parents=True, exist_ok=True)
    atomic_write(target / MANIFEST, _manifest(sorted(set(files) | earlier)))  # an export cut short is still one
    for name, item in files.items():
        path = target / name
        path.parent.mkdir(exist_ok=True)
        atomic_write(path, _article(session.data_dir, item))
    for name in sorted(earlier - set(files)):  # items gone since the earlier export
        with contextlib.suppress(FileNotFoundError):
            (target / name).unlink()
        with contextlib.suppress(OSError):  # not empty: it holds somebody's files
            (target / name).parent.rmdir()
    atomic_write(target / MANIFEST, _manifest(sorted(files)))
    return Exported(len(files), sum(1 for items in planned.values() if items), target)


def _plan(sources: Sources, feeds_dir: Path) -> dict[str, list[Path]]:
    """Each feed folder's export name and its items (a feed unsubscribed since keeps its folder: its items too)."""
    subscribed = {Path(sources.root(feed.source)).name: feed.source.name for feed in sources.session.state.feeds()}
    planned: dict[str, list[Path]] = {}
    taken: set[str] = set()
    try:
        folders = sorted(p for p in feeds_dir.iterdir() if p.is_dir())
    except FileNotFoundError:
        return planned
    for folder in folders:
        items = sorted(p for p in folder.iterdir() if _ITEM.fullmatch(p.name))
        if not items:
            continue
        name = _unique(folder_name(subscribed.get(folder.name) or _source_of(items[0]) or folder.name), taken)
        planned[name] = items
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


def _source_of(item: Path) -> str:
    """The ``source:`` an item's front matter names (an unsubscribed feed's name)."""
    try:
        with open(item, encoding="utf-8", errors="replace") as handle:
            found = _SOURCE_LINE.search(handle.read(4096))
        return str(json.loads(found.group(1))) if found else ""
    except (OSError, ValueError):
        return ""


def _article(data_dir: Path, item: Path) -> bytes:
    """The item's file; with its kept full text as the body when there is one."""
    data = item.read_bytes()
    kept = fulltext.kept(data_dir, item.stem)
    if kept is None:
        return data
    front, _ = corpus.front_and_body(data.decode("utf-8", "replace"))
    _, body = corpus.front_and_body(kept.read_text(encoding="utf-8", errors="replace"))
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
    return len(parts) == 2 and not Path(name).is_absolute() and ".." not in parts and _ITEM.fullmatch(parts[1]) is not None


def _manifest(files: list[str]) -> bytes:
    return json.dumps({"written by": "reader export --markdown", "version": 1, "files": files}, ensure_ascii=False, indent=1).encode()
