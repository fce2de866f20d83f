"""Documents and their token offsets."""
from __future__ import annotations

import json
from dataclasses import dataclass

import sqlite_utils


@dataclass(frozen=True)
class Tokens:
    """Token character offsets and sentence starts (token indices) of a document."""

    starts: list[int]
    ends: list[int]
    sent_starts: list[int]
    tokenizer: str


def find_by_hash(db: sqlite_utils.Database, text_hash: str) -> int | None:
    row = db.execute("SELECT id FROM documents WHERE text_hash = ?", [text_hash]).fetchone()
    return row[0] if row else None


def insert_document(
    db: sqlite_utils.Database,
    *,
    text: str,
    text_hash: str,
    title: str,
    meta: dict,
    origin: str | None,
    n_words: int | None = None,
) -> int:
    """Store a normalised text; the caller has checked it is not there yet."""
    cursor = db.execute(
        "INSERT INTO documents (text, text_hash, title, meta, origin, n_chars, n_words)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [text, text_hash, title, json.dumps(meta, ensure_ascii=False), origin, len(text), n_words],
    )
    return cursor.lastrowid


def store_tokens(db: sqlite_utils.Database, doc_id: int, tokens: Tokens) -> None:
    db.execute(
        "INSERT OR REPLACE INTO doc_tokens (doc_id, tokenizer, starts, ends, sent_starts)"
        " VALUES (?, ?, ?, ?, ?)",
        [doc_id, tokens.tokenizer, json.dumps(tokens.starts), json.dumps(tokens.ends),
         json.dumps(tokens.sent_starts)],
    )


def get_tokens(db: sqlite_utils.Database, doc_id: int) -> Tokens | None:
    row = db.execute(
        "SELECT starts, ends, sent_starts, tokenizer FROM doc_tokens WHERE doc_id = ?", [doc_id]
    ).fetchone()
    if row is None:
        return None
    return Tokens(json.loads(row[0]), json.loads(row[1]), json.loads(row[2]), row[3])


def get_document(db: sqlite_utils.Database, doc_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM documents WHERE id = ?", [doc_id]))
    if not rows:
        return None
    doc = rows[0]
    doc["meta"] = json.loads(doc["meta"])
    return doc


def document_ids(db: sqlite_utils.Database) -> list[int]:
    return [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id")]


def count_documents(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT count(*) FROM documents").fetchone()[0]


def search(db: sqlite_utils.Database, query: str) -> list[int]:
    """Ids of the documents matching a full-text query (words, accents optional)."""
    words = [w for w in query.replace('"', " ").split() if w]
    if not words:
        return document_ids(db)
    # Each word quoted: user input is never FTS syntax. A trailing * matches prefixes.
    match = " ".join(f'"{w}"*' for w in words)
    sql = (
        "SELECT documents.id FROM documents JOIN documents_fts ON documents_fts.rowid = documents.id"
        " WHERE documents_fts MATCH ? ORDER BY documents_fts.rank"
    )
    return [row[0] for row in db.execute(sql, [match])]


def list_documents(db: sqlite_utils.Database, annotator: str) -> list[dict]:
    """Rows for the document list: title, date, words, claims and the annotator's status.

    Claims are counted in the annotator's layer once it exists for a document,
    else in the suggestions.
    """
    rows = db.query(
        """
        SELECT d.id, d.title, json_extract(d.meta, '$.date') AS date, d.n_words, d.n_chars,
               coalesce(st.status, 'todo') AS status,
               (SELECT count(*) FROM spans s WHERE s.doc_id = d.id AND s.label = 'CLAIM'
                  AND s.state != 'rejected'
                  AND s.layer_id = coalesce(
                      (SELECT l.id FROM layers l JOIN annotators a ON a.id = l.annotator_id
                         WHERE a.name = :who AND l.kind = 'annotator'
                           AND EXISTS (SELECT 1 FROM spans x WHERE x.layer_id = l.id AND x.doc_id = d.id)),
                      (SELECT id FROM layers WHERE name = 'suggestions'))) AS claims
        FROM documents d
        LEFT JOIN doc_status st ON st.doc_id = d.id
             AND st.annotator_id = (SELECT id FROM annotators WHERE name = :who)
        ORDER BY d.id
        """,
        {"who": annotator},
    )
    return list(rows)
