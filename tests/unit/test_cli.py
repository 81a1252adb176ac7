from __future__ import annotations

import json
import os
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
    assert set(rows[0]) == {"id", "title", "date", "source", "url", "bookmarked", "read", "story"}
    assert [r["story"] for r in rows] == [BELTA, SPUTNIK]  # the two seeds share names, not an event: two stories


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
    assert set(hits[0]) == {"id", "title", "date", "source", "score", "snippet", "story"}
    assert hits[0]["story"] == hits[0]["id"]


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


def test_options_anywhere(tmp_path: Path) -> None:
    data = tmp_path / "elsewhere"
    for args in (
        ["--library", str(RAW_SEEDS), "--data-dir", str(data), "list", "--json"],
        ["list", "--json", "--library", str(RAW_SEEDS), f"--data-dir={data}"],
    ):
        result = run(*args)
        assert result.returncode == 0, result.stderr
        assert [r["id"] for r in json.loads(result.stdout)] == [BELTA, SPUTNIK]
    assert (data / "index.db").exists()
    missing = run("--library", str(tmp_path / "nowhere"), "list")
    assert missing.returncode == 1
    assert missing.stderr.count("\n") == 1 and "no such file or folder" in missing.stderr


@pytest.mark.parametrize(
    ("word", "hint"), [("serch", "did you mean `reader search`"), ("fedds", "did you mean `reader feeds`"), ("zzz", "commands: index")]
)
def test_an_unknown_word_is_a_usage_error(word: str, hint: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", word, "import", "x.opml"], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and f"no such command, file or folder: '{word}'" in result.stderr and hint in result.stderr


def test_the_app_never_starts_without_a_terminal() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "reader", str(RAW_SEEDS)], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2
    assert "needs a terminal" in result.stderr


def test_search_takes_exclusions_without_dashes_and_keeps_score_digits() -> None:
    excluded = run("search", "Узбекистан", "-Токаев", "--json")
    assert excluded.returncode == 0, excluded.stderr
    ids = [h["id"] for h in json.loads(excluded.stdout)]
    assert ids == [BELTA]  # the Sputnik article names Токаев
    ranked = json.loads(run("search", "Ташкент", "--json").stdout)
    assert ranked and all(h["score"] > 0 for h in ranked)


def test_search_in_a_terminal_marks_matches_not_asterisks() -> None:
    code = (
        "import sys; from rich.console import Console; from reader import cli; from reader.cli import common;"
        " common.Console = lambda **k: Console(force_terminal=True, **k); sys.exit(cli.main(['search', 'Ташкенте']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "**" not in result.stdout
    assert "\x1b[1;7mТашкенте" in result.stdout


def test_bookmark_messages(tmp_path: Path) -> None:
    removed = run("bookmark", "remove", BELTA)
    assert removed.returncode == 1 and f"{BELTA} is not bookmarked" in removed.stderr
    assert run("bookmark", "add", BELTA).returncode == 0
    exported = run("bookmarks", "--export", str(tmp_path / "one.json"))
    assert f"exported 1 bookmark to {tmp_path / 'one.json'}" in exported.stderr


def test_a_crash_is_one_line_and_a_logged_traceback(data_dir: Path) -> None:
    code = (
        "import sys, dataclasses; from reader import cli;"
        " cli.COMMANDS['list'] = dataclasses.replace(cli.COMMANDS['list'], run=lambda *a: 1 / 0); sys.exit(cli.main(['list']))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "internal error: ZeroDivisionError" in result.stderr
    assert "Traceback" in (data_dir / "reader.log").read_text(encoding="utf-8")


def test_piped_output_keeps_whole_lines(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}  # pytest sets both

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=180, env=env)

    title = "A very long title " * 12 + "that ends here"
    (tmp_path / "long.md").write_text(
        f"---\ntitle: {title}\ndate: 2026-01-02\nsource: Wide News Agency of the World\n---\n\n{'word ' * 60}end.\n"
    )
    listed = run("--library", str(tmp_path), "list")
    assert listed.returncode == 0
    line = next(line for line in listed.stdout.splitlines() if "long title" in line)
    assert line.endswith("that ends here")  # not cut at 80 columns
    shown = run("--library", str(tmp_path), "show", str(tmp_path / "long.md"))
    assert "word " * 60 + "end." in shown.stdout  # the paragraph on one line, not wrapped at 80


def test_a_file_is_warned_about_once_until_it_changes_and_index_says_all(tmp_path: Path) -> None:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "empty.md").write_text("---\ntitle: Nothing here\ndate: 2026-01-02\n---\n\n")
    (folder / "fine.md").write_text("---\ntitle: Fine\ndate: 2026-01-02\n---\n\nText.\n")
    data = ["--data-dir", str(tmp_path / "data"), "--library", str(folder)]
    first = run(*data, "list")
    assert first.returncode == 0 and first.stderr.count("empty.md: no body text") == 1
    again = run(*data, "list")
    assert again.returncode == 0 and "empty.md" not in again.stderr
    everything = run(*data, "index")
    assert "empty.md: no body text" in everything.stderr
    (folder / "empty.md").write_text("---\ntitle: Still nothing\ndate: 2026-01-03\n---\n\n")
    assert "empty.md: no body text" in run(*data, "list").stderr  # changed: read, and said, again


def test_importing_a_missing_file_says_so_in_one_line(tmp_path: Path) -> None:
    result = run("--data-dir", str(tmp_path / "data"), "feeds", "import", str(tmp_path / "nowhere.opml"))
    assert result.returncode == 1
    assert result.stderr.strip() == f"reader: error: {tmp_path / 'nowhere.opml'}: no such file"
