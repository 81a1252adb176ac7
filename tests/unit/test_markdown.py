"""The shown text of Markdown bodies: formatting out of the text, spans and
links on the right words, plain paragraphs untouched."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from reader import corpus
from reader.highlight import body_text
from reader.text.markdown import _Renderer, render

SOURCE = """# Заголовок статьи

Текст с **жирным**, *курсивом*, ~~зачёркнутым~~ и [ссылкой](https://example.com/a) и `кодом`.
Вторая строка того же абзаца.

- один
- два
  - вложенный
- три

3. третий
4. четвёртый

> цитата **важная**
>
> второй абзац

![Карта Ташкента](https://example.com/map.png)

---

```
print("код")
```
"""


def spans_named(rendered, name):
    return [rendered.text[s:e] for s, e, n in rendered.spans if n == name]


def test_no_markdown_syntax_is_left_in_the_text():
    shown = render(SOURCE).text
    for raw in ("**", "](", "# ", "~~", "```", "> ", "![", "- один"):
        assert raw not in shown, raw
    assert shown.startswith("Заголовок статьи\n\nТекст с жирным, курсивом, зачёркнутым и ссылкой и кодом. Вторая строка того же абзаца.")
    assert "• один\n• два\n  • вложенный\n• три" in shown
    assert "3. третий\n4. четвёртый" in shown
    assert "│ цитата важная\n\n│ второй абзац" in shown
    assert "Карта Ташкента" in shown and "map.png" not in shown
    assert "─" * 10 in shown
    assert 'print("код")' in shown


def test_spans_sit_on_their_words():
    rendered = render(SOURCE)
    assert spans_named(rendered, "h1") == ["Заголовок статьи"]
    assert spans_named(rendered, "strong") == ["жирным", "важная"]
    assert spans_named(rendered, "em") == ["курсивом"]
    assert spans_named(rendered, "s") == ["зачёркнутым"]
    assert spans_named(rendered, "code") == ["кодом", 'print("код")']
    assert spans_named(rendered, "image") == ["Карта Ташкента"]
    (link,) = rendered.links
    assert (link.text, link.url, rendered.text[link.start : link.end]) == ("ссылкой", "https://example.com/a", "ссылкой")


def test_markup_and_escapes_stay_literal():
    rendered = render("[bold]жирный?[/bold] [@click=app.quit]выход[/] \\*не курсив\\* &lt;b&gt;")
    assert rendered.text == "[bold]жирный?[/bold] [@click=app.quit]выход[/] *не курсив* <b>"
    text = body_text(rendered.text, formatting=rendered)
    assert text.plain == rendered.text and not text.spans


def test_link_styles_are_clickable_only_for_the_web():
    rendered = render("[a](javascript:alert(1)) and [b](https://example.com)")
    text = body_text(rendered.text, formatting=rendered)
    links = [span.style.link for span in text.spans if hasattr(span.style, "link") and span.style.link]
    assert links == ["https://example.com"]


@given(st.lists(st.text(alphabet="абв где жзи клм. ,—«»0123456789\n", min_size=1, max_size=60), min_size=1, max_size=6))
def test_plain_paragraphs_take_the_fast_path_and_match_the_parser(paragraphs):
    source = "\n\n".join(paragraphs)
    assert render(source).text == _Renderer().run(source).text


def test_corpus_indexes_the_shown_text(tmp_path: Path):
    path = tmp_path / "a.md"
    path.write_text(
        "---\ntitle: T\ndate: 2025-01-02\n---\n\n## Итоги\n\nПрезидент **Узбекистана** посетил [Минск](https://x.example/m).\n",
        encoding="utf-8",
    )
    loaded = corpus.load(path)
    assert loaded.article.body == "Итоги\n\nПрезидент Узбекистана посетил Минск."
    assert loaded.rendered is not None and loaded.rendered.text == loaded.article.body


def test_raw_seed_text_is_not_rendered(tmp_path: Path):
    path = tmp_path / "001_00000000000000aa.txt"
    path.write_text("date 2025-09-26 https://example.com/x-y Текст **не** Markdown.\nВторой абзац # тоже.\n", encoding="utf-8")
    loaded = corpus.load(path)
    assert "**не**" in loaded.article.body and loaded.rendered is None


def test_a_body_that_is_mostly_syntax_is_shown_literally():
    source = "[" * 100_000 + "![" * 50_000
    assert render(source).text == source


def test_entity_offsets_are_into_the_shown_markdown_body(tmp_path: Path, capsys):
    import json

    from reader import cli

    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "a.md").write_text(
        "---\nid: md1\ntitle: T\ndate: 2025-09-26\n---\n\n## Визит\n\nПрезидент **Узбекистана** Шавкат Мирзиёев прибыл в [Минск](https://x.example/m).\n\n"
        "- Проекты на *$1,8 млрд*;\n- рост на 12%.\n",
        encoding="utf-8",
    )
    args = ["--library", str(folder), "--data-dir", str(tmp_path / "data")]
    assert cli.main(["show", "md1", "--json", *args]) == 0
    body = json.loads(capsys.readouterr().out)["body"]
    assert body.startswith("Визит\n\nПрезидент Узбекистана Шавкат Мирзиёев прибыл в Минск.")
    assert cli.main(["entities", "md1", "--json", *args]) == 0
    found = json.loads(capsys.readouterr().out)
    names = {e["normal"] for e in found["entities"]}
    assert {"Шавкат Мирзиёев", "Минск"} <= names
    for entity in found["entities"]:
        for start, end in entity["mentions"]:
            assert body[start:end].strip() and "*" not in body[start:end]
        assert body[entity["mentions"][0][0] : entity["mentions"][0][1]] == entity["text"]
    for figure in found["figures"]:
        assert body[figure["start"] : figure["end"]] == figure["text"]
    assert any(f["value"] == 1800000000 for f in found["figures"])


MARKDOWN_BITS = st.sampled_from(
    [
        "[",
        "]",
        "(",
        ")",
        "*",
        "_",
        "`",
        "~~",
        "\\",
        "<",
        ">",
        "#",
        "!",
        "&amp;",
        "&#0;",
        "|",
        "- ",
        "1. ",
        "> ",
        "    ",
        "```",
        "\n",
        "\n\n",
        "слово",
        "http://e.x",
        "(javascript:x)",
        "[a](DATA:x)",
    ]
)


@given(st.lists(MARKDOWN_BITS | st.text(max_size=5), max_size=120).map("".join))
def test_any_text_renders_with_spans_and_links_inside_it(source):
    rendered = _Renderer().run(source)
    for start, end, _ in rendered.spans:
        assert 0 <= start < end <= len(rendered.text)
    for link in rendered.links:
        assert rendered.text[link.start : link.end].split() == link.text.split()
        assert not link.url.lower().startswith(("javascript:", "data:", "file:", "vbscript:"))
