"""Feed bytes -> :class:`ParsedFeed`, or a :class:`FeedError` value.

RSS 0.9x, RSS 1.0 (RDF), RSS 2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1 are
parsed by fastfeedparser (lxml underneath). Chosen by measurement on the 65
feed-rs fixtures: fastfeedparser 0.6.5 parses them in 0.010 s, feedparser
6.0.14 in 0.166 s (17x). On their 100 items fastfeedparser's titles,
links and dates match the fixtures' expectations but for deliberate
normalisations (UTC "Z", whole seconds, URL case) and two documents it
refuses, an Atom feed without its namespace and a lone Atom entry, which
are mended here. A parser of our own on lxml was not written: at 0.15 ms
a feed, parsing is a small part of a fetch (the bench's profile), and
fastfeedparser already carries many real-world quirks. This module adds
what a reader needs around it:

* hardening: a document that declares entities in its DTD is refused
  before any XML parser sees it (billion laughs, external entities); lxml
  itself runs with ``resolve_entities=False`` and never loads a DTD or
  touches the network;
* relative links resolved against ``xml:base`` or the feed's URL;
* dates normalised to UTC ``YYYY-MM-DDTHH:MM:SSZ`` (or ``YYYY-MM-DD``);
* an Atom document without its namespace, or a lone Atom entry, read as a
  feed; UTF-16/32 documents transcoded first;
* a garbage body or an HTML page as an error value, never an exception.
"""

from __future__ import annotations

import codecs
import functools
import html.entities
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urljoin, urlsplit

from lxml import etree

from reader.feeds.dates import YEAR, lenient_date, normalise_date
from reader.feeds.encoding import to_utf8
from reader.http import charset, media_type
from reader.sanitize import stored_line

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class Item:
    guid: str
    title: str
    link: str
    date: str | None  # UTC "YYYY-MM-DDTHH:MM:SSZ" or "YYYY-MM-DD"
    author: str
    categories: tuple[str, ...]
    content: str  # HTML (the full content, else the summary)
    summary: str  # HTML
    language: str
    base: str  # the URL relative references in ``content`` resolve against


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    link: str
    language: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class FeedError:
    """Why a body is not a feed; ``message`` is one line."""

    message: str


_ENTITY_DECL = re.compile(rb"<!ENTITY", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE(?:[^>\[\"']|\"[^\"]*\"|'[^']*')*\[", re.IGNORECASE)
_PROLOG_ITEM = re.compile(rb"\s*(?:<\?.*?\?>|<!--.*?-->|(<!DOCTYPE))", re.IGNORECASE | re.DOTALL)

_HTML_START = re.compile(rb"^\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>])", re.IGNORECASE | re.DOTALL)
_LANGUAGE = re.compile(rb"<(?:dc:)?language>\s*([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*)\s*</(?:dc:)?language>")
_PLAIN_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f-\x9f\u2028\u2029\x85]+")
_FEED_ROOT = re.compile(rb"<(?:[A-Za-z0-9_]+:)?(?:rss|RDF|feed|entry)[\s>/]")
_MISMATCH = re.compile(
    r"(\S+) line (\d+) and (\S+), line (\d+), column (\d+)$"
)  # «tag mismatch: outline line 1 and body, line 3, column 7»
_TWO_LINES = re.compile(r" line (\d+), line (\d+), column (\d+)$")


_CONTROL_REFERENCE = re.compile(rb"&#(?:0*(?:[0-8]|1[124-9]|2[0-9]|3[01])|[xX]0*(?:[0-8bBcCeEfF]|1[0-9a-fA-F]));")
_RSS_090 = b"http://my.netscape.com/rdf/simple/0.9/"
_NOT_PERMALINK = re.compile(rb"""isPermaLink\s*=\s*["']\s*[Ff][Aa][Ll][Ss][Ee]""")  # XML names are case-sensitive: no slow IGNORECASE scan
_HTML_ENTITY = re.compile(rb"&(?!(?:amp|lt|gt|quot|apos);)([A-Za-z][A-Za-z0-9]{1,31});")


ERROR_CHARS = 120


def parse(data: bytes, url: str = "", content_type: str = "") -> ParsedFeed | FeedError:
    """Parse a feed document. ``url`` is where it was fetched from (relative
    links resolve against it); ``content_type`` the HTTP header, if any."""
    if not data.strip():
        return FeedError("empty document")
    stripped = data.lstrip().removeprefix(codecs.BOM_UTF8).lstrip()
    media = media_type(content_type)
    if stripped[:1] in (b"{", b"[") or (media.endswith("json") and not stripped.startswith(b"<")):
        return _parse_json(data, url)
    try:
        data = to_utf8(data, charset(content_type))
    except LookupError as error:
        return FeedError(str(error))
    head = data[:4096]
    if _HTML_START.match(data) and not _FEED_ROOT.search(head):
        return FeedError("an HTML page, not a feed")
    if declares_entities(data):
        return FeedError("refused: the document declares XML entities (entity expansion is not allowed)")
    if _RSS_090 in data[:4096]:  # RSS 0.90: RSS 1.0 in all but its namespace, which fastfeedparser does not know
        data = data.replace(_RSS_090, b"http://purl.org/rss/1.0/")
    return _parse_xml(_mended_references(data), url)


def claims_feed(data: bytes) -> bool:
    """Whether a document says it is a feed (an RSS, RDF or Atom root near
    its start, or JSON), whether or not it then parses as one."""
    stripped = data.lstrip().removeprefix(codecs.BOM_UTF8).lstrip()
    return stripped[:1] in (b"{", b"[") or (
        stripped[:1] == b"<" and _FEED_ROOT.search(stripped[:4096]) is not None and not _HTML_START.match(stripped)
    )


def declares_entities(data: bytes) -> bool:
    """Whether a document has an internal DTD subset with an entity
    declaration in it. The prolog (comments, processing instructions) is
    walked to its DOCTYPE however long it is; past an internal subset any
    ``<!ENTITY`` counts, so nothing hidden in the subset slips through."""
    position = 3 if data.startswith(codecs.BOM_UTF8) else 0
    while True:
        item = _PROLOG_ITEM.match(data, position)
        if item is None:
            return False
        if item.group(1) is not None:
            subset = _DOCTYPE_SUBSET.match(data, item.start(1))
            return subset is not None and _ENTITY_DECL.search(data, subset.end()) is not None
        position = item.end()


def _mended_references(data: bytes) -> bytes:
    """HTML's named entities (``&nbsp;``, ``&eacute;``, ``&euro;``), which
    XML does not know unless a DTD declares them, as the numeric references
    it knows: lxml cut an item's text short at the first one, silently. In
    a CDATA section (escaped HTML) the two are the same HTML. A name HTML
    does not know either is text, as a browser shows it. References to
    control characters XML does not allow (``&#x1b;``) are dropped: lxml
    took the ``<`` of a ``&lt;`` after one with it."""
    if b"&" not in data:
        return data
    return _CONTROL_REFERENCE.sub(b"", _HTML_ENTITY.sub(_entity_number, data))


def _entity_number(match: re.Match[bytes]) -> bytes:
    code = html.entities.name2codepoint.get(match.group(1).decode("ascii"))
    return b"&amp;" + match.group(0)[1:] if code is None else b"&#%d;" % code  # one HTML does not know either: kept as written


# -- XML -----------------------------------------------------------------------


def _parse_xml(data: bytes, url: str) -> ParsedFeed | FeedError:
    import fastfeedparser

    try:
        parsed = fastfeedparser.parse(data)
    except Exception as error:  # third-party code on untrusted input: any failure is this feed's error
        retry = _as_atom_feed(data)
        if retry is None:
            return FeedError(_one_line(f"not a feed: {error}"))
        try:
            parsed = fastfeedparser.parse(retry)
            data = retry
        except Exception as again:  # same as above
            return FeedError(_one_line(f"not a feed: {again}"))
    bases = _entry_bases(data, url) if b"xml:base" in data else None
    feed = _from_parsed(parsed, url, bases)
    if any(not item.content for item in feed.items) and MEDIA_NS.encode() in data:
        feed = _each_with_its_element(feed, data, _media_description)
    if b"isPermaLink" in data and any(item.link and item.link == item.guid for item in feed.items) and _NOT_PERMALINK.search(data):
        feed = _each_with_its_element(feed, data, _guid_not_a_link)
    guessed = {item.guid for item in feed.items if _dated_by_guid(item)}
    if guessed:
        feed = _each_with_its_element(feed, data, functools.partial(_own_date, guessed))
    if not feed.items and (broken := _not_well_formed(data)):
        # Read leniently, a broken document that still gives items is kept;
        # one that gives none is a failed fetch, not an empty feed.
        return FeedError(_one_line(f"not well-formed XML, no items read: {broken}"))
    if not feed.language:  # fastfeedparser reads xml:lang, not RSS's <language> nor <dc:language>
        found = _LANGUAGE.search(data, 0, 65536)
        language = _lang(found.group(1).decode("ascii")) if found else ""
        if language:
            items = tuple(replace(i, language=i.language or language) for i in feed.items)
            feed = replace(feed, language=language, items=items)
    return feed


MEDIA_NS = "http://search.yahoo.com/mrss/"


def _each_with_its_element(feed: ParsedFeed, data: bytes, mend: Callable[[Item, etree._Element], Item]) -> ParsedFeed:
    """The feed with ``mend`` applied to each item and its element in the
    document (read again: fastfeedparser keeps no element); unchanged when
    the two do not pair up."""
    root = _tree(data)
    entries = _entries(root) if root is not None else []
    if len(entries) != len(feed.items):
        return feed
    return replace(feed, items=tuple(mend(item, entry) for item, entry in zip(feed.items, entries, strict=True)))


def _media_description(item: Item, entry: etree._Element) -> Item:
    """An item with no content of its own (a YouTube channel's video) gets
    its ``media:description``, plain text, as it."""
    if item.content:
        return item
    found = next(entry.iter(f"{{{MEDIA_NS}}}description"), None)
    text = (found.text or "").strip() if found is not None else ""
    return replace(item, content=_text_to_html(text), summary=item.summary or _text_to_html(text)) if text else item


def _guid_not_a_link(item: Item, entry: etree._Element) -> Item:
    """No link for an item whose only link is a guid marked
    ``isPermaLink="false"`` (fastfeedparser takes any guid for its link)."""
    if item.link != item.guid or any(isinstance(child.tag, str) and etree.QName(child).localname == "link" for child in entry):
        return item
    guid = next((child for child in entry if child.tag == "guid"), None)
    if guid is None or (guid.get("isPermaLink") or "").strip().lower() != "false":
        return item
    return replace(item, link="")


_DATE_TAGS = frozenset(("pubDate", "date", "published", "updated", "issued", "modified", "created", "lastBuildDate"))


def _dated_by_guid(item: Item) -> bool:
    """Whether the item's date may be fastfeedparser's reading of its guid
    (it reads a guid as a date when the item has none: «4» is the 4th of
    this month). A guid with a year in it is taken to be a date."""
    return bool(item.date and 0 < len(item.guid) <= 12 and not YEAR.search(item.guid) and item.date == lenient_date(item.guid))


def _own_date(guessed: set[str], item: Item, entry: etree._Element) -> Item:
    """No date for an item whose date may be its guid's (``guessed``) and
    that has no date of its own (none, or none readable)."""
    if item.guid in guessed and not any(
        isinstance(e.tag, str) and etree.QName(e).localname in _DATE_TAGS and normalise_date(e.text) for e in entry
    ):
        return replace(item, date=None)
    return item


def _not_well_formed(data: bytes) -> str | None:
    """The first XML error of a document, None when it is well-formed."""
    try:
        etree.fromstring(data, hardened_parser(recover=False))
    except etree.XMLSyntaxError as error:
        return xml_error(error)
    return None


def xml_error(error: etree.XMLSyntaxError) -> str:
    """What was wrong, and where, once."""
    said = str(error.msg or error)
    # libxml2 names the line a tag opened on, and lxml adds where it broke: «… in tag channel line 5, line 19, column 85»
    said = _MISMATCH.sub(r"<\1> (opened on line \2) closed by </\3> at line \4, column \5", said)
    return _TWO_LINES.sub(r" (opened on line \1) at line \2, column \3", said)


def hardened_parser(recover: bool = True) -> etree.XMLParser:
    """No entity expanded, nothing loaded, no huge tree."""
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=recover)


def _tree(data: bytes, url: str = "") -> etree._Element | None:
    """The document read leniently (entities never expanded), or None."""
    try:
        root: etree._Element | None = etree.fromstring(data, hardened_parser(), base_url=url or None)
    except etree.XMLSyntaxError:
        return None
    return root


def _entries(root: etree._Element) -> list[etree._Element]:
    """A feed's items or entries, in document order."""
    return [e for e in root.iter() if isinstance(e.tag, str) and etree.QName(e).localname in ("entry", "item")]


def _as_atom_feed(data: bytes) -> bytes | None:
    """An Atom document without its namespace (``<feed>``, as some Atom 0.3
    feeds are), or a lone ``<entry>``, as an Atom 1.0 feed; else None."""
    root = _tree(data)
    if root is None:
        return None
    name = etree.QName(root).localname
    if name == "entry" and root.nsmap.get(None) == ATOM_NS:
        body: bytes = etree.tostring(root)
        return b'<feed xmlns="' + ATOM_NS.encode() + b'">' + body + b"</feed>"
    if name in ("feed", "entry") and etree.QName(root).namespace is None:
        for element in root.iter():
            if isinstance(element.tag, str) and "}" not in element.tag:
                element.tag = f"{{{ATOM_NS}}}{element.tag}"
        etree.cleanup_namespaces(root)
        text: bytes = etree.tostring(root)
        return text if name == "feed" else b'<feed xmlns="' + ATOM_NS.encode() + b'">' + text + b"</feed>"
    return None


def _entry_bases(data: bytes, url: str) -> tuple[str, list[str]] | None:
    """The feed's base and each entry's (``xml:base`` resolved against the
    feed URL), in document order."""
    root = _tree(data, url)
    if root is None:
        return None
    return root.base or url, [e.base or url for e in _entries(root)]


def _from_parsed(parsed: Any, url: str, bases: tuple[str, list[str]] | None) -> ParsedFeed:
    feed = parsed.get("feed") or {}
    feed_base = bases[0] if bases else url
    feed_link = _resolve(feed_base, str(feed.get("link") or ""))
    feed_lang = _lang(feed.get("language"))
    items = []
    for number, entry in enumerate(parsed.get("entries") or []):
        base = bases[1][number] if bases and number < len(bases[1]) else feed_base
        items.append(_item(entry, base, feed_lang))
    return ParsedFeed(title=_text_title(feed.get("title")), link=feed_link, language=feed_lang, items=tuple(items))


def _item(entry: Any, base: str, feed_lang: str) -> Item:
    link = entry.get("link") or ""
    if not link:
        for candidate in entry.get("links") or []:
            if candidate.get("rel") in (None, "alternate") and candidate.get("href"):
                link = candidate["href"]
                break
    summary = str(entry.get("description") or entry.get("summary") or "")
    content_base = base
    content = ""
    for block in entry.get("content") or []:
        if block.get("value"):
            content = str(block["value"])
            if block.get("base"):
                content_base = urljoin(base, str(block["base"]))
            break
    categories = []
    for tag in entry.get("tags") or []:
        term = tag.get("term") if isinstance(tag, dict) else tag
        label = stored_line(str(term or ""))
        if label and label not in categories:
            categories.append(label)
    return Item(
        guid=stored_line(str(entry.get("id") or "")),
        title=_text_title(entry.get("title")),
        link=_resolve(base, str(link)),
        date=normalise_date(entry.get("published") or entry.get("updated") or entry.get("created")),
        author=stored_line(str(entry.get("author") or "")),
        categories=tuple(categories),
        content=content or summary,
        summary=summary,
        language=_lang(entry.get("language")) or feed_lang,
        base=content_base,
    )


# -- JSON Feed -----------------------------------------------------------------


def _parse_json(data: bytes, url: str) -> ParsedFeed | FeedError:
    try:
        doc = json.loads(data)
    except (ValueError, RecursionError) as error:
        return FeedError(_one_line(f"not a feed: invalid JSON ({error})"))
    if not isinstance(doc, dict) or not isinstance(doc.get("items"), list):
        return FeedError("not a feed: JSON without an items list")
    base = url
    home = doc.get("home_page_url")
    feed_lang = _lang(doc.get("language"))
    items = []
    for raw in doc["items"]:
        if not isinstance(raw, dict):
            continue
        html = raw.get("content_html")
        text = raw.get("content_text")
        summary = raw.get("summary")
        content = html if isinstance(html, str) and html else _text_to_html(text if isinstance(text, str) else "")
        given_authors = raw.get("authors")
        authors: list[Any] = given_authors if isinstance(given_authors, list) else [raw.get("author")]
        names = [str(a.get("name")) for a in authors if isinstance(a, dict) and a.get("name")]
        given_tags = raw.get("tags")
        tags: list[Any] = given_tags if isinstance(given_tags, list) else []
        categories: list[str] = []
        for tag in tags:
            label = stored_line(str(tag))
            if label and label not in categories:
                categories.append(label)
        link = raw.get("url") or raw.get("external_url") or ""
        items.append(
            Item(
                guid=stored_line(str(raw.get("id") or "")),
                title=_text_title(raw.get("title")),
                link=_resolve(base, str(link)),
                date=normalise_date(raw.get("date_published") or raw.get("date_modified")),
                author=stored_line(", ".join(names)),
                categories=tuple(categories),
                content=content or _text_to_html(summary if isinstance(summary, str) else ""),
                summary=_text_to_html(summary) if isinstance(summary, str) else "",
                language=_lang(raw.get("language")) or feed_lang,
                base=_resolve(base, str(link)) or base,
            )
        )
    return ParsedFeed(
        title=_text_title(doc.get("title")),
        link=_resolve(base, str(home or "")),
        language=feed_lang,
        items=tuple(items),
    )


def _text_to_html(text: str) -> str:
    from html import escape

    return "".join(f"<p>{escape(p)}</p>" for p in re.split(r"\n\s*\n", text) if p.strip())


# -- fields --------------------------------------------------------------------


def _resolve(base: str, link: str) -> str:
    """An absolute http(s) URL, or "" (javascript:, data:, file: and the
    like are dropped)."""
    link = link.strip()
    if not link:
        return ""
    if link.startswith(("https://", "http://")) and _PLAIN_URL.fullmatch(link):
        return link  # already absolute: no parsing needed
    try:
        absolute = urljoin(base, link) if base else link
        scheme = urlsplit(absolute).scheme.lower()
    except ValueError:
        return ""
    return stored_line(absolute) if scheme in ("http", "https") else ""


def _lang(value: object) -> str:
    """The primary language subtag, lowercased: "en-US" -> "en"."""
    if not isinstance(value, str):
        return ""
    primary = re.split(r"[-_\s]", value.strip().lower(), maxsplit=1)[0]
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def _text_title(value: object) -> str:
    if not isinstance(value, str):
        return ""
    if "<" in value or "&" in value:
        from reader.feeds.html import html_to_text

        return html_to_text(value)
    return stored_line(value)


def _one_line(text: str) -> str:
    """An error as one short line (a parser's message may quote the document)."""
    line = stored_line(text)
    return line if len(line) <= ERROR_CHARS else line[: ERROR_CHARS - 1] + "…"
