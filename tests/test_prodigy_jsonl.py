"""Prodigy JSONL, honestly: answers from the items' states, Prodigy's hashes, one layer
per _annotator_id, no span dropped silently, origins kept (real SQLite, the real CLI)."""
from __future__ import annotations

import json

import murmurhash
import pytest
import srsly

from glose import exporter
from glose.db import documents, layers, spans
from glose.db.edits import Editor
from glose.vocabulary import ACCEPTED, DONE, GOLD, PENDING, PER, RULES
from tests.test_importer import ARTICLE, run_import

OTHER = "Selon l'ONU, la trêve tient à Alep depuis mardi.\n"
CLAIM_SPAN = {"start": 2, "end": 24, "label": "CLAIM"}
PERSON = {"start": 44, "end": 54, "label": PER}


def task(text: str, annotator: str, *spans_: dict, **extra) -> str:
    return json.dumps({"text": text, "spans": list(spans_), "_annotator_id": annotator, **extra})


def exported(db, layer: str, **options) -> list[dict]:
    return list(exporter.records(db, layer, **options))


def test_answer_says_whether_the_document_is_decided(db, tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(task(ARTICLE, "alice", {**CLAIM_SPAN, "state": ACCEPTED}, {**PERSON, "state": PENDING}) + "\n"
                    + task(OTHER, "alice", {"start": 6, "end": 11, "label": "ORG", "state": ACCEPTED}),
                    encoding="utf-8")
    run_import(db, path)
    by_text = {r["text"]: r for r in exported(db, "alice")}
    assert by_text[ARTICLE]["answer"] == "ignore"  # one item still pending: no decision to train on
    assert by_text[OTHER]["answer"] == "accept"
    decided = {r["text"]: r for r in exported(db, "alice", accepted_only=True)}
    assert decided[ARTICLE]["answer"] == "accept"
    assert [s["label"] for s in decided[ARTICLE]["spans"]] == ["CLAIM"]


def test_hashes_are_prodigys(db, tmp_path):
    path = tmp_path / "two.jsonl"
    path.write_text(task(ARTICLE, "alice", CLAIM_SPAN) + "\n" + task(ARTICLE, "bob", PERSON), encoding="utf-8")
    run_import(db, path)
    alice, bob = exported(db, "alice")[0], exported(db, "bob")[0]
    # Computed here as Prodigy documents it: murmurhash of the input keys' JSON, sorted keys;
    # the task hash of the task keys' JSON prefixed with the input hash.
    input_hash = murmurhash.hash(srsly.json_dumps({"text": ARTICLE}, sort_keys=True))
    assert alice["_input_hash"] == bob["_input_hash"] == input_hash
    for rec in (alice, bob):
        assert rec["_task_hash"] == murmurhash.hash(str(input_hash) + srsly.json_dumps({"spans": rec["spans"]},
                                                                                       sort_keys=True))
    assert alice["_task_hash"] != bob["_task_hash"]  # same input, different annotations


def test_each_annotator_id_gets_its_own_layer_and_nothing_is_dropped(db, tmp_path):
    path = tmp_path / "team.jsonl"
    path.write_text(task(ARTICLE, "alice", CLAIM_SPAN) + "\n" + task(ARTICLE, "bob", PERSON), encoding="utf-8")
    report = run_import(db, path)
    assert report.failed == [] and len(report.imported) == 1
    (doc,) = documents.document_ids(db)
    assert [s["label"] for s in spans.spans_of(db, doc, layers.find_layer(db, "alice"))] == ["CLAIM"]
    assert [s["label"] for s in spans.spans_of(db, doc, layers.find_layer(db, "bob"))] == [PER]
    again = run_import(db, path)  # both layers hold the text already: refused, and said
    assert len(again.failed) == 2 and all("were not imported" in why for _, why in again.failed)
    forced = run_import(db, tmp_path / "team.jsonl", layer="review")  # --layer wins over _annotator_id
    assert len(spans.spans_of(db, doc, layers.find_layer(db, "review"))) == 1 and len(forced.failed) == 1


def test_origin_and_title_survive_a_round_trip(db, tmp_path):
    path = tmp_path / "o.jsonl"
    path.write_text(task(ARTICLE, "alice", {**CLAIM_SPAN, "origin": RULES}, {**PERSON, "origin": "martian"},
                         meta={"title": "Le maire"}), encoding="utf-8")
    run_import(db, path)
    rec = exported(db, "alice")[0]
    assert {s["label"]: s["origin"] for s in rec["spans"]} == {"CLAIM": RULES, PER: "import"}
    assert rec["meta"]["title"] == "Le maire"


def test_only_done_exports_what_the_annotator_finished_and_gold_what_was_adjudicated(db, tmp_path):
    path = tmp_path / "g.jsonl"
    path.write_text(task(ARTICLE, GOLD, CLAIM_SPAN) + "\n" + task(OTHER, GOLD, {"start": 6, "end": 11, "label": "ORG"}),
                    encoding="utf-8")
    run_import(db, path)
    first = documents.find_by_hash(db, exported(db, GOLD)[0]["meta"]["text_hash"])
    Editor(db, "carol", first, layer=GOLD).set_status(DONE)  # as the adjudication screen marks it
    assert [r["meta"]["glose_doc_id"] for r in exported(db, GOLD, only_done=True)] == [first]
    assert len(exported(db, GOLD)) == 2


@pytest.mark.slow
def test_cli_warns_on_unknown_keys_and_fails_on_refused_spans(tmp_path, run_glose):
    path = tmp_path / "odd.jsonl"
    path.write_text(task(ARTICLE, "alice", CLAIM_SPAN, label="X", flagged=True), encoding="utf-8")
    first = run_glose("import", str(path), "--no-nlp", "--db", str(tmp_path / "x.db"))
    assert first.returncode == 0, first.stderr
    assert "keys glose does not read were ignored: flagged, label" in first.stderr
    again = run_glose("import", str(path), "--no-nlp", "--db", str(tmp_path / "x.db"))
    assert again.returncode == 1 and "were not imported" in again.stderr
    out = run_glose("export", "--layer", "alice", "--state", "accepted", "--out", "-", db=tmp_path / "x.db")
    assert out.returncode == 0 and out.stdout == ""  # nothing accepted yet
    both = run_glose("export", "--layer", "alice", "--state", "accepted", "--include-rejected", db=tmp_path / "x.db")
    assert both.returncode == 2 and "contradict" in both.stderr
