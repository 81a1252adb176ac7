"""OPML and newsboat urls import (every newsboat sample), export -> import."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from reader.feeds.opml import Subscription, export_opml, export_urls, import_bytes, read_opml, read_urls

from .feeds_helpers import OPML


def _import(name: str):  # type: ignore[no-untyped-def]
    return import_bytes((OPML / name).read_bytes())


def test_every_newsboat_sample_is_here() -> None:
    assert {p.name for p in OPML.glob("*.opml")} == {
        "body-element-missing.opml",
        "category.opml",
        "example.opml",
        "example2.opml",
        "filtered.opml",
        "opml-element-missing.opml",
        "piped.opml",
        "test-urls+.opml",
    }
    assert (OPML / "LICENSE").exists()


def test_example_nested_outlines_become_tags_as_newsboat_maps_them() -> None:
    # newsboat 2.21 `-i example.opml` writes these URLs with these tags.
    result = _import("example.opml")
    assert result.error is None and result.skipped == ()
    assert [(f.url, f.tags) for f in result.feeds] == [
        ("https://example.com/feed.xml", ()),
        ("https://example.com/mirrors/distrowatch.rss", ()),
        ("https://example.com/feed.atom", ()),
        ("https://example.com/feed.rss09", ()),
        ("https://blogs.example.com/~john/posts.rss", ("Blogs",)),
        ("https://blogs.example.com/~mike/.rss", ("Blogs/friends",)),
        ("https://fred.example.com/writing/index.php?type=rss", ("eloquent",)),
    ]
    assert result.feeds[4].name == "John's musings"


def test_example2_text_before_title() -> None:
    result = _import("example2.opml")
    by_url = {f.url: f for f in result.feeds}
    assert by_url["https://third.example.com/~of/internet.rss"].tags == ("Rant boards/humans",)
    assert by_url["https://four.example.com/~john/posts.rss"].tags == ("Rant boards",)
    assert by_url["https://example.com/five.atom"].name == "another title"
    assert len(result.feeds) == 7


def test_category_attribute_becomes_tags() -> None:
    (feed,) = _import("category.opml").feeds
    assert feed.url == "http://feeds.bbci.co.uk/news/business/rss.xml?edition=int"
    assert feed.tags == ("tag one", "tag_two", "tag/three")
    assert feed.name == ""


def test_filter_and_exec_outlines_are_skipped_with_a_note() -> None:
    filtered = _import("filtered.opml")
    assert [f.url for f in filtered.feeds] == ["https://example.com/another_feed.atom"]
    assert len(filtered.skipped) == 1 and "filter" in filtered.skipped[0]
    piped = _import("piped.opml")
    assert [(f.url, f.tags) for f in piped.feeds] == [("https://example.com/feed.atom", ("tagged",))]
    assert len(piped.skipped) == 1 and "exec" in piped.skipped[0]


def test_repeated_folders() -> None:
    result = _import("test-urls+.opml")
    assert [(f.url, f.tags) for f in result.feeds] == [
        ("http://test1.url.cc/feed.xml", ("tag1/tag2",)),
        ("http://anotherfeed.com/", ()),
        ("http://onemorefeed.at/feed/", ("tag1/tag3",)),
        ("https://example.com/another_feed.atom", ()),
    ]


def test_broken_opml_files_are_errors() -> None:
    missing_body = _import("body-element-missing.opml")
    assert missing_body.feeds == () and missing_body.error is not None and "body" in missing_body.error
    not_opml = _import("opml-element-missing.opml")
    assert not_opml.feeds == () and not_opml.error is not None and "<opml>" in not_opml.error
    assert read_opml(b"<opml><body><outline").error is not None


def test_opml_entities_are_refused() -> None:
    doc = b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]><opml><body><outline xmlUrl="http://a.example/&x;"/></body></opml>'
    result = read_opml(doc)
    assert result.feeds == () and result.error is not None and "entities" in result.error


def test_newsboat_urls_file() -> None:
    text = """# my feeds
https://a.example/feed.xml news "tech stuff" "~A Name"
https://b.example/rss

  # indented comment
"query:Unread Articles:unread = \\"yes\\""
exec:~/bin/feed.sh
filter:~/bin/filter.pl:https://c.example/feed
https://a.example/feed.xml extra
ftp://d.example/feed
https://e.example/feed "unclosed
https://f.example/feed !hidden
"""
    result = read_urls(text)
    assert [(f.url, f.name, f.tags) for f in result.feeds] == [
        ("https://a.example/feed.xml", "A Name", ("news", "tech stuff", "extra")),
        ("https://b.example/rss", "", ()),
        ("https://f.example/feed", "", ("hidden",)),
    ]
    kinds = " ".join(result.skipped)
    assert "query:" in kinds and "exec:" in kinds and "filter:" in kinds and "ftp://" in kinds and "line 11" in kinds
    assert len(result.skipped) == 5
    assert import_bytes(text.encode()).feeds == result.feeds


def test_export_then_import_round_trips() -> None:
    subs = [
        Subscription("https://a.example/feed.xml?x=1&y=2", "A & B <news>", ("news", "Blogs/friends")),
        Subscription("https://b.example/rss", "", ()),
        Subscription("https://c.example/atom", 'Quote "this"', ("один", "два")),
        Subscription("https://d.example/atom", "D", ("Tech/Media",)),
    ]
    written = export_opml(subs).decode()
    # Folders as other readers take them: the first tag nests, the others are categories
    assert '<outline text="news" title="news">\n      <outline type="rss" text="A &amp; B &lt;news&gt;"' in written
    assert 'category="Blogs/friends"' in written
    again = import_bytes(export_opml(subs))
    assert again.error is None and again.skipped == ()
    assert list(again.feeds) == subs
    assert list(read_urls(export_urls(subs)).feeds) == subs


def test_every_sample_survives_export_and_import() -> None:
    for path in OPML.glob("*.opml"):
        first = import_bytes(path.read_bytes())
        again = import_bytes(export_opml(first.feeds)).feeds
        assert sorted(again, key=str) == sorted(first.feeds, key=str), path.name  # a folder's feeds are together now


_tag = (
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20)
    .map(lambda t: " ".join(t.replace(",", " ").split()).strip("/"))
    .filter(bool)
)


@settings(max_examples=100, deadline=None)
@given(name=st.text(max_size=40), tags=st.lists(_tag, max_size=4, unique=True))
def test_any_name_and_tags_round_trip(name: str, tags: list[str]) -> None:
    from reader.sanitize import stored_line

    sub = Subscription("https://x.example/feed", stored_line(name), tuple(tags))
    (back,) = import_bytes(export_opml([sub])).feeds
    assert back == sub


def test_a_urls_line_that_is_no_url_is_quoted_whole() -> None:
    skipped = read_urls("not a url at all\nftp://x.org/f tag\nhttp://ok.example/feed\n").skipped
    assert skipped == ("line 1: not an http or https URL: not a url at all", "line 2: not an http or https URL: ftp://x.org/f tag")


def test_broken_xml_is_told_once_where() -> None:
    """«…line 1, line 1, column 21 (<string>, line 1)» said where twice and
    a file name there is none of."""
    mismatch = read_opml(b'<opml version="2.0"><body>\n<outline text="a" xmlUrl="http://x/">\n</body>')
    assert (
        mismatch.error
        == "not valid XML: Opening and ending tag mismatch: <outline> (opened on line 2) closed by </body> at line 3, column 8"
    )
    unclosed = read_opml(b'<opml version="2.0"><body><outline text="a" xmlUrl="http://x/"/></body>\n<x')
    assert unclosed.error == "not valid XML: Couldn't find end of Start Tag x (opened on line 2) at line 2, column 3"
