"""doccano's JSONL (sequence labeling and relation extraction projects), both ways.

Shapes, as doccano's own code reads and writes them (doccano/doccano,
``backend/data_import/pipeline/label.py``: ``SpanLabel.parse`` takes ``[start, end,
label]`` or a dict; ``backend/data_export/models.py``: ``ExportedSpan.to_dict``,
``ExportedRelation.to_dict``, and ``ExportedExample.to_dict`` which writes the
example's meta back as top-level keys; ``backend/data_import/pipeline/builders.py``:
``ColumnBuilder.build`` keeps every key it does not read as the example's meta)::

    {"text": "...", "label": [[0, 2, "ORG"], ...]}                     # sequence labeling
    {"id": 7, "text": "...", "entities": [{"id": 1, "label": "ORG",
     "start_offset": 0, "end_offset": 2}, ...],
     "relations": [{"id": 1, "from_id": 1, "to_id": 2, "type": "SAID_BY"}], "Comments": []}

Reading (``read_tasks``): ``label``/``labels`` (triples) and ``entities`` (dicts or
triples) are spans, relations go from ``from_id`` (the claim, glose's head) to
``to_id``; a label glose does not know is an error that says to rename it in doccano.
Offsets are code points (doccano's backend is Python). A file may be JSONL or
pretty-printed objects one after another (as doccano's example files are). Every
other key goes into the document's meta (``id``, ``Comments``, a nested ``meta``).
doccano records no annotator in a line, so the spans go to the layer named by
``--layer`` (no ``_annotator_id``). A span with no glose record (below) is a decision:
accepted.

Writing (``write``): the relation-extraction form, with entity and relation ids, the
document's meta under ``meta``, and what doccano cannot hold under a top-level
``glose`` key (doccano keeps it as meta and writes it back)::

    "glose": {"spans": [{"start", "end", "label", "state"?, "origin", "confidence"?,
                         "canonical"?, <attributes>...}],
              "relations": [{"head": [start, end, label], "child": [...], "label", "state"}]}

Entries are matched on (start, end, label), not on ids, because doccano gives its
entities new ids on import. A span edited or deleted in doccano simply no longer
matches its entry (the entry is ignored); a span added in doccano has none.

What doccano cannot hold, and so travels only in ``glose``: span and relation
states (doccano has no pending or rejected item: its spans are all decisions),
origin, confidence, canonical source and attributes (quote_type, claim_type,
checkworthy, note, part_of...). Edits made to those in doccano are impossible, so
they come back as they left. Nothing of glose's is lost on a round trip.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable, Iterator

from glose.errors import BadFile
from glose.plaintext import visible
from glose.vocabulary import ACCEPTED, RELATION_LABELS, SPAN_LABELS, STATES

SIDECAR = "glose"
"""The top-level key of glose's own record of what doccano cannot hold."""
_READ_KEYS = {"text", "label", "labels", "entities", "annotations", "relations", "meta", SIDECAR}
# A span's keys that doccano holds itself; every other one travels in the sidecar.
_NATIVE = {"start", "end", "label", "token_start", "token_end", "text"}


# --- Reading ------------------------------------------------------------------------------


def read_tasks(path: Path, content: str) -> list[dict]:
    """The tasks of a doccano JSONL file; BadFile names the line that is wrong."""
    tasks = []
    for line, obj in _objects(content):
        try:
            tasks.append(_task(obj))
        except BadFile as exc:
            raise BadFile(f"line {line}: {exc}") from exc
    return tasks


def _objects(content: str) -> Iterator[tuple[int, object]]:
    """Each JSON value in ``content`` with the line it starts on: JSONL, pretty-printed
    objects one after another, or one array of them."""
    decoder = json.JSONDecoder(parse_constant=_no_constant)
    position = 0
    while True:
        while position < len(content) and content[position].isspace():
            position += 1
        if position == len(content):
            return
        line = content.count("\n", 0, position) + 1
        try:
            value, position = decoder.raw_decode(content, position)
        except json.JSONDecodeError as exc:
            raise BadFile(f"line {exc.lineno}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
        except RecursionError as exc:
            raise BadFile(f"line {line}: JSON nested too deeply") from exc
        if isinstance(value, list):
            yield from ((line, item) for item in value)
        else:
            yield line, value


def _no_constant(name: str):
    raise BadFile(f"{name} is not a JSON number")


def _task(obj) -> dict:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise BadFile('each line must be a JSON object with a "text" string')
    text = obj["text"]
    sidecar = _sidecar(obj.get(SIDECAR))
    by_id: dict[object, dict] = {}
    spans = []
    for key in ("label", "labels", "entities", "annotations"):
        for number, item in enumerate(_list(obj, key), start=1):
            span = _span(item, text, f"{key}[{number}]")
            span.update(sidecar["spans"].get(_key(span), {}))
            spans.append(span)
            if isinstance(item, dict) and "id" in item:
                by_id[item["id"]] = span
    relations = [_relation(item, by_id, f"relations[{number}]", sidecar["relations"])
                 for number, item in enumerate(_list(obj, "relations"), start=1)]
    nested = obj.get("meta")
    meta = {**{k: v for k, v in obj.items() if k not in _READ_KEYS}, **(nested if isinstance(nested, dict) else {})}
    return {"text": text, "meta": meta, "spans": spans, "relations": relations, "answer": "accept"}


def _list(obj: dict, key: str) -> list:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise BadFile(f'"{key}" must be a list')
    return value


def _span(item, text: str, where: str) -> dict:
    """A doccano span (``[start, end, label]`` or an entity dict) as a glose span."""
    if isinstance(item, list) and len(item) == 3:
        start, end, label = item
    elif isinstance(item, dict):
        start, end, label = item.get("start_offset"), item.get("end_offset"), item.get("label")
    elif isinstance(item, str):
        raise BadFile(f"{where} is a category ({visible(item)[:40]!r}), not a span: glose reads doccano's"
                      " sequence labeling and relation extraction exports")
    else:
        raise BadFile(f"{where} must be [start, end, label] or an entity with start_offset, end_offset, label")
    if type(start) is not int or type(end) is not int:
        raise BadFile(f"{where} needs integer offsets (got {visible(repr(start))[:20]}, {visible(repr(end))[:20]})")
    if not isinstance(label, str):
        raise BadFile(f"{where} has the label {visible(repr(label))[:40]}, a doccano label id, not its name:"
                      " export the project again as JSONL from a recent doccano")
    if label not in SPAN_LABELS:
        raise BadFile(f"{where}: unknown label {visible(label)[:40]!r}; glose knows {', '.join(SPAN_LABELS)}:"
                      " rename the label in doccano (or remove those spans) and export again")
    if not 0 <= start < end <= len(text):
        raise BadFile(f"{where}: offsets {start}-{end} do not fit the text (length {len(text)})")
    return {"start": start, "end": end, "label": label}


def _relation(item, by_id: dict, where: str, states: dict) -> dict:
    if not isinstance(item, dict):
        raise BadFile(f"{where} must be an object with from_id, to_id and type")
    label = item.get("type")
    if label not in RELATION_LABELS:
        raise BadFile(f"{where}: unknown relation type {visible(repr(label))[:40]}; glose knows"
                      f" {', '.join(RELATION_LABELS)} (from the claim to its source or cue): rename it in doccano")
    head, child = by_id.get(item.get("from_id")), by_id.get(item.get("to_id"))
    if head is None or child is None:
        raise BadFile(f"{where} links entity {visible(repr(item.get('from_id')))[:20]} to"
                      f" {visible(repr(item.get('to_id')))[:20]}, and there is no entity with that id")
    relation = {"head_span": head, "child_span": child, "label": label}
    state = states.get((_key(head), _key(child), label))
    if state:
        relation["state"] = state
    return relation


def _key(span: dict) -> tuple:
    return span["start"], span["end"], span["label"]


def _sidecar(value) -> dict:
    """glose's record (see the module docstring), indexed; a broken one is an error,
    since what it holds would otherwise be lost without a word."""
    found: dict = {"spans": {}, "relations": {}}
    if value is None:
        return found
    try:
        for entry in value.get("spans", []):
            found["spans"].setdefault((entry["start"], entry["end"], entry["label"]),
                                      {k: v for k, v in entry.items() if k not in _NATIVE})
        for entry in value.get("relations", []):
            link = (tuple(entry["head"]), tuple(entry["child"]), entry["label"])
            if entry.get("state") in STATES:
                found["relations"][link] = entry["state"]
    except (AttributeError, KeyError, TypeError) as exc:
        raise BadFile(f'"{SIDECAR}" is not the record glose writes ({type(exc).__name__}: {exc})') from exc
    return found


# --- Writing ------------------------------------------------------------------------------


def write(records: Iterable[dict], out: IO[str]) -> int:
    """Exported records as doccano relation-extraction JSONL; returns how many documents."""
    count = 0
    for record in records:
        out.write(json.dumps(_line(record), ensure_ascii=False) + "\n")
        count += 1
    return count


def _line(record: dict) -> dict:
    entities: list[dict] = []
    sidecar_spans: list[dict] = []
    ids: dict[tuple, int] = {}

    def entity_id(span: dict) -> int:
        key = (*_key(span), span.get("part_of"))
        if key not in ids:
            ids[key] = len(ids) + 1
            entities.append({"id": ids[key], "label": span["label"],
                             "start_offset": span["start"], "end_offset": span["end"]})
            extra = {k: v for k, v in span.items() if k not in _NATIVE and not (k == "state" and v == ACCEPTED)}
            if extra:
                sidecar_spans.append({"start": span["start"], "end": span["end"], "label": span["label"], **extra})
        return ids[key]

    for span in record["spans"]:
        entity_id(span)
    relations, sidecar_relations = [], []
    for number, rel in enumerate(record["relations"], start=1):
        head, child = rel["head_span"], rel["child_span"]
        relations.append({"id": number, "from_id": entity_id(head), "to_id": entity_id(child), "type": rel["label"]})
        if rel.get("state", ACCEPTED) != ACCEPTED:
            sidecar_relations.append({"head": list(_key(head)), "child": list(_key(child)),
                                      "label": rel["label"], "state": rel["state"]})
    line = {"text": record["text"], "entities": entities, "relations": relations, "meta": record.get("meta", {})}
    if sidecar_spans or sidecar_relations:
        line[SIDECAR] = {"spans": sidecar_spans, "relations": sidecar_relations}
    return line
