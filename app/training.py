"""``glose train``: a spaCy pipeline trained on a layer, by spaCy's own training loop.

The layer is exported with ``glose.spacy_corpus`` into ``MODEL/corpus/`` (train.spacy,
dev.spacy, config.cfg: kept, so the run can be repeated or continued with
``python -m spacy train MODEL/corpus/config.cfg``), then ``spacy.cli.train.train``
runs in this process and writes ``MODEL/model-best`` and ``MODEL/model-last``. The
scores are those spaCy stored in ``MODEL/model-best/meta.json`` (on the dev documents).

The trained pipeline is what ``glose suggest --model MODEL/model-best`` loads.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlite_utils

from glose import exporter, spacy_corpus
from glose.errors import ModelMissing, UsageError

DEFAULT_MAX_STEPS = 2000
EVAL_FREQUENCY = 200
SCORE_NAMES = ("ents_f", "ents_p", "ents_r", "spans_sc_f", "spans_sc_p", "spans_sc_r")


def export_corpus(db: sqlite_utils.Database, layer: str, folder: Path, *, dev: float = 0.2,
                  seed: int = 0) -> spacy_corpus.CorpusReport:
    """The layer as a spaCy corpus in ``folder``; refuses fewer than two documents."""
    recs = list(exporter.records(db, layer))  # raises UnknownLayer
    if len(recs) < 2:
        raise UsageError(f"layer {layer!r} has annotations on {len(recs)} document(s); training needs two or"
                         " more (at least one is held out to evaluate)")
    return spacy_corpus.write_corpus(recs, folder, dev=dev, seed=seed, layer=layer)


def train(db: sqlite_utils.Database, layer: str, out: Path, *, dev: float = 0.2, seed: int = 0,
          max_steps: int = DEFAULT_MAX_STEPS) -> tuple[spacy_corpus.CorpusReport, dict[str, Any]]:
    """Export ``layer`` into ``out/corpus`` and train into ``out``; return the corpus
    report and model-best's scores. spaCy prints its progress on standard output."""
    from spacy.cli.train import train as spacy_train

    if out.exists() and not out.is_dir():
        raise UsageError(f"{out} exists and is not a folder")
    corpus = out / "corpus"
    report = export_corpus(db, layer, corpus, dev=dev, seed=seed)
    overrides = {
        "paths.train": str(corpus / spacy_corpus.TRAIN_FILE),
        "paths.dev": str(corpus / spacy_corpus.DEV_FILE),
        "training.max_steps": max_steps,
        "training.eval_frequency": max(1, min(EVAL_FREQUENCY, max_steps)),
        "system.seed": seed,
    }
    try:
        spacy_train(corpus / spacy_corpus.CONFIG_FILE, out, overrides=overrides)
    except SystemExit as exc:  # wasabi's msg.fail(..., exits=1): the reason is printed above
        raise UsageError(f"spaCy's training stopped (exit status {exc.code}); its message is above") from exc
    except OSError as exc:  # E050: the pipeline ner is sourced from is not installed
        raise ModelMissing(f"spaCy's training could not load a pipeline: {exc}") from exc
    return report, scores(out)


def scores(out: Path) -> dict[str, Any]:
    """The dev scores spaCy stored with the best model (``model-best/meta.json``)."""
    meta = out / "model-best" / "meta.json"
    if not meta.is_file():
        raise UsageError(f"{meta}: no such file (was the training interrupted?)")
    return json.loads(meta.read_text(encoding="utf-8")).get("performance", {})


def format_scores(found: dict[str, Any]) -> str:
    """One line of the main scores, then one per entity label (as spaCy names them)."""
    main = ", ".join(f"{name} {float(found[name]):.3f}" for name in SCORE_NAMES if found.get(name) is not None)
    lines = [f"dev scores of model-best: {main or 'none'}"]
    for label, prf in sorted((found.get("ents_per_type") or {}).items()):
        lines.append(f"  ents {label}: p {prf['p']:.3f} r {prf['r']:.3f} f {prf['f']:.3f}")
    for label, prf in sorted((found.get("spans_sc_per_type") or {}).items()):
        lines.append(f"  spans {label}: p {prf['p']:.3f} r {prf['r']:.3f} f {prf['f']:.3f}")
    return "\n".join(lines)
