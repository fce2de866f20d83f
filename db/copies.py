"""A copy of the whole database to take away (offline work), made while others write."""
from __future__ import annotations

import os
from pathlib import Path

import sqlite_utils

from glose.errors import UsageError


def copy_database(db: sqlite_utils.Database, out: str | os.PathLike) -> int:
    """Write every table of ``db`` into a new file ``out``; return its size in bytes.

    ``VACUUM INTO`` reads one snapshot (a read transaction: the other annotators keep
    writing meanwhile, and what they commit during the copy is not in it), keeps ids,
    the event log and the schema version, so ``glose merge`` can later tell what was
    done in the copy. A plain ``cp`` of a file in WAL mode can miss what is still in
    its ``-wal`` file. The copy is written beside ``out`` and renamed at the end: an
    interrupted copy leaves no half file under that name.
    """
    target = Path(out)
    if target.exists():
        raise UsageError(f"{target}: already exists; glose copy never overwrites a file")
    if not target.parent.is_dir():
        raise UsageError(f"{target.parent}: no such folder")
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    try:
        db.execute("VACUUM INTO ?", [str(part)])
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    return target.stat().st_size
