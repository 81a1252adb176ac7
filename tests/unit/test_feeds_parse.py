"""Feed bytes -> items: formats, encodings, bases, dates, and bad bodies as
error values."""

from __future__ import annotations

import datetime as dt

import pytest

from reader.feeds.html import html_to_markdown
from reader.feeds.parse import FeedError, ParsedFeed, normalise_date, parse

from .feeds_helpers import FEED_RS, fixtures


def _ok(result: ParsedFeed | FeedError) -> ParsedFeed:
    assert isinstance(result, ParsedFeed), result
    return result


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("Sun, 06 Sep 2009 16:20:00 +0000", "2009-09-06T16:20:00Z"),
        ("Sun, 06 Sep 2009 16:20:00 GMT", "2009-09-06T16:20:00Z"),
        ("Sun, 06 Sep 2009 16:20:00 EST", "2009-09-06T21:20:00Z"),
        ("Sun, 6 Sep 2009 16:20 +0300", "2009-09-06T13:20:00Z"),
        ("06 Sep 2009 16:20:00 -0700", "2009-09-06T23:20:00Z"),
        ("2009-09-06T16:20:00Z", "2009-09-06T16:20:00Z"),
        ("2009-09-06T16:20:00.123456+02:00", "2009-09-06T14:20:00Z"),
        ("2009-09-06 16:20:00", "2009-09-06T16:20:00Z"),
        ("2009-09-06", "2009-09-06"),
        ("  2009-09-06T16:20:00z ", "2009-09-06T16:20:00Z"),
        ("September 6, 2009 4:20 PM", "2009-09-06T16:20:00Z"),
        ("Sun, 6 Sep 2009 4:20 PM EST", "2009-09-06T21:20:00Z"),
        ("not a date", None),
        ("yesterday-ish", None),
        ("4", None),  # dateutil makes the 4th of this month of it
        ("", None),
        ("Mon, 01 Jan 0001 00:00:00 +0000", None),  # Hugo's date of an undated page, read as 2001 by RFC 822's parser
        ("0001-01-01T00:00:00Z", None),
        ("0001-01-01", None),
        ("Thu, 01 Jan 1970 00:00:00 GMT", None),  # the epoch: a date field left at zero
        ("1899-12-31", None),
        ("Mon, 01 Jan 2001 00:00:00 +0000", "2001-01-01T00:00:00Z"),
    ],
)
def test_dates_in_real_world_shapes(text: str, want: str | None) -> None:
    assert normalise_date(text) == want


def test_an_item_without_a_readable_date_has_none_whatever_its_guid() -> None:
    today = dt.datetime.now(dt.UTC).date()
    item = "<item><title>{title}</title><guid>{guid}</guid>{date}<description>x</description></item>"
    feed = _ok(
        parse(
            (
                "<rss version='2.0'><channel><title>T</title><link>http://example.org/</link>"
                + item.format(title="No date", guid="4", date="")
                + item.format(title="Bad date", guid="6", date="<pubDate>yesterday-ish</pubDate>")
                + item.format(title="Dated guid", guid="2026-11-04", date="")
                + item.format(title="Dated", guid="7", date="<pubDate>Mon, 02 Nov 2026 10:00:00 GMT</pubDate>")
                + item.format(title="Midnight", guid=str(today.day), date=f"<pubDate>{today:%a, %d %b %Y} 00:00:00 GMT</pubDate>")
                + "</channel></rss>"
            ).encode(),
            "http://example.org/feed.xml",
            "application/rss+xml",
        )
    )
    assert {i.title: i.date for i in feed.items} == {
        "No date": None,
        "Bad date": None,
        "Dated guid": "2026-11-04T00:00:00Z",  # a guid that is a date is the item's date (fastfeedparser's reading)
        "Dated": "2026-11-02T10:00:00Z",
        "Midnight": f"{today:%Y-%m-%d}T00:00:00Z",  # a date of its own that its guid happens to read as
    }


def test_all_formats_parse() -> None:
    kinds = {p.parent.name for p in fixtures()}
    assert kinds == {"atom", "jsonfeed", "rss0", "rss1", "rss2"}
    for path in fixtures():
        result = parse(path.read_bytes(), "https://example.net/feed")
        if path.name == "rss_2.0_invalid_1.xml":  # cut off inside its channel, before any item
            assert isinstance(result, FeedError) and "not well-formed" in result.message
        else:
            assert _ok(result).items, path.name


def test_atom_without_namespace_and_a_lone_entry_are_read() -> None:
    no_ns = _ok(parse((FEED_RS / "atom" / "atom_example_1.xml").read_bytes()))
    assert no_ns.title == "dive into mark" and no_ns.items[0].link == "http://example.org/2005/04/02/atom"
    entry = _ok(parse((FEED_RS / "atom" / "atom_entry_1.xml").read_bytes()))
    assert entry.items[0].title == "Specifications"


def test_relative_links_resolve_against_xml_base_then_the_feed_url() -> None:
    doc = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://a.example/blog/">
    <title>t</title>
    <entry><id>1</id><title>one</title><link href="posts/1"/><updated>2020-01-01T00:00:00Z</updated></entry>
    <entry xml:base="https://b.example/x/"><id>2</id><title>two</title><link href="../2"/><updated>2020-01-01T00:00:00Z</updated>
      <content type="html">&lt;a href="img/p.png"&gt;pic&lt;/a&gt;</content></entry>
    </feed>"""
    feed = _ok(parse(doc, "https://feed.example/atom.xml"))
    assert [i.link for i in feed.items] == ["https://a.example/blog/posts/1", "https://b.example/2"]
    assert feed.items[1].base == "https://b.example/x/"
    plain = _ok(parse((FEED_RS / "atom" / "atom_relative.xml").read_bytes(), "https://example.com/blog/feed.xml"))
    assert plain.items[0].link == "https://example.com/blog/2003/12/13/atom03"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "windows-1251", "koi8-r", "iso-8859-5"])
def test_every_encoding(encoding: str) -> None:
    title = "Новости Ташкента"
    declared = "utf-16" if encoding.startswith("utf-16") else encoding
    doc = f'<?xml version="1.0" encoding="{declared}"?><rss version="2.0"><channel><title>{title}</title><item><guid>1</guid><title>{title}</title></item></channel></rss>'
    data = doc.encode(encoding)
    if encoding == "utf-16":
        assert data.startswith((b"\xff\xfe", b"\xfe\xff"))
    feed = _ok(parse(data))
    assert feed.title == title and feed.items[0].title == title


def test_undeclared_legacy_encoding_uses_the_http_charset() -> None:
    doc = '<rss version="2.0"><channel><title>Café</title><item><guid>1</guid><title>Ça va</title></item></channel></rss>'
    feed = _ok(parse(doc.encode("iso-8859-1"), content_type="application/rss+xml; charset=ISO-8859-1"))
    assert feed.items[0].title == "Ça va"


def test_iso8859_fixture() -> None:
    feed = _ok(parse((FEED_RS / "rss1" / "rss_1.0_iso8859.xml").read_bytes()))
    assert feed.items[0].title == "Digitalministerium: Neue Glasfaserförderung mit Schnellkasse"


def test_json_feed_fields() -> None:
    feed = _ok(parse((FEED_RS / "jsonfeed" / "jsonfeed_example_1.json").read_bytes(), "https://daringfireball.net/feeds/json"))
    first = feed.items[0]
    assert feed.title == "Daring Fireball"
    assert first.date == "2020-01-24T23:46:57Z" and first.link.startswith("https://daringfireball.net/")
    assert first.content


@pytest.mark.parametrize(
    ("body", "content_type", "words"),
    [
        (b"", "", "empty"),
        (b"\x00\x01\x02garbage\xff\xfe" * 10, "", "not a feed"),
        (b"<!DOCTYPE html><html><body><p>hi</p></body></html>", "text/html", "HTML page"),
        (b"<html><head><title>x</title></head><body></body></html>", "", "HTML page"),
        (b"{not json", "application/json", "invalid JSON"),
        (b'{"version": "x"}', "application/json", "items"),
        (b"<?xml version='1.0'?><note><to>x</to></note>", "", "not a feed"),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><rss><channel><title>&b;</title></channel></rss>',
            "",
            "entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><rss><channel><title>&x;</title></channel></rss>',
            "",
            "entities",
        ),
    ],
)
def test_bad_bodies_are_error_values(body: bytes, content_type: str, words: str) -> None:
    result = parse(body, "https://example.com/feed", content_type)
    assert isinstance(result, FeedError)
    assert words in result.message and "\n" not in result.message


def test_an_external_dtd_is_never_loaded() -> None:
    doc = b"""<?xml version="1.0"?><!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://127.0.0.1:9/rss-0.91.dtd">
    <rss version="0.91"><channel><title>Old</title><item><title>Caf&eacute;</title><link>http://x.example/1</link></item></channel></rss>"""
    feed = _ok(parse(doc))
    assert feed.title == "Old" and feed.items[0].link == "http://x.example/1"


def test_links_other_than_http_are_dropped() -> None:
    doc = b"""<rss version="2.0"><channel><title>t</title>
    <item><guid>1</guid><title>a</title><link>javascript:alert(1)</link></item>
    <item><guid>2</guid><title>b</title><link>file:///etc/passwd</link></item></channel></rss>"""
    feed = _ok(parse(doc, "https://example.com/"))
    assert [i.link for i in feed.items] == ["", ""]


def test_language_is_the_primary_subtag() -> None:
    doc = (
        b'<rss version="2.0"><channel><title>t</title><language>ru-RU</language><item><guid>1</guid><title>a</title></item></channel></rss>'
    )
    feed = _ok(parse(doc))
    assert feed.language == "ru" and feed.items[0].language == "ru"


def test_entity_declarations_are_found_wherever_the_prolog_hides_them() -> None:
    from reader.feeds.parse import declares_entities

    padded = b'<?xml version="1.0"?><!-- ' + b"x" * 100_000 + b' --><!DOCTYPE r [<!ENTITY a "b">]><rss/>'
    assert declares_entities(padded)
    assert isinstance(parse(padded), FeedError)
    assert declares_entities(b'\xef\xbb\xbf<!DOCTYPE r [<!-- ]> --><!ENTITY a "b">]><rss/>')
    # An external DTD reference is no declaration, and a CDATA section about XML is content.
    assert not declares_entities(b'<!DOCTYPE rss PUBLIC "-//N//DTD RSS 0.91//EN" "http://x/[rss].dtd"><rss/>')
    assert not declares_entities(b'<rss><![CDATA[<!DOCTYPE x [<!ENTITY a "b">]>]]></rss>')


def test_a_video_without_content_gets_its_media_description() -> None:
    feed = _ok(parse((FEED_RS / "atom" / "atom_mediarss_youtube_1.xml").read_bytes(), "https://www.youtube.com/feeds"))
    assert feed.items and all(item.content for item in feed.items)
    assert "Check Out Weathered on PBS Terra" in feed.items[0].content


def _items(data: bytes, content_type: str = "") -> list[tuple[str, str, str]]:
    parsed = parse(data, "https://example.org/feed.xml", content_type)
    assert isinstance(parsed, ParsedFeed), parsed
    return [(i.title, i.content, i.link) for i in parsed.items]


def test_html_entities_xml_does_not_know_are_read_not_cut_at() -> None:
    """From a trial on held-out feeds: lxml stopped a title or body at the
    first undeclared entity, and the feed showed no error."""
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>Caf&eacute;&nbsp;au lait &amp; cr&egrave;me</title><link>https://example.org/1</link>"
        b"<description>Prix&nbsp;: 5&nbsp;&euro; &mdash; &lt;b&gt;bon&lt;/b&gt; &bogus; end</description></item>"
        b"<item><title>Two</title><link>https://example.org/2</link>"
        b"<description><![CDATA[<p>Body&nbsp;two &copy; 2025</p>]]></description></item></channel></rss>"
    )
    (title, body, _), (_, second, _) = _items(data)
    assert title == "Café au lait & crème"  # a title is one line of plain spaces
    assert body == "Prix\u00a0: 5\u00a0€ — <b>bon</b> &bogus; end"
    assert html_to_markdown(second) == "Body two © 2025"  # escaped HTML: &#160; is the same HTML as &nbsp;


def test_a_feed_declared_latin_1_is_read_as_windows_1252() -> None:
    data = (
        b'<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>It\x92s \x93quoted\x94 \x96 caf\xe9</title><guid>g1</guid><description>x</description></item></channel></rss>"
    )
    assert _items(data)[0][0] == "It’s “quoted” – café"
    utf8 = '<?xml version="1.0" encoding="us-ascii"?><rss version="2.0"><channel><title>T</title><item><title>Straße – “quoted”</title>'
    assert _items((utf8 + "<guid>g</guid></item></channel></rss>").encode())[0][0] == "Straße – “quoted”"  # declared ASCII, written UTF-8


def test_russian_with_no_charset_anywhere_is_read_as_cp1251() -> None:
    text = '<rss version="2.0"><channel><title>Новости</title><item><title>Узбекистан и Казахстан подписали соглашение</title>'
    data = (text + "<guid>1</guid><description>В Ташкенте прошли переговоры</description></item></channel></rss>").encode("cp1251")
    parsed = parse(data, "https://example.org/feed.xml")
    assert isinstance(parsed, ParsedFeed) and parsed.title == "Новости"
    assert parsed.items[0].title == "Узбекистан и Казахстан подписали соглашение"
    french = (
        b'<rss version="2.0"><channel><title>Caf\xe9</title><item><title>cr\xe8me br\xfbl\xe9e</title><guid>1</guid></item></channel></rss>'
    )
    assert _items(french)[0][0] == "crème brûlée"
    short = '<rss version="2.0"><channel><title>T</title><item><title>O que é isso? É à noite</title><guid>1</guid></item></channel></rss>'
    assert _items(short.encode("cp1252"))[0][0] == "O que é isso? É à noite"  # one-letter words say nothing of Cyrillic


def test_a_guid_marked_not_a_permalink_is_not_the_link() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
        b"<item><title>A</title><guid>https://example.org/a</guid></item>"
        b'<item><title>B</title><guid isPermaLink="False">https://example.org/b</guid></item>'
        b'<item><title>C</title><link>https://example.org/c-page</link><guid isPermaLink="false">https://example.org/c</guid></item>'
        b"</channel></rss>"
    )
    assert [link for _, _, link in _items(data)] == ["https://example.org/a", "", "https://example.org/c-page"]


def test_rss_0_90_is_read() -> None:
    data = (
        b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://my.netscape.com/rdf/simple/0.9/">'
        b"<channel><title>Example title</title><link>https://example.org/</link></channel>"
        b"<item><title>Item title</title><link>https://example.org/1</link></item></rdf:RDF>"
    )
    parsed = parse(data, "https://example.org/feed.rdf")
    assert isinstance(parsed, ParsedFeed) and parsed.title == "Example title"
    assert [(i.title, i.link) for i in parsed.items] == [("Item title", "https://example.org/1")]


def test_references_to_control_characters_are_dropped_and_take_nothing_with_them() -> None:
    data = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title><item><title>A&#x1b;[2J&#27;B&#9;C</title>'
        b"<description>&lt;p&gt;OSC: &#x1b;]0;pwned&#x07; end.&lt;/p&gt;&lt;p&gt;next&lt;/p&gt;</description></item></channel></rss>"
    )
    [(title, body, _)] = _items(data)
    assert title == "A[2JB C"
    assert body == "<p>OSC: ]0;pwned end.</p><p>next</p>"
