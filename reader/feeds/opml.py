"""Subscriptions in and out: OPML 1.0/2.0 import and export, and newsboat's
``urls`` file import.

Mapped as newsboat maps them: a feed's name is its outline's ``text``, else
its ``title``; the folders around it become one tag joined with ``/``
(``Blogs/friends``), each folder named by its ``text``, else its ``title``;
a ``category`` attribute adds its comma-separated entries as tags (a leading
``/`` dropped). Outlines newsboat would turn into ``exec:`` (``xmlUrl``
starting with ``|``) or ``filter:`` (``filtercmd``) feeds, and the
``query:``, ``exec:`` and ``filter:`` lines of a urls file, are reported as
skipped: reader fetches only http and https.

The XML parser is lxml with entities never resolved, no DTD and no network;
a document that declares entities is refused outright.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit
from xml.sax.saxutils import quoteattr

from lxml import etree

from reader.feeds.parse import declares_entities, hardened_parser, xml_error
from reader.sanitize import stored_line


@dataclass(frozen=True)
class Subscription:
    url: str
    name: str = ""  # "" when the file names none: the feed's own title is used
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class SubscriptionFile:
    """What an OPML or urls file holds: its subscriptions, what was left out, or why it could not be read."""

    feeds: tuple[Subscription, ...]
    skipped: tuple[str, ...]  # one line each: what was left out and why
    error: str | None  # the whole file could not be read


def import_bytes(data: bytes) -> SubscriptionFile:
    """OPML when the document is XML, else a newsboat urls file."""
    head = data.lstrip()[:256].lstrip(b"\xef\xbb\xbf")
    if head.startswith(b"<"):
        return read_opml(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return SubscriptionFile((), (), "neither OPML nor a urls file: the file is not UTF-8 text")
    return read_urls(text)


# -- OPML --------------------------------------------------------------------------


def read_opml(data: bytes) -> SubscriptionFile:
    if declares_entities(data):
        return SubscriptionFile((), (), "refused: the OPML declares XML entities")
    try:
        root = etree.fromstring(data, hardened_parser(recover=False))
    except etree.XMLSyntaxError as error:
        return SubscriptionFile((), (), stored_line(f"not valid XML: {xml_error(error)}"))
    if root is None or not isinstance(root.tag, str) or etree.QName(root).localname != "opml":
        return SubscriptionFile((), (), "not an OPML file: the root element is not <opml>")
    body = next((child for child in root if isinstance(child.tag, str) and etree.QName(child).localname == "body"), None)
    if body is None:
        return SubscriptionFile((), (), "not a usable OPML file: it has no <body>")
    found: dict[str, Subscription] = {}
    skipped: list[str] = []
    _walk(body, "", found, skipped)
    return SubscriptionFile(tuple(found.values()), tuple(skipped), None)


def _walk(parent: etree._Element, path: str, found: dict[str, Subscription], skipped: list[str]) -> None:
    for outline in parent:
        if not isinstance(outline.tag, str) or etree.QName(outline).localname != "outline":
            continue
        label = stored_line(outline.get("text") or "") or stored_line(outline.get("title") or "")
        url = (outline.get("xmlUrl") or outline.get("xmlurl") or "").strip()
        if not url:
            if label or len(outline):
                _walk(outline, f"{path}/{label}" if path and label else (label or path), found, skipped)
            continue
        if url.startswith("|"):
            skipped.append(stored_line(f"{label or url}: exec feeds (xmlUrl starting with |) are not supported"))
            continue
        if outline.get("filtercmd"):
            skipped.append(stored_line(f"{label or url}: filter feeds (filtercmd) are not supported"))
            continue
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            skipped.append(stored_line(f"{url}: only http and https feeds are supported"))
            continue
        tags = [path] if path else []
        for entry in (outline.get("category") or "").split(","):
            tag = stored_line(entry).strip("/")
            if tag and tag not in tags:
                tags.append(tag)
        _add(found, Subscription(stored_line(url), label, tuple(tags)))


def _add(found: dict[str, Subscription], subscription: Subscription) -> None:
    """A URL listed twice is one subscription with the tags of both."""
    old = found.get(subscription.url)
    if old is None:
        found[subscription.url] = subscription
        return
    tags = list(old.tags) + [t for t in subscription.tags if t not in old.tags]
    found[subscription.url] = Subscription(old.url, old.name or subscription.name, tuple(tags))


def export_opml(subscriptions: Iterable[Subscription], title: str = "reader subscriptions") -> bytes:
    """OPML 2.0, as other readers take it: each feed in the folder its first
    tag names (``A/B`` is B inside A), its other tags in ``category`` (a
    comma inside a tag becomes a space: OPML cannot carry it). A first tag a
    folder cannot carry as it is (an empty or padded part) goes to
    ``category`` too."""
    tree = _Folder()
    for sub in subscriptions:
        tags = [t for t in (stored_line(t.replace(",", " ")) for t in sub.tags) if t]
        parts = tags[0].split("/") if tags else []
        folder = tree
        if parts and all(part and stored_line(part) == part for part in parts):
            for part in parts:
                folder = folder.folder(part)
            tags = tags[1:]
        name = stored_line(sub.name)
        attributes = [f"type={quoteattr('rss')}", f"text={quoteattr(name)}"]
        if name:
            attributes.append(f"title={quoteattr(name)}")
        attributes.append(f"xmlUrl={quoteattr(stored_line(sub.url))}")
        if tags:
            attributes.append(f"category={quoteattr(','.join(tags))}")
        folder.children.append(f"<outline {' '.join(attributes)}/>")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<opml version="2.0">',
        "  <head>",
        f"    <title>{_escape(stored_line(title))}</title>",
        "  </head>",
        "  <body>",
        *tree.lines("    "),
        "  </body>",
        "</opml>",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


@dataclass
class _Folder:
    """Feeds (their outlines, written) and named folders, in the order first met."""

    children: list[str | tuple[str, _Folder]] = field(default_factory=list)
    folders: dict[str, _Folder] = field(default_factory=dict)

    def folder(self, name: str) -> _Folder:
        if name not in self.folders:
            self.folders[name] = _Folder()
            self.children.append((name, self.folders[name]))
        return self.folders[name]

    def lines(self, indent: str) -> list[str]:
        out = []
        for child in self.children:
            if isinstance(child, str):
                out.append(indent + child)
            else:
                name, folder = quoteattr(child[0]), child[1]
                out += [f"{indent}<outline text={name} title={name}>", *folder.lines(indent + "  "), f"{indent}</outline>"]
        return out


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- newsboat urls -------------------------------------------------------------------


def read_urls(text: str) -> SubscriptionFile:
    """A newsboat ``urls`` file: ``URL [tag ...] ["~Name"]`` a line; ``#``
    starts a comment line; ``query:``, ``exec:`` and ``filter:`` lines are
    skipped with a note; a tag starting with ``!`` (hidden) is kept without it.
    A text where no line even starts with an address (a licence, a README)
    is no urls file: one error, not a warning for every line."""
    found: dict[str, Subscription] = {}
    skipped: list[str] = []
    addresses = 0  # lines that start with something like an address, usable or not
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = shlex.split(line, posix=True)
        except ValueError as error:
            skipped.append(stored_line(f"line {number}: cannot be read ({error})"))
            continue
        if not words:
            continue
        url, rest = words[0], words[1:]
        kind = url.split(":", 1)[0].lower()
        addresses += kind in ("query", "exec", "filter") or "://" in url
        if kind in ("query", "exec", "filter"):
            skipped.append(stored_line(f"line {number}: {kind}: feeds are not supported"))
            continue
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            skipped.append(stored_line(f"line {number}: not an http or https URL: {line[:80]}"))
            continue
        name = ""
        tags: list[str] = []
        for word in rest:
            if word.startswith("~"):
                name = stored_line(word[1:])
                continue
            tag = stored_line(word.removeprefix("!"))
            if tag and tag not in tags:
                tags.append(tag)
        _add(found, Subscription(stored_line(url), name, tuple(tags)))
    if skipped and not addresses:
        return SubscriptionFile((), (), f"neither OPML nor a urls file: no line starts with a feed's URL ({skipped[0]})")
    return SubscriptionFile(tuple(found.values()), tuple(skipped), None)


def export_urls(subscriptions: Iterable[Subscription]) -> str:
    """A newsboat ``urls`` file (for comparisons and for going back)."""
    lines = []
    for sub in subscriptions:
        words = [sub.url, *(shlex.quote(t) if t else "" for t in sub.tags)]
        if sub.name:
            words.append('"~' + sub.name.replace("\\", "\\\\").replace('"', '\\"') + '"')
        lines.append(" ".join(w for w in words if w))
    return "\n".join(lines) + "\n"
