"""One user action = one SQLite transaction, committed before the caller returns."""
from __future__ import annotations

import random
import sqlite3
import time
from contextlib import contextmanager
from typing import Iterator

import sqlite_utils

from glose.errors import is_busy


@contextmanager
def write(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """Run the block in one write transaction (a savepoint when nested).

    ``BEGIN IMMEDIATE`` takes the write lock up front, so two annotators on the
    same file wait for each other (busy timeout) instead of failing mid-action.
    Keep the block short: compute first, then write; another process waits for
    as long as it lasts.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    _begin_immediate(db)
    try:
        yield db
        db.execute("COMMIT")  # may itself fail (disk full, I/O error): then roll back too
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise


def inserted(cursor: sqlite3.Cursor) -> int:
    """The id of the row an INSERT just made."""
    assert cursor.lastrowid is not None, "not an INSERT"
    return cursor.lastrowid


def _begin_immediate(db: sqlite_utils.Database) -> None:
    """``BEGIN IMMEDIATE``, waiting for another writer up to the connection's busy
    timeout, but trying again every few milliseconds.

    SQLite's own wait sleeps up to 100 ms between tries: with several writers an
    unlucky one waited over a second while the others took the lock in turns
    (bench/soak.py, 8 annotators: worst edit wait 1.1-1.5 s with it, about 0.1 s so).
    """
    patience_ms = db.execute("PRAGMA busy_timeout").fetchone()[0]
    deadline = time.monotonic() + patience_ms / 1000
    db.execute("PRAGMA busy_timeout = 1")
    try:
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if not is_busy(exc) or time.monotonic() >= deadline:
                    raise
                time.sleep(random.uniform(0.001, 0.003))
    finally:
        db.execute(f"PRAGMA busy_timeout = {int(patience_ms)}")
