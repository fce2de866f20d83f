"""Opening a glose database: location, safety checks, pragmas, migrations.

One connection per thread (a ``sqlite3`` connection belongs to the thread that
opened it): call :func:`open_db` again in a worker thread. The connection is in
autocommit mode; every change goes through :func:`db.transaction.write`.
"""
from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import sqlite_utils

from db.migrations import LATEST_VERSION, migrate

APPLICATION_ID = 0x676C6F73  # "glos": marks a file as a glose database
BUSY_TIMEOUT_MS = 10_000
DEFAULT_PATH = "glose.db"
_SQLITE_MAGIC = b"SQLite format 3\x00"


class DatabaseRefused(Exception):
    """The file is not a glose database we can use; it was left untouched."""


def resolve_path(cli_value: str | os.PathLike | None = None) -> Path:
    """``--db PATH``, else ``$GLOSE_DB``, else ``./glose.db``."""
    return Path(cli_value or os.environ.get("GLOSE_DB") or DEFAULT_PATH)


def open_db(path: str | os.PathLike, *, create: bool = True) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the glose database at ``path``.

    Raises :class:`DatabaseRefused` for a file that is not SQLite, a SQLite file
    of another application, or a glose database from a newer glose; such files are
    not written to.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseRefused(f"{path}: is a directory, not a glose database")
    if path.exists() and path.stat().st_size > 0:
        with path.open("rb") as handle:
            if handle.read(len(_SQLITE_MAGIC)) != _SQLITE_MAGIC:
                raise DatabaseRefused(f"{path}: not a glose database (not an SQLite file); left untouched")
    elif not create:
        state = "is empty" if path.exists() else "does not exist"
        raise DatabaseRefused(f"{path}: {state}, no documents yet; start with 'glose import PATH...'")

    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        conn.execute("PRAGMA schema_version").fetchone()  # opening is lazy: touch the file now
    except sqlite3.OperationalError as exc:
        raise DatabaseRefused(f"{path}: cannot open ({exc})") from exc
    try:
        _check_identity(conn, path)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        db = sqlite_utils.Database(conn)
        migrate(db, application_id=APPLICATION_ID)
    except BaseException:
        conn.close()
        raise
    return db


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    try:
        app_id = conn.execute("PRAGMA application_id").fetchone()[0]
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        n_objects = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path}: not a glose database ({exc}); left untouched") from exc
    if app_id != APPLICATION_ID and (n_objects or version):
        raise DatabaseRefused(f"{path}: an SQLite database of another application, not glose; left untouched")
    if version > LATEST_VERSION:
        raise DatabaseRefused(
            f"{path}: made by a newer glose (schema version {version}, this glose knows up to "
            f"{LATEST_VERSION}); upgrade glose. The file was left untouched"
        )
