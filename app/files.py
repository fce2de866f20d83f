"""Files that exports write into a folder: names made from titles, contents that
never appear half written."""
from __future__ import annotations

from pathlib import Path


def safe_stem(title: str) -> str:
    """A file name from a title: letters, digits and dashes, at most 40."""
    stem = "".join(c if c.isalnum() else "-" for c in title.lower())
    return "-".join(filter(None, stem.split("-")))[:40] or "document"


def write_whole(path: Path, content: str) -> None:
    """Write under a temporary name, then rename: a reader sees all of it or nothing."""
    part = path.with_name(path.name + ".part")
    part.write_text(content, encoding="utf-8", newline="")
    part.replace(path)
