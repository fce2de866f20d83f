"""``glose import --n-process``: how many processes ``auto`` means, and that worker
processes store exactly what one process does."""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import spacy

from glose import nlp as glose_nlp
from glose.cli import processes
from glose.nlp import MAX_AUTO_PROCESSES, TASK_CHARS, parse_map, resolve_n_process, usable_cpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(("value", "n_tasks", "cpus", "expected"), [
    ("auto", 10, 2, 2),  # this project's machines: both cores
    ("auto", 10, 1, 1),
    ("auto", 100, 64, MAX_AUTO_PROCESSES),  # capped: each worker holds a model
    ("auto", 3, 8, 3),  # never more processes than tasks
    ("auto", 1, 2, 1),  # one or two small files: no process started
    ("auto", 0, 2, 1),
    (3, 10, 2, 3),  # a number is taken as given, whatever the CPUs
    (3, 2, 2, 2),  # but still not beyond the tasks
    (1, 10, 8, 1),
])
def test_resolve_n_process(value, n_tasks, cpus, expected):
    assert resolve_n_process(value, n_tasks, cpus=cpus) == expected


def test_usable_cpus_is_the_affinity_else_the_count(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 3, 5}, raising=False)
    assert usable_cpus() == 3
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)
    monkeypatch.setattr(os, "cpu_count", lambda: 6)
    assert usable_cpus() == 6
    assert resolve_n_process("auto", 10) == 4


def test_the_option_takes_auto_or_a_whole_number():
    assert processes("auto") == "auto" and processes("AUTO") == "auto" and processes("3") == 3
    for bad in ("0", "-1", "two", "1.5"):
        with pytest.raises(argparse.ArgumentTypeError, match="not a whole number of 1 or more.*or auto"):
            processes(bad)


def _length_and_pid(doc) -> tuple[int, int]:
    return len(doc.text), os.getpid()


def _sentencizer():
    pipeline = spacy.blank("xx")  # quick to build; any language will do
    pipeline.add_pipe("sentencizer")  # a component: --no-nlp's bare tokenizer never forks
    return pipeline


def test_workers_parse_in_order_and_small_imports_stay_here():
    long_texts = [(f"Texte {i}. " + "Un mot de plus. " * (TASK_CHARS // 16), i) for i in range(5)]
    found = list(parse_map(_sentencizer(), long_texts, _length_and_pid, n_process=2))
    assert [(length, context) for (length, _), context in found] == [(len(t), i) for t, i in long_texts]
    assert os.getpid() not in {pid for (_, pid), _ in found}  # every one parsed in a worker
    assert glose_nlp._WORK is None

    small = [(f"Court texte {i}.", i) for i in range(3)]
    assert {pid for (_, pid), _ in parse_map(_sentencizer(), small, _length_and_pid, n_process="auto")} \
        == {os.getpid()}
    bare = spacy.blank("xx")  # --no-nlp: no processes however many are asked for
    assert {pid for (_, pid), _ in parse_map(bare, long_texts, _length_and_pid, n_process=4)} == {os.getpid()}


def _failing(doc):
    raise ValueError(f"cannot handle {doc.text[:6]!r}")


def test_a_worker_error_reaches_the_caller():
    texts = [("x" * TASK_CHARS, i) for i in range(3)]
    with pytest.raises(ValueError, match="cannot handle 'xxxxxx'"):
        list(parse_map(_sentencizer(), texts, _failing, n_process=2))
    assert glose_nlp._WORK is None


@pytest.mark.slow
def test_two_processes_import_what_one_does(tmp_path):
    sys.path.insert(0, str(ROOT / "samples"))
    import make_long

    folder = tmp_path / "docs"
    folder.mkdir()
    # 4 distinct texts of ~1,200 words (~8,000 characters): two tasks, so two workers.
    make_long.main(["--words", "1200", "--docs", "4", "--out", str(folder / "doc.txt")])
    assert sum(p.stat().st_size for p in folder.iterdir()) > TASK_CHARS

    def glose(*args: str, db: Path) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "glose", *args], cwd=ROOT, capture_output=True, text=True,
                                env={**os.environ, "GLOSE_DB": str(db)}, timeout=300)
        assert result.returncode == 0, result.stderr
        return result

    exports = []
    for n in ("1", "2"):
        db = tmp_path / f"n{n}.db"
        assert "imported 4 document(s)" in glose("import", "--n-process", n, str(folder), db=db).stdout
        lines = glose("export", "--layer", "suggestions", db=db).stdout.splitlines()
        exports.append([json.loads(line) for line in lines])
    one, two = exports
    assert len(one) == 4 and sum(len(task["spans"]) for task in one) > 50
    assert two == one  # same texts, tokens, spans, relations and hashes


def test_a_caller_that_stops_early_ends_the_workers():
    texts = [("y" * TASK_CHARS, i) for i in range(8)]
    found = parse_map(_sentencizer(), texts, _length_and_pid, n_process=2)
    next(found)
    assert multiprocessing.active_children()
    found.close()  # Ctrl-C or an error in the caller: the workers do not finish their tasks
    deadline = time.monotonic() + 5
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()
    assert glose_nlp._WORK is None


def _killed(doc):
    os.kill(os.getpid(), 9)  # as the out-of-memory killer would


def test_a_worker_killed_from_outside_is_a_message_not_a_crash():
    from glose.errors import WorkerDied

    texts = [("z" * TASK_CHARS, i) for i in range(3)]
    with pytest.raises(WorkerDied, match="run the same import again"):
        list(parse_map(_sentencizer(), texts, _killed, n_process=2))
    assert glose_nlp._WORK is None
