"""Label Studio JSON (text + labels and relation results), both ways.

To be written: ``read_tasks`` turns a file into Prodigy-style tasks for the importer,
``write`` writes exported records.
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Iterable

from glose.errors import BadFile


def read_tasks(path: Path, content: str) -> list[dict]:
    raise BadFile("Label Studio import is not built yet")


def write(records: Iterable[dict], out: IO[str]) -> int:
    raise NotImplementedError("Label Studio export is not built yet")
