"""An import never makes annotators wait: it writes in short transactions, and a long
document stays hidden until every part of it is stored."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from glose import importer
from glose.db import documents, listing
from glose.db.connection import open_db
from glose.db.listing import ListQuery
from glose.nlp import blank_tokenizer
from tests.conftest import ROOT
from tests.reliability.conftest import budget
from tests.reliability.workload import run_annotators, sample_corpus


def long_jsonl(path, words: int, *, every: int = 2) -> tuple[int, int]:
    """One document of ``words`` words with a PER span on every ``every``-th word, and on each
    tenth of those a claim linked to the next one; returns (spans, relations) as stored."""
    tokens = [f"Mot{i}" for i in range(words)]
    text = " ".join(tokens)
    spans, relations, offset = [], [], 0
    for i, token in enumerate(tokens):
        if i % every == 0:
            spans.append({"start": offset, "end": offset + len(token), "label": "PER"})
        offset += len(token) + 1
    claims = spans[::10]
    relations = [{"label": "SAID_BY", "head_span": {**claim, "label": "CLAIM"}, "child_span": spans[i * 10 + 1]}
                 for i, claim in enumerate(claims) if i * 10 + 1 < len(spans)]
    path.write_text(json.dumps({"text": text, "spans": spans, "relations": relations}) + "\n", encoding="utf-8")
    return len(spans) + len(relations), len(relations)  # each relation brings its claim span


def test_a_long_document_is_written_in_short_transactions_and_hidden_until_complete(db, db_path, tmp_path,
                                                                                    monkeypatch):
    spans, n_relations = long_jsonl(tmp_path / "long.jsonl", 1200)
    monkeypatch.setattr(importer, "STEP_ROWS", 100)
    reader = open_db(db_path)
    seen, transactions = [], []

    def trace(statement: str) -> None:
        if statement.startswith("BEGIN IMMEDIATE"):
            transactions.append(statement)
            seen.append(documents.count_documents(reader))

    db.conn.set_trace_callback(trace)
    report = importer.import_paths(db, [tmp_path / "long.jsonl"], nlp=blank_tokenizer(), layer="big")
    db.conn.set_trace_callback(None)
    assert not report.failed and len(report.imported) == 1
    assert len(transactions) >= 2 + spans // 100 + n_relations // 100, len(transactions)
    assert set(seen) == {0}  # nobody saw the document while it was being written
    assert documents.count_documents(reader) == 1
    assert reader.execute("SELECT count(*) FROM spans").fetchone()[0] == spans
    assert reader.execute("SELECT count(*) FROM relations").fetchone()[0] == n_relations


def test_an_interrupted_long_import_stays_hidden_and_is_redone(db, tmp_path, monkeypatch):
    long_jsonl(tmp_path / "long.jsonl", 600)
    monkeypatch.setattr(importer, "STEP_ROWS", 50)

    def interrupted(*_):
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr(documents, "mark_complete", interrupted)
        with pytest.raises(KeyboardInterrupt):
            importer.import_paths(db, [tmp_path / "long.jsonl"], nlp=blank_tokenizer(), layer="big")
    assert documents.count_documents(db) == 0 and listing.count(db, ListQuery("x")) == 0
    assert listing.rows(db, ListQuery("x"), 0, 10, total=10) == []
    assert documents.search(db, "Mot7") == [] and listing.count(db, ListQuery("x", None, "Mot7")) == 0
    again = importer.import_paths(db, [tmp_path / "long.jsonl"], nlp=blank_tokenizer(), layer="big")
    assert not again.imported and "being imported by another glose process" in again.duplicates[0][2]
    db.execute("UPDATE documents SET imported_at = '2000-01-01T00:00:00.000Z'")  # an old leftover
    last = importer.import_paths(db, [tmp_path / "long.jsonl"], nlp=blank_tokenizer(), layer="big")
    assert len(last.imported) == 1 and documents.count_documents(db) == 1
    assert db.execute("SELECT count(*) FROM spans").fetchone()[0] == 300 + 30  # once, not twice
    assert db.execute("SELECT count(*) FROM documents").fetchone()[0] == 1


def test_annotators_editing_beside_an_import_never_meet_a_lock(db_path, tmp_path):
    corpus = sample_corpus(db_path)
    long_jsonl(tmp_path / "long.jsonl", budget(40_000, 250_000), every=1)
    env = {"GLOSE_DB": str(db_path), "PATH": "/usr/bin:/bin"}
    importing = subprocess.Popen([sys.executable, "-m", "glose", "import", "--no-nlp", "--layer", "big",
                                  "--max-bytes", "50000000", str(tmp_path / "long.jsonl")],
                                 cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    outcome = run_annotators(db_path, corpus, annotators=4, actions=budget(80, 1000), seed=5, folder=tmp_path)
    out, err = importing.communicate(timeout=600)
    assert importing.returncode == 0, err
    assert not outcome.errors, outcome.errors[:3]
    assert (outcome.lost, outcome.broken_undo, outcome.locked) == (0, 0, 0)
