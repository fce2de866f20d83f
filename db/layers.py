"""Annotators and annotation layers.

Layers: ``suggestions`` (machine), one per annotator (named after them),
``gold`` (adjudication), and layers filled by imports (``--layer``).
"""
from __future__ import annotations

import sqlite_utils

SUGGESTIONS = "suggestions"
GOLD = "gold"


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
        kind = {SUGGESTIONS: "suggestions", GOLD: "gold"}.get(name, "annotator" if owner else "import")
    cursor = db.execute(
        "INSERT INTO layers (name, kind, annotator_id) VALUES (?, ?, ?)", [name, kind, owner]
    )
    return cursor.lastrowid


def find_layer(db: sqlite_utils.Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM layers WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def layer_names(db: sqlite_utils.Database) -> list[str]:
    return [row[0] for row in db.execute("SELECT name FROM layers ORDER BY id")]
