"""Numbered schema migrations. ``PRAGMA user_version`` is the applied number.

Never edit a migration that has shipped: add the next one. Each runs in its own
transaction together with the version bump, so a crash leaves the previous
version intact.
"""
from __future__ import annotations

import re
import sqlite3
from contextvars import ContextVar
from typing import Callable

import sqlite_utils

Migration = Callable[[sqlite_utils.Database], None]
Progress = Callable[[str], None]
"""Told, in a sentence, how far a long migration is."""
_progress: ContextVar[Progress | None] = ContextVar("migration_progress", default=None)
"""The reporter ``migrate`` was given, for the migrations that take long."""

SPAN_STATES = "('pending', 'accepted', 'rejected')"


def m001_core(db: sqlite_utils.Database) -> None:
    """Documents, tokens, annotators, layers, spans, relations, sources, status, events."""
    _run_script(
        db,
        f"""
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            text TEXT NOT NULL,                 -- normalised once at import, never changed
            text_hash TEXT NOT NULL UNIQUE,     -- sha256 of text: the document's identity
            title TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{{}}',  -- JSON object (date, url, ...)
            origin TEXT,                        -- the file it came from
            n_chars INTEGER NOT NULL,
            n_words INTEGER,
            imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        -- Token and sentence offsets, as JSON arrays: exports need token indices.
        CREATE TABLE doc_tokens (
            doc_id INTEGER PRIMARY KEY REFERENCES documents(id) ON DELETE CASCADE,
            tokenizer TEXT NOT NULL,
            starts TEXT NOT NULL,
            ends TEXT NOT NULL,
            sent_starts TEXT NOT NULL          -- token index of each sentence start
        );
        CREATE TABLE annotators (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
        );
        CREATE TABLE layers (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL CHECK (kind IN ('suggestions', 'annotator', 'gold', 'import')),
            annotator_id INTEGER REFERENCES annotators(id)
        );
        CREATE TABLE canonical_sources (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            kind TEXT,                          -- PER, ORG, ...
            note TEXT
        );
        CREATE TABLE spans (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            label TEXT NOT NULL,
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN {SPAN_STATES}),
            origin TEXT NOT NULL,               -- spacy, rules, import, manual, seed
            attrs TEXT NOT NULL DEFAULT '{{}}', -- JSON: quote_type, claim_type, note, ...
            confidence REAL,
            canonical_id INTEGER REFERENCES canonical_sources(id) ON DELETE SET NULL,
            seed_id INTEGER,                    -- the suggestion this span was seeded from
            CHECK (start >= 0 AND end > start)
        );
        CREATE INDEX spans_doc_layer ON spans (doc_id, layer_id, start);
        CREATE TABLE relations (
            id INTEGER PRIMARY KEY,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
            head_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,   -- the claim
            child_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,  -- source or cue
            label TEXT NOT NULL CHECK (label IN ('SAID_BY', 'CUE')),
            state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN {SPAN_STATES}),
            origin TEXT NOT NULL,
            attrs TEXT NOT NULL DEFAULT '{{}}',
            seed_id INTEGER,
            UNIQUE (layer_id, head_id, child_id, label)
        );
        CREATE INDEX relations_doc_layer ON relations (doc_id, layer_id);
        CREATE INDEX relations_child ON relations (child_id);
        CREATE TABLE doc_status (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            PRIMARY KEY (doc_id, annotator_id)
        );
        -- Append-only: who changed what, with the row before and after (JSON).
        -- Undo and redo are events too; 'grp' ties the rows of one user action.
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            ts TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            annotator_id INTEGER,
            doc_id INTEGER,
            layer_id INTEGER,
            grp INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('do', 'undo', 'redo')),
            action TEXT NOT NULL,
            target TEXT,                        -- spans, relations, doc_status, ...
            target_id INTEGER,
            before TEXT,
            after TEXT,
            ref_grp INTEGER                     -- the group an undo/redo replays
        );
        CREATE INDEX events_actor_doc ON events (annotator_id, doc_id, id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
        -- Every span lies inside its document's text (SQLite length() counts
        -- characters, like Python str indices).
        CREATE TRIGGER spans_in_text_insert BEFORE INSERT ON spans
            WHEN NEW.end > (SELECT n_chars FROM documents WHERE id = NEW.doc_id)
            BEGIN SELECT RAISE(ABORT, 'span ends past the document text'); END;
        CREATE TRIGGER spans_in_text_update BEFORE UPDATE OF start, end ON spans
            WHEN NEW.end > (SELECT n_chars FROM documents WHERE id = NEW.doc_id)
            BEGIN SELECT RAISE(ABORT, 'span ends past the document text'); END;
        """
    )


def m002_fulltext(db: sqlite_utils.Database) -> None:
    """FTS5 over titles and texts, accent-insensitive, kept in sync by triggers."""
    db.table("documents").enable_fts(
        ["title", "text"], create_triggers=True, tokenize="unicode61 remove_diacritics 2"
    )


def m003_indexes_for_seeding_and_undo(db: sqlite_utils.Database) -> None:
    """Seeding an annotator's layer joins spans on their seed; undo looks events up by group.

    Without these, opening a 100,000-word document for the first time took seconds
    (the relation copy scanned every span per relation) and each edit scanned the log.
    """
    _run_script(
        db,
        """
        CREATE INDEX spans_layer_seed ON spans (layer_id, seed_id);
        CREATE INDEX events_grp ON events (grp);
        """,
    )


def m004_ids_never_reused(db: sqlite_utils.Database) -> None:
    """Ids of the rows the event log points at are never given out again.

    Without AUTOINCREMENT SQLite hands a deleted row's id to the next row: an
    undo that replays "span 41" then overwrote another annotator's new span 41.
    Rebuilt with AUTOINCREMENT, keeping every row and id; each counter starts
    above any id the log has ever named. ``doc_status`` gains an id of its own.
    """
    for table in ("canonical_sources", "spans", "relations"):
        (create,) = db.execute("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", [table]).fetchone()
        assert create.count("id INTEGER PRIMARY KEY,") == 1, table
        columns = ", ".join(row[1] for row in db.execute(f"PRAGMA table_info({table})"))
        _rebuild(db, table, create.replace("id INTEGER PRIMARY KEY,", "id INTEGER PRIMARY KEY AUTOINCREMENT,"),
                 columns)
    _rebuild(db, "doc_status", """
        CREATE TABLE doc_status (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            status TEXT NOT NULL CHECK (status IN ('todo', 'in_progress', 'done')),
            updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            UNIQUE (doc_id, annotator_id)
        )""", "doc_id, annotator_id, status, updated_at", ids_from="rowid")
    for table in ("canonical_sources", "spans", "relations", "doc_status"):
        top = db.execute(
            "SELECT max(coalesce((SELECT max(id) FROM {0}), 0),"
            " coalesce((SELECT max(target_id) FROM events WHERE target = ?), 0))".format(table), [table]
        ).fetchone()[0]
        db.execute("DELETE FROM sqlite_sequence WHERE name = ?", [table])
        db.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [table, top])


def m005_document_text_last(db: sqlite_utils.Database) -> None:
    """A document's text is its last column, and a document can be stored in steps.

    SQLite reads a row's columns in order, through the overflow pages of a long
    text: with the text second, every look-up of ``n_chars`` (the trigger that
    checks each new span) or of a title walked a 250,000-word article's pages,
    and importing it held the write lock for seconds.

    ``complete`` is 0 while an import stores a long document's annotations in
    several short transactions: until then no reader sees the document. The
    full-text index is rebuilt only when a title or text changes.
    """
    _rebuild(db, "documents", """
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,             -- documents are never deleted: ids are never reused
            text_hash TEXT NOT NULL UNIQUE,     -- sha256 of text: the document's identity
            title TEXT NOT NULL,
            meta TEXT NOT NULL DEFAULT '{}',    -- JSON object (date, url, ...)
            origin TEXT,                        -- the file it came from
            n_chars INTEGER NOT NULL,
            n_words INTEGER,
            imported_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            complete INTEGER NOT NULL DEFAULT 1 CHECK (complete IN (0, 1)),  -- 0: still being imported
            text TEXT NOT NULL                  -- normalised once at import, never changed
        )""", "id, text_hash, title, meta, origin, n_chars, n_words, imported_at, text")
    _run_script(db, """
        DROP TRIGGER documents_au;
        CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
          INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES('delete', old.rowid, old.title, old.text);
          INSERT INTO documents_fts (rowid, title, text) VALUES (new.rowid, new.title, new.text);
        END;
        """)


def m006_reading_positions(db: sqlite_utils.Database) -> None:
    """Where each annotator left each document, to reopen it there. Not an annotation:
    not in the event log, not undoable."""
    _run_script(db, """
        CREATE TABLE reading_positions (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            offset INTEGER NOT NULL,
            PRIMARY KEY (doc_id, annotator_id)
        ) WITHOUT ROWID;
        """)


def _rebuild(db: sqlite_utils.Database, table: str, create: str, columns: str, *,
             ids_from: str | None = None) -> None:
    """Replace ``table`` by the one ``create`` makes, keeping its rows, ids, indexes and triggers.

    Runs with foreign keys off (``migrate`` sees to it), so dropping the old
    table cascades nothing. ``ids_from``: copy this column of the old table into
    the new table's ``id``.
    """
    kept = [sql for (sql,) in db.execute(
        "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger')"
        " AND sql IS NOT NULL", [table])]
    # The name as written, quoted or not (a table renamed before is stored quoted).
    renamed = re.sub(rf'^\s*CREATE TABLE "?{table}"? \(', f"CREATE TABLE {table}_new (", create, count=1)
    assert renamed != create, f"no CREATE TABLE {table} in {create[:60]!r}"
    db.execute(renamed)
    source = f"{ids_from}, {columns}" if ids_from else columns
    target = f"id, {columns}" if ids_from else columns
    db.execute(f"INSERT INTO {table}_new ({target}) SELECT {source} FROM {table}")
    db.execute(f"DROP TABLE {table}")
    db.execute(f"ALTER TABLE {table}_new RENAME TO {table}")
    for sql in kept:
        db.execute(sql)


def _run_script(db: sqlite_utils.Database, script: str) -> None:
    """Run SQL statements one by one inside the caller's transaction.

    (``executescript`` would COMMIT the open transaction first.)
    """
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    assert not statement.strip(), f"incomplete SQL statement: {statement!r}"


def m007_assignments(db: sqlite_utils.Database) -> None:
    """Which annotators a document is assigned to (``glose assign``)."""
    _run_script(db, """
        CREATE TABLE assignments (
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            annotator_id INTEGER NOT NULL REFERENCES annotators(id) ON DELETE CASCADE,
            PRIMARY KEY (doc_id, annotator_id)
        ) WITHOUT ROWID;
        CREATE INDEX assignments_by_annotator ON assignments (annotator_id, doc_id);
        """)


def m008_lists_that_do_not_grow(db: sqlite_utils.Database) -> None:
    """The document list reads one page at a time, filters and counts in SQL, and
    searches as the user types (issue 13).

    The full-text index is made again with prefix indexes (a search for ``a``, then
    ``al``, reads one list of documents, not the lists of every word starting with
    it: 50 ms for ``a*`` at 10,000 documents before, 0.1 ms now) and without token
    positions (``detail=none``: glose asks only which documents hold every word, in
    id order; the index is half the size it was). Every document is indexed again,
    in batches, with progress. ``documents_complete`` answers "how many documents"
    and walks the list in id order without reading the documents' rows (their text);
    the ``doc_status`` indexes find an annotator's statuses and the documents that
    someone has finished without scanning the table.
    """
    _run_script(db, """
        DROP TRIGGER documents_ai;
        DROP TRIGGER documents_ad;
        DROP TRIGGER documents_au;
        DROP TABLE documents_fts;
        CREATE VIRTUAL TABLE documents_fts USING fts5 (
            title, text, content = 'documents', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3 4', detail = none
        );
        CREATE TRIGGER documents_ai AFTER INSERT ON documents BEGIN
          INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE TRIGGER documents_ad AFTER DELETE ON documents BEGIN
          INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
        END;
        CREATE TRIGGER documents_au AFTER UPDATE OF title, text ON documents BEGIN
          INSERT INTO documents_fts (documents_fts, rowid, title, text) VALUES ('delete', old.id, old.title, old.text);
          INSERT INTO documents_fts (rowid, title, text) VALUES (new.id, new.title, new.text);
        END;
        CREATE INDEX documents_complete ON documents (complete);
        CREATE INDEX doc_status_by_annotator ON doc_status (annotator_id, status, doc_id);
        CREATE INDEX doc_status_by_status ON doc_status (status, doc_id, annotator_id);
        """)
    _index_texts(db)


def _report(message: str) -> None:
    """Tell the reporter given to ``migrate``, if any, how far a long migration is."""
    reporter = _progress.get()
    if reporter is not None:
        reporter(message)


FULL_TEXT_BATCH = 5_000
"""Documents indexed per statement when the full-text index is made again."""


def _index_texts(db: sqlite_utils.Database) -> None:
    """Put every stored document into the (empty) full-text index, in batches, telling
    the migration's progress reporter how far it is."""
    total = db.execute("SELECT count(*) FROM documents").fetchone()[0]
    indexed, last_id = 0, -1
    while True:
        count, top = db.execute("SELECT count(*), max(id) FROM (SELECT id FROM documents WHERE id > ?"
                                " ORDER BY id LIMIT ?)", [last_id, FULL_TEXT_BATCH]).fetchone()
        if not count:
            return
        db.execute("INSERT INTO documents_fts (rowid, title, text)"
                   " SELECT id, title, text FROM documents WHERE id > ? AND id <= ?", [last_id, top])
        indexed, last_id = indexed + count, top
        if total > FULL_TEXT_BATCH:
            _report(f"indexing the texts for search: {indexed:,} of {total:,} documents")


def m009_corpus(db: sqlite_utils.Database) -> None:
    """Who said what across the corpus (issue 13).

    - A canonical source is a ``person``, an ``organisation`` or ``other`` (it held the
      label of the mention that made it), may carry an external id (a Wikidata QID),
      and may be merged into another: ``merged_into`` then names the live source
      it is an alias of. Merges never rewrite anyone's spans (their ``canonical_id``
      stays): the alias row redirects, so undoing a merge touches one row. A live
      source's aliases point at it directly, never through another alias.
    - ``distinct_sources``: pairs a person said are not the same source (a rejected
      merge suggestion), so they are not suggested again.
    - ``claim_links``: a claim of a layer is the same claim as a stretch of another
      document (its offsets, not a span id: the other end lives on when a layer is
      suggested again or a span is replaced).
    - ``events.origin``: NULL for what was done in this file; for events that
      ``glose merge`` brought from another copy, where they came from.
    """
    _run_script(db, """
        ALTER TABLE canonical_sources ADD COLUMN merged_into INTEGER REFERENCES canonical_sources(id);
        ALTER TABLE canonical_sources ADD COLUMN external_id TEXT;
        UPDATE canonical_sources SET kind = CASE kind WHEN 'PER' THEN 'person' WHEN 'ORG' THEN 'organisation'
            ELSE 'other' END;
        CREATE INDEX canonical_sources_merged ON canonical_sources (merged_into) WHERE merged_into IS NOT NULL;
        CREATE INDEX spans_canonical ON spans (canonical_id) WHERE canonical_id IS NOT NULL;
        CREATE TABLE distinct_sources (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            a_id INTEGER NOT NULL REFERENCES canonical_sources(id) ON DELETE CASCADE,
            b_id INTEGER NOT NULL REFERENCES canonical_sources(id) ON DELETE CASCADE,
            CHECK (a_id < b_id),
            UNIQUE (a_id, b_id)
        );
        CREATE TABLE claim_links (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            layer_id INTEGER NOT NULL REFERENCES layers(id) ON DELETE CASCADE,
            claim_id INTEGER NOT NULL REFERENCES spans(id) ON DELETE CASCADE,
            other_doc_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            other_start INTEGER NOT NULL,
            other_end INTEGER NOT NULL,
            created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
            CHECK (other_start >= 0 AND other_end > other_start),
            UNIQUE (claim_id, other_doc_id, other_start, other_end)
        );
        CREATE INDEX claim_links_claim ON claim_links (claim_id);
        CREATE INDEX claim_links_other ON claim_links (other_doc_id, layer_id);
        ALTER TABLE events ADD COLUMN origin TEXT;
        """)


MIGRATIONS: list[Migration] = [
    m001_core, m002_fulltext, m003_indexes_for_seeding_and_undo, m004_ids_never_reused,
    m005_document_text_last, m006_reading_positions, m007_assignments, m008_lists_that_do_not_grow,
    m009_corpus,
]
LATEST_VERSION = len(MIGRATIONS)


def version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, *, application_id: int, upto: int = LATEST_VERSION,
            progress: Progress | None = None) -> None:
    """Apply the migrations after the database's version, each in one transaction.

    ``progress`` is told how far a long migration is (re-indexing 100,000 texts
    takes about 20 s), in sentences.

    The version is read inside each write transaction: two processes opening a
    new file at once must not both run the same migration.
    Foreign keys are off while migrations run (a table rebuilt must not cascade
    deletes into the tables that point at it) and checked before each commit;
    old-style ALTER TABLE lets a table be renamed while triggers elsewhere name it.
    """
    from glose.db.transaction import write

    if version(db) >= upto:
        return
    saved = [db.execute(f"PRAGMA {name}").fetchone()[0] for name in ("foreign_keys", "legacy_alter_table")]
    db.execute("PRAGMA foreign_keys = OFF")
    db.execute("PRAGMA legacy_alter_table = ON")
    reporting = _progress.set(progress)
    try:
        while version(db) < upto:
            with write(db):
                number = version(db) + 1
                if number > upto:  # another process got there first
                    break
                MIGRATIONS[number - 1](db)
                broken = db.execute("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise sqlite3.IntegrityError(f"migration {number} broke {len(broken)} foreign key(s)")
                db.execute(f"PRAGMA application_id = {int(application_id)}")
                db.execute(f"PRAGMA user_version = {number}")
    finally:
        _progress.reset(reporting)
        db.execute(f"PRAGMA foreign_keys = {int(saved[0])}")
        db.execute(f"PRAGMA legacy_alter_table = {int(saved[1])}")
