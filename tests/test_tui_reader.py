"""The reader through Textual's pilot: document list, search, article, navigation."""
from __future__ import annotations

from textual.widgets import DataTable

from app.textnorm import normalize, text_hash
from app.tui.app import GloseApp
from app.tui.article_screen import ArticleScreen
from db import annotations, documents, layers
from db.transaction import write
from widgets.article_view import ArticleView

HOSTILE = "Titre [bold]piégé[/b] \x1b[2J"
TEXT = normalize(HOSTILE + "\n« La paix est proche », a déclaré Jean Dupont à Genève. Selon l'ONU, rien ne va.")


def at(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def add_doc(db, text: str, title: str, spans=(), relations=()) -> int:
    with write(db):
        doc = documents.insert_document(db, text=text, text_hash=text_hash(text), title=title,
                                        meta={"date": "2016-12"}, origin="t.txt", n_words=len(text.split()))
        annotations.add_annotations(db, doc, layers.layer_id(db, layers.SUGGESTIONS), list(spans), list(relations))
    return doc


def seed(db) -> int:
    claim, cue, per = at(TEXT, "« La paix est proche »"), at(TEXT, "a déclaré"), at(TEXT, "Jean Dupont")
    doc = add_doc(db, TEXT, normalize(HOSTILE), [
        {"start": claim[0], "end": claim[1], "label": "CLAIM"},
        {"start": cue[0], "end": cue[1], "label": "CUE"},
        {"start": per[0], "end": per[1], "label": "PER"},
        {"start": at(TEXT, "Genève")[0], "end": at(TEXT, "Genève")[1], "label": "LOC"},
    ], [{"head": 0, "child": 1, "label": "CUE"}, {"head": 0, "child": 2, "label": "SAID_BY"}])
    add_doc(db, "Un autre article sur Alep, sans accents : Alep.", "Deuxième article")
    return doc


async def test_list_shows_documents_and_opens_one(db, db_path):
    seed(db)
    app = GloseApp(db_path, annotator="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 2
        first_title = table.get_row_at(0)[1]
        assert first_title.plain == normalize(HOSTILE)  # literally, not as markup
        assert "\x1b" not in first_title.plain
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        view = app.screen.query_one(ArticleView)
        assert view.text == TEXT
        assert len(view.highlights) == 4
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ArticleScreen)


async def test_search_filters_by_full_text_without_accents(db, db_path):
    seed(db)
    app = GloseApp(db_path, annotator="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("slash")
        await pilot.press(*"geneve")
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1 and table.get_row_at(0)[0].plain == "1"
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
        assert view.caret == TEXT.index("Genève")  # no entity before: wraps to the last


async def test_question_mark_lists_the_keys(db, db_path):
    doc = seed(db)
    app = GloseApp(db_path, annotator="alice", doc_id=doc)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("HelpPanel")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query("HelpPanel")
