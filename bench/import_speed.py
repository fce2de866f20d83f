"""How fast is ``glose import`` beside bare ``nlp.pipe`` on the same texts?

Generates N synthetic French documents (samples/make_long.py, each text distinct),
then in the same run, alternating, times
  a. bare ``nlp.pipe`` in one process (the same pipeline object glose uses, without
     glose's claim-frame component: the model's own work),
  b. bare ``nlp.pipe(n_process=P)``, P being what ``--n-process auto`` resolves to
     (the usable CPUs, at most 4), also without it,
  c. the real ``glose import`` code path with ``--n-process auto`` and the CLI's
     default batch size (read, normalise, parse, suggest, store in SQLite, one
     transaction per file) into a fresh database,
and prints words/s of each and the ratios c/a (target >= 1.4 on 2 CPUs) and
c/b (target >= 0.95). Each is the best of ``--repeat`` runs: machines here are shared.
Beside each it prints the CPU seconds spent (this process and its workers, all
reaped), which others' load does not inflate: where the wall ratios fall short
while the CPU seconds match, the CPUs were busy with someone else's work.

    python bench/import_speed.py [--docs 80] [--words 1000] [--batch-size 8] [--repeat 2]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import make_long  # noqa: E402

from glose import importer  # noqa: E402
from glose.db.connection import open_db  # noqa: E402
from glose.nlp import MAX_AUTO_PROCESSES, load_model, tokens_of, usable_cpus  # noqa: E402
from glose.suggest.component import FACTORY  # noqa: E402

GLOSE_BATCH_SIZE = 64
"""``glose import --batch-size``'s default."""


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have exited."""
    return sum(r.ru_utime + r.ru_stime for r in map(resource.getrusage, (resource.RUSAGE_SELF,
                                                                           resource.RUSAGE_CHILDREN)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=80)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=8,
                        help="bare nlp.pipe's batch size (small enough that every process gets batches)")
    parser.add_argument("--repeat", type=int, default=2, help="alternate runs of each, keep the best")
    args = parser.parse_args()

    cpus = usable_cpus()
    processes = min(cpus, MAX_AUTO_PROCESSES)
    nlp = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        make_long.main(["--words", str(args.words), "--docs", str(args.docs), "--out", str(folder / "doc.txt")])
        files = sorted(folder.glob("*.txt"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        assert len(set(texts)) == len(texts), "the importer skips repeated texts"
        nlp("Préchauffage du modèle.")  # first-call costs belong to no side
        # Words are counted once, outside the timings, with glose's own count.
        words = sum(tokens_of(doc, "")[1] for doc in nlp.tokenizer.pipe(texts))

        best = {"single": float("inf"), "multi": float("inf"), "glose": float("inf")}
        cpu = dict.fromkeys(best, float("inf"))

        def timed(name: str, run):
            started, cpu_started = time.perf_counter(), cpu_seconds()
            result = run()
            best[name] = min(best[name], time.perf_counter() - started)
            cpu[name] = min(cpu[name], cpu_seconds() - cpu_started)
            return result

        for attempt in range(args.repeat):
            with nlp.select_pipes(disable=[FACTORY]):
                timed("single", lambda: sum(1 for _ in nlp.pipe(texts, batch_size=args.batch_size)))
                timed("multi", lambda: sum(1 for _ in nlp.pipe(texts, batch_size=args.batch_size,
                                                               n_process=processes)))
            db = open_db(Path(tmp) / f"bench-{attempt}.db")
            report = timed("glose", partial(importer.import_paths, db, [folder], nlp=nlp, tokenizer_name="bench",
                                            batch_size=GLOSE_BATCH_SIZE, n_process="auto"))
            assert len(report.imported) == args.docs and not report.failed, report.failed
            assert report.words == words, (report.words, words)
            db.close()

    rate = {name: words / seconds for name, seconds in best.items()}
    print(f"CPUs: {os.cpu_count()} on the machine, {cpus} usable; --n-process auto = {processes};"
          f" load average at the end {os.getloadavg()[0]:.2f} (others' work counts in it)")
    print(f"documents: {args.docs} x ~{args.words} words ({words:,} words counted);"
          f" bare batch size {args.batch_size}, glose's {GLOSE_BATCH_SIZE}; best of {args.repeat}")
    for name, what in (("single", "a. bare nlp.pipe, 1 process     "),
                       ("multi", f"b. bare nlp.pipe, {processes} processes   "),
                       ("glose", "c. glose import, --n-process auto")):
        print(f"{what}: {best[name]:7.2f} s  {rate[name]:9,.0f} words/s   CPU {cpu[name]:6.2f} s")
    print(f"c/a: {rate['glose'] / rate['single']:.2f}  (target >= 1.4)")
    print(f"c/b: {rate['glose'] / rate['multi']:.2f}  (target >= 0.95)")


if __name__ == "__main__":
    main()
