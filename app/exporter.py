"""``glose export``: a layer as Prodigy/spaCy JSONL (docs/DATA_MODEL.md, "Prodigy/spaCy JSONL").

One line per document::

    {"text", "meta", "tokens", "spans", "relations", "answer", "_annotator_id"}

Spans carry ``token_start``/``token_end`` (inclusive) and their attributes as
extra keys; claim frames are CLAIM/CUE/SOURCE spans plus ``SAID_BY`` and
``CUE`` relations whose head is the claim. A relation's ``head``/``child`` are
the last token of the head/child span, as Prodigy's relation UI records them.
"""
from __future__ import annotations

from bisect import bisect_right
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

import sqlite_utils

from glose import brat, cas, doccano, labelstudio
from glose.db import documents, layers, spans
from glose.db.spans import RelationRow, SpanRow
from glose.errors import UnknownLayer
from glose.textnorm import json_line
from glose.vocabulary import REJECTED


def require_layer(db: sqlite_utils.Database, layer: str) -> int:
    layer_id = layers.find_layer(db, layer)
    if layer_id is None:
        known = ", ".join(layers.layer_names(db)) or "none yet"
        raise UnknownLayer(f"no layer named {layer!r} (layers: {known})")
    return layer_id


def misaligned(record: dict) -> int:
    """How many spans of an exported record do not start and end on token boundaries
    (spaCy's ``doc.char_span`` would return None for them)."""
    tokens = record["tokens"]
    return sum(1 for span in record["spans"]
               if tokens[span["token_start"]]["start"] != span["start"]
               or tokens[span["token_end"]]["end"] != span["end"])


def records(db: sqlite_utils.Database, layer: str, *, doc_ids: list[int] | None = None,
            include_rejected: bool = False) -> Iterator[dict[str, Any]]:
    """One Prodigy-style record per document that has anything in ``layer``.

    Raises UnknownLayer at once (not on first iteration) for a missing layer.
    """
    layer_id = require_layer(db, layer)
    owner = layers.owner(db, layer_id)
    return _records(db, layer_id, doc_ids or documents.document_ids(db),
                    annotator=owner or layer, include_rejected=include_rejected)


def _records(db, layer_id: int, doc_ids: list[int], *, annotator: str,
             include_rejected: bool) -> Iterator[dict[str, Any]]:
    for doc_id in doc_ids:
        kept = spans.spans_of(db, doc_id, layer_id)
        if not include_rejected:
            kept = [s for s in kept if s["state"] != REJECTED]
        if kept:
            yield record(db, doc_id, kept, spans.relations_of(db, doc_id, layer_id),
                         annotator=annotator, include_rejected=include_rejected)


def record(db: sqlite_utils.Database, doc_id: int, layer_spans: list[SpanRow], relations: list[RelationRow], *,
           annotator: str, include_rejected: bool = False) -> dict[str, Any]:
    doc = documents.document(db, doc_id)
    tokens = documents.get_tokens(db, doc_id) or _tokenize(doc["text"])
    text = doc["text"]
    by_id = {span["id"]: _span_dict(span, tokens, text) for span in layer_spans}
    rels = []
    for rel in relations:
        head, child = by_id.get(rel["head_id"]), by_id.get(rel["child_id"])
        if head is None or child is None or (rel["state"] == REJECTED and not include_rejected):
            continue
        rels.append({"head": head["token_end"], "child": child["token_end"], "label": rel["label"],
                     "head_span": head, "child_span": child, "state": rel["state"]})
    meta = {**doc["meta"], "title": doc["title"], "glose_doc_id": doc_id, "text_hash": doc["text_hash"]}
    return {
        "text": text,
        "meta": meta,
        "tokens": _token_dicts(text, tokens),
        "spans": list(by_id.values()),
        "relations": rels,
        "answer": "accept",
        "_annotator_id": annotator,
    }


def _token_dicts(text: str, tokens: documents.Tokens) -> list[dict]:
    """Prodigy tokens. ``ws``: one whitespace character follows the token before the
    next one. The model saw non-breaking spaces as plain ones, so they are no
    tokens; a Doc rebuilt from words and ``ws`` has a plain space there, at the
    same offset (every character offset still holds)."""
    nexts = [*tokens.starts[1:], len(text)]
    return [{"text": text[s:e], "start": s, "end": e, "id": i,
             "ws": following == e + 1 and text[e].isspace()}
            for i, (s, e, following) in enumerate(zip(tokens.starts, tokens.ends, nexts, strict=True))]


def _span_dict(span: SpanRow, tokens: documents.Tokens, text: str) -> dict[str, Any]:
    start, end = span["start"], span["end"]
    out = {
        "start": start, "end": end, "label": span["label"],
        "token_start": max(bisect_right(tokens.starts, start) - 1, 0),
        "token_end": max(bisect_right(tokens.starts, end - 1) - 1, 0),
        "text": text[start:end], "state": span["state"], "origin": span["origin"],
    }
    if span.get("confidence") is not None:
        out["confidence"] = span["confidence"]
    if span.get("canonical"):
        out["canonical"] = span["canonical"]
    out.update(span["attrs"])
    return out


def _tokenize(text: str) -> documents.Tokens:
    from glose.nlp import blank_tokenizer, tokens_of

    return tokens_of(blank_tokenizer()(text), "blank:fr")[0]


def write_jsonl(recs, out: IO[str]) -> int:
    count = 0
    for rec in recs:
        out.write(json_line(rec) + "\n")
        count += 1
    return count


FILE_FORMATS: dict[str, Callable[[Iterable[dict], IO[str]], int]] = {
    "jsonl": write_jsonl, "doccano": doccano.write, "labelstudio": labelstudio.write,
}
"""--format: the formats written to one file (or standard output), from exported records."""
FOLDER_FORMATS = ("brat", "spacy", "cas")
"""--format: the formats written to a folder (``write_folder``)."""


def write_folder(fmt: str, db: sqlite_utils.Database, layer: str, out: Path, *, doc_ids: list[int] | None = None,
                 include_rejected: bool = False, **options) -> str:
    """Write a folder format; returns what was written, for the message."""
    if fmt == "brat":
        count = write_brat(db, layer, out, doc_ids=doc_ids, include_rejected=include_rejected)
        return f"{count} document(s) as brat standoff"
    recs = records(db, layer, doc_ids=doc_ids, include_rejected=include_rejected)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "cas":
        return f"{cas.write_folder(recs, out)} document(s) as CAS XMI"
    raise ValueError(f"unknown folder format {fmt!r}")


def write_brat(db: sqlite_utils.Database, layer: str, out: Path, *, doc_ids: list[int] | None = None,
               include_rejected: bool = False) -> int:
    """brat standoff into the folder ``out``: per document ``<id>-<name>.txt`` and
    ``.ann``, and an ``annotation.conf``. Each file is written under a temporary
    name and renamed, so none is ever half written. Returns how many documents."""
    layer_id = require_layer(db, layer)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    for doc_id in doc_ids or documents.document_ids(db):
        kept = spans.spans_of(db, doc_id, layer_id)
        if not include_rejected:
            kept = [s for s in kept if s["state"] != REJECTED]
        if not kept:
            continue
        doc = documents.document(db, doc_id)
        live = [r for r in spans.relations_of(db, doc_id, layer_id) if include_rejected or r["state"] != REJECTED]
        stem = f"{doc_id}-{_safe_stem(doc['title'])}"
        _write_file(out / f"{stem}.txt", doc["text"])
        _write_file(out / f"{stem}.ann", brat.write_ann(doc["text"], [dict(s) for s in kept], [dict(r) for r in live]))
        count += 1
    _write_file(out / "annotation.conf", brat.ANNOTATION_CONF)
    return count


def _safe_stem(title: str) -> str:
    """A file name from a title: letters, digits and dashes, at most 40."""
    stem = "".join(c if c.isalnum() else "-" for c in title.lower())
    return "-".join(filter(None, stem.split("-")))[:40] or "document"


def _write_file(path: Path, content: str) -> None:
    part = path.with_name(path.name + ".part")
    part.write_text(content, encoding="utf-8", newline="")
    part.replace(path)
