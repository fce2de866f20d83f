"""A second connection opened in the same process must not cost the first its locks.

Reading a file's header with open()/close() drops every POSIX lock the process holds
on that file (SQLite's "How To Corrupt Your Database Files", 2.2); another process
closing its connection then finds itself alone, checkpoints and deletes the WAL and
its index under the connection still open here. It happened in the app's own tests
(an adjudication test read "disk I/O error" after a CLI export)."""
from __future__ import annotations

import os

from glose.db.connection import open_db
from tests.tui_data import build


def test_opening_the_file_again_in_this_process_keeps_the_wal_of_the_open_connection(db_path, run_glose):
    db = open_db(db_path)
    build(db)
    again = open_db(db_path)  # a second connection here, as an app worker would open
    again.close()
    assert run_glose("export", "--layer", "suggestions", db=db_path).returncode == 0  # opens and closes
    assert os.path.exists(f"{db_path}-wal") and os.path.exists(f"{db_path}-shm")
    with db.conn:
        db.execute("INSERT INTO annotators (name) VALUES ('still writing')")
    assert run_glose("stats", db=db_path).returncode == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    db.close()


def test_a_read_only_opening_beside_an_open_connection_still_finds_the_file(db_path):
    from glose.db.connection import open_db

    db = open_db(db_path)
    build(db)
    other = open_db(db_path, create=False, access="read")  # it once said "no documents yet"
    assert other.execute("SELECT count(*) FROM documents").fetchone()[0] == 2
    other.close()
    db.close()
