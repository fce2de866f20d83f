"""Names, labels and numbers from data are never trusted: no escape sequence reaches the
terminal (app or CLI), exports carry no raw control or bidi character, bad numbers are refused."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import pytest

from glose import importer
from glose.nlp import blank_tokenizer
from glose.tui.modals import ChoiceModal, PromptModal
from tests.conftest import ROOT
from tests.test_terminals import assert_nothing_raw, screen_text, terminal_output
from tests.test_tui_annotator import app_for, open_article
from tests.tui_data import TEXT, at

TITLE_OSC = "\u001b]0;PWNED\u0007Ban"
BLINK = "\x1b[5mBlink"


def _tie(db_path, doc, text: str, name: str) -> None:
    """As another tool (or an older glose) could have left it: a raw name, straight in SQLite."""
    conn = sqlite3.connect(db_path)
    with conn:
        conn.execute("INSERT INTO canonical_sources (name, kind) VALUES (?, 'PER')", [name])
        conn.execute("UPDATE spans SET canonical_id = (SELECT id FROM canonical_sources WHERE name = ?)"
                     " WHERE doc_id = ? AND start = ?", [name, doc, at(text)[0]])
    conn.close()


async def test_hostile_canonical_names_reach_no_terminal(db_path, shared_doc, clean_terminal_env):
    _tie(db_path, shared_doc, "Jean Dupont", TITLE_OSC)
    _tie(db_path, shared_doc, "ONU", BLINK)
    async with app_for(db_path, shared_doc).run_test(size=(120, 36)) as pilot:
        app = pilot.app
        await open_article(pilot, app)
        await pilot.press("n")  # the claim: its source's canonical name is in the claims list
        await pilot.pause()
        assert_nothing_raw(app, terminal_output(app))
        await pilot.press("e", "g", "ctrl+u")  # the name picker lists every canonical name
        await pilot.pause()
        assert isinstance(app.screen, PromptModal)
        shown = screen_text(terminal_output(app))
        assert "␛]0;PWNED␇Ban" in shown and "␛[5mBlink" in shown, shown
        assert_nothing_raw(app, terminal_output(app))
        await pilot.press("escape", "N", "r")  # "remove which source link?" lists the names
        await pilot.pause()
        assert isinstance(app.screen, ChoiceModal)
        assert_nothing_raw(app, terminal_output(app))


def test_imported_names_and_labels_are_sanitised_or_refused(db, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"text": TEXT, "spans": [
        {**dict(zip(("start", "end"), at("Jean Dupont"), strict=True)), "label": "PER", "canonical": TITLE_OSC + "\n dit"}]}),
        encoding="utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": TEXT, "spans": [
        {**dict(zip(("start", "end"), at("Jean Dupont"), strict=True)), "label": "\x1b[5mPER"}]}), encoding="utf-8")
    report = importer.import_paths(db, [good, bad], nlp=blank_tokenizer())
    (name,), = db.execute("SELECT name FROM canonical_sources").fetchall()
    assert name == "␛]0;PWNED␇Ban dit"
    (path, reason), = report.failed
    assert path.endswith("bad.jsonl") and "unknown span label '␛[5mPER'" in reason


def test_export_escapes_control_and_bidi_characters(db, tmp_path, run_glose):
    note = "\u202eevil\u0085\u009b31m\u2066x\u007f"
    source = tmp_path / "notes.jsonl"
    source.write_text(json.dumps({"text": TEXT, "spans": [
        {**dict(zip(("start", "end"), at("Genève"), strict=True)), "label": "LOC", "note": note}]}), encoding="utf-8")
    db_path = tmp_path / "x.db"
    assert run_glose("import", "--no-nlp", "--layer", "l", str(source), db=db_path).returncode == 0
    out = subprocess.run([sys.executable, "-m", "glose", "--db", str(db_path), "export", "--layer", "l"],
                         cwd=ROOT, capture_output=True, timeout=300).stdout
    raw = {c for c in out.decode("utf-8") if 0x7f <= ord(c) <= 0x9f or ord(c) in (0x202e, 0x2066)}
    assert not raw, raw
    (record,) = [json.loads(line) for line in out.decode("utf-8").splitlines()]
    assert record["spans"][0]["note"] == note  # escaped, not lost


@pytest.mark.parametrize("line, reason", [
    ('{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "PER", "confidence": Infinity}]}',
     "Infinity is not a JSON number"),
    ('{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "PER", "confidence": NaN}]}',
     "NaN is not a JSON number"),
    ('{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "PER", "weight": -Infinity}]}',
     "-Infinity is not a JSON number"),
    ('{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "PER", "confidence": 1' + "0" * 40 + '}]}',
     "confidence must be a number from 0 to 1"),
    ('{"text": "abc def", "spans": [{"start": 0, "end": 1' + "0" * 40 + ', "label": "PER"}]}',
     "lies outside the text"),
])
def test_numbers_must_be_finite_and_in_range(db, tmp_path, line, reason):
    path = tmp_path / "n.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    report = importer.import_paths(db, [path], nlp=blank_tokenizer())
    assert len(report.failed) == 1 and reason in report.failed[0][1], report.failed
    assert not db.execute("SELECT count(*) FROM documents").fetchone()[0]


def test_a_big_integer_attribute_is_kept_and_exported_as_valid_json(db, tmp_path):
    from glose import exporter

    path = tmp_path / "big.jsonl"
    path.write_text('{"text": "abc def", "spans": [{"start": 0, "end": 3, "label": "PER", "rank": 1'
                    + "0" * 40 + "}]}\n", encoding="utf-8")
    assert not importer.import_paths(db, [path], nlp=blank_tokenizer(), layer="l").failed
    (record,) = exporter.records(db, "l")
    assert json.loads(exporter.json_line(record))["spans"][0]["rank"] == 10 ** 40


def test_a_file_name_that_is_not_utf8_imports(db, tmp_path):
    name = os.fsdecode(b"caf\xe9 \xff.txt")  # Latin-1 bytes in a file name
    (tmp_path / name).write_text("Titre\nUn texte.\n", encoding="utf-8")
    report = importer.import_paths(db, [tmp_path], nlp=blank_tokenizer())
    assert not report.failed and len(report.imported) == 1, report
    (origin,) = db.execute("SELECT origin FROM documents").fetchone()
    assert origin.endswith("caf\ufffd \ufffd.txt")
