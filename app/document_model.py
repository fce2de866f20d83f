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
import unicodedata
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlite_utils

from glose.db import claim_links, events, spans
from glose.db.claim_links import ClaimLink
from glose.db.spans import RelationRow, SpanRow
from glose.lexicon import verbs
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
        # Where each paragraph starts: every line with text (blank lines are no paragraph).
        self._paragraphs = [m.start() for m in re.finditer(r"^(?=[^\S\n]*\S)", text, re.M)] or [0]
        self._folded: tuple[str, list[int]] | None = None  # for search, built on the first one
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
        self.pending_labels: Counter[str] = Counter()
        """How many pending spans of each label (kept as rows change: the status line
        reads it after every key)."""
        self._longest = 0  # no span is longer (an upper bound: spans only ever raise it)
        self._by_head: dict[int, set[int]] = {}  # span id -> ids of the relations from it
        self._by_child: dict[int, set[int]] = {}  # span id -> ids of the relations to it
        for span in spans.spans_of(self.db, self.doc_id, self.layer_id):  # appended, then sorted once
            self.spans[span["id"]] = span
            self.pending_labels[span["label"]] += span["state"] == PENDING
            self._longest = max(self._longest, span["end"] - span["start"])
            for items in self._lists_of(span):
                items.append(span)
        for items in (self._ordered, self.claims, self.entities, self.pending):
            items.sort(key=_position)
        for relation in spans.relations_of(self.db, self.doc_id, self.layer_id):
            self._add_relation(relation)
        self.claim_links: dict[int, list[ClaimLink]] = claim_links.links_of(
            self.db, self.layer_id, [claim["id"] for claim in self.claims])
        """The claims linked to claims of other documents (both ways), by claim id."""

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
        self._refresh_links(changes, every_claim=bool(touched["claim_links"]))
        return changes

    def _refresh_links(self, changes: Changes, *, every_claim: bool) -> None:
        """Re-read the claim links of the claims that changed (of every claim when links
        were made or taken back: rare, and one query); their rows are redrawn."""
        for gone in [i for i in self.claim_links if i not in self.spans or self.spans[i]["label"] != CLAIM]:
            del self.claim_links[gone]
        ids = [c["id"] for c in self.claims] if every_claim else \
            [i for i in changes.claims if i in self.spans and self.spans[i]["label"] == CLAIM]
        if not ids:
            return
        fresh = claim_links.links_of(self.db, self.layer_id, ids)
        for claim_id in set(ids) | (set(self.claim_links) if every_claim else set()):
            links = fresh.get(claim_id, [])
            if links != self.claim_links.get(claim_id, []):
                changes.claims.add(claim_id)
            if links:
                self.claim_links[claim_id] = links
            else:
                self.claim_links.pop(claim_id, None)

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
        self.pending_labels[span["label"]] += span["state"] == PENDING
        self._longest = max(self._longest, span["end"] - span["start"])
        for items in self._lists_of(span):
            insort(items, span, key=_position)

    def _remove_span(self, span: SpanRow) -> None:
        del self.spans[span["id"]]
        self.pending_labels[span["label"]] -= span["state"] == PENDING
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
        return max(1, bisect_right(self._paragraphs, offset))

    def paragraph_bounds(self, offset: int) -> tuple[int, int]:
        """(start, end) offsets of the paragraph holding ``offset``."""
        index = self.paragraph_of(offset) - 1
        start = self._paragraphs[index]
        end = self._paragraphs[index + 1] if index + 1 < len(self._paragraphs) else len(self.text)
        return start, end

    def find(self, query: str, offset: int, direction: int = 1) -> tuple[int, int] | None:
        """The first match of ``query`` that starts at ``offset`` or after it (or, with
        ``direction`` -1, the last one before it), wrapping around; case and accents do
        not matter ("ecole" finds "École"). None: no match anywhere."""
        needle = _fold(query)[0]
        if not needle:
            return None
        folded, origin = self._folded_text()
        at = bisect_left(origin, offset)  # the folded index of the offset
        if direction > 0:
            found = folded.find(needle, at)
            found = folded.find(needle) if found < 0 else found
        else:
            found = folded.rfind(needle, 0, at - 1 + len(needle)) if at > 0 else -1
            found = folded.rfind(needle) if found < 0 else found
        if found < 0:
            return None
        end = found + len(needle)
        return origin[found], origin[end] if end < len(origin) else len(self.text)

    def _folded_text(self) -> tuple[str, list[int]]:
        if self._folded is None:
            self._folded = _fold(self.text)
        return self._folded

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
                linked=len(self.claim_links.get(claim["id"], ())),
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


    # --- Clause marks and the cue next to a claim -------------------------------------

    def quoted(self, start: int, end: int) -> bool:
        """Whether [start, end) is a quotation: between quotation marks, or its own
        marks at both ends."""
        text = self.text
        inner = text[start:end]
        if inner[:1] in OPENING_QUOTES and inner[-1:] in CLOSING_QUOTES:
            return True
        before = text[max(0, start - 3):start].rstrip()
        after = text[end:end + 3].lstrip()
        return before[-1:] in OPENING_QUOTES and after[:1] in CLOSING_QUOTES

    def clause_mark_before(self, offset: int, floor: int) -> int | None:
        """Where a span ending at ``offset`` ends if cut at the previous clause mark
        (, ; : . ! ? « » ( ) — …) after ``floor``, spaces left out; None: no mark there."""
        text = self.text
        end = offset
        while end > floor and (text[end - 1].isspace() or text[end - 1] in CLAUSE_MARKS):
            end -= 1  # a mark right at the end is where it already stops
        mark = max((text.rfind(m, floor + 1, end) for m in CLAUSE_MARKS), default=-1)
        if mark <= floor:
            return None
        while mark > floor and text[mark - 1].isspace():
            mark -= 1
        return mark if mark > floor else None

    def clause_mark_after(self, offset: int) -> int | None:
        """Where a span ending at ``offset`` ends if grown to the next clause mark,
        spaces left out (None: none before the paragraph ends)."""
        text = self.text
        stop = text.find("\n", offset)
        stop = len(text) if stop == -1 else stop
        start = offset
        while start < stop and (text[start].isspace() or text[start] in CLAUSE_MARKS):
            start += 1  # past the mark the span stops at now
        mark = min((i for i in (text.find(m, start, stop) for m in CLAUSE_MARKS) if i != -1), default=stop)
        while mark > start and text[mark - 1].isspace():
            mark -= 1
        return mark if mark > offset else None

    def cue_near(self, claim: SpanRow) -> tuple[int, int] | None:
        """The cue of a claim when the text right around it says it: an incise after it
        ("», a affirmé", "…, a-t-il souligné", "», selon"), else a cue just before it
        ("Selon X, …", "X a déclaré que …", "X affirme : «"). None: select it by hand."""
        text = self.text
        after = _CUE_AFTER.match(text, claim["end"], min(len(text), claim["end"] + 80))
        if after and _is_cue(after.group(1)):
            return after.span(1)
        window = max(0, claim["start"] - 120)
        before = _CUE_BEFORE.search(text, window, claim["start"])
        if before:
            group = 1 if before.group(1) else 2
            if _is_cue(before.group(group)):
                return before.span(group)
        return None


OPENING_QUOTES, CLOSING_QUOTES = "«“\"", "»”\""
CLAUSE_MARKS = ",;:.!?«»()—…"
"""What ends a clause, for `(` and `)`."""

_AUX = r"(?:a|ont|avait|avaient|aurait|auraient|va|vont)"
_INVERTED = r"(?:(?:-t)?-(?:il|elle|ils|elles|on))"
_CUE_AFTER = re.compile(
    rf"[^\S\n]*[»”\"]?[^\S\n]*,?[^\S\n]*({_AUX}{_INVERTED}?[^\S\n]+\w+|\w+{_INVERTED}|selon|d['’]après|\w+)", re.I)
"""Right after a claim: the incise that says it."""
_CUE_BEFORE = re.compile(
    rf"(?:\b(selon|d['’]après)\b[^,.;\n]*,|\b({_AUX}[^\S\n]+\w+|\w+))"
    rf"[^\S\n]*(?::|qu['’]|que\b)?[^\S\n]*[«“\"]?[^\S\n]*$", re.I)
"""Right before a claim: "Selon X," or the verb that introduces it."""


def _is_cue(words: str) -> bool:
    """Whether words found next to a claim are a cue: "selon", an auxiliary with a
    participle, an inverted verb (ajoute-t-il), or a form of a reporting verb."""
    lowered = words.lower()
    if lowered in ("selon", "d'après", "d’après") or re.fullmatch(rf"\w+{_INVERTED}", lowered):
        return True
    if re.fullmatch(rf"{_AUX}{_INVERTED}?\s+\w+", lowered):
        return True
    return _reporting_form(lowered)


def _reporting_form(word: str) -> bool:
    """A form of a verb of the reporting lexicon: its stem and a usual ending
    (affirme, affirmait, affirmé, déclarent...)."""
    for lemma in verbs().lemmas:
        stem = lemma[:-2] if lemma.endswith(("er", "ir", "re")) else lemma
        if word.startswith(stem) and word[len(stem):] in _ENDINGS:
            return True
    return False


_ENDINGS = {"e", "es", "ent", "ait", "aient", "a", "é", "ée", "és", "ées", "ant", "it", "is", "ut", "u", "t", "er",
            "ir", "re", "ons", "ez"}


def _fold(text: str) -> tuple[str, list[int]]:
    """``text`` without case or accents, and for each of its characters the offset in
    ``text`` it comes from (folding may change lengths: "ß" gives "ss")."""
    out: list[str] = []
    origin: list[int] = []
    for offset, char in enumerate(text):
        for piece in unicodedata.normalize("NFD", char).casefold():
            if not unicodedata.combining(piece):
                out.append(piece)
                origin.append(offset)
    return "".join(out), origin


def _highlight(span: SpanRow) -> Highlight:
    return Highlight(span["id"], span["start"], span["end"], span["label"], span["state"])
