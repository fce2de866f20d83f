"""Issue 10: brat standoff in and out, through the real CLI."""
from __future__ import annotations

import sqlite3

import pytest

TEXT = ("« La paix est proche », a déclaré Jean Dupont à Genève.\n"
        "Selon l'ONU, la trêve tiendra, et elle tiendra longtemps.\n")


def at(part: str, nth: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(part, start + 1)
    return start, start + len(part)


ANN = "\n".join([
    "T1\tContent {} {}\t« La paix est proche »".format(*at("« La paix est proche »")),
    "T2\tCue {} {}\ta déclaré".format(*at("a déclaré")),
    "T3\tSource {} {}\tJean Dupont".format(*at("Jean Dupont")),
    "T4\tAttribution {} {}\ta déclaré".format(*at("a déclaré")),
    "E1\tAttribution:T4 Content:T1 Cue:T2 Source:T3",
    "T5\tLocation {} {}\tGenève".format(*at("Genève")),
    # a discontinuous claim: "la trêve tiendra ... tiendra longtemps"
    "T6\tContent {} {};{} {}\tla trêve tiendra tiendra longtemps".format(*at("la trêve tiendra"),
                                                                      *at("tiendra longtemps")),
    "T7\tSource {} {}\tl'ONU".format(*at("l'ONU")),
    "T8\tCue {} {}\tSelon".format(*at("Selon")),
    "R1\tSAID_BY Arg1:T6 Arg2:T7",
    "R2\tCUE Arg1:T6 Arg2:T8",
    "A1\tquote_type T1 direct",
    "#1\tAnnotatorNotes T5\tla ville, pas l'ONU",
]) + "\n"


def rows(db_path, layer: str) -> tuple[set, set]:
    conn = sqlite3.connect(db_path)
    text = conn.execute("SELECT text FROM documents").fetchone()[0]
    spans = {(text[s:e], label, attrs) for s, e, label, attrs in conn.execute(
        "SELECT s.start, s.end, s.label, s.attrs FROM spans s JOIN layers l ON l.id = s.layer_id WHERE l.name = ?",
        [layer])}
    links = {(text[hs:he], label, text[cs:ce]) for hs, he, label, cs, ce in conn.execute(
        "SELECT h.start, h.end, r.label, c.start, c.end FROM relations r JOIN spans h ON h.id = r.head_id"
        " JOIN spans c ON c.id = r.child_id JOIN layers l ON l.id = r.layer_id WHERE l.name = ?", [layer])}
    return spans, links


def test_brat_import_reads_events_relations_pieces_attributes_and_notes(tmp_path, run_glose):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "a.ann").write_text(ANN, encoding="utf-8")
    db = tmp_path / "g.db"
    done = run_glose("import", str(tmp_path / "in"), "--format", "brat", "--layer", "bob", "--no-nlp", db=db)
    assert done.returncode == 0, done.stderr
    spans, links = rows(db, "bob")
    labels = {(text, label) for text, label, _ in spans}
    assert labels == {("« La paix est proche »", "CLAIM"), ("a déclaré", "CUE"), ("Jean Dupont", "SOURCE"),
                      ("Genève", "LOC"), ("la trêve tiendra", "CLAIM"), ("tiendra longtemps", "CLAIM"),
                      ("l'ONU", "SOURCE"), ("Selon", "CUE")}  # the trigger is no span; pieces are
    assert ("« La paix est proche »", "SAID_BY", "Jean Dupont") in links
    assert ("« La paix est proche »", "CUE", "a déclaré") in links
    assert {("la trêve tiendra", "SAID_BY", "l'ONU"), ("tiendra longtemps", "SAID_BY", "l'ONU")} <= links
    attrs = {text: attrs for text, _, attrs in spans}
    assert '"quote_type": "direct"' in attrs["« La paix est proche »"]
    assert "la ville, pas l'ONU" in attrs["Genève"]
    assert '"part_of": "T6"' in attrs["tiendra longtemps"]


def test_brat_export_then_import_keeps_every_offset(tmp_path, run_glose):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "in" / "a.ann").write_text(ANN, encoding="utf-8")
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert run_glose("import", str(tmp_path / "in"), "--format", "brat", "--layer", "bob", "--no-nlp",
                     db=first).returncode == 0
    exported = run_glose("export", "--format", "brat", "--layer", "bob", "--out", str(tmp_path / "out"), db=first)
    assert exported.returncode == 0 and "wrote 1 document" in exported.stderr
    assert (tmp_path / "out" / "annotation.conf").read_text().startswith("# glose's labels")
    ann = next((tmp_path / "out").glob("*.ann")).read_text(encoding="utf-8")
    assert "CLAIM {} {};{} {}".format(*at("la trêve tiendra"), *at("tiendra longtemps")) in ann
    assert run_glose("import", str(tmp_path / "out"), "--format", "brat", "--layer", "bob", "--no-nlp",
                     db=second).returncode == 0
    (spans_1, links_1), (spans_2, links_2) = rows(first, "bob"), rows(second, "bob")
    assert links_1 == links_2
    assert {(t, label) for t, label, _ in spans_1} == {(t, label) for t, label, _ in spans_2}
    pieces = [sum('"part_of"' in attrs for _, _, attrs in spans) for spans in (spans_1, spans_2)]
    assert pieces == [2, 2]  # still one claim in two pieces


@pytest.mark.parametrize("ann, reason", [
    ("T1\tSpeaker 0 5\t« La ", "unknown brat type 'Speaker': map it with --label-map Speaker=LABEL"),
    ("T1\tContent 0 900\tx", "offsets '0 900' do not fit the text"),
    ("X1\twhat", "unknown annotation kind 'X1'"),
])
def test_a_bad_ann_file_is_refused_with_its_line_and_the_rest_imported(tmp_path, run_glose, ann, reason):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, content in (("bad", ann), ("good", "T1\tContent 2 20\tLa paix est proche")):
        (folder / f"{name}.txt").write_text(TEXT if name == "good" else "Autre texte. " * 10, encoding="utf-8")
        (folder / f"{name}.ann").write_text(content + "\n", encoding="utf-8")
    (folder / "lonely.ann").write_text("T1\tContent 0 2\tx\n", encoding="utf-8")
    done = run_glose("import", str(folder), "--format", "brat", "--layer", "bob", "--no-nlp", db=tmp_path / "g.db")
    assert done.returncode == 1
    assert f"bad.ann: .ann line 1: {reason}" in done.stderr
    assert "lonely.ann: no lonely.txt beside it" in done.stderr
    assert "imported 1 document" in done.stdout
    mapped = run_glose("import", str(folder / "bad.ann"), "--format", "brat", "--layer", "bob", "--no-nlp",
                       "--label-map", "Speaker=SOURCE", db=tmp_path / "h.db")
    assert (mapped.returncode == 0) == ann.startswith("T1\tSpeaker")
