"""Issue 10 in the app, through Pilot: formatted reading, full text on F,
links on L, the layout at 80x24, and what a reader expects."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from pytest_httpserver import HTTPServer
from rich.text import Text
from textual.widgets import Input

from reader.highlight import fit
from reader.ui.app import ReaderApp
from reader.ui.article_list import ArticleList
from reader.ui.dialogs import HelpScreen, LinksScreen
from reader.ui.entity_sidebar import EntitySidebar
from reader.ui.reading_pane import ReadingPane
from tests.conftest import BELTA, SEEDS
from tests.ui.conftest import make_app, settle, wait_for

TESTS = Path(__file__).parent.parent
FORMATTED = TESTS / "data" / "formatted"
ARTICLE_PAGE = (TESTS / "data" / "pages" / "article.html").read_bytes()
FEED_ITEM = "feed0000000000f1"


def library_folder(tmp_path: Path, url: str | None = None) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir(exist_ok=True)
    for path in SEEDS.glob("*.md"):
        shutil.copy(path, folder / path.name)
    text = next(FORMATTED.glob("*.md")).read_text(encoding="utf-8")
    if url:
        text = text.replace("http://127.0.0.1:9/economy/78-projects", url)
    (folder / "item.md").write_text(text, encoding="utf-8")
    return folder


def body_of(app: ReaderApp) -> Text:
    return app.screen.query_one(ReadingPane).shown


async def test_markdown_is_formatted_and_highlights_sit_on_their_words(data_dir: Path, tmp_path: Path) -> None:
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")  # newest first: the feed item
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.article is not None and pane.article.id == FEED_ITEM
        body = body_of(app)
        assert body.plain == pane.article.body
        for raw in ("**", "](", "## ", "![", "> "):
            assert raw not in body.plain
        styled: dict[str, str] = {}
        for span in body.spans:
            word = body.plain[span.start : span.end]
            styled[word] = styled.get(word, "") + " " + str(span.style)
        assert "bold" in styled["Главное"]  # a level-2 heading
        assert "italic" in styled["Ташкенте"]
        assert "underline" in styled["сайте правительства"] and "link https://gov.example.kz" in styled["сайте правительства"]
        assert pane.extraction is not None
        for entity in pane.extraction.entities:
            first = entity.mentions[0]
            assert body.plain[first[0] : first[1]] == entity.text, entity
            for start, end in entity.mentions:  # every highlight covers whole words
                assert (start == 0 or not body.plain[start - 1].isalnum()) and (end == len(body.plain) or not body.plain[end].isalnum())
                assert any(span.start == start and span.end == end for span in body.spans), "highlighted"
        for figure in pane.extraction.figures:
            assert body.plain[figure.start : figure.end] == figure.text


async def test_raw_seed_text_renders_as_before(data_dir: Path) -> None:
    app = make_app(data_dir, TESTS / "data" / "raw_seeds")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        assert pane.formatting is None and body_of(app).plain == pane.article.body  # type: ignore[union-attr]


async def test_l_lists_links_and_enter_opens_the_chosen_one(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('browser = "false"\n', encoding="utf-8")
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        await pilot.press("L")
        await pilot.pause()
        assert isinstance(app.screen, LinksScreen)
        urls = [url for _, url in app.screen.links]
        assert urls == ["http://127.0.0.1:9/economy/78-projects", "https://gov.example.kz/news/commission", "https://example.com/full"]
        await pilot.press("down", "enter")
        await settle(app)
        assert not isinstance(app.screen, LinksScreen)
        messages = app.said
        assert any("Opening https://gov.example.kz/news/commission" in m for m in messages)
        assert any(m.startswith("Not opened: the browser 'false' failed") for m in messages)


async def test_o_opens_with_the_configured_browser_and_says_so(data_dir: Path, tmp_path: Path) -> None:
    marker = tmp_path / "opened.txt"
    (tmp_path / "config.toml").write_text(f"browser = \"sh -c 'echo %u > {marker}'\"\n", encoding="utf-8")
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("o")
        await settle(app)
        assert marker.read_text(encoding="utf-8").strip() == "http://127.0.0.1:9/economy/78-projects"
        assert not any(n.startswith("Not opened") for n in app.said)


async def test_f_fetches_keeps_and_toggles_the_full_text(data_dir: Path, tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/economy/78").respond_with_data(ARTICLE_PAGE, content_type="text/html; charset=utf-8")
    app = make_app(data_dir, library_folder(tmp_path, httpserver.url_for("/economy/78")))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        summary = pane.article.body  # type: ignore[union-attr]
        await pilot.press("F")
        await settle(app)
        await pilot.pause()
        assert "Сарыагаш" in pane.article.body  # type: ignore[union-attr]
        notice = str(pane.query_one("#notice").render())
        assert "Full text" in notice and "F shows the summary" in notice
        assert pane.formatting is not None and pane.formatting.text == pane.article.body  # type: ignore[union-attr]
        assert app.library.search("Сарыагаш").rowids, "the full text is indexed"
        await pilot.press("F")
        await settle(app)
        assert pane.article.body == summary  # type: ignore[union-attr]
        assert "Summary" in str(pane.query_one("#notice").render())
        await pilot.press("F")
        await settle(app)
        assert "Сарыагаш" in pane.article.body  # type: ignore[union-attr]


async def test_f_failure_is_one_line_and_the_summary_stays(data_dir: Path, tmp_path: Path, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/economy/78").respond_with_data("gone", status=404)
    app = make_app(data_dir, library_folder(tmp_path, httpserver.url_for("/economy/78")))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        before = pane.article.body  # type: ignore[union-attr]
        await pilot.press("F")
        await settle(app)
        await pilot.pause()
        assert pane.article.body == before  # type: ignore[union-attr]
        assert "No full text: the server answered 404 NOT FOUND" in app.said


@pytest.mark.parametrize(
    ("width", "list_at_least", "reading_at_least", "sidebar_shown"),
    [(100, 40, 60, False), (110, 40, 60, False), (120, 42, 54, True), (140, 42, 66, True), (200, 42, 90, True)],
)
async def test_the_list_has_room_for_a_title(
    data_dir: Path, tmp_path: Path, width: int, list_at_least: int, reading_at_least: int, sidebar_shown: bool
) -> None:
    """From 100 columns the list and the reading pane share the width (the
    list 40 columns or more); from 120 the sidebar shows too, the list still at 42 or more."""
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        screen = app.screen
        left, pane, sidebar = screen.query_one("#left"), screen.query_one(ReadingPane), screen.query_one(EntitySidebar)
        assert left.display and left.outer_size.width >= list_at_least
        assert pane.display and pane.outer_size.width >= reading_at_least
        assert sidebar.display == sidebar_shown
        if not sidebar_shown:  # e overlays it, and escape takes it away
            await pilot.press("e")
            await pilot.pause()
            await pilot.pause()
            assert sidebar.display and sidebar.has_focus and sidebar.size.width >= 26
            assert left.outer_size.width >= list_at_least  # over the reading pane, not in the list's room
            await pilot.press("escape")
            await pilot.pause()
            await pilot.pause()
            assert not sidebar.display


async def test_80x24_gives_the_reading_pane_the_width(data_dir: Path, tmp_path: Path) -> None:
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app)
        screen = app.screen
        articles, pane, sidebar = screen.query_one(ArticleList), screen.query_one(ReadingPane), screen.query_one(EntitySidebar)
        assert (articles.size.width >= 70 and not pane.display) or pane.size.width == 0
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        assert pane.has_focus and pane.size.width >= 60
        assert articles.size.width == 0 or not screen.query_one("#left").display
        await pilot.press("e")  # the sidebar overlays
        await pilot.pause()
        await pilot.pause()
        assert sidebar.display and sidebar.has_focus and sidebar.size.width >= 26
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert not sidebar.has_class("-x") and pane.has_focus and pane.size.width >= 60
        await pilot.press("escape")  # back to the list
        await pilot.pause()
        await pilot.pause()
        assert articles.has_focus and articles.size.width >= 70
        await pilot.press("slash", *"Султанов", "enter")  # a filter, then read, then back: the filter stays
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        await pilot.pause()
        assert pane.has_focus and pane.size.width >= 60
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert articles.has_focus and screen.query_one("#search", Input).value == "Султанов"


async def test_z_maximises_and_escape_restores_on_a_wide_terminal(data_dir: Path, tmp_path: Path) -> None:
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        pane = app.screen.query_one(ReadingPane)
        normal = pane.size.width
        await pilot.press("z")
        await pilot.pause()
        await pilot.pause()
        assert pane.size.width >= 135 and pane.has_focus
        await pilot.press("escape")
        await pilot.pause()
        await pilot.pause()
        assert pane.size.width == normal
        await pilot.press("e")  # hides the sidebar on a wide terminal
        await pilot.pause()
        assert pane.size.width > normal


def test_titles_are_cut_at_a_word_with_an_ellipsis() -> None:
    assert fit("Казахстан и Узбекистан договорились о проектах", 30) == "Казахстан и Узбекистан…"
    assert fit("короткий", 30) == "короткий"
    assert fit("Сверхдлинноесловобезпробелов", 10) == "Сверхдлин…"
    assert fit("", 5) == "" and fit("abc", 0) == ""


async def test_list_rows_fill_the_width_and_never_scroll_sideways(data_dir: Path, tmp_path: Path) -> None:
    app = make_app(data_dir, library_folder(tmp_path))
    async with app.run_test(size=(120, 40)):
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        width = articles.scrollable_content_region.width
        assert articles.virtual_size.width <= width and not articles.show_horizontal_scrollbar
        for y in range(4):
            strip = articles.render_line(y)
            assert strip.cell_length == width
        title = "".join(seg.text for seg in articles.render_line(1))
        assert title.rstrip().endswith("…")  # the long feed title is cut, with the mark
        cursor = articles.render_line(0)
        assert len({seg.style.bgcolor for seg in cursor if seg.style}) == 1  # one background, edge to edge


async def test_sidebar_clears_and_selects_the_first_entity(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        sidebar = app.screen.query_one(EntitySidebar)
        assert sidebar.option_count == 1 and sidebar._chosen() is None  # no article open
        await pilot.press("enter")
        await settle(app)
        assert sidebar._chosen() is not None, "the first entity is selected"
        assert app.screen.query_one(ArticleList).has_focus
        await pilot.press("f")  # at once, from the list
        await settle(app)
        assert app.screen.query_one("#search", Input).value.startswith(("person:", "org:", "place:"))
        await pilot.press("escape", "slash", *"несуществующееслово")
        await settle(app)
        assert sidebar.option_count == 1 and sidebar._chosen() is None


def sidebar_lines(sidebar: EntitySidebar) -> list[str]:
    """The sidebar's lines as drawn (the scrollbar's cells left out)."""
    width = sidebar.scrollable_content_region.width
    sidebar.scroll_to(y=0, animate=False, immediate=True)
    return ["".join(seg.text for seg in sidebar.render_line(y))[:width] for y in range(sidebar.scrollable_content_region.height)]


async def test_sidebar_names_are_cut_and_counts_aligned(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app)
        await pilot.press("enter")
        await settle(app)
        sidebar = app.screen.query_one(EntitySidebar)
        drawn = [line for line in sidebar_lines(sidebar) if line.strip()]
        figures = next(i for i, line in enumerate(drawn) if line.startswith("Figures"))
        counted = [line.rstrip() for line in drawn[: figures + 1]]  # the groups and entities, each with its count
        assert counted and len({len(line) for line in counted}) == 1, "every count ends in the same column"
        assert all(len(line) <= sidebar.scrollable_content_region.width for line in drawn)


async def test_sidebar_entries_stay_on_one_line_when_the_list_scrolls(data_dir: Path) -> None:
    """Defect: once the entries overflow (80x24 overlay, a short wide
    terminal), the scrollbar pushed every count onto a line of its own."""
    for size, keys in (((80, 24), ("enter", "e")), ((200, 20), ("enter",))):
        app = make_app(data_dir, SEEDS)
        async with app.run_test(size=size) as pilot:
            await settle(app)
            await pilot.press(*keys)
            await settle(app)
            await pilot.pause()
            sidebar = app.screen.query_one(EntitySidebar)
            assert sidebar.display and sidebar.max_scroll_y > 0, "the list scrolls"
            drawn = [line.rstrip() for line in sidebar_lines(sidebar)]
            assert any(line.startswith("People") and line.endswith("(2)") for line in drawn), (size, drawn)
            assert any(line.startswith("Абдулла Арипов") and line.endswith("3") for line in drawn), (size, drawn)
            assert not [line for line in drawn if line.strip().strip("()").isdigit()], (size, drawn)


async def test_note_is_shown_and_edited_with_a_key(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        await pilot.press("b", "a")
        await pilot.pause()
        await pilot.press(*"перечитать", "enter")
        assert await wait_for(pilot, lambda: app.library.note_of(BELTA) == "перечитать")  # saved by the writer thread
        await pilot.press("enter")
        await settle(app)
        assert "✎ перечитать" in str(app.screen.query_one(ReadingPane).query_one("#notice").render())
        await pilot.press("B")
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        assert "✎ перечитать" in "".join(seg.text for seg in articles.render_line(0))
        await pilot.press("question_mark")
        ids = {row[2] for _, rows in app.screen.sections for row in rows}  # type: ignore[attr-defined]
        assert {"note.edit", "sidebar.open", "full_text", "links", "sidebar.toggle", "maximise"} <= ids


async def test_help_lists_the_sidebar_enter(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        sidebar = dict(app.screen.sections)["Sidebar"]
        assert any(keys.startswith("enter") or "⏎" in keys for keys, _, _ in sidebar)


async def test_remapping_list_down_keeps_the_arrow(data_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text('[keys]\n"list.down" = "x"\n', encoding="utf-8")
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        await pilot.press("j")
        assert articles.cursor == 0, "j is no longer bound"
        await pilot.press("x")
        assert await wait_for(pilot, lambda: articles.cursor == 1)
        await pilot.press("k", "down")
        assert articles.cursor == 1


async def test_theme_persists_across_restarts(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(100, 30)) as pilot:
        app.theme = "nord"
        await pilot.pause()
        await pilot.pause()
    again = make_app(data_dir, SEEDS)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert again.theme == "nord"


async def test_the_list_takes_the_new_theme_at_once(data_dir: Path) -> None:
    app = make_app(data_dir, SEEDS)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app)
        articles = app.screen.query_one(ArticleList)
        last = articles.size.height - 1  # a blank line below the rows: the list's own style alone
        articles.rowids = articles.rowids[:1]
        before = articles.render_line(last)
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await pilot.pause()
        await pilot.pause()
        after = articles.render_line(last)
        assert before.text == after.text
        assert {s.style for s in after} == {articles.rich_style} != {s.style for s in before}
