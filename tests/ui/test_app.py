"""The app as a person uses it, through Textual's Pilot."""

from __future__ import annotations

from pathlib import Path

from textual import events
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.commands import PALETTE
from reader.ui.dialogs import HelpScreen
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.main_screen import MainScreen
from reader.ui.reading_pane import ReadingPane
from tests.conftest import BELTA, SEEDS, SPUTNIK
from tests.ui.conftest import make_app, settle


async def test_launch_move_open_and_quit(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        assert len(articles.rowids) == 2 and articles.cursor == 0
        await pilot.press("j")
        assert articles.cursor == 1
        await pilot.press("k", "G")
        assert articles.cursor == 1
        await pilot.press("g", "enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None and pane.article.id == BELTA
        assert pane.extraction is not None
        assert any(e.normal == "Абдулла Арипов" for e in pane.extraction.entities)
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.option_count > 10
        app.library.flush()
        assert {r.id: r.read for r in app.library.list_rows()}[BELTA]
        await pilot.press("q")
    assert app.return_code == 0


async def test_help_lists_every_binding(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        ids = {row[2] for _, rows in app.screen.sections for row in rows}
        assert ReaderApp.binding_ids() <= ids
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_runs_reader_commands(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Bookmark", "Bookmarks only", "Edit bookmark note", "Open URL", "Refresh", "Help"} <= titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"Bookmarks only")
        for _ in range(20):  # the palette searches its providers in the background
            await pilot.pause(0.05)
            shown = app.screen.query_one(CommandList)
            if shown.option_count:
                break
        assert "Bookmarks only" in str(shown.get_option_at_index(0).prompt)
        await pilot.press("enter")
        await settle(app)
        assert not isinstance(app.screen, CommandPalette)
        assert app.main.bookmarked_only
        assert len(app.screen.query_one(ArticleList).rowids) == 0  # nothing is bookmarked yet


def test_every_screen_binding_is_in_the_palette() -> None:
    ids = {b.id for b in MainScreen.BINDINGS if isinstance(b, Binding) and b.id} | {"help"}
    assert ids <= set(PALETTE), ids - set(PALETTE)


async def test_the_palette_names_a_remapped_key(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nbookmark = "m"\n', encoding="utf-8")  # READER_CONFIG
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)):
        await settle(app)
        helps = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert helps["Bookmark"].endswith("(m)"), helps["Bookmark"]
        assert helps["Next unread"].endswith("(])")


async def test_search_narrows_while_typing_and_escape_restores(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("slash")
        assert app.screen.query_one("#search", Input).has_focus
        await pilot.press(*"Плехан")
        await settle(app)
        assert len(articles.rowids) == 1
        await pilot.press(*"овский")
        await settle(app)
        assert [app.library.article(r).id for r in articles.rowids] == [SPUTNIK]  # type: ignore[union-attr]
        await pilot.press("escape")
        await settle(app)
        assert len(articles.rowids) == 2


async def test_bad_query_shows_error_and_keeps_list(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("slash", *'"open')
        await settle(app)
        error = app.screen.query_one("#search-error")
        assert error.display
        assert len(app.screen.query_one(ArticleList).rowids) == 2


def burst(app: ReaderApp, *keys: str) -> None:
    """Keys as a terminal hands over a burst (a fast typist, a paste, tmux
    send-keys): all queued before the app has handled the first."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_at_once_after_slash_go_to_the_search_box(data_dir: Path) -> None:
    """Those after «/» are the query: none of them is a command of the list
    («A» marks all read, «s» opens the sources)."""
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        burst(app, "slash", *"Astana")
        await pilot.pause()
        await settle(app)
        search = app.screen.query_one("#search", Input)
        assert search.has_focus and search.value == "Astana"
        assert isinstance(app.screen, MainScreen)  # the sources picker («s») did not open
        assert not app.library.state.is_read(BELTA) and not app.library.state.is_read(SPUTNIK)
        await pilot.press("slash", "2")  # in the box, «/» is typed like any other character
        assert search.value == "Astana/2"


async def test_keys_typed_at_once_after_leaving_the_search_box_go_to_the_list(data_dir: Path) -> None:
    """Out of the box, a burst's later keys are the list's again; escape in
    the same burst as the query still clears it."""
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        search = app.screen.query_one("#search", Input)
        articles = app.screen.query_one(ArticleList)
        screen = app.screen
        assert isinstance(screen, MainScreen)
        for leave in ("enter", "escape", "tab"):
            burst(app, "slash", *"Ташкент", leave, "B")
            await pilot.pause()
            await settle(app)
            assert search.value == ("" if leave == "escape" else "Ташкент"), leave
            assert articles.has_focus and screen.bookmarked_only, leave  # «B»: bookmarks only
            await pilot.press("B", "escape", "escape")
            await settle(app)
            assert not screen.bookmarked_only and not search.value


async def test_a_binding_remapped_to_a_letter_leaves_it_to_the_search_box(data_dir: Path) -> None:
    (data_dir.parent / "config.toml").write_text('[keys]\n"focus.next" = "l"\nescape = "x"\n', encoding="utf-8")  # READER_CONFIG
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        burst(app, "slash", *"hello x")
        await pilot.pause()
        search = app.screen.query_one("#search", Input)
        assert search.has_focus and search.value == "hello x"
        await pilot.press("escape", "l")  # out of the box, the remapped keys work
        assert app.screen.query_one(ReadingPane).has_focus


async def test_panes_cycled_in_a_burst_in_a_narrow_terminal_end_on_a_shown_pane(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(90, 30)) as pilot:
        await settle(app)
        burst(app, "tab", "tab")
        await pilot.pause()
        await settle(app)
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.has_focus and sidebar.display and sidebar.size.area > 0


async def test_bookmark_persists_across_launches(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("j", "b")
        await pilot.pause()
        assert app.library.state.is_bookmarked(SPUTNIK)
        await pilot.press("q")
    again = make_app(data_dir, SEEDS)
    async with again.run_test(size=(140, 40)) as pilot:
        await settle(again)
        rows = again.library.rows(list(again.screen.query_one(ArticleList).rowids))
        assert [r.bookmarked for r in rows.values() if r.id == SPUTNIK] == [True]
        await pilot.press("B")
        await settle(again)
        assert len(again.screen.query_one(ArticleList).rowids) == 1


async def test_sidebar_enter_jumps_and_f_filters(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("j", "enter")
        await settle(app)
        await pilot.press("tab", "tab")
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.has_focus
        await pilot.press("down", "enter")
        pane = app.screen.query_one(ReadingPane)
        assert pane.marks and pane.mark_index == 0
        await pilot.press("n")
        assert pane.mark_index == 1 % len(pane.marks)
        await pilot.press("f")
        await settle(app)
        query = app.screen.query_one("#search", Input).value
        assert query.startswith("person:")
        chosen = query.removeprefix("person:").strip('"')
        shown = app.screen.query_one(ArticleList).rowids
        assert shown
        for rowid in shown:  # every article listed mentions that person
            article = app.library.article(rowid)
            assert article is not None
            assert chosen in {e.normal for e in app.library.extraction(article).entities if e.kind == "PER"}


async def test_bad_config_is_a_message_not_a_crash(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[keys\nquit = ", encoding="utf-8")
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        assert any("not valid TOML" in n for n in app.said)


async def test_config_remaps_keys(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nquit = "Z"\n', encoding="utf-8")  # x unfolds a story
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("q")
        assert app.is_running
        await pilot.press("Z")
    assert app.return_code == 0


async def test_a_key_textual_does_not_know_is_said_and_the_default_kept(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\nquit = "notakey+++"\nbookmark = "m"\n', encoding="utf-8")
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        said = " ".join(app.said)
        assert "not a key: 'notakey+++' (quit)" in said
        await pilot.press("q")  # quit kept its default
    assert app.return_code == 0


async def test_markup_in_articles_is_literal(data_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / "m.md").write_text(
        "---\ntitle: '[@click=app.quit]x[/]'\ndate: 2024-01-01\n---\n[bold red]y[/] [@click=app.quit]z[/]\n", encoding="utf-8"
    )
    app = make_app(data_dir, folder)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None
        body = pane.query_one("#body")
        assert "[bold red]y[/]" in str(body.render())
        await pilot.click("#body")
        assert app.is_running


async def test_bookmark_note_from_the_palette_action(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("b")
        await pilot.pause()
        app.main.action_edit_note()
        await pilot.pause()
        await pilot.press(*"важно", "enter")
        await pilot.pause()
        assert app.library.note_of(BELTA) == "важно"
        [mark] = app.library.bookmarks()
        assert mark.note == "важно"


async def test_u_toggles_read(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        assert not app.library.state.is_read(BELTA)
        await pilot.press("u")
        await pilot.pause()
        app.library.flush()
        assert {r.id: r.read for r in app.library.list_rows()}[BELTA]
        await pilot.press("u")
        await pilot.pause()
        assert not app.library.state.is_read(BELTA)


async def test_a_search_by_words_shows_each_articles_snippet(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        assert articles.lines_per_row == 2  # no search: date and source, title
        await pilot.press("slash", *"Ташкенту", "space")
        await settle(app)
        assert articles.rowids and articles.lines_per_row == 3
        snippet = "".join(segment.text for segment in articles.render_line(2))  # the first row's third line
        assert "Ташкент" in snippet and "**" not in snippet
        bright = [segment for segment in articles.render_line(2) if segment.text.startswith("Ташкент")]
        assert bright and bright[0].style is not None and bright[0].style.bold  # the match stands out
        await pilot.press("escape")
        await settle(app)
        await pilot.press("slash", *"source:Sputnik", "space")  # a filter alone: no snippet
        await settle(app)
        assert articles.rowids and articles.lines_per_row == 2
