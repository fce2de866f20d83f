"""glose copy: a whole, consistent copy to take away, made while others write."""
from __future__ import annotations

import sqlite3

import pytest

from glose.db import documents, layers
from glose.db.connection import open_db
from glose.db.copies import copy_database
from glose.db.edits import Editor
from glose.db.transaction import write
from glose.errors import UsageError


def small_team_db(path) -> None:
    db = open_db(path)
    with write(db):
        doc = documents.insert_document(db, text="Alep est tombée.", text_hash="h", title="Alep", meta={},
                                        origin=None)
        layers.layer_id(db, "alice", annotator="alice")
    Editor(db, "alice", doc).set_status("done")
    db.close()


def test_the_copy_holds_what_was_committed_not_what_another_process_is_writing(tmp_path):
    team = tmp_path / "team.db"
    small_team_db(team)
    db = open_db(team)
    other = sqlite3.connect(team, isolation_level=None)  # another annotator, mid-transaction
    other.execute("BEGIN IMMEDIATE")
    other.execute("INSERT INTO annotators (name) VALUES ('bob')")
    copy_database(db, tmp_path / "laptop.db")  # does not wait for the writer
    other.execute("COMMIT")
    laptop = open_db(tmp_path / "laptop.db")
    assert [name for (name,) in laptop.execute("SELECT name FROM annotators ORDER BY id")] == ["alice"]
    for table in ("documents", "events", "doc_status", "sqlite_sequence"):
        assert laptop.execute(f"SELECT * FROM {table}").fetchall() == db.execute(
            f"SELECT * FROM {table}").fetchall(), table
    assert laptop.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert documents.search(laptop, "alep") == [1]


def test_never_overwrites_and_leaves_no_half_file(tmp_path):
    team = tmp_path / "team.db"
    small_team_db(team)
    db = open_db(team)
    (tmp_path / "laptop.db").write_bytes(b"mine")
    with pytest.raises(UsageError, match="already exists"):
        copy_database(db, tmp_path / "laptop.db")
    assert (tmp_path / "laptop.db").read_bytes() == b"mine"
    with pytest.raises(UsageError, match="no such folder"):
        copy_database(db, tmp_path / "nowhere" / "laptop.db")
    assert sorted(p.name for p in tmp_path.iterdir() if "laptop" in p.name) == ["laptop.db"]


@pytest.mark.slow
def test_the_cli_copies_and_says_how_to_bring_it_back(run_glose, tmp_path):
    small_team_db(tmp_path / "team.db")
    result = run_glose("--db", str(tmp_path / "team.db"), "copy", str(tmp_path / "laptop.db"))
    assert result.returncode == 0, result.stderr
    assert "merge" in result.stderr and (tmp_path / "laptop.db").exists()
    again = run_glose("--db", str(tmp_path / "team.db"), "copy", str(tmp_path / "laptop.db"))
    assert again.returncode == 2 and "already exists" in again.stderr
