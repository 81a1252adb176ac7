from __future__ import annotations

from pathlib import Path

import hypothesis
import pytest
import yaml
from hypothesis import strategies as st

from reader import corpus
from tests.conftest import BELTA, RAW_SEEDS, SEEDS, SPUTNIK

EXPECTED = {
    BELTA: ("2025-09-29", "БЕЛТА", "29 сентября, Минск /Корр. БЕЛТА/. Премьер-министр Узбекистана"),
    SPUTNIK: ("2025-09-26", "Sputnik", "Сегодня Казахстан и Узбекистан реализуют 78 совместных проектов"),
}


@pytest.mark.parametrize("folder", [SEEDS, RAW_SEEDS], ids=["markdown", "raw"])
def test_both_seeds_parse(folder: Path) -> None:
    files, warnings = corpus.discover([folder])
    assert warnings == []
    articles = {a.id: a for a in (corpus.load(Path(f.path)).article for f in files)}
    assert set(articles) == set(EXPECTED)
    for article_id, (date, source, opening) in EXPECTED.items():
        article = articles[article_id]
        assert article.date == date
        assert article.source.startswith(source)
        assert article.title.strip()
        assert article.body.startswith(opening)
        assert article.lang == "ru"
        assert "\n\n" in article.body


def test_markdown_and_raw_bodies_are_the_same_text() -> None:
    for name in ("000_ea7f2758d4bd9c4b", "004_ae45ae0cd3712ef5"):
        md = corpus.load(SEEDS / f"{name}.md").article
        raw = corpus.load(RAW_SEEDS / f"{name}.txt").article
        assert md.body == raw.body
        assert md.id == raw.id


def test_raw_title_is_first_sentence_without_dateline() -> None:
    article = corpus.load(RAW_SEEDS / "000_ea7f2758d4bd9c4b.txt").article
    assert article.title.startswith("Премьер-министр Узбекистана Абдулла Арипов")
    assert "/Корр" not in article.title


def test_id_is_stable_when_moved_with_url(tmp_path: Path) -> None:
    text = "---\ntitle: T\ndate: 2024-01-02\nurl: https://example.org/a\n---\nBody.\n"
    first = tmp_path / "a.md"
    first.write_text(text, encoding="utf-8")
    moved = tmp_path / "sub" / "b.md"
    moved.parent.mkdir()
    moved.write_text(text.replace("Body.", "Body, edited."), encoding="utf-8")
    assert corpus.load(first).article.id == corpus.load(moved).article.id


def test_yaml_tags_are_refused_and_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "evil.md"
    path.write_text(f"---\ntitle: !!python/object/apply:os.system ['touch {marker}']\n---\nThe body.\n", encoding="utf-8")
    loaded = corpus.load(path)
    assert not marker.exists()
    assert loaded.note is not None and "YAML tag" in loaded.note
    assert loaded.article.body == "The body."


def test_control_sequences_become_visible(tmp_path: Path) -> None:
    path = tmp_path / "esc.md"
    path.write_text('---\ntitle: "x\\e[2J"\ndate: 2024-01-01\n---\nA\x1b[2J\x1b]52;c;SGVsbG8=\x07B\x9b1mC\r\nD\n', encoding="utf-8")
    article = corpus.load(path).article
    for text in (article.title, article.body):
        assert not any(ord(c) < 32 and c not in "\n\t" for c in text)
        assert not any(0x80 <= ord(c) < 0xA0 for c in text)
    assert "␛[2J" in article.body
    assert "\r" not in article.body


@pytest.mark.parametrize(
    ("data", "encoding_note"),
    [
        ("Привет, мир. Это статья.".encode("cp1251"), "cp1251"),
        ("\ufeffПривет".encode("utf-16"), "UTF-16"),
        ("Caf\xe9 au lait.".encode("latin-1"), "windows-1252"),
        ("It\x92s \x93quoted\x94, caf\xe9".encode("latin-1"), "windows-1252"),
    ],
)
def test_encodings_are_detected_and_reported(tmp_path: Path, data: bytes, encoding_note: str) -> None:
    path = tmp_path / "enc.md"
    path.write_bytes(data)
    loaded = corpus.load(path)
    assert loaded.note is not None and encoding_note in loaded.note
    assert "Привет" in loaded.article.body or "Café" in loaded.article.body or "It’s “quoted”, café" in loaded.article.body


def test_bom_and_crlf_are_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.md"
    path.write_bytes("\ufeff---\r\ntitle: Заголовок\r\ndate: 2024-05-06\r\n---\r\nТекст.\r\n".encode())
    loaded = corpus.load(path)
    assert loaded.article.title == "Заголовок"
    assert loaded.article.body == "Текст."


@pytest.mark.parametrize("data", [b"", b"   \n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40])
def test_empty_and_binary_files_are_refused(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "bad.md"
    path.write_bytes(data)
    with pytest.raises(corpus.ArticleError):
        corpus.load(path)


def test_invalid_yaml_keeps_the_body(tmp_path: Path) -> None:
    path = tmp_path / "bad.md"
    path.write_text("---\ntitle: [unclosed\n---\nStill here.\n", encoding="utf-8")
    loaded = corpus.load(path)
    assert loaded.article.body == "Still here."
    assert loaded.note is not None and "YAML" in loaded.note


def test_discover_survives_symlink_loops(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_text("---\ntitle: A\ndate: 2024-01-01\n---\nA\n", encoding="utf-8")
    (tmp_path / "loop").symlink_to(tmp_path)
    (tmp_path / "x.md").symlink_to(tmp_path / "y.md")
    (tmp_path / "y.md").symlink_to(tmp_path / "x.md")
    files, warnings = corpus.discover([tmp_path])
    assert [Path(f.path).name for f in files] == ["a.md"]
    assert {Path(w.path).name for w in warnings} == {"x.md", "y.md"}


@hypothesis.settings(max_examples=300, deadline=None)
@hypothesis.given(
    title=st.text(),
    tags=st.lists(st.text(), max_size=3),
)
def test_simple_front_matter_reads_as_yaml_reads_it(title: str, tags: list[str]) -> None:
    from reader.feeds.write import front_matter

    block = front_matter({"id": "0123abcd", "title": title, "date": "2026-01-02T03:04:05Z", "tags": tags})
    fast = corpus._front_matter().load(block)
    assert fast == yaml.safe_load(block)
    assert corpus._SIMPLE_FRONT_MATTER.fullmatch(block)  # the fast way was taken


def test_other_front_matter_still_goes_through_yaml() -> None:
    block = "title: Plain words\ndate: 2026-01-02\ntags: [a, b]\nn: 3\n"
    assert not corpus._SIMPLE_FRONT_MATTER.fullmatch(block)
    assert corpus._front_matter().load(block) == yaml.safe_load(block)
