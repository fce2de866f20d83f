"""One document's annotations in an annotator's layer, shaped for the screen.

Plain Python (no Textual): loads spans and relations once per change, and
answers what the screen asks: the claims in reading order, a claim's frame
(cue, sources), the highlights and panel rows to draw, source candidates
nearest first, and word-wise span edges.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sqlite_utils

from db import annotations
from widgets.claims_panel import ClaimRow
from widgets.highlight import ENTITY_LABELS, Highlight

MENTION_LABELS = (*ENTITY_LABELS, "SOURCE")
# A word for span edges: hyphens join (a-t-il, Ban Ki-moon), apostrophes split
# French elisions (l'ONU is "l'" + "ONU"), as spaCy's French tokenizer does.
_WORD = re.compile(r"\w+(?:-\w+)*")


@dataclass
class Frame:
    """A claim with the spans and relations that hang from it."""

    claim: dict
    cue: dict | None = None
    cue_relation: dict | None = None
    sources: list[dict] = field(default_factory=list)
    source_relations: list[dict] = field(default_factory=list)


class DocumentModel:
    """The annotator layer of one document, reloaded after every change."""

    def __init__(self, db: sqlite_utils.Database, doc_id: int, layer_id: int, text: str):
        self.db, self.doc_id, self.layer_id, self.text = db, doc_id, layer_id, text
        self.reload()

    def reload(self) -> None:
        self.spans = {s["id"]: s for s in annotations.spans_of(self.db, self.doc_id, self.layer_id)}
        self.relations = {r["id"]: r for r in annotations.relations_of(self.db, self.doc_id, self.layer_id)}
        self.claims = sorted((s for s in self.spans.values() if s["label"] == "CLAIM"),
                             key=lambda s: (s["start"], s["end"]))
        self.entities = sorted((s for s in self.spans.values() if s["label"] in ENTITY_LABELS),
                               key=lambda s: (s["start"], s["end"]))
        self._frames: dict[int, Frame] = {c["id"]: Frame(c) for c in self.claims}
        self.claims_of: dict[int, list[int]] = {}  # child span id -> claim ids
        for rel in self.relations.values():
            frame = self._frames.get(rel["head_id"])
            child = self.spans.get(rel["child_id"])
            if frame is None or child is None or rel["state"] == "rejected":
                continue
            self.claims_of.setdefault(child["id"], []).append(frame.claim["id"])
            if rel["label"] == "CUE":
                frame.cue, frame.cue_relation = child, rel
            else:
                frame.sources.append(child)
                frame.source_relations.append(rel)

    # --- Queries ---------------------------------------------------------------

    def frame(self, claim_id: int) -> Frame | None:
        return self._frames.get(claim_id)

    def span_text(self, span: dict) -> str:
        return self.text[span["start"]:span["end"]]

    def pending(self) -> list[dict]:
        return sorted((s for s in self.spans.values() if s["state"] == "pending"),
                      key=lambda s: (s["start"], s["end"]))

    def highlights(self) -> list[Highlight]:
        return [Highlight(s["id"], s["start"], s["end"], s["label"], s["state"]) for s in self.spans.values()]

    def related(self, span_id: int) -> set[int]:
        """What to emphasise with a span: a claim's cue and sources, a mention's claims."""
        frame = self._frames.get(span_id)
        if frame is not None:
            return {s["id"] for s in frame.sources} | ({frame.cue["id"]} if frame.cue else set())
        return set(self.claims_of.get(span_id, ()))

    def source_name(self, span: dict) -> str:
        return span.get("canonical") or self.span_text(span)

    def claim_rows(self) -> list[ClaimRow]:
        rows = []
        for claim in self.claims:
            frame = self._frames[claim["id"]]
            rows.append(ClaimRow(
                id=claim["id"], excerpt=self.span_text(claim),
                source=" + ".join(self.source_name(s) for s in frame.sources),
                cue=self.span_text(frame.cue) if frame.cue else "",
                state=claim["state"], quote_type=claim["attrs"].get("quote_type"),
            ))
        return rows

    def source_candidates(self, claim_id: int) -> list[dict]:
        """Mentions that could be the claim's source, nearest to it first.

        Mentions inside the claim come last: a claim rarely names its own speaker.
        """
        claim = self.spans[claim_id]
        mentions = [s for s in self.spans.values()
                    if s["label"] in MENTION_LABELS and s["state"] != "rejected"]

        def distance(span: dict) -> tuple[bool, int, int]:
            if span["end"] <= claim["start"]:
                return False, claim["start"] - span["end"], span["start"]
            if span["start"] >= claim["end"]:
                return False, span["start"] - claim["end"], span["start"]
            return True, 0, span["start"]

        return sorted(mentions, key=distance)

    def innermost_at(self, offset: int) -> dict | None:
        covering = [s for s in self.spans.values() if s["start"] <= offset < s["end"]]
        return min(covering, key=lambda s: (s["end"] - s["start"], s["id"]), default=None)

    # --- Word-wise edges -------------------------------------------------------

    def grow_start(self, span: dict) -> int:
        """The start of the word before the span (the start itself if none)."""
        words = [m.start() for m in _WORD.finditer(self.text, max(0, span["start"] - 200), span["start"])]
        return words[-1] if words else span["start"]

    def shrink_start(self, span: dict) -> int | None:
        """The start of the span's second word, or None if it has only one."""
        words = list(_WORD.finditer(self.text, span["start"], span["end"]))
        return words[1].start() if len(words) > 1 else None

    def grow_end(self, span: dict) -> int:
        match = _WORD.search(self.text, span["end"], min(len(self.text), span["end"] + 200))
        return match.end() if match else span["end"]

    def shrink_end(self, span: dict) -> int | None:
        words = list(_WORD.finditer(self.text, span["start"], span["end"]))
        return words[-2].end() if len(words) > 1 else None


def hint_labels(count: int, alphabet: str = "asdfghjklqwertyuiopzxcvbnm") -> list[str]:
    """Hints for ``count`` candidates, nearest first: single letters while they
    last, then two letters behind the last few letters (never a prefix clash)."""
    size = len(alphabet)
    if count <= size:
        return list(alphabet[:count])
    prefixes = min(size, -(-(count - size) // (size - 1)))  # ceil
    singles = list(alphabet[: size - prefixes])
    doubles = [p + q for p in alphabet[size - prefixes:] for q in alphabet]
    return (singles + doubles)[:count]
