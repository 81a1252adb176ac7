"""The main text of a page without the boilerplate trafilatura keeps
(reader/text/article.py): on hand-made pages, and rule by rule on small
pages and on bodies in trafilatura's own shape."""

from __future__ import annotations

from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from reader import fulltext
from reader.model import word_count
from reader.text import article

PAGES = Path(__file__).parent.parent / "data" / "pages"
URL = "https://valley-courier.example/news/2026/river-towns-barrier"


def test_an_english_news_page_keeps_the_story_and_loses_what_is_around_it():
    html = (PAGES / "boilerplate_en.html").read_bytes()
    import trafilatura

    alone = trafilatura.extract(html, url=URL, include_comments=False, include_links=True, output_format="markdown") or ""
    _, text = fulltext.main_text(html, URL)
    for paragraph in (
        "Three towns on the lower Aldern voted on Tuesday",
        "each pay a third of the cost",
        "a barrier at the narrows below Easterby",
        "several farmers on the far bank",
        "choose a builder by the autumn",
        "Tonight we finally stopped arguing",
    ):
        assert paragraph in text
    teasers = (
        "Read more",
        "Spring flood damage bill",
        "How high the Aldern rose",
        "Related stories",
        "Millford budget",
        "Follow us on Facebook",
    )
    assert all(teaser in alone for teaser in teasers), "trafilatura alone keeps them (else the page tests nothing)"
    for boilerplate in (
        *teasers,
        "Photo: Jane Archer",
        "Credit: Regional Water Authority",
        "morning briefing",
        "Share on",
        "Tom Reeve",
        "cellar",
        "Back to all news",
        "©",
    ):
        assert boilerplate not in text, boilerplate


def test_a_german_news_page_keeps_its_lead_and_loses_contacts_labels_and_prompts():
    html = (PAGES / "boilerplate_de.html").read_bytes()
    url = "https://schneekunde.example/news/drohnen"
    import trafilatura

    alone = trafilatura.extract(html, url=url, include_comments=False, include_links=True, output_format="markdown") or ""
    _, text = fulltext.main_text(html, url)
    lead = "misst die Schneedecke im Hochtal seit diesem Winter"
    assert lead not in alone, "trafilatura alone drops a lead named a teaser (else the page tests nothing)"
    for paragraph in (lead, "Bisher stiegen zwei Mitarbeitende", "graben die Fachleute weiterhin selbst", "wo sie wirklich etwas bringt"):
        assert paragraph in text, paragraph
    kept_alone = (
        "Abbildung 2: Karte",
        "ANZEIGE",
        "Weitere aktuelle Themen",
        "Kontakt:",
        "Dr. Anna Beispiel",
        "anna.beispiel@",
        "+49 8821",
        "kommentieren zu können",
        "noch keine Bilder",
    )
    assert all(boilerplate in alone for boilerplate in kept_alone)
    for boilerplate in (*kept_alone, "Grafik der Schneehöhen", "Skischulen", "Lawinenwinter"):
        assert boilerplate not in text, boilerplate


def test_a_japanese_page_loses_its_teasers_and_is_still_text_enough():
    html = (PAGES / "boilerplate_ja.html").read_bytes()
    _, text = fulltext.main_text(html, "https://tani-shimbun.example/news/2026/barrier")
    assert "アルデン川下流の三つの町は火曜日" in text and "来春にも工事が始まる" in text
    for boilerplate in ("関連記事", "春の洪水被害", "ミルフォードの予算", "撮影・谷新聞", "一覧へ戻る"):
        assert boilerplate not in text, boilerplate
    assert len(text.split()) < fulltext.MIN_WORDS <= word_count(text), "counted by characters, as a script without spaces is"


def test_boilerplate_is_not_taken_out_at_the_cost_of_an_answer():
    import trafilatura

    html = (PAGES / "boilerplate_en.html").read_bytes()
    pruned = word_count(article.main_markdown(html, URL))
    found = word_count(trafilatura.extract(html, url=URL, include_comments=False, include_links=True, output_format="markdown") or "")
    assert found - pruned > 40
    assert "Related stories" not in article.main_markdown(html, URL, enough=pruned - 20)
    assert "Related stories" in article.main_markdown(html, URL, enough=(pruned + found) // 2), "too little left: the text as found"


def test_a_page_indented_in_its_source_reads_as_text_not_code():
    from reader.text.markdown import render

    indent = "  \n\n" + " " * 40  # a blank line, then an indented one: a code block to Markdown
    paragraph = (
        f"<p>{indent}{LONG}{indent}<a href='https://maker.example/phones/14'>the new phone{indent}(all the rumours)</a>{indent}{LONG}</p>"
    )
    code = "<pre><code>def f():\n    return 1\n</code></pre>"
    html = f"<html><body><article><h1>Phones</h1>{paragraph * 3}{code}{paragraph}</article></body></html>"
    _, text = fulltext.main_text(html, URL)
    shown = render(text).text
    assert "the new phone (all the rumours)" in shown and "maker.example" not in shown
    assert "    return 1" in text, "code keeps its indentation"


def test_sub_and_superscripts_read_as_text_not_as_tags():
    from reader.text.markdown import render

    paragraph = f"<p>{LONG} Water is H<sub>2</sub>O, the area 40 m<sup>2</sup>, and <u>this</u> is <b>bold</b>.</p>"
    _, text = fulltext.main_text(f"<html><body><article><h1>Water</h1>{paragraph * 4}</article></body></html>", URL)
    shown = render(text).text
    assert "Water is H2O, the area 40 m2, and this is bold." in shown and "<" not in shown


# -- the text trafilatura found, rule by rule ------------------------------------

LONG = "The councils of the three towns will each pay a third of the cost of the barrier, and a joint board with two members from every town will decide when the gates close in a flood year."


def pruned(body: str, url: str | None = URL) -> str:
    tree = lxml.etree.fromstring(f"<body>{body}</body>")
    article.prune_text(tree, url)
    return " ".join(" ".join("".join(block.itertext()) for block in tree).split())


def test_a_teaser_to_the_same_site_goes_and_a_link_elsewhere_stays():
    got = pruned(
        f"<p>{LONG}</p>"
        '<p>Read more: <ref target="https://valley-courier.example/news/other">Spring flood damage bill passes ten million</ref></p>'
        '<p><ref target="/news/relative">A relative link to another story here</ref></p>'
        '<p>Source: <ref target="https://water-authority.example/report">The regional water authority report of 2026</ref></p>'
        f"<p>{LONG}</p>"
    )
    assert "Spring flood" not in got and "relative link" not in got
    assert "Source: The regional water authority report" in got


def test_a_paragraph_made_a_link_whole_is_text_not_a_teaser():
    whole = "Düsseldorf, 22 November - the energy company had a survey made of how people judge their own use of energy since the crisis began and how they will answer the planned price brake."
    got = pruned(f'<p>{LONG}</p><p><ref target="https://valley-courier.example/img/logo.jpg">{whole}</ref></p><p>{LONG}</p>')
    assert whole in got


def test_a_list_of_links_goes_with_its_heading_and_a_list_of_facts_stays():
    got = pruned(
        f"<p>{LONG}</p>"
        '<head rend="h3">Related stories</head>'
        '<list><item><ref target="/a">Millford budget leaves little room</ref></item><item><ref target="/b">Easterby bridge reopens again</ref></item></list>'
        '<head rend="h3">What the barrier costs</head>'
        "<list><item>Millford: 13.7 million pounds</item><item>Easterby: 13.7 million pounds</item></list>"
        f"<p>{LONG}</p>"
    )
    assert "Related stories" not in got and "Millford budget" not in got
    assert "What the barrier costs" in got and "Easterby: 13.7 million" in got


def test_a_prompt_goes_anywhere_and_a_quote_with_the_same_words_stays():
    got = pruned(
        f"<p>{LONG}</p>"
        "<p>Sign up for our newsletter and never miss a story from the valley!</p>"
        '<p>"We must support our farmers," the mayor said, "they carry the cost."</p>'
        f"<p>{LONG}</p>"
    )
    assert "newsletter" not in got and "support our farmers" in got


def test_scraps_and_calls_trailing_the_article_go_and_its_last_sentence_stays():
    got = pruned(
        f"<p>{LONG}</p><p>The company declined to comment.</p>"
        "<p>Photo: Jane Archer / Valley Courier</p><p>Follow us on Instagram</p><p>Tags: flood, Aldern, Millford</p>"
        "<p>© 2026 Valley Courier. All rights reserved.</p>"
        '<head rend="h2">More from the valley</head>'
    )
    assert got.endswith("The company declined to comment.")


def test_bylines_and_dates_before_the_article_and_credits_and_ad_labels_anywhere_go():
    got = pruned(
        "<p>By Tom Reeve</p><p>Updated 14.05.2026, 10:32</p><p>5 min read</p>"
        f"<p>{LONG}</p><p>Foto: dpa / Jane Archer</p><p>© AFP</p><p>ADVERTISEMENT</p><p>Story continues below advertisement</p>"
        f"<p>The mayor at the meeting. (Jane Archer/Getty Images)</p><p>{LONG} Again.</p>"
    )
    assert got == f"{LONG} {LONG} Again."


def test_subscription_prompts_and_licence_lines_trailing_the_article_go():
    got = pruned(
        f"<p>{LONG}</p><p>The company declined to comment.</p>"
        "<p>If you are already a subscriber, you can log in for immediate access to this story.</p>"
        "<p>Unless stated otherwise, the content of this site is licensed under CC BY 4.0.</p>"
    )
    assert got.endswith("The company declined to comment.")
    news = "The service now has 200 million subscribers, and the software is licensed under the GPL."
    assert news in pruned(f"<p>{LONG}</p><p>{news}</p>"), "a last sentence about subscribers or a licence is the article's"


def test_a_contact_box_trailing_the_article_goes_with_its_names_and_labels():
    box = (
        "<p>Pressekontakt:</p><p>Dr. Anna Beispiel</p><quote>Institut für Schneekunde, Hauptstraße 7, 82467 Garmisch</quote>"
        "<p>Tel.: +49 8821 555 0199</p><p>Fax: (08821) 555 0198</p><p>E-Mail: presse@schneekunde.example</p>"
    )
    assert pruned(f"<p>{LONG}</p><p>The company declined to comment.</p>{box}").endswith("The company declined to comment.")


def test_short_lines_with_one_address_among_them_stay_and_the_address_goes():
    facts = ["Length: 2.44 metres", "Weight: 186 grams", "Rings: nine, steel", "Handle: EVA", "Price: 159.90 euros", "Maker: Abu Garcia"]
    got = pruned(f"<p>{LONG}</p>" + "".join(f"<p>{fact}</p>" for fact in facts) + "<p>Orders: shop@abu-garcia.example</p>")
    assert all(fact in got for fact in facts) and "shop@" not in got


def test_a_line_offering_more_of_the_site_after_the_article_goes():
    got = pruned(f"<p>{LONG}</p><p>The company declined to comment.</p><p>Weitere aktuelle Themen aus der Arbeitswelt</p>")
    assert got.endswith("The company declined to comment.")
    assert "More rain" in pruned(f"<p>{LONG}</p><p>More rain is forecast for the weekend</p>"), "only what offers more of the site"


def test_numbered_figure_captions_and_advertisement_labels_go_anywhere():
    got = pruned(
        f"<p>{LONG}</p><p>Abbildung 4: klassische Schwachschicht.</p><p>Fig. 2. The narrows below Easterby</p>"
        f"<p>ANZEIGE - Heute mal ausgehen? Wie wäre es mit:</p><p>Anzeige, enthält Affiliate Links</p><p>{LONG} Again.</p>"
        "<p>Figure skating returns to the valley in 2027.</p>"
    )
    assert got == f"{LONG} {LONG} Again. Figure skating returns to the valley in 2027."


def test_short_lines_at_the_end_are_the_articles_and_a_call_after_them_is_not():
    facts = ["Length: 2.44 metres", "Weight: 186 grams", "Rings: nine, steel", "Handle: EVA", "Price: 159.90 euros", "Maker: Abu Garcia"]
    got = pruned(f"<p>{LONG}</p>" + "".join(f"<p>{fact}</p>" for fact in facts) + "<p>Follow us on Instagram</p>")
    assert all(fact in got for fact in facts) and "Instagram" not in got


def test_a_page_of_short_lines_keeps_them_all():
    lines = ["„I know I am drunk and should not say it…“", "– „Then do not say it“", "– „Ok.“", "2004 Nomination, German Multimedia Award"]
    got = pruned("".join(f"<p>{line}</p>" for line in lines))
    assert all(line in got for line in lines)


# -- the page, before trafilatura reads it ---------------------------------------------


def page_after(body: str) -> str:
    tree = lxml.html.fromstring(f"<html><body>{body}</body></html>")
    article.prune_page(tree)
    return " ".join(tree.text_content().split())


@pytest.mark.parametrize(
    "box",
    [
        "<figure><img src='a.jpg'><figcaption>BOX the old embankment, photo by the Courier</figcaption></figure>",
        "<div class='image-caption'>BOX the old embankment</div>",
        "<div class='photo-credit'>BOX Credit: Regional Water Authority</div>",
        "<div class='related-posts'><a href='/a'>BOX Millford budget</a> <a href='/b'>Easterby bridge</a></div>",
        "<div class='newsletter-signup'><p>BOX Get the morning briefing</p></div>",
        "<ul class='share-buttons'><li><a href='/s'>BOX Share</a></li></ul>",
        "<div class='author-bio'>BOX Tom Reeve covers local government.</div>",
        "<nav class='breadcrumb'>BOX Home › News</nav>",
        "<aside role='complementary'>BOX Most read</aside>",
        f"<section id='comments'><div class='comment-item'><p>BOX {LONG}</p></div></section>",
        "<div id='kb-comments-add'><p>BOX You must be logged in to comment.</p></div>",
        "<div class='dida'>BOX Grafico conta femmine con cuccioli 2019</div>",
        "<div class='sidebar-container'><p>BOX Compare 250 lenders and save</p></div>",
        "<template><p>BOX {{#images}} No pictures yet: add the first!</p></template>",
    ],
)
def test_a_box_named_for_what_it_is_goes(box: str):
    got = page_after(f"<article><p>{LONG}</p>{box}<p>{LONG}</p><p>{LONG}</p></article>")
    assert "BOX" not in got and LONG in got


def lead_page(before: str, after: str = "") -> str:
    body = "".join(f"<p>{LONG} ({n})</p>" for n in range(4))
    return (
        "<html><body><div class='news-single'><h1>River towns share one barrier</h1>"
        f"{before}<div class='news-text-wrap'>{body}{after}</div></div></body></html>"
    )


LEAD = "The three towns on the lower Aldern will build one flood barrier together and share its cost."


def test_a_lead_that_trafilatura_leaves_out_is_put_before_the_first_paragraph():
    import trafilatura

    html = lead_page(f"<div class='teaser-text'><p>{LEAD}</p></div>")
    assert LEAD not in (trafilatura.extract(html) or ""), "trafilatura drops a teaser (else this tests nothing)"
    text = article.main_markdown(html, URL)
    assert text.startswith(LEAD) and text.count(LEAD) == 1 and f"{LONG} (0)" in text


@pytest.mark.parametrize(
    "before",
    [
        f"<div class='teaser'><a href='/a'>{LEAD}</a></div>",  # a teaser of another page: a link
        f"<div class='cookiebar__intro'><p>{LEAD}</p></div>",  # named for something else too
        "<div class='teaser-text'><p>Short.</p></div>",  # a line, not a lead
    ],
)
def test_what_is_no_lead_is_not_put_before_the_text(before: str):
    text = article.main_markdown(lead_page(before), URL)
    assert text.startswith(f"{LONG} (0)") and "Short." not in text and LEAD not in text


def test_a_lead_the_text_holds_or_that_comes_after_its_paragraphs_stays_where_it_is():
    text = article.main_markdown(lead_page(f"<p class='lead'>{LEAD}</p>"), URL)
    assert text.startswith(LEAD) and text.count(LEAD) == 1
    text = article.main_markdown(lead_page(f"<div class='intro'><blockquote>{LEAD}</blockquote></div>"), URL)
    assert text.count(LEAD) == 1, "a lead the text holds as another kind of block is not said twice"
    text = article.main_markdown(lead_page("", after=f"<div class='teaser-text'><p>{LEAD}</p></div>"), URL)
    assert text.startswith(f"{LONG} (0)")


def test_a_comment_in_code_is_code():
    code = "<pre><code>dict(t) <span class='comment'># {'city': 'Amsterdam'}</span></code></pre>"
    assert "Amsterdam" in page_after(f"<article><p>{LONG}</p>{code}<p>{LONG}</p></article>")


@pytest.mark.parametrize("name", ["entry no-share", "text js-readmore", "post has-related-posts"])
def test_a_class_that_says_how_a_block_behaves_does_not_say_what_it_is(name: str):
    others = "".join(f"<p>{LONG} ({n})</p>" for n in range(4))
    assert f"BLOCK {LONG}" in page_after(f"<div class='{name}'><p>BLOCK {LONG}</p></div>{others}")


def test_a_named_box_holding_most_of_the_page_is_the_article():
    links = "".join(f"<li><a href='/tool/{n}'>{LONG} ({n})</a></li>" for n in range(3))
    got = page_after(f"<div class='documentContent__sharingContainer'><ul>{links}</ul></div><p>Footer</p>")
    assert f"{LONG} (2)" in got


@pytest.mark.parametrize(
    ("heading", "title", "repeats"),
    [
        ("River towns vote to share one flood barrier", "River towns vote to share one flood barrier", True),
        ("**River towns vote to share one flood barrier**", "River towns vote to share one flood barrier | Valley Courier", True),
        ("Ökostromkund\\*innen sparen", "Ökostromkund*innen sparen - Naturstrom", True),
        ("Details", "Details of the River towns barrier vote", False),
        ("Related stories", "River towns vote to share one flood barrier", False),
    ],
)
def test_a_first_heading_that_says_the_title_again(heading: str, title: str, repeats: bool):
    assert article.repeats_title(heading, title) is repeats


def test_a_headline_the_title_holds_is_not_repeated_above_the_text():
    html = (PAGES / "boilerplate_en.html").read_bytes().replace(b"<h1>", b"<h1><strong>").replace(b"</h1>", b"</strong></h1>")
    html = html.replace(
        b'content="River towns vote to share one flood barrier"', b'content="River towns vote to share one flood barrier | Local news"'
    )
    title, text = fulltext.main_text(html, URL)
    assert title == "River towns vote to share one flood barrier | Local news"
    assert text.startswith("Three towns on the lower Aldern")


def test_hostile_blocks_are_read_in_linear_time():
    # patterns that backtrack would take minutes on runs like these
    blank = " " * 50_000
    got = pruned(f"<p>{LONG}</p><p><ref target='/a'>Millford budget news</ref>!{blank}x</p><p>{'!' * 50_000}</p><p>{LONG}</p>")
    assert "Millford budget news" in got and got.endswith(LONG)


@pytest.mark.parametrize(
    ("page", "link", "same"),
    [
        ("https://www.bbc.co.uk/news/world", "https://news.bbc.co.uk/a", True),
        ("https://www.bbc.co.uk/news/world", "https://www.theguardian.co.uk/b", False),
        ("https://www.example.org/x", "https://edition.example.org/c", True),
        ("https://www.example.org/x", "/relative/d", True),
        ("https://www.example.org/x", "https://example.com/e", False),
        ("http://127.0.0.1:8000/x", "http://127.0.0.2:8000/f", False),
    ],
)
def test_a_link_into_the_same_site(page: str, link: str, same: bool):
    assert article._same_site(link, article._site(page)) is same
