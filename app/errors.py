"""The errors glose reports to its user: one line each, never a traceback.

Everything glose refuses on purpose derives from :class:`GloseError`; its message
is written for the person at the keyboard and names what was left unchanged. The
command line catches ``GloseError`` once (exit status 2); the app shows it on the
status line. Also: SQLite's errors in words.
"""
from __future__ import annotations

import sqlite3


class GloseError(Exception):
    """A refusal or failure explained in one line (the CLI exits with status 2)."""


class DatabaseRefused(GloseError):
    """The file is not a glose database we can use; it was left untouched."""


class ReadOnly(GloseError):
    """The database can be read but not written (file or folder permissions, or --read-only)."""


class UsageError(GloseError):
    """A command was asked something it cannot do (a bad option value, a missing file)."""


class UnknownDocument(GloseError, LookupError):
    """No (complete) document has that id."""


class UnknownLayer(GloseError, LookupError):
    """No layer has that name."""


class ModelMissing(GloseError):
    """The spaCy pipeline cannot be loaded; the message says how to install it."""


class WorkerDied(GloseError):
    """A process parsing for an import stopped without its results."""


class BadFile(GloseError):
    """A file that cannot be imported; the message says why (one line). The import
    reports it and goes on with the other files."""


class EditRefused(GloseError):
    """An edit (or an undo/redo) that would touch a row that is gone, changed or not
    this annotator's; nothing was changed."""


def describe(exc: sqlite3.Error) -> str:
    """What a database error means for the person at the keyboard, in a few words."""
    text = str(exc)
    lowered = text.lower()
    if "locked" in lowered or "busy" in lowered:
        return "the database is busy (another process is writing); try again"
    if "readonly" in lowered or "read-only" in lowered:
        return "the database file is read-only"
    if "full" in lowered:
        return "the disk is full"
    if "malformed" in lowered or "not a database" in lowered:
        return "the database file is damaged"
    if "disk i/o" in lowered:
        return "a disk input/output error"
    return text


def is_busy(exc: BaseException) -> bool:
    """Whether an error only means that another connection holds the write lock."""
    return isinstance(exc, sqlite3.OperationalError) and any(
        word in str(exc).lower() for word in ("locked", "busy"))
