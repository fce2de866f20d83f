"""Annotators at work on one database file, each in a process of their own, with an oracle.

Each worker makes random edits through ``db.edits.Editor`` (the path every screen takes),
with undo and redo, and checks after every step that

* its own layer changed exactly as its own action says and nobody else touched it
  (else an edit was *lost*);
* an undo brings back exactly the state before the action it undoes, and a redo the state
  after it (else the undo is *broken*);
* nothing failed: "database is locked" is counted apart from other errors.

It also times every Editor call (the *wait* an annotator would feel). Used by the
reliability tests (small numbers) and by ``bench/soak.py`` (full size).
"""
from __future__ import annotations

import json
import os
import random
import sqlite3
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

from glose.db.connection import open_db
from glose.db.edits import Editor
from glose.errors import EditRefused, is_busy

LABELS = ("PER", "ORG", "LOC", "MISC", "CLAIM", "CUE", "SOURCE")
SHARED_NAMES = ("Ban Ki-moon", "Stéphane Dujarric", "l'OSDH", "Bachar al-Assad")
"""Canonical names every annotator uses, so that canonical sources are shared."""


@dataclass
class Outcome:
    """What one worker (or several, added up) saw."""

    actions: int = 0
    lost: int = 0
    broken_undo: int = 0
    locked: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)
    worst_wait: float = 0.0
    waits_over_1s: int = 0
    waits: list[float] = field(default_factory=list)
    """Every Editor call's duration (s): what an annotator waits for one edit."""

    def add(self, other: "Outcome") -> "Outcome":
        self.actions += other.actions
        self.lost += other.lost
        self.broken_undo += other.broken_undo
        self.locked += other.locked
        self.refused += other.refused
        self.errors += other.errors
        self.worst_wait = max(self.worst_wait, other.worst_wait)
        self.waits_over_1s += other.waits_over_1s
        self.waits += other.waits
        return self

    def percentile(self, share: float) -> float:
        ordered = sorted(self.waits)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(asdict(self)), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Outcome":
        return cls(**json.loads(path.read_text(encoding="utf-8")))


def snapshot(db, editor: Editor) -> tuple:
    """The annotator's layer on the document, as values (ids included: they must not move)."""
    spans = db.execute(
        "SELECT s.id, s.start, s.end, s.label, s.state, s.attrs, c.name FROM spans s"
        " LEFT JOIN canonical_sources c ON c.id = s.canonical_id"
        " WHERE s.doc_id = ? AND s.layer_id = ? ORDER BY s.id", [editor.doc_id, editor.layer_id]).fetchall()
    relations = db.execute(
        "SELECT id, head_id, child_id, label, state FROM relations WHERE doc_id = ? AND layer_id = ?"
        " ORDER BY id", [editor.doc_id, editor.layer_id]).fetchall()
    status = db.execute("SELECT status FROM doc_status WHERE doc_id = ? AND annotator_id = ?",
                        [editor.doc_id, editor.annotator_id]).fetchall()
    return tuple(spans), tuple(relations), tuple(status)


def _random_action(rng: random.Random, editor: Editor, state: tuple, text: str):
    """A random edit as (name, zero-argument callable); None when nothing fits."""
    spans, relations, _ = state
    claims = [s for s in spans if s[3] == "CLAIM"]
    mentions = [s for s in spans if s[3] not in ("CLAIM", "CUE")]
    choice = rng.random()
    if choice < 0.2 or not spans:
        start = rng.randrange(0, max(1, len(text) - 40))
        while start < len(text) and text[start].isspace():
            start += 1
        end = min(len(text), start + rng.randint(1, 40))
        if start >= end:
            return None
        label = rng.choice(LABELS)
        return "add_span", lambda: editor.add_span(start, end, label)
    span = rng.choice(spans)
    if choice < 0.3:
        return "delete_span", lambda: editor.delete_span(span[0])
    if choice < 0.4:
        return "relabel", lambda: editor.relabel(span[0], rng.choice(LABELS))
    if choice < 0.5:
        ids = [s[0] for s in rng.sample(spans, min(len(spans), 3))]
        return "set_states", lambda: editor.set_states(rng.choice(("accepted", "rejected", "pending")), ids)
    if choice < 0.6:
        return "note", lambda: editor.update_span(span[0], attrs={"note": f"note {rng.randrange(1000)}"})
    if choice < 0.7 and claims and mentions:
        claim, mention = rng.choice(claims), rng.choice(mentions)
        if claim[0] == mention[0]:
            return None
        return "link", lambda: editor.link(claim[0], mention[0], "SAID_BY")
    if choice < 0.75 and relations:
        relation = rng.choice(relations)
        return "unlink", lambda: editor.unlink(relation[0])
    if choice < 0.9 and mentions:
        mention = rng.choice(mentions)
        name = rng.choice(SHARED_NAMES) if rng.random() < 0.7 else f"{editor.annotator_id}-{rng.randrange(50)}"
        return "set_canonical", lambda: editor.set_canonical(mention[0], name if rng.random() < 0.9 else None)
    return "set_status", lambda: editor.set_status(rng.choice(("in_progress", "done")))


def work(db_path: str, annotator: str, doc_ids: list[int], actions: int, seed: int,
         undo_share: float = 0.25, alone: bool = True, stop_file: str | None = None) -> Outcome:
    """Make ``actions`` random edits (undo and redo included) and check each against the oracle.

    ``stop_file``: also stop as soon as this file exists (to work for as long as something
    else runs). ``alone=False``: another process works as the same annotator (two windows), so the
    layer may change between two steps and undo may take back the other's change: only
    errors are counted, and refusals (an edit on a row the other deleted) are expected.
    """
    rng = random.Random(seed)
    outcome = Outcome()
    db = open_db(db_path)
    editors, states, stacks, texts = {}, {}, {}, {}
    for doc_id in doc_ids:
        editor = _timed(outcome, lambda doc_id=doc_id: Editor(db, annotator, doc_id))
        if editor is None:
            return outcome
        _timed(outcome, editor.seed)
        editors[doc_id] = editor
        states[doc_id] = snapshot(db, editor)
        stacks[doc_id] = ([], [])  # (undo: [(before, after)], redo: [(before, after)])
        texts[doc_id] = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    while outcome.actions < actions and not (stop_file and os.path.exists(stop_file)):
        doc_id = rng.choice(doc_ids)
        editor, (undo, redo) = editors[doc_id], stacks[doc_id]
        before = snapshot(db, editor)
        if not alone:
            undo.clear()
            redo.clear()
            if rng.random() < undo_share:
                _timed(outcome, rng.choice((editor.undo, editor.redo)))
            else:
                action = _random_action(rng, editor, before, texts[doc_id])
                if action is not None:
                    _timed(outcome, action[1])
            outcome.actions += 1
            continue
        if before != states[doc_id]:  # somebody else changed this annotator's layer
            outcome.lost += 1
            outcome.errors.append(f"{annotator}: layer changed behind their back on document {doc_id}")
        roll = rng.random()
        if roll < undo_share / 2 and undo:
            result = _timed(outcome, editor.undo)
            expected_before, expected_after = undo[-1]
            after = snapshot(db, editor)
            if result is None or after != expected_before:
                outcome.broken_undo += 1
                outcome.errors.append(f"{annotator}: undo gave {result!r}, not the state before the action")
            else:
                redo.append(undo.pop())
        elif roll < undo_share and redo:
            result = _timed(outcome, editor.redo)
            after = snapshot(db, editor)
            if result is None or after != redo[-1][1]:
                outcome.broken_undo += 1
                outcome.errors.append(f"{annotator}: redo gave {result!r}, not the state after the action")
            else:
                undo.append(redo.pop())
        else:
            action = _random_action(rng, editor, before, texts[doc_id])
            if action is None:
                continue
            _timed(outcome, action[1])
            after = snapshot(db, editor)
            if after != before:  # an action that changes nothing leaves no history
                undo.append((before, after))
                redo.clear()
        states[doc_id] = snapshot(db, editor)
        outcome.actions += 1
    db.close()
    return outcome


def _timed(outcome: Outcome, call):
    started = time.perf_counter()
    try:
        return call()
    except EditRefused:
        outcome.refused += 1
    except sqlite3.Error as exc:
        if is_busy(exc):
            outcome.locked += 1
        else:
            outcome.errors.append(traceback.format_exc(limit=3))
    except Exception:  # a bug: report it whole
        outcome.errors.append(traceback.format_exc(limit=5))
    finally:
        wait = time.perf_counter() - started
        outcome.worst_wait = max(outcome.worst_wait, wait)
        outcome.waits_over_1s += wait > 1.0
        outcome.waits.append(wait)
    return None


def worker(db_path: str, annotator: str, doc_ids: list[int], actions: int, seed: int, out: str,
           alone: bool = True, stop_file: str | None = None) -> None:
    """Process entry point: run ``work`` and leave the outcome in the file ``out``."""
    work(db_path, annotator, doc_ids, actions, seed, alone=alone, stop_file=stop_file).save(Path(out))


def run_annotators(db_path: Path, doc_ids: list[int], *, annotators: int, actions: int, seed: int,
                   folder: Path, same_name: bool = False, stop_file: Path | None = None) -> Outcome:
    """``annotators`` processes at once on one file; their outcomes added up.
    ``same_name``: all of them are one annotator (windows of one person). ``stop_file``:
    they stop early once it exists."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # no connection crosses a fork
    processes = []
    for index in range(annotators):
        out = folder / f"outcome-{seed}-{index}.json"
        name = "annotator" if same_name else f"annotator{index}"
        process = context.Process(target=worker, args=(str(db_path), name, doc_ids, actions,
                                                        seed * 1000 + index, str(out), not same_name,
                                                        str(stop_file) if stop_file else None))
        process.start()
        processes.append((process, out))
    total = Outcome()
    for process, out in processes:
        process.join()
        if process.exitcode != 0 or not out.exists():
            total.errors.append(f"worker exited with {process.exitcode}")
        else:
            total.add(Outcome.load(out))
    return total


def sample_corpus(db_path) -> list[int]:
    """The two sample articles with hand-checked claims, cues, sources and entities as their
    suggestions (what annotators start from), in the file at ``db_path``; their ids."""
    from glose.importer import import_paths
    from glose.nlp import blank_tokenizer

    data = Path(__file__).resolve().parent.parent / "data"
    db = open_db(db_path)
    import_paths(db, [data / "gold_alep_ban_ki_moon.jsonl", data / "gold_alep_reconquete.jsonl"],
                 nlp=blank_tokenizer(), layer="suggestions")
    ids = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id")]
    db.close()
    return ids


# --- SIGKILL trials -------------------------------------------------------------------------


def journalled_worker(db_path: str, doc_id: int, seed: int, journal: str) -> None:
    """Edit until killed. Before each action the journal gets 'begin', after its commit
    'done <state>': whatever is 'done' must be in the file after a SIGKILL."""
    rng = random.Random(seed)
    db = open_db(db_path)
    editor = Editor(db, "killed", doc_id)
    editor.seed()
    text = db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()[0]
    fd = os.open(journal, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    while True:
        state = snapshot(db, editor)
        if rng.random() < 0.2:
            call = rng.choice((editor.undo, editor.redo))
        else:
            action = _random_action(rng, editor, state, text)
            if action is None:
                continue
            call = action[1]
        os.write(fd, b"begin\n")
        try:
            call()
        except EditRefused:
            pass
        os.write(fd, f"done {_digest(snapshot(db, editor))}\n".encode())


def _digest(state: tuple) -> str:
    import hashlib

    return hashlib.sha256(repr(state).encode()).hexdigest()[:16]


def kill_trial(db_path: Path, doc_id: int, seed: int, folder: Path, rng: random.Random) -> Outcome:
    """Start a journalled worker, SIGKILL it at a random moment, and check the file."""
    import multiprocessing

    outcome = Outcome()
    journal = folder / f"journal-{seed}"
    journal.unlink(missing_ok=True)
    process = multiprocessing.get_context("spawn").Process(
        target=journalled_worker, args=(str(db_path), doc_id, seed, str(journal)))
    process.start()
    deadline = time.monotonic() + 20
    while (not journal.exists() or journal.stat().st_size < 200) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.3))
    process.kill()
    process.join()
    lines = journal.read_text().splitlines() if journal.exists() else []
    outcome.actions = sum(1 for line in lines if line.startswith("done"))
    done = [line.split()[1] for line in lines if line.startswith("done ")]
    in_flight = bool(lines) and lines[-1] == "begin"
    db = open_db(db_path)
    try:
        if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            outcome.errors.append("integrity_check failed after SIGKILL")
        editor = Editor(db, "killed", doc_id)
        now = _digest(snapshot(db, editor))
        if done and now != done[-1] and not in_flight:
            outcome.lost += 1
            outcome.errors.append("a committed edit is missing after SIGKILL")
        before = snapshot(db, editor)
        if editor.undo() is not None:  # the history still works after a restart
            if editor.redo() is None or snapshot(db, editor) != before:
                outcome.broken_undo += 1
                outcome.errors.append("undo then redo after SIGKILL did not come back")
    except EditRefused:
        outcome.broken_undo += 1
        outcome.errors.append(traceback.format_exc(limit=2))
    finally:
        db.close()
    return outcome
