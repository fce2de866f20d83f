"""Schema migrations: from empty and from every earlier version."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from glose.db import documents
from glose.db.connection import APPLICATION_ID, open_db
from glose.db.migrations import LATEST_VERSION, MIGRATIONS, migrate, version
from glose.db.transaction import write
from glose.errors import DatabaseRefused


def test_from_empty_reaches_latest_with_wal_and_foreign_keys(db_path):
    db = open_db(db_path)
    assert version(db) == LATEST_VERSION == len(MIGRATIONS)
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert {"documents", "doc_tokens", "spans", "relations", "layers", "annotators",
            "canonical_sources", "doc_status", "events", "documents_fts"} <= set(db.table_names())


@pytest.mark.parametrize("start", range(1, LATEST_VERSION))
def test_from_each_earlier_version_keeps_data(db_path, start):
    conn = sqlite3.connect(db_path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    migrate(old, application_id=APPLICATION_ID, upto=start)
    assert version(old) == start
    with write(old):  # as glose wrote documents at every version so far
        old.execute("INSERT INTO documents (text, text_hash, title, meta, origin, n_chars)"
                    " VALUES (?, 'h1', 'Alep', '{}', 'x.txt', 30)", ["Alep est tombée, selon l'OSDH."])
    conn.close()

    db = open_db(db_path)
    assert version(db) == LATEST_VERSION
    assert documents.count_documents(db) == 1
    assert documents.search(db, "osdh") == [1]  # full text (added in 2) covers old rows


def version_7_with_documents(db_path, count: int) -> None:
    """A file as glose wrote it at schema 7 (full-text index without prefixes), with documents."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    migrate(old, application_id=APPLICATION_ID, upto=7)
    with write(old):
        for number in range(count):
            text = f"Dépêche {number}, de {'Genève' if number % 3 == 0 else 'Alep'}."
            documents.insert_document(old, text=text, text_hash=f"h{number}", title=f"n° {number}", meta={},
                                      origin=None)
    conn.close()


def test_upgrading_to_8_indexes_every_text_again_and_says_how_far(db_path, monkeypatch):
    version_7_with_documents(db_path, 25)
    monkeypatch.setattr("glose.db.migrations.FULL_TEXT_BATCH", 10)
    said: list[str] = []
    db = open_db(db_path, progress=said.append)
    assert version(db) == LATEST_VERSION
    assert said == [f"indexing the texts for search: {done} of 25 documents" for done in (10, 20, 25)]
    assert documents.search(db, "gen") == [n + 1 for n in range(25) if n % 3 == 0]  # a prefix, accents aside
    assert documents.search(db, "g") == documents.search(db, "gen")  # prefix indexes: 1 to 4 characters
    db.execute("INSERT INTO documents_fts (documents_fts) VALUES ('integrity-check')")  # raises if out of step
    (create,) = db.execute("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'").fetchone()
    assert "prefix = '1 2 3 4'" in create and "detail = none" in create
    with write(db):  # the triggers follow new documents
        new = documents.insert_document(db, text="Kyiv, lundi.", text_hash="k", title="Kyiv", meta={}, origin=None)
    assert documents.search(db, "kyiv") == [new]
    assert {"documents_complete", "doc_status_by_annotator", "doc_status_by_status"} <= {
        name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}



def test_upgrading_to_9_gives_canonical_sources_kinds_and_keeps_every_tie(db_path):
    """Sources made before 9 held the label of the mention that made them."""
    conn = sqlite3.connect(db_path, isolation_level=None)
    old = sqlite_utils.Database(conn)
    migrate(old, application_id=APPLICATION_ID, upto=8)
    with write(old):
        doc = documents.insert_document(old, text="Ban Ki-moon et l'ONU.", text_hash="h", title="t", meta={},
                                        origin=None)
        old.execute("INSERT INTO layers (name, kind) VALUES ('suggestions', 'suggestions')")
        for name, kind in (("Ban Ki-moon", "PER"), ("ONU", "ORG"), ("le porte-parole", "SOURCE"), ("x", None)):
            old.execute("INSERT INTO canonical_sources (name, kind) VALUES (?, ?)", [name, kind])
        old.execute("INSERT INTO spans (doc_id, layer_id, start, end, label, origin, canonical_id)"
                    " VALUES (?, 1, 0, 11, 'PER', 'spacy', 1)", [doc])
        old.execute("INSERT INTO events (grp, kind, action) VALUES (1, 'do', 'import')")
    conn.close()

    db = open_db(db_path)
    assert version(db) == LATEST_VERSION
    assert db.execute("SELECT name, kind, merged_into, external_id FROM canonical_sources ORDER BY id").fetchall() == [
        ("Ban Ki-moon", "person", None, None), ("ONU", "organisation", None, None),
        ("le porte-parole", "other", None, None), ("x", "other", None, None)]
    assert db.execute("SELECT canonical_id FROM spans").fetchall() == [(1,)]
    assert db.execute("SELECT origin FROM events").fetchall() == [(None,)]
    assert {"distinct_sources", "claim_links"} <= set(db.table_names())

def test_the_cli_says_how_far_the_upgrade_of_an_older_file_is(db_path, monkeypatch, capsys):
    from glose.cli import main

    version_7_with_documents(db_path, 12)
    monkeypatch.setattr("glose.db.migrations.FULL_TEXT_BATCH", 5)
    assert main(["--db", str(db_path), "stats"]) == 0
    said = capsys.readouterr().err
    assert f"glose: upgrading {db_path}: indexing the texts for search: 5 of 12 documents" in said
    assert "12 of 12 documents" in said


def test_reopening_is_a_no_op(db_path):
    open_db(db_path).close()
    db = open_db(db_path)
    assert version(db) == LATEST_VERSION


def test_failed_migration_leaves_previous_version(db_path, monkeypatch):
    conn = sqlite3.connect(db_path, isolation_level=None)
    migrate(sqlite_utils.Database(conn), application_id=APPLICATION_ID, upto=1)
    conn.close()

    def broken(db):
        db.execute("CREATE TABLE half_done (x)")
        raise RuntimeError("disk on fire")

    monkeypatch.setattr("glose.db.migrations.MIGRATIONS", [MIGRATIONS[0], broken])
    with pytest.raises(RuntimeError):
        open_db(db_path)
    raw = sqlite3.connect(db_path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == 1
    assert raw.execute("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").fetchone()[0] == 0


def test_event_log_is_append_only(db):
    db.execute("INSERT INTO events (grp, kind, action) VALUES (1, 'do', 'x')")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("UPDATE events SET action = 'y'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        db.execute("DELETE FROM events")


def test_spans_cannot_leave_their_text(db):
    with write(db):
        doc = documents.insert_document(db, text="abc", text_hash="h", title="t", meta={}, origin=None)
        db.execute("INSERT INTO layers (name, kind) VALUES ('l', 'import')")
    with pytest.raises(sqlite3.IntegrityError, match="past the document"):
        db.execute("INSERT INTO spans (doc_id, layer_id, start, end, label, origin) VALUES (?, 1, 1, 4, 'PER', 'x')", [doc])
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("INSERT INTO spans (doc_id, layer_id, start, end, label, origin) VALUES (?, 1, 2, 2, 'PER', 'x')", [doc])


class TestRefusals:
    def test_text_file_is_refused_untouched(self, tmp_path):
        path = tmp_path / "notes.db"
        path.write_bytes(b"my precious notes\n")
        with pytest.raises(DatabaseRefused, match="not a glose database"):
            open_db(path)
        assert path.read_bytes() == b"my precious notes\n"

    def test_other_sqlite_app_is_refused_untouched(self, tmp_path):
        path = tmp_path / "other.db"
        conn = sqlite3.connect(path)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
        before = path.read_bytes()
        with pytest.raises(DatabaseRefused, match="another application"):
            open_db(path)
        assert path.read_bytes() == before

    def test_newer_schema_is_refused_untouched(self, db_path):
        open_db(db_path).close()
        conn = sqlite3.connect(db_path)
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 1}")
        conn.close()
        before = db_path.read_bytes()
        with pytest.raises(DatabaseRefused, match="newer glose"):
            open_db(db_path)
        assert db_path.read_bytes() == before

    def test_missing_file_not_created_when_reading(self, tmp_path):
        with pytest.raises(DatabaseRefused, match="does not exist, no documents yet"):
            open_db(tmp_path / "nope.db", create=False)
        assert not (tmp_path / "nope.db").exists()


def test_processes_creating_one_file_at_once_migrate_it_once(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = tmp_path / "race.db"
    code = f"from glose.db.connection import open_db; open_db({str(path)!r}).close()"
    runs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stderr=subprocess.PIPE, text=True)
            for _ in range(6)]
    errors = [run.communicate(timeout=60)[1] for run in runs]
    assert [run.returncode for run in runs] == [0] * 6, errors
    assert version(open_db(path)) == LATEST_VERSION
