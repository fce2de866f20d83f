"""Generate long synthetic French news documents for benchmarks.

The sentences of the sample articles are shuffled (seeded, so runs compare)
into documents of the requested length, as .txt files or one .jsonl file.

    python samples/make_long.py --words 100000 --docs 1 --out /tmp/long.txt
    python samples/make_long.py --words 2000 --docs 50 --out /tmp/corpus.jsonl
"""
from __future__ import annotations

import argparse
import json
import random
import re
from pathlib import Path

SAMPLES = Path(__file__).resolve().parent


def sample_sentences() -> list[str]:
    text = " ".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    text = re.sub(r"^\s*date\s+\S+\s+", "", text)
    return [s for s in re.split(r"(?<=[.!?»])\s+(?=[«A-ZÀ-Ý])", text) if len(s.split()) > 3]


def make_document(words: int, rng: random.Random, sentences: list[str]) -> str:
    """About ``words`` words in paragraphs of 3 to 6 sentences."""
    paragraphs, count = [], 0
    while count < words:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(3, 6)))
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return "\n".join(paragraphs) + "\n"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--words", type=int, default=100_000, help="words per document")
    parser.add_argument("--docs", type=int, default=1, help="number of documents")
    parser.add_argument("--seed", type=int, default=2016)
    parser.add_argument("--out", required=True, help="a .jsonl file, or a .txt path (numbered if --docs > 1)")
    args = parser.parse_args(argv)
    rng, sentences = random.Random(args.seed), sample_sentences()
    out = Path(args.out)
    texts = [make_document(args.words, rng, sentences) for _ in range(args.docs)]
    if out.suffix == ".jsonl":
        with out.open("w", encoding="utf-8") as handle:
            for i, text in enumerate(texts):
                # A per-document marker keeps texts distinct (import skips duplicates).
                handle.write(json.dumps({"text": f"Document synthétique {i}.\n{text}",
                                         "meta": {"synthetic": True, "seed": args.seed}},
                                        ensure_ascii=False) + "\n")
    else:
        for i, text in enumerate(texts):
            path = out if args.docs == 1 else out.with_name(f"{out.stem}-{i:04d}{out.suffix}")
            path.write_text(f"Document synthétique {i}.\n{text}", encoding="utf-8")


if __name__ == "__main__":
    main()
