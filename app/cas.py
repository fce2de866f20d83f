"""UIMA CAS XMI (INCEpTION's recommended format), both ways, through dkpro-cassis.

To be written: ``read_tasks`` turns an .xmi file into Prodigy-style tasks for the
importer, ``write_folder`` writes exported records as .xmi files and a TypeSystem.xml.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

from glose.errors import BadFile


def read_tasks(path: Path, content: str) -> list[dict]:
    raise BadFile("CAS XMI import is not built yet")


def write_folder(records: Iterable[dict], out: Path) -> int:
    raise NotImplementedError("CAS XMI export is not built yet")
