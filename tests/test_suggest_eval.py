"""Metrics of app.suggest.evaluate on hand-built cases, and the engine against the gold files."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from glose.evaluation.metrics import (
    ClaimAnn,
    DocAnns,
    evaluate,
    format_report,
    from_frames,
    from_prodigy,
    match_spans,
    spans_match,
)
from glose.suggest.frames import Frame, Mention
from glose.textnorm import normalize, split_header

DATA = Path(__file__).resolve().parent / "data"
ROOT = DATA.parent.parent
SAMPLE_GOLD = {
    "gold_alep_reconquete.jsonl": "alep-reconquete-onu-effondrement.txt",
    "gold_alep_ban_ki_moon.jsonl": "alep-ban-ki-moon-atrocites.txt",
}
TEXT = "Selon la police, 2 000 personnes ont défilé. « C'est fini », a dit Paul Roy."


def doc(claims, entities=()):
    return DocAnns(TEXT, list(claims), list(entities))


# ---------------------------------------------------------------- matching rules

def test_overlap_is_measured_against_the_longer_span():
    assert spans_match((0, 10), (0, 3))  # 3 >= 0.3 * 10
    assert not spans_match((0, 10), (0, 2))
    assert not spans_match((0, 10), (10, 20))


def test_matching_is_one_to_one_and_greedy_by_overlap():
    gold = [(0, 10), (20, 30)]
    pred = [(2, 10), (0, 10), (20, 28)]
    # (0, 10) takes gold 0 (largest overlap); (2, 10) may not match it a second time
    assert match_spans(gold, pred) == [(0, 1), (1, 2)]
    # greedy, not optimal: the biggest overlap is taken first
    assert match_spans([(0, 10), (12, 20)], [(0, 20), (0, 9)]) == [(0, 0)]


def test_claim_precision_recall_and_source_accuracy():
    gold = doc([
        ClaimAnn((17, 44), (0, 5), ((6, 15),)),
        ClaimAnn((47, 56), (60, 66), ((67, 75),), ("Paul Roy",)),
    ])
    pred = doc([
        ClaimAnn((17, 40), (0, 5), ((9, 15),)),  # source overlaps "la police": correct
        ClaimAnn((47, 56), (60, 66), ((1, 3),), ("paul  roy",)),  # wrong span, same canonical name
        ClaimAnn((0, 5), None, ()),  # spurious
    ])
    report = evaluate([(gold, pred)])
    assert (report.claims.tp, report.claims.n_pred, report.claims.n_gold) == (2, 3, 2)
    assert report.claims.precision == pytest.approx(2 / 3)
    assert report.claims.recall == 1.0
    assert report.source_accuracy == 1.0
    assert report.cues.f1 == 1.0


def test_a_frame_is_right_when_claim_cue_and_source_all_are():
    gold = doc([
        ClaimAnn((17, 44), (0, 5), ((6, 15),)),
        ClaimAnn((47, 56), (60, 66), ((67, 75),)),
        ClaimAnn((0, 5), None, ((6, 15),)),
    ])
    pred = doc([
        ClaimAnn((17, 40), (0, 5), ((9, 15),)),  # all three right
        ClaimAnn((47, 56), None, ((67, 75),)),  # no cue where gold has one
        ClaimAnn((0, 5), None, ((60, 66),)),  # no cue on both sides, but the wrong source
        ClaimAnn((76, 80), None, ()),  # spurious
    ])
    report = evaluate([(gold, pred)])
    assert (report.frames.tp, report.frames.n_pred, report.frames.n_gold) == (1, 4, 3)
    assert report.frames.f1 == pytest.approx(2 * (1 / 4) * (1 / 3) / (1 / 4 + 1 / 3))
    assert (report.claims.tp, report.source_correct) == (3, 2)
    assert "frames" in format_report(report)
    right_cue_less = evaluate([(doc([ClaimAnn((0, 5), None, ((6, 15),))]), doc([ClaimAnn((0, 5), None, ((6, 15),))]))])
    assert right_cue_less.frames.tp == 1


def test_a_claim_predicted_without_source_counts_as_wrong():
    gold = doc([ClaimAnn((17, 44), None, ((6, 15),))])
    pred = doc([ClaimAnn((17, 44), None, ())])
    report = evaluate([(gold, pred)])
    assert report.source_total == 1 and report.source_correct == 0


def test_entities_are_scored_exactly_per_label():
    gold = doc([], [(6, 15, "ORG"), (67, 75, "PER")])
    pred = doc([], [(9, 15, "ORG"), (67, 75, "PER"), (0, 5, "LOC")])
    report = evaluate([(gold, pred)])
    assert report.entities["PER"].f1 == 1.0
    assert report.entities["ORG"].tp == 0
    assert report.entities["LOC"].precision == 0.0
    assert report.entities["ALL"].tp == 1
    table = format_report(report)
    assert "claims" in table and "entities PER" in table and "source mention accuracy" in table
    assert "speaker identity accuracy" in table


def test_texts_must_match():
    with pytest.raises(ValueError):
        evaluate([(doc([]), DocAnns("autre", [], []))])


def test_from_prodigy_reads_claims_relations_and_entities():
    claim = {"start": 47, "end": 56, "label": "CLAIM", "quote_type": "direct"}
    cue = {"start": 60, "end": 66, "label": "CUE"}
    person = {"start": 67, "end": 75, "label": "PER", "canonical": "Paul Roy"}
    record = {
        "text": TEXT, "meta": {},
        "spans": [claim, cue, person, {"start": 6, "end": 15, "label": "SOURCE"}],
        "relations": [
            {"head": 0, "child": 1, "label": "CUE", "head_span": claim, "child_span": cue},
            {"head": 0, "child": 2, "label": "SAID_BY", "head_span": claim, "child_span": person},
        ],
    }
    anns = from_prodigy(record)
    assert anns.claims == [ClaimAnn((47, 56), (60, 66), ((67, 75),), ("Paul Roy",), ("Paul Roy",))]
    assert anns.entities == [(67, 75, "PER")]


def test_from_frames_keeps_cues_sources_and_canonicals():
    frame = Frame(47, 56, (60, 66), (Mention(67, 75, "PER"), Mention(1, 3, canonical="Paul Roy")))
    anns = from_frames(TEXT, [frame], [(67, 75, "PER")])
    assert anns.claims[0].sources == ((67, 75), (1, 3))
    assert anns.claims[0].canonicals == ("Paul Roy",)


# ---------------------------------------------------------------- gold files

def gold_records(name):
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("name", [*SAMPLE_GOLD, "gold_heldout.jsonl"])
def test_gold_spans_are_consistent_with_their_text(name):
    for record in gold_records(name):
        text = record["text"]
        spans = list(record["spans"])
        for rel in record["relations"]:
            spans += [rel["head_span"], rel["child_span"]]
        for span in spans:
            assert 0 <= span["start"] < span["end"] <= len(text)
            if "text" in span:
                assert span["text"] == text[span["start"]:span["end"]]
        assert from_prodigy(record).claims


@pytest.mark.parametrize("name, sample", SAMPLE_GOLD.items())
def test_sample_gold_text_is_what_glose_stores(name, sample):
    raw = (ROOT / "samples" / sample).read_text(encoding="utf-8")
    meta, body = split_header(raw)
    (record,) = gold_records(name)
    assert record["text"] == normalize(body)
    assert record["meta"].get("date") == meta.get("date")


def run_engine(nlp, names):
    from glose.nlp import parse_one
    from glose.suggest.engine import suggest_frames

    pairs = []
    for name in names:
        for record in gold_records(name):
            gold = from_prodigy(record)
            parsed = parse_one(nlp, gold.text)  # as imports parse
            ents = [(e.start_char, e.end_char, e.label_) for e in parsed.ents]
            pairs.append((gold, from_frames(gold.text, suggest_frames(parsed), ents)))
    return evaluate(pairs)


@pytest.mark.slow
def test_engine_meets_the_issue_bar_on_the_samples(nlp):
    report = run_engine(nlp, SAMPLE_GOLD)
    print(format_report(report))
    assert report.claims.f1 >= 0.85
    assert report.source_accuracy >= 0.85


@pytest.mark.slow
def test_engine_generalises_to_held_out_news(nlp):
    report = run_engine(nlp, ["gold_heldout.jsonl"])
    print(format_report(report))
    assert report.claims.f1 >= 0.8
    assert report.source_accuracy >= 0.8
