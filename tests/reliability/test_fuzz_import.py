"""Fuzzed import files: whatever comes in, glose reports it in one line or imports it whole;
no exception escapes, no file is half stored, the database stays sound."""
from __future__ import annotations

import json
import os
import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glose import importer
from glose.db.connection import open_db
from glose.nlp import blank_tokenizer
from tests.reliability.conftest import budget

LABELS = ["PER", "ORG", "LOC", "MISC", "CLAIM", "CUE", "SOURCE", "X", "", "\x1b[5m", "CLAIM\n"]
nasty_text = st.lists(st.text(max_size=20) | st.sampled_from(
    ["\x1b]0;x\x07", "\r\n", "\u202e", "\u0301", "\x85", "\ufeff", "[b]", "«", "\u00a0", "\x00", "\ud800"]),
    max_size=8).map("".join)
numbers = st.one_of(st.integers(-5, 300), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.booleans(), st.none(), st.text(max_size=3))
span = st.fixed_dictionaries(
    {"start": numbers, "end": numbers, "label": st.sampled_from(LABELS) | st.text(max_size=4)},
    optional={"text": nasty_text, "state": st.sampled_from(["pending", "accepted", "rejected", "maybe"]),
              "confidence": numbers, "canonical": nasty_text | numbers, "note": nasty_text | numbers,
              "quote_type": st.sampled_from(["direct", "indirect"]) | numbers})
json_value = st.recursive(st.none() | st.booleans() | numbers | nasty_text,
                          lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                      max_size=3), max_leaves=8)
task = st.fixed_dictionaries(
    {"text": nasty_text | numbers},
    optional={"meta": json_value | st.fixed_dictionaries({}, optional={"title": nasty_text | numbers,
                                                                          "date": nasty_text,
                                                                          "text_hash": st.text(max_size=8)}),
              "spans": st.lists(span, max_size=6) | json_value,
              "relations": st.lists(st.fixed_dictionaries(
                  {"head_span": span | json_value, "child_span": span | json_value,
                   "label": st.sampled_from(["SAID_BY", "CUE", "X"])}, optional={"state": nasty_text}),
                  max_size=3) | json_value,
              "answer": st.sampled_from(["accept", "reject", "ignore"]) | json_value})


def _jsonl(lines) -> bytes:
    out = []
    for line in lines:
        if isinstance(line, bytes):
            out.append(line)
        else:
            out.append(json.dumps(line, ensure_ascii=bool(len(out) % 2), allow_nan=True).encode("utf-8", "surrogatepass"))
    return b"\n".join(out)


files = st.one_of(
    st.tuples(st.just(".jsonl"), st.lists(task | json_value | st.binary(max_size=40), min_size=0, max_size=4)
              .map(_jsonl)),
    st.tuples(st.sampled_from([".txt", ".md"]), st.binary(max_size=300) | nasty_text.map(
        lambda t: t.encode("utf-8", "surrogatepass"))),  # lone surrogates: bytes no decoder takes
)
names = st.text(string.ascii_letters + string.digits + "é [](){}$-_", min_size=1, max_size=12)


EXAMPLES = int(os.environ.get("GLOSE_FUZZ_EXAMPLES") or budget(150, 10_000))


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(batch=st.lists(st.tuples(names, files), min_size=1, max_size=4, unique_by=lambda item: item[0]))
def test_fuzzed_files_are_imported_whole_or_refused_in_one_line(tmp_path_factory, batch):
    folder = tmp_path_factory.mktemp("fuzz")
    for name, (suffix, content) in batch:
        (folder / f"{name}{suffix}").write_bytes(content)
    db = open_db(folder / "glose.db")
    report = importer.import_paths(db, [folder], nlp=blank_tokenizer(), layer="fuzz")
    failed = {path for path, _ in report.failed}
    for _path, reason in report.failed:
        assert reason and "\n" not in reason and "Traceback" not in reason, reason
    stored = {origin for (origin,) in db.execute("SELECT origin FROM documents")}
    assert not stored & failed, "a refused file was half stored"
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert not db.execute("PRAGMA foreign_key_check").fetchall()
    db.close()
