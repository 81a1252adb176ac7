"""Full text on demand: URL -> fetch -> main text -> Markdown -> a kept file.

Everything that can go wrong (offline, 404, a paywall or empty page, not
HTML, too large, too slow, a refused scheme) comes back as a
:class:`Failure` with one line to show, never as an exception.

The fetch is the reader's one HTTP client (:mod:`reader.http`, as for
feeds): http and https only (a redirect anywhere else is refused), a
timeout on every wait and a deadline on the whole fetch, a size cap on the
bytes as received and again after decompression, an honest User-Agent, and
only a web page's media types read. The main text is found by
trafilatura (the extractor with the best published scores on the
article-extraction benchmark among those on PyPI) and returned as Markdown.

A kept full text is Markdown with front matter (:func:`kept_text`), kept in
``items.db`` by the article's id, never in a user's folder.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import yaml

from reader import http
from reader.model import word_count
from reader.sanitize import clean_line
from reader.text import article

TIMEOUT_S = 15.0
MAX_BYTES = 8 * 1024 * 1024  # after decompression
MIN_WORDS = 40  # (or their worth in a script without spaces) less than this is a teaser, a paywall or an empty page
HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"


@dataclass(frozen=True, slots=True)
class Failure:
    message: str  # one line

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True, slots=True)
class FullText:
    url: str
    title: str
    markdown: str


# -- fetching ----------------------------------------------------------------


def fetch(url: str, timeout: float = TIMEOUT_S, max_bytes: int = MAX_BYTES) -> http.Response | Failure:
    """The page at ``url`` (an answer of a web page's type), or why not in
    the reader's words; a page may take twice ``timeout`` to arrive."""
    page = http.get(url, accept=ACCEPT, timeout=timeout, total=2 * timeout, max_bytes=max_bytes, types=HTML_TYPES)
    if page.error is None:
        return page
    host = urlsplit(page.url).hostname
    match page.fault:
        case http.Fault.STATUS:  # the error is "HTTP 404 Not Found"
            return Failure(f"the server answered {page.error.removeprefix('HTTP ')}")
        case http.Fault.TIMEOUT:
            return Failure(f"no answer within {timeout:g} s")
        case http.Fault.NO_HOST:
            return Failure(f"cannot reach {host}: offline or no such host")
        case http.Fault.REFUSED:
            return Failure(f"cannot reach {host}: connection refused")
        case http.Fault.TYPE:
            return Failure(f"not a web page ({http.media_type(page.content_type) or 'no type given'}): {clean_line(page.url)[:200]}")
    return Failure(page.error)


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
    html: bytes | str = page.body
    charset = http.charset(page.content_type)
    if charset:
        try:
            html = page.body.decode(charset, errors="replace")
        except LookupError:
            html = page.body
    try:
        title, markdown = main_text(html, page.url)
    except Exception as error:
        return Failure(f"the page could not be read as an article ({type(error).__name__})")
    if word_count(markdown) < MIN_WORDS:
        return Failure("no article text on the page (a paywall, a teaser or an empty page?)")
    return FullText(page.url, title, markdown)


# -- keeping -----------------------------------------------------------------


def kept_text(article_id: str, title: str, date: str, source: str, result: FullText) -> bytes:
    """A full text as it is kept: Markdown with front matter."""
    meta = {
        "id": article_id,
        "title": title or result.title,
        "date": date,
        "source": source,
        "url": result.url,
        "full_text": True,
        "fetched": dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat(),
    }
    return ("---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False) + "---\n\n" + result.markdown + "\n").encode()


def fetched_of(text: bytes) -> str:
    """When a kept full text was fetched (from its front matter), as ISO time, or ""."""
    found = re.search(rb"^fetched: '?([0-9T:+-]+)", text[:2000], re.MULTILINE)
    return found.group(1).decode() if found else ""
