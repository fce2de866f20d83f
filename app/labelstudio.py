"""Label Studio JSON (text + labels and relation results), both ways.

Shapes, from Label Studio's docs ("Label Studio Task Format", labelstud.io/guide/
task_format; "Import pre-annotated data", labelstud.io/guide/predictions; the
Relations tag, labelstud.io/tags/relations)::

    [{"id": 1, "data": {"text": "..."}, "meta": {...},
      "annotations": [{"id": 9, "completed_by": 1, "result": [
          {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
           "value": {"start": 0, "end": 5, "text": "Paris", "labels": ["LOC"]}},
          {"id": "r1", "type": "choices", "from_name": "quote_type", ...,     # per region
           "value": {"start": 0, "end": 5, "choices": ["direct"]}},
          {"type": "relation", "from_id": "r2", "to_id": "r1", "direction": "right",
           "labels": ["SAID_BY"]}]}],
      "predictions": [{"model_version": "...", "score": 0.8, "result": [...]}]}]

Reading (``read_tasks``): each annotation of a task is one task for the importer
(accepted spans; ``_annotator_id`` from ``completed_by``: its email, else its id);
a task's predictions, merged, are one more (pending spans, a result's ``score`` as
the confidence). A region with several labels is one span per label. Per-region
``choices`` and ``textarea`` results (same ``id`` as the region) are attributes named
by their ``from_name`` (``quote_type``, ``claim_type``, ``note``). A relation goes
from the claim: ``right`` is from → to, ``left`` to → from, ``bi`` from whichever
end is a CLAIM; a relation drawn without a label gets CUE when it links a claim to a
CUE span, SAID_BY when to a mention, otherwise it is an error. ``value.text`` is
checked against the text: Label Studio has counted offsets in UTF-16 code units
when the text holds emoji or other astral characters (HumanSignal/label-studio issue
#1347, fixed in its frontend by label-studio-frontend PR #308): a region whose text
matches only when its offsets are read as UTF-16 is converted to code points, one
that matches neither way is an error. Other ``data`` keys and the task's ``meta``
and ``id`` go into the document's meta; a result type glose has no place for
(images, document-level choices...) is an error, never dropped in silence.

Writing (``write``): a JSON list of tasks ``{"data": {"text", "glose"}, "meta",
"annotations" | "predictions"}``. A document whose spans are all pending (a
machine layer, say) is written as one prediction, which Label Studio shows as
pre-annotations; any other document as one annotation with every span (no
``completed_by``: Label Studio sets it to whoever imports). Confidence is the
result's ``score``; quote_type and claim_type are per-region choices, the note a
per-region textarea: ``LABEL_CONFIG`` is the labeling config that shows them
(paste it into the project's Labeling Interface, Code view).

What Label Studio cannot hold travels in ``data["glose"]`` (Label Studio keeps task
data as is): ``{"annotator": layer owner, "spans": [{"start", "end", "label",
"state"?, "origin", "canonical"?, <other attributes: checkworthy, part_of...>}],
"relations": [{"head": [start, end, label], "child": [...], "label", "state"}]}``,
matched on (start, end, label) since region ids may change. It holds a state only
where the placement cannot say it: pending items in an annotation, and rejected
ones (``--include-rejected``); Label Studio has no rejected region. The annotator
is used only when a task has no ``completed_by`` (a file not yet through Label
Studio). Edits to those glose-only fields are impossible in Label Studio, so they
come back as they left; a region edited there no longer matches its entry.
"""
from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Iterable

from glose.errors import BadFile
from glose.plaintext import visible
from glose.vocabulary import (
    ACCEPTED,
    CLAIM,
    CLAIM_TYPES,
    CUE,
    MENTION_LABELS,
    PENDING,
    QUOTE_TYPES,
    RELATION_LABELS,
    SAID_BY,
    SPAN_LABELS,
    STATES,
)

SIDECAR = "glose"
"""The key, in a task's ``data``, of glose's own record of what Label Studio cannot hold."""
FROM_NAME, TO_NAME = "label", "text"
CHOICE_ATTRIBUTES = {"quote_type": QUOTE_TYPES, "claim_type": CLAIM_TYPES}
"""Attributes written as per-region single choices (from_name = the attribute)."""
TEXT_ATTRIBUTES = ("note",)
"""Attributes written as a per-region text area."""


def _label_config() -> str:
    choices = [f'    <Choices name="{name}" toName="{TO_NAME}" perRegion="true" choice="single" showInline="true">\n'
               + "".join(f'      <Choice value="{value}"/>\n' for value in values) + "    </Choices>\n"
               for name, values in CHOICE_ATTRIBUTES.items()]
    areas = [f'    <TextArea name="{name}" toName="{TO_NAME}" perRegion="true" maxSubmissions="1"'
             ' editable="true" placeholder="note"/>\n' for name in TEXT_ATTRIBUTES]
    return ("<View>\n  <Relations>\n"
            + "".join(f'    <Relation value="{label}"/>\n' for label in RELATION_LABELS)
            + f'  </Relations>\n  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n'
            + "".join(f'    <Label value="{label}"/>\n' for label in SPAN_LABELS)
            + f'  </Labels>\n  <Text name="{TO_NAME}" value="$text"/>\n  <View visibleWhen="region-selected">\n'
            + "".join(choices) + "".join(areas) + "  </View>\n</View>\n")


LABEL_CONFIG = _label_config()
"""Label Studio's labeling config for glose's labels, relations and region attributes."""


# --- Reading ------------------------------------------------------------------------------


def read_tasks(path: Path, content: str) -> list[dict]:
    """The tasks of a Label Studio JSON export; BadFile names the task that is wrong."""
    try:
        value = json.loads(content, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BadFile(f"malformed JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})") from exc
    except RecursionError as exc:
        raise BadFile("JSON nested too deeply") from exc
    items = value if isinstance(value, list) else [value]
    tasks = []
    for number, item in enumerate(items, start=1):
        name = f"task {number}" + (f" (id {visible(str(item['id']))[:20]})" if isinstance(item, dict)
                                   and "id" in item else "")
        try:
            tasks.extend(_tasks(item))
        except BadFile as exc:
            raise BadFile(f"{name}: {exc}") from exc
    return tasks


def _no_constant(name: str):
    raise BadFile(f"{name} is not a JSON number")


def _tasks(item) -> list[dict]:
    """One Label Studio task as importer tasks: one per annotation, one for the predictions."""
    if not isinstance(item, dict):
        raise BadFile("must be a JSON object")
    data = item.get("data", item)  # Label Studio also imports a task that is its data alone
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        keys = ", ".join(visible(str(k))[:20] for k in data) if isinstance(data, dict) else "none"
        raise BadFile(f'its data needs a "text" string (data keys: {keys})')
    if "data" not in item and isinstance(data.get("label"), list):
        raise BadFile('looks like a JSON-MIN export, which has no relations: export the project as "JSON"')
    text = data["text"]
    sidecar = _sidecar(data.get(SIDECAR))
    nested = item.get("meta")
    meta = {**{k: v for k, v in data.items() if k not in ("text", SIDECAR)}, **(nested if isinstance(nested, dict) else {})}
    if "data" in item and "id" in item:
        meta.setdefault("id", item["id"])
    base = {"text": text, "meta": meta}
    tasks = []
    for number, annotation in enumerate(_list(item, "annotations"), start=1):
        try:
            spans, relations = _regions(_list(annotation, "result"), text, ACCEPTED, sidecar)
        except BadFile as exc:
            raise BadFile(f"annotation {number}: {exc}") from exc
        task = {**base, "spans": spans, "relations": relations, "answer": "accept"}
        annotator = _annotator(annotation.get("completed_by")) or sidecar["annotator"]
        if annotator:
            task["_annotator_id"] = annotator
        tasks.append(task)
    predicted = [result for prediction in _list(item, "predictions") for result in _list(prediction, "result",
                                                                                       score=True)]
    if predicted or not tasks:
        try:
            spans, relations = _regions(predicted, text, PENDING, sidecar)
        except BadFile as exc:
            raise BadFile(f"predictions: {exc}") from exc
        task = {**base, "spans": spans, "relations": relations}
        if sidecar["annotator"]:
            task["_annotator_id"] = sidecar["annotator"]
        tasks.append(task)
    return tasks


def _list(obj, key: str, *, score: bool = False) -> list:
    if not isinstance(obj, dict):
        raise BadFile(f"an annotation or prediction must be an object (with {key!r})")
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise BadFile(f'"{key}" must be a list')
    if score and type(obj.get("score")) in (int, float):  # a prediction's score, for results without one
        value = [{"score": obj["score"], **result} if isinstance(result, dict) else result for result in value]
    return value


def _annotator(completed_by) -> str | None:
    """Who made an annotation: ``completed_by`` is a user id, or a user object."""
    if isinstance(completed_by, dict):
        completed_by = completed_by.get("email") or completed_by.get("id")
    if isinstance(completed_by, (str, int)) and not isinstance(completed_by, bool) and str(completed_by).strip():
        return str(completed_by)
    return None


def _regions(results: list, text: str, state: str, sidecar: dict) -> tuple[list[dict], list[dict]]:
    """The spans and relations of one annotation's (or the predictions') results."""
    regions: dict[str, list[dict]] = {}
    to_code_points = _Utf16(text)
    for result in results:
        if isinstance(result, dict) and result.get("type") == "labels":
            rid = str(result.get("id"))
            regions.setdefault(rid, []).extend(_spans(result, text, state, to_code_points, sidecar))
    relations = []
    for result in results:
        kind = result.get("type") if isinstance(result, dict) else None
        if kind == "labels":
            continue
        if kind == "relation":
            relations.extend(_relations(result, regions, state, sidecar))
        elif kind in ("choices", "textarea") and str(result.get("id")) in regions:
            name, value = result.get("from_name"), result.get("value") or {}
            attribute = value.get("choices") if kind == "choices" else value.get("text")
            if isinstance(attribute, list) and len(attribute) == 1:
                attribute = attribute[0]
            for span in regions[str(result.get("id"))]:
                span.setdefault(str(name), attribute)
        else:
            raise BadFile(f"a result of type {visible(repr(kind))[:40]} (from_name"
                          f" {visible(repr(result.get('from_name') if isinstance(result, dict) else None))[:40]})"
                          " has no place in glose: glose reads labels, relations and per-region choices and text")
    return [span for spans in regions.values() for span in spans], relations


class _Utf16:
    """Offsets counted in UTF-16 code units, as code points (None: inside a character)."""

    def __init__(self, text: str):
        self.astral = any(ord(c) > 0xFFFF for c in text)
        self._points: dict[int, int] = {}
        if self.astral:
            units = 0
            for index, character in enumerate(text):
                self._points[units] = index
                units += 2 if ord(character) > 0xFFFF else 1
            self._points[units] = len(text)

    def __call__(self, offset: int) -> int | None:
        return self._points.get(offset)


def _spans(result: dict, text: str, state: str, to_code_points: _Utf16, sidecar: dict) -> list[dict]:
    value = result.get("value")
    rid = visible(str(result.get("id")))[:20]
    if not isinstance(value, dict):
        raise BadFile(f"region {rid} has no value")
    start, end, labels = value.get("start"), value.get("end"), value.get("labels")
    if type(start) is not int or type(end) is not int:
        raise BadFile(f"region {rid} needs integer start and end (got {visible(repr(start))[:20]},"
                      f" {visible(repr(end))[:20]}); glose reads Text regions, not HyperText ones")
    start, end = _code_points(start, end, value.get("text"), text, to_code_points, rid)
    if not isinstance(labels, list) or not labels:
        raise BadFile(f"region {rid} has no labels")
    spans = []
    for label in labels:
        if label not in SPAN_LABELS:
            raise BadFile(f"region {rid}: unknown label {visible(repr(label))[:40]}; glose knows"
                          f" {', '.join(SPAN_LABELS)}: rename it in the labeling config (see glose.labelstudio"
                          ".LABEL_CONFIG) and in the annotations")
        span = {"start": start, "end": end, "label": label, "state": state}
        score = result.get("score")
        if isinstance(score, (int, float)) and not isinstance(score, bool) and 0 <= score <= 1:
            span["confidence"] = score
        span.update(sidecar["spans"].get((start, end, label), {}))
        spans.append(span)
    return spans


def _code_points(start: int, end: int, shown, text: str, to_code_points: _Utf16, rid: str) -> tuple[int, int]:
    """A region's offsets as code points: as they are when they fit ``value.text``,
    converted when they fit it only as UTF-16 code units (issue #1347)."""
    fits = 0 <= start < end <= len(text)
    if shown is None:
        if to_code_points.astral:
            raise BadFile(f"region {rid} has no value.text, and the text holds emoji or other astral characters:"
                          " its offsets may count UTF-16 units or code points; export with the region texts")
        if not fits:
            raise BadFile(f"region {rid}: offsets {start}-{end} do not fit the text (length {len(text)})")
        return start, end
    if fits and text[start:end] == shown:
        return start, end
    first, last = to_code_points(start), to_code_points(end)
    if first is not None and last is not None and first < last and text[first:last] == shown:
        return first, last
    found = text[start:end] if fits else "(outside the text)"
    raise BadFile(f"region {rid}: value.text {visible(str(shown))[:40]!r} is not the text at {start}-{end}"
                  f" ({visible(found)[:40]!r}), counted in code points or in UTF-16 units")


def _relations(result: dict, regions: dict[str, list[dict]], state: str, sidecar: dict) -> list[dict]:
    source, target = regions.get(str(result.get("from_id"))), regions.get(str(result.get("to_id")))
    if source is None or target is None:
        raise BadFile(f"a relation links {visible(repr(result.get('from_id')))[:20]} to"
                      f" {visible(repr(result.get('to_id')))[:20]}, and there is no labels region with that id")
    direction = result.get("direction", "right")
    heads_first = (direction == "right" or (direction == "bi" and any(s["label"] == CLAIM for s in source))
                   or (direction == "bi" and not any(s["label"] == CLAIM for s in target)))
    heads, children = (source, target) if heads_first else (target, source)
    labels = result.get("labels") or []
    if not isinstance(labels, list):
        raise BadFile("a relation's labels must be a list")
    relations = []
    for head in heads:
        for child in children:
            for label in labels or [_implied(head, child)]:
                if label not in RELATION_LABELS:
                    raise BadFile(f"unknown relation label {visible(repr(label))[:40]}; glose knows"
                                  f" {', '.join(RELATION_LABELS)}: rename it in the labeling config")
                link = (_key(head), _key(child), label)
                relations.append({"head_span": head, "child_span": child, "label": label,
                                  "state": sidecar["relations"].get(link, state)})
    return relations


def _implied(head: dict, child: dict) -> str:
    """The label of a relation drawn without one: what a claim's link to that span means."""
    if head["label"] == CLAIM and child["label"] == CUE:
        return CUE
    if head["label"] == CLAIM and child["label"] in MENTION_LABELS:
        return SAID_BY
    raise BadFile(f"a relation without a label links a {visible(head['label'])} to a {visible(child['label'])}:"
                  f" label it {' or '.join(RELATION_LABELS)} in Label Studio")


def _key(span: dict) -> tuple:
    return span["start"], span["end"], span["label"]


def _sidecar(value) -> dict:
    """glose's record (see the module docstring), indexed; a broken one is an error,
    since what it holds would otherwise be lost without a word."""
    found: dict = {"annotator": None, "spans": {}, "relations": {}}
    if value is None:
        return found
    try:
        annotator = value.get("annotator")
        found["annotator"] = annotator if isinstance(annotator, str) and annotator.strip() else None
        for entry in value.get("spans", []):
            found["spans"].setdefault((entry["start"], entry["end"], entry["label"]),
                                      {k: v for k, v in entry.items() if k not in ("start", "end", "label")})
        for entry in value.get("relations", []):
            if entry.get("state") in STATES:
                found["relations"][(tuple(entry["head"]), tuple(entry["child"]), entry["label"])] = entry["state"]
    except (AttributeError, KeyError, TypeError) as exc:
        raise BadFile(f'data["{SIDECAR}"] is not the record glose writes ({type(exc).__name__}: {exc})') from exc
    return found


# --- Writing ------------------------------------------------------------------------------

_NATIVE = {"start", "end", "label", "token_start", "token_end", "text", "confidence", "state"}
"""A span's keys that a Label Studio result holds (state: by where it is written); so
do its string-valued choice and text attributes (``_held``)."""


def _held(span: dict, key: str) -> bool:
    return key in _NATIVE or (key in (*CHOICE_ATTRIBUTES, *TEXT_ATTRIBUTES) and isinstance(span[key], str))


def write(records: Iterable[dict], out: IO[str]) -> int:
    """Exported records as a Label Studio JSON task list; returns how many documents."""
    count = 0
    out.write("[")
    for record in records:
        out.write(("," if count else "") + "\n" + json.dumps(_task(record), ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def _task(record: dict) -> dict:
    predicted = all(span.get("state") == PENDING for span in record["spans"])
    placement = PENDING if predicted else ACCEPTED
    results: list[dict] = []
    sidecar_spans: list[dict] = []
    ids: dict[tuple, str] = {}

    def region(span: dict) -> str:
        key = (*_key(span), span.get("part_of"))
        if key not in ids:
            ids[key] = rid = f"g{len(ids) + 1}"
            results.extend(_results(rid, span, record["text"]))
            extra = {k: v for k, v in span.items() if not _held(span, k)}
            if span.get("state", ACCEPTED) != placement:
                extra["state"] = span["state"]
            if extra:
                sidecar_spans.append({"start": span["start"], "end": span["end"], "label": span["label"], **extra})
        return ids[key]

    for span in record["spans"]:
        region(span)
    sidecar_relations = []
    for rel in record["relations"]:
        head, child = rel["head_span"], rel["child_span"]
        results.append({"type": "relation", "from_id": region(head), "to_id": region(child),
                        "direction": "right", "labels": [rel["label"]]})
        if rel.get("state", ACCEPTED) != placement:
            sidecar_relations.append({"head": list(_key(head)), "child": list(_key(child)),
                                      "label": rel["label"], "state": rel["state"]})
    sidecar = {"annotator": record.get("_annotator_id"), "spans": sidecar_spans, "relations": sidecar_relations}
    task = {"data": {"text": record["text"], SIDECAR: sidecar}, "meta": record.get("meta", {})}
    if predicted:
        task["predictions"] = [{"model_version": f"glose {record.get('_annotator_id') or ''}".strip(),
                                "result": results}]
    else:
        task["annotations"] = [{"result": results, "was_cancelled": False, "ground_truth": False}]
    return task


def _results(rid: str, span: dict, text: str) -> list[dict]:
    """A span as a labels result, and its choice and text attributes as per-region results."""
    where = {"start": span["start"], "end": span["end"]}
    common = {"id": rid, "to_name": TO_NAME}
    labels = {**common, "type": "labels", "from_name": FROM_NAME,
              "value": {**where, "text": text[span["start"]:span["end"]], "labels": [span["label"]]}}
    if span.get("confidence") is not None:
        labels["score"] = span["confidence"]
    results = [labels]
    for name in CHOICE_ATTRIBUTES:
        if isinstance(span.get(name), str):
            results.append({**common, "type": "choices", "from_name": name, "value": {**where, "choices": [span[name]]}})
    for name in TEXT_ATTRIBUTES:
        if isinstance(span.get(name), str):
            results.append({**common, "type": "textarea", "from_name": name, "value": {**where, "text": [span[name]]}})
    return results
