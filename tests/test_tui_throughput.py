"""Issue 9.15: how many keys an annotator needs for the short sample article, from its
suggestions to done. Every key goes through the real app; the decisions follow the gold
annotation of the article (written by hand, tests/data/gold_alep_ban_ki_moon.jsonl).

The scenario: accept the claims that are right, fix one boundary, reject one claim, add
one claim the suggestions missed (with its cue, source and quote type), decide every
entity, mark the document done. Target: at most 80 keys in all, at most 12 to add the
missed claim, at most 3 for a boundary fix.
"""
from __future__ import annotations

import json
import sqlite3

import pytest

from glose.tui.app import GloseApp
from glose.tui.article_screen import ArticleScreen
from glose.widgets.article_view import ArticleView
from tests.conftest import ROOT, SAMPLES

GOLD = ROOT / "tests" / "data" / "gold_alep_ban_ki_moon.jsonl"
MISSED = "La bataille d’Alep touche à sa fin"


class Keys:
    """Presses keys through the pilot and counts them, by task."""

    def __init__(self, pilot):
        self.pilot, self.counts = pilot, {}

    async def __call__(self, task: str, *keys: str) -> None:
        self.counts[task] = self.counts.get(task, 0) + len(keys)
        await self.pilot.press(*keys)
        await self.pilot.pause()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def suggestions_without_the_missed_claim(db) -> None:
    """Make the suggestions miss one claim, with its cue (its speaker stays an entity)."""
    text = db.execute("SELECT text FROM documents").fetchone()[0]
    start = text.index(MISSED)
    claim = db.execute("SELECT id FROM spans WHERE label = 'CLAIM' AND start = ?", [start]).fetchone()[0]
    cue = db.execute("SELECT child_id FROM relations WHERE head_id = ? AND label = 'CUE'", [claim]).fetchone()[0]
    with db.conn:
        db.execute("DELETE FROM spans WHERE id IN (?, ?)", [claim, cue])


@pytest.mark.slow
async def test_the_short_sample_from_suggestions_to_done_in_at_most_80_keys(db, db_path, nlp):
    from glose import importer

    importer.import_paths(db, [SAMPLES / "alep-ban-ki-moon-atrocites.txt"], nlp=nlp)
    suggestions_without_the_missed_claim(db)
    gold = json.loads(GOLD.read_text(encoding="utf-8").splitlines()[0])
    doc, text = db.execute("SELECT id, text FROM documents").fetchone()
    assert gold["text"] == text
    gold_entities = {(s["start"], s["end"]): s["label"] for s in gold["spans"]
                     if s["label"] in ("PER", "ORG", "LOC", "MISC")}

    app = GloseApp(db_path, annotator="ana", doc_id=doc)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ArticleScreen)
        view, model = screen.query_one(ArticleView), screen.model
        keys = Keys(pilot)

        def selected():
            return model.spans[screen.current]

        # Claims, in reading order: each a or x moves on to the next pending claim.
        await keys("claims", "n")
        assert model.span_text(selected()).endswith("où les forces pro-Assad ont pris l'ascendant sur les rebelles")
        await keys("boundary", "left_parenthesis")  # the end goes back to "à Alep"
        assert model.span_text(selected()).endswith("dont des femmes et des enfants, à Alep")
        await keys("claims", "a", "a", "a")
        assert model.span_text(selected()).startswith("Mais « le secrétaire")
        await keys("boundary 2", "H")  # "Mais" is not said by anyone
        assert model.span_text(selected()).startswith("« le secrétaire")
        await keys("claims", "a", "a", "a")
        assert model.span_text(selected()).startswith("l’opération militaire")
        await keys("reject", "x")

        # The missed claim: find it, cut it at the quotation's end, label it, its cue
        # next to it, its speaker by the letter shown on him.
        await keys("missed claim", "slash", *"la b", "enter")
        await keys("missed claim", "right_parenthesis")
        assert text[slice(*view.selection)] == MISSED
        await keys("missed claim", "5", "c", "s")
        hints = {model.span_text(model.spans[i]): letters for i, letters in view._hints.items()}
        await keys("missed claim", *hints["Rami Abdel Rahmane"])

        # Entities: each a, x or relabel-then-a moves on to the next pending one.
        await keys("entities", "p")
        while screen.session.pending_counts()[1]:
            span = selected()
            assert span["label"] in ("PER", "ORG", "LOC", "MISC", "SOURCE"), span
            right = gold_entities.get((span["start"], span["end"]))
            if right is None or span["label"] == "SOURCE":
                await keys("entities", "x" if right is None and span["label"] != "SOURCE" else "a")
            elif right != span["label"]:
                await keys("entities", str(("PER", "ORG", "LOC", "MISC").index(right) + 1), "a")
            else:
                await keys("entities", "a")
        await keys("done", "d")

    counts = keys.counts
    print(f"\nkeys: {counts} = {keys.total}")
    assert counts["missed claim"] <= 12 and counts["boundary"] <= 3 and counts["boundary 2"] <= 3
    assert keys.total <= 80, counts

    conn = sqlite3.connect(db_path)
    rows = {(s, e, label): (state, json.loads(attrs)) for s, e, label, state, attrs in conn.execute(
        "SELECT s.start, s.end, s.label, s.state, s.attrs FROM spans s JOIN layers l ON l.id = s.layer_id"
        " WHERE l.name = 'ana'")}
    claims = {text[s:e]: state for (s, e, label), (state, _) in rows.items() if label == "CLAIM"}
    assert claims[MISSED] == "accepted" and list(claims.values()).count("rejected") == 1
    assert sum(state == "accepted" for state in claims.values()) == 7
    missed = next(attrs for (s, e, label), (_, attrs) in rows.items() if text[s:e] == MISSED)
    assert missed == {"quote_type": "direct"}
    links = {(text[hs:he], label, text[cs:ce]) for hs, he, label, cs, ce in conn.execute(
        "SELECT h.start, h.end, r.label, c.start, c.end FROM relations r JOIN spans h ON h.id = r.head_id"
        " JOIN spans c ON c.id = r.child_id JOIN layers l ON l.id = r.layer_id"
        " WHERE l.name = 'ana' AND r.state = 'accepted'")}
    assert {(MISSED, "CUE", "a affirmé"), (MISSED, "SAID_BY", "Rami Abdel Rahmane")} <= links
    accepted_entities = {(s, e): label for (s, e, label), (state, _) in rows.items()
                         if state == "accepted" and label in ("PER", "ORG", "LOC", "MISC")}
    assert accepted_entities and all(gold_entities.get(k) == v for k, v in accepted_entities.items())
    assert not any(state == "pending" for state, _ in rows.values() if state)
    assert conn.execute("SELECT status FROM doc_status").fetchone()[0] == "done"
