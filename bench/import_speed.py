"""How fast is ``glose import`` beside bare ``nlp.pipe`` on the same texts?

Generates N synthetic French documents (samples/make_long.py), then in the
same run times
  1. bare ``nlp.pipe`` over the texts (the same pipeline object glose uses),
  2. the real ``glose import`` code path (read, normalise, parse, suggest,
     store in SQLite, one transaction per file) into a fresh database,
and prints both throughputs in words/s and their ratio (glose / bare).
The bar: ratio >= 0.85.

    python bench/import_speed.py [--docs 40] [--words 2000] [--batch-size 64]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import make_long  # noqa: E402

from glose import importer  # noqa: E402
from glose.db.connection import open_db  # noqa: E402
from glose.nlp import (
    load_model,  # noqa: E402
    tokens_of,  # noqa: E402
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=40)
    parser.add_argument("--words", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=2, help="alternate runs of each, keep the best")
    args = parser.parse_args()

    nlp = load_model()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "docs"
        folder.mkdir()
        make_long.main(["--words", str(args.words), "--docs", str(args.docs), "--out", str(folder / "doc.txt")])
        files = sorted(folder.glob("*.txt"))
        texts = [f.read_text(encoding="utf-8") for f in files]
        nlp("Préchauffage du modèle.")  # first-call costs belong to neither side
        # Words are counted once, outside both timings, with glose's own count.
        words = sum(tokens_of(doc, "")[1] for doc in nlp.tokenizer.pipe(texts))

        bare_best = glose_best = float("inf")
        for attempt in range(args.repeat):
            started = time.perf_counter()
            for _ in nlp.pipe(texts, batch_size=args.batch_size):
                pass
            bare_best = min(bare_best, time.perf_counter() - started)

            db = open_db(Path(tmp) / f"bench-{attempt}.db")
            started = time.perf_counter()
            report = importer.import_paths(db, [folder], nlp=nlp, tokenizer_name="bench",
                                           batch_size=args.batch_size)
            glose_best = min(glose_best, time.perf_counter() - started)
            assert len(report.imported) == args.docs and not report.failed, report.failed
            db.close()

    bare_rate, glose_rate = words / bare_best, words / glose_best
    print(f"documents: {args.docs} x ~{args.words} words ({words:,} words counted), batch size {args.batch_size}")
    print(f"bare nlp.pipe : {bare_best:7.2f} s  {bare_rate:9,.0f} words/s")
    print(f"glose import  : {glose_best:7.2f} s  {glose_rate:9,.0f} words/s")
    print(f"ratio glose/bare: {glose_rate / bare_rate:.2f}  (bar: >= 0.85)")


if __name__ == "__main__":
    main()
