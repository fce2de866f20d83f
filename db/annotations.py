"""Spans and relations of a layer: bulk writes (imports, suggestions) and reads.

Interactive edits, which go through the event log one by one, live in
``db/edits.py``. Spans here are plain dicts::

    {"start", "end", "label", "state", "origin", "attrs": {...}, "confidence",
     "canonical": "Name" | None}

and relations refer to spans by their index in the list being written::

    {"head": 0, "child": 3, "label": "SAID_BY", "state", "origin", "attrs": {...}}
"""
from __future__ import annotations

import json

import sqlite_utils

from db import events

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
FRAME_LABELS = ("CLAIM", "CUE", "SOURCE")


def canonical_id(db: sqlite_utils.Database, name: str, kind: str | None = None) -> int:
    """The canonical source called ``name``, created on first use."""
    db.execute("INSERT OR IGNORE INTO canonical_sources (name, kind) VALUES (?, ?)", [name, kind])
    return db.execute("SELECT id FROM canonical_sources WHERE name = ?", [name]).fetchone()[0]


def add_annotations(
    db: sqlite_utils.Database, doc_id: int, layer_id: int, spans: list[dict], relations: list[dict] = ()
) -> list[int]:
    """Insert spans and the relations between them; return the new span ids in order."""
    ids = []
    for span in spans:
        canonical = span.get("canonical")
        cursor = db.execute(
            "INSERT INTO spans (doc_id, layer_id, start, end, label, state, origin, attrs,"
            " confidence, canonical_id, seed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                doc_id, layer_id, span["start"], span["end"], span["label"],
                span.get("state", "pending"), span.get("origin", "import"),
                json.dumps(span.get("attrs") or {}, ensure_ascii=False), span.get("confidence"),
                canonical_id(db, canonical, span["label"]) if canonical else None,
                span.get("seed_id"),
            ],
        )
        ids.append(cursor.lastrowid)
    db.conn.executemany(
        "INSERT OR IGNORE INTO relations (doc_id, layer_id, head_id, child_id, label, state,"
        " origin, attrs, seed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (doc_id, layer_id, ids[rel["head"]], ids[rel["child"]], rel["label"],
             rel.get("state", "pending"), rel.get("origin", "import"),
             json.dumps(rel.get("attrs") or {}, ensure_ascii=False), rel.get("seed_id"))
            for rel in relations
        ],
    )
    return ids


def replace_layer(db: sqlite_utils.Database, doc_id: int, layer_id: int, spans: list[dict],
                  relations: list[dict], *, action: str) -> None:
    """Replace a document's content in a machine layer, logging a summary event.

    For machine layers only (``glose suggest``): annotators' layers change
    through ``db.edits.Editor``, row by row.
    """
    old = db.execute("SELECT count(*) FROM spans WHERE doc_id = ? AND layer_id = ?",
                     [doc_id, layer_id]).fetchone()[0]
    db.execute("DELETE FROM spans WHERE doc_id = ? AND layer_id = ?", [doc_id, layer_id])
    add_annotations(db, doc_id, layer_id, spans, relations)
    events.log(db, grp=events.new_group(db), kind="do", action=action, doc_id=doc_id,
               layer_id=layer_id, target="spans", before={"spans": old},
               after={"spans": len(spans), "relations": len(relations)})


_SPAN_ROWS = ("SELECT spans.*, canonical_sources.name AS canonical FROM spans"
              " LEFT JOIN canonical_sources ON canonical_sources.id = spans.canonical_id")


def spans_of(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> list[dict]:
    """The layer's spans on a document, by position, with ``attrs`` decoded."""
    rows = db.query(f"{_SPAN_ROWS} WHERE doc_id = ? AND layer_id = ? ORDER BY start, end DESC, id",
                    [doc_id, layer_id])
    return [_decoded(row) for row in rows]


def has_annotations(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> bool:
    """Whether the layer holds anything on the document."""
    return db.execute("SELECT 1 FROM spans WHERE doc_id = ? AND layer_id = ? LIMIT 1",
                      [doc_id, layer_id]).fetchone() is not None


def relations_of(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> list[dict]:
    rows = db.query(
        "SELECT * FROM relations WHERE doc_id = ? AND layer_id = ? ORDER BY id", [doc_id, layer_id]
    )
    return [_decoded(row) for row in rows]


def spans_by_id(db: sqlite_utils.Database, layer_id: int, ids) -> dict[int, dict]:
    """These spans of a layer, as ``spans_of`` gives them (an id absent: deleted)."""
    return _by_id(db, f"{_SPAN_ROWS} WHERE spans.layer_id = ? AND spans.id IN ({{}})", layer_id, ids)


def relations_by_id(db: sqlite_utils.Database, layer_id: int, ids) -> dict[int, dict]:
    return _by_id(db, "SELECT * FROM relations WHERE layer_id = ? AND id IN ({})", layer_id, ids)


def _by_id(db, sql: str, layer_id: int, ids) -> dict[int, dict]:
    ids = list(ids)
    if not ids:
        return {}
    rows = db.query(sql.format(", ".join("?" * len(ids))), [layer_id, *ids])
    return {row["id"]: _decoded(row) for row in rows}


def _decoded(row: dict) -> dict:
    row["attrs"] = json.loads(row["attrs"])
    return row
