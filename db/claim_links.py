"""Claims across documents: which claims of a layer are the same claim as a stretch of
another document (``claim_links``, migration 9), read both ways, and the claims of
other documents to compare a claim with.

A link belongs to the layer and document of its claim; its other end is a stretch of
another document by offsets. So a claim is linked from its own links, and from the
links of the same layer whose other end covers it (half of the longer of the two
shared, as agreement counts two annotators' spans the same: ``spans.half_overlap``).
Edits go through ``db.edits.Editor.link_claims`` / ``unlink_claims``.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TypedDict

import sqlite_utils

from glose.db.spans import half_overlap
from glose.vocabulary import CLAIM, REJECTED

SNIPPET = 240
"""At most this many characters of the other end's text are read."""


class ClaimLink(TypedDict):
    """One claim of a document linked to a stretch of another."""

    id: int
    """The claim_links row."""
    claim_id: int
    """The claim of this document it is about."""
    mine: bool
    """True: the link was made from this claim (it can be taken back from this document);
    False: from the other document's claim (``other_claim_id``), pointing at this one."""
    other_claim_id: int | None
    other_doc_id: int
    other_start: int
    other_end: int
    title: str
    date: str | None
    snippet: str
    """The other end's text, at most ``SNIPPET`` characters."""


class ClaimText(TypedDict):
    """A claim of another document, to compare a claim with."""

    doc_id: int
    start: int
    end: int
    text: str
    title: str
    date: str | None


def _ids(values: Iterable[int]) -> str:
    """Ids as one JSON parameter (``IN (SELECT value FROM json_each(?))``): any number of them."""
    return json.dumps(sorted(set(values)))


def links_of(db: sqlite_utils.Database, layer_id: int, claim_ids: Iterable[int]) -> dict[int, list[ClaimLink]]:
    """The links of these claims of a layer, both ways, by claim id (claims without any
    left out); a stretch linked both ways counts once, as the claim's own link."""
    claims = {row[0]: row[1:] for row in db.execute(
        "SELECT id, doc_id, start, end FROM spans WHERE layer_id = ? AND id IN (SELECT value FROM json_each(?))",
        [layer_id, _ids(claim_ids)])}
    found: dict[int, list[ClaimLink]] = {}
    for row in db.execute(
            "SELECT l.id, l.claim_id, l.other_doc_id, l.other_start, l.other_end, d.title, d.meta,"
            f" substr(d.text, l.other_start + 1, min(l.other_end - l.other_start, {SNIPPET}))"
            " FROM claim_links l JOIN documents d ON d.id = l.other_doc_id"
            " WHERE l.layer_id = ? AND l.claim_id IN (SELECT value FROM json_each(?)) ORDER BY l.id",
            [layer_id, _ids(claims)]):
        found.setdefault(row[1], []).append(_link(row, mine=True, other_claim_id=None))
    by_doc: dict[int, list[int]] = {}
    for claim_id, (doc_id, _, _) in claims.items():
        by_doc.setdefault(doc_id, []).append(claim_id)
    for row in db.execute(
            "SELECT l.id, l.other_doc_id, l.other_start, l.other_end, l.claim_id, l.doc_id, s.start, s.end,"
            f" d.title, d.meta, substr(d.text, s.start + 1, min(s.end - s.start, {SNIPPET}))"
            " FROM claim_links l JOIN spans s ON s.id = l.claim_id JOIN documents d ON d.id = l.doc_id"
            " WHERE l.layer_id = ? AND l.other_doc_id IN (SELECT value FROM json_each(?)) ORDER BY l.id",
            [layer_id, _ids(by_doc)]):
        link_id, here_doc, here_start, here_end, other_claim, other_doc, start, end, *shown = row
        for claim_id in by_doc[here_doc]:
            _, claim_start, claim_end = claims[claim_id]
            if not half_overlap((here_start, here_end), (claim_start, claim_end)):
                continue
            own = found.setdefault(claim_id, [])
            if any(link["other_doc_id"] == other_doc and half_overlap(
                    (link["other_start"], link["other_end"]), (start, end)) for link in own):
                continue  # the same pair, linked from both ends
            own.append(_link((link_id, claim_id, other_doc, start, end, *shown), mine=False,
                             other_claim_id=other_claim))
    return found


def _link(row: Sequence, *, mine: bool, other_claim_id: int | None) -> ClaimLink:
    link_id, claim_id, other_doc, start, end, title, meta, snippet = row
    return ClaimLink(id=link_id, claim_id=claim_id, mine=mine, other_claim_id=other_claim_id,
                     other_doc_id=other_doc, other_start=start, other_end=end, title=title,
                     date=json.loads(meta).get("date"), snippet=snippet)


def link_counts(db: sqlite_utils.Database, layer_id: int, claim_ids: Iterable[int]) -> dict[int, int]:
    """How many claims of other documents each of these claims is linked to (both ways),
    for lists (the sources screen); claims without links are left out."""
    return {claim_id: len(links) for claim_id, links in links_of(db, layer_id, claim_ids).items()}


def other_documents(db: sqlite_utils.Database, match: str, *, excluding: int, limit: int) -> list[int]:
    """Up to ``limit`` documents other than ``excluding`` whose words the full-text query
    ``match`` finds (built by ``documents.match_expression``-like quoting: never user syntax)."""
    return [row[0] for row in db.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ? AND rowid != ?"
        " AND rowid NOT IN (SELECT id FROM documents WHERE complete = 0) LIMIT ?", [match, excluding, limit])]


def claims_in(db: sqlite_utils.Database, doc_ids: Sequence[int], layer_ids: Sequence[int]) -> list[ClaimText]:
    """The claims (not rejected) of these layers on these documents, with their text,
    in document order; the same stretch in several layers comes once per layer."""
    docs = {row[0]: row[1:] for row in db.execute(
        "SELECT id, title, meta, text FROM documents WHERE id IN (SELECT value FROM json_each(?))", [_ids(doc_ids)])}
    found: list[ClaimText] = []
    for doc_id, start, end in db.execute(
            "SELECT doc_id, start, end FROM spans WHERE doc_id IN (SELECT value FROM json_each(?))"
            " AND layer_id IN (SELECT value FROM json_each(?)) AND label = ? AND state != ?"
            " ORDER BY doc_id, start, end", [_ids(doc_ids), _ids(layer_ids), CLAIM, REJECTED]):
        title, meta, text = docs[doc_id]
        found.append(ClaimText(doc_id=doc_id, start=start, end=end, text=text[start:end], title=title,
                               date=json.loads(meta).get("date")))
    return found
