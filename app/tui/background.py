"""Reading the database off the UI thread, for reads that grow with the corpus.

A sqlite3 connection belongs to the thread that opened it: the worker opens its own
(read-only, not checked again), reads, closes it, and hands the answer to the UI
thread. A newer read of the same group makes an older one's answer moot: it is
dropped. A database error is handed over instead of the answer.
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, Callable, TypeVar

from textual.screen import Screen
from textual.worker import get_current_worker

from glose.db.connection import open_db
from glose.errors import GloseError

if TYPE_CHECKING:
    import sqlite_utils

T = TypeVar("T")


def read_apart(screen: Screen, read: Callable[[sqlite_utils.Database], T], done: Callable[[T], None],
               failed: Callable[[BaseException], None], *, group: str) -> None:
    """Run ``read`` on a worker thread's own connection; then ``done(answer)`` (or
    ``failed(error)``) on the UI thread, unless another read of ``group`` began since."""
    path = screen.app.db_path  # type: ignore[attr-defined]

    def work() -> None:
        try:
            db = open_db(path, access="read-only", check=False)
            try:
                answer = read(db)
            finally:
                db.close()
        except (GloseError, sqlite3.Error) as exc:
            if not get_current_worker().is_cancelled:
                screen.app.call_from_thread(failed, exc)
            return
        if not get_current_worker().is_cancelled:
            screen.app.call_from_thread(done, answer)

    screen.run_worker(work, thread=True, exclusive=True, group=group)
