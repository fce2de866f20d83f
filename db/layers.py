"""Annotators and annotation layers.

Layers: ``suggestions`` (machine), one per annotator (named after them),
``gold`` (adjudication), and layers filled by imports (``--layer``).
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlite_utils

from glose.db import events
from glose.db.transaction import inserted, write
from glose.errors import UnknownLayer
from glose.vocabulary import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    DONE,
    ENTITY_LABELS,
    GOLD,
    IMPORT,
    PENDING,
    REJECTED,
    SUGGESTIONS,
)


def annotator_id(db: sqlite_utils.Database, name: str) -> int:
    """The annotator's id, created on first use."""
    db.execute("INSERT OR IGNORE INTO annotators (name) VALUES (?)", [name])
    return db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()[0]


def layer_id(db: sqlite_utils.Database, name: str, *, kind: str | None = None,
             annotator: str | None = None) -> int:
    """The layer's id, created on first use (kind guessed from the name if not given)."""
    row = db.execute("SELECT id FROM layers WHERE name = ?", [name]).fetchone()
    if row:
        return row[0]
    owner = annotator_id(db, annotator) if annotator else None
    if kind is None:
        kind = name if name in (SUGGESTIONS, GOLD) else ANNOTATOR if owner else IMPORT
    return inserted(db.execute("INSERT INTO layers (name, kind, annotator_id) VALUES (?, ?, ?)", [name, kind, owner]))


def find_layer(db: sqlite_utils.Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM layers WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def layer_names(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM layers ORDER BY id")]


def owner(db: sqlite_utils.Database, layer_id: int) -> str | None:
    """The name of the annotator whose layer this is (None for machine and import layers)."""
    row = db.execute("SELECT annotators.name FROM layers JOIN annotators ON annotators.id = layers.annotator_id"
                     " WHERE layers.id = ?", [layer_id]).fetchone()
    return row[0] if row else None


@dataclass(frozen=True)
class LayerCounts:
    """What a layer holds, for ``glose stats``."""

    name: str
    kind: str
    documents: int
    spans: int
    claims: int
    entities: int
    relations: int
    pending: int
    accepted: int
    rejected: int


def counts(db: sqlite_utils.Database) -> list[LayerCounts]:
    """Every layer with its counts, in order of creation (complete documents only)."""
    params = {"claim_label": CLAIM, "pending_state": PENDING, "accepted_state": ACCEPTED, "rejected_state": REJECTED,
              **{f"entity{i}": label for i, label in enumerate(ENTITY_LABELS)}}
    entities = ", ".join(f":entity{i}" for i in range(len(ENTITY_LABELS)))
    rows = db.execute(
        f"""
        SELECT l.name, l.kind, count(DISTINCT s.doc_id), count(s.id),
               count(s.id) FILTER (WHERE s.label = :claim_label),
               count(s.id) FILTER (WHERE s.label IN ({entities})),
               (SELECT count(*) FROM relations r WHERE r.layer_id = l.id
                  AND r.doc_id IN (SELECT id FROM documents WHERE complete)),
               count(s.id) FILTER (WHERE s.state = :pending_state),
               count(s.id) FILTER (WHERE s.state = :accepted_state),
               count(s.id) FILTER (WHERE s.state = :rejected_state)
        FROM layers l
        LEFT JOIN spans s ON s.layer_id = l.id AND s.doc_id IN (SELECT id FROM documents WHERE complete)
        GROUP BY l.id ORDER BY l.id
        """, params).fetchall()
    return [LayerCounts(*row) for row in rows]


def done_counts(db: sqlite_utils.Database) -> list[tuple[str, int]]:
    """(annotator, documents they marked done), by name."""
    return db.execute(
        "SELECT annotators.name, count(*) FROM doc_status JOIN annotators ON annotators.id = annotator_id"
        " WHERE status = ? GROUP BY annotators.name ORDER BY annotators.name", [DONE]).fetchall()


def done_documents(db: sqlite_utils.Database, layer_name: str) -> set[int] | None:
    """The documents the layer's annotator marked done; for a layer edited under its
    own name (gold: adjudicated), those marked done under that name. None: nobody
    ever set a status for the layer (an import, say), whose documents count as done."""
    row = db.execute("SELECT coalesce(l.annotator_id, a.id) FROM layers l LEFT JOIN annotators a ON a.name = l.name"
                     " WHERE l.name = ?", [layer_name]).fetchone()
    if row is None or row[0] is None:
        return None
    return {doc for (doc,) in db.execute("SELECT doc_id FROM doc_status WHERE annotator_id = ? AND status = ?",
                                         [row[0], DONE])}


def compared_layers(db: sqlite_utils.Database) -> list[str]:
    """The layers people wrote (annotators' and imported ones), for comparing: every
    layer but the machine's suggestions and the adjudicated gold."""
    return [name for (name,) in db.execute(
        "SELECT name FROM layers WHERE kind NOT IN (?, ?) ORDER BY name", [SUGGESTIONS, GOLD])]


def annotating(db: sqlite_utils.Database, doc_id: int) -> list[str]:
    """The layers people wrote that hold annotations of the document (by name)."""
    return [name for (name,) in db.execute(
        "SELECT l.name FROM layers l WHERE l.kind NOT IN (?, ?) AND EXISTS"
        " (SELECT 1 FROM spans s WHERE s.layer_id = l.id AND s.doc_id = ?) ORDER BY l.name",
        [SUGGESTIONS, GOLD, doc_id])]


def remove(db: sqlite_utils.Database, name: str) -> LayerCounts:
    """Delete a layer with its spans and relations, logging it; return what it held.

    One transaction; the event log keeps its history (append-only), so an undo of
    work done in the layer is refused afterwards ("no longer exists").
    """
    with write(db):
        layer = find_layer(db, name)
        if layer is None:
            raise UnknownLayer(f"no layer named {name!r} (layers: {', '.join(layer_names(db)) or 'none yet'})")
        held = next(row for row in counts(db) if row.name == name)
        db.execute("DELETE FROM layers WHERE id = ?", [layer])
        events.log(db, grp=events.new_group(db), kind="do", action="remove_layer", layer_id=layer, target="layers",
                   target_id=layer, before={"name": name, "spans": held.spans, "relations": held.relations},
                   after=None)
    return held
