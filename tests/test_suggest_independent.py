"""The engine on French news written and annotated independently of it: 40 paragraphs
first, then nine blind sets.

``gold_independent_dev.jsonl`` (25 paragraphs) was used to analyse errors and
improve the engine; ``gold_independent_test.jsonl`` (15 paragraphs) was scored
once, at the end, and never used for tuning. Both were committed before any
engine output on them was seen. The floors sit a little below the figures
measured when they were added, so that a regression fails:

            claims P / R / F1        cues F1   source accuracy
    dev     1.000 / 0.933 / 0.966    0.965     1.000 (56/56)
    test    0.963 / 0.788 / 0.867    0.807     0.885 (23/26)

(Before the changes: dev F1 0.893, cue F1 0.927, sources 0.920; test F1 0.867,
cue F1 0.772, sources 0.808.) Do not raise the test floors by tuning on the test
paragraphs: write new held-out ones instead.

``gold_blind.jsonl`` (50 paragraphs, 103 claims) was written and annotated by
someone who never read the engine's code or lexicons, and scored once:

            claims P / R / F1        cues F1   source accuracy
    blind   0.978 / 0.845 / 0.906    0.876     0.897 (78/87)

``gold_blind2.jsonl`` (11 records, 73 paragraphs, 128 claims; courts, economy,
sport, health, local politics, environment, culture) was written for issue 12 by an
annotator who never read the engine, following docs/CLAIM_BOUNDARIES.md, with the
speaker of every source; committed before the engine ran on it, scored once
(2026-12-02), speaker stage included (without it, identity 0.407, 37/91):

            claims P / R / F1        cues F1   source mention   speaker identity
    blind2  0.968 / 0.711 / 0.820    0.751     0.846 (77/91)    0.538 (49/91)

Issue 12 asks 0.92 / 0.90 / 0.85 there: the gap was recall (constructions the engine
missed) and identity. Once scored, blind2 became a development set: its errors were
studied and the engine changed for them (with new test sentences, never its own).

``gold_blind3.jsonl`` (12 records, 84 paragraphs, 132 claims; festival, drought,
offshore wind, teachers' strike, trains, research, milk prices, a cyber-attack,
asylum, student housing, fishing licences, museum restitutions) was written the same
way for issue 12, committed (8282bec) before the engine was run on it for scoring,
and scored once (2026-12-02, engine at a6df5ef); its errors were studied only after
that. (While it was being written, a comparison script ran the engine over every file
of tests/data and printed a few of its frames on that half-written file, unread; the
gold was not changed for it, and the engine was not tuned on it before scoring.)

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind3  0.973 / 0.833 / 0.898    0.889    0.918            0.773 (85/110)  0.800
    (the engine at the session's start: 0.961 / 0.750 / 0.843, 0.833, 0.919, 0.818 (81/99), 0.740)

After that scoring, blind3 became a development set, and two more blind sets were
written the same way, each committed before the engine ran on it, scored once, and
then studied (nobody tuned on a set before scoring it):

- ``gold_blind4.jsonl`` (12 records, 81 paragraphs, 124 claims; space, banking,
  hospital AI, ski, wildfire, municipal campaign, prisons, wine, rugby finances, data
  privacy, an air-traffic strike, a metro line), committed at 7d000b6, scored at 053415f
  (its writer's report had quoted a few of its names):

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind4  0.948 / 0.879 / 0.912    0.932    0.945            0.761 (83/109)  0.845

- ``gold_blind5.jsonl`` (10 records, 79 paragraphs, 121 claims; a medicine shortage, a
  panda loan, a reactor restart, chess, a heatwave, a pensions vote, a newspaper
  strike, a volcano, a car subsidy, school canteens), committed at 500e788, scored at
  b81b55b (its writer's report quoted none of it):

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind5  0.973 / 0.884 / 0.926    0.912    0.916            0.748 (80/107)  0.831

On blind5, issue 12's claim (0.92) and mention (0.90) targets are met; speaker
identity (0.85) and frame F1 (0.85) are not. Identity on each fresh set (0.773, 0.761,
0.748) stays well below the same engine on the sets it was developed on (0.83-0.98):
resolving descriptions and pronouns to names generalises poorly. blind5 is spent too.

Every set at b81b55b (frame F1: claim, cue and source all right):

            claim F1   cues F1   mention   identity   frame F1
    dev     0.992      0.991     1.000     0.983      0.992
    test    0.970      0.923     0.969     0.969      0.879
    blind   0.914      0.918     0.956     0.911      0.832
    blind2  0.976      0.968     0.976     0.847      0.945
    blind3  0.965      0.965     1.000     0.927      0.942
    blind4  0.934      0.954     0.947     0.832      0.876
    blind5  0.926      0.912     0.916     0.748      0.831

After blind5 was studied, the speaker stage was reworked (descriptions read by their
noun, group names after the mention, organisation nouns and acronyms, roles named later,
possessives, gender from first names; 60feb22), and one more blind set was scored once:

- ``gold_blind6.jsonl`` (11 records, 76 paragraphs, 131 claims; a rail strike, a
  university reform, a drought order, a festival, a cyber-attack, fishing quotas, a
  factory closure, an urban project, a scientific study, a diplomatic visit, floods),
  committed at de2294c, scored at 60feb22 (its writer's report quoted none of it):

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind6  0.960 / 0.924 / 0.942    0.938    0.959            0.810 (98/121)  0.872

Claims, mention and frame F1 meet issue 12's targets there; identity (0.85) does not,
though it is up from 0.75-0.77 on the earlier fresh sets. Every set at 60feb22:

            claim F1   cues F1   mention   identity   frame F1
    dev     0.992      0.991     1.000     0.983      0.992
    test    0.970      0.923     0.969     0.969      0.879
    blind   0.914      0.923     0.956     0.911      0.843
    blind2  0.976      0.968     0.976     0.863      0.945
    blind3  0.965      0.965     1.000     0.944      0.942
    blind4  0.938      0.963     0.974     0.939      0.905
    blind5  0.936      0.926     0.936     0.844      0.858
    blind6  0.942      0.938     0.959     0.810      0.872

blind6 then became a development set too, and the next one was scored once:

- ``gold_blind7.jsonl`` (11 records, 66 paragraphs, 130 claims; PFAS, bird flu,
  wolves, dockers, a bridge, a telecom outage, a theatre, athletics, a shop chain's
  bankruptcy, a tramway, a forest), committed at f577ca8, scored at 72174a4:

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind7  0.984 / 0.954 / 0.969    0.969    0.976            0.815 (101/124) 0.938

- ``gold_blind8.jsonl`` (11 records, 66 paragraphs, 131 claims; a mayor's resignation,
  a bus strike, vaccination, a supermarket price war, noise, sailing, a mountain hut, a
  landslide, an animal-welfare raid, a video-game studio, insurance), committed at
  1a1f176, scored at 3cbf037:

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind8  0.984 / 0.931 / 0.957    0.921    0.943            0.836 (102/122) 0.886

  (Two of its identity misses were the metric's: an acronym's initials did not read
  "épicerie" or "éditeurs" as E. The metric was mended after that scoring, at 7491c76;
  with it the same engine scores 0.852 there. The figure of record stays 0.836.)

- ``gold_blind9.jsonl`` (11 records, 66 paragraphs, 132 claims; a lighthouse, a
  cinema, bees, a nursing home, a swimming ban, a soda tax, a carnival, a cathedral,
  coastal erosion, motorway tolls, a post office), committed at 3ae6060, scored at
  87f500c:

            claims P / R / F1        cues F1  mention          identity        frame F1
    blind9  0.984 / 0.909 / 0.945    0.944    0.983            0.908 (109/120) 0.913

  Every target of issue 12 is met there (claims 0.92, mention 0.90, identity 0.85,
  frame F1 0.85). The fresh-set identity went 0.748, 0.810, 0.815, 0.836, 0.908 over
  blind5 to blind9, each set studied only after its one scoring.

One gold file was brought to the convention written at 7491c76 (docs/CLAIM_BOUNDARIES.md:
a bare *la direction* is the company it speaks for): in ``gold_blind.jsonl`` the Michelin
article's "la direction" now carries the canonical name Michelin, as the blind6-blind8
writers wrote such sources unprompted.

Every set at 7491c76 (blind: 0.911 identity once its gold says Michelin):

            claim F1   cues F1   mention   identity   frame F1
    dev     0.992      0.991     1.000     0.983      0.992
    test    0.970      0.923     0.969     0.969      0.879
    blind   0.914      0.923     0.956     0.900      0.843
    blind2  0.976      0.968     0.984     0.871      0.953
    blind3  0.965      0.965     1.000     0.944      0.942
    blind4  0.938      0.963     0.974     0.939      0.905
    blind5  0.936      0.926     0.936     0.844      0.858
    blind6  0.942      0.938     0.959     0.876      0.872
    blind7  0.969      0.969     0.984     0.879      0.945
    blind8  0.957      0.921     0.943     0.893      0.886

Every split goes through ``app.nlp.parse_one``, as imports do.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from glose.evaluation.metrics import evaluate, from_frames, from_prodigy
from glose.nlp import parse_one
from glose.suggest.engine import suggest_frames

DATA = Path(__file__).resolve().parent / "data"

FLOORS = {  # split: (claim F1, cue F1, source mention accuracy, speaker identity accuracy, frame F1)
    "dev": (0.96, 0.96, 0.97, 0.95, 0.96),
    "test": (0.94, 0.89, 0.94, 0.93, 0.85),
    "blind": (0.89, 0.89, 0.93, 0.87, 0.80),
    "blind2": (0.95, 0.94, 0.96, 0.84, 0.93),
    "blind3": (0.94, 0.94, 0.97, 0.89, 0.91),
    "blind4": (0.91, 0.93, 0.94, 0.90, 0.87),
    "blind5": (0.91, 0.90, 0.91, 0.82, 0.83),
    "blind6": (0.92, 0.91, 0.93, 0.83, 0.85),
    "blind7": (0.95, 0.95, 0.96, 0.85, 0.92),
    "blind8": (0.94, 0.90, 0.92, 0.87, 0.86),
    "blind9": (0.92, 0.92, 0.96, 0.88, 0.89),
}
FILES = {"dev": "gold_independent_dev", "test": "gold_independent_test", "blind": "gold_blind",
         "blind2": "gold_blind2", "blind3": "gold_blind3", "blind4": "gold_blind4", "blind5": "gold_blind5",
         "blind6": "gold_blind6", "blind7": "gold_blind7",
         "blind8": "gold_blind8", "blind9": "gold_blind9"}


def _report(nlp, split: str):
    pairs = []
    for line in (DATA / f"{FILES[split]}.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        gold = from_prodigy(json.loads(line))
        pred = from_frames(gold.text, suggest_frames(parse_one(nlp, gold.text)), [])
        pairs.append((gold, pred))
    return evaluate(pairs)


def test_independent_gold_files_are_consistent():
    from glose.textnorm import normalize

    for split, size in (("dev", 25), ("test", 15), ("blind", 50), ("blind2", 11), ("blind3", 12), ("blind4", 12),
                        ("blind5", 10), ("blind6", 11), ("blind7", 11), ("blind8", 11), ("blind9", 11)):
        records = [json.loads(x) for x in (DATA / f"{FILES[split]}.jsonl").read_text(encoding="utf-8").splitlines() if x.strip()]
        assert len(records) == size
        for rec in records:
            text = rec["text"]
            assert normalize(text) == text
            for span in rec["spans"]:
                assert text[span["start"]:span["end"]] == span["text"]
            for rel in rec["relations"]:
                assert rel["label"] in {"SAID_BY", "CUE"} and rel["head_span"]["label"] == "CLAIM"


@pytest.mark.slow
@pytest.mark.parametrize("split", list(FILES))
def test_engine_on_independent_gold_stays_above_its_floor(nlp, split):
    report = _report(nlp, split)
    claim_f1, cue_f1, source, identity, frame_f1 = FLOORS[split]
    assert report.frames.f1 >= frame_f1, report.frames
    assert report.identity_accuracy >= identity, (report.identity_correct, report.identity_total)
    assert report.claims.f1 >= claim_f1, report.claims
    assert report.cues.f1 >= cue_f1, report.cues
    assert report.source_accuracy >= source, (report.source_correct, report.source_total)
