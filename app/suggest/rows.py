"""From a parsed spaCy Doc to the rows of the layer ``suggestions`` (no database here).

Used by ``glose import`` and ``glose suggest``: spaCy's entities and the claim
frames of the suggestion engine, as the ``NewSpan``/``NewRelation`` rows of
``glose.db.spans``.
"""
from __future__ import annotations

from glose.db.spans import NewRelation, NewSpan
from glose.spacy_corpus import SPANS_KEY
from glose.suggest.component import frames_of
from glose.suggest.frames import Frame
from glose.vocabulary import (
    ALSO_FOUND_BY,
    CLAIM,
    CUE,
    ENTITY_LABELS,
    MODEL,
    RULES,
    SAID_BY,
    SOURCE,
    SPACY,
    SPAN_LABELS,
)


def suggestions_of(doc, model=None) -> tuple[list[NewSpan], list[NewRelation]]:
    """Entity spans plus claim frames of a parsed doc, as (spans, relations); with
    ``model`` (a pipeline from ``glose train``), its spans too (``model_spans``)."""
    spans: list[NewSpan] = [
        {"start": ent.start_char, "end": ent.end_char, "label": ent.label_, "origin": SPACY}
        for ent in doc.ents
        if ent.label_ in ENTITY_LABELS
    ]
    relations = frames_to_rows(frames_of(doc), spans)
    if model is not None:
        spans += model_spans(model, doc.text)
    for span in spans:  # exports to spaCy need whole tokens: widen any span that cuts one
        aligned = doc.char_span(span["start"], span["end"], alignment_mode="expand")
        if aligned is not None:
            span["start"], span["end"] = aligned.start_char, aligned.end_char
    return _found_once(spans), relations


def _found_once(spans: list[NewSpan]) -> list[NewSpan]:
    """A model's span that spaCy or the rules suggested already is not shown twice: the
    first one says the model found it too (``glose eval --origin model`` counts it).
    The model's spans come last and link nothing, so the relations' indices hold."""
    first: dict[tuple[int, int, str], NewSpan] = {}
    kept = []
    for span in spans:
        key = (span["start"], span["end"], span["label"])
        if span.get("origin") == MODEL and key in first:
            first[key].setdefault("attrs", {})[ALSO_FOUND_BY] = [MODEL]
            continue
        first.setdefault(key, span)
        kept.append(span)
    return kept


def model_spans(model, text: str) -> list[NewSpan]:
    """A trained pipeline's entities (``doc.ents``) and spans (``doc.spans["sc"]``, with
    spancat's score as confidence), origin MODEL, each (start, end, label) once. They
    stand beside the rules' frames and spaCy's entities; the model links nothing."""
    from glose.nlp import parse_one

    doc = parse_one(model, text)
    found: dict[tuple[int, int, str], NewSpan] = {}
    for ent in doc.ents:
        if ent.label_ in SPAN_LABELS:
            found.setdefault((ent.start_char, ent.end_char, ent.label_),
                             {"start": ent.start_char, "end": ent.end_char, "label": ent.label_, "origin": MODEL})
    group = doc.spans.get(SPANS_KEY, [])
    scores = group.attrs.get("scores") if len(group) else None
    for index, span in enumerate(group):
        if span.label_ not in SPAN_LABELS:
            continue
        row: NewSpan = {"start": span.start_char, "end": span.end_char, "label": span.label_, "origin": MODEL}
        if scores is not None:
            row["confidence"] = round(float(scores[index].max()), 3)
        found.setdefault((span.start_char, span.end_char, span.label_), row)
    return list(found.values())


def frames_to_rows(frames: list[Frame], spans: list[NewSpan]) -> list[NewRelation]:
    """Append each frame's CLAIM, CUE and SOURCE spans to ``spans`` and return its relations.

    A source mention that is exactly an entity span links to that span, so the
    annotator sees one mention, not two; equal SOURCE/CUE spans are shared too.
    """
    index = {(s["start"], s["end"], s["label"]): i for i, s in enumerate(spans)}

    def span_index(start: int, end: int, label: str, canonical: str | None = None) -> int:
        key = (start, end, label)
        if key not in index:
            index[key] = len(spans)
            spans.append({"start": start, "end": end, "label": label, "origin": RULES})
        if canonical and not spans[index[key]].get("canonical"):
            spans[index[key]]["canonical"] = canonical
        return index[key]

    relations: list[NewRelation] = []
    for frame in frames:
        attrs: dict[str, str] = {"quote_type": frame.quote_type}
        if frame.claim_type:
            attrs["claim_type"] = frame.claim_type
        claim = len(spans)
        spans.append({"start": frame.claim_start, "end": frame.claim_end, "label": CLAIM,
                      "origin": RULES, "attrs": attrs, "confidence": frame.confidence})
        if frame.cue:
            cue = span_index(*frame.cue, CUE)
            relations.append({"head": claim, "child": cue, "label": CUE, "origin": RULES})
        for mention in frame.sources:
            label = mention.label if mention.label in ENTITY_LABELS else SOURCE
            source = span_index(mention.start, mention.end, label, mention.canonical)
            relations.append({"head": claim, "child": source, "label": SAID_BY, "origin": RULES})
    return relations
