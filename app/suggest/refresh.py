"""``glose suggest``: recompute the machine suggestions of stored documents.

Only the layer ``suggestions`` changes (one transaction per document, logged);
annotators' layers are never touched.
"""
from __future__ import annotations

from typing import Callable

import sqlite_utils

from glose.db import documents, layers, spans
from glose.db.transaction import write
from glose.errors import UnknownDocument
from glose.nlp import parse
from glose.suggest.rows import suggestions_of
from glose.vocabulary import CLAIM, SUGGESTIONS


def resuggest(db: sqlite_utils.Database, nlp, doc_ids: list[int] | None = None, *,
              batch_size: int = 32, on_progress: Callable[[int], None] | None = None,
              model=None) -> dict[int, int]:
    """Re-parse the documents and replace their suggestions; return {doc id: claims}.
    With ``model`` (a trained pipeline), its spans join them (origin MODEL)."""
    doc_ids = doc_ids or documents.document_ids(db)
    missing = [doc_id for doc_id in doc_ids if documents.get_document(db, doc_id) is None]
    if missing:
        raise UnknownDocument(f"no document with id {', '.join(map(str, missing))}")
    texts = ((documents.document(db, doc_id)["text"], doc_id) for doc_id in doc_ids)
    with write(db):
        layer = layers.layer_id(db, SUGGESTIONS)
    claims = {}
    for done, (doc, doc_id) in enumerate(parse(nlp, texts, batch_size=batch_size), start=1):
        suggested, relations = suggestions_of(doc, model)
        rows = spans.batch(suggested, relations)  # computed before the write lock is taken
        with write(db):
            spans.replace_layer(db, doc_id, layer, rows, action="suggest")
        claims[doc_id] = sum(1 for span in suggested if span["label"] == CLAIM)
        if on_progress:
            on_progress(done)
    return claims
