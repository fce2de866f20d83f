"""Agreement between annotators' layers: Krippendorff's α, Cohen's κ, span F1 and
(claim, source) pair F1. Pure computations over plain rows; ``measure`` reads them.

What is compared (issue 10): each layer's accepted and pending items (rejected ones
are no annotation). Two studies, claim frames (CLAIM, CUE, SOURCE) and entities
(PER, ORG, LOC, MISC):

- α (nominal) and κ take one unit per non-space character of the documents; a
  layer's value there is its label, or "none". Where a layer's spans overlap within
  a study, SOURCE > CUE > CLAIM; for entities the shorter span wins. A layer takes
  part in a document when it has any annotation there (else its values are
  missing, not "none").
- Span F1 per pair of layers and per label, exact boundaries and at an overlap of
  at least half the longer span: F1 per document and pair, then the mean over
  documents and pairs (a document where neither layer has the label is left out),
  and micro-averaged over all of them.
- Pair F1: a claim matches when the claims overlap (≥ 0.5) and so do their
  SAID_BY mentions (some source of one with some source of the other), or neither
  has a source. Here a discontinuous claim or mention (brat pieces sharing
  ``part_of``) is one, its characters the union of its pieces; span F1 counts pieces.
  Quote type agreement is over the claims that match at overlap.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from itertools import combinations
from statistics import mean
from typing import Any, Iterable, Mapping, Sequence

from glose.db.spans import half_overlap
from glose.vocabulary import CLAIM, CUE, ENTITY_LABELS, REJECTED, SAID_BY, SOURCE

NONE = "none"
FRAME_LABELS = (SOURCE, CUE, CLAIM)
"""The claim-frame study, strongest first: where a layer's spans overlap, the first wins."""
STUDIES = {"frames": FRAME_LABELS, "entities": tuple(ENTITY_LABELS)}
OVERLAP = 0.5


@dataclass(frozen=True)
class Item:
    """One annotation of a layer in a document."""

    start: int
    end: int
    label: str
    sources: tuple[frozenset[int], ...] = ()
    """For a claim: the characters of each of its SAID_BY mentions (all the pieces of
    a discontinuous one)."""
    quote_type: str | None = None
    part_of: str | None = None
    """The discontinuous annotation this span is a piece of (from brat), if any."""


@dataclass
class Annotated:
    """What each layer says about one document (layers absent from ``items`` do not
    take part in it)."""

    doc_id: int
    text: str
    items: dict[str, list[Item]] = field(default_factory=dict)


# --- Character units: α and κ ---------------------------------------------------------


def unit_values(doc: Annotated, layer: str, labels: Sequence[str], *, shortest_wins: bool) -> list[str]:
    """The layer's value at each non-space character of the document."""
    text = doc.text
    values = [NONE] * len(text)
    rank = {label: i for i, label in enumerate(labels)}
    chosen: list[tuple] = [()] * len(text)  # the priority of the value set at each char
    for item in doc.items.get(layer, ()):
        if item.label not in rank:
            continue
        priority = (item.end - item.start, rank[item.label]) if shortest_wins else (rank[item.label],)
        for offset in range(item.start, item.end):
            if not chosen[offset] or priority < chosen[offset]:
                chosen[offset], values[offset] = priority, item.label
    return [value for value, char in zip(values, text, strict=True) if not char.isspace()]


def units(docs: Iterable[Annotated], layers: Sequence[str], study: str) -> list[tuple[str | None, ...]]:
    """Every unit of a study: one value per layer (None: the layer is missing there)."""
    labels = STUDIES[study]
    rows: list[tuple[str | None, ...]] = []
    for doc in docs:
        columns = [unit_values(doc, layer, labels, shortest_wins=study == "entities") if layer in doc.items
                   else None for layer in layers]
        length = next((len(c) for c in columns if c is not None), 0)
        rows.extend(tuple(c[i] if c is not None else None for c in columns) for i in range(length))
    return rows


def krippendorff_alpha(rows: Iterable[Sequence[str | None]]) -> float | None:
    """Nominal α over units (None: a missing value). None when undefined (no unit
    with two values, or one value everywhere)."""
    coincidence: dict[tuple[str, str], float] = {}
    for row, weight in Counter(tuple(row) for row in rows).items():
        present = Counter(value for value in row if value is not None)
        m = sum(present.values())
        if m < 2:
            continue
        for c, n_c in present.items():
            for k, n_k in present.items():
                pairs = n_c * (n_c - 1) if c == k else n_c * n_k
                coincidence[c, k] = coincidence.get((c, k), 0.0) + weight * pairs / (m - 1)
    totals: dict[str, float] = {}
    for (c, _), value in coincidence.items():
        totals[c] = totals.get(c, 0.0) + value
    n = sum(totals.values())
    if n <= 1:
        return None
    observed = sum(value for (c, k), value in coincidence.items() if c != k)
    expected = sum(totals[c] * totals[k] for c in totals for k in totals if c != k) / (n - 1)
    return None if expected == 0 else 1 - observed / expected


def cohen_kappa(pairs: Iterable[tuple[str, str]]) -> float | None:
    """κ of two raters over the units both rated. None when undefined."""
    pairs = list(pairs)
    if not pairs:
        return None
    agreed = sum(a == b for a, b in pairs) / len(pairs)
    first, second = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    chance = sum(first[v] * second[v] for v in first) / len(pairs) ** 2
    return None if chance == 1 else (agreed - chance) / (1 - chance)


def binary(rows: Iterable[Sequence[str | None]], label: str) -> list[tuple[str | None, ...]]:
    """The units seen as "label or not" (for the per-label figures)."""
    return [tuple(None if v is None else (label if v == label else NONE) for v in row) for row in rows]


# --- Spans: F1 -----------------------------------------------------------------------


overlaps = half_overlap
"""Whether two spans share at least half of the longer one."""


@dataclass
class Counts:
    """Matches for one pair on one document: how many of A's items found a match in
    B, how many of B's in A, and how many each has."""

    matched_a: int = 0
    matched_b: int = 0
    a: int = 0
    b: int = 0

    def f1(self) -> float | None:
        if not self.a and not self.b:
            return None
        precision = self.matched_a / self.a if self.a else 0.0
        recall = self.matched_b / self.b if self.b else 0.0
        return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.matched_a + other.matched_a, self.matched_b + other.matched_b,
                      self.a + other.a, self.b + other.b)


def match(first: Sequence, second: Sequence, same) -> Counts:
    """Count the items of each side that have a partner on the other by ``same``."""
    return Counts(sum(any(same(x, y) for y in second) for x in first),
                  sum(any(same(x, y) for x in first) for y in second), len(first), len(second))


def exact(x: Item, y: Item) -> bool:
    return (x.start, x.end) == (y.start, y.end)


def at_overlap(x: Item, y: Item) -> bool:
    return overlaps((x.start, x.end), (y.start, y.end))


def shares_half(a: frozenset[int], b: frozenset[int]) -> bool:
    """`overlaps` for sets of characters (discontinuous annotations)."""
    shared = len(a & b)
    return shared > 0 and shared >= OVERLAP * max(len(a), len(b))


def chars(item: Item) -> frozenset[int]:
    return frozenset(range(item.start, item.end))


def whole_claims(items: Sequence[Item]) -> list[tuple[frozenset[int], Item]]:
    """The claims, the pieces of a discontinuous one put together: (characters, a piece
    standing for it, with the sources of all its pieces)."""
    groups: dict[object, list[Item]] = {}
    for item in items:
        if item.label == CLAIM:
            groups.setdefault(item.part_of or (item.start, item.end), []).append(item)
    whole = []
    for pieces in groups.values():
        sources = tuple(dict.fromkeys(source for piece in pieces for source in piece.sources))
        characters = frozenset().union(*(chars(piece) for piece in pieces))
        whole.append((characters, Item(pieces[0].start, pieces[-1].end, CLAIM, sources,
                                       pieces[0].quote_type, pieces[0].part_of)))
    return whole


def pair_counts(first: Sequence[Item], second: Sequence[Item]) -> Counts:
    """Pair F1 counts over (claim, source) pairs: one per SAID_BY link of a whole claim,
    or (claim, none) for a claim without source."""

    def pairs(items: Sequence[Item]) -> list[tuple[frozenset[int], frozenset[int] | None]]:
        return [(characters, source) for characters, claim in whole_claims(items)
                for source in (claim.sources or (None,))]

    def same(x, y) -> bool:
        if not shares_half(x[0], y[0]):
            return False
        if x[1] is None or y[1] is None:
            return x[1] is None and y[1] is None
        return shares_half(x[1], y[1])

    return match(pairs(first), pairs(second), same)


@dataclass
class Averaged:
    """F1 as the mean of per-document, per-pair values, and micro-averaged."""

    mean: float | None
    micro: float | None
    n: int
    """How many (document, pair) values the mean is over."""


def averaged(per_doc_pair: list[Counts]) -> Averaged:
    values = [f for f in (c.f1() for c in per_doc_pair) if f is not None]
    total = sum(per_doc_pair, Counts())
    return Averaged(mean(values) if values else None, total.f1(), len(values))


# --- The whole report ------------------------------------------------------------------


@dataclass
class Report:
    layers: list[str]
    documents: int
    alpha: dict[str, dict[str, float | None]]
    """study -> {"overall": α, label: α of "label or not"}."""
    kappa: dict[str, dict[str, float | None]]
    """study -> {"A/B": κ}."""
    span_f1: dict[str, dict[str, Averaged]]
    """"exact" or "overlap" -> {label: F1}."""
    pair_f1: Averaged
    quote_type_agreement: float | None
    units: dict[str, int]
    """study -> how many character units."""

    def as_json(self) -> dict:
        def f1(value: Averaged) -> dict:
            return {"mean": value.mean, "micro": value.micro, "n_document_pairs": value.n}

        return {
            "layers": self.layers, "documents": self.documents, "units": self.units,
            "alpha": self.alpha, "kappa": self.kappa,
            "span_f1": {kind: {label: f1(v) for label, v in by.items()} for kind, by in self.span_f1.items()},
            "pair_f1": f1(self.pair_f1), "quote_type_agreement": self.quote_type_agreement,
        }


def report(docs: list[Annotated], layers: list[str]) -> Report:
    alpha: dict[str, dict[str, float | None]] = {}
    kappa: dict[str, dict[str, float | None]] = {}
    unit_counts = {}
    for study, labels in STUDIES.items():
        rows = units(docs, layers, study)
        unit_counts[study] = len(rows)
        alpha[study] = {"overall": krippendorff_alpha(rows)}
        for label in labels:
            alpha[study][label] = krippendorff_alpha(binary(rows, label))
        kappa[study] = {}
        for i, j in combinations(range(len(layers)), 2):
            both = [(row[i], row[j]) for row in rows if row[i] is not None and row[j] is not None]
            kappa[study][f"{layers[i]}/{layers[j]}"] = cohen_kappa(both)  # type: ignore[arg-type]
    span_f1: dict[str, dict[str, Averaged]] = {"exact": {}, "overlap": {}}
    for label in (*FRAME_LABELS, *ENTITY_LABELS):
        for kind, same in (("exact", exact), ("overlap", at_overlap)):
            span_f1[kind][label] = averaged(list(_per_doc_pair(docs, layers, label, same)))
    pair = averaged([pair_counts(doc.items[a], doc.items[b]) for doc, a, b in _doc_pairs(docs, layers)])
    agreed = compared = 0
    for doc, a, b in _doc_pairs(docs, layers):
        for x in _of(doc, a, CLAIM):
            partner = next((y for y in _of(doc, b, CLAIM) if at_overlap(x, y)), None)
            if partner is not None and (x.quote_type or partner.quote_type):  # neither says: nothing to compare
                compared += 1
                agreed += x.quote_type == partner.quote_type
    return Report(layers, sum(1 for d in docs if sum(layer in d.items for layer in layers) >= 2), alpha, kappa,
                  span_f1, pair, agreed / compared if compared else None, unit_counts)


def _doc_pairs(docs: list[Annotated], layers: list[str]):
    for doc in docs:
        for a, b in combinations(layers, 2):
            if a in doc.items and b in doc.items:
                yield doc, a, b


def _of(doc: Annotated, layer: str, label: str) -> list[Item]:
    return [item for item in doc.items[layer] if item.label == label]


def _per_doc_pair(docs: list[Annotated], layers: list[str], label: str, same) -> Iterable[Counts]:
    for doc, a, b in _doc_pairs(docs, layers):
        yield match(_of(doc, a, label), _of(doc, b, label), same)


def items_of(spans: Iterable[Mapping[str, Any]], relations: Iterable[Mapping[str, Any]]) -> list[Item]:
    """A layer's rows in one document as items: rejected ones left out, each claim
    with its SAID_BY mentions and quote type."""
    live = {s["id"]: s for s in spans if s["state"] != REJECTED}
    # The characters of each annotation, all pieces of a discontinuous one together.
    pieces: dict[object, set[int]] = {}
    for span in live.values():
        pieces.setdefault(_whole(span), set()).update(range(span["start"], span["end"]))
    sources: dict[int, list[frozenset[int]]] = {}
    for relation in relations:
        if relation["label"] == SAID_BY and relation["state"] != REJECTED and relation["child_id"] in live:
            whole = frozenset(pieces[_whole(live[relation["child_id"]])])
            if whole not in sources.setdefault(relation["head_id"], []):
                sources[relation["head_id"]].append(whole)
    return [Item(s["start"], s["end"], s["label"], tuple(sources.get(s["id"], ())),
                 s["attrs"].get("quote_type") if s["label"] == CLAIM else None, s["attrs"].get("part_of"))
            for s in live.values()]


def _whole(span: Mapping[str, Any]) -> object:
    """What identifies the annotation a span belongs to (itself, or its brat group)."""
    part_of = span["attrs"].get("part_of")
    return (span["label"], part_of) if part_of else span["id"]


def measure(db, layer_names: list[str], doc_ids: list[int] | None = None) -> Report:
    """Read the layers' annotations of the documents (all of them by default) and
    compare them. A layer takes part in a document where it has any annotation."""
    from glose.db import documents, layers, spans

    ids = {name: layers.find_layer(db, name) for name in layer_names}
    docs = []
    for doc_id in doc_ids if doc_ids is not None else documents.document_ids(db):
        doc = Annotated(doc_id, documents.document(db, doc_id)["text"])
        for name, layer_id in ids.items():
            if layer_id is not None and spans.has_annotations(db, doc_id, layer_id):
                doc.items[name] = items_of(spans.spans_of(db, doc_id, layer_id),
                                           spans.relations_of(db, doc_id, layer_id))
        docs.append(doc)
    return report(docs, layer_names)


def render(result: Report):
    """The report as rich tables for a terminal (layer names are never markup)."""
    from rich.console import Group
    from rich.table import Table
    from rich.text import Text

    def figure(value: float | None) -> str:
        return "—" if value is None else f"{value:.3f}"

    head: Text = Text(f"layers {', '.join(result.layers)} · {result.documents} document(s) annotated by two or more · "
                f"{result.units['frames']:,} character units")
    alpha = Table("study", "α overall", *(label for label in (*FRAME_LABELS, *ENTITY_LABELS)), box=None,
                  title="Krippendorff's α (nominal, per character; per label: that label or not)", title_justify="left")
    for study, labels in STUDIES.items():
        values = result.alpha[study]
        alpha.add_row(study, figure(values["overall"]),
                      *(figure(values[label]) if label in labels else "" for label in (*FRAME_LABELS, *ENTITY_LABELS)))
    kappa = Table("pair", "κ frames", "κ entities", box=None, title="Cohen's κ per pair (same units)",
                  title_justify="left")
    for pair in result.kappa["frames"]:
        kappa.add_row(Text(pair), figure(result.kappa["frames"][pair]), figure(result.kappa["entities"][pair]))
    spans = Table("label", "exact F1 (mean)", "exact (micro)", "overlap ≥ 0.5 F1 (mean)", "overlap (micro)",
                  "document-pairs", box=None, title="Span F1 per pair of layers: mean over documents and pairs",
                  title_justify="left")
    for label in (*FRAME_LABELS, *ENTITY_LABELS):
        exact_f1, overlap_f1 = result.span_f1["exact"][label], result.span_f1["overlap"][label]
        spans.add_row(label, figure(exact_f1.mean), figure(exact_f1.micro), figure(overlap_f1.mean),
                      figure(overlap_f1.micro), str(overlap_f1.n))
    pair_line = Text(f"(claim, source) pair F1: {figure(result.pair_f1.mean)} mean, {figure(result.pair_f1.micro)} micro"
                f" · quote type agreement on matched claims: {figure(result.quote_type_agreement)}")
    return Group(head, Text(""), alpha, Text(""), kappa, Text(""), spans, Text(""), pair_line)
