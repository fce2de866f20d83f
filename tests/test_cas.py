"""UIMA CAS XMI (INCEpTION) in and out: glose's own layers, INCEpTION's NamedEntity, bad files."""
from __future__ import annotations

import json
import re

import cassis
import pytest

from glose import cas
from glose.errors import BadFile, GloseError
from glose.vocabulary import CLAIM, CUE, LOC, ORG, PER, SAID_BY, SOURCE

TEXT = ("« La paix 🕊️ est proche », a déclaré Jean Dupont 😀 à Genève.\n"
        "Selon l'ONU, la trêve tiendra, et elle tiendra longtemps.\n")
DERIVED = ("text", "token_start", "token_end")


def at(part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return start, start + len(part)


def span(part: str, label: str, nth: int = 0, **fields) -> dict:
    """A span as the exporter writes it (derived keys included)."""
    start, end = at(part, nth)
    return {"start": start, "end": end, "label": label, "token_start": 0, "token_end": 0, "text": part,
            "state": "accepted", "origin": "manual", **fields}


def relation(head: dict, child: dict, label: str, state: str = "accepted") -> dict:
    return {"head": 0, "child": 0, "label": label, "head_span": head, "child_span": child, "state": state}


def exported_record() -> dict:
    """An exported record with every kind of thing glose keeps: emoji before offsets, a
    claim in two pieces, states, canonical, confidence and attributes of all types."""
    quote = span("« La paix 🕊️ est proche »", CLAIM, quote_type="direct", claim_type="prediction",
                 checkworthy=True, note="à vérifier\n(deux lignes)", evidence="https://example.org/a")
    cue = span("a déclaré", CUE, state="pending", origin="rules")
    speaker = span("Jean Dupont", PER, origin="spacy", confidence=0.8731, canonical="Jean Dupont")
    city = span("Genève", LOC, state="rejected", checkworthy=False)
    piece_1 = span("la trêve tiendra", CLAIM, part_of="T6", quote_type="indirect")
    piece_2 = span("tiendra longtemps", CLAIM, part_of="T6", quote_type="indirect")
    onu = span("l'ONU", SOURCE, part_of=7, flags=["x", "y"], score=2)  # attributes of other types
    selon = span("Selon", CUE)
    spans = [quote, cue, speaker, city, piece_1, piece_2, onu, selon]
    relations = [relation(quote, speaker, SAID_BY), relation(quote, cue, CUE, "pending"),
                 *(relation(piece, onu, SAID_BY) for piece in (piece_1, piece_2)),
                 relation(dict(piece_1), selon, CUE)]  # an equal dict, not the very one
    tokens = [{"text": m.group(), "start": m.start(), "end": m.end(), "id": i, "ws": True}
              for i, m in enumerate(re.finditer(r"\w+|[^\w\s]", TEXT))]
    return {"text": TEXT, "meta": {"title": "La paix : « proche » ?", "glose_doc_id": 12, "text_hash": "h",
                                   "date": "2024-05-01"},
            "tokens": tokens, "spans": spans, "relations": relations, "answer": "accept", "_annotator_id": "bob"}


def comparable(spans: list[dict]) -> list[tuple]:
    return sorted((s["start"], s["end"], s["label"], json.dumps({k: v for k, v in s.items() if k not in DERIVED},
                                                                  sort_keys=True)) for s in spans)


def links(relations: list[dict]) -> list[tuple]:
    return sorted((comparable([r["head_span"]])[0], r["label"], comparable([r["child_span"]])[0], r.get("state"))
                  for r in relations)


def write_one(tmp_path, record: dict):
    assert cas.write_folder([record], tmp_path) == 1
    [xmi] = tmp_path.glob(f"{record['meta']['glose_doc_id']}-*.xmi")
    return xmi, xmi.read_text(encoding="utf-8")


def test_write_then_read_keeps_every_offset_label_link_state_and_attribute(tmp_path):
    record = exported_record()
    xmi, content = write_one(tmp_path, record)
    assert xmi.name == "12-la-paix-proche.xmi"
    assert (tmp_path / "TypeSystem.xml").is_file()
    [task] = cas.read_tasks(xmi, content)
    assert task["text"] == TEXT
    assert comparable(task["spans"]) == comparable(record["spans"])
    assert links(task["relations"]) == links(record["relations"])
    assert task["meta"] == record["meta"]
    assert (task["answer"], task["_annotator_id"]) == ("accept", "bob")
    for rel in task["relations"]:  # the importer finds a relation's spans among the task's
        assert rel["head_span"] in task["spans"] and rel["child_span"] in task["spans"]
    pieces = [s for s in task["spans"] if s.get("part_of") == "T6"]
    assert [TEXT[s["start"]:s["end"]] for s in pieces] == ["la trêve tiendra", "tiendra longtemps"]


def test_offsets_in_the_file_count_utf16_units_and_come_back_as_characters(tmp_path):
    _, content = write_one(tmp_path, exported_record())
    start, end = at("Jean Dupont")
    # 🕊️ is one astral character (two UTF-16 units) plus a variation selector: one more unit
    assert f'begin="{start + 1}" end="{end + 1}" label="{PER}"' in content
    assert 'sofaString="« La paix 🕊️ est proche »' in content  # the text itself, unchanged
    [task] = cas.read_tasks(tmp_path / "x.xmi", content)
    [person] = [s for s in task["spans"] if s["label"] == PER]
    assert TEXT[person["start"]:person["end"]] == "Jean Dupont"


def test_the_type_system_has_inception_style_layers(tmp_path):
    write_one(tmp_path, exported_record())
    ts = cassis.load_typesystem(tmp_path / "TypeSystem.xml")
    span_type, relation_type = ts.get_type(cas.SPAN_TYPE), ts.get_type(cas.RELATION_TYPE)
    assert {"label", "state", "origin", "canonical", "confidence", "part_of", "note"} <= {
        f.name for f in span_type.all_features}
    assert {f.name: f.rangeType.name for f in relation_type.all_features if f.name in ("Governor", "Dependent")} \
        == {"Governor": cas.SPAN_TYPE, "Dependent": cas.SPAN_TYPE}
    assert ts.contains_type(cas.TOKEN_TYPE) and ts.contains_type(cas.METADATA_TYPE)


def test_tokens_and_title_are_written_for_inception(tmp_path):
    record = exported_record()
    xmi, content = write_one(tmp_path, record)
    loaded = cassis.load_cas_from_xmi(content, typesystem=cassis.load_typesystem(tmp_path / "TypeSystem.xml"))
    tokens = loaded.select(cas.TOKEN_TYPE)
    assert [t.get_covered_text() for t in tokens] == [t["text"] for t in record["tokens"]]
    assert loaded.select(cas.METADATA_TYPE)[0].documentTitle == "La paix : « proche » ?"
    relation_fs = loaded.select(cas.RELATION_TYPE)[0]
    assert (relation_fs.begin, relation_fs.end) == (relation_fs.Dependent.begin, relation_fs.Dependent.end)


def inception_ner_cas() -> tuple[cassis.Cas, cassis.TypeSystem]:
    """A CAS as a plain INCEpTION NER project exports it: DKPro Core's types, sentences,
    tokens, part-of-speech tags and named entities."""
    ts = cassis.merge_typesystems(cassis.load_dkpro_core_typesystem(), cas.type_system())
    doc = cassis.Cas(typesystem=ts)
    doc.sofa_string = TEXT
    ner = "de.tudarmstadt.ukp.dkpro.core.api.ner.type."
    doc.add(ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence")(begin=0, end=len(TEXT)))
    doc.add(ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.lexmorph.type.pos.POS")(begin=0, end=1, PosValue="PUNCT"))
    doc.add(ts.get_type(ner + "NamedEntity")(begin=at("Jean Dupont")[0], end=at("Jean Dupont")[1], value="PERSON"))
    doc.add(ts.get_type(ner + "NamedEntity")(begin=at("ONU")[0], end=at("ONU")[1], value=ORG,
                                             identifier="https://www.wikidata.org/wiki/Q1065"))
    doc.add(ts.get_type(ner + "Location")(begin=at("Genève")[0], end=at("Genève")[1]))  # a subtype, no value
    return doc, ts


def save(tmp_path, doc: cassis.Cas, ts: cassis.TypeSystem | None = None):
    if ts is not None:
        ts.to_xml(tmp_path / "TypeSystem.xml")
    path = tmp_path / "doc.xmi"
    path.write_text(doc.to_xmi(), encoding="utf-8")
    return path, path.read_text(encoding="utf-8")


def test_a_plain_inception_ner_export_imports(tmp_path):
    doc, ts = inception_ner_cas()
    [task] = cas.read_tasks(*save(tmp_path, doc, ts))
    found = {(TEXT[s["start"]:s["end"]], s["label"]) for s in task["spans"]}
    assert found == {("Jean Dupont", PER), ("ONU", ORG), ("Genève", LOC)}
    assert [s["identifier"] for s in task["spans"] if s["label"] == ORG] == ["https://www.wikidata.org/wiki/Q1065"]
    assert task["answer"] == "accept" and task["relations"] == []


def glose_cas(tmp_path) -> tuple[cassis.Cas, cassis.TypeSystem]:
    record = exported_record()
    _, content = write_one(tmp_path, record)
    ts = cassis.load_typesystem(tmp_path / "TypeSystem.xml")
    return cassis.load_cas_from_xmi(content, typesystem=ts), ts


def test_unknown_labels_are_refused_not_dropped(tmp_path):
    doc, ts = glose_cas(tmp_path)
    doc.select(cas.SPAN_TYPE)[0].label = "Speaker"
    with pytest.raises(BadFile, match=r"GloseSpan \d+-\d+: unknown label 'Speaker' \(glose knows PER, ORG"):
        cas.read_tasks(*save(tmp_path, doc))
    doc, ts = inception_ner_cas()
    doc.add(ts.get_type("de.tudarmstadt.ukp.dkpro.core.api.ner.type.Date")(begin=0, end=2))
    with pytest.raises(BadFile, match="unknown named-entity value 'Date'"):
        cas.read_tasks(*save(tmp_path, doc, ts))


def test_a_relation_with_an_unknown_label_or_no_dependent_is_refused(tmp_path):
    doc, _ = glose_cas(tmp_path)
    doc.select(cas.RELATION_TYPE)[0].label = "SAID"
    with pytest.raises(BadFile, match="unknown relation label 'SAID'"):
        cas.read_tasks(*save(tmp_path, doc))
    doc, _ = glose_cas(tmp_path)
    doc.select(cas.RELATION_TYPE)[0].Dependent = None
    with pytest.raises(BadFile, match="needs a Governor and a Dependent"):
        cas.read_tasks(*save(tmp_path, doc))


def test_annotations_of_another_custom_layer_are_refused(tmp_path):
    doc, ts = glose_cas(tmp_path)
    quote = ts.create_type("webanno.custom.Quote")
    doc.add(quote(begin=0, end=5))
    with pytest.raises(BadFile, match=r"layers glose cannot read: webanno\.custom\.Quote \(1\)"):
        cas.read_tasks(*save(tmp_path, doc, ts))


def test_no_type_system_beside_the_file_is_a_clear_refusal(tmp_path):
    _, content = write_one(tmp_path, exported_record())
    (tmp_path / "elsewhere").mkdir()
    with pytest.raises(BadFile, match="no TypeSystem.xml beside a.xmi"):
        cas.read_tasks(tmp_path / "elsewhere" / "a.xmi", content)


@pytest.mark.parametrize("content, reason", [
    ("<xmi:XMI", "not a CAS XMI \\(XML 1.0\\) file"),
    ("just text", "not a CAS XMI \\(XML 1.0\\) file"),
])
def test_a_file_that_is_no_xmi_is_refused(tmp_path, content, reason):
    write_one(tmp_path, exported_record())
    with pytest.raises(BadFile, match=reason):
        cas.read_tasks(tmp_path / "bad.xmi", content)


def test_an_offset_inside_an_astral_character_is_refused(tmp_path):
    _, content = write_one(tmp_path, exported_record())
    start = at("😀")[0] + 2  # UTF-16 units: one more for 🕊️, then the middle of 😀
    broken = re.sub(r'begin="\d+" end="(\d+)" label="LOC"', lambda m: f'begin="{start}" end="{m[1]}" label="LOC"',
                    content)
    assert broken != content
    with pytest.raises(BadFile, match="an offset falls inside a character"):
        cas.read_tasks(tmp_path / "x.xmi", broken)


def test_a_text_xml_cannot_carry_stops_the_export_with_its_document(tmp_path):
    record = {**exported_record(), "text": TEXT + "\uffff"}
    with pytest.raises(GloseError, match="document 12-la-paix-proche"):
        cas.write_folder([record], tmp_path)


def test_an_xml_declaration_naming_another_encoding_is_harmless(tmp_path):
    _, content = write_one(tmp_path, exported_record())
    declared = re.sub(r"\A<\?xml[^>]*\?>", "<?xml version='1.0' encoding='ISO-8859-1'?>", content)
    [task] = cas.read_tasks(tmp_path / "x.xmi", declared)
    assert task["text"] == TEXT


# --- Through the real CLI -----------------------------------------------------------------


def exported_jsonl(run_glose, db) -> list[dict]:
    done = run_glose("export", "--layer", "bob", "--include-rejected", db=db)
    assert done.returncode == 0, done.stderr
    return [json.loads(line) for line in done.stdout.splitlines() if line.strip()]


@pytest.mark.slow
def test_cli_glose_to_cas_to_glose_keeps_spans_links_states_and_attributes(tmp_path, run_glose):
    record = exported_record()
    task = {k: record[k] for k in ("text", "meta", "spans", "relations", "answer")}
    task["meta"] = {"title": record["meta"]["title"], "date": "2024-05-01"}
    (tmp_path / "in.jsonl").write_text(json.dumps(task, ensure_ascii=False) + "\n", encoding="utf-8")
    first, second, out = tmp_path / "first.db", tmp_path / "second.db", tmp_path / "out"
    done = run_glose("import", str(tmp_path / "in.jsonl"), "--layer", "bob", "--no-nlp", db=first)
    assert done.returncode == 0, done.stderr
    exported = run_glose("export", "--layer", "bob", "--format", "cas", "--include-rejected", "--out", str(out),
                         db=first)
    assert exported.returncode == 0 and "wrote 1 document(s) as CAS XMI" in exported.stderr, exported.stderr
    assert sorted(p.name for p in out.iterdir()) == ["1-la-paix-proche.xmi", "TypeSystem.xml"]
    done = run_glose("import", str(out), "--format", "cas", "--layer", "bob", "--no-nlp", db=second)
    assert done.returncode == 0, done.stdout + done.stderr
    [before], [after] = exported_jsonl(run_glose, first), exported_jsonl(run_glose, second)
    assert after["text"] == before["text"] == TEXT
    assert after["meta"]["text_hash"] == before["meta"]["text_hash"]
    assert after["meta"]["date"] == "2024-05-01"
    assert comparable(after["spans"]) == comparable(before["spans"])
    assert links(after["relations"]) == links(before["relations"])
    assert len(before["spans"]) == len(record["spans"]) and len(before["relations"]) == len(record["relations"])
    by_text = {(TEXT[s["start"]:s["end"]], s.get("part_of")): s for s in after["spans"]}
    assert {s["state"] for s in after["spans"]} == {"accepted", "pending", "rejected"}
    assert (by_text["Jean Dupont", None]["canonical"], by_text["Jean Dupont", None]["confidence"]) \
        == ("Jean Dupont", 0.8731)
    quote = by_text["« La paix 🕊️ est proche »", None]
    assert (quote["note"], quote["checkworthy"], quote["claim_type"]) == ("à vérifier\n(deux lignes)", True,
                                                                         "prediction")
    assert by_text["Genève", None]["checkworthy"] is False
    assert (by_text["l'ONU", 7]["flags"], by_text["l'ONU", 7]["score"]) == (["x", "y"], 2)
    assert by_text["la trêve tiendra", "T6"]["quote_type"] == by_text["tiendra longtemps", "T6"]["quote_type"]
