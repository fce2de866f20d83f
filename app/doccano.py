"""doccano's JSONL (sequence labeling and relation extraction projects), both ways.

To be written: ``read_tasks`` turns a file into Prodigy-style tasks for the importer,
``write`` writes exported records.
"""
from __future__ import annotations

from pathlib import Path
from typing import IO, Iterable

from glose.errors import BadFile


def read_tasks(path: Path, content: str) -> list[dict]:
    raise BadFile("doccano import is not built yet")


def write(records: Iterable[dict], out: IO[str]) -> int:
    raise NotImplementedError("doccano export is not built yet")
