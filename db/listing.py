"""The document list's queries: one page of rows at a time, filtered, searched and
counted in SQL, so that the list costs about the same with 100,000 documents as
with 1,000 (issue 13; ``bench/scale.py`` measures it).

Rows come in id order. A page is read from its neighbour's id ("the 64 documents
after id 51,200": keyset pagination, one index seek), so moving through the list
costs the same anywhere in it; only a jump far from any row already read (a drag of
the scrollbar) skips rows with OFFSET, over an index. Only the rows asked for are
read from the ``documents`` table (each row holds a whole text).

A view is one of the annotator's statuses, a team view (``glose.db.assignments``) or
everything. Views that hold most documents (everything, my todo, needing a second
annotator) are read by walking the documents, or the full-text matches, in id order,
and counted as "all of them minus the few left out"; the other views are small sets
(what I have done, what is assigned to me, ...) read and counted from their index.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, TypedDict

import sqlite_utils

from glose.db.assignments import ADJUDICATED, MINE, NEEDS_SECOND, READY
from glose.db.documents import count_documents, match_expression
from glose.vocabulary import ANNOTATOR, CLAIM, DONE, GOLD, IN_PROGRESS, REJECTED, SUGGESTIONS, TODO


@dataclass(frozen=True)
class ListQuery:
    """What the document list shows."""

    annotator: str
    """Whose statuses the list shows (and whose claims it counts)."""
    view: str | None = None
    """One of the annotator's statuses, a team view (``assignments.VIEWS``), or None: every document."""
    search: str = ""
    """What the user typed in the search box: any text (it is never read as FTS5 syntax)."""


class ListRow(TypedDict):
    """One row of the document list."""

    id: int
    title: str
    date: str | None
    n_words: int | None
    claims: int
    """Claims not rejected, in the annotator's layer once it has some for the document, else in the suggestions."""
    status: str


def count(db: sqlite_utils.Database, query: ListQuery) -> int:
    """How many documents the list shows."""
    plan = _Plan(db, query)
    if plan.view.among is not None:
        return plan.count(plan.view.keeps)
    everyone = plan.count() if plan.match else count_documents(db)
    if plan.view.left_out is None:
        return everyone
    return everyone - plan.count(plan.among(plan.view.left_out))


def rows(db: sqlite_utils.Database, query: ListQuery, start: int, stop: int, *, total: int,
         previous_id: int | None = None, next_id: int | None = None) -> list[ListRow]:
    """Rows ``start`` to ``stop - 1`` of the list, which ``count`` said holds ``total``.

    ``previous_id``: the id of row ``start - 1``, ``next_id``: that of row ``stop``,
    when the caller holds them: the rows are then read from there, whatever their
    position. Fewer rows come back when the list has changed since it was counted.
    """
    plan = _Plan(db, query)
    wanted = max(0, stop - start)
    if not wanted:
        ids: list[int] = []
    elif previous_id is not None:
        ids = plan.ids(after=previous_id, limit=wanted)
    elif next_id is not None:
        ids = plan.ids(before=next_id, limit=wanted)
    elif start == 0:
        ids = plan.ids(limit=wanted)
    elif stop >= total:  # the end of the list (End): read backwards from the last row
        ids = plan.ids(from_end=True, limit=total - start)
    else:  # far from anything read: skip rows, over an index
        ids = plan.ids(offset=start, limit=wanted)
    return _rows_of(db, plan, ids)


def done_and_total(db: sqlite_utils.Database, annotator: str) -> tuple[int, int]:
    """(documents the annotator has marked done, documents) for the list's progress line."""
    done = db.execute(f"SELECT count(*) FROM doc_status WHERE annotator_id = ? AND status = '{DONE}'"
                      f" AND doc_id NOT IN ({_INCOMPLETE})", [_annotator_id(db, annotator)]).fetchone()[0]
    return done, count_documents(db)


def widest_id(db: sqlite_utils.Database) -> int:
    """The largest document id (ids only grow): it sizes the list's id column."""
    return db.execute("SELECT coalesce(max(id), 0) FROM documents").fetchone()[0]


# -- Views ---------------------------------------------------------------------------------------

_INCOMPLETE = "SELECT id FROM documents WHERE complete = 0"
"""Documents an import is still storing: no reader sees them (migration 5)."""


@dataclass(frozen=True)
class _View:
    """A view of the list in SQL, about a document id written ``{doc}``."""

    keeps: str = "1"
    """Condition: the document ``{doc}`` is in the view."""
    among: str | None = None
    """SELECT of the few documents the view can hold (read from their index); None: most documents."""
    left_out: str | None = None
    """For views of most documents: SELECT of the few not in it, so that a count is all minus these."""


def _adjudicated(doc: str) -> str:
    return f"EXISTS (SELECT 1 FROM doc_status WHERE doc_id = {doc} AND annotator_id = :gold AND status = '{DONE}')"


def _people(doc: str) -> str:
    """How many annotators a document has: assigned to it, or working on it (a status of theirs)."""
    return (f"(SELECT count(*) FROM assignments WHERE doc_id = {doc})"
            f" + (SELECT count(*) FROM doc_status s WHERE s.doc_id = {doc} AND s.annotator_id IS NOT :gold"
            f" AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = {doc}"
            f" AND a.annotator_id = s.annotator_id))")


def _needs_second(doc: str) -> str:
    return f"({_people(doc)}) < 2 AND NOT {_adjudicated(doc)}"


def _ready(doc: str) -> str:
    """Two annotators or more are expected (those assigned, else those working) and all have
    marked it done; not adjudicated yet."""
    done_by = (f"SELECT 1 FROM doc_status s WHERE s.doc_id = {doc} AND s.annotator_id = a.annotator_id"
               f" AND s.annotator_id IS NOT :gold AND s.status = '{DONE}'")
    return (f"NOT {_adjudicated(doc)} AND CASE WHEN EXISTS (SELECT 1 FROM assignments WHERE doc_id = {doc})"
            f" THEN (SELECT count(*) FROM assignments WHERE doc_id = {doc}) >= 2"
            f" AND NOT EXISTS (SELECT 1 FROM assignments a WHERE a.doc_id = {doc} AND NOT EXISTS ({done_by}))"
            f" ELSE (SELECT count(*) FROM doc_status WHERE doc_id = {doc} AND annotator_id IS NOT :gold) >= 2"
            f" AND NOT EXISTS (SELECT 1 FROM doc_status WHERE doc_id = {doc} AND annotator_id IS NOT :gold"
            f" AND status != '{DONE}') END")


_NOT_TODO = f"SELECT doc_id FROM doc_status WHERE annotator_id = :me AND status != '{TODO}'"
_TWO_PEOPLE_OR_GOLD = (
    "SELECT doc_id FROM (SELECT doc_id, annotator_id FROM assignments"
    " UNION SELECT doc_id, annotator_id FROM doc_status WHERE annotator_id IS NOT :gold)"
    f" GROUP BY doc_id HAVING count(*) >= 2 UNION SELECT doc_id FROM doc_status WHERE annotator_id = :gold"
    f" AND status = '{DONE}'")
"""Documents that need no second annotator: two people have them (assigned or working), or gold."""
_DONE_BY_TWO = (f"SELECT doc_id FROM doc_status WHERE status = '{DONE}' AND annotator_id IS NOT :gold"
                " GROUP BY doc_id HAVING count(*) >= 2")

VIEWS: dict[str | None, _View] = {
    None: _View(),
    TODO: _View(keeps=f"{{doc}} NOT IN ({_NOT_TODO})", left_out=_NOT_TODO),
    IN_PROGRESS: _View(among=f"SELECT doc_id FROM doc_status WHERE annotator_id = :me AND status = '{IN_PROGRESS}'"),
    DONE: _View(among=f"SELECT doc_id FROM doc_status WHERE annotator_id = :me AND status = '{DONE}'"),
    MINE: _View(among="SELECT doc_id FROM assignments WHERE annotator_id = :me"),
    NEEDS_SECOND: _View(keeps=_needs_second("{doc}"), left_out=_TWO_PEOPLE_OR_GOLD),
    READY: _View(keeps=_ready("{doc}"), among=_DONE_BY_TWO),
    ADJUDICATED: _View(among=f"SELECT doc_id FROM doc_status WHERE annotator_id = :gold AND status = '{DONE}'"),
}
"""Every view of the list, by the name the list's filter (f) gives it."""


class _Plan:
    """A query's view, search and parameters, and where its document ids are read from."""

    def __init__(self, db: sqlite_utils.Database, query: ListQuery) -> None:
        self.db = db
        self.view = VIEWS[query.view]
        self.match = match_expression(query.search)
        self.params: dict[str, Any] = {"me": _annotator_id(db, query.annotator), "gold": _annotator_id(db, GOLD),
                                       "match": self.match}
        if self.match:  # the documents holding the words, from the full-text index in id order
            self.source, self.doc = "documents_fts", "documents_fts.rowid"
            self.where = ["documents_fts MATCH :match"]
        else:  # the documents, from the index of those complete, in id order
            self.source, self.doc = "documents d", "d.id"
            self.where = ["d.complete = 1"]
        if self.view.among is not None:
            self.where.append(self.among(self.view.among))

    def among(self, documents: str, *, negated: bool = False) -> str:
        """The condition that the document is (not) one of ``documents`` (a SELECT of ids).

        On the full-text index it is a test of each match ("+" keeps SQLite from looking
        each of those ids up in the index instead: a search per id, up to 1.6 ms each);
        on the documents, a look-up of each of those ids."""
        return f"{'+' if self.match else ''}{self.doc} {'NOT IN' if negated else 'IN'} ({documents})"

    def count(self, *conditions: str) -> int:
        """How many documents of the source meet the conditions (about ``{doc}``)."""
        where = [*self.where, *(condition.format(doc=self.doc) for condition in conditions)]
        found = self._count(where)
        if self.match:  # the full-text index holds the documents still being imported too
            found -= self._count([*where, f"{self.doc} IN ({_INCOMPLETE})"])
        return found

    def _count(self, where: list[str]) -> int:
        sql = f"SELECT count(*) FROM {self.source} WHERE {' AND '.join(where)}"
        return self.db.execute(sql, self.params).fetchone()[0]

    def ids(self, *, after: int | None = None, before: int | None = None, from_end: bool = False,
            offset: int = 0, limit: int) -> list[int]:
        """Up to ``limit`` document ids of the list in id order: after ``after``, or the
        last ones before ``before`` (or before the end, ``from_end``), ``offset`` skipped."""
        doc = self.doc
        where = [*self.where, self.view.keeps.format(doc=doc)]
        if self.match:
            where.append(self.among(_INCOMPLETE, negated=True))
        if after is not None:
            where.append(f"{doc} > :after")
        if before is not None:
            where.append(f"{doc} < :before")
        backwards = before is not None or from_end
        sql = (f"SELECT {doc} FROM {self.source} WHERE {' AND '.join(where)}"
               f" ORDER BY {doc} {'DESC' if backwards else 'ASC'} LIMIT :limit OFFSET :offset")
        found = [row[0] for row in self.db.execute(
            sql, {**self.params, "after": after, "before": before, "limit": limit, "offset": offset})]
        return found[::-1] if backwards else found


def _annotator_id(db: sqlite_utils.Database, name: str) -> int | None:
    row = db.execute("SELECT id FROM annotators WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def _rows_of(db: sqlite_utils.Database, plan: _Plan, ids: list[int]) -> list[ListRow]:
    """The list's rows of these documents, in this order."""
    if not ids:
        return []
    found = db.execute(
        f"""
        SELECT d.id, d.title, json_extract(d.meta, '$.date') AS date, d.n_words,
               coalesce((SELECT status FROM doc_status WHERE doc_id = d.id AND annotator_id = :me), '{TODO}') AS status,
               (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.label = '{CLAIM}' AND s.state != '{REJECTED}'
                  AND s.layer_id = coalesce(
                      (SELECT l.id FROM layers l WHERE l.annotator_id = :me AND l.kind = '{ANNOTATOR}'
                         AND EXISTS (SELECT 1 FROM spans x WHERE x.layer_id = l.id AND x.doc_id = d.id)),
                      (SELECT id FROM layers WHERE name = '{SUGGESTIONS}'))) AS claims
        FROM documents d WHERE d.id IN (SELECT value FROM json_each(:ids))
        """, {**plan.params, "ids": json.dumps(ids)})
    by_id = {row[0]: ListRow(id=row[0], title=row[1], date=row[2], n_words=row[3], status=row[4], claims=row[5])
             for row in found}
    return [by_id[doc_id] for doc_id in ids if doc_id in by_id]
