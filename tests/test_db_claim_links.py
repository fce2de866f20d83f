"""Claims across documents in the database: linking, both directions, refusals, undo."""
from __future__ import annotations

import sqlite3

import pytest

from glose.db import claim_links, events, spans
from glose.db.edits import Editor
from glose.errors import EditRefused
from glose.vocabulary import CLAIM, GOLD, MISC, PER
from tests.tui_data import add_doc, at

FIRST = "Ban Ki-moon a dit que des atrocités ont été commises à Alep. Il fait froid."
SECOND = "Selon l'ONU, des atrocités ont été commises à Alep, a dit Ban Ki-moon."


def claim_span(text: str, part: str = "des atrocités ont été commises à Alep") -> dict:
    start, end = at(part, text)
    return {"start": start, "end": end, "label": CLAIM, "origin": "test"}


@pytest.fixture
def docs(db):
    """Two documents, each with a claim in the suggestions; alice has opened both."""
    one = add_doc(db, FIRST, "Premier", [claim_span(FIRST), claim_span(FIRST, "Il fait froid")])
    two = add_doc(db, SECOND, "Second", [claim_span(SECOND)])
    editors = {}
    for doc in (one, two):
        editors[doc] = Editor(db, "alice", doc)
        editors[doc].seed()
    return one, two, editors


def claim(db, editor, text: str, part: str = "des atrocités ont été commises à Alep") -> int:
    start, _ = at(part, text)
    return next(s["id"] for s in spans.spans_of(db, editor.doc_id, editor.layer_id) if s["start"] == start)


def test_a_link_reads_both_ways_with_title_date_and_text(db, docs):
    one, two, editors = docs
    mine = claim(db, editors[two], SECOND)
    theirs = claim(db, editors[one], FIRST)
    link_id = editors[two].link_claims(mine, one, *at("des atrocités ont été commises à Alep", FIRST))

    (out,) = claim_links.links_of(db, editors[two].layer_id, [mine])[mine]
    assert out["id"] == link_id and out["mine"] and out["other_doc_id"] == one
    assert (out["title"], out["date"], out["snippet"]) == ("Premier", "2016-12", "des atrocités ont été commises à Alep")
    (back,) = claim_links.links_of(db, editors[one].layer_id, [theirs])[theirs]
    assert not back["mine"] and back["other_doc_id"] == two and back["other_claim_id"] == mine
    assert back["snippet"] == "des atrocités ont été commises à Alep" and back["title"] == "Second"
    other_claim = claim(db, editors[one], FIRST, "Il fait froid")
    assert claim_links.link_counts(db, editors[one].layer_id, [theirs, other_claim]) == {theirs: 1}
    assert claim_links.link_counts(db, editors[two].layer_id, [mine]) == {mine: 1}


def test_linked_from_both_ends_counts_once(db, docs):
    one, two, editors = docs
    mine, theirs = claim(db, editors[two], SECOND), claim(db, editors[one], FIRST)
    editors[two].link_claims(mine, one, *at("des atrocités ont été commises à Alep", FIRST))
    editors[one].link_claims(theirs, two, *at("des atrocités ont été commises à Alep", SECOND))
    assert claim_links.link_counts(db, editors[one].layer_id, [theirs]) == {theirs: 1}
    assert claim_links.link_counts(db, editors[two].layer_id, [mine]) == {mine: 1}


def test_a_link_that_exists_changes_nothing(db, docs):
    one, two, editors = docs
    mine = claim(db, editors[two], SECOND)
    bounds = at("des atrocités ont été commises à Alep", FIRST)
    first = editors[two].link_claims(mine, one, *bounds)
    logged = events.last_id(db)
    assert editors[two].link_claims(mine, one, *bounds) == first
    assert events.last_id(db) == logged
    assert db.execute("SELECT count(*) FROM claim_links").fetchone()[0] == 1


@pytest.mark.parametrize("why, change", [
    ("same document", lambda one, two: (two, 0, 5)),
    ("no such document", lambda one, two: (99, 0, 5)),
    ("past the text", lambda one, two: (one, 0, len(FIRST) + 1)),
    ("empty stretch", lambda one, two: (one, 5, 5)),
])
def test_refused_links_change_nothing(db, docs, why, change):
    one, two, editors = docs
    mine = claim(db, editors[two], SECOND)
    with pytest.raises(EditRefused):
        editors[two].link_claims(mine, *change(one, two))
    assert db.execute("SELECT count(*) FROM claim_links").fetchone()[0] == 0


def test_only_my_own_claims_and_only_claims(db, docs):
    one, two, editors = docs
    bob = Editor(db, "bob", two)
    bob.seed()
    alices = claim(db, editors[two], SECOND)
    with pytest.raises(EditRefused, match="not yours"):
        bob.link_claims(alices, one, 0, 5)
    mention = editors[two].add_span(*at("Ban Ki-moon", SECOND), PER)
    with pytest.raises(EditRefused, match="only a claim"):
        editors[two].link_claims(mention, one, 0, 5)
    link_id = editors[two].link_claims(alices, one, 0, 5)
    with pytest.raises(EditRefused, match="not yours"):
        bob.unlink_claims(link_id)
    assert claim_links.links_of(db, bob.layer_id, [claim(db, bob, SECOND)]) == {}  # bob's layer sees none
    assert bob.undo() is None  # nothing of bob's to undo: alice's link stays
    assert db.execute("SELECT count(*) FROM claim_links").fetchone()[0] == 1


def test_link_and_unlink_undo_and_redo(db, docs):
    one, two, editors = docs
    editor = editors[two]
    mine = claim(db, editor, SECOND)
    link_id = editor.link_claims(mine, one, 0, 5)
    assert editor.undo() == "link_claims"
    assert claim_links.links_of(db, editor.layer_id, [mine]) == {}
    assert editor.redo() == "link_claims"
    assert [k["id"] for k in claim_links.links_of(db, editor.layer_id, [mine])[mine]] == [link_id]  # same id back
    editor.unlink_claims(link_id)
    assert claim_links.links_of(db, editor.layer_id, [mine]) == {}
    assert editor.undo() == "unlink_claims"
    assert mine in claim_links.links_of(db, editor.layer_id, [mine])


@pytest.mark.parametrize("action", ["delete", "relabel"])
def test_deleting_or_relabelling_the_claim_takes_its_links_and_undo_brings_them_back(db, docs, action):
    one, two, editors = docs
    editor = editors[two]
    mine = claim(db, editor, SECOND)
    editor.link_claims(mine, one, 0, 5)
    before = db.execute("SELECT max(id) FROM events").fetchone()[0]
    if action == "delete":
        editor.delete_span(mine)
    else:
        editor.relabel(mine, MISC)
    assert db.execute("SELECT count(*) FROM claim_links").fetchone()[0] == 0
    # Logged by the edit itself, never left to the foreign key's cascade.
    assert db.execute("SELECT count(*) FROM events WHERE id > ? AND target = 'claim_links'",
                      [before]).fetchone()[0] == 1
    editor.undo()
    assert [(k["other_doc_id"], k["other_start"], k["other_end"])
            for k in claim_links.links_of(db, editor.layer_id, [mine])[mine]] == [(one, 0, 5)]


def test_undoing_a_claim_that_another_adjudicator_linked_since_is_refused(db, docs):
    one, two, _ = docs
    carol, dave = Editor(db, "carol", two, layer=GOLD), Editor(db, "dave", two, layer=GOLD)
    made = carol.add_span(*at("Ban Ki-moon", SECOND), CLAIM)
    dave.link_claims(made, one, 0, 5)
    with pytest.raises(EditRefused, match="linked since"):
        carol.undo()  # deleting the claim would take dave's link with it
    assert db.execute("SELECT count(*) FROM claim_links WHERE claim_id = ?", [made]).fetchone()[0] == 1
    dave.undo()
    assert carol.undo() == "add_span"


def test_the_foreign_key_holds(db, docs):
    one, two, editors = docs
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO claim_links (doc_id, layer_id, claim_id, other_doc_id, other_start, other_end)"
                   " VALUES (?, ?, 999999, ?, 0, 5)", [two, editors[two].layer_id, one])


def test_touched_since_sees_links_made_from_another_document(db, docs):
    one, two, editors = docs
    seen = events.last_id(db)
    editors[two].link_claims(claim(db, editors[two], SECOND), one, 0, 5)
    _, touched_one = events.touched_since(db, seen, one, editors[one].layer_id)
    _, touched_two = events.touched_since(db, seen, two, editors[two].layer_id)
    assert len(touched_one["claim_links"]) == 1 and touched_one["claim_links"] == touched_two["claim_links"]


def test_an_open_document_sees_links_made_and_undone_elsewhere(db, docs):
    """The article screen's model re-reads links by the event log: made from the other
    document's claim (another window), then undone."""
    from glose.document_model import DocumentModel

    one, two, editors = docs
    theirs = claim(db, editors[one], FIRST)
    model = DocumentModel(db, one, editors[one].layer_id, FIRST)
    assert [row.linked for row in model.claim_rows([theirs])] == [0]
    editors[two].link_claims(claim(db, editors[two], SECOND), one, *at("des atrocités ont été commises", FIRST))
    changes = model.refresh()
    assert theirs in changes.claims and [row.linked for row in model.claim_rows([theirs])] == [1]
    editors[two].undo()
    assert theirs in model.refresh().claims and model.claim_links == {}
