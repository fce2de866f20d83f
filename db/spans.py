"""Spans and relations of a layer: bulk writes (imports, suggestions) and reads.

Interactive edits, which go through the event log one by one, live in
``db/edits.py``. What is read comes as ``SpanRow`` and ``RelationRow``; what is
written in bulk as ``NewSpan`` and ``NewRelation`` (a relation names its spans by
their index in the list being written).
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NotRequired, TypedDict

import sqlite_utils

from glose.db import events
from glose.db.transaction import write
from glose.vocabulary import IMPORT, PENDING, source_kind


class SpanRow(TypedDict):
    """A span as stored, ``attrs`` decoded and the canonical source's name joined."""

    id: int
    doc_id: int
    layer_id: int
    start: int
    end: int
    label: str
    state: str
    origin: str
    attrs: dict[str, Any]
    confidence: float | None
    canonical_id: int | None
    seed_id: int | None
    canonical: str | None


class RelationRow(TypedDict):
    """A relation as stored: from a claim (``head_id``) to its cue or a source mention."""

    id: int
    doc_id: int
    layer_id: int
    head_id: int
    child_id: int
    label: str
    state: str
    origin: str
    attrs: dict[str, Any]
    seed_id: int | None


class _NewRow(TypedDict):
    state: NotRequired[str]
    origin: NotRequired[str]
    attrs: NotRequired[dict[str, Any]]
    seed_id: NotRequired[int | None]


class NewSpan(_NewRow):
    """A span to write; what is left out takes its default (pending, import, no attrs)."""

    start: int
    end: int
    label: str
    confidence: NotRequired[float | None]
    canonical: NotRequired[str | None]


class NewRelation(_NewRow):
    """A relation to write, its spans named by their index in the spans written with it."""

    head: int
    """Index of the claim."""
    child: int
    label: str


def canonical_id(db: sqlite_utils.Database, name: str, kind: str | None = None) -> int:
    """The canonical source called ``name``, created on first use (``kind``: person,
    organisation, other). The row may be an alias: readers follow ``merged_into``."""
    db.execute("INSERT OR IGNORE INTO canonical_sources (name, kind) VALUES (?, ?)", [name, kind])
    return db.execute("SELECT id FROM canonical_sources WHERE name = ?", [name]).fetchone()[0]


@dataclass(frozen=True)
class Batch:
    """Spans and relations serialised for one bulk insert. Built outside any
    transaction (JSON encoding takes time), so the write lock is held only to insert."""

    spans: list[tuple[Any, ...]]
    """(start, end, label, state, origin, attrs JSON, confidence, canonical name, seed_id)"""
    relations: list[tuple[Any, ...]]
    """(head index, child index, label, state, origin, attrs JSON, seed_id); indices into ``spans``"""

    def __len__(self) -> int:
        return len(self.spans)


def batch(spans: Sequence[NewSpan], relations: Sequence[NewRelation] = ()) -> Batch:
    return Batch(
        [(s["start"], s["end"], s["label"], s.get("state", PENDING), s.get("origin", IMPORT),
          json.dumps(s.get("attrs") or {}, ensure_ascii=False), s.get("confidence"), s.get("canonical"),
          s.get("seed_id")) for s in spans],
        [(r["head"], r["child"], r["label"], r.get("state", PENDING), r.get("origin", IMPORT),
          json.dumps(r.get("attrs") or {}, ensure_ascii=False), r.get("seed_id")) for r in relations],
    )


def add_annotations(db: sqlite_utils.Database, doc_id: int, layer_id: int, spans: Sequence[NewSpan] | Batch,
                    relations: Sequence[NewRelation] = ()) -> list[int]:
    """Insert spans and the relations between them; return the new span ids in order.

    Call inside a write transaction: the ids are handed out here, in one block
    after any id ever used, so thousands of spans go in with one statement.
    """
    rows = spans if isinstance(spans, Batch) else batch(spans, relations)
    canonical: dict[str, int] = {}
    for row in rows.spans:
        name = row[7]
        if name and name not in canonical:
            canonical[name] = canonical_id(db, name, source_kind(row[2]))
    first = next_id(db, "spans")
    ids = list(range(first, first + len(rows.spans)))
    db.conn.executemany(
        "INSERT INTO spans (id, doc_id, layer_id, start, end, label, state, origin, attrs,"
        " confidence, canonical_id, seed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(span_id, doc_id, layer_id, *row[:7], canonical[row[7]] if row[7] else None, row[8])
         for span_id, row in zip(ids, rows.spans, strict=True)],
    )
    _insert_relations(db, doc_id, layer_id, ids, rows.relations)
    return ids


def add_in_steps(db: sqlite_utils.Database, doc_id: int, layer_id: int, rows: Batch, *, step: int) -> list[int]:
    """Like ``add_annotations``, in transactions of at most ``step`` rows, so that
    nobody waits long for the write lock. The document must stay hidden (not
    ``complete``) until the caller has written everything."""
    ids: list[int] = []
    for start in range(0, len(rows.spans), step):
        with write(db):
            ids += add_annotations(db, doc_id, layer_id, Batch(rows.spans[start:start + step], []))
    for start in range(0, len(rows.relations), step):
        with write(db):
            _insert_relations(db, doc_id, layer_id, ids, rows.relations[start:start + step])
    return ids


def _insert_relations(db: sqlite_utils.Database, doc_id: int, layer_id: int, ids: list[int],
                      relations: list[tuple[Any, ...]]) -> None:
    db.conn.executemany(
        "INSERT OR IGNORE INTO relations (doc_id, layer_id, head_id, child_id, label, state,"
        " origin, attrs, seed_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(doc_id, layer_id, ids[head], ids[child], *rest) for head, child, *rest in relations],
    )


def next_id(db: sqlite_utils.Database, table: str) -> int:
    """The first id never used in an AUTOINCREMENT table (inside a write transaction)."""
    assert db.conn.in_transaction, "ids are handed out under the write lock"
    return db.execute(
        f"SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0),"
        f" coalesce((SELECT max(id) FROM {table}), 0)) + 1", [table]).fetchone()[0]


def replace_layer(db: sqlite_utils.Database, doc_id: int, layer_id: int, rows: Batch, *, action: str) -> None:
    """Replace a document's content in a machine layer, logging a summary event.

    For machine layers only (``glose suggest``): annotators' layers change
    through ``db.edits.Editor``, row by row.
    """
    old = db.execute("SELECT count(*) FROM spans WHERE doc_id = ? AND layer_id = ?",
                     [doc_id, layer_id]).fetchone()[0]
    db.execute("DELETE FROM spans WHERE doc_id = ? AND layer_id = ?", [doc_id, layer_id])
    add_annotations(db, doc_id, layer_id, rows)
    events.log(db, grp=events.new_group(db), kind="do", action=action, doc_id=doc_id,
               layer_id=layer_id, target="spans", before={"spans": old},
               after={"spans": len(rows.spans), "relations": len(rows.relations)})


def half_overlap(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two spans (start, end) share at least half of the longer one: how
    agreement and adjudication tell that two annotators marked the same thing."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and shared >= 0.5 * max(a[1] - a[0], b[1] - b[0])


def canonical_names(db: sqlite_utils.Database) -> list[str]:
    """Every canonical source's name, in alphabetical order."""
    return [row[0] for row in db.execute("SELECT name FROM canonical_sources ORDER BY name")]


# A mention tied to an alias (a source merged into another) is named by the live source.
_SPAN_ROWS = ("SELECT spans.*, live.name AS canonical FROM spans"
              " LEFT JOIN canonical_sources tied ON tied.id = spans.canonical_id"
              " LEFT JOIN canonical_sources live ON live.id = coalesce(tied.merged_into, tied.id)")


def spans_of(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> list[SpanRow]:
    """The layer's spans on a document, by position."""
    rows = db.query(f"{_SPAN_ROWS} WHERE doc_id = ? AND layer_id = ? ORDER BY start, end DESC, id",
                    [doc_id, layer_id])
    return [_decoded(row) for row in rows]


def has_annotations(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> bool:
    """Whether the layer holds anything on the document."""
    return db.execute("SELECT 1 FROM spans WHERE doc_id = ? AND layer_id = ? LIMIT 1",
                      [doc_id, layer_id]).fetchone() is not None


def relations_of(db: sqlite_utils.Database, doc_id: int, layer_id: int) -> list[RelationRow]:
    rows = db.query(
        "SELECT * FROM relations WHERE doc_id = ? AND layer_id = ? ORDER BY id", [doc_id, layer_id]
    )
    return [_decoded(row) for row in rows]


def spans_by_id(db: sqlite_utils.Database, layer_id: int, ids: Iterable[int]) -> dict[int, SpanRow]:
    """These spans of a layer, as ``spans_of`` gives them (an id absent: deleted)."""
    return _by_id(db, f"{_SPAN_ROWS} WHERE spans.layer_id = ? AND spans.id IN ({{}})", layer_id, ids)


def relations_by_id(db: sqlite_utils.Database, layer_id: int, ids: Iterable[int]) -> dict[int, RelationRow]:
    return _by_id(db, "SELECT * FROM relations WHERE layer_id = ? AND id IN ({})", layer_id, ids)


def _by_id(db: sqlite_utils.Database, sql: str, layer_id: int, ids: Iterable[int]) -> dict[int, Any]:
    wanted = list(ids)
    if not wanted:
        return {}
    rows = db.query(sql.format(", ".join("?" * len(wanted))), [layer_id, *wanted])
    return {row["id"]: _decoded(row) for row in rows}


def _decoded(row: dict[str, Any]) -> Any:
    """A row as read, its ``attrs`` JSON decoded: a SpanRow or a RelationRow."""
    row["attrs"] = json.loads(row["attrs"])
    return row
