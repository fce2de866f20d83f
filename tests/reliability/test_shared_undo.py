"""Two annotators (or two windows) on one database: undo never touches another's rows."""
from __future__ import annotations

import sqlite3

import pytest

from glose.db import layers, spans
from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.errors import EditRefused
from tests.tui_data import at


def layer_spans(db, editor):
    return {(s["start"], s["end"], s["label"]): s for s in spans.spans_of(db, editor.doc_id, editor.layer_id)}


def test_a_deleted_span_id_is_never_given_to_another_annotator(db_path, shared_doc):
    x = Editor(open_db(db_path), "x", shared_doc)
    y = Editor(open_db(db_path), "y", shared_doc)
    gone = x.add_span(*at("Genève"), "LOC")
    x.delete_span(gone)
    new = y.add_span(*at("Jean Dupont"), "PER")
    assert new != gone
    assert x.undo() == "delete_span"  # X gets their span back, under its own id
    db = open_db(db_path)
    y_spans = layer_spans(db, y)
    assert list(y_spans) == [(*at("Jean Dupont"), "PER")] and y_spans[(*at("Jean Dupont"), "PER")]["id"] == new
    assert list(layer_spans(db, x)) == [(*at("Genève"), "LOC")]
    assert y.undo() == "add_span"  # Y's undo removes Y's span, not X's
    assert layer_spans(db, y) == {} and list(layer_spans(db, x)) == [(*at("Genève"), "LOC")]


def test_ids_of_rows_deleted_before_the_upgrade_are_not_reused(tmp_path):
    """A database from before ids were kept: the counters start above every id the log names."""
    import sqlite_utils

    from glose.db.connection import APPLICATION_ID
    from glose.db.migrations import migrate
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    migrate(old, application_id=APPLICATION_ID, upto=3)
    from tests.tui_data import TEXT
    doc = old.execute("INSERT INTO documents (text, text_hash, title, meta, origin, n_chars)"
                      " VALUES (?, 'h', 't', '{}', 'x', ?)", [TEXT, len(TEXT)]).lastrowid
    editor = Editor(old, "x", doc)
    top = editor.add_span(*at("Genève"), "LOC")
    # The highest id is gone (deleted as glose did then; today's delete_span knows
    # tables this schema has not): old SQLite would hand it out again.
    old.execute("DELETE FROM spans WHERE id = ?", [top])
    conn.close()
    db = open_db(path)
    y = Editor(db, "y", doc)
    assert y.add_span(*at("Jean Dupont"), "PER") > top


def test_undo_refuses_a_row_changed_since_and_changes_nothing(db_path, shared_doc):
    x = Editor(open_db(db_path), "x", shared_doc)
    span = x.add_span(*at("Genève"), "LOC")
    other = sqlite3.connect(db_path)  # another tool edits the row behind glose's back
    with other:
        other.execute("UPDATE spans SET label = 'ORG' WHERE id = ?", [span])
    other.close()
    events_before = x.db.execute("SELECT count(*) FROM events").fetchone()[0]
    with pytest.raises(EditRefused, match="changed since"):
        x.undo()
    db = open_db(db_path)
    assert layer_spans(db, x)[(*at("Genève"), "ORG")]["id"] == span
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == events_before


def test_undo_of_a_canonical_source_someone_else_uses_keeps_it(db_path, shared_doc):
    x = Editor(open_db(db_path), "x", shared_doc)
    y = Editor(open_db(db_path), "y", shared_doc)
    x_mention = x.add_span(*at("Jean Dupont"), "PER")
    y_mention = y.add_span(*at("Jean Dupont"), "PER")
    x.set_canonical(x_mention, "Jean Dupont (maire)")  # X creates the canonical source
    y.set_canonical(y_mention, "Jean Dupont (maire)")  # Y ties a mention to it
    assert x.undo() == "set_canonical"
    db = open_db(db_path)
    assert layer_spans(db, y)[(*at("Jean Dupont"), "PER")]["canonical"] == "Jean Dupont (maire)"
    assert layer_spans(db, x)[(*at("Jean Dupont"), "PER")]["canonical"] is None
    # Every later undo and redo of both works (no foreign key failure)
    assert y.undo() == "set_canonical" and y.redo() == "set_canonical"
    assert x.redo() == "set_canonical"
    assert layer_spans(open_db(db_path), x)[(*at("Jean Dupont"), "PER")]["canonical"] == "Jean Dupont (maire)"
    # Once nobody uses it, undoing its creation removes it
    y.undo()
    x.undo()
    names = [r[0] for r in db.execute("SELECT name FROM canonical_sources")]
    assert "Jean Dupont (maire)" not in names


def test_an_action_on_a_row_deleted_in_another_window_is_refused(db_path, shared_doc):
    window_a = Editor(open_db(db_path), "alice", shared_doc)
    window_b = Editor(open_db(db_path), "alice", shared_doc)
    window_a.seed()
    claim = next(s for s in spans.spans_of(window_a.db, shared_doc, window_a.layer_id) if s["label"] == "CLAIM")
    window_a.delete_span(claim["id"])
    for action in (lambda: window_b.set_states("accepted", [claim["id"]]),
                   lambda: window_b.update_span(claim["id"], label="CLAIM", attrs={"note": "x"}),
                   lambda: window_b.relabel(claim["id"], "MISC"),
                   lambda: window_b.delete_span(claim["id"]),
                   lambda: window_b.set_canonical(claim["id"], "X"),
                   lambda: window_b.add_span(*at("Genève"), "SOURCE", link_to=claim["id"])):
        with pytest.raises(EditRefused, match="no longer exists"):
            action()
    assert (*at("Genève"), "SOURCE") not in layer_spans(open_db(db_path), window_a)  # rolled back whole


def test_an_annotator_cannot_edit_another_layers_rows(db_path, shared_doc):
    db = open_db(db_path)
    suggestion = spans.spans_of(db, shared_doc, layers.find_layer(db, "suggestions"))[0]
    editor = Editor(db, "x", shared_doc)
    with pytest.raises(EditRefused, match="not yours"):
        editor.set_states("rejected", [suggestion["id"]])
    with pytest.raises(EditRefused, match="not yours"):
        editor.delete_span(suggestion["id"])


def test_redo_of_a_canonical_source_made_again_by_someone_else_ties_to_theirs(db_path, shared_doc):
    x = Editor(open_db(db_path), "x", shared_doc)
    y = Editor(open_db(db_path), "y", shared_doc)
    x_mention = x.add_span(*at("Jean Dupont"), "PER")
    y_mention = y.add_span(*at("Jean Dupont"), "PER")
    x.set_canonical(x_mention, "Jean Dupont (maire)")
    assert x.undo() == "set_canonical"  # nobody else used it: gone
    y.set_canonical(y_mention, "Jean Dupont (maire)")  # Y makes it again, under a new id
    assert x.redo() == "set_canonical"  # no clash on the name: X's mention ties to Y's
    db = open_db(db_path)
    assert layer_spans(db, x)[(*at("Jean Dupont"), "PER")]["canonical"] == "Jean Dupont (maire)"
    assert [r[0] for r in db.execute("SELECT name FROM canonical_sources")] == ["Jean Dupont (maire)"]
    assert x.undo() == "set_canonical"  # Y still uses it: it stays
    assert layer_spans(open_db(db_path), y)[(*at("Jean Dupont"), "PER")]["canonical"] == "Jean Dupont (maire)"
    assert layer_spans(open_db(db_path), x)[(*at("Jean Dupont"), "PER")]["canonical"] is None
