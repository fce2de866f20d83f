"""Opening a glose database: location, safety checks, pragmas, migrations.

One connection per thread (a ``sqlite3`` connection belongs to the thread that
opened it): call :func:`open_db` again in a worker thread. The connection is in
autocommit mode; every change goes through :func:`db.transaction.write`.

Nothing is written to a file before it has passed the checks: a file that is
not SQLite, another application's database, a newer schema, a damaged file
(truncated, a schema that does not match its version, a failed integrity
check) is refused with one line and left as it was.
"""
from __future__ import annotations

import os
import sqlite3
import threading
import weakref
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from glose.db.migrations import LATEST_VERSION, Progress, migrate
from glose.errors import DatabaseRefused, ReadOnly

APPLICATION_ID = 0x676C6F73  # "glos": marks a file as a glose database
BUSY_TIMEOUT_MS = 10_000
QUICK_CHECK_MAX_BYTES = 128 * 1024 * 1024
"""Up to this size every opening runs SQLite's ``quick_check`` (about 1 s per
100 MB here); above it only commands that write in bulk do (``check=True``),
and the app runs it in the background."""
_SQLITE_MAGIC = b"SQLite format 3\x00"


def open_db(path: str | os.PathLike, *, create: bool = True, access: str = "write",
            check: bool | None = None, busy_timeout_ms: int = BUSY_TIMEOUT_MS,
            progress: Progress | None = None) -> sqlite_utils.Database:
    """Open (creating and migrating if needed) the glose database at ``path``.

    ``access``: ``"write"`` needs write access (raises :class:`ReadOnly` if the
    file or its folder cannot be written); ``"read"`` opens read-write when it
    can (so an older schema is upgraded) and read-only otherwise;
    ``"read-only"`` never writes. ``check``: run SQLite's ``quick_check`` first
    (None: only for files up to ``QUICK_CHECK_MAX_BYTES``). ``progress`` is told
    how far a long upgrade of an older file is.

    Raises :class:`DatabaseRefused` for a file that is not SQLite, a SQLite file
    of another application, a newer schema or a damaged file; such files are
    not written to.
    """
    path = Path(path)
    if path.is_dir():
        raise DatabaseRefused(f"{path}: is a directory, not a glose database")
    exists = path.exists() and path.stat().st_size > 0
    if exists:
        # Reading the header opens and closes the file, and a close() drops every POSIX
        # lock this process holds on it: with a connection of ours open, another
        # process could then checkpoint and delete the WAL under it. That connection
        # already vouches for the file, so the header is read only when none is open.
        if not _open_here(path):
            _check_header(path)
    elif not create:
        state = "is empty" if path.exists() else "does not exist"
        raise DatabaseRefused(f"{path}: {state}, no documents yet; start with 'glose import PATH...'")
    why_not = None if access == "read-only" else why_not_writable(path)
    if access == "write" and why_not:
        raise ReadOnly(f"{path}: cannot be written ({why_not}); glose can still read it"
                       " (stats, export, or the app with --read-only)")
    read_only = access == "read-only" or why_not is not None
    if read_only and not exists:
        raise DatabaseRefused(f"{path}: does not exist, and cannot be created ({why_not or 'read-only'})")

    conn = _connect(path, read_only=read_only, busy_timeout_ms=busy_timeout_ms)
    try:
        _check_identity(conn, path)
        if check or (check is None and exists and path.stat().st_size <= QUICK_CHECK_MAX_BYTES):
            problem = _quick_check(conn)
            if problem:
                raise DatabaseRefused(f"{path}: damaged ({problem}); left untouched. {_RECOVER}")
        db = sqlite_utils.Database(conn)
        if read_only:
            conn.execute("PRAGMA query_only = ON")
            if migrations_version(conn) < LATEST_VERSION:
                raise DatabaseRefused(f"{path}: made by an older glose and read-only here; open it once"
                                      " with write access to upgrade it")
        else:
            conn.execute("PRAGMA journal_mode = WAL")
            migrate(db, application_id=APPLICATION_ID, progress=progress)
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DatabaseRefused(f"{path}: cannot be used ({exc}); left untouched") from exc
    except BaseException:
        conn.close()
        raise
    return db


_RECOVER = "A backup, or 'sqlite3 FILE .recover', may save its data."


def data_version(db: sqlite_utils.Database) -> int:
    """A number that changes whenever another connection commits to the file (cheap:
    no read of the database), for a screen to notice others' changes."""
    return db.execute("PRAGMA data_version").fetchone()[0]


def is_read_only(db: sqlite_utils.Database) -> bool:
    """Whether this connection was opened read-only (writing raises an error)."""
    return bool(db.execute("PRAGMA query_only").fetchone()[0])


def integrity_problem(path: str | os.PathLike) -> str | None:
    """SQLite's ``quick_check`` of the file, on a connection of its own (any thread):
    None when it is sound, else the first problem found."""
    try:
        conn = _connect(Path(path), read_only=True, busy_timeout_ms=BUSY_TIMEOUT_MS)
    except DatabaseRefused as exc:
        return str(exc)
    try:
        return _quick_check(conn)
    finally:
        conn.close()


def migrations_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def why_not_writable(path: Path) -> str | None:
    """Why glose could not write this database (None: it can). WAL mode writes
    files beside the database, so its folder must be writable too."""
    folder = path.parent if str(path.parent) else Path(".")
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not folder.is_dir():
        return f"its folder {folder} does not exist"
    if not os.access(folder, os.W_OK):
        return "its folder is read-only"
    return None


_OPEN: dict[tuple[int, int], weakref.WeakSet] = {}
"""This process's open connections per file (device, inode); one that is garbage
collected without close() leaves by itself."""
_OPEN_LOCK = threading.Lock()


class _TrackedConnection(sqlite3.Connection):
    """A connection that stands in ``_OPEN`` until it is closed (or collected)."""

    _inode: tuple[int, int] | None = None

    def track(self, inode: tuple[int, int]) -> None:
        with _OPEN_LOCK:
            _OPEN.setdefault(inode, weakref.WeakSet()).add(self)
        self._inode = inode

    def close(self) -> None:
        inode, self._inode = self._inode, None
        if inode is not None:
            with _OPEN_LOCK:
                _OPEN[inode].discard(self)
        super().close()


def _inode(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


def _open_here(path: Path) -> bool:
    """Whether this process holds an open connection to the file."""
    with _OPEN_LOCK:
        return bool(_OPEN.get(_inode(path)))


def _connect(path: Path, *, read_only: bool, busy_timeout_ms: int) -> sqlite3.Connection:
    uri = f"file:{quote(str(path.absolute()))}"
    attempts = [f"{uri}?mode=ro"] if read_only else [uri]
    wal = path.with_name(path.name + "-wal")
    if read_only and not (wal.exists() and wal.stat().st_size):
        # A WAL database in a read-only folder cannot get its -shm file; with no
        # WAL content to miss, SQLite may read it as an immutable file.
        attempts.append(f"{uri}?mode=ro&immutable=1")
    error = None
    for target in attempts:
        conn = sqlite3.connect(target, uri=True, timeout=busy_timeout_ms / 1000, isolation_level=None,
                               factory=_TrackedConnection)
        try:
            conn.execute("PRAGMA schema_version").fetchone()  # opening is lazy: touch the file now
            conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
            conn.track(_inode(path))
            return conn
        except sqlite3.DatabaseError as exc:
            conn.close()
            error = exc
    if error is not None and "not a database" in str(error):
        raise DatabaseRefused(f"{path}: not a glose database ({error}); left untouched")
    raise DatabaseRefused(f"{path}: cannot open ({error})")


def _check_header(path: Path) -> None:
    """Refuse a file that is no SQLite database, or one shorter than its header says."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        header = handle.read(100)
    if header[:len(_SQLITE_MAGIC)] != _SQLITE_MAGIC:
        raise DatabaseRefused(f"{path}: not a glose database (not an SQLite file); left untouched")
    if len(header) < 100:
        raise DatabaseRefused(f"{path}: damaged (truncated to {size} bytes); left untouched. {_RECOVER}")
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        raise DatabaseRefused(f"{path}: damaged (its header is garbled); left untouched. {_RECOVER}")
    wal = path.with_name(path.name + "-wal")
    if wal.exists() and wal.stat().st_size:
        return  # the WAL may hold pages the file does not have yet: leave it to SQLite
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96] and pages > 0
    if size % page_size or (header_valid and pages * page_size > size):
        raise DatabaseRefused(f"{path}: damaged (truncated: {size:,} bytes, its header says"
                              f" {pages * page_size:,}); left untouched. {_RECOVER}")


def _check_identity(conn: sqlite3.Connection, path: Path) -> None:
    try:
        # One read transaction: another process may be migrating the file meanwhile,
        # and version and tables must come from the same moment.
        conn.execute("BEGIN")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = migrations_version(conn)
            objects = set(conn.execute(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())
        finally:
            conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        raise DatabaseRefused(f"{path}: not a glose database ({exc}); left untouched") from exc
    if app_id != APPLICATION_ID and (objects or version):
        raise DatabaseRefused(f"{path}: an SQLite database of another application, not glose; left untouched")
    if version > LATEST_VERSION:
        raise DatabaseRefused(
            f"{path}: made by a newer glose (schema version {version}, this glose knows up to "
            f"{LATEST_VERSION}); upgrade glose. The file was left untouched"
        )
    if app_id == APPLICATION_ID:
        _check_schema(objects, version, path)


def _check_schema(objects: set[tuple[str, str]], version: int, path: Path) -> None:
    """The tables, indexes and triggers must be those of the schema version the file
    states: one missing, or one that only a later version creates, means damage."""
    missing = sorted(name for _, name in schema_objects(version) - objects)
    later = sorted(name for _, name in (schema_objects(LATEST_VERSION) - schema_objects(version)) & objects)
    if missing:
        raise DatabaseRefused(f"{path}: damaged (missing {', '.join(missing[:3])}); left untouched. {_RECOVER}")
    if later:
        raise DatabaseRefused(
            f"{path}: damaged (its schema version {version} does not match what it holds:"
            f" {', '.join(later[:3])}); left untouched")


@lru_cache(maxsize=None)
def schema_objects(version: int) -> frozenset[tuple[str, str]]:
    """(type, name) of every table, index and trigger the migrations up to ``version`` make."""
    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(sqlite_utils.Database(conn), application_id=APPLICATION_ID, upto=version)
        return frozenset(conn.execute(
            "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'").fetchall())
    finally:
        conn.close()


def _quick_check(conn: sqlite3.Connection) -> str | None:
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    problems = [row[0] for row in rows if row[0] != "ok"]
    return "; ".join(problems)[:200] if problems else None
