"""One user action = one SQLite transaction, committed before the caller returns."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import sqlite_utils


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
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
        db.execute("COMMIT")  # may itself fail (disk full, I/O error): then roll back too
    except BaseException:
        if db.conn.in_transaction:
            db.execute("ROLLBACK")
        raise
