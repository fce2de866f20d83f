"""The reader through Textual's pilot: document list, search, article, navigation."""
from __future__ import annotations

from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.help import HelpScreen
from glose.widgets.article_view import ArticleView
from glose.widgets.document_table import DocumentTable
from tests.tui_data import HOSTILE_TITLE, TEXT
from tests.tui_data import build as seed


async def test_list_shows_documents_and_opens_one(db, db_path):
    seed(db)
    app = GloseApp(db_path, annotator="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 2
        first_row = table.render_line(1).text  # under the header
        assert table.row_at(0).title == HOSTILE_TITLE and HOSTILE_TITLE[:20] in first_row  # literally, not as markup
        assert "\x1b" not in first_row
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        view = app.screen.query_one(ArticleView)
        assert view.text == TEXT
        assert len(view.highlights) == 7
        await pilot.press("backspace")
        await pilot.pause()
        assert not isinstance(app.screen, ArticleScreen)


async def test_search_filters_by_full_text_without_accents(db, db_path):
    seed(db)
    app = GloseApp(db_path, annotator="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"geneve")
        await pilot.pause()
        table = app.screen.query_one(DocumentTable)
        assert table.row_count == 1 and table.row_at(0).id == 1
        await pilot.press("escape")
        await pilot.pause()
        assert table.row_count == 2


async def test_next_claim_selects_it_with_its_source_and_cue(db, db_path):
    doc = seed(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        await pilot.press("n")
        await pilot.pause()
        claim_start = TEXT.index("« La paix")
        assert view.caret == claim_start
        await pilot.press("e")
        await pilot.pause()
        assert view.caret == TEXT.index("Jean Dupont")
        await pilot.press("E")
        await pilot.pause()
        assert view.caret == TEXT.index("ONU")  # no entity before: wraps to the last


async def test_question_mark_lists_the_keys(db, db_path):
    doc = seed(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_status_filter_cycles(db, db_path):
    from glose.db.edits import Editor

    doc = seed(db)
    Editor(db, "alice", doc).seed()  # opened once: in progress
    app = GloseApp(db_path, annotator="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        table = app.screen.query_one(DocumentTable)
        shown = []
        for _ in range(8):
            await pilot.press("f")
            await pilot.pause()
            shown.append(table.row_count)
        # todo, in progress, done; mine, needs a second annotator, ready, adjudicated; all
        assert shown == [1, 1, 0, 0, 2, 0, 0, 2]
