"""Interactive annotation changes, each one transaction with its events.

Every change goes through :class:`Editor`: it writes the rows and, in the same
transaction, one event per changed row with the row before and after (JSON).
The rows of one user action share a group number (``grp``). Undo and redo
replay a group's ``before`` or ``after`` rows and are logged as groups of
their own, so the undo/redo stacks are derived from the log alone and survive
restarts.

Several processes may edit one database at once (each annotator in their own
layer, or one annotator in two windows), so every action checks the rows it
is given inside its transaction: a row that is gone or is not this annotator's
is refused with :class:`EditRefused`, and nothing changes. An undo or redo
replays a row only when it is still exactly what the event left.
"""
from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Iterator

import sqlite_utils

from glose.db import events, layers
from glose.db.transaction import inserted, write
from glose.errors import EditRefused
from glose.vocabulary import (
    ACCEPTED,
    ANNOTATOR,
    CLAIM,
    CUE,
    GOLD,
    IN_PROGRESS,
    MANUAL,
    PENDING,
    REJECTED,
    SAID_BY,
    SUGGESTIONS,
    source_kind,
)


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z"


# The tables the event log points at, and what their rows are called in messages.
_NOUNS = {"spans": "annotation", "relations": "link", "doc_status": "document status",
          "canonical_sources": "canonical source", "distinct_sources": "verdict on two sources",
          "claim_links": "claim link"}


def _same(row: dict | None, expected: dict | None) -> bool:
    """Whether a row read now holds what an event recorded (columns added since are ignored)."""
    if row is None or expected is None:
        return row is expected
    return all(row.get(col) == value for col, value in expected.items())


def _spoken(action: str) -> str:
    return f"'{action.replace('_', ' ')}'"


class Editor:
    """The changes one annotator makes to one document, in their own layer, or with
    ``layer=GOLD`` in the adjudicated layer. Undo and redo take back this annotator's
    actions in that layer only; the document's status is the layer's (gold's status
    is "adjudicated" or not, whoever adjudicates)."""

    def __init__(self, db: sqlite_utils.Database, annotator: str, doc_id: int, *, layer: str | None = None):
        self.db, self.doc_id = db, doc_id
        with write(db):
            self.annotator_id = layers.annotator_id(db, annotator)
            if layer is None:
                self.layer_id = layers.layer_id(db, annotator, kind=ANNOTATOR, annotator=annotator)
                self.status_id = self.annotator_id
            else:
                self.layer_id = layers.layer_id(db, layer, kind=GOLD if layer == GOLD else None)
                self.status_id = layers.annotator_id(db, layer)  # the status is the layer's own

    # --- Actions (each one transaction, returns its group number) -----------

    def seed(self) -> bool:
        """Copy the suggestions into this annotator's layer, once per document, and
        only if the layer has nothing of its own there (a layer filled by an import,
        ``--layer gold`` say, is opened as it is).

        Returns False if the document was already seeded (or had work) before.
        """
        with self.action() as grp:
            if self.status() is not None:
                return False
            source = layers.find_layer(self.db, SUGGESTIONS)
            own = self.db.execute("SELECT 1 FROM spans WHERE doc_id = ? AND layer_id = ? LIMIT 1",
                                  [self.doc_id, self.layer_id]).fetchone()
            if source is not None and source != self.layer_id and own is None:
                self.db.execute(
                    "INSERT INTO spans (doc_id, layer_id, start, end, label, state, origin, attrs,"
                    " confidence, canonical_id, seed_id) SELECT doc_id, ?, start, end, label,"
                    " ?, origin, attrs, confidence, canonical_id, id FROM spans"
                    " WHERE doc_id = ? AND layer_id = ?", [self.layer_id, PENDING, self.doc_id, source])
                self.db.execute(
                    "INSERT INTO relations (doc_id, layer_id, head_id, child_id, label, state, origin,"
                    " attrs, seed_id) SELECT r.doc_id, ?, h.id, c.id, r.label, ?, r.origin,"
                    " r.attrs, r.id FROM relations r"
                    " JOIN spans h ON h.seed_id = r.head_id AND h.layer_id = ?"
                    " JOIN spans c ON c.seed_id = r.child_id AND c.layer_id = ?"
                    " WHERE r.doc_id = ? AND r.layer_id = ?",
                    [self.layer_id, PENDING, self.layer_id, self.layer_id, self.doc_id, source])
            self.db.execute(
                "INSERT INTO doc_status (doc_id, annotator_id, status) VALUES (?, ?, ?)",
                [self.doc_id, self.status_id, IN_PROGRESS])
            self._log(grp, "do", "seed", None, None, None, {"from_layer": SUGGESTIONS})
            return True

    @contextmanager
    def action(self) -> Iterator[int]:
        """One user action: one transaction, one event group (yields its number)."""
        with write(self.db):
            yield self._new_group()

    def add_span(self, start: int, end: int, label: str, *, attrs: dict | None = None,
                 state: str = ACCEPTED, link_to: int | None = None) -> int:
        """Create a span (accepted: the annotator made it); with ``link_to`` a claim id,
        also link it to that claim: as its cue for a CUE, else as a source."""
        with self.action() as grp:
            span_id = self._insert(grp, "add_span", "spans", {
                "doc_id": self.doc_id, "layer_id": self.layer_id, "start": start, "end": end,
                "label": label, "state": state, "origin": MANUAL,
                "attrs": json.dumps(attrs or {}, ensure_ascii=False)})
            if link_to is not None:
                self._link(grp, link_to, span_id, CUE if label == CUE else SAID_BY)
            return span_id

    def update_span(self, span_id: int, *, action: str = "update_span", **changes) -> int:
        """Change columns of a span (label, start, end, state, attrs: dict)."""
        if "attrs" in changes:
            changes["attrs"] = json.dumps(changes["attrs"], ensure_ascii=False)
        with self.action() as grp:
            self._update(grp, action, "spans", span_id, changes)
            return grp

    def set_states(self, state: str, span_ids=(), relation_ids=(), *, action: str | None = None) -> int:
        """Accept or reject several items as one action (a whole frame, say).

        Returns how many items changed: 0 means nothing to do (and nothing to undo).
        """
        with self.action() as grp:
            changed = sum(self._update(grp, action or state, "spans", span_id, {"state": state})
                          for span_id in span_ids)
            changed += sum(self._update(grp, action or state, "relations", rel_id, {"state": state})
                           for rel_id in relation_ids)
            return changed

    def relabel(self, span_id: int, label: str) -> int:
        """Change a span's label; a claim that stops being one loses its links, and a
        span that becomes a claim stops being another claim's cue or source."""
        with self.action() as grp:
            was_claim = self._own("spans", span_id)["label"] == CLAIM
            if was_claim != (label == CLAIM):
                side = "head_id" if was_claim else "child_id"
                for (rel_id,) in self.db.execute(f"SELECT id FROM relations WHERE {side} = ?", [span_id]).fetchall():
                    self._delete(grp, "relabel", "relations", rel_id)
                self._delete_claim_links(grp, "relabel", span_id)
            self._update(grp, "relabel", "spans", span_id, {"label": label})
            return grp

    def delete_span(self, span_id: int) -> int:
        """Delete a span, the relations that use it and its claim links (logged, so undo
        restores all)."""
        with self.action() as grp:
            self._delete_claim_links(grp, "delete_span", span_id)
            for (rel_id,) in self.db.execute(
                    "SELECT id FROM relations WHERE head_id = ? OR child_id = ?", [span_id, span_id]).fetchall():
                self._delete(grp, "delete_span", "relations", rel_id)
            self._delete(grp, "delete_span", "spans", span_id)
            return grp

    def link(self, head_id: int, child_id: int, label: str) -> int:
        """Link a claim to a source mention (SAID_BY) or to its cue (CUE, replacing any other)."""
        with self.action() as grp:
            return self._link(grp, head_id, child_id, label)

    def unlink(self, relation_id: int) -> int:
        with self.action() as grp:
            self._delete(grp, "unlink", "relations", relation_id)
            return grp

    def link_claims(self, claim_id: int, other_doc_id: int, other_start: int, other_end: int) -> int:
        """Say that a claim of this layer is the same claim as a stretch of another
        document (offsets into its text, which never changes); returns the link's id.
        A link that exists already is left as it is."""
        with self.action() as grp:
            if self._own("spans", claim_id)["label"] != CLAIM:
                raise EditRefused("only a claim can be the same claim as another; nothing was changed")
            if other_doc_id == self.doc_id:
                raise EditRefused("a claim is linked to a claim of another document; nothing was changed")
            other = self.db.execute("SELECT n_chars FROM documents WHERE id = ? AND complete",
                                    [other_doc_id]).fetchone()
            if other is None:
                raise EditRefused(f"there is no document {other_doc_id}; nothing was changed")
            if not 0 <= other_start < other_end <= other[0]:
                raise EditRefused(f"{other_start}..{other_end} is not a stretch of document {other_doc_id}'s text;"
                                  " nothing was changed")
            same = self.db.execute(
                "SELECT id FROM claim_links WHERE claim_id = ? AND other_doc_id = ? AND other_start = ?"
                " AND other_end = ?", [claim_id, other_doc_id, other_start, other_end]).fetchone()
            if same is not None:
                return same[0]
            return self._insert(grp, "link_claims", "claim_links", {
                "doc_id": self.doc_id, "layer_id": self.layer_id, "claim_id": claim_id,
                "other_doc_id": other_doc_id, "other_start": other_start, "other_end": other_end})

    def unlink_claims(self, link_id: int) -> int:
        """Take back one of this layer's claim links."""
        with self.action() as grp:
            self._delete(grp, "unlink_claims", "claim_links", link_id)
            return grp

    def _delete_claim_links(self, grp: int, action: str, span_id: int) -> None:
        """Delete a span's claim links, logged (never left to the foreign key's cascade,
        which the log would not see: undo could not bring them back)."""
        for (link_id,) in self.db.execute("SELECT id FROM claim_links WHERE claim_id = ?", [span_id]).fetchall():
            self._delete(grp, action, "claim_links", link_id)

    def set_canonical(self, span_id: int, name: str | None) -> int:
        """Tie a mention to the canonical source ``name`` (created if new), or untie it."""
        with self.action() as grp:
            canonical = None
            if name:
                row = self.db.execute("SELECT id FROM canonical_sources WHERE name = ?", [name]).fetchone()
                canonical = row[0] if row else self._insert(grp, "set_canonical", "canonical_sources", {
                    "name": name, "kind": source_kind(self._own("spans", span_id)["label"])})
            self._update(grp, "set_canonical", "spans", span_id, {"canonical_id": canonical})
            return grp

    def take(self, spans: list[dict], links: list[tuple[int, int, str]], *, state: str = ACCEPTED,
             action: str = "adjudicate", replacing: list[int] | None = None) -> list[int]:
        """Put spans (``start``, ``end``, ``label``, ``attrs``) and links between them
        (indexes into ``spans``) into the layer, as one action. ``replacing``: spans of
        the layer this decision replaces; they, their links and the cue and sources
        only they link to are rejected first. A span the layer already holds with the
        same bounds and label is reused, with the new state and attributes."""
        with self.action() as grp:
            self._reject_with_frames(grp, action, replacing or [])
            ids = []
            for span in spans:
                row = self.db.execute(
                    "SELECT id FROM spans WHERE doc_id = ? AND layer_id = ? AND start = ? AND end = ? AND label = ?",
                    [self.doc_id, self.layer_id, span["start"], span["end"], span["label"]]).fetchone()
                if row is not None:
                    self._update(grp, action, "spans", row[0], {
                        "state": state, "attrs": json.dumps(span.get("attrs") or {}, ensure_ascii=False)})
                    ids.append(row[0])
                    continue
                ids.append(self._insert(grp, action, "spans", {
                    "doc_id": self.doc_id, "layer_id": self.layer_id, "start": span["start"], "end": span["end"],
                    "label": span["label"], "state": state, "origin": MANUAL,
                    "attrs": json.dumps(span.get("attrs") or {}, ensure_ascii=False)}))
            for head, child, label in links:
                self._link(grp, ids[head], ids[child], label)
            return ids

    def _reject_with_frames(self, grp: int, action: str, span_ids: list[int]) -> None:
        """Reject these spans, every link from or to them, and the spans they link to
        that nothing else (accepted) links to."""
        for span_id in span_ids:
            self._own("spans", span_id)
            links = self.db.execute("SELECT id, head_id, child_id FROM relations WHERE layer_id = ?"
                                    " AND (head_id = ? OR child_id = ?)", [self.layer_id, span_id, span_id]).fetchall()
            for rel_id, head, child in links:
                self._update(grp, action, "relations", rel_id, {"state": REJECTED})
                if head == span_id and not self.db.execute(
                        "SELECT 1 FROM relations WHERE child_id = ? AND state != ? LIMIT 1", [child, REJECTED]).fetchone():
                    self._update(grp, action, "spans", child, {"state": REJECTED})
            self._update(grp, action, "spans", span_id, {"state": REJECTED})

    def set_status(self, status: str) -> int:
        with self.action() as grp:
            key = self.db.execute("SELECT rowid FROM doc_status WHERE doc_id = ? AND annotator_id = ?",
                                  [self.doc_id, self.status_id]).fetchone()
            if key is None:
                self._insert(grp, "set_status", "doc_status", {
                    "doc_id": self.doc_id, "annotator_id": self.status_id, "status": status})
            else:
                self._update(grp, "set_status", "doc_status", key[0], {"status": status, "updated_at": _now()})
            return grp

    # --- Undo / redo ----------------------------------------------------------

    def stacks(self) -> tuple[list[int], list[int]]:
        """(undoable groups, redoable groups), most recent last, replayed from the log."""
        undo: list[int] = []
        redo: list[int] = []
        where, params = self._scope()
        for grp, kind, ref in self.db.execute(
                f"SELECT grp, kind, ref_grp FROM events WHERE {where} AND origin IS NULL"
                " AND action NOT IN ('seed') GROUP BY grp ORDER BY min(id)", params):
            if kind == "do":
                undo.append(grp)
                redo.clear()
            elif kind == "undo":
                undo.remove(ref)
                redo.append(ref)
            else:
                redo.remove(ref)
                undo.append(ref)
        return undo, redo

    def _scope(self) -> tuple[str, list]:
        """The events this editor's undo and redo walk: this annotator's, on this
        document, in this layer (events a merge brought from another copy never)."""
        return "annotator_id = ? AND doc_id = ? AND layer_id = ?", [self.annotator_id, self.doc_id, self.layer_id]

    def undo(self) -> str | None:
        """Undo the last action; return its name, or None when there is nothing to undo."""
        return self._replay("undo")

    def redo(self) -> str | None:
        return self._replay("redo")

    def _replay(self, kind: str) -> str | None:
        """Undo (or redo) the last undoable (or redoable) group, row by row, as one action.

        The rows are taken from the group's latest application (the action itself,
        or its last redo when undoing; its last undo when redoing) and put back as
        they were before it, last change first. Each row must still be what that
        application left (or already be what the replay wants): otherwise another
        process changed it since, and the replay is refused whole with
        :class:`EditRefused`.
        """
        with write(self.db):
            undo, redo = self.stacks()
            stack = undo if kind == "undo" else redo
            if not stack:
                return None
            ref = stack[-1]
            (latest,) = self.db.execute(
                "SELECT max(grp) FROM events WHERE (grp = :ref AND kind = 'do') OR (ref_grp = :ref AND kind = :last)",
                {"ref": ref, "last": "redo" if kind == "undo" else "undo"}).fetchone()
            rows = self.db.execute("SELECT action, target, target_id, before, after FROM events WHERE grp = ?"
                                   " ORDER BY id", [latest]).fetchall()
            name = rows[0][0] if rows else ""
            grp = self._new_group()
            made = {row_id: json.loads(after) for row_id, after in self.db.execute(
                "SELECT target_id, after FROM events WHERE grp = ? AND kind = 'do'"
                " AND target = 'canonical_sources' AND before IS NULL", [ref])}
            renamed: dict[int, int] = {}
            try:
                for action, table, row_id, before, after in reversed(rows):
                    if table == "canonical_sources" and action == "set_canonical":
                        self._replay_canonical(grp, kind, action, ref, row_id, made.get(row_id), renamed)
                        continue
                    wanted = json.loads(before) if before else None
                    if table == "spans" and wanted is not None and wanted.get("canonical_id") in renamed:
                        wanted = {**wanted, "canonical_id": renamed[wanted["canonical_id"]]}
                    self._replay_row(grp, kind, name, ref, action, table, row_id,
                                     left=json.loads(after) if after else None, wanted=wanted)
            except sqlite3.IntegrityError as exc:  # it would break a constraint: say so, change nothing
                raise EditRefused(f"cannot {kind} {_spoken(name)}: it conflicts with a change made since;"
                                  " nothing was changed") from exc
            return name

    def _replay_row(self, grp: int, kind: str, name: str, ref: int, action: str, table: str, row_id: int,
                    *, left: dict | None, wanted: dict | None) -> None:
        """Put one row back to ``wanted`` if it is still ``left``; log what was done."""
        current = self._row(table, row_id)
        if not _same(current, wanted):
            if not _same(current, left):
                raise EditRefused(f"cannot {kind} {_spoken(name)}: that {_NOUNS[table]} was changed since"
                                  " (in another window or process); nothing was changed")
            if wanted is None:
                if table == "canonical_sources" and self.db.execute(
                        "SELECT 1 FROM spans WHERE canonical_id = :id UNION ALL"
                        " SELECT 1 FROM canonical_sources WHERE merged_into = :id LIMIT 1", {"id": row_id}).fetchone():
                    raise EditRefused(f"cannot {kind} {_spoken(name)}: that canonical source names mentions since;"
                                      " nothing was changed")
                if table == "spans" and self.db.execute(
                        "SELECT 1 FROM relations WHERE head_id = :id OR child_id = :id UNION ALL"
                        " SELECT 1 FROM claim_links WHERE claim_id = :id LIMIT 1", {"id": row_id}).fetchone():
                    raise EditRefused(f"cannot {kind} {_spoken(name)}: the annotation is linked since;"
                                      " nothing was changed")
                self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
            elif current is None:
                cols = ", ".join(wanted)
                marks = ", ".join("?" for _ in wanted)
                self.db.execute(f"INSERT INTO {table} (rowid, {cols}) VALUES (?, {marks})",
                                [row_id, *wanted.values()])
            else:
                sets = ", ".join(f"{col} = ?" for col in wanted)
                self.db.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", [*wanted.values(), row_id])
        # Logged even when nothing had to change, so the stacks move on.
        self._log(grp, kind, action, table, row_id, current, wanted, ref_grp=ref)

    def _replay_canonical(self, grp: int, kind: str, action: str, ref: int, row_id: int, made: dict | None,
                          renamed: dict[int, int]) -> None:
        """Canonical sources are shared by every annotator: one the action made (``made``:
        its row) is removed by the undo only if no mention uses it, and made again by
        the redo only if no canonical source of that name exists since; if one does,
        the mentions of this redo tie to it (``renamed``). Nothing else of them changes."""
        current = self._row("canonical_sources", row_id)
        after = current
        if made is not None and kind == "undo" and current is not None and not self.db.execute(
                "SELECT 1 FROM spans WHERE canonical_id = :id UNION ALL"
                " SELECT 1 FROM canonical_sources WHERE merged_into = :id LIMIT 1", {"id": row_id}).fetchone():
            self.db.execute("DELETE FROM canonical_sources WHERE id = ?", [row_id])
            after = None
        elif made is not None and kind == "redo" and current is None:
            same_name = self.db.execute("SELECT id FROM canonical_sources WHERE name = ?", [made["name"]]).fetchone()
            if same_name:
                renamed[row_id] = same_name[0]
            else:
                cols = ", ".join(made)
                marks = ", ".join("?" for _ in made)
                self.db.execute(f"INSERT INTO canonical_sources ({cols}) VALUES ({marks})", list(made.values()))
                after = made
        self._log(grp, kind, action, "canonical_sources", row_id, current, after, ref_grp=ref)

    # --- Row primitives, each logged -----------------------------------------

    def _link(self, grp: int, head_id: int, child_id: int, label: str) -> int:
        if self._own("spans", head_id)["label"] != CLAIM:
            raise EditRefused("links start from a claim, and that annotation is no longer one; nothing was changed")
        self._own("spans", child_id)
        existing = self.db.execute(
            "SELECT id, child_id FROM relations WHERE layer_id = ? AND head_id = ? AND label = ?",
            [self.layer_id, head_id, label]).fetchall()
        for rel_id, child in existing:
            if child == child_id:  # already linked: make sure it counts as accepted
                self._update(grp, f"link_{label.lower()}", "relations", rel_id, {"state": ACCEPTED})
                return rel_id
            if label == CUE:  # a claim has at most one cue; an orphaned cue is rejected
                self._delete(grp, "link_cue", "relations", rel_id)
                still_used = self.db.execute("SELECT 1 FROM relations WHERE child_id = ?", [child]).fetchone()
                if not still_used:
                    self._update(grp, "link_cue", "spans", child, {"state": REJECTED})
        return self._insert(grp, f"link_{label.lower()}", "relations", {
            "doc_id": self.doc_id, "layer_id": self.layer_id, "head_id": head_id,
            "child_id": child_id, "label": label, "state": ACCEPTED, "origin": MANUAL})

    def _insert(self, grp: int, action: str, table: str, row: dict) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        row_id = inserted(self.db.execute(f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values())))
        self._log(grp, "do", action, table, row_id, None, self._row(table, row_id))
        return row_id

    def _update(self, grp: int, action: str, table: str, row_id: int, changes: dict) -> bool:
        """Change a row and log it; a change to what is already there is neither (False)."""
        before = self._own(table, row_id)
        if all(before.get(col) == value for col, value in changes.items() if col != "updated_at"):
            return False
        sets = ", ".join(f"{col} = ?" for col in changes)
        self.db.execute(f"UPDATE {table} SET {sets} WHERE rowid = ?", [*changes.values(), row_id])
        self._log(grp, "do", action, table, row_id, before, self._row(table, row_id))
        return True

    def _delete(self, grp: int, action: str, table: str, row_id: int) -> None:
        before = self._own(table, row_id)
        self.db.execute(f"DELETE FROM {table} WHERE rowid = ?", [row_id])
        self._log(grp, "do", action, table, row_id, before, None)

    def _own(self, table: str, row_id: int) -> dict:
        """The row, if it is this annotator's (in their layer, on this document);
        else the action is refused: the row was deleted or is someone else's."""
        row = self._row(table, row_id)
        noun = _NOUNS[table]
        if row is None:
            raise EditRefused(f"that {noun} no longer exists (changed in another window?); nothing was changed")
        owner = {"spans": ("layer_id", self.layer_id), "relations": ("layer_id", self.layer_id),
                 "claim_links": ("layer_id", self.layer_id), "doc_status": ("annotator_id", self.status_id)}.get(table)
        if owner and (row[owner[0]] != owner[1] or row["doc_id"] != self.doc_id):
            raise EditRefused(f"that {noun} is not yours (another layer or document); nothing was changed")
        return row

    def _row(self, table: str, row_id: int) -> dict | None:
        assert table in _NOUNS
        cursor = self.db.execute(f"SELECT * FROM {table} WHERE rowid = ?", [row_id])
        values = cursor.fetchone()
        return dict(zip([d[0] for d in cursor.description], values, strict=True)) if values else None

    def status(self) -> str | None:
        """This annotator's status for the document (None before it was first opened)."""
        row = self.db.execute("SELECT status FROM doc_status WHERE doc_id = ? AND annotator_id = ?",
                              [self.doc_id, self.status_id]).fetchone()
        return row[0] if row else None

    def _new_group(self) -> int:
        return events.new_group(self.db)

    def _log(self, grp, kind, action, table, row_id, before, after, *, ref_grp=None) -> None:
        events.log(self.db, grp=grp, kind=kind, action=action, annotator_id=self.annotator_id,
                   doc_id=self.doc_id, layer_id=self.layer_id, target=table, target_id=row_id,
                   before=before, after=after, ref_grp=ref_grp)
