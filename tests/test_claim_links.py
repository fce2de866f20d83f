"""Claims across documents on the two real samples: candidates by text similarity, and
the article screen's `=` (link), status line and claims list, and `u`, pressing real keys.

The samples are imported once with the real French pipeline (module fixture); a test
that writes works on its own copy of the file.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from glose import claim_matching, importer
from glose.db import claim_links, documents, layers, spans
from glose.db.connection import open_db
from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.tui.modals import ChoiceModal
from glose.vocabulary import CLAIM, SUGGESTIONS
from glose.widgets.claims_panel import ClaimsPanel

pytestmark = pytest.mark.slow

BAN_KI_MOON = "alarmé par les informations faisant état d’atrocités"
"""The start of the second article's claim that repeats the first one's statement."""
UNRELATED = "plus de 8 000 civils, dont une moitié d'enfants"


@pytest.fixture(scope="module")
def imported(tmp_path_factory, nlp) -> Path:
    """samples/aleppo.jsonl (the two seeds) imported with the real pipeline, the file closed."""
    path = tmp_path_factory.mktemp("samples") / "glose.db"
    db = open_db(path)
    report = importer.import_paths(db, [Path(__file__).parent.parent / "samples" / "aleppo.jsonl"], nlp=nlp,
                                   tokenizer_name="fr")
    assert len(report.imported) == 2
    db.close()
    return path


@pytest.fixture
def db_copy(imported, tmp_path) -> Path:
    path = tmp_path / "glose.db"
    shutil.copy(imported, path)
    return path


@pytest.fixture
def sample_db(imported):
    db = open_db(imported)
    yield db
    db.close()


def suggested_claim(db, doc_id: int, starting: str) -> dict:
    text = documents.document(db, doc_id)["text"]
    found = [s for s in spans.spans_of(db, doc_id, layers.find_layer(db, SUGGESTIONS))
             if s["label"] == CLAIM and text[s["start"]:].startswith(starting)]
    assert len(found) == 1, starting
    return {**found[0], "text": text[found[0]["start"]:found[0]["end"]]}


def test_the_ban_ki_moon_claim_finds_the_first_articles_as_best_candidate(sample_db):
    claim = suggested_claim(sample_db, 2, BAN_KI_MOON)
    found = claim_matching.candidates(sample_db, 2, claim["text"], [layers.find_layer(sample_db, SUGGESTIONS)])
    assert found, "no candidate"
    best = found[0]
    first_text = documents.document(sample_db, 1)["text"]
    assert best.doc_id == 1 and "atrocités" in first_text[best.start:best.end]
    assert "grand nombre" in best.text and best.score >= claim_matching.THRESHOLD
    assert "civils" in best.why and "enfants" in best.why
    assert all(c.doc_id == 1 for c in found)  # never its own document


def test_the_threshold_keeps_unrelated_claims_out(sample_db):
    """Every claim of the second article against the first: only the repeated statements
    (the Ban Ki-moon one, "La bataille d'Alep touche à sa fin") pass."""
    suggestions = layers.find_layer(sample_db, SUGGESTIONS)
    passing = set()
    for claim in spans.spans_of(sample_db, 2, suggestions):
        if claim["label"] != CLAIM:
            continue
        text = documents.document(sample_db, 2)["text"][claim["start"]:claim["end"]]
        if claim_matching.candidates(sample_db, 2, text, [suggestions]):
            passing.add(text[:20])
    assert passing == {BAN_KI_MOON[:20], "la bataille d'Alep t"}
    unrelated = suggested_claim(sample_db, 2, UNRELATED)
    assert claim_matching.candidates(sample_db, 2, unrelated["text"], [suggestions]) == []


def test_claim_text_is_never_full_text_syntax(sample_db):
    suggestions = layers.find_layer(sample_db, SUGGESTIONS)
    for hostile in ('atrocités" OR NEAR(', "AND * ( ) : ^", "*"):
        claim_matching.candidates(sample_db, 2, hostile, [suggestions])  # no sqlite3 error


async def test_equals_links_the_claim_shows_it_and_u_takes_it_back(db_copy):
    app = GloseApp(db_copy, annotator="alice", doc_id=2)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        await pilot.press("slash", *"Ban Ki-moon s'est dit", "enter")  # the caret just before the claim
        await pilot.press("n")
        await pilot.pause()
        claim = screen.session.span(screen.session.claim)
        assert screen.model.span_text(claim).startswith(BAN_KI_MOON)
        started = time.process_time()
        await pilot.press("equals_sign")
        await pilot.pause()
        assert time.process_time() - started < 1.0
        modal = app.screen
        assert isinstance(modal, ChoiceModal)
        key, label, (kind, best) = modal.choices[0]
        assert (key, kind, best.doc_id) == ("1", "link", 1) and "2016-12" in label
        await pilot.press("1")
        await pilot.pause()
        status = str(screen.query_one("StatusLine").render())
        assert "saved" in status and "≡ 1 other document" in status
        panel = screen.query_one(ClaimsPanel)
        assert [row.linked for row in panel.claims if row.id == claim["id"]] == [1]
        db = open_db(db_copy)
        try:
            assert [(k["other_doc_id"], k["other_start"]) for k in claim_links.links_of(
                db, screen.model.layer_id, [claim["id"]])[claim["id"]]] == [(1, best.start)]
            first = suggested_claim(db, 1, best.text[:30])
            await pilot.press("j")  # the linked claim's document, on that claim
            await pilot.pause()
            other = app.screen
            assert isinstance(other, ArticleScreen) and other.doc_id == 1
            assert other.model.span_text(other.session.span(other.session.claim)) == first["text"]
            assert "≡ 1 other document" in str(other.query_one("StatusLine").render())  # linked from doc 2
            await pilot.press("backspace")
            await pilot.pause()
            assert app.screen is screen
            await pilot.press("u")
            await pilot.pause()
            assert "≡" not in str(screen.query_one("StatusLine").render())
            assert [row.linked for row in panel.claims if row.id == claim["id"]] == [0]
            assert db.execute("SELECT count(*) FROM claim_links").fetchone()[0] == 0
        finally:
            db.close()


async def test_read_only_refuses_with_the_reason(db_copy):
    app = GloseApp(db_copy, annotator="alice", doc_id=2, read_only=True)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        await pilot.press("n", "equals_sign")
        await pilot.pause()
        assert isinstance(app.screen, ArticleScreen)
        assert [n.message for n in app._notifications][-1].startswith("Read-only: ")
