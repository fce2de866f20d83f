"""The words of glose's data model, spelled once: labels, states, relations, attributes.

Every module imports them from here; the only other place they are written is the
schema of the migrations (``db/migrations.py``), which is history and never edited.
"""
from __future__ import annotations

# --- Span labels ---------------------------------------------------------------------
PER, ORG, LOC, MISC = "PER", "ORG", "LOC", "MISC"
"""Named entities, as fr_core_news_sm predicts them."""
CLAIM, CUE, SOURCE = "CLAIM", "CUE", "SOURCE"
"""A claim frame: the content asserted, the reporting word(s), a speaker that is no entity."""

ENTITY_LABELS = (PER, ORG, LOC, MISC)
FRAME_LABELS = (CLAIM, CUE, SOURCE)
SPAN_LABELS = (*ENTITY_LABELS, *FRAME_LABELS)
MENTION_LABELS = (*ENTITY_LABELS, SOURCE)
"""What can be a claim's source: any entity, or a SOURCE mention."""

# --- Relation labels (head: the claim) ------------------------------------------------
SAID_BY = "SAID_BY"
"""Claim -> a source mention. (A claim -> its cue relation is labelled CUE, like the span.)"""
RELATION_LABELS = (SAID_BY, CUE)

# --- States of a span or relation in a layer ----------------------------------------------
PENDING, ACCEPTED, REJECTED = "pending", "accepted", "rejected"
STATES = (PENDING, ACCEPTED, REJECTED)

# --- Claim attributes ---------------------------------------------------------------------
DIRECT, INDIRECT, MIXED = "direct", "indirect", "mixed"
QUOTE_TYPES = (DIRECT, INDIRECT, MIXED)
CLAIM_TYPES = ("statistic", "accusation", "prediction", "opinion", "event", "other")

# --- An annotator's status on a document ----------------------------------------------------
TODO, IN_PROGRESS, DONE = "todo", "in_progress", "done"
DOC_STATUSES = (TODO, IN_PROGRESS, DONE)

# --- Layers and where their items come from --------------------------------------------------
SUGGESTIONS, GOLD = "suggestions", "gold"
"""The machine layer and the adjudicated one: each the name of one layer and of its kind."""
ANNOTATOR, IMPORT = "annotator", "import"
"""The kinds of the other layers: one per annotator, and those filled by imports (--layer)."""
LAYER_KINDS = (SUGGESTIONS, ANNOTATOR, GOLD, IMPORT)
MANUAL, RULES, SPACY = "manual", "rules", "spacy"
"""Origins of an item: made by an annotator, found by the claim-frame rules, by spaCy
(and IMPORT: read from a file)."""
MODEL = "model"
"""Origin of a suggestion from a pipeline trained on glose's layers (``glose train``;
``glose suggest --model``): its entities and its spancat spans, beside the rules' frames."""
ORIGINS = (MANUAL, RULES, SPACY, MODEL, IMPORT)
ALSO_FOUND_BY = "also_found_by"
"""Attribute of a suggestion that other origins found too (a list of them)."""

# --- Canonical sources -------------------------------------------------------------------
PERSON, ORGANISATION, OTHER = "person", "organisation", "other"
SOURCE_KINDS = (PERSON, ORGANISATION, OTHER)
"""What a canonical source is (the label of a mention says it first: PER, ORG, else other)."""


def source_kind(label: str | None) -> str:
    """The kind of canonical source a mention of this label names."""
    return {PER: PERSON, ORG: ORGANISATION}.get(label or "", OTHER)
