"""The document list of the real app on 3,000 documents, through the pilot with real keys:
it holds only the rows near the screen, and reads them from SQLite as they come into view."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from glose.db import documents, layers, spans
from glose.db.connection import open_db
from glose.db.transaction import write
from glose.textnorm import text_hash
from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.document_list import DocumentListScreen
from glose.vocabulary import DONE, IN_PROGRESS, SUGGESTIONS
from glose.widgets.document_table import DocumentTable

COUNT = 3_000
PLACES = ("Genève", "Alep", "Damas", "Paris", "Moscou", "Beyrouth", "Gaza")


def text_of(number: int) -> str:
    return f"Dépêche {number}. « La trêve tiendra », a déclaré un diplomate à {PLACES[number % len(PLACES)]}."


@pytest.fixture(scope="module")
def stored_corpus(tmp_path_factory) -> Path:
    """3,000 documents (one claim suggested in each), stored directly, once for the module;
    alice has finished every 10th and is working on every 25th that is not."""
    path = tmp_path_factory.mktemp("corpus") / "glose.db"
    db = open_db(path)
    with write(db):
        suggestions = layers.layer_id(db, SUGGESTIONS)
        alice = layers.annotator_id(db, "alice")
        for number in range(COUNT):
            text = text_of(number)
            doc = documents.insert_document(db, text=text, text_hash=text_hash(text), title=f"Dépêche n° {number}",
                                            meta={"date": "2016-12-13"}, origin=None, n_words=len(text.split()))
            start = text.index("«")
            spans.add_annotations(db, doc, suggestions, [
                {"start": start, "end": text.index("»") + 1, "label": "CLAIM", "origin": "rules"}])
            status = DONE if number % 10 == 0 else IN_PROGRESS if number % 25 == 0 else None
            if status:
                db.execute("INSERT INTO doc_status (doc_id, annotator_id, status) VALUES (?, ?, ?)",
                           [doc, alice, status])
    db.close()  # the last connection: its WAL is written into the file
    return path


@pytest.fixture
def corpus(stored_corpus, db_path) -> Path:
    """A copy of the stored corpus, for one test to change."""
    shutil.copy(stored_corpus, db_path)
    return db_path


def table_of(app) -> DocumentTable:
    return app.screen.query_one(DocumentTable)


def shown_ids(table: DocumentTable) -> list[int]:
    """The ids on screen, as drawn."""
    lines = [table.render_line(y).text for y in range(1, table.scrollable_content_region.height)]
    return [int(line.split()[0]) for line in lines if line.strip()]


def progress(app) -> str:
    return str(app.screen.query_one("#progress").render())


async def test_the_list_opens_on_3000_documents_reading_only_the_first_rows(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        table = table_of(pilot.app)
        assert table.row_count == COUNT
        assert shown_ids(table)[:3] == [1, 2, 3]
        assert len(table._rows) <= 200  # the rows near the screen, not 3,000
        assert "300/3,000 done · annotator alice" in progress(pilot.app)
        first = table.row_at(0)
        assert (first.title, first.claims, first.status, first.date) == ("Dépêche n° 0", 1, DONE, "2016-12-13")


async def test_end_home_and_the_pages_move_over_every_row(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        table = table_of(pilot.app)
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_row == COUNT - 1 and table.cursor_document.id == COUNT
        assert shown_ids(table)[-1] == COUNT
        page = table.scrollable_content_region.height - 1
        await pilot.press("pageup", "pageup", "up")
        await pilot.pause()
        assert table.cursor_document.id == COUNT - 2 * page - 1
        await pilot.press("home")
        await pilot.press(*["down"] * 70)  # past the first block of rows read
        await pilot.pause()
        assert table.cursor_document.id == 71 and 71 in shown_ids(table)
        ids = shown_ids(table)
        assert ids == list(range(ids[0], ids[0] + len(ids)))  # no row missing or twice


async def test_enter_on_a_far_page_opens_that_document(corpus):
    async with GloseApp(corpus, annotator="bob").run_test(size=(100, 30)) as pilot:
        table = table_of(pilot.app)
        await pilot.press("end", "up", "up", "up")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen) and pilot.app.screen.doc_id == COUNT - 3
        await pilot.press("backspace")
        await pilot.pause()
        table = table_of(pilot.app)
        assert table.cursor_document.id == COUNT - 3  # back where it was; the status changed: in progress
        assert table.cursor_document.status == IN_PROGRESS
        table.move_cursor(1_499)  # a jump far from any row read (as a scrollbar drag): read by position
        await pilot.pause()
        assert table.cursor_document.id == 1_500
        await pilot.press("up", "enter")  # the row before, read from its neighbour
        await pilot.pause()
        assert pilot.app.screen.doc_id == 1_499


async def test_typing_a_search_narrows_the_list_through_the_full_text_index(corpus):
    genevan = [number + 1 for number in range(COUNT) if PLACES[number % len(PLACES)] == "Genève"]
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        table = table_of(pilot.app)
        await pilot.press("slash", *"GENEV")  # accents and case aside, a prefix
        await pilot.pause()
        assert table.row_count == len(genevan)
        assert shown_ids(table)[:3] == genevan[:3]
        assert f"{len(genevan)} shown" in progress(pilot.app)
        await pilot.press("enter", "end")  # back to the list, then its last match
        await pilot.pause()
        assert table.cursor_document.id == genevan[-1]
        await pilot.press("enter")
        await pilot.pause()
        assert pilot.app.screen.doc_id == genevan[-1]
        await pilot.press("backspace", "escape")  # the search cleared: every document again
        await pilot.pause()
        assert table_of(pilot.app).row_count == COUNT


async def test_the_status_filter_lists_my_todo_in_progress_and_done(corpus):
    done = [n + 1 for n in range(COUNT) if n % 10 == 0]
    in_progress = [n + 1 for n in range(COUNT) if n % 25 == 0 and n % 10]
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        screen = pilot.app.screen
        table = table_of(pilot.app)
        await pilot.press("f")  # todo
        await pilot.pause()
        assert table.row_count == COUNT - len(done) - len(in_progress)
        assert shown_ids(table)[:3] == [2, 3, 4]
        await pilot.press("f", "end")  # in progress, its last one
        await pilot.pause()
        assert screen.status_filter == IN_PROGRESS and table.row_count == len(in_progress)
        assert table.cursor_document.id == in_progress[-1]
        await pilot.press("f")  # done, the cursor kept within the list
        await pilot.pause()
        assert table.row_count == len(done) and table.cursor_document.id in done
        assert f"only done · {len(done)} shown · {len(done)}/3,000 done" in progress(pilot.app)
        await pilot.press("slash", *"alep", "enter")  # and a search within it
        await pilot.pause()
        assert table.row_count == len([n for n in done if PLACES[(n - 1) % len(PLACES)] == "Alep"])


async def test_any_search_text_is_safe(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        for typed in ('"', "AND (", "*", 'NEAR("a" "b")', "l'ONU", "---", "^^^", "title:x", "a OR"):
            await pilot.press("slash", *typed)
            await pilot.pause()
            assert isinstance(pilot.app.screen, DocumentListScreen)
            assert "Cannot read" not in progress(pilot.app), typed
            await pilot.press("escape")
        assert pilot.app.is_running and not list(pilot.app.screen.query("Toast"))  # no error said


async def test_a_database_error_is_said_on_screen_not_a_crash(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        other = sqlite3.connect(corpus)
        other.execute("DROP TABLE documents_fts")  # the search can no longer be answered
        other.commit()
        other.close()
        await pilot.press("slash", "a")
        await pilot.pause()
        assert pilot.app.is_running
        assert "Cannot read the database" in progress(pilot.app)
