"""doccano JSONL and Label Studio JSON in and out: the converters on files shaped as
each tool writes them, then round trips through the real CLI."""
from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest

from glose import doccano, labelstudio
from glose.errors import BadFile
from glose.vocabulary import ACCEPTED, CLAIM, CUE, LOC, PENDING, PER, REJECTED, SAID_BY, SOURCE, SPAN_LABELS

TEXT = "« La paix est proche », a déclaré Jean Dupont à Genève."
EMOJI = "😀 Selon l'ONU 🕊️, la trêve tiendra."


def at(part: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def utf16(part: str, text: str) -> tuple[int, int]:
    """Offsets of ``part`` counted in UTF-16 code units, as Label Studio's browser counted them."""
    start, end = at(part, text)
    units = [len(text[:i].encode("utf-16-le")) // 2 for i in (start, end)]
    return units[0], units[1]


def spans_by_text(task: dict) -> dict:
    return {task["text"][s["start"]:s["end"]]: s for s in task["spans"]}


def links(task: dict) -> set:
    text = task["text"]
    return {(text[r["head_span"]["start"]:r["head_span"]["end"]], r["label"],
             text[r["child_span"]["start"]:r["child_span"]["end"]], r.get("state")) for r in task["relations"]}


# --- doccano --------------------------------------------------------------------------------


def test_doccano_relation_export_is_read_with_ids_comments_and_links():
    claim, cue, source = at("« La paix est proche »"), at("a déclaré"), at("Jean Dupont")
    line = {"id": 42, "text": TEXT, "Comments": [], "entities": [
        {"id": 7, "label": CLAIM, "start_offset": claim[0], "end_offset": claim[1]},
        {"id": 8, "label": CUE, "start_offset": cue[0], "end_offset": cue[1]},
        {"id": 9, "label": PER, "start_offset": source[0], "end_offset": source[1]}],
        "relations": [{"id": 1, "from_id": 7, "to_id": 9, "type": SAID_BY},
                      {"id": 2, "from_id": 7, "to_id": 8, "type": CUE}]}
    [task] = doccano.read_tasks(Path("x.jsonl"), json.dumps(line, ensure_ascii=False) + "\n")
    assert task["meta"] == {"id": 42, "Comments": []}
    assert task["answer"] == "accept"
    assert {t: s["label"] for t, s in spans_by_text(task).items()} == {
        "« La paix est proche »": CLAIM, "a déclaré": CUE, "Jean Dupont": PER}
    assert links(task) == {("« La paix est proche »", SAID_BY, "Jean Dupont", None),
                           ("« La paix est proche »", CUE, "a déclaré", None)}
    assert all(r["head_span"] in task["spans"] for r in task["relations"])


def test_doccano_sequence_labeling_and_pretty_printed_objects_are_read():
    content = (json.dumps({"text": TEXT, "label": [[*at("Genève"), LOC]]}) + "\n\n"
               + json.dumps({"text": "Autre texte.", "labels": [], "meta": {"source": "afp"}}, indent=4) + "\n")
    first, second = doccano.read_tasks(Path("x.jsonl"), content)
    assert first["spans"] == [{"start": at("Genève")[0], "end": at("Genève")[1], "label": LOC}]
    assert second["meta"] == {"source": "afp"} and second["spans"] == []


@pytest.mark.parametrize("line, message", [
    ({"text": TEXT, "label": [[0, 5, "PERSON"]]}, "line 1: label[1]: unknown label 'PERSON'; glose knows"),
    ({"text": TEXT, "label": [[0, 900, LOC]]}, "line 1: label[1]: offsets 0-900 do not fit the text"),
    ({"text": TEXT, "label": ["positive"]}, "is a category ('positive'), not a span"),
    ({"text": TEXT, "entities": [{"id": 1, "label": CLAIM, "start_offset": 0, "end_offset": 3}],
      "relations": [{"id": 1, "from_id": 1, "to_id": 1, "type": "foundedBy"}]},
     "relations[1]: unknown relation type 'foundedBy'"),
    ({"text": TEXT, "entities": [], "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": SAID_BY}]},
     "there is no entity with that id"),
    ({"text": TEXT, "annotations": [{"label": 3, "start_offset": 0, "end_offset": 2, "user": 1}]},
     "a doccano label id, not its name"),
])
def test_doccano_bad_lines_are_refused_with_their_line(line, message):
    with pytest.raises(BadFile, match="rename|fit|category|no entity|label id") as caught:
        doccano.read_tasks(Path("x.jsonl"), json.dumps(line) + "\n")
    assert message in str(caught.value)


def exported_record() -> dict:
    """A record as glose's exporter makes it: states, attributes, a claim in two pieces."""
    def span(part, label, state=ACCEPTED, **extra):
        start, end = at(part)
        return {"start": start, "end": end, "label": label, "token_start": 0, "token_end": 0,
                "text": part, "state": state, "origin": "manual", **extra}
    claim = span("« La paix est proche »", CLAIM, quote_type="direct", note="vérifier", checkworthy=True)
    cue = span("a déclaré", CUE, PENDING, confidence=0.75)
    person = span("Jean Dupont", PER, canonical="Jean Dupont")
    place = span("Genève", LOC, REJECTED)
    pieces = [span("La paix", CLAIM, part_of="T1"), span("est proche", CLAIM, part_of="T1")]
    return {"text": TEXT, "meta": {"title": "Paix", "glose_doc_id": 3, "text_hash": "abc"}, "tokens": [],
            "spans": [claim, cue, person, place, *pieces],
            "relations": [{"head": 0, "child": 0, "label": SAID_BY, "head_span": claim, "child_span": person,
                           "state": ACCEPTED},
                          {"head": 0, "child": 0, "label": CUE, "head_span": claim, "child_span": cue,
                           "state": PENDING}],
            "answer": "accept", "_annotator_id": "bob"}


def comparable(task: dict, default: str) -> tuple[set, set]:
    """What a round trip must keep: each span with its state and attributes, each link."""
    spans = {(s["start"], s["end"], s["label"], s.get("state", default),
              json.dumps({k: v for k, v in s.items() if k not in ("start", "end", "label", "state", "text",
                                                                    "token_start", "token_end")}, sort_keys=True))
             for s in task["spans"]}
    return spans, {(a, label, b, state or default) for a, label, b, state in links(task)}


def test_doccano_write_then_read_keeps_states_attributes_and_links():
    record = exported_record()
    out = io.StringIO()
    assert doccano.write([record], out) == 1
    line = json.loads(out.getvalue())
    assert set(line) == {"text", "entities", "relations", "meta", "glose"}
    assert {e["id"] for e in line["entities"]} == set(range(1, 7))
    assert all(set(r) == {"id", "from_id", "to_id", "type"} for r in line["relations"])
    [task] = doccano.read_tasks(Path("x.jsonl"), out.getvalue())
    assert comparable(task, ACCEPTED) == comparable(record, ACCEPTED)
    assert task["meta"]["title"] == "Paix"


def test_doccano_span_added_in_doccano_is_accepted_and_a_removed_one_leaves_no_trace():
    out = io.StringIO()
    doccano.write([exported_record()], out)
    line = json.loads(out.getvalue())
    line["entities"] = [e for e in line["entities"] if e["label"] != CUE]
    line["relations"] = [r for r in line["relations"] if r["type"] != CUE]
    line["entities"].append({"id": 99, "label": SOURCE, "start_offset": 0, "end_offset": 1})
    [task] = doccano.read_tasks(Path("x.jsonl"), json.dumps(line, ensure_ascii=False))
    assert "a déclaré" not in spans_by_text(task)
    assert spans_by_text(task)["«"] == {"start": 0, "end": 1, "label": SOURCE}  # the task's answer: accepted


# --- Label Studio ---------------------------------------------------------------------------


def ls_export(text: str, result: list, predictions: list | None = None) -> str:
    """A task list as Label Studio's JSON export writes it."""
    return json.dumps([{"id": 12, "data": {"text": text, "title": "Paix"}, "meta": {}, "project": 3,
                        "annotations": [{"id": 9, "completed_by": {"id": 1, "email": "ann@example.org"},
                                         "result": result, "was_cancelled": False, "lead_time": 4.2}],
                        "predictions": predictions or []}], ensure_ascii=False)


def region(rid: str, start: int, end: int, label: str, text: str, **extra) -> dict:
    return {"id": rid, "type": "labels", "from_name": "label", "to_name": "text", "origin": "manual",
            "value": {"start": start, "end": end, "text": text[start:end] if text else None, "labels": [label]},
            **extra}


def test_label_studio_annotation_and_predictions_become_tasks():
    claim, cue, person = at("« La paix est proche »"), at("a déclaré"), at("Jean Dupont")
    result = [region("a1", *claim, CLAIM, TEXT), region("a2", *person, PER, TEXT), region("a3", *cue, CUE, TEXT),
              {"id": "a1", "type": "choices", "from_name": "quote_type", "to_name": "text",
               "value": {"start": claim[0], "end": claim[1], "choices": ["direct"]}},
              {"id": "a1", "type": "textarea", "from_name": "note", "to_name": "text",
               "value": {"start": claim[0], "end": claim[1], "text": ["à vérifier"]}},
              # drawn from the source to the claim, arrow pointing left: the claim is the head
              {"type": "relation", "from_id": "a2", "to_id": "a1", "direction": "left", "labels": [SAID_BY]},
              {"type": "relation", "from_id": "a1", "to_id": "a3", "direction": "right", "labels": []}]
    predicted = [{"model_version": "ner-1", "score": 0.5,
                  "result": [region("p1", *at("Genève"), LOC, TEXT, score=0.9), region("p2", *person, PER, TEXT)]}]
    annotated, suggested = labelstudio.read_tasks(Path("x.json"), ls_export(TEXT, result, predicted))
    assert annotated["_annotator_id"] == "ann@example.org" and annotated["answer"] == "accept"
    assert annotated["meta"] == {"title": "Paix", "id": 12}
    claim_span = spans_by_text(annotated)["« La paix est proche »"]
    assert claim_span["quote_type"] == "direct" and claim_span["note"] == "à vérifier"
    assert links(annotated) == {("« La paix est proche »", SAID_BY, "Jean Dupont", ACCEPTED),
                                ("« La paix est proche »", CUE, "a déclaré", ACCEPTED)}  # unlabelled: implied
    assert "_annotator_id" not in suggested and "answer" not in suggested
    assert {t: (s["state"], s["confidence"]) for t, s in spans_by_text(suggested).items()} == {
        "Genève": (PENDING, 0.9), "Jean Dupont": (PENDING, 0.5)}


def test_label_studio_utf16_offsets_after_emoji_are_converted_to_code_points():
    onu, treve = utf16("l'ONU", EMOJI), utf16("la trêve tiendra", EMOJI)
    assert onu != at("l'ONU", EMOJI)  # one emoji before it: one unit more than code points
    result = [{"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
               "value": {"start": onu[0], "end": onu[1], "text": "l'ONU", "labels": [SOURCE]}},
              {"id": "r2", "type": "labels", "from_name": "label", "to_name": "text",
               "value": {"start": treve[0], "end": treve[1], "text": "la trêve tiendra", "labels": [CLAIM]}},
              # a region before the first emoji is the same either way
              {"id": "r3", "type": "labels", "from_name": "label", "to_name": "text",
               "value": {"start": 0, "end": 1, "text": "😀", "labels": [LOC]}},
              {"type": "relation", "from_id": "r2", "to_id": "r1", "direction": "right", "labels": [SAID_BY]}]
    [task] = labelstudio.read_tasks(Path("x.json"), ls_export(EMOJI, result))
    assert {EMOJI[s["start"]:s["end"]] for s in task["spans"]} == {"l'ONU", "la trêve tiendra", "😀"}
    assert links(task) == {("la trêve tiendra", SAID_BY, "l'ONU", ACCEPTED)}


@pytest.mark.parametrize("result, message", [
    ([{"id": "r1", "type": "labels", "value": {"start": 4, "end": 9, "text": "Selon", "labels": [SOURCE]}}],
     "value.text 'Selon' is not the text at 4-9"),
    ([{"id": "r1", "type": "labels", "value": {"start": 2, "end": 7, "labels": [SOURCE]}}],
     "has no value.text, and the text holds emoji"),
    ([{"id": "r1", "type": "labels", "value": {"start": 3, "end": 8, "text": "Selon", "labels": ["Person"]}}],
     "unknown label 'Person'; glose knows"),
    ([{"id": "r1", "type": "rectanglelabels", "from_name": "box", "value": {}}],
     "a result of type 'rectanglelabels' (from_name 'box') has no place in glose"),
    ([{"type": "relation", "from_id": "r1", "to_id": "r9", "labels": [SAID_BY]}], "no labels region with that id"),
])
def test_label_studio_bad_regions_are_refused_naming_task_and_region(result, message):
    with pytest.raises(BadFile) as caught:
        labelstudio.read_tasks(Path("x.json"), ls_export(EMOJI, result))
    assert str(caught.value).startswith("task 1 (id 12): annotation 1: ")
    assert message in str(caught.value)


def test_label_studio_write_then_read_keeps_states_attributes_and_links():
    record = exported_record()
    pending_only = {**exported_record(), "spans": [{**s, "state": PENDING} for s in record["spans"][:3]],
                    "relations": []}
    out = io.StringIO()
    assert labelstudio.write([record, pending_only], out) == 2
    mixed, predicted = json.loads(out.getvalue())
    assert "annotations" in mixed and "predictions" in predicted and "annotations" not in predicted
    choices = [r for r in mixed["annotations"][0]["result"] if r["type"] == "choices"]
    assert choices[0]["value"]["choices"] == ["direct"] and choices[0]["from_name"] == "quote_type"
    task, suggested = labelstudio.read_tasks(Path("x.json"), out.getvalue())
    assert task["_annotator_id"] == "bob"  # no completed_by yet: glose's own record says whose
    assert comparable(task, ACCEPTED) == comparable(record, ACCEPTED)
    assert comparable(suggested, PENDING) == comparable(pending_only, PENDING)


def test_label_studio_config_lists_every_label_relation_and_attribute():
    root = ElementTree.fromstring(labelstudio.LABEL_CONFIG)
    assert [e.get("value") for e in root.iter("Label")] == list(SPAN_LABELS)
    assert {e.get("value") for e in root.iter("Relation")} == {SAID_BY, CUE}
    assert {e.get("name") for e in root.iter("Choices")} == {"quote_type", "claim_type"}


# --- Through the CLI --------------------------------------------------------------------------


def cli_input() -> str:
    """A Prodigy JSONL with a mixed layer (and an emoji text) and an all-pending one."""
    record = exported_record()
    emoji_claim, emoji_source = at("la trêve tiendra", EMOJI), at("l'ONU", EMOJI)
    claim = {"start": emoji_claim[0], "end": emoji_claim[1], "label": CLAIM, "state": PENDING, "claim_type": "prediction"}
    source = {"start": emoji_source[0], "end": emoji_source[1], "label": SOURCE, "state": PENDING}
    second = {"text": EMOJI, "meta": {"title": "Trêve"}, "spans": [claim, source],
              "relations": [{"head_span": claim, "child_span": source, "label": SAID_BY, "state": PENDING}]}
    del record["meta"]["text_hash"], record["meta"]["glose_doc_id"]
    return "\n".join(json.dumps(r, ensure_ascii=False) for r in (record, second)) + "\n"


def stored(run_glose, db: Path) -> list[tuple]:
    """The layer as glose exports it, reduced to what must survive."""
    done = run_glose("export", "--layer", "bob", "--include-rejected", db=db)
    assert done.returncode == 0, done.stderr
    found = []
    for line in done.stdout.splitlines():
        record = json.loads(line)
        spans, relations = comparable(record, ACCEPTED)
        found.append((record["text"], record["meta"]["title"], sorted(spans), sorted(relations)))
    return sorted(found)


@pytest.mark.slow
@pytest.mark.parametrize("fmt, suffix", [("doccano", ".jsonl"), ("labelstudio", ".json")])
def test_round_trip_through_the_cli_keeps_every_offset_label_link_and_attribute(tmp_path, run_glose, fmt, suffix):
    source = tmp_path / "in.jsonl"
    source.write_text(cli_input(), encoding="utf-8")
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    done = run_glose("import", str(source), "--layer", "bob", "--no-nlp", db=first)
    assert done.returncode == 0, done.stderr
    exported = tmp_path / f"out{suffix}"
    done = run_glose("export", "--layer", "bob", "--format", fmt, "--include-rejected", "--out", str(exported),
                     db=first)
    assert done.returncode == 0, done.stderr
    assert "wrote 2 document(s)" in done.stderr
    if fmt == "labelstudio":  # the labeling config that shows it, beside it
        assert (tmp_path / "out.label-config.xml").read_text(encoding="utf-8") == labelstudio.LABEL_CONFIG
    done = run_glose("import", str(exported), "--format", fmt, "--layer", "bob", "--no-nlp", db=second)
    assert done.returncode == 0, done.stderr + done.stdout
    before, after = stored(run_glose, first), stored(run_glose, second)
    assert after == before
    states = {span[3] for _, _, spans, _ in after for span in spans}
    assert states == {ACCEPTED, PENDING, REJECTED}  # the test would prove little otherwise
    assert any('"quote_type": "direct"' in span[4] for _, _, spans, _ in after for span in spans)


@pytest.mark.slow
def test_a_label_studio_file_with_a_foreign_label_is_refused_with_its_task(tmp_path, run_glose):
    path = tmp_path / "ls.json"
    path.write_text(ls_export(TEXT, [region("x", *at("Genève"), "City", TEXT)]), encoding="utf-8")
    done = run_glose("import", str(path), "--format", "labelstudio", "--no-nlp", db=tmp_path / "g.db")
    assert done.returncode != 0
    assert "task 1 (id 12): annotation 1: region x: unknown label 'City'" in done.stderr + done.stdout
