"""The claim-frame component on cut-up text: any slice of real articles, and odd
fragments, gives frames inside the text and never an exception (an IndexError in the
*d'après X, qui …* rule was found this way)."""
from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from glose.nlp import parse
from glose.suggest.component import frames_of

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
ODD = ["", " ", "«", "»", "« »", ", a-t-il dit.", "Selon", "Pour lui,", "qui a dit que", "« A », s'", "Le groupe X",
       "et que", "M. X a dit que", "\n\n\n", "« " * 50, "PourPourPour", "Selon X,", "a dit", "« a », a", "et que et que",
       "Selon Le Monde, qui", "d'après l'OCDE, qui", "Pour Anne-Sophie Le",
       "Les ventes reculent, d'après le cabinet Xerfa, qui suit le secteur,"]


def _slices(seed: int, n: int) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt"))]
    for name in ("gold_heldout", "gold_independent_dev", "gold_blind2"):  # development sets only
        path = ROOT / "tests" / "data" / f"{name}.jsonl"
        texts += [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line]
    words = " ".join(texts).split(" ")
    rng = random.Random(seed)
    return [" ".join(words[k:k + rng.randrange(1, 40)]) for k in (rng.randrange(len(words)) for _ in range(n))]


def test_any_slice_of_an_article_gives_frames_inside_the_text(nlp):
    cases = ODD + _slices(seed=7, n=400)
    for doc, text in parse(nlp, ((text, text) for text in cases)):
        for frame in frames_of(doc):
            assert 0 <= frame.claim_start < frame.claim_end <= len(text), (text, frame)
            assert frame.cue is None or 0 <= frame.cue[0] < frame.cue[1] <= len(text), (text, frame)
            assert all(0 <= m.start < m.end <= len(text) for m in frame.sources), (text, frame)
