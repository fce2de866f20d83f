"""One document's annotations in one layer, held in memory and kept up to date.

Loads spans and relations once, then after each change re-reads only the rows
the event log says were touched (whoever touched them), so a key costs the same
on a long article as on a short one. It answers what the session and the screen
ask: the claims in reading order, a claim's frame (cue, sources), the highlights
and claims-list rows to draw (the widgets' plain data), source candidates
nearest first, and word-wise span edges. No Textual here.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from glose.db import events, spans
from glose.db.spans import RelationRow, SpanRow
from glose.vocabulary import CLAIM, CUE, MENTION_LABELS, PENDING, REJECTED
from glose.widgets.data import ClaimRow, Highlight

# A word for span edges: hyphens join (a-t-il, Ban Ki-moon), apostrophes split
# French elisions (l'ONU is "l'" + "ONU"), as spaCy's French tokenizer does.
# Guillemets and quotes count as words, so a claim's edge can stop on them.
_WORD = re.compile(r"\w+(?:-\w+)*|[«»“”\"]")


def _position(span: SpanRow) -> tuple[int, int, int]:
    """Reading order of spans (ties by id, as a fresh load gives them)."""
    return span["start"], span["end"], span["id"]


def start_of(span: SpanRow) -> int:
    """A span's start: the sort key of lists in reading order, for ``bisect``."""
    return span["start"]


@dataclass
class ClaimFrame:
    """A claim with the spans and relations that hang from it."""

    claim: SpanRow
    cue: SpanRow | None = None
    cue_relation: RelationRow | None = None
    sources: list[SpanRow] = field(default_factory=list)
    source_relations: list[RelationRow] = field(default_factory=list)


@dataclass
class Changes:
    """What a refresh changed, for the screen to redraw."""

    highlights: list[Highlight]
    """The highlights of the spans added or changed."""
    removed: list[int]
    """The ids of the spans gone."""
    claims: set[int] = field(default_factory=set)
    """Claims whose row in the claims panel changed (state, cue, sources, type)."""
    claim_order: bool = False
    """Whether claims appeared, disappeared or moved: the panel's order may be stale."""


class DocumentModel:
    """The annotator layer of one document: loaded once, then refreshed row by row."""

    def __init__(self, db: sqlite_utils.Database, doc_id: int, layer_id: int, text: str):
        self.db, self.doc_id, self.layer_id, self.text = db, doc_id, layer_id, text
        self._paragraphs = [0, *(m.end() for m in re.finditer("\n", text))]  # where each starts
        self.reload()

    def reload(self) -> None:
        """Read the whole layer afresh."""
        self._seen = events.last_id(self.db)  # before the rows: a later change is re-read, never missed
        self.spans: dict[int, SpanRow] = {}
        self.relations: dict[int, RelationRow] = {}
        # Spans in reading order: all of them, and by kind (kept sorted as rows change).
        self._ordered: list[SpanRow] = []
        self.claims: list[SpanRow] = []
        self.entities: list[SpanRow] = []
        self.pending: list[SpanRow] = []
        self._longest = 0  # no span is longer (an upper bound: spans only ever raise it)
        self._by_head: dict[int, set[int]] = {}  # span id -> ids of the relations from it
        self._by_child: dict[int, set[int]] = {}  # span id -> ids of the relations to it
        for span in spans.spans_of(self.db, self.doc_id, self.layer_id):
            self._add_span(span)
        for relation in spans.relations_of(self.db, self.doc_id, self.layer_id):
            self._add_relation(relation)

    def refresh(self) -> Changes:
        """Re-read the spans and relations changed since the last read, as the event log
        lists them (this screen's edits, undo and redo alike); return what to redraw."""
        self._seen, touched = events.touched_since(self.db, self._seen, self.doc_id, self.layer_id)
        rows = spans.spans_by_id(self.db, self.layer_id, touched["spans"])
        relations = spans.relations_by_id(self.db, self.layer_id, touched["relations"])
        changes = Changes([], [])
        for relation_id in touched["relations"]:  # the claims a link was added to or taken from
            for rel in (self.relations.get(relation_id), relations.get(relation_id)):
                if rel is not None:
                    changes.claims.add(rel["head_id"])
        for span_id in touched["spans"]:
            old, new = self.spans.get(span_id), rows.get(span_id)
            was_claim = old is not None and old["label"] == CLAIM
            is_claim = new is not None and new["label"] == CLAIM
            moved = old is not None and new is not None and (old["start"], old["end"]) != (new["start"], new["end"])
            if was_claim != is_claim or (is_claim and moved):
                changes.claim_order = True
            if is_claim:
                changes.claims.add(span_id)
            changes.claims.update(self.claims_of(span_id))  # a claim's cue or source
            if old is not None:
                self._remove_span(old)
                if new is None:
                    changes.removed.append(span_id)
            if new is not None:
                self._add_span(new)
                changes.highlights.append(_highlight(new))
        for relation_id in touched["relations"]:
            if relation_id in self.relations:
                self._remove_relation(self.relations[relation_id])
            if relation_id in relations:
                self._add_relation(relations[relation_id])
        return changes

    def _lists_of(self, span: SpanRow) -> list[list[SpanRow]]:
        lists = [self._ordered]
        if span["label"] == CLAIM:
            lists.append(self.claims)
        elif span["label"] in MENTION_LABELS:  # entities and SOURCE mentions: what `e` visits
            lists.append(self.entities)
        if span["state"] == PENDING:
            lists.append(self.pending)
        return lists

    def _add_span(self, span: SpanRow) -> None:
        self.spans[span["id"]] = span
        self._longest = max(self._longest, span["end"] - span["start"])
        for items in self._lists_of(span):
            insort(items, span, key=_position)

    def _remove_span(self, span: SpanRow) -> None:
        del self.spans[span["id"]]
        for items in self._lists_of(span):
            del items[bisect_left(items, _position(span), key=_position)]

    def _add_relation(self, relation: RelationRow) -> None:
        self.relations[relation["id"]] = relation
        self._by_head.setdefault(relation["head_id"], set()).add(relation["id"])
        self._by_child.setdefault(relation["child_id"], set()).add(relation["id"])

    def _remove_relation(self, relation: RelationRow) -> None:
        del self.relations[relation["id"]]
        self._by_head[relation["head_id"]].discard(relation["id"])
        self._by_child[relation["child_id"]].discard(relation["id"])

    def _live(self, relation_ids) -> list[RelationRow]:
        """These relations in id order, without the rejected ones and those whose
        head is not a claim or whose child is gone."""
        relations = (self.relations[i] for i in sorted(relation_ids))
        return [r for r in relations if r["state"] != REJECTED and r["child_id"] in self.spans
                and r["head_id"] in self.spans and self.spans[r["head_id"]]["label"] == CLAIM]

    # --- Queries ---------------------------------------------------------------

    def frame(self, claim_id: int) -> ClaimFrame | None:
        claim = self.spans.get(claim_id)
        if claim is None or claim["label"] != CLAIM:
            return None
        frame = ClaimFrame(claim)
        for relation in self._live(self._by_head.get(claim_id, ())):
            child = self.spans[relation["child_id"]]
            if relation["label"] == CUE:
                frame.cue, frame.cue_relation = child, relation
            else:
                frame.sources.append(child)
                frame.source_relations.append(relation)
        return frame

    def claims_of(self, span_id: int) -> list[int]:
        """The claims a span is the cue or a source of."""
        return [r["head_id"] for r in self._live(self._by_child.get(span_id, ()))]

    def relations_to(self, span_id: int) -> list[RelationRow]:
        """Every relation whose child is the span, in id order."""
        return [self.relations[i] for i in sorted(self._by_child.get(span_id, ()))]

    def span_text(self, span: SpanRow) -> str:
        return self.text[span["start"]:span["end"]]

    def highlights(self) -> list[Highlight]:
        return [_highlight(s) for s in self.spans.values()]

    def related(self, span_id: int) -> set[int]:
        """What to emphasise with a span: a claim's cue and sources, a mention's claims."""
        frame = self.frame(span_id)
        if frame is not None:
            return {s["id"] for s in frame.sources} | ({frame.cue["id"]} if frame.cue else set())
        return set(self.claims_of(span_id))

    def paragraph_of(self, offset: int) -> int:
        """The paragraph (1, 2, …) holding a char offset."""
        return bisect_right(self._paragraphs, offset)

    def source_name(self, span: SpanRow) -> str:
        return span.get("canonical") or self.span_text(span)

    def claim_rows(self, claim_ids: Iterable[int] | None = None) -> list[ClaimRow]:
        """Rows for the claims panel: every claim in reading order, or those named."""
        claims = self.claims if claim_ids is None else [self.spans[i] for i in claim_ids if i in self.spans]
        rows = []
        for claim in claims:
            frame = self.frame(claim["id"])
            if frame is None:  # a named id that is no claim (any more)
                continue
            rows.append(ClaimRow(
                id=claim["id"], excerpt=self.span_text(claim),
                source=" + ".join(self.source_name(s) for s in frame.sources),
                cue=self.span_text(frame.cue) if frame.cue else "",
                state=claim["state"], quote_type=claim["attrs"].get("quote_type"),
            ))
        return rows

    def source_candidates(self, claim_id: int) -> list[SpanRow]:
        """Mentions that could be the claim's source, nearest to it first.

        Mentions inside the claim come last: a claim rarely names its own speaker.
        """
        claim = self.spans[claim_id]
        mentions = [s for s in self._ordered
                    if s["label"] in MENTION_LABELS and s["state"] != REJECTED]

        def distance(span: SpanRow) -> tuple[bool, int, int, int, int]:
            tie = (span["start"], -span["end"], span["id"])  # outer first, then oldest
            if span["end"] <= claim["start"]:
                return False, claim["start"] - span["end"], *tie
            if span["start"] >= claim["end"]:
                return False, span["start"] - claim["end"], *tie
            return True, 0, *tie

        return sorted(mentions, key=distance)

    def innermost_at(self, offset: int) -> SpanRow | None:
        """The shortest span covering the char at ``offset`` (then the oldest)."""
        covering = []
        index = bisect_right(self._ordered, offset, key=start_of) - 1
        while index >= 0 and self._ordered[index]["start"] > offset - self._longest:
            span = self._ordered[index]
            if offset < span["end"]:
                covering.append(span)
            index -= 1
        return min(covering, key=lambda s: (s["end"] - s["start"], s["id"]), default=None)

    # --- Word-wise edges -------------------------------------------------------

    def grow_start(self, span: SpanRow) -> int:
        """The start of the word before the span (the start itself if none)."""
        words = [m.start() for m in _WORD.finditer(self.text, max(0, span["start"] - 200), span["start"])]
        return words[-1] if words else span["start"]

    def shrink_start(self, span: SpanRow) -> int | None:
        """The start of the span's second word, or None if it has only one."""
        words = list(_WORD.finditer(self.text, span["start"], span["end"]))
        return words[1].start() if len(words) > 1 else None

    def grow_end(self, span: SpanRow) -> int:
        match = _WORD.search(self.text, span["end"], min(len(self.text), span["end"] + 200))
        return match.end() if match else span["end"]

    def shrink_end(self, span: SpanRow) -> int | None:
        words = list(_WORD.finditer(self.text, span["start"], span["end"]))
        return words[-2].end() if len(words) > 1 else None


def _highlight(span: SpanRow) -> Highlight:
    return Highlight(span["id"], span["start"], span["end"], span["label"], span["state"])
