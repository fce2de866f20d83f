"""Annotator layers, the event log, and undo/redo that survive a restart."""
from __future__ import annotations

import json

from glose.db import documents, layers, spans
from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.db.transaction import write
from glose.vocabulary import SUGGESTIONS

TEXT = "« Tout va bien », a déclaré Jean Dupont à Lyon."


def at(part: str) -> tuple[int, int]:
    start = TEXT.index(part)
    return start, start + len(part)


def setup_doc(db) -> int:
    with write(db):
        doc = documents.insert_document(db, text=TEXT, text_hash="h", title="t", meta={}, origin=None)
        sugg = layers.layer_id(db, SUGGESTIONS)
        spans.add_annotations(db, doc, sugg, [
            {"start": at("« Tout va bien »")[0], "end": at("« Tout va bien »")[1], "label": "CLAIM", "origin": "rules", "attrs": {"quote_type": "direct"}},
            {"start": at("a déclaré")[0], "end": at("a déclaré")[1], "label": "CUE", "origin": "rules"},
            {"start": at("Jean Dupont")[0], "end": at("Jean Dupont")[1], "label": "PER", "origin": "spacy"},
        ], [{"head": 0, "child": 1, "label": "CUE"}, {"head": 0, "child": 2, "label": "SAID_BY"}])
    return doc


def layer_rows(db, editor):
    return [(TEXT[s["start"]:s["end"]], s["label"], s["state"])
            for s in spans.spans_of(db, editor.doc_id, editor.layer_id)]


def test_seed_copies_suggestions_once_with_relations(db):
    doc = setup_doc(db)
    editor = Editor(db, "alice", doc)
    assert editor.seed() is True
    assert editor.seed() is False
    assert layer_rows(db, editor) == [("« Tout va bien »", "CLAIM", "pending"),
                                      ("a déclaré", "CUE", "pending"), ("Jean Dupont", "PER", "pending")]
    rels = spans.relations_of(db, doc, editor.layer_id)
    ids = {s["id"] for s in spans.spans_of(db, doc, editor.layer_id)}
    assert len(rels) == 2 and all(r["head_id"] in ids and r["child_id"] in ids for r in rels)
    sugg = layers.find_layer(db, SUGGESTIONS)
    assert all(s["state"] == "pending" for s in spans.spans_of(db, doc, sugg))  # untouched


def test_every_change_is_logged_with_before_and_after(db):
    doc = setup_doc(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    claim = spans.spans_of(db, doc, editor.layer_id)[0]
    editor.update_span(claim["id"], label="CLAIM", attrs={"quote_type": "mixed"})
    before, after = db.execute("SELECT before, after FROM events ORDER BY id DESC LIMIT 1").fetchone()
    assert json.loads(json.loads(before)["attrs"]) == {"quote_type": "direct"}
    assert json.loads(json.loads(after)["attrs"]) == {"quote_type": "mixed"}


def test_undo_redo_survive_restart(db_path):
    db = open_db(db_path)
    doc = setup_doc(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    claim, cue, per = spans.spans_of(db, doc, editor.layer_id)
    rels = [r["id"] for r in spans.relations_of(db, doc, editor.layer_id)]
    editor.set_states("accepted", [claim["id"], cue["id"], per["id"]], rels, action="accept_frame")
    new = editor.add_span(*at("Lyon"), "LOC")
    editor.delete_span(per["id"])  # also deletes the SAID_BY relation, logged
    db.close()

    db = open_db(db_path)  # a restart: the stacks come from the log alone
    editor = Editor(db, "alice", doc)
    assert editor.undo() == "delete_span"
    assert ("Jean Dupont", "PER", "accepted") in layer_rows(db, editor)
    assert len(spans.relations_of(db, doc, editor.layer_id)) == 2
    assert editor.undo() == "add_span"
    assert all(s["id"] != new for s in spans.spans_of(db, doc, editor.layer_id))
    db.close()

    db = open_db(db_path)
    editor = Editor(db, "alice", doc)
    assert editor.redo() == "add_span"
    assert ("Lyon", "LOC", "accepted") in layer_rows(db, editor)
    assert editor.undo() == "add_span"
    assert editor.undo() == "accept_frame"
    assert {state for *_, state in layer_rows(db, editor)} == {"pending"}
    assert editor.undo() is None  # the seed is not undoable
    assert editor.redo() == "accept_frame"
    editor.add_span(0, 1, "MISC")  # a new action clears the redo stack
    assert editor.redo() is None


def test_annotators_have_separate_layers_and_stacks(db):
    doc = setup_doc(db)
    alice, bob = Editor(db, "alice", doc), Editor(db, "bob", doc)
    alice.seed()
    bob.seed()
    alice.add_span(*at("Lyon"), "LOC")
    assert bob.undo() is None
    assert len(layer_rows(db, alice)) == 4 and len(layer_rows(db, bob)) == 3


def test_status(db):
    doc = setup_doc(db)
    editor = Editor(db, "alice", doc)
    editor.seed()
    editor.set_status("done")
    assert db.execute("SELECT status FROM doc_status").fetchone()[0] == "done"
    editor.undo()
    assert db.execute("SELECT status FROM doc_status").fetchone()[0] == "in_progress"
