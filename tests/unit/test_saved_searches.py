"""Saved searches, alerts and mute (SPEC §12): kept in state.db,
counted, hiding what they match; alerts after a real fetch from a server on
127.0.0.1, through ``fetch --json`` and a real ``alert_command``."""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import time
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Response

from reader import alerts, config
from reader.library import Library
from reader.model import Alert, ReaderError
from tests.conftest import BELTA, SPUTNIK

ITEM = """<item><guid>{guid}</guid><title>{title}</title><link>http://example.org/{guid}</link>
<pubDate>{date}</pubDate><description><![CDATA[<p>{body}</p>]]></description></item>"""
HER = "Министр иностранных дел Казахстана Айгуль Сапарова встретилась в Ташкенте с коллегами и обсудила поставки зерна."


def rss(*items: str) -> str:
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Лента</title>{"".join(items)}</channel></rss>'


def item(guid: str, title: str, body: str, day: int) -> str:
    return ITEM.format(guid=guid, title=title, body=body, date=f"Mon, {day:02d} Sep 2025 10:00:00 GMT")


def reader(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "reader", *args], capture_output=True, text=True, timeout=300)


def wait_for_file(path: Path, seconds: float = 60) -> str:
    """The file's text once it has some (the alert command runs detached)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists() and path.read_text(encoding="utf-8").endswith("\n"):
            return path.read_text(encoding="utf-8")
        time.sleep(0.05)
    raise AssertionError(f"{path} was never written")


# -- keeping and counting ---------------------------------------------------------


def test_saved_searches_are_kept_counted_and_refused_when_malformed(library: Library, data_dir: Path) -> None:
    assert library.save_search("Sputnik", "source:sputnik").result() is True
    assert library.save_search("Проекты", "Узбекистан проект", alert=True).result() is True
    with pytest.raises(ReaderError, match="bad query: unclosed quote"):
        library.save_search("bad", '"Узбекистан')
    with pytest.raises(ReaderError, match="nothing to search for"):
        library.save_search("empty", "   ")
    with pytest.raises(ReaderError, match="one line"):
        library.save_search("two\nlines", "Узбекистан")
    listed = {s.name: s for s in library.saved_searches()}
    assert listed["Sputnik"].as_json() == {
        "name": "Sputnik",
        "query": "source:sputnik",
        "alert": False,
        "mute": False,
        "articles": 1,
        "unread": 1,
    }
    assert (listed["Проекты"].articles, listed["Проекты"].alert) == (len(library.search("Узбекистан проект").rowids), True)
    library.set_read([SPUTNIK], True).result()
    assert {s.name: s.unread for s in library.saved_searches()}["Sputnik"] == 0
    # a second save under the name replaces it; another process sees it (state.db)
    assert library.save_search("Sputnik", "source:sputnik", mute=True).result() is False
    with Library(data_dir=data_dir) as other:
        assert [(s.name, s.query, s.mute) for s in other.saved_searches()] == [
            ("Sputnik", "source:sputnik", True),
            ("Проекты", "Узбекистан проект", False),
        ]
    library.remove_search("Проекты")
    with pytest.raises(ReaderError, match="no saved search named"):
        library.remove_search("Проекты")
    assert [s.name for s in library.saved_searches()] == ["Sputnik"]


def test_mute_hides_its_matches_everywhere_but_where_asked(library: Library) -> None:
    everything = library.ids_of(library.all_rowids())
    assert set(everything) == {BELTA, SPUTNIK}
    assert library.sources()[0].articles == 2
    library.save_search("Шум", "source:sputnik", mute=True).result()
    assert [r.id for r in library.list_rows()] == [BELTA]
    assert library.count() == 1
    assert (library.sources()[0].articles, library.sources()[0].unread) == (1, 1)
    assert SPUTNIK not in library.ids_of(library.search("Казахстан").rowids)
    assert library.ids_of(library.search("is:muted").rowids) == [SPUTNIK]
    assert library.ids_of(library.search("-is:muted").rowids) == [BELTA]
    assert library.ids_of(library.search("source:sputnik").rowids) == [SPUTNIK]  # the muted search itself shows what it matches
    assert {s.name: s.articles for s in library.saved_searches()} == {"Шум": 1}
    library.remove_search("Шум")
    assert library.count() == 2 and not library.search("is:muted").rowids


def test_mute_follows_the_read_state_it_asks_for(library: Library) -> None:
    library.save_search("Прочитанное", "is:read", mute=True).result()
    assert library.count() == 2
    library.set_read([BELTA], True).result()
    assert library.ids_of(library.all_rowids()) == [SPUTNIK]


def test_cli_searches(data_dir: Path) -> None:
    added = reader("searches", "add", "Проекты", "Узбекистан", "--alert")
    assert added.returncode == 0, added.stderr
    assert reader("searches", "add", "Шум", "source:sputnik", "--mute").returncode == 0
    bad = reader("searches", "add", "bad", '"Узбекистан')
    assert (bad.returncode, bad.stderr.strip()) == (2, "reader: error: bad query: unclosed quote (at 1)")
    assert reader("searches", "add", "nameless").returncode == 2
    listed = reader("searches", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == [
        {"name": "Проекты", "query": "Узбекистан", "alert": True, "mute": False, "articles": 1, "unread": 1},
        {"name": "Шум", "query": "source:sputnik", "alert": False, "mute": True, "articles": 1, "unread": 1},
    ]
    assert [r["id"] for r in json.loads(reader("list", "--json").stdout)] == [BELTA]
    shown = reader("list")
    assert BELTA in shown.stdout and SPUTNIK not in shown.stdout
    assert shown.stderr == "reader: 1 article hidden by muted searches (reader search is:muted shows them)\n"
    gone = reader("searches", "remove", "Нет такого")
    assert gone.returncode == 1 and gone.stderr.count("\n") == 1
    assert reader("searches", "remove", "Шум").returncode == 0
    assert len(json.loads(reader("list", "--json").stdout)) == 2
    assert reader("list").stderr == "", "nothing muted, nothing said"


# -- the alert command --------------------------------------------------------------


def test_alert_line_is_one_safe_argument(tmp_path: Path) -> None:
    alert = Alert("Сапарова", ("a", "b", "c", "d"), ("Раз\x1b[31m", "Два\nтри", "‮Три", "Четыре"))
    assert alerts.line(alert) == "Сапарова: 4 new — Раз[31m; Два три; Три; …"
    assert alerts.arguments("notify-send reader %s", "x; y") == ["notify-send", "reader", "x; y"]
    assert alerts.arguments("notify-send --body=%s", "x") == ["notify-send", "--body=x"]
    assert alerts.arguments("logger -t reader", "$(id)") == ["logger", "-t", "reader", "$(id)"]
    assert config.load(tmp_path / "none.toml", None).alert_command == ""
    (tmp_path / "c.toml").write_text('alert_command = "notify-send reader %s"\n[keys]\nquit = "ctrl+q"\n', encoding="utf-8")
    assert config.load(tmp_path / "c.toml", None) == config.Config(alert_command="notify-send reader %s")
    (tmp_path / "c.toml").write_text("alert_command = 3\n", encoding="utf-8")
    assert "alert_command is a command" in (config.load(tmp_path / "c.toml", None).problem or "")


def test_a_failing_alert_command_is_logged_and_never_raises(data_dir: Path) -> None:
    data_dir.mkdir(parents=True)
    failing = [
        ["/no/such/command", "x"],
        [sys.executable, "-c", "import sys; sys.exit('broken')"],
        [sys.executable, "-c", "import time; time.sleep(30)"],
    ]
    assert alerts.run_each(data_dir, failing, 1) == 3
    log = (data_dir / "reader.log").read_text(encoding="utf-8")
    assert (
        "alert_command failed: /no/such/command x" in log and "exit status 1: broken" in log and "still running after 1 s; stopped" in log
    )
    assert alerts.run(data_dir, 'unclosed "quote', [Alert("x", ("a",), ("t",))]) is not None


# -- alerts after a real fetch ----------------------------------------------------------


def test_fetch_raises_one_alert_for_the_new_articles_that_match(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    """A feed gains articles naming her: the alerting search (an entity
    filter) raises one alert for the new ones, not for the updated one nor
    the muted one, in ``fetch --json`` and through ``alert_command``, and a
    title carrying shell syntax runs nothing."""
    served = [rss(item("old", "Зерно", "Поставки зерна в Бишкек выросли.", 1))]
    httpserver.expect_request("/feed.xml").respond_with_handler(lambda _: Response(served[0], content_type="application/rss+xml"))
    touched, out = tmp_path / "touched", tmp_path / "alerts.txt"
    script = "import sys; open(sys.argv[1], 'a', encoding='utf-8').write(repr(sys.argv[2:]) + chr(10))"
    command = shlex.join([sys.executable, "-c", script, str(out), "%s"])
    Path(tmp_path / "config.toml").write_text(f"alert_command = {json.dumps(command)}\n", encoding="utf-8")
    assert reader("feeds", "add", httpserver.url_for("/feed.xml")).returncode == 0
    first = reader("fetch", "--json")
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["alerts"] == []  # nothing alerts yet
    assert reader("searches", "add", "Сапарова", "person:Сапарова", "--alert").returncode == 0
    assert reader("searches", "add", "Реклама", "реклама", "--mute").returncode == 0
    hostile = f"Сапарова о ценах $(touch {touched}) `touch {touched}`; touch {touched}"
    served[0] = rss(
        item("old", "Зерно", "Поставки зерна в Бишкек выросли. " + HER, 1),  # updated: names her now, but is not new
        item("b", "Сапарова в Ташкенте", HER, 2),
        item("c", hostile, HER + " Цены на зерно.", 3),
        item("d", "Реклама зерна", HER + " Реклама.", 4),  # new, names her, but muted
        item("e", "Мост в Бишкеке", "Новый мост открыт.", 5),  # new, not about her
    )
    fetched = reader("fetch", "--json")
    assert fetched.returncode == 0, fetched.stderr
    report = json.loads(fetched.stdout)
    assert (report["new"], report["updated"]) == (4, 1)
    with Library(data_dir=data_dir) as library:
        ids = {r.title: r.id for r in library.list_rows()}
    assert report["alerts"] == [
        {"search": "Сапарова", "new": [ids[hostile], ids["Сапарова в Ташкенте"]], "titles": [hostile, "Сапарова в Ташкенте"]}
    ]
    written = wait_for_file(out)
    assert written.splitlines() == [repr([f"Сапарова: 2 new — {hostile}; Сапарова в Ташкенте"])]  # one argument, one run
    assert not touched.exists()
    again = reader("fetch", "--json")  # nothing new: no alert
    assert json.loads(again.stdout)["alerts"] == []


def test_a_shell_named_by_the_command_gets_the_title_as_data(httpserver: HTTPServer, data_dir: Path, tmp_path: Path) -> None:
    touched, out = tmp_path / "touched", tmp_path / "alerts.txt"
    title = f"Новости $(touch {touched}); touch {touched}"
    httpserver.expect_request("/feed.xml").respond_with_data(rss(item("a", title, "Зерно.", 1)), content_type="application/rss+xml")
    with Library(data_dir=data_dir) as library:
        library.add_feed(httpserver.url_for("/feed.xml"))
        library.save_search("Новости", "новости", alert=True).result()
        report = library.fetch()
        assert [a["titles"] for a in report.alerts] == [[title]]
        assert library.run_alert_command(f"sh -c 'echo \"$1\" >> {out}' sh %s", report.alerts) is None
    assert wait_for_file(out) == f"Новости: 1 new — {title}\n"
    assert not touched.exists()
