"""Suggestion time beside spaCy's parse time, in the same run.

Parses the two samples plus N generated long French texts (sample sentences
repeated and shuffled) with ``nlp.pipe`` without the claim-frame component, then
times that component (``glose_frames``: the engine, and writing ``doc.spans`` and
the extension) over the same docs. The bar: suggestions add at most 10% to parse time.

    python bench/suggest_speed.py [--docs N] [--sentences S] [--seed K]
"""
from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

from spacy.tokens import Doc

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from glose.nlp import load_model  # noqa: E402
from glose.suggest.component import FACTORY, frames_of  # noqa: E402
from glose.textnorm import normalize, split_header  # noqa: E402


def sample_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "samples").glob("*.txt")):
        _, body = split_header(path.read_text(encoding="utf-8"))
        texts.append(normalize(body))
    return texts


def generated(texts: list[str], docs: int, sentences: int, seed: int) -> list[str]:
    """Long articles made of shuffled sample sentences and paragraphs."""
    pool = [s for t in texts for s in re.split(r"(?<=[.!?»])\s+(?=[«A-ZÀ-Ý])", t) if s.strip()]
    rng = random.Random(seed)
    out = []
    for _ in range(docs):
        picked = [rng.choice(pool) for _ in range(sentences)]
        paragraphs = [" ".join(picked[i:i + 4]) for i in range(0, len(picked), 4)]
        out.append("\n".join(paragraphs))
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=4, help="generated documents (default 4)")
    parser.add_argument("--sentences", type=int, default=400, help="sentences per generated document")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=3, help="time suggestions this many times, keep the best")
    args = parser.parse_args(argv)

    nlp = load_model()
    texts = sample_texts()
    texts += generated(texts, args.docs, args.sentences, args.seed)
    words = sum(len(t.split()) for t in texts)

    nlp("Échauffement du modèle.")
    t0 = time.perf_counter()
    with nlp.select_pipes(disable=[FACTORY]):
        docs = list(nlp.pipe(texts))
    parse = time.perf_counter() - t0

    component = nlp.get_pipe(FACTORY)
    best = float("inf")
    for _ in range(args.repeat):
        fresh = [Doc(nlp.vocab).from_bytes(doc.to_bytes()) for doc in docs]  # nothing cached from a run before
        t0 = time.perf_counter()
        for doc in fresh:
            component(doc)
        best = min(best, time.perf_counter() - t0)
    frames = sum(len(frames_of(doc)) for doc in fresh)

    ratio = best / parse
    print(f"documents: {len(docs)}  words: {words}  tokens: {sum(len(d) for d in docs)}  frames: {frames}")
    print(f"parse seconds:      {parse:.3f}")
    print(f"suggestion seconds: {best:.3f}")
    print(f"ratio:              {ratio:.3%} of parse time (bar: <= 10%)")
    return 0 if ratio <= 0.10 else 1


if __name__ == "__main__":
    raise SystemExit(main())
