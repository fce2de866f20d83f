"""Several annotators in separate processes on one file, with undo and redo; SIGKILLs."""
from __future__ import annotations

import random

import pytest

from glose.db.connection import open_db
from tests.reliability.conftest import budget
from tests.reliability.workload import kill_trial, run_annotators, sample_corpus


@pytest.fixture
def corpus(db_path) -> list[int]:
    """The two sample articles with claims, cues, sources and entities to start from."""
    ids = sample_corpus(db_path)
    assert len(ids) == 2
    return ids


def test_eight_annotators_with_undo_lose_nothing(db_path, corpus, tmp_path):
    outcome = run_annotators(db_path, corpus, annotators=8, actions=budget(60, 1000), seed=7, folder=tmp_path)
    assert not outcome.errors, outcome.errors[:3]
    assert (outcome.lost, outcome.broken_undo, outcome.locked, outcome.refused) == (0, 0, 0, 0)
    assert outcome.actions == 8 * budget(60, 1000)
    db = open_db(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()


def test_one_annotator_in_two_windows_never_fails(db_path, corpus, tmp_path):
    """The same person in two processes: edits on rows the other deleted are refused, never errors."""
    outcome = run_annotators(db_path, corpus, annotators=2, actions=budget(100, 1000), seed=11,
                             folder=tmp_path, same_name=True)
    assert not outcome.errors, outcome.errors[:3]
    assert outcome.locked == 0
    db = open_db(db_path)
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()


def test_sigkill_during_edits_loses_no_committed_edit(db_path, corpus, tmp_path):
    rng = random.Random(3)
    total_actions = 0
    for trial in range(budget(4, 300)):
        outcome = kill_trial(db_path, corpus[trial % 2], seed=trial, folder=tmp_path, rng=rng)
        assert not outcome.errors, (trial, outcome.errors)
        assert (outcome.lost, outcome.broken_undo) == (0, 0)
        total_actions += outcome.actions
    assert total_actions > 0
