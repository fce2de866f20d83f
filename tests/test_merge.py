"""``glose merge``: two copies of one database edited apart, folded back together, twice."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys

import pytest

from glose.db import documents, layers, merge, sources, spans
from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.db.sources import SourceEditor
from glose.db.transaction import write
from glose.vocabulary import ACCEPTED, CLAIM, CUE, PENDING, PER, REJECTED, SAID_BY, SUGGESTIONS
from tests.conftest import ROOT

TEXTS = ["« Tout va bien », a déclaré Jean Dupont à Lyon.",
         "« Rien ne va plus », a ajouté Dupont hier soir.",
         "« Il pleuvra demain », a prédit Marie Curie à Paris.",
         "« La paix est proche », a affirmé Jean Dupont encore."]
NAMES = ["Jean Dupont", "Dupont", "Marie Curie", "Jean Dupont"]
CUES = ["a déclaré", "a ajouté", "a prédit", "a affirmé"]
TABLES = ("documents", "doc_tokens", "annotators", "layers", "canonical_sources", "spans", "relations",
          "doc_status", "claim_links", "distinct_sources", "events")


def add_document(db, number: int) -> int:
    """A document with suggestions: a claim, its cue and its speaker (a canonical source)."""
    text, name = TEXTS[number], NAMES[number]

    def at(part):
        start = text.index(part)
        return {"start": start, "end": start + len(part)}

    with write(db):
        doc = documents.insert_document(db, text=text, text_hash=f"hash{number}", title=f"Article {number + 1}",
                                        meta={}, origin=None)
        documents.store_tokens(db, doc, documents.Tokens([0], [1], [0], "test"))
        claim = text[:text.index("»") + 1]
        spans.add_annotations(db, doc, layers.layer_id(db, SUGGESTIONS), [
            {**at(claim), "label": CLAIM, "origin": "rules", "attrs": {"quote_type": "direct"}},
            {**at(CUES[number]), "label": CUE, "origin": "rules"},
            {**at(name), "label": PER, "origin": "spacy", "canonical": name},
        ], [{"head": 0, "child": 1, "label": CUE}, {"head": 0, "child": 2, "label": SAID_BY}])
    return doc


def layer_spans(db, doc: int, layer: str) -> list[tuple]:
    layer_id = layers.find_layer(db, layer)
    return [(s["start"], s["end"], s["label"], s["state"], s["canonical"]) for s in spans.spans_of(db, doc, layer_id)]


def of(db, doc: int, annotator: str, label: str) -> int:
    return next(s["id"] for s in spans.spans_of(db, doc, layers.find_layer(db, annotator)) if s["label"] == label)


def counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in TABLES}
    finally:
        conn.close()


def run_merge(team, *others):
    return subprocess.run([sys.executable, "-m", "glose", "--db", str(team), "merge", *map(str, others)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture
def edited_apart(tmp_path):
    """team.db and laptop.db, a copy of it that alice took offline; both edited since."""
    team, laptop = tmp_path / "team.db", tmp_path / "laptop.db"
    db = open_db(team)
    for number in range(3):
        add_document(db, number)
    alice = Editor(db, "alice", 1)
    alice.seed()
    alice.set_states(ACCEPTED, [of(db, 1, "alice", CLAIM)])
    db.close()
    shutil.copy(team, laptop)  # closed: no WAL content left beside it

    db = open_db(laptop)  # offline: alice carries on with doc 1, merges two sources, imports doc 4
    alice = Editor(db, "alice", 1)
    alice.set_states(REJECTED, [of(db, 1, "alice", CUE)])
    alice.set_canonical(of(db, 1, "alice", PER), "Jean Dupont (Lyon)")
    with write(db):  # the claim of doc 1 is the same as doc 2's
        db.execute("INSERT INTO claim_links (doc_id, layer_id, claim_id, other_doc_id, other_start, other_end)"
                   " VALUES (1, ?, ?, 2, 0, 19)", [layers.find_layer(db, "alice"), of(db, 1, "alice", CLAIM)])
    Editor(db, "alice", 3).seed()
    Editor(db, "alice", 3).set_states(REJECTED, [of(db, 3, "alice", CLAIM)])
    editor = SourceEditor(db, "alice")
    editor.merge(sources.find(db, "Jean Dupont").id, sources.find(db, "Dupont").id)
    editor.set_external_id(sources.find(db, "Marie Curie").id, "Q7186")
    doc4 = add_document(db, 3)
    Editor(db, "alice", doc4).seed()
    Editor(db, "alice", doc4).set_states(ACCEPTED, [of(db, doc4, "alice", CLAIM)])
    db.close()

    db = open_db(team)  # meanwhile, at the office
    bob = Editor(db, "bob", 2)
    bob.seed()
    bob.set_states(ACCEPTED, [of(db, 2, "bob", PER)])
    Editor(db, "alice", 3).seed()
    Editor(db, "alice", 3).set_states(ACCEPTED, [of(db, 3, "alice", CLAIM)])
    SourceEditor(db, "bob").set_external_id(sources.find(db, "Marie Curie").id, "Q999")
    db.close()
    return team, laptop


def test_two_copies_edited_apart_merge_once_and_then_change_nothing(edited_apart):
    team, laptop = edited_apart
    before = open_db(team)
    bob_before = layer_spans(before, 2, "bob")
    team_alice_3 = layer_spans(before, 3, "alice")
    before.close()
    there = open_db(laptop, access="read-only")
    laptop_alice = {doc: layer_spans(there, doc, "alice") for doc in (1, 3, 4)}
    there.close()

    result = run_merge(team, laptop)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "laptop.db: 1 document(s) added" in out
    assert "conflict: document 3 'Article 3', layer 'alice'" in out and "'alice@laptop'" in out
    assert "source conflict: source Marie Curie: external id Q999 here, Q7186 in laptop.db" in out

    db = open_db(team)
    assert layer_spans(db, 1, "alice") == laptop_alice[1]  # fast-forwarded: only the laptop changed it
    assert {(label, state, name) for _, _, label, state, name in laptop_alice[1]} >= {
        (CUE, REJECTED, None), (PER, PENDING, "Jean Dupont (Lyon)")}
    # bob's work untouched; only its mention is named by the source the laptop merged Dupont into.
    assert layer_spans(db, 2, "bob") == [(*row[:4], "Jean Dupont" if row[4] else None) for row in bob_before]
    assert layer_spans(db, 3, "alice") == team_alice_3  # conflict: this file's version stays...
    assert layer_spans(db, 3, "alice@laptop") == laptop_alice[3]  # ...and the laptop's is beside it
    assert layer_spans(db, 3, "alice") != layer_spans(db, 3, "alice@laptop")
    doc4 = documents.find_by_hash(db, "hash3")
    assert doc4 == 4 and documents.get_document(db, doc4)["title"] == "Article 4"
    assert layer_spans(db, doc4, "alice") == laptop_alice[4] and layer_spans(db, doc4, SUGGESTIONS)
    assert documents.get_tokens(db, doc4).tokenizer == "test"
    # The laptop's source merge came too (nobody touched Dupont here): doc 2's mention is Jean Dupont's.
    assert sources.find(db, "Dupont").name == "Jean Dupont"
    assert sources.find(db, "Marie Curie").external_id == "Q999"
    (link,) = db.execute("SELECT claim_id, other_doc_id, other_start, other_end FROM claim_links").fetchall()
    assert link == (of(db, 1, "alice", CLAIM), 2, 0, 19)
    # The laptop's history came along, marked with where it came from; undo never replays it.
    brought = db.execute("SELECT origin, action FROM events WHERE origin IS NOT NULL AND doc_id = 1").fetchall()
    assert brought and all(origin.startswith("laptop.db#") for origin, _ in brought)
    assert {action for _, action in brought} >= {REJECTED, "set_canonical"}
    merged = db.execute("SELECT count(*) FROM events WHERE action = 'merge' AND doc_id = 1 AND before IS NOT NULL"
                        " AND target = 'spans'").fetchone()[0]
    assert merged == 3  # the rows the fast-forward replaced are in the log
    undo, _ = Editor(db, "alice", 1).stacks()
    assert len(undo) == 1  # the accept made before the copy; nothing brought from the laptop
    db.close()

    first = counts(team)
    again = run_merge(team, laptop)
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("laptop.db: nothing changed")
    assert "conflict: document" not in again.stdout
    assert counts(team) == first


def test_merge_is_refused_for_a_file_that_is_not_glose_and_nothing_is_written(edited_apart, tmp_path):
    team, laptop = edited_apart
    bad = tmp_path / "notes.db"
    bad.write_text("not a database at all\n")
    first = counts(team)
    result = run_merge(team, laptop, bad)  # the good one is not merged either
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "notes.db: not a glose database" in result.stderr
    assert result.stdout == "" and counts(team) == first
    same = run_merge(team, team)
    assert same.returncode == 2 and "nothing to merge" in same.stderr and counts(team) == first


def test_work_done_only_here_is_kept_and_becomes_a_conflict_once_the_laptop_moves_too(tmp_path):
    team, laptop = tmp_path / "team.db", tmp_path / "laptop.db"
    db = open_db(team)
    add_document(db, 0)
    Editor(db, "alice", 1).seed()
    db.close()
    shutil.copy(team, laptop)
    db = open_db(team)
    Editor(db, "alice", 1).set_states(ACCEPTED, [of(db, 1, "alice", CLAIM)])
    mine = layer_spans(db, 1, "alice")
    other = open_db(laptop, access="read-only")
    report = merge.merge(db, other, "laptop.db")
    assert (report.newer_here, report.changed, layer_spans(db, 1, "alice")) == (1, False, mine)
    other.close()
    db.close()

    # Then the laptop rejects the cue: both changed, so its version goes beside, once.
    db = open_db(laptop)
    Editor(db, "alice", 1).set_states(REJECTED, [of(db, 1, "alice", CUE)])
    db.close()
    db = open_db(team)
    other = open_db(laptop, access="read-only")
    report = merge.merge(db, other, "laptop.db")
    assert len(report.conflicts) == 1 and report.conflicts[0].kept_in == "alice@laptop"
    assert layer_spans(db, 1, "alice") == mine
    assert merge.merge(db, other, "laptop.db").changed is False


def test_two_merges_of_the_same_copy_at_once_write_everything_once(edited_apart, tmp_path):
    team, laptop = edited_apart
    alone = tmp_path / "alone.db"
    shutil.copy(team, alone)
    assert run_merge(alone, laptop).returncode == 0
    command = [sys.executable, "-m", "glose", "--db", str(team), "merge", str(laptop)]
    both = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    assert [process.wait(timeout=120) for process in both] == [0, 0]
    assert counts(team) == counts(alone)
