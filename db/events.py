"""The append-only event log: who changed what, when, with the rows before and after."""
from __future__ import annotations

import json

import sqlite_utils


def new_group(db: sqlite_utils.Database) -> int:
    """A fresh group number for the events of one action (call inside its transaction)."""
    return db.execute("SELECT coalesce(max(grp), 0) + 1 FROM events").fetchone()[0]


def log(db: sqlite_utils.Database, *, grp: int, kind: str, action: str, annotator_id: int | None = None,
        doc_id: int | None = None, layer_id: int | None = None, target: str | None = None,
        target_id: int | None = None, before=None, after=None, ref_grp: int | None = None) -> None:
    """Append one event; ``before``/``after`` are JSON-able (a row as a dict, or a summary)."""
    db.execute(
        "INSERT INTO events (annotator_id, doc_id, layer_id, grp, kind, action, target, target_id,"
        " before, after, ref_grp) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [annotator_id, doc_id, layer_id, grp, kind, action, target, target_id,
         json.dumps(before, ensure_ascii=False) if before is not None else None,
         json.dumps(after, ensure_ascii=False) if after is not None else None, ref_grp])


def last_id(db: sqlite_utils.Database) -> int:
    """The newest event's id (0 for an empty log): a reader's bookmark."""
    return db.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]


def touched_since(db: sqlite_utils.Database, after_id: int, doc_id: int,
                  layer_id: int) -> tuple[int, dict[str, set[int]]]:
    """The spans, relations and claim links of a layer on a document that events after
    ``after_id`` changed (whoever made them: this window, another one, an undo), as
    ``(newest event id seen, {"spans": ids, "relations": ids, "claim_links": ids})``.
    Claim links include those of another document's claims that point at this one."""
    touched: dict[str, set[int]] = {"spans": set(), "relations": set(), "claim_links": set()}
    newest = after_id
    for event_id, table, row_id in db.execute(
            "SELECT id, target, target_id FROM events WHERE id > :after AND layer_id = :layer"
            " AND (doc_id = :doc OR (target = 'claim_links'"
            " AND json_extract(coalesce(after, before), '$.other_doc_id') = :doc))",
            {"after": after_id, "doc": doc_id, "layer": layer_id}):
        newest = max(newest, event_id)
        if table in touched:
            touched[table].add(row_id)
    return newest, touched
