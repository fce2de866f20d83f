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
from glose.files import safe_stem, write_whole
from glose.textnorm import json_line
from glose.vocabulary import ACCEPTED, PENDING, REJECTED, STATES


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
            include_rejected: bool = False, accepted_only: bool = False,
            only_done: bool = False) -> Iterator[dict[str, Any]]:
    """One Prodigy-style record per document that has anything in ``layer``:
    its accepted items only (``accepted_only``), or accepted and pending ones (and
    rejected ones too with ``include_rejected``); with ``only_done``, only the
    documents the layer's annotator marked done (for gold: adjudicated).

    Raises UnknownLayer at once (not on first iteration) for a missing layer.
    """
    layer_id = require_layer(db, layer)
    owner = layers.owner(db, layer_id)
    return _records(db, layer_id, _chosen(db, layer, doc_ids, only_done), annotator=owner or layer,
                    states=_states(include_rejected, accepted_only))


def _chosen(db: sqlite_utils.Database, layer: str, doc_ids: list[int] | None, only_done: bool) -> list[int]:
    chosen = doc_ids or documents.document_ids(db)
    done = layers.done_documents(db, layer) if only_done else None
    return chosen if done is None else [doc for doc in chosen if doc in done]


def _states(include_rejected: bool, accepted_only: bool) -> set[str]:
    return {ACCEPTED} if accepted_only else set(STATES) if include_rejected else {ACCEPTED, PENDING}


def _records(db, layer_id: int, doc_ids: list[int], *, annotator: str, states: set[str]) -> Iterator[dict[str, Any]]:
    for doc_id in doc_ids:
        kept = [s for s in spans.spans_of(db, doc_id, layer_id) if s["state"] in states]
        if kept:
            links = [r for r in spans.relations_of(db, doc_id, layer_id) if r["state"] in states]
            yield record(db, doc_id, kept, links, annotator=annotator)


def record(db: sqlite_utils.Database, doc_id: int, layer_spans: list[SpanRow], relations: list[RelationRow], *,
           annotator: str) -> dict[str, Any]:
    """A document and the given rows of a layer (the caller chose which states)."""
    doc = documents.document(db, doc_id)
    tokens = documents.get_tokens(db, doc_id) or _tokenize(doc["text"])
    text = doc["text"]
    by_id = {span["id"]: _span_dict(span, tokens, text) for span in layer_spans}
    rels = []
    for rel in relations:
        head, child = by_id.get(rel["head_id"]), by_id.get(rel["child_id"])
        if head is None or child is None:
            continue
        rels.append({"head": head["token_end"], "child": child["token_end"], "label": rel["label"],
                     "head_span": head, "child_span": child, "state": rel["state"]})
    meta = {**doc["meta"], "title": doc["title"], "glose_doc_id": doc_id, "text_hash": doc["text_hash"]}
    task = {
        "text": text,
        "meta": meta,
        "tokens": _token_dicts(text, tokens),
        "spans": list(by_id.values()),
        "relations": rels,
        "answer": answer([*by_id.values(), *rels]),
        "_annotator_id": annotator,
    }
    return {**task, **prodigy_hashes(task)}


def answer(items: list[dict]) -> str:
    """Prodigy's answer for a document: ``accept`` only when every exported item is
    accepted, ``reject`` when every one is rejected, else ``ignore`` (work not yet
    decided: Prodigy's training commands leave ignored tasks out)."""
    states = {item["state"] for item in items}
    return "accept" if states == {ACCEPTED} else "reject" if states == {REJECTED} else "ignore"


# Prodigy's hashing (prodi.gy/docs/api-loaders#hashing; the keys as prodigy.util lists them):
# the input hash is a murmurhash of the input keys' JSON, the task hash one of the task
# keys' JSON prefixed with the input hash. data-to-spacy and review group on them.
INPUT_HASH_KEYS = ("text", "image", "html", "input")
TASK_HASH_KEYS = ("spans", "label", "options", "arcs")


def prodigy_hashes(task: dict) -> dict[str, int]:
    input_hash = _murmur({key: task[key] for key in INPUT_HASH_KEYS if key in task})
    task_hash = _murmur({key: task[key] for key in TASK_HASH_KEYS if key in task}, prefix=str(input_hash))
    return {"_input_hash": input_hash, "_task_hash": task_hash}


def _murmur(values: dict, prefix: str = "") -> int:
    import murmurhash  # spaCy's own dependency
    import srsly

    return murmurhash.hash(prefix + srsly.json_dumps(values, sort_keys=True))


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
                 include_rejected: bool = False, accepted_only: bool = False, only_done: bool = False,
                 **options) -> str:
    """Write a folder format; returns what was written, for the message."""
    if fmt == "brat":
        count = write_brat(db, layer, out, doc_ids=doc_ids, include_rejected=include_rejected,
                           accepted_only=accepted_only, only_done=only_done)
        return f"{count} document(s) as brat standoff"
    recs = records(db, layer, doc_ids=doc_ids, include_rejected=include_rejected, accepted_only=accepted_only,
                   only_done=only_done)
    out.mkdir(parents=True, exist_ok=True)
    if fmt == "cas":
        return f"{cas.write_folder(recs, out)} document(s) as CAS XMI"
    if fmt == "spacy":
        from glose import spacy_corpus

        return spacy_corpus.write_corpus(recs, out, dev=options.get("dev", 0.2), seed=options.get("seed", 0),
                                         layer=layer).summary()
    raise ValueError(f"unknown folder format {fmt!r}")


def write_brat(db: sqlite_utils.Database, layer: str, out: Path, *, doc_ids: list[int] | None = None,
               include_rejected: bool = False, accepted_only: bool = False, only_done: bool = False) -> int:
    """brat standoff into the folder ``out``: per document ``<id>-<name>.txt`` and
    ``.ann``, and an ``annotation.conf``. Each file is written under a temporary
    name and renamed, so none is ever half written. Returns how many documents."""
    layer_id = require_layer(db, layer)
    out.mkdir(parents=True, exist_ok=True)
    count = 0
    states = _states(include_rejected, accepted_only)
    for doc_id in _chosen(db, layer, doc_ids, only_done):
        kept = [s for s in spans.spans_of(db, doc_id, layer_id) if s["state"] in states]
        if not kept:
            continue
        doc = documents.document(db, doc_id)
        live = [r for r in spans.relations_of(db, doc_id, layer_id) if r["state"] in states]
        stem = f"{doc_id}-{safe_stem(doc['title'])}"
        write_whole(out / f"{stem}.txt", doc["text"])
        write_whole(out / f"{stem}.ann", brat.write_ann(doc["text"], [dict(s) for s in kept], [dict(r) for r in live]))
        count += 1
    write_whole(out / "annotation.conf", brat.ANNOTATION_CONF)
    return count



