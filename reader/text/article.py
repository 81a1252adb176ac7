"""The main text of a web page as Markdown: trafilatura, with the boilerplate it keeps taken out.

trafilatura finds the article; what it keeps around it on many real pages
(related links, "Read more" trailers, captions and credits, newsletter and
subscription prompts, share bars, author boxes, comment sections) is taken
out by structure, in two passes:

- on the page, before trafilatura: elements whose tag, role, class or id
  says what they are (a figure's caption, a related-links box, a newsletter
  box, an author box, a sidebar, comments and their form, a template),
  unless they hold much of the page's text;
- on the text trafilatura found: blocks that are only links to the same
  site (a teaser, a list of other articles) with their heading; prompts to
  subscribe or follow, picture credits, numbered figure captions and
  advertisement labels anywhere; bylines and dates before the article's
  first paragraph; calls to action, copyright and licence lines, addresses
  to write or call, lines offering more of the site and a bare heading
  trailing its last. A short line that is no sentence is kept (as often as
  not it is the article's) unless it stands among addresses: a contact box.

A pass that would leave less than a full text's worth of words is undone.
The article's lead, when the page names one ("teaser", "intro",
"standfirst"…: a few lines of prose, no links) just before the text's first
paragraph and trafilatura left it out (it drops every teaser, and often
finds the body in a block the lead is not in), is put back before it.

Lengths count words between spaces, and characters in scripts without
spaces (:func:`reader.model.word_count`). The page's own line breaks and
indentation are folded out of the text, which would otherwise read as
Markdown code blocks.
"""

from __future__ import annotations

import functools
import re
from typing import Any
from urllib.parse import urlsplit

from reader.model import word_count
from reader.text import leads

# -- the page ------------------------------------------------------------------

# Tokens of a class or id that name what an element is, not how it looks.
_ROLE_WORDS = {
    "caption": r"caption|credit|bildunterschrift|image-?desc|img-?desc|photo-?desc|(?:^|[-_])dida(?:scalia)?(?:$|[-_])",
    "related": r"related|read-?more|more-?(?:articles|news|stories|posts|from)|recommend|link-?list|linkbox|see-?also|also-?read|further-?reading|popular|trending|sidebar",
    "promo": r"newsletter|subscri|sign-?up|promo|donat|(?:^|[-_])cta(?:$|[-_])",
    "social": r"share|sharing|social|sharedaddy|(?:^|[-_])sd-|follow-?us|rating",
    "author": r"author-?(?:bio|box|info|profile)|about-?(?:the-?)?author|byline",
    "navigation": r"breadcrumb|back-?link|pagination|pager",
}
_ROLE = re.compile("|".join(f"(?:{words})" for words in _ROLE_WORDS.values()), re.IGNORECASE)
# A comment section is named as one (the article's own container may say "comments-open").
_COMMENTS = re.compile(
    r"^(?:[\w-]*[-_])?(?:comments?|kommentare?|commentaires?|comentarios?)(?:[-_](?:list|section|area|wrapper|container|item|block|box|form|add|reply))?$"
    r"|^commentlist$|^disqus|^respond$",
    re.IGNORECASE,
)
# "no-share", "has-comments", "js-readmore": how a block behaves, not what it is
_MODIFIER = re.compile(r"(?:no|has|with|is|js)[-_]", re.IGNORECASE)
_ROLE_TAGS = {"figcaption"}
_SECTION_TAGS = {"div", "section", "aside", "ol", "ul", "li", "dl", "footer"}  # not a comment in code
_CODE_TAGS = {"pre", "code"}
_ROLE_ATTRIBUTE = {"complementary", "contentinfo", "navigation"}
_KEEP_TAGS = {"html", "body", "main", "article"}
_UNSHOWN_TAGS = {"template"}  # markup a script fills in, never shown as it stands
# A named block is taken out when it is small (a caption, a share bar) or
# mostly links (a related box); one holding a large share of the page's text
# is the article, whatever its class says. Comments may be long, not most of the page.
_SMALL_CHARS = 500
_LINKED_SHARE = 0.5
_MAX_SHARE = 0.25
_MAX_COMMENTS_SHARE = 0.6


def _text_length(element: Any) -> int:
    return sum(len(piece.strip()) for piece in element.itertext())


def _named(element: Any) -> str:
    """What an element's tag, role, class or id says it is: "comments", "boilerplate" or ""."""
    if element.tag in _ROLE_TAGS or (element.get("role") or "").lower() in _ROLE_ATTRIBUTE:
        return "boilerplate"
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return _named_by(names, element.tag in _SECTION_TAGS) if names.strip() else ""


@functools.lru_cache(maxsize=4096)
def _named_by(names: str, section: bool) -> str:
    """What a class and id say (a page repeats the same few many times)."""
    tokens = [token for token in names.split() if not _MODIFIER.match(token)]
    if section and any(_COMMENTS.search(token) for token in tokens):
        return "comments"
    return "boilerplate" if any(_ROLE.search(token) for token in tokens) else ""


def _holds_article(element: Any) -> bool:
    return (
        element.find(".//article") is not None
        or element.find(".//h1") is not None
        or element.find(".//*[@itemprop='articleBody']") is not None
    )


def prune_page(tree: Any) -> None:
    """Take out of a parsed page the elements named as boilerplate (in place)."""
    body = tree.find(".//body")
    total = max(1, _text_length(body if body is not None else tree))
    doomed = []
    for element in tree.iter():
        if not isinstance(element.tag, str) or element.tag in _KEEP_TAGS or element.tag in _CODE_TAGS:
            continue
        if element.tag in _UNSHOWN_TAGS:
            doomed.append(element)
            continue
        kind = _named(element)
        if not kind or any(ancestor.tag in _CODE_TAGS for ancestor in element.iterancestors()):
            continue
        length = _text_length(element)
        if kind == "comments":
            keep = length > _MAX_COMMENTS_SHARE * total or _holds_article(element)
        else:
            linked = sum(_text_length(link) for link in element.iter("a"))
            small = length <= _SMALL_CHARS or linked >= _LINKED_SHARE * length
            keep = not small or length > _MAX_SHARE * total or _holds_article(element)
        if not keep:
            doomed.append(element)
    for element in doomed:
        if _attached(element, tree):
            _drop(element)


def _attached(element: Any, root: Any) -> bool:
    while element is not None:
        if element is root:
            return True
        element = element.getparent()
    return False


def _drop(element: Any) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = element.getparent()
    if element.tail and element.tail.strip():
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


# -- the text found --------------------------------------------------------------

_BLOCKS = {"p", "head", "list", "quote", "table", "code"}
# A short label before a link: "Read more:", "MIRA:", ">> Lesen Sie auch", "【関連記事】", "延伸阅读：".
_LABEL = re.compile(r"^\W{0,5}[\w\s'’]{0,40}(?::|：|>>|»|】|–|—|\|)\W{0,5}$|^\W{0,10}$")
_LABEL_CHARS = 60
_SENTENCE_END = re.compile(r"[.!?…。！？؟।][\"'”’»)\]]*\s*$")
_CALL = re.compile(
    r"\bsubscribe\b|\bsign(?:ing)? up\b|newsletter|\bfollow us\b|\bfollow [\w ]{1,30} on (?:twitter|facebook|instagram)|"
    r"download (?:the|our) [\w ]{0,30}app|\bsupport (?:our|us)\b|(?:click|tap) here|"
    r"abonnier|jetzt (?:bestellen|registrieren|anmelden)|folgen sie uns|hier klicken|"
    r"abonnez-vous|inscrivez-vous|suivez-nous|suscr[ií]bete|s[ií]guenos|assine|inscreva-se|iscriviti|seguici|abbonati|"
    r"подписывайтесь|подпишитесь|already a subscriber|subscribers (?:also )?(?:receive|get|enjoy)|\b(?:start|get|buy) (?:a|your) subscription|"
    r"creative commons|\bcc[- ]by\b|"
    r"©|\bcopyright\b|all rights reserved|alle rechte vorbehalten|tous droits réservés|derechos reservados|все права защищены|"
    r"^\W*(?:tags?|topics?|filed under|categories|kategorien|themen|schlagw[öo]rter|abgelegt unter|mots-cl[ée]s|cat[ée]gories|etiquetas|temas|теги|рубрик[аи])\s*:",
    re.IGNORECASE,
)
# Anywhere in the text: a short block that asks the reader to subscribe, follow or support.
_PROMPT = re.compile(
    r"\bour (?:\w+ )?newsletter|\bsubscribe (?:now|today|here|to (?:our|the))|please subscribe|\bsign up (?:for|to) (?:our|the)|"
    r"\bfollow us\b|consider(?:ing)? supporting|download (?:our|the) [\w ]{0,30}app|\bclick here\b|"
    r"newsletter abonnieren|jetzt abonnieren|abonnieren sie|folgen sie uns|abonnez-vous|inscrivez-vous à notre|suivez-nous|"
    r"suscr[ií]bete|s[ií]guenos|iscriviti|seguici|подпишитесь|подписывайтесь",
    re.IGNORECASE,
)
_PROMPT_WORDS = 40
# Anywhere: a line that credits a picture ("Photo: …", "Foto: dpa", "© AFP", "… /Getty Images").
_CREDIT = re.compile(
    r"^\W*(?:photo|foto|image|picture|bild|credits?|crédits?|créditos?|imagen|фото)s?(?:\s+(?:photos?|fotos?|images?))?\s*[:/©]|^\W*©|^\W*\((?:photo|foto|bild)\b|"
    r"getty images|\bap photo\b|photograph:|shutterstock|\bistock\b|picture alliance|"
    # a numbered figure's caption: "Abbildung 4: …", "Fig. 2.", "Figure 3 –"
    r"^\W*(?:abbildung|abb\.|figure|fig\.|grafik|illustration|figura|рис\.|рисунок)\s*\d+[a-z]?\s*[:.–—-]",
    re.IGNORECASE,
)
# Anywhere: a block that is only the label of an advertisement or says the story goes on after one.
_AD = re.compile(
    r"^\W*(?:advertisement|advertising|sponsored|anzeige|werbung|publicidad|publicité|pubblicità|реклама)\W*$|"
    r"^\W*(?:story|article|text) continues (?:below|after)|^\W*continue reading (?:below|after)|"
    # a label before an advertisement ("ANZEIGE - …", "Advertisement: …", "Anzeige, enthält …")
    r"^\W*(?:advertisement|anzeige|werbung|publicidad|publicité|pubblicità|реклама)\s*[-–—:,|]",
    re.IGNORECASE,
)
_CREDIT_WORDS = 20
# After the article: a short line that offers more of the site ("Weitere Themen", "More from …", "Lesen Sie auch").
_MORE = re.compile(
    r"^\W*(?:weitere|mehr (?:zum|zu|aus|von|über)|das könnte|lesen sie (?:auch|mehr)|more (?:from|on|about|stories|news|articles)|"
    r"related|other (?:stories|articles|news)|see also|read (?:more|also)|also read|you (?:may|might) also|"
    r"plus de|à lire|lire aussi|más (?:noticias|de)|leer más|leggi anche|altri articoli|читайте также|другие (?:новости|статьи))",
    re.IGNORECASE,
)
# After the article: a line of an address to write or call ("E-Mail: …@…", "Tel.: +49 …").
_CONTACT = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b(?:tel|telefon|telephone|phone|fax|mobil|mobile|tél|téléphone|teléfono|telefone|телефон|тел)\b\.?\s*:?\s*[+(\d]",
    re.IGNORECASE,
)
# Before the article's first paragraph: a byline, a date, a reading time.
_META = re.compile(
    r"^(?:by|von|par|por|di|от)\s+\w|\b\d{1,4}[./-]\d{1,2}[./-]\d{2,4}\b|\b\d{1,2}:\d{2}\b|"
    r"^(?:updated|published|posted|last modified|aktualisiert|veröffentlicht|erstellt|publié|mis à jour|publicado|actualizado|обновлено|опубликовано)|"
    r"min read|reading time|lesezeit|temps de lecture",
    re.IGNORECASE,
)
_META_WORDS = 12
_HEADLINE_WORDS = 20  # a link longer than a headline is the text itself, made a link
_CALL_WORDS = 60
_TRAILING_WORDS = 15
_PARAGRAPH_WORDS = 30  # an article's paragraph: scraps are looked for around these


def _within(text: str, words: int) -> bool:
    """Whether a text is at most so many words long (and so many characters
    as twenty a word: a run without spaces is no short line)."""
    return len(text) <= 20 * words and word_count(text) <= words


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())


def _site(url: str | None) -> str:
    """The registered name of a link's host: "bbc.co.uk" of news.bbc.co.uk, "example.org" of www.example.org."""
    host = (urlsplit(url).hostname or "") if url else ""
    labels = host.split(".")
    if host.replace(".", "").isdigit() or ":" in host:  # an address, not a name
        return host
    # under a country's own second level (co.uk, com.br, ne.jp) the name has three labels
    keep = 3 if len(labels) >= 3 and len(labels[-1]) == 2 and len(labels[-2]) <= 3 else 2
    return ".".join(labels[-keep:])


def _same_site(target: str | None, site: str) -> bool:
    """Whether a link points into the page's own site (a relative link does)."""
    return not site or not target or _site(target) in ("", site)


def _only_links(element: Any, site: str) -> bool:
    """A block that is a link or a list of links to the same site, with at most
    a short label: a teaser of another article, a list of them."""
    refs = list(element.iter("ref"))
    texts = [_text(ref) for ref in refs]
    if not refs or any(word_count(text) > _HEADLINE_WORDS for text in texts) or word_count(" ".join(texts)) < 2:
        return False
    if not all(_same_site(ref.get("target"), site) for ref in refs):
        return False
    whole = _text(element)
    if element.tag == "list":
        return len(list(element.iter("item"))) >= 2 and sum(map(len, texts)) >= 0.8 * len(whole)
    rest = whole
    for text in texts:
        rest = rest.replace(text, " ", 1)
    rest = rest.strip()
    return len(rest) <= _LABEL_CHARS and bool(_LABEL.match(rest))


def _is_prompt(element: Any) -> bool:
    text = _text(element)
    return element.tag in ("p", "head") and _within(text, _PROMPT_WORDS) and bool(_PROMPT.search(text))


def _is_call(element: Any) -> bool:
    text = _text(element)
    return _within(text, _CALL_WORDS) and bool(_CALL.search(text))


def _is_contact(element: Any) -> bool:
    text = _text(element)
    return _within(text, _CALL_WORDS) and bool(_CONTACT.search(text))


def _is_credit(element: Any) -> bool:
    text = _text(element)
    return element.tag == "p" and _within(text, _CREDIT_WORDS) and bool(_CREDIT.search(text) or _AD.search(text))


def _is_meta(element: Any) -> bool:
    text = _text(element)
    return element.tag == "p" and _within(text, _META_WORDS - 1) and not _SENTENCE_END.search(text) and bool(_META.search(text))


def _scrap(element: Any) -> bool:
    """A short block that is no sentence (a section title, a credit, a line of a
    list): the look for a trailer passes over it, and keeps it."""
    if element.tag == "head":
        return True
    text = _text(element)
    return element.tag in ("p", "quote") and _within(text, _TRAILING_WORDS - 1) and not _SENTENCE_END.search(text)


def prune_text(body: Any, url: str | None = None) -> None:
    """Take boilerplate out of the body trafilatura extracted (in place)."""
    site = _site(url)
    blocks = [child for child in body if child.tag in _BLOCKS]
    doomed = {
        id(block)
        for block in blocks
        if (block.tag in ("p", "head", "list") and _only_links(block, site)) or _is_prompt(block) or _is_credit(block)
    }
    # a heading over nothing but dropped blocks goes with them
    for index, block in enumerate(blocks):
        if block.tag != "head":
            continue
        section = []
        for later in blocks[index + 1 :]:
            if later.tag == "head":
                break
            section.append(later)
        if section and all(id(later) in doomed for later in section):
            doomed.add(id(block))
    # around the article's paragraphs (a page of short lines has none, and keeps
    # them all): bylines and dates before the first; calls to action and what
    # is already doomed trailing the last
    paragraphs = [index for index, block in enumerate(blocks) if block.tag == "p" and word_count(_text(block)) >= _PARAGRAPH_WORDS]
    first = paragraphs[0] if paragraphs else len(blocks)
    doomed.update(id(block) for block in blocks[:first] if paragraphs and _is_meta(block))
    trailing = []
    for index in range(len(blocks) - 1, first, -1):
        block = blocks[index]
        if id(block) in doomed or _is_call(block) or _is_contact(block) or (_scrap(block) and _MORE.search(_text(block))):
            doomed.add(id(block))
        elif not _scrap(block):
            break
        trailing.append(block)
    # short lines around addresses to write or call (names, offices, "Contact:") are a contact box
    if 3 * sum(map(_is_contact, trailing)) >= len(trailing):
        doomed.update(map(id, trailing))
    # and a heading left with nothing after it
    for block in reversed(blocks):
        if id(block) not in doomed:
            if block.tag != "head":
                break
            doomed.add(id(block))
    for block in blocks:
        if id(block) in doomed:
            _drop(block)


def repeats_title(heading: str, title: str) -> bool:
    """Whether a heading (in Markdown) says the page's title again: the same
    words, or a headline of three words or more that the title holds
    ("Headline | Site", "Headline - Section")."""
    said, titled = _words_of(heading), _words_of(title)
    return bool(said) and (said == titled or (len(said.split()) >= 3 and said in titled))


def _words_of(text: str) -> str:
    return " ".join(_WORD.findall(text.casefold()))


_WORD = re.compile(r"\w+")


# -- both ------------------------------------------------------------------------


def main_markdown(html: bytes | str, url: str | None = None, enough: int = 0) -> str:
    """The main text of a page as Markdown ("" when there is none).

    Boilerplate is never taken out at the cost of the article: when the text
    found after a pass has fewer than ``enough`` words and the text found
    without it had more, the pass is undone."""
    from copy import deepcopy

    from trafilatura.utils import load_html  # heavy: only when a full text is asked for

    pruned = load_html(html)
    if pruned is None:
        return ""
    prune_page(pruned)
    lead = leads.found(pruned)
    body = _body(pruned, url)
    if enough and _words(body) < enough:  # rare: the page is read again rather than copied every time
        whole = _body(load_html(html), url)
        body = whole if _words(whole) > _words(body) else body
    if body is None:
        return ""
    kept = deepcopy(body)
    prune_text(body, url)
    if enough and _words(body) < enough <= _words(kept):
        body = kept
    if lead:
        leads.put_back(body, *lead)
    return _markdown(body)


def _body(tree: Any, url: str | None) -> Any:
    """What trafilatura finds in a parsed page, in its own shape (None when nothing)."""
    from trafilatura import bare_extraction

    document = bare_extraction(
        tree,
        url=url,
        output_format="markdown",
        include_comments=False,
        include_tables=True,
        include_links=True,
        include_images=False,
        deduplicate=False,
        as_dict=False,
    )
    return getattr(document, "body", None)  # a Document (as_dict=False), or None


def _words(body: Any) -> int:
    return 0 if body is None else word_count(" ".join(body.itertext()))


def _markdown(body: Any) -> str:
    from trafilatura.utils import normalize_unicode
    from trafilatura.xml import xmltotxt

    _tidy(body)
    return str(normalize_unicode(xmltotxt(body, True))).strip()


_SPACES = re.compile(r"\s+")
_HTML_ONLY = {"#sub", "#sup", "#u"}  # trafilatura writes these as HTML tags in Markdown


def _tidy(body: Any) -> None:
    """Fold the page's own line breaks and indentation out of the text (code
    keeps them): an indented line would read as a Markdown code block, and a
    link in it as its raw text and address. Sub- and superscripts and
    underlining, which Markdown has not, become plain text rather than raw
    HTML tags shown as such."""
    from lxml import etree

    for element in body.iter("hi"):
        if element.get("rend") in _HTML_ONLY:
            element.tag = "unwrapped"
    etree.strip_tags(body, "unwrapped")
    for element in body.iter():
        in_code = element.tag == "code" or any(ancestor.tag == "code" for ancestor in element.iterancestors())
        if element.text and not in_code:
            element.text = _SPACES.sub(" ", element.text)
        if element.tail and not (in_code and element.tag != "code"):
            element.tail = _SPACES.sub(" ", element.tail)
