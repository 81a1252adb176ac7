from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reader import __version__
from tests.conftest import BELTA, RAW_SEEDS, SPUTNIK


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("extra", [[], ["--library", str(RAW_SEEDS)]], ids=["bundled", "raw"])
def test_list_json(extra: list[str]) -> None:
    result = run("list", "--json", *extra)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["id"], r["date"]) for r in rows] == [(BELTA, "2025-09-29"), (SPUTNIK, "2025-09-26")]
    assert all(r["title"] for r in rows)
    assert rows[0]["source"] == "БЕЛТА"
    assert set(rows[0]) == {"id", "title", "date", "source", "url", "bookmarked", "read"}


def test_show_json() -> None:
    result = run("show", SPUTNIK, "--json")
    assert result.returncode == 0
    article = json.loads(result.stdout)
    assert set(article) == {"id", "title", "date", "source", "url", "lang", "tags", "body"}
    assert article["body"].startswith("Сегодня Казахстан и Узбекистан реализуют 78 совместных проектов")


def test_show_by_path_and_rich_text() -> None:
    result = run("show", str(RAW_SEEDS / "000_ea7f2758d4bd9c4b.txt"))
    assert result.returncode == 0
    assert "Абдулла Арипов" in result.stdout


def test_entities_json_offsets_match_show_body() -> None:
    body = json.loads(run("show", BELTA, "--json").stdout)["body"]
    result = run("entities", BELTA, "--json")
    assert result.returncode == 0, result.stderr
    record = json.loads(result.stdout)
    assert (record["id"], record["lang"]) == (BELTA, "ru")
    for entity in record["entities"]:
        assert set(entity) == {"kind", "text", "normal", "mentions"}
        for start, end in entity["mentions"]:
            assert body[start:end]
        assert body[entity["mentions"][0][0] : entity["mentions"][0][1]] == entity["text"]
    for figure in record["figures"]:
        assert set(figure) == {"kind", "text", "value", "unit", "start", "end", "mentions"}  # SPEC §6.1 plus every mention
        assert body[figure["start"] : figure["end"]] == figure["text"]
        assert figure["mentions"][0] == [figure["start"], figure["end"]]
        assert all(body[a:b] for a, b in figure["mentions"])
    money = {(f["value"], f["unit"]) for f in record["figures"] if f["kind"] == "money"}
    assert (70_000_000_000, "USD") in money  # exact, never 7e10


def test_entities_jsonl_one_line_each() -> None:
    result = run("entities", BELTA, SPUTNIK, "--jsonl")
    lines = result.stdout.splitlines()
    assert [json.loads(line)["id"] for line in lines] == [BELTA, SPUTNIK]


def test_search_json_and_limit() -> None:
    result = run("search", "проекта", "--json", "--limit", "1", "--library", str(RAW_SEEDS))
    hits = json.loads(result.stdout)
    assert len(hits) == 1
    assert set(hits[0]) == {"id", "title", "date", "source", "score", "snippet"}


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["show", "no-such-id"], 1),
        (["search", '"unclosed'], 2),
        (["list", "--bogus"], 2),
        (["search", "x", "--limit", "0"], 2),
        (["bookmark", "frobnicate", "x"], 2),
        (["bookmarks", "--export", "x.txt"], 2),
    ],
)
def test_errors_are_one_line(args: list[str], code: int, tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=180, cwd=tmp_path)
    assert result.returncode == code
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = run("--version")
    assert result.stdout.strip() == f"reader {__version__}"


def test_hostile_library_lists_without_leaks(tmp_path: Path) -> None:
    folder = tmp_path / "hostile"
    folder.mkdir()
    (folder / "ok.md").write_text("---\ntitle: Хорошая\ndate: 2024-01-01\n---\nТекст.\n", encoding="utf-8")
    (folder / "markup.md").write_text(
        "---\ntitle: '[bold red]x[/] [@click=app.quit]y[/]'\ndate: 2024-01-02\n---\n[link=file:///etc/passwd]z[/link]\x1b]52;c;SGk=\x07\n",
        encoding="utf-8",
    )
    (folder / "evil.md").write_text(
        f"---\ntitle: !!python/object/apply:os.system ['touch {tmp_path}/pwned']\n---\nbody\n", encoding="utf-8"
    )
    (folder / "binary.md").write_bytes(bytes(range(256)) * 100)
    (folder / "empty.md").write_bytes(b"")
    (folder / "nul.md").write_bytes(b"---\ntitle: nul\ndate: 2024-01-03\n---\na\x00b\n")
    result = run("list", "--json", "--library", str(folder))
    assert result.returncode == 0
    rows = json.loads(result.stdout)
    assert len(rows) == 4
    assert "[bold red]x[/] [@click=app.quit]y[/]" in {r["title"] for r in rows}
    assert not (tmp_path / "pwned").exists()
    assert result.stderr.count("binary.md") == 1 and result.stderr.count("empty.md") == 1
    assert not any(ord(c) < 32 and c not in "\n\t" for c in result.stdout + result.stderr)
    markup_id = next(r["id"] for r in rows if r["title"].startswith("[bold"))
    shown = run("show", markup_id, "--library", str(folder))
    assert "[link=file:///etc/passwd]z[/link]" in shown.stdout
    assert "\x1b]52" not in shown.stdout


def test_entity_search_extracts_first() -> None:
    result = run("search", "person:Токаева", "--json")
    assert result.returncode == 0, result.stderr
    assert [h["id"] for h in json.loads(result.stdout)] == [SPUTNIK]


def test_entities_json_for_several_is_an_array() -> None:
    result = run("entities", BELTA, SPUTNIK, "--json")
    records = json.loads(result.stdout)
    assert [r["id"] for r in records] == [BELTA, SPUTNIK]


def test_file_names_with_controls_are_said_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "bad\x1b[2Jname.md").write_bytes(b"")
    (folder / "ok.md").write_text("---\ntitle: Fine\ndate: 2024-01-01\n---\nText.\n", encoding="utf-8")
    result = run("list", "--json", "--library", str(folder))
    assert result.returncode == 0
    assert "\x1b" not in result.stderr and "empty file" in result.stderr
