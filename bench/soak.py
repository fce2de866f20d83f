"""Soak: a team on one database file, an import beside it, kills and fuzzed files.

Prints, for each part, the trials, actions, lost edits, broken undos, "database is locked"
errors and the worst wait of a single edit (one Editor call, from the annotator's side):

1. ``--annotators`` processes x ``--actions`` random edits each, undo and redo included,
   on the two sample articles, every step checked against an oracle
   (tests/reliability/workload.py);
2. an import of a ``--import-words``-word article with the French model while four
   annotators edit, for as long as the import runs;
3. ``--kills`` SIGKILL trials of an editing process, each followed by a check that every
   committed edit is there, ``integrity_check`` and a working undo/redo;
4. ``--fuzz`` fuzzed import files (the hypothesis strategy of the reliability suite).

Nothing is asserted: the figures are printed (machines here are noisy).

    .venv/bin/python bench/soak.py [--annotators 8] [--actions 1000] [--kills 300]
                                   [--import-words 250000] [--fuzz 10000] [--skip import,fuzz]
"""
from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))


def _corpus(db_path: Path) -> list[int]:
    from glose import importer
    from glose.db.connection import open_db
    from glose.nlp import blank_tokenizer

    db = open_db(db_path)
    importer.import_paths(db, [ROOT / "samples" / "aleppo.jsonl"], nlp=blank_tokenizer(), layer="suggestions")
    ids = [row[0] for row in db.execute("SELECT id FROM documents ORDER BY id")]
    db.close()
    return ids


def _line(name: str, trials: int, outcome, seconds: float, *, waits: bool = True) -> None:
    wait = (f"  edit wait median {outcome.percentile(0.5) * 1000:,.1f} ms, p99 {outcome.percentile(0.99) * 1000:,.0f}"
            f" ms, worst {outcome.worst_wait * 1000:,.0f} ms (over 1 s: {outcome.waits_over_1s})") if waits else ""
    print(f"{name:<28} trials {trials:>5}  actions {outcome.actions:>7,}  lost {outcome.lost}  "
          f"broken undo {outcome.broken_undo}  locked {outcome.locked}  refused {outcome.refused}  "
          f"errors {len(outcome.errors)}{wait}  [{seconds:,.0f} s]")
    for error in outcome.errors[:3]:
        print("    " + error.strip().replace("\n", "\n    "))


def annotators(folder: Path, count: int, actions: int) -> None:
    from tests.reliability.workload import run_annotators

    db_path = folder / "team.db"
    docs = _corpus(db_path)
    started = time.perf_counter()
    outcome = run_annotators(db_path, docs, annotators=count, actions=actions, seed=1, folder=folder)
    _line(f"{count} annotators at once", count, outcome, time.perf_counter() - started)


def import_beside(folder: Path, words: int) -> None:
    import make_long

    from tests.reliability.workload import run_annotators

    db_path = folder / "import.db"
    docs = _corpus(db_path)
    article = folder / f"long-{words}.txt"
    make_long.main(["--words", str(words), "--out", str(article)])
    stop = folder / "import-done"
    result: dict = {}

    def edit() -> None:
        result["outcome"] = run_annotators(db_path, docs, annotators=4, actions=10**9, seed=2, folder=folder,
                                           stop_file=stop)

    editing = threading.Thread(target=edit)
    started = time.perf_counter()
    editing.start()
    done = subprocess.run([sys.executable, "-m", "glose", "--db", str(db_path), "import", "--max-bytes",
                           str(50_000_000), str(article)], cwd=ROOT, capture_output=True, text=True)
    stop.touch()
    editing.join()
    seconds = time.perf_counter() - started
    print(f"import of {words:,} words with the model: exit {done.returncode}, {seconds:,.0f} s; "
          + (done.stdout.strip().splitlines() or [""])[-1])
    if done.returncode:
        print("    " + done.stderr.strip()[-500:])
    _line("4 annotators beside it", 4, result["outcome"], seconds)


def kills(folder: Path, trials: int) -> None:
    from tests.reliability.workload import Outcome, kill_trial

    db_path = folder / "kills.db"
    docs = _corpus(db_path)
    rng = random.Random(4)
    total = Outcome()
    started = time.perf_counter()
    for trial in range(trials):
        total.add(kill_trial(db_path, docs[trial % len(docs)], seed=trial, folder=folder, rng=rng))
    _line("SIGKILL during edits", trials, total, time.perf_counter() - started, waits=False)


def fuzz(folder: Path, examples: int) -> None:
    os.environ["GLOSE_FUZZ_EXAMPLES"] = str(examples)  # read when the test module is imported
    from tests.reliability import test_fuzz_import

    class Factory:
        def mktemp(self, name: str) -> Path:
            return Path(tempfile.mkdtemp(prefix=name, dir=folder))

    started = time.perf_counter()
    try:
        test_fuzz_import.test_fuzzed_files_are_imported_whole_or_refused_in_one_line(tmp_path_factory=Factory())
        verdict = "0 tracebacks, no file half stored, integrity ok"
    except Exception as exc:  # the falsifying example, as hypothesis reports it
        verdict = f"FAILED: {type(exc).__name__}: {str(exc)[:300]}"
    print(f"{'fuzzed import files':<28} examples {examples:>6,}  {verdict}  [{time.perf_counter() - started:,.0f} s]")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--annotators", type=int, default=8)
    parser.add_argument("--actions", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=300)
    parser.add_argument("--import-words", type=int, default=250_000)
    parser.add_argument("--fuzz", type=int, default=10_000)
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: annotators,import,kills,fuzz")
    args = parser.parse_args(argv)
    skip = set(filter(None, args.skip.split(",")))
    with tempfile.TemporaryDirectory(prefix="glose-soak-") as tmp:
        folder = Path(tmp)
        if "annotators" not in skip:
            annotators(folder, args.annotators, args.actions)
        if "import" not in skip:
            import_beside(folder, args.import_words)
        if "kills" not in skip:
            kills(folder, args.kills)
        if "fuzz" not in skip:
            fuzz(folder, args.fuzz)


if __name__ == "__main__":
    main()
