"""``glose eval``: score a stored layer against a gold JSONL file.

The metrics themselves live in ``glose.suggest.evaluate`` (plain data); this
module finds each gold document in the database by its text and reads the
layer's annotations through the exporter, so the comparison sees exactly what
``glose export`` would write.
"""
from __future__ import annotations

import json
from pathlib import Path

import sqlite_utils

from glose import exporter
from glose.db import documents
from glose.evaluation.metrics import EvalReport, evaluate, from_prodigy
from glose.textnorm import normalize, text_hash
from glose.vocabulary import ALSO_FOUND_BY


def evaluate_layer(db: sqlite_utils.Database, gold_path: Path, layer: str,
                   origins: list[str] | None = None) -> tuple[EvalReport, list[str]]:
    """Return the report and one line per gold record that could not be scored.

    ``origins``: score only the layer's spans of these origins (and the relations
    between them), e.g. [MODEL] against [SPACY, RULES] on the suggestions."""
    exporter.require_layer(db, layer)
    pairs, problems = [], []
    lines = gold_path.read_text(encoding="utf-8-sig").splitlines()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            gold = json.loads(line)
            text = gold["text"]
        except (json.JSONDecodeError, KeyError, TypeError):
            problems.append(f"{gold_path}: line {number}: not a JSON object with a \"text\"")
            continue
        if normalize(text) != text:
            problems.append(f"{gold_path}: line {number}: text is not normalised as glose stores it; "
                            "export the document from glose and annotate that text")
            continue
        doc_id = documents.find_by_hash(db, text_hash(text))
        if doc_id is None:
            problems.append(f"{gold_path}: line {number}: this text is not in the database (glose import it first)")
            continue
        predicted = next(exporter.records(db, layer, doc_ids=[doc_id]), None)
        if predicted and origins:
            predicted = only_origins(predicted, origins)
        pred = from_prodigy(predicted) if predicted else from_prodigy({"text": text})
        pairs.append((from_prodigy(gold), pred))
    return evaluate(pairs), problems


def only_origins(record: dict, origins: list[str]) -> dict:
    """An exported record with only the spans of ``origins`` and the relations whose
    two spans both are."""
    keep = set(origins)

    def kept(span: dict) -> bool:
        return span.get("origin") in keep or bool(keep & set(span.get(ALSO_FOUND_BY, ())))

    return {**record, "spans": [span for span in record["spans"] if kept(span)],
            "relations": [rel for rel in record["relations"] if kept(rel["head_span"]) and kept(rel["child_span"])]}
