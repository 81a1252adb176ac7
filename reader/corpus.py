"""Find article files and parse them into :class:`Article` values.

Two formats (SPEC §2): Markdown with YAML front matter, and the raw seed
format. Files are only ever read. Whatever is wrong with a file is raised as
:class:`ArticleError` (the file cannot be loaded) or returned as a note (it
was loaded as well as it could be); callers show either as one warning.
"""

from __future__ import annotations

import codecs
import dataclasses
import datetime as dt
import functools
import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from reader.model import UNDATED, Article, ReaderError, Rendered, Warning_
from reader.sanitize import clean_line, clean_text, legacy_codec
from reader.text.lang import detect
from reader.text.markdown import render

if TYPE_CHECKING:
    from frontmatter.default_handlers import BaseHandler

SUFFIXES = frozenset({".md", ".markdown", ".txt"})
MARKDOWN_SUFFIXES = frozenset({".md", ".markdown"})
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_BODY_CHARS = 300_000
CUT_NOTE = f"body cut to its first {MAX_BODY_CHARS:,} characters"
TITLE_CHARS = 120

_SEED_FIRST_LINE = re.compile(r"[ \t]*date[ \t]+(\d{4}-\d{2}-\d{2})(?:[ \t]+(https?://\S+))?[ \t]*(.*)")
_HEX_ID = re.compile(r"(?<![0-9a-f])[0-9a-f]{16}(?![0-9a-f])")
_VALID_ID = re.compile(r"[\w.:-]{1,64}")
_AGENCY = re.compile(r"/Корр\.[ \t]*([^/\n]{1,40})/|\b[А-ЯЁA-Z-]{3,40}, \d{1,2} [^\W\d]{3,9}\.? [—–-] ([^\W\d][\w ]{1,30}?)\.")
_DATELINE = re.compile(r"\d{1,2} [^\W\d]{3,9}, [^/\n]{1,40}/Корр\.[^/\n]{1,40}/\.\s*")
_HOSTS = {"belta.by": "БЕЛТА", "sputniknews.ru": "Sputnik", "sputniknews.com": "Sputnik"}


class ArticleError(ReaderError):
    """A file that cannot be loaded as an article."""


@dataclass(frozen=True, slots=True)
class Loaded:
    article: Article
    note: str | None  # what was wrong but mended, said once
    rendered: Rendered | None = None  # a Markdown body's formatting (article.body is its text)


@dataclass(frozen=True, slots=True)
class FileInfo:
    path: str
    size: int
    mtime_ns: int


def discover(paths: Iterable[Path]) -> tuple[list[FileInfo], list[Warning_]]:
    """Every article file under ``paths`` with its size and mtime, sorted by
    path, and what could not be walked.

    Folders are walked with ``os.scandir`` (one stat a file) without
    following symbolic links to folders, so a link loop cannot trap the
    walk; hidden files and folders are passed over.
    """
    found: dict[str, FileInfo] = {}
    warnings: list[Warning_] = []
    for path in paths:
        try:
            if path.is_dir():
                _walk(str(path.absolute()), found, warnings)
            elif path.is_file():
                st = path.stat()
                name = str(path.absolute())
                found[name] = FileInfo(name, st.st_size, st.st_mtime_ns)
            else:
                warnings.append(Warning_(str(path), "no such file or folder"))
        except OSError as error:
            warnings.append(Warning_(str(path), os_reason(error)))
    return [found[k] for k in sorted(found)], warnings


def _walk(root: str, found: dict[str, FileInfo], warnings: list[Warning_]) -> None:
    folders = [root]
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            warnings.append(Warning_(folder, os_reason(error)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(entry.path)
                    continue
                if os.path.splitext(entry.name)[1].lower() not in SUFFIXES:
                    continue
                if entry.is_file():
                    st = entry.stat()
                    found[entry.path] = FileInfo(entry.path, st.st_size, st.st_mtime_ns)
                else:
                    warnings.append(Warning_(entry.path, "not a regular file (a broken or looping link?)"))
            except OSError as error:
                warnings.append(Warning_(entry.path, os_reason(error)))


def os_reason(error: OSError) -> str:
    return error.strerror.lower() if error.strerror else type(error).__name__


def read_bytes(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise ArticleError(f"larger than {MAX_FILE_BYTES // 2**20} MiB; skipped")
        return path.read_bytes()
    except FileNotFoundError as error:
        raise ArticleError("vanished before it could be read") from error
    except IsADirectoryError as error:
        raise ArticleError("is a folder") from error
    except OSError as error:
        raise ArticleError(f"cannot be read: {os_reason(error)}") from error


def content_hash(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def load(path: Path, data: bytes | None = None) -> Loaded:
    """Parse one file. Raises :class:`ArticleError` when it holds no article."""
    raw = read_bytes(path) if data is None else data
    text, notes = decode(raw)
    if not text.strip():
        raise ArticleError("empty file")
    match = _SEED_FIRST_LINE.match(text) if path.suffix.lower() == ".txt" else None
    rendered: list[Rendered] = []
    article = _from_seed(path, text, match) if match else _from_markdown(path, text, notes, rendered)
    if len(article.body) > MAX_BODY_CHARS:
        if CUT_NOTE not in notes:
            notes.append(CUT_NOTE)
        article = dataclasses.replace(article, body=article.body[:MAX_BODY_CHARS])
    return Loaded(article, "; ".join(notes) or None, rendered[0] if rendered else None)


def decode(data: bytes) -> tuple[str, list[str]]:
    """Text of a file: UTF-8 (with or without BOM), UTF-16 by BOM, else cp1251 for
    Cyrillic, else Latin-1. Raises :class:`ArticleError` for binary data."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            notes = [] if codec == "utf-8" else [f"decoded as {codec.upper()}"]
            return data[len(bom) :].decode(codec, errors="replace"), notes
    head = data[:65536]
    if head.count(0) > len(head) // 10:
        raise ArticleError("binary data, not text")
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    codec = legacy_codec(data, "windows-1252")  # Latin-1 but for the «smart quotes» Windows writes
    text = data.decode(codec, errors="replace")
    controls = sum(1 for c in text[:65536] if c < " " and c not in "\t\n\r\f")
    if controls > len(text[:65536]) // 20:
        raise ArticleError("binary data, not text")
    return text, [f"not UTF-8; decoded as {codec}"]


def _from_seed(path: Path, text: str, match: re.Match[str]) -> Article:
    date, url, rest = match.group(1), match.group(2) or "", match.group(3)
    lines = [rest, *text[match.end() :].splitlines()]
    body = clean_text("\n\n".join(line.strip() for line in lines if line.strip()))
    return Article(
        id=_id_for(path, None, url),
        title=_title_from(body, url, path),
        date=_valid_date(date) or _file_date(path),
        source=_source_from(body, url),
        url=clean_line(url),
        lang=detect(body),
        tags=(),
        body=body,
        path=str(path),
    )


def _from_markdown(path: Path, text: str, notes: list[str], rendered: list[Rendered]) -> Article:
    meta: dict[str, object] = {}
    body = text
    if text.startswith("---"):
        import frontmatter
        import yaml

        try:
            post = frontmatter.loads(text, handler=_front_matter())
            meta, body = dict(post.metadata), post.content
        except yaml.constructor.ConstructorError:
            notes.append("front matter refused: it has a YAML tag")
            body = front_and_body(text)[1]
        except (yaml.YAMLError, ValueError, TypeError):
            notes.append("front matter is not valid YAML; read as text")
            body = front_and_body(text)[1]
        if not isinstance(meta, dict):
            notes.append("front matter is not a mapping; ignored")
            meta = {}
    body = clean_text(body).strip("\n")
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        # The body as shown: what the index keeps, search and entities read, the pane shows.
        # A huge body is cut before it is parsed (rendering never makes text much longer).
        if len(body) > MAX_BODY_CHARS:
            notes.append(CUT_NOTE)
            body = body[:MAX_BODY_CHARS]
        rendered.append(render(body))
        body = rendered[0].text
    if not body.strip() and "feed" not in meta:  # a feed item may be a title and a link, and often is
        notes.append("no body text")
    url = _meta_str(meta, "url")
    title = _meta_str(meta, "title") or _title_from(body, url, path)
    date = _meta_date(meta.get("date"))
    at = _meta_time(meta.get("date")) if date else ""
    if date is None:
        notes.append("no valid date; the file's date is used")
        date = _file_date(path)
    elif meta.get("undated") is True:  # a fetched item that came with none
        notes.append(UNDATED)
    tags = meta.get("tags")
    if isinstance(tags, str):
        tags = tags.split(",")
    return Article(
        id=_id_for(path, _meta_str(meta, "id"), url),
        title=title,
        date=date,
        source=_meta_str(meta, "source") or _source_from(body, url),
        url=url,
        lang=_meta_str(meta, "lang").lower() or detect(body),
        tags=tuple(t for t in (clean_line(str(x)) for x in tags) if t) if isinstance(tags, list) else (),
        body=body,
        path=str(path),
        at=at,
    )


_JSON_STRING = r'"(?:[^"\\\x00-\x1f\x85\u2028\u2029]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"'
# ``key: "string"`` and ``key: ["string", ...]`` (how feed items are written,
# see reader.feeds.write): JSON strings, which YAML reads the same way.
_SIMPLE_FRONT_MATTER = re.compile(rf"(?:[A-Za-z_][A-Za-z0-9_-]*: (?:{_JSON_STRING}|\[(?:{_JSON_STRING}(?:, {_JSON_STRING})*)?\])\n)*")


@functools.cache
def _front_matter() -> BaseHandler:
    """The front matter's reader, made on the first file read (python-frontmatter
    and PyYAML are not imported before the app's first paint, 30 ms)."""
    from frontmatter.default_handlers import YAMLHandler

    class FrontMatter(YAMLHandler):
        """YAML front matter; the simple kind every feed item has is read as
        the JSON it also is, ten times faster than PyYAML's safe loader."""

        def load(self, fm: str, **kwargs: object) -> dict[str, object]:
            block = fm.strip("\n") + "\n"
            if _SIMPLE_FRONT_MATTER.fullmatch(block):
                return {key: json.loads(value) for key, value in (line.split(": ", 1) for line in block.splitlines())}
            return super().load(fm, **kwargs)  # type: ignore[no-any-return]

    return FrontMatter()


def front_and_body(text: str) -> tuple[str, str]:
    """A file's front matter (the lines between its opening ``---`` line and
    the next; "" when there is no second) and the text after it."""
    end = text.find("\n---", 3)
    if end < 0:
        return "", text
    newline = text.find("\n", end + 4)
    return text[text.find("\n") + 1 : end + 1], "" if newline < 0 else text[newline + 1 :]


def _meta_str(meta: dict[str, object], key: str) -> str:
    value = meta.get(key)
    if value is None or isinstance(value, (dict, list)):
        return ""
    return clean_line(str(value))


def _meta_date(value: object) -> str | None:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return _valid_date(value.strip()[:10])
    return None


def _meta_time(value: object) -> str:
    """A datetime's time of day in UTC (naive ones taken as UTC), ISO; ""
    for a bare date."""
    if isinstance(value, str) and len(value.strip()) > 10:
        try:
            value = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            return ""
    if not isinstance(value, dt.datetime):
        return ""
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC)
    return value.strftime("%H:%M:%SZ")


def _valid_date(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _file_date(path: Path) -> str:
    try:
        return dt.date.fromtimestamp(path.stat().st_mtime).isoformat()
    except (OSError, OverflowError, ValueError):
        return "1970-01-01"


def _id_for(path: Path, given: str | None, url: str) -> str:
    if given and _VALID_ID.fullmatch(given):
        return given
    found = _HEX_ID.search(path.stem)
    if found:
        return found.group(0)
    basis = f"url:{url}" if url else f"path:{path.absolute()}"
    return hashlib.sha1(basis.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _source_from(body: str, url: str) -> str:
    agency = _AGENCY.search(body[:600])
    if agency:
        return clean_line(agency.group(1) or agency.group(2))
    host = urlsplit(url).hostname or ""
    for known, name in _HOSTS.items():
        if host == known or host.endswith("." + known):
            return name
    return host.removeprefix("www.") or "unknown"


def _title_from(body: str, url: str, path: Path) -> str:
    """The first sentence of the body (after a dateline), else the URL slug,
    else the file name: never empty."""
    text = _DATELINE.sub("", body.split("\n\n", 1)[0], count=1).strip().lstrip("#").strip()
    title = _first_sentence(text)
    if not title and url:
        slug = urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]
        title = re.sub(r"[-_]+", " ", re.sub(r"(\.html?|[-_]\d+)$", "", slug)).strip().capitalize()
    return clean_line(title) or path.stem


def _first_sentence(text: str) -> str:
    depth = 0
    for index, char in enumerate(text[: TITLE_CHARS * 4]):
        if char in "«“(":
            depth += 1
        elif char in "»”)":
            depth = max(0, depth - 1)
        elif char in ".!?" and depth == 0 and text[index + 1 : index + 2] in (" ", "\n", ""):
            text = text[: index + (char != ".")]
            break
    if len(text) <= TITLE_CHARS:
        return text
    return text[:TITLE_CHARS].rsplit(" ", 1)[0].rstrip(",;:—- ") + "…"
