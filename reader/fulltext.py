"""Full text on demand: URL -> fetch -> main text -> Markdown -> a kept file.

Everything that can go wrong (offline, 404, a paywall or empty page, not
HTML, too large, too slow, a refused scheme) comes back as a
:class:`Failure` with one line to show, never as an exception.

The fetch uses the standard library's HTTP client: http and https only (a
redirect anywhere else is refused), a timeout on every socket operation and
a deadline on the whole read, a size cap on the bytes as received and again
after decompression, and an honest User-Agent. The main text is found by
trafilatura (the extractor with the best published scores on the
article-extraction benchmark among those on PyPI) and returned as Markdown.

A kept full text is a Markdown file with front matter under the data dir
(``<data_dir>/fulltext/<article id>.md``), never in a user's folder, so the
index stays rebuildable from files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import http.client
import os
import re
import socket
import time
import urllib.error
import urllib.request
import zlib
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from reader import __version__
from reader.model import word_count
from reader.sanitize import clean_line
from reader.text import article

USER_AGENT = f"reader/{__version__} (terminal news reader; full text on the reader's request)"
TIMEOUT_S = 15.0
MAX_BYTES = 8 * 1024 * 1024  # after decompression
MIN_WORDS = 40  # (or their worth in a script without spaces) less than this is a teaser, a paywall or an empty page
FOLDER = "fulltext"
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
_SAFE_ID = re.compile(r"[^\w.-]")


@dataclass(frozen=True, slots=True)
class Failure:
    message: str  # one line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # after redirects
    html: bytes
    charset: str | None


@dataclass(frozen=True, slots=True)
class FullText:
    url: str
    title: str
    markdown: str


# -- fetching ----------------------------------------------------------------


class _Redirects(urllib.request.HTTPRedirectHandler):
    max_redirections = 5

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        scheme = urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            raise urllib.error.URLError(f"redirect to a {scheme or 'relative'}: URL refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener() -> urllib.request.OpenerDirector:
    # No proxy handler from the environment's defaults beyond urllib's own, no file:, ftp: or data: handlers.
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.ProxyHandler(),
        urllib.request.HTTPHandler(),
        urllib.request.HTTPSHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _Redirects(),
    ):
        opener.add_handler(handler)
    return opener


def fetch(url: str, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> Page | Failure:
    """The page at ``url``, or why not."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        return Failure(f"only http and https links are fetched, not {scheme or 'this'}: {clean_line(url)[:200]}")
    request = urllib.request.Request(
        url,
        headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
            "Accept-Encoding": "gzip, deflate",
        },
    )
    deadline = time.monotonic() + timeout * 2
    try:
        with _opener().open(request, timeout=timeout) as response:
            headers: Message = response.headers
            kind = headers.get_content_type()
            if kind not in HTML_TYPES:
                return Failure(f"not a web page ({kind}): {clean_line(response.url)[:200]}")
            length = headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                return Failure(f"page too large ({int(length) // 1024:,} KiB, the limit is {max_bytes // 1024:,} KiB)")
            body = _read(response, headers.get("Content-Encoding", "").strip().lower(), max_bytes, deadline)
            if isinstance(body, Failure):
                return body
            return Page(response.url, body, headers.get_content_charset())
    except urllib.error.HTTPError as error:
        if 300 <= error.code < 400:  # urllib stops redirects off http(s) itself, with this error
            where = urlsplit(error.headers.get("Location", "") if error.headers else "").scheme or "elsewhere"
            return Failure(f"a redirect to a {clean_line(where)[:20]}: URL was refused")
        return Failure(f"the server answered {error.code} {clean_line(str(error.reason))}".rstrip())
    except urllib.error.URLError as error:
        reason = error.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return Failure(f"no answer within {timeout:g} s")
        if isinstance(reason, socket.gaierror):
            return Failure(f"cannot reach {urlsplit(url).hostname}: offline or no such host")
        if isinstance(reason, ConnectionRefusedError):
            return Failure(f"cannot reach {urlsplit(url).hostname}: connection refused")
        return Failure(f"cannot fetch: {clean_line(str(reason))}")
    except TimeoutError:
        return Failure(f"no answer within {timeout:g} s")
    except (OSError, ValueError, http.client.HTTPException) as error:
        return Failure(f"cannot fetch: {clean_line(str(error)) or type(error).__name__}")


def _read(response: object, encoding: str, max_bytes: int, deadline: float) -> bytes | Failure:
    """The body, decompressed, within the size cap and the deadline."""
    if encoding in ("gzip", "x-gzip"):
        inflate = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        inflate = zlib.decompressobj()
    elif encoding in ("", "identity"):
        inflate = None
    else:
        return Failure(f"the page came in an encoding reader cannot read ({clean_line(encoding)[:40]})")
    out = bytearray()
    too_large = Failure(f"page too large (more than {max_bytes // 1024:,} KiB)")
    while True:
        if time.monotonic() > deadline:
            return Failure("the page took too long to arrive")
        chunk = response.read(65536)  # type: ignore[attr-defined]
        if not chunk:
            break
        if inflate is None:
            out += chunk
        else:
            try:
                out += inflate.decompress(chunk, max_bytes + 1 - len(out))
            except zlib.error:
                return Failure("the page's compression is damaged")
            if inflate.unconsumed_tail:
                return too_large
        if len(out) > max_bytes:
            return too_large
    return bytes(out)


# -- extracting --------------------------------------------------------------


def extract(html: bytes | str, url: str | None = None) -> str:
    """The main text of a page as Markdown ("" when there is none): trafilatura
    with comments left out, tables and links kept, and the boilerplate it
    keeps taken out (:mod:`reader.text.article`) unless that leaves too little."""
    return article.main_markdown(html, url, enough=MIN_WORDS)


def title_of(html: bytes | str) -> str:
    try:
        from trafilatura import extract_metadata

        meta = extract_metadata(html)
    except Exception:
        return ""
    return clean_line(getattr(meta, "title", "") or "") if meta else ""


def main_text(html: bytes | str, url: str | None = None) -> tuple[str, str]:
    """(title, article as Markdown) of a fetched page: what ``F`` keeps and
    what ``python -m reader.bench extract`` scores. A first heading that
    repeats the title (or is the title without the site's name) is dropped:
    the title is shown above the text."""
    markdown = extract(html, url)
    title = title_of(html)
    first, _, rest = markdown.partition("\n")
    if title and first.startswith("#") and article.repeats_title(first.lstrip("# "), title):
        markdown = rest.strip()
    return title, markdown


def full_text(url: str, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> FullText | Failure:
    """Fetch ``url`` and extract its article as Markdown, or say why not."""
    page = fetch(url, timeout, max_bytes)
    if isinstance(page, Failure):
        return page
    html: bytes | str = page.html
    if page.charset:
        try:
            html = page.html.decode(page.charset, errors="replace")
        except LookupError:
            html = page.html
    try:
        title, markdown = main_text(html, page.url)
    except Exception as error:
        return Failure(f"the page could not be read as an article ({type(error).__name__})")
    if word_count(markdown) < MIN_WORDS:
        return Failure("no article text on the page (a paywall, a teaser or an empty page?)")
    return FullText(page.url, title, markdown)


# -- keeping -----------------------------------------------------------------


def kept_path(data_dir: Path, article_id: str) -> Path:
    name = _SAFE_ID.sub("_", article_id) or hashlib.sha1(article_id.encode()).hexdigest()[:16]
    return data_dir / FOLDER / f"{name}.md"


def kept(data_dir: Path, article_id: str) -> Path | None:
    path = kept_path(data_dir, article_id)
    return path if path.is_file() else None


def keep(data_dir: Path, article_id: str, title: str, date: str, source: str, result: FullText) -> Path:
    """Write the full text as a Markdown file with front matter (atomically:
    a reader never sees half a file). Raises OSError when it cannot."""
    path = kept_path(data_dir, article_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    meta = {
        "id": article_id,
        "title": title or result.title,
        "date": date,
        "source": source,
        "url": result.url,
        "full_text": True,
        "fetched": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    text = "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + result.markdown + "\n"
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
    return path


def fetched_at(path: Path) -> str:
    """When a kept full text was fetched (from its front matter), or ""."""
    try:
        head = path.read_text(encoding="utf-8", errors="replace")[:2000]
    except OSError:
        return ""
    found = re.search(r"^fetched: '?([0-9T:+-]+)", head, re.MULTILINE)
    return found.group(1)[:16].replace("T", " ") if found else ""
