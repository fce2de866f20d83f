"""Snapshots of the main screens at 80x24 and 120x40 (pytest-textual-snapshot).

The hand-made article of ``tests/tui_data.py`` (a hostile title, two claims with cue and
source, a second document). The database file is always called ``glose.db`` (the header
shows it) and every cursor blink is frozen, so the SVGs are the same on every run.
Regenerate with ``pytest tests/test_snapshots.py --snapshot-update`` and look at them.
"""
from __future__ import annotations

import pytest
from textual.widgets import Input

from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from tests.tui_data import build

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.fixture
def app(db, db_path):
    assert db_path.name == "glose.db"
    build(db)
    return GloseApp(db_path, annotator="alice")


def freeze_blink(app) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False


@pytest.mark.parametrize("size", SIZES)
def test_document_list(snap_compare, app, size):
    async def settle(pilot):
        await pilot.pause()
        freeze_blink(pilot.app)

    assert snap_compare(app, terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_article_with_first_claim_selected(snap_compare, app, size):
    """Enter on the first document, then n: the first claim with its cue and source."""

    async def open_first_claim(pilot):
        await pilot.pause()
        freeze_blink(pilot.app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ArticleScreen)
        await pilot.press("n")
        await pilot.pause()
        freeze_blink(pilot.app)

    assert snap_compare(app, terminal_size=size, run_before=open_first_claim)


# Each dialog at 80x24, over the article: a bordered box in the middle, the article around it.
MODALS = {
    "choice": ("n", "y"),  # claim type: pick one of a few by key
    "prompt_with_names": ("e", "g"),  # canonical source: type, or take a listed name
    "prompt_search": ("n", "n", "s", "slash", "O"),  # a source by part of its name
    "hint_mode": ("n", "n", "s"),  # letters over the mentions on screen
}


@pytest.mark.parametrize("modal", MODALS)
def test_modal(snap_compare, db, db_path, modal):
    from glose.db.edits import Editor

    doc = build(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    mention = next(s for s in editor.db.execute("SELECT id FROM spans WHERE layer_id = ? AND label = 'PER'",
                                                 [editor.layer_id]))
    editor.set_canonical(mention[0], "Jean Dupont (maire de Genève)")
    app = GloseApp(db_path, annotator="alice", doc_id=doc)

    async def open_modal(pilot):
        await pilot.pause()
        await pilot.press(*MODALS[modal])
        await pilot.pause()
        freeze_blink(pilot.app)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_modal)
