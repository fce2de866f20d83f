"""Documents and their token offsets."""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, TypedDict

import sqlite_utils

from glose.db.transaction import inserted, write
from glose.errors import UnknownDocument


@dataclass(frozen=True)
class Tokens:
    """Token character offsets and sentence starts (token indices) of a document."""

    starts: list[int]
    ends: list[int]
    sent_starts: list[int]
    tokenizer: str


# Every reader sees only complete documents: an import may be storing a long
# one in several transactions (see ``complete`` in migration 5).


def find_by_hash(db: sqlite_utils.Database, text_hash: str) -> int | None:
    row = db.execute("SELECT id FROM documents WHERE text_hash = ? AND complete", [text_hash]).fetchone()
    return row[0] if row else None


def find_unfinished(db: sqlite_utils.Database, text_hash: str) -> tuple[int, float] | None:
    """A document with this text whose import has not finished: (id, seconds since it began)."""
    row = db.execute(
        "SELECT id, (julianday('now') - julianday(imported_at)) * 86400 FROM documents"
        " WHERE text_hash = ? AND NOT complete", [text_hash]).fetchone()
    return (row[0], row[1]) if row else None


def mark_complete(db: sqlite_utils.Database, doc_ids: list[int]) -> None:
    db.conn.executemany("UPDATE documents SET complete = 1 WHERE id = ?", [(doc_id,) for doc_id in doc_ids])


def delete_unfinished(db: sqlite_utils.Database, doc_id: int, *, step: int) -> bool:
    """Delete up to ``step`` annotations of an unfinished import, and the document
    once none is left; True when it is gone. Call in a loop, one transaction each."""
    for table in ("relations", "spans"):
        cursor = db.execute(f"DELETE FROM {table} WHERE id IN (SELECT id FROM {table} WHERE doc_id = ? LIMIT ?)",
                            [doc_id, step])
        if cursor.rowcount:
            return False
    db.execute("DELETE FROM documents WHERE id = ? AND NOT complete", [doc_id])
    return True


def insert_document(
    db: sqlite_utils.Database,
    *,
    text: str,
    text_hash: str,
    title: str,
    meta: dict,
    origin: str | None,
    n_words: int | None = None,
    complete: bool = True,
) -> int:
    """Store a normalised text; the caller has checked it is not there yet.
    ``complete=False``: hidden from every reader until ``mark_complete``."""
    return inserted(db.execute(
        "INSERT INTO documents (text, text_hash, title, meta, origin, n_chars, n_words, complete)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [text, text_hash, title, json.dumps(meta, ensure_ascii=False), origin, len(text), n_words, int(complete)],
    ))


def tokens_row(tokens: Tokens) -> tuple[str, str, str, str]:
    """Tokens serialised for ``store_tokens`` (outside the write transaction: it takes time)."""
    return tokens.tokenizer, json.dumps(tokens.starts), json.dumps(tokens.ends), json.dumps(tokens.sent_starts)


def store_tokens(db: sqlite_utils.Database, doc_id: int, tokens: Tokens | tuple[str, str, str, str]) -> None:
    row = tokens_row(tokens) if isinstance(tokens, Tokens) else tokens
    db.execute(
        "INSERT OR REPLACE INTO doc_tokens (doc_id, tokenizer, starts, ends, sent_starts)"
        " VALUES (?, ?, ?, ?, ?)", [doc_id, *row])


def get_tokens(db: sqlite_utils.Database, doc_id: int) -> Tokens | None:
    row = db.execute(
        "SELECT starts, ends, sent_starts, tokenizer FROM doc_tokens WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if row is None:
        return None
    return Tokens(json.loads(row[0]), json.loads(row[1]), json.loads(row[2]), row[3])


class DocumentRow(TypedDict):
    """A stored document, ``meta`` decoded."""

    id: int
    text_hash: str
    title: str
    meta: dict[str, Any]
    origin: str | None
    n_chars: int
    n_words: int | None
    imported_at: str
    complete: int
    text: str


def get_document(db: sqlite_utils.Database, doc_id: int) -> DocumentRow | None:
    rows = list(db.query("SELECT * FROM documents WHERE id = ? AND complete", [doc_id]))
    if not rows:
        return None
    doc = rows[0]
    doc["meta"] = json.loads(doc["meta"])
    return doc  # type: ignore[return-value]  # the columns of DocumentRow


def document(db: sqlite_utils.Database, doc_id: int) -> DocumentRow:
    """The document, or UnknownDocument."""
    found = get_document(db, doc_id)
    if found is None:
        raise UnknownDocument(f"no document {doc_id}")
    return found


def document_ids(db: sqlite_utils.Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM documents WHERE complete ORDER BY id")]


def totals(db: sqlite_utils.Database) -> tuple[int, int]:
    """(documents, words) of the complete documents."""
    return db.execute("SELECT count(*), coalesce(sum(n_words), 0) FROM documents WHERE complete").fetchone()


def reading_position(db: sqlite_utils.Database, doc_id: int, annotator: str) -> int:
    """Where the annotator left the document (0 the first time)."""
    row = db.execute("SELECT p.offset FROM reading_positions p JOIN annotators a ON a.id = p.annotator_id"
                     " WHERE p.doc_id = ? AND a.name = ?", [doc_id, annotator]).fetchone()
    return row[0] if row else 0


def save_reading_position(db: sqlite_utils.Database, doc_id: int, annotator_id: int, offset: int) -> None:
    """Remember where the annotator is in the document (one short transaction)."""
    with write(db):
        db.execute("INSERT INTO reading_positions (doc_id, annotator_id, offset) VALUES (?, ?, ?)"
                   " ON CONFLICT (doc_id, annotator_id) DO UPDATE SET offset = excluded.offset",
                   [doc_id, annotator_id, offset])


def count_documents(db: sqlite_utils.Database) -> int:
    """How many documents readers see: all but those still being imported (a plain
    ``count(*)`` is answered without reading the table; ``WHERE complete`` read it all)."""
    return (db.execute("SELECT count(*) FROM documents").fetchone()[0]
            - db.execute("SELECT count(*) FROM documents WHERE complete = 0").fetchone()[0])


_WORD = re.compile(r"[^\W_]+")
"""What the full-text index's tokenizer (unicode61) makes words of: runs of letters and digits."""


def match_expression(text: str) -> str | None:
    """The words of ``text`` as an FTS5 query for the documents holding them all, each
    word as a prefix (the list searches as the user types); None when it has no word.

    Whatever the user types (``"``, ``AND (``, ``*``, ``NEAR``) is never FTS5 syntax:
    each word is quoted, and holds only letters and digits, as the tokenizer's words do,
    so that it stays one word (the index keeps no positions: two would be a phrase,
    which it refuses).
    """
    words = _WORD.findall(unicodedata.normalize("NFC", text))
    return " ".join(f'"{word}"*' for word in words) or None


def search(db: sqlite_utils.Database, query: str) -> list[int]:
    """Ids of the documents holding every word of ``query`` (accents and case aside, each
    word a prefix), in id order; every document for a query without words."""
    match = match_expression(query)
    if match is None:
        return document_ids(db)
    return [row[0] for row in db.execute(
        "SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?"
        " AND rowid NOT IN (SELECT id FROM documents WHERE complete = 0) ORDER BY rowid", [match])]
