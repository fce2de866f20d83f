"""The sources screen and the merge suggestions in the real app, with real keys: counts by
layer, a source's claims, a claim opened in its article and back, merges accepted,
rejected and undone, a rename, and a locked database that is a message, not a crash."""
from __future__ import annotations

import sqlite3

import pytest

from glose.db import layers, sources, spans
from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.document_list import DocumentListScreen
from glose.tui.help import HelpScreen
from glose.tui.merge_screen import MergeSuggestionsScreen
from glose.tui.sources_screen import SourceClaimsScreen, SourcesScreen, parse_dates
from glose.vocabulary import CLAIM
from tests.test_db_source_claims import TWO, build


@pytest.fixture
def corpus(db_path):
    db = open_db(db_path)
    build(db)
    db.close()
    return db_path


async def settle(pilot) -> None:
    """Let the workers (counting, suggestions) finish and their answers be shown."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def rows(screen) -> list[tuple[str, ...]]:
    """The rows of the screen's table, as shown."""
    from textual.widgets import DataTable

    table = screen.query_one(DataTable)
    return [tuple(str(cell) for cell in table.get_row_at(y)) for y in range(table.row_count)]


def counts(screen) -> dict[str, tuple[str, str]]:
    return {row[0]: (row[1], row[2]) for row in rows(screen)}


def progress(screen) -> str:
    return str(screen.query_one("#progress").render())


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def open_sources(pilot) -> SourcesScreen:
    await pilot.pause()
    await pilot.press("o")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SourcesScreen)
    return pilot.app.screen


async def test_counts_by_layer_a_sources_claims_and_a_claim_in_its_article_and_back(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        # alice's layer is counted first (no gold): her rejections count for nothing.
        assert "layer alice" in progress(screen)
        assert counts(screen) == {"Stéphane Dujarric": ("1", "1"), "M. Dujarric": ("0", "0"), "OSDH": ("0", "0")}
        await pilot.press("l")  # the next layer: suggestions
        await settle(pilot)
        assert "layer suggestions" in progress(screen)
        assert counts(screen) == {"M. Dujarric": ("1", "1"), "OSDH": ("1", "1"), "Stéphane Dujarric": ("1", "1")}
        await pilot.press("t")  # claim type: statistic (none)
        await settle(pilot)
        assert set(counts(screen).values()) == {("0", "0")}
        await pilot.press("t", "t", "t", "t", "t", "t")  # back to all
        await settle(pilot)
        await pilot.press("slash", *"dujar", "enter")
        assert [row[0] for row in rows(screen)] == ["M. Dujarric", "Stéphane Dujarric"]
        await pilot.press("up", "enter")  # the cursor stayed on Stéphane Dujarric: up, M. Dujarric's claims
        await pilot.pause()
        claims = pilot.app.screen
        assert isinstance(claims, SourceClaimsScreen)
        assert rows(claims) == [("« L'aide arrive »", "a affirmé", "direct", "event", "Dépêche du 2016-12-20",
                                 "2016-12-20", "")]
        await pilot.press("enter")  # the claim in its article, selected in alice's layer
        await pilot.pause()
        article = pilot.app.screen
        assert isinstance(article, ArticleScreen)
        selected = article.session.span(article.session.current)
        assert TWO[selected["start"]:selected["end"]] == "« L'aide arrive »"
        assert article.session.claim == selected["id"]
        await pilot.press("backspace")
        await pilot.pause()
        assert pilot.app.screen is claims
        await pilot.press("backspace")
        await settle(pilot)
        assert pilot.app.screen is screen  # as it was left: layer, filter
        assert "layer suggestions" in progress(screen)
        assert [row[0] for row in rows(screen)] == ["M. Dujarric", "Stéphane Dujarric"]
        await pilot.press("question_mark")
        assert isinstance(pilot.app.screen, HelpScreen)
        await pilot.press("escape", "backspace")
        await pilot.pause()
        assert isinstance(pilot.app.screen, DocumentListScreen)


async def test_dates_are_typed_and_a_bad_range_is_refused(corpus):
    async with GloseApp(corpus, annotator="bob").run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        assert "layer suggestions" in progress(screen)  # bob has no layer, gold no claims
        await pilot.press("d", *"2016-12-20..2016-12-01", "enter")
        assert "first before the second" in str(pilot.app.screen.query_one("#error").render())
        await pilot.press("ctrl+u", *"2016-12-01..2016-12-13", "enter")
        await settle(pilot)
        assert "dates 2016-12-01..2016-12-13" in progress(screen)
        assert counts(screen)["Stéphane Dujarric"] == ("1", "1")
        assert counts(screen)["OSDH"] == ("0", "0")
    assert parse_dates("") is None
    for wrong in ("13/12/2016", "2016-02-30..2016-03-01", "2016-12-01"):
        with pytest.raises(ValueError):
            parse_dates(wrong)


async def test_merge_suggestions_accept_reject_and_undo(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        await open_sources(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MergeSuggestionsScreen)
        assert rows(screen) == [("M. Dujarric → Stéphane Dujarric (90, surname)",)]
        await pilot.press("a")
        await settle(pilot)
        assert sources.find(pilot.app.db, "M. Dujarric").name == "Stéphane Dujarric"
        assert rows(screen) == [] and "no more suggestions" in progress(screen)
        await pilot.press("u")
        await settle(pilot)
        assert sources.find(pilot.app.db, "M. Dujarric").name == "M. Dujarric"
        await pilot.press("w")  # keep the other name
        assert rows(screen) == [("Stéphane Dujarric → M. Dujarric (90, surname)",)]
        await pilot.press("x")
        await settle(pilot)
        assert len(sources.distinct_pairs(pilot.app.db)) == 1
        assert rows(screen) == []
        await pilot.press("u")
        await settle(pilot)
        assert sources.distinct_pairs(pilot.app.db) == set()
        assert rows(screen) == [("Stéphane Dujarric → M. Dujarric (90, surname)",)]  # still swapped
        await pilot.press("backspace")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)


async def test_rename_with_a_prompt_then_undo(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        assert rows(screen)[0][0] == "Stéphane Dujarric"
        await pilot.press("r", "ctrl+u", *"Stéphane Dujarric (ONU)", "enter")
        await settle(pilot)
        assert rows(screen)[0][0] == "Stéphane Dujarric (ONU)"
        assert rows(screen)[0][5] == "Stéphane Dujarric"  # the old name is an alias
        await pilot.press("u")
        await settle(pilot)
        assert rows(screen)[0][0] == "Stéphane Dujarric"
        assert notes(pilot.app)[-1] == "Undone: rename_source"


async def test_a_locked_database_is_a_message_not_a_crash(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        await open_sources(pilot)
        await pilot.press("g")
        await settle(pilot)
        screen = pilot.app.screen
        other = sqlite3.connect(corpus, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process writes, for longer than the app waits
        try:
            await pilot.press("a")
            await pilot.pause()
            assert notes(pilot.app)[-1].startswith("Not saved: the database is busy")
            assert pilot.app.screen is screen and len(rows(screen)) == 1
        finally:
            other.rollback()
            other.close()
        await pilot.press("a")
        await settle(pilot)
        assert rows(screen) == []


async def test_the_command_palette_opens_the_sources(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p", *"Sources")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SourcesScreen)
        assert counts(pilot.app.screen)["Stéphane Dujarric"] == ("1", "1")


async def test_kind_external_id_merge_and_split_by_keys(corpus):
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        assert rows(screen)[0][0] == "Stéphane Dujarric"
        await pilot.press("k", "o")  # organisation
        await settle(pilot)
        assert rows(screen)[0][3] == "organisation"
        await pilot.press("i", *"Q2356590", "enter")
        await settle(pilot)
        assert rows(screen)[0][4] == "Q2356590"
        await pilot.press("m", *"M. Duj", "enter")  # merge M. Dujarric into the highlighted source
        await settle(pilot)
        assert [row[0] for row in rows(screen)] == ["Stéphane Dujarric", "OSDH"]
        assert rows(screen)[0][5] == "M. Dujarric"
        await pilot.press("s", "enter")  # split its one alias out again
        await settle(pilot)
        assert sorted(row[0] for row in rows(screen)) == ["M. Dujarric", "OSDH", "Stéphane Dujarric"]
        await pilot.press("u")
        await settle(pilot)
        assert rows(screen)[0][5] == "M. Dujarric"
        assert sources.find(pilot.app.db, "M. Dujarric").external_id == "Q2356590"


async def test_names_are_never_markup_and_read_only_refuses_changes(corpus):
    from glose.db import layers, spans
    from glose.db.transaction import write

    db = open_db(corpus)
    with write(db):
        doc = db.execute("SELECT min(id) FROM documents").fetchone()[0]
        spans.add_annotations(db, doc, layers.layer_id(db, "alice"), [
            {"start": 0, "end": 5, "label": "PER", "canonical": "[bold red]Alerte[/]"}])
    db.close()
    async with GloseApp(corpus, annotator="alice", read_only=True).run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        assert "[bold red]Alerte[/]" in [row[0] for row in rows(screen)]
        await pilot.press("r", "ctrl+u", *"Autre", "enter")
        await settle(pilot)
        assert notes(pilot.app)[-1] == "Read-only: opened with --read-only"
        assert sources.find(pilot.app.db, "Autre") is None


async def test_a_claim_linked_to_another_document_says_so_in_the_sources_claims(corpus):
    db = open_db(corpus)
    alice = layers.find_layer(db, "alice")
    (claim,) = [s for s in spans.spans_of(db, 1, alice) if s["label"] == CLAIM]
    Editor(db, "alice", 1).link_claims(claim["id"], 2, TWO.index("«"), TWO.index("»") + 1)
    db.close()
    async with GloseApp(corpus, annotator="alice").run_test(size=(140, 30)) as pilot:
        screen = await open_sources(pilot)
        assert [row[0] for row in rows(screen)][0] == "Stéphane Dujarric"
        await pilot.press("enter")
        await settle(pilot)
        assert [row[-1] for row in rows(pilot.app.screen)] == ["1"]  # ≡: one claim elsewhere says the same
