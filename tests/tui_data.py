"""A small article with hand-made suggestions, for the app's pilot tests (no model needed)."""
from __future__ import annotations

from glose.db import documents, layers, spans
from glose.db.transaction import write
from glose.textnorm import normalize, text_hash
from glose.vocabulary import SUGGESTIONS

HOSTILE_TITLE = normalize("Titre [bold]piégé[/b] \x1b[2J")
TEXT = normalize(
    "Titre [bold]piégé[/b] \x1b[2J\n"
    "« La paix est proche », a déclaré Jean Dupont à Genève. "
    "Selon l'ONU, la trêve tiendra. Une source diplomatique reste prudente."
)


def at(part: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def span(part: str, label: str, **extra) -> dict:
    start, end = at(part)
    return {"start": start, "end": end, "label": label, "origin": "test", **extra}


def add_doc(db, text: str, title: str, suggested=(), relations=()) -> int:
    with write(db):
        doc = documents.insert_document(db, text=text, text_hash=text_hash(text), title=title,
                                        meta={"date": "2016-12"}, origin="t.txt", n_words=len(text.split()))
        spans.add_annotations(db, doc, layers.layer_id(db, SUGGESTIONS), list(suggested), list(relations))
    return doc


def build(db) -> int:
    """Two claims: a direct quote with cue and source, and a 'selon' claim; plus a second document."""
    doc = add_doc(db, TEXT, HOSTILE_TITLE, [
        span("« La paix est proche »", "CLAIM", attrs={"quote_type": "direct"}),  # 0
        span("a déclaré", "CUE"),  # 1
        span("Jean Dupont", "PER"),  # 2
        span("Genève", "LOC"),  # 3
        span("la trêve tiendra", "CLAIM", attrs={"quote_type": "indirect"}),  # 4
        span("Selon", "CUE"),  # 5
        span("ONU", "ORG"),  # 6
    ], [
        {"head": 0, "child": 1, "label": "CUE"}, {"head": 0, "child": 2, "label": "SAID_BY"},
        {"head": 4, "child": 5, "label": "CUE"}, {"head": 4, "child": 6, "label": "SAID_BY"},
    ])
    add_doc(db, "Un autre article sur Alep, sans accents : Alep.", "Deuxième article")
    return doc
