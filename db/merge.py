"""``glose merge``: fold a copy of the database, edited apart, back into this one.

An annotator copies the team's file, works offline, and brings the copy back. What
is new there comes in; what both sides changed is kept twice, never overwritten:

- documents by their text hash (a missing one is copied, hidden until all its rows are in);
- annotators, layers and canonical sources by name (a source conflict, an external id
  or an alias that differs, is listed and left as it is here);
- each layer's content on each document (spans, relations, the layer's status, claim
  links) compared as plain values, names instead of ids: equal, nothing to do (so a
  second run changes nothing); absent here, copied; changed on one side only since the
  copy was made, that side's version wins; changed on both (or no log says which side
  moved), a conflict: this file's version stays and the other one goes to a layer of
  its own (``alice@laptop``), which the report names;
- the other file's events for what came in are appended with ``events.origin`` set
  (undo never replays them), and the merge logs every row it wrote or removed in groups
  with the action ``merge``.

Which side changed is read from the event logs: a copy shares the file's log up to
the moment it was made (same ids, times, groups, actions); events after that shared
prefix are changes made apart.

The other file is opened read-only. Everything is compared outside transactions and
written in short ones, one per document-layer, with the comparison made again inside,
so annotators keep working meanwhile and two merges at once write nothing twice.
"""
from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from glose.db import documents, events, layers
from glose.db.connection import open_db
from glose.db.transaction import write
from glose.errors import DatabaseRefused
from glose.vocabulary import IMPORT

MERGE = "merge"
"""The action of the events a merge writes itself."""

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Conflict:
    """A layer's document changed on both sides: this file's version stayed where it
    was; the other file's version is in ``kept_in``."""

    doc_id: int
    title: str
    layer: str
    kept_in: str


@dataclass
class Report:
    """What merging one other file did."""

    other: str
    documents_added: int = 0
    copied: int = 0
    """Layer-documents that had nothing here."""
    fast_forwarded: int = 0
    """Layer-documents changed only in the other file: its version replaced this one's."""
    equal: int = 0
    """Layer-documents already the same here (a conflict layer already holding the other's version too)."""
    newer_here: int = 0
    """Layer-documents changed only here since the copy: kept as they are."""
    conflicts: list[Conflict] = field(default_factory=list)
    sources_added: int = 0
    sources_moved: int = 0
    """Sources merged into another, or split out, as the other file did it (and this one had not touched them)."""
    sources_completed: int = 0
    """External ids this file did not have, taken from the other."""
    verdicts_added: int = 0
    source_conflicts: list[str] = field(default_factory=list)
    """Sentences, one per canonical source left as it is here."""
    events_copied: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.documents_added or self.copied or self.fast_forwarded or self.conflicts
                    or self.sources_added or self.sources_moved or self.sources_completed or self.verdicts_added)


def open_other(path: str | os.PathLike, here: sqlite_utils.Database) -> sqlite_utils.Database:
    """The other file, opened read-only; refused (DatabaseRefused) if it is no glose
    database of this schema version, or is this very file."""
    path = Path(path)
    if not path.is_file():
        raise DatabaseRefused(f"{path}: no such file")
    mine = here.execute("PRAGMA database_list").fetchone()[2]
    if mine and Path(mine).exists() and path.samefile(mine):
        raise DatabaseRefused(f"{path}: that is the database being merged into; nothing to merge")
    return open_db(path, create=False, access="read-only")


def merge(here: sqlite_utils.Database, other: sqlite_utils.Database, name: str, *,
          progress: Progress | None = None) -> Report:
    """Merge ``other`` (opened with :func:`open_other`; ``name`` says where it came from,
    its file name) into ``here``; return what was done."""
    return _Merge(here, other, name, progress).run()


# --- Reading a layer's content on a document, as comparable values ---------------

SpanKey = tuple[int, int, str, str, str, str | None]
"""(start, end, label, state, attrs as sorted JSON, canonical source's name)"""


@dataclass
class Content:
    """One layer's content on one document: rows as stored, and their values."""

    spans: list[dict[str, Any]]
    relations: list[dict[str, Any]]
    status: str | None
    links: list[dict[str, Any]]
    """Claim links, each with ``other_hash``: the text hash of the document it points to."""
    keys: dict[int, SpanKey]
    """Each span's comparable value, by id."""

    def empty(self) -> bool:
        return not (self.spans or self.status or self.links)

    def value(self) -> tuple[Counter, Counter, str | None, Counter]:
        """What is compared: ids left out, spans named by their values."""
        keys = self.keys
        return (Counter(keys.values()),
                Counter((keys[r["head_id"]], keys[r["child_id"]], r["label"], r["state"]) for r in self.relations),
                self.status,
                Counter((keys[k["claim_id"]], k["other_hash"], k["other_start"], k["other_end"]) for k in self.links))


def _rows(db: sqlite_utils.Database, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values, strict=True)) for values in cursor.fetchall()]


def read_content(db: sqlite_utils.Database, doc_id: int, layer_id: int, status_of: int | None,
                 names: dict[str, str] | None = None) -> Content:
    """The layer's content on the document. A span's canonical source is named by its
    live source: here's, through ``names`` (the other file's row name -> the name of
    the live source here) when reading the other file."""
    spans = _rows(db, "SELECT s.*, tied.name AS tied_name, coalesce(live.name, tied.name) AS live_name FROM spans s"
                      " LEFT JOIN canonical_sources tied ON tied.id = s.canonical_id"
                      " LEFT JOIN canonical_sources live ON live.id = tied.merged_into"
                      " WHERE s.doc_id = ? AND s.layer_id = ? ORDER BY s.id", [doc_id, layer_id])
    keys = {}
    for span in spans:
        canonical = span["live_name"] if names is None or span["tied_name"] is None else names[span["tied_name"]]
        attrs = json.dumps(json.loads(span["attrs"]), sort_keys=True, ensure_ascii=False)
        keys[span["id"]] = (span["start"], span["end"], span["label"], span["state"], attrs, canonical)
    relations = _rows(db, "SELECT * FROM relations WHERE doc_id = ? AND layer_id = ? ORDER BY id", [doc_id, layer_id])
    row = db.execute("SELECT status FROM doc_status WHERE doc_id = ? AND annotator_id = ?",
                     [doc_id, status_of]).fetchone() if status_of is not None else None
    links = _rows(db, "SELECT k.*, d.text_hash AS other_hash FROM claim_links k JOIN documents d ON d.id = k.other_doc_id"
                      " WHERE k.doc_id = ? AND k.layer_id = ? ORDER BY k.id", [doc_id, layer_id])
    return Content(spans, relations, row[0] if row else None, links, keys)


def status_owner(db: sqlite_utils.Database, layer_id: int) -> int | None:
    """Whose status is the layer's: its annotator's, else that of the annotator named
    like the layer (gold's, as the adjudication screen writes it)."""
    row = db.execute("SELECT coalesce(l.annotator_id, a.id) FROM layers l LEFT JOIN annotators a ON a.name = l.name"
                     " WHERE l.id = ?", [layer_id]).fetchone()
    return row[0] if row else None


def _row(db: sqlite_utils.Database, table: str, row_id: int) -> dict[str, Any]:
    (row,) = _rows(db, f"SELECT * FROM {table} WHERE rowid = ?", [row_id])
    return row


def shared_prefix(here: sqlite_utils.Database, other: sqlite_utils.Database) -> int:
    """The id of the last event both logs hold alike: where the copy was made (0: none).

    Copies share their log up to that event and differ after it, so a binary search
    finds it; the log is append-only and its ids have no gaps."""
    def same(event_id: int) -> bool:
        sql = "SELECT id, ts, grp, kind, action, target, target_id FROM events WHERE id = ?"
        mine = here.execute(sql, [event_id]).fetchone()
        return mine is not None and mine == other.execute(sql, [event_id]).fetchone()

    low, high = 0, min(events.last_id(here), events.last_id(other))
    while low < high:
        middle = (low + high + 1) // 2
        if same(middle):
            low = middle
        else:
            high = middle - 1
    return low


# --- The merge --------------------------------------------------------------------

_LOCAL = "origin IS NULL AND action != 'merge'"
"""Events that are work done in the file, not brought or written by a merge."""


class _Merge:
    def __init__(self, here: sqlite_utils.Database, other: sqlite_utils.Database, name: str,
                 progress: Progress | None):
        self.here, self.other, self.name = here, other, name
        self.stem = Path(name).stem or "other"
        self.progress = progress or (lambda message: None)
        self.report = Report(name)
        self.names: dict[str, str] = {}  # other's canonical source name -> live name here
        self._grp: int | None = None

    def run(self) -> Report:
        self.prefix = shared_prefix(self.here, self.other)
        self.bookmark = events.last_id(self.here)
        # Layer-documents with work done after the copy, on either side (from the log).
        self.moved_here = set(self.here.execute(
            f"SELECT DISTINCT doc_id, layer_id FROM events WHERE id > ? AND {_LOCAL}", [self.prefix]).fetchall())
        self.moved_there = set(self.other.execute(
            "SELECT DISTINCT doc_id, layer_id FROM events WHERE id > ?", [self.prefix]).fetchall())
        # Events an earlier merge brought already, by where they came from.
        self.seen = set(self.here.execute("SELECT origin, ts FROM events WHERE origin IS NOT NULL").fetchall())
        self._sources()
        self._verdicts()
        other_docs = self.other.execute("SELECT id, text_hash, title FROM documents WHERE complete ORDER BY id").fetchall()
        added = self._documents(other_docs)
        self.layer_names = dict(self.other.execute("SELECT id, name FROM layers").fetchall())
        for done, (doc_id, text_hash, title) in enumerate(other_docs, 1):
            here_doc = self.here.execute("SELECT id FROM documents WHERE text_hash = ?", [text_hash]).fetchone()[0]
            for layer_id in self._layers_on(doc_id):
                self._layer_document(doc_id, here_doc, title, layer_id)
            if here_doc in added:
                with write(self.here):
                    documents.mark_complete(self.here, [here_doc])
            if done % 200 == 0:
                self.progress(f"{done:,} of {len(other_docs):,} documents compared")
        return self.report

    # Sources ----------------------------------------------------------------------

    def _sources(self) -> None:
        """Canonical sources by name: new names are created (an alias under the source
        it is an alias of there). Where a name's place differs (an alias here, a source
        of its own there, or an alias of another), the side that changed it since the
        copy wins; if both did, or the log cannot say, it is left as here and listed."""
        theirs = _rows(self.other, "SELECT c.id, c.name, c.kind, c.external_id, live.name AS live"
                                   " FROM canonical_sources c LEFT JOIN canonical_sources live"
                                   " ON live.id = c.merged_into ORDER BY c.id", [])
        sql = "SELECT target_id FROM events WHERE id > ? AND target = 'canonical_sources'"
        changed_there = {row[0] for row in self.other.execute(sql, [self.prefix])}
        changed_here = {row[0] for row in self.here.execute(f"{sql} AND {_LOCAL}", [self.prefix])}
        with write(self.here) as db:
            self._grp = None
            mine = {row["name"]: row for row in _rows(db, "SELECT * FROM canonical_sources", [])}
            # Live sources first, so that aliases find what they are merged into.
            for source in sorted(theirs, key=lambda s: s["live"] is not None):
                known = mine.get(source["name"])
                if known is None:
                    live = mine.get(source["live"]) if source["live"] else None
                    row_id = self._insert(self._group(), "canonical_sources", {
                        "name": source["name"], "kind": source["kind"], "external_id": source["external_id"],
                        "merged_into": (live["merged_into"] or live["id"]) if live else None})
                    mine[source["name"]] = _row(db, "canonical_sources", row_id)
                    self.report.sources_added += 1
                elif source["external_id"] and known["external_id"] != source["external_id"]:
                    if known["external_id"]:
                        self.report.source_conflicts.append(
                            f"source {source['name']}: external id {known['external_id']} here,"
                            f" {source['external_id']} in {self.name}; left as here")
                    else:
                        self._update(self._group(), "canonical_sources", known["id"],
                                     {"external_id": source["external_id"]})
                        mine[source["name"]] = _row(db, "canonical_sources", known["id"])
                        self.report.sources_completed += 1
            by_id = {row["id"]: row for row in mine.values()}
            for source in theirs:
                row = mine[source["name"]]
                here = by_id[row["merged_into"]] if row["merged_into"] else row
                there = mine[source["live"]] if source["live"] else row
                there = by_id[there["merged_into"]] if there["merged_into"] else there
                if there["id"] == here["id"]:
                    continue
                if source["id"] in changed_there and row["id"] not in changed_here:
                    self._move_source(row, there)
                    mine = {row["name"]: row for row in _rows(db, "SELECT * FROM canonical_sources", [])}
                    by_id = {row["id"]: row for row in mine.values()}
                elif not (row["id"] in changed_here and source["id"] not in changed_there):
                    self.report.source_conflicts.append(
                        f"source {source['name']}: "
                        + (f"an alias of {source['live']}" if source["live"] else "a source of its own")
                        + f" in {self.name}, " + (f"an alias of {here['name']}" if row["merged_into"]
                                                  else "a source of its own") + " here; left as here")
            self.names = {name: by_id[row["merged_into"]]["name"] if row["merged_into"] else name
                          for name, row in mine.items()}

    def _move_source(self, row: dict[str, Any], live: dict[str, Any]) -> None:
        """Make ``row`` an alias of ``live`` (its own aliases with it), or a source of its
        own again when ``live`` is itself; as the other file did."""
        if live["id"] == row["id"]:
            self._update(self._group(), "canonical_sources", row["id"], {"merged_into": None})
            self.report.sources_moved += 1
            return
        if row["external_id"] and live["external_id"] and row["external_id"] != live["external_id"]:
            self.report.source_conflicts.append(
                f"source {row['name']}: an alias of {live['name']} in {self.name}, but their external ids differ"
                f" here ({row['external_id']}, {live['external_id']}); left as here")
            return
        for (alias,) in self.here.execute("SELECT id FROM canonical_sources WHERE merged_into = ?",
                                          [row["id"]]).fetchall():
            self._update(self._group(), "canonical_sources", alias, {"merged_into": live["id"]})
        self._update(self._group(), "canonical_sources", row["id"], {"merged_into": live["id"]})
        self.report.sources_moved += 1

    def _group(self) -> int:
        """The merge group of the source changes (made on first use, inside their transaction)."""
        if self._grp is None:
            self._grp = events.new_group(self.here)
        return self._grp

    def _verdicts(self) -> None:
        """"Not the same" verdicts: the union, by names."""
        pairs = self.other.execute("SELECT a.name, b.name FROM distinct_sources d JOIN canonical_sources a"
                                   " ON a.id = d.a_id JOIN canonical_sources b ON b.id = d.b_id").fetchall()
        if not pairs:
            return
        with write(self.here) as db:
            self._grp = None
            live = dict(db.execute("SELECT c.name, coalesce(c.merged_into, c.id) FROM canonical_sources c").fetchall())
            for a_name, b_name in pairs:
                a, b = sorted((live[self.names[a_name]], live[self.names[b_name]]))
                if a != b and not db.execute("SELECT 1 FROM distinct_sources WHERE a_id = ? AND b_id = ?",
                                             [a, b]).fetchone():
                    self._insert(self._group(), "distinct_sources", {"a_id": a, "b_id": b})
                    self.report.verdicts_added += 1

    # Documents --------------------------------------------------------------------

    def _documents(self, other_docs: list[tuple[int, str, str]]) -> set[int]:
        """Store the documents missing here, hidden (not complete) until their layers are
        in; return their ids here (with those an interrupted merge left unfinished)."""
        added: set[int] = set()
        known = {text_hash: complete for text_hash, complete in self.here.execute(
            "SELECT text_hash, complete FROM documents").fetchall()}
        missing = [(doc_id, text_hash) for doc_id, text_hash, _ in other_docs if known.get(text_hash) != 1]
        for count, (doc_id, text_hash) in enumerate(missing, 1):
            doc = documents.get_document(self.other, doc_id)
            assert doc is not None
            tokens = self.other.execute("SELECT tokenizer, starts, ends, sent_starts FROM doc_tokens WHERE doc_id = ?",
                                        [doc_id]).fetchone()
            with write(self.here) as db:
                row = db.execute("SELECT id, complete FROM documents WHERE text_hash = ?", [text_hash]).fetchone()
                if row is not None and row[1]:
                    continue  # another process stored it meanwhile
                if row is None:
                    new_id = documents.insert_document(
                        db, text=doc["text"], text_hash=text_hash, title=doc["title"], meta=doc["meta"],
                        origin=doc["origin"], n_words=doc["n_words"], complete=False)
                    if tokens is not None:
                        documents.store_tokens(db, new_id, tokens)
                    added.add(new_id)
                else:
                    added.add(row[0])
            if count % 200 == 0:
                self.progress(f"{count:,} of {len(missing):,} new documents stored")
        self.report.documents_added = len(added)
        return added

    def _layers_on(self, doc_id: int) -> list[int]:
        """The other file's layers holding something on the document."""
        return [row[0] for row in self.other.execute(
            "SELECT layer_id FROM spans WHERE doc_id = :doc UNION SELECT layer_id FROM claim_links WHERE doc_id = :doc"
            " UNION SELECT l.id FROM layers l JOIN doc_status s ON s.doc_id = :doc AND s.annotator_id ="
            " coalesce(l.annotator_id, (SELECT id FROM annotators a WHERE a.name = l.name)) ORDER BY 1",
            {"doc": doc_id}).fetchall()]

    # One layer on one document --------------------------------------------------------

    def _layer_document(self, doc_id: int, here_doc: int, title: str, layer_id: int) -> None:
        theirs = read_content(self.other, doc_id, layer_id, status_owner(self.other, layer_id), self.names)
        if theirs.empty():
            return
        name = self.layer_names[layer_id]
        target = layers.find_layer(self.here, name)
        if target is not None and self._value_here(here_doc, target) == theirs.value():
            self.report.equal += 1  # the common case of a second run: no write lock taken
            return
        with write(self.here) as db:
            target = self._layer_here(layer_id)
            mine = read_content(db, here_doc, target, status_owner(db, target))
            if mine.value() == theirs.value():
                self.report.equal += 1
                return
            changed_here = (here_doc, target) in self.moved_here or db.execute(
                f"SELECT 1 FROM events WHERE id > ? AND doc_id = ? AND layer_id = ? AND {_LOCAL} LIMIT 1",
                [self.bookmark, here_doc, target]).fetchone() is not None
            changed_there = (doc_id, layer_id) in self.moved_there
            if mine.empty():
                self.report.copied += 1
            elif changed_there and not changed_here:
                self.report.fast_forwarded += 1
            elif changed_here and not changed_there:
                self.report.newer_here += 1
                return
            else:  # both changed, or no log says who did: keep both
                conflict = self._conflict_layer(name)
                self.report.conflicts.append(Conflict(here_doc, title, name, conflict))
                target = layers.layer_id(db, conflict, kind=IMPORT)
                mine = read_content(db, here_doc, target, status_owner(db, target))
                if mine.value() == theirs.value():  # a merge before put it there already
                    self.report.conflicts.pop()
                    self.report.equal += 1
                    return
            self._replace(here_doc, target, mine, theirs)
            self._copy_events(doc_id, layer_id, here_doc, target)

    def _value_here(self, here_doc: int, layer_id: int) -> tuple:
        return read_content(self.here, here_doc, layer_id, status_owner(self.here, layer_id)).value()

    def _layer_here(self, layer_id: int) -> int:
        """The layer of this name here, made like the other's if it is new."""
        name, kind, owner = self.other.execute(
            "SELECT l.name, l.kind, a.name FROM layers l LEFT JOIN annotators a ON a.id = l.annotator_id"
            " WHERE l.id = ?", [layer_id]).fetchone()
        return layers.layer_id(self.here, name, kind=kind, annotator=owner)

    def _conflict_layer(self, name: str) -> str:
        """Where the other file's version of a layer goes when both changed: the layer's
        name after the other file's (``alice@laptop``); never a layer a person writes."""
        candidate, number = f"{name}@{self.stem}", 1
        while self.here.execute("SELECT 1 FROM layers WHERE name = ? AND kind != ?", [candidate, IMPORT]).fetchone():
            number += 1
            candidate = f"{name}@{self.stem}~{number}"
        return candidate

    def _replace(self, doc_id: int, layer_id: int, mine: Content, theirs: Content) -> None:
        """Put the other's content in place of this layer's on the document, every row
        removed and written logged in one ``merge`` group (inside the transaction)."""
        db = self.here
        grp = events.new_group(db)
        log = {"doc_id": doc_id, "layer_id": layer_id}
        for table, rows in (("claim_links", mine.links), ("relations", mine.relations), ("spans", mine.spans)):
            for row in rows:
                self._delete(grp, table, row["id"], **log)
        canonical = dict(db.execute("SELECT name, id FROM canonical_sources").fetchall())
        span_ids: dict[int, int] = {}
        for span in theirs.spans:  # AUTOINCREMENT: fresh ids, never one used before
            span_ids[span["id"]] = self._insert(grp, "spans", {
                "doc_id": doc_id, "layer_id": layer_id, "start": span["start"],
                "end": span["end"], "label": span["label"], "state": span["state"], "origin": span["origin"],
                "attrs": span["attrs"], "confidence": span["confidence"],
                "canonical_id": canonical[span["tied_name"]] if span["tied_name"] else None}, **log)
        for relation in theirs.relations:
            self._insert(grp, "relations", {
                "doc_id": doc_id, "layer_id": layer_id, "head_id": span_ids[relation["head_id"]],
                "child_id": span_ids[relation["child_id"]], "label": relation["label"], "state": relation["state"],
                "origin": relation["origin"], "attrs": relation["attrs"]}, **log)
        for link in theirs.links:
            other_doc = db.execute("SELECT id FROM documents WHERE text_hash = ?", [link["other_hash"]]).fetchone()
            if other_doc is None:  # a document still being imported there, not copied
                continue
            self._insert(grp, "claim_links", {
                "doc_id": doc_id, "layer_id": layer_id, "claim_id": span_ids[link["claim_id"]],
                "other_doc_id": other_doc[0], "other_start": link["other_start"], "other_end": link["other_end"],
                "created_at": link["created_at"]}, **log)
        if mine.status != theirs.status:
            owner = status_owner(db, layer_id)
            if owner is None:  # a layer of no annotator (a conflict layer): its status is its own name's
                owner = layers.annotator_id(db, db.execute("SELECT name FROM layers WHERE id = ?", [layer_id]).fetchone()[0])
            row = db.execute("SELECT id FROM doc_status WHERE doc_id = ? AND annotator_id = ?", [doc_id, owner]).fetchone()
            if theirs.status is None:
                self._delete(grp, "doc_status", row[0], **log)
            elif row is None:
                self._insert(grp, "doc_status", {"doc_id": doc_id, "annotator_id": owner, "status": theirs.status},
                             **log)
            else:
                self._update(grp, "doc_status", row[0], {"status": theirs.status}, **log)

    def _copy_events(self, doc_id: int, layer_id: int, here_doc: int, here_layer: int) -> None:
        """Append the other file's events on this layer-document since the copy, with
        where they came from (``name#id``, or the origin they already had). Ids of rows
        there mean nothing here: ``target_id`` is left empty (the rows before and after
        keep them). Events brought by an earlier merge are not brought twice."""
        db = self.here
        theirs = _rows(self.other, "SELECT e.*, a.name AS annotator FROM events e"
                                   " LEFT JOIN annotators a ON a.id = e.annotator_id"
                                   " WHERE e.id > ? AND e.doc_id = ? AND e.layer_id = ? ORDER BY e.id",
                       [self.prefix, doc_id, layer_id])
        groups: dict[int, int] = {}
        for event in theirs:
            origin = event["origin"] or f"{self.name}#{event['id']}"
            if (origin, event["ts"]) in self.seen:
                continue
            self.seen.add((origin, event["ts"]))
            if event["grp"] not in groups:
                groups[event["grp"]] = events.new_group(db) if not groups else max(groups.values()) + 1
            db.execute(
                "INSERT INTO events (ts, annotator_id, doc_id, layer_id, grp, kind, action, target, target_id,"
                " before, after, ref_grp, origin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?)",
                [event["ts"], layers.annotator_id(db, event["annotator"]) if event["annotator"] else None,
                 here_doc, here_layer, groups[event["grp"]], event["kind"], event["action"], event["target"],
                 event["before"], event["after"], groups.get(event["ref_grp"]), origin])
            self.report.events_copied += 1

    # Rows, each logged as edits.py logs them -------------------------------------------

    def _insert(self, grp: int, table: str, row: dict[str, Any], **where: int | None) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        cursor = self.here.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values()))
        row_id = cursor.lastrowid
        assert row_id is not None
        self._log(grp, table, row_id, None, _row(self.here, table, row_id), **where)
        return row_id

    def _update(self, grp: int, table: str, row_id: int, changes: dict[str, Any], **where: int | None) -> None:
        before = _row(self.here, table, row_id)
        sets = ", ".join(f"{col} = ?" for col in changes)
        self.here.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", [*changes.values(), row_id])
        self._log(grp, table, row_id, before, _row(self.here, table, row_id), **where)

    def _delete(self, grp: int, table: str, row_id: int, **where: int | None) -> None:
        before = _row(self.here, table, row_id)
        self.here.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
        self._log(grp, table, row_id, before, None, **where)

    def _log(self, grp: int, table: str, row_id: int, before, after, *, doc_id: int | None = None,
             layer_id: int | None = None) -> None:
        events.log(self.here, grp=grp, kind="do", action=MERGE, doc_id=doc_id, layer_id=layer_id, target=table,
                   target_id=row_id, before=before, after=after)

