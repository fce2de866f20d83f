"""docs/CLAIM_BOUNDARIES.md, rules 1 to 3: every gold file and the engine's own claims
follow them (no quotation mark or space at an edge, no leading que/qu', no trailing
sentence punctuation)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SAMPLES

DATA = Path(__file__).resolve().parent / "data"
MARKS = "«»\"“”‹›„"


def breaks_the_convention(claim: str) -> str | None:
    if not claim or claim != claim.strip():
        return "space at an edge"
    if claim[0] in MARKS or claim[-1] in MARKS:
        return "quotation mark at an edge"
    if claim.lower().startswith(("que ", "qu'", "qu’")):
        return "leading que"
    if claim[-1] in ".,;:":
        return "trailing punctuation"
    return None


def test_the_rule_itself():
    assert breaks_the_convention("« la paix »") == "quotation mark at an edge"
    assert breaks_the_convention("qu'il viendra") == "leading que"
    assert breaks_the_convention("la ville est tombée.") == "trailing punctuation"
    assert breaks_the_convention("un projet « idéologique » et coûteux") is None
    assert breaks_the_convention("Qui paiera ?") is None


@pytest.mark.parametrize("path", sorted(DATA.glob("gold_*.jsonl")), ids=lambda p: p.name)
def test_every_gold_file_follows_the_convention(path):
    wrong = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        for span in record["spans"]:
            claim = record["text"][span["start"]:span["end"]]
            if span["label"] == "CLAIM" and breaks_the_convention(claim):
                wrong.append(f"{claim[:40]!r}: {breaks_the_convention(claim)}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.slow
def test_the_engine_follows_it_on_the_samples(nlp):
    from glose.nlp import parse_one
    from glose.suggest.engine import suggest_frames
    from glose.textnorm import normalize, split_header

    wrong = []
    for sample in sorted(SAMPLES.glob("*.txt")):
        text = normalize(split_header(sample.read_text(encoding="utf-8"))[1])
        for frame in suggest_frames(parse_one(nlp, text)):
            claim = text[frame.claim_start:frame.claim_end]
            if breaks_the_convention(claim):
                wrong.append(f"{claim[:40]!r}: {breaks_the_convention(claim)}")
    assert not wrong, "\n".join(wrong)
