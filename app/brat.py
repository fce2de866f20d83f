"""brat standoff (``.txt`` + ``.ann``) read into glose's spans and relations.

- ``T`` lines are spans; a discontinuous one (``start end;start end``) becomes one
  glose span per piece (glose spans are contiguous), the pieces sharing ``part_of``.
- ``E`` lines are events: an attribution (trigger plus roles) becomes a claim frame,
  Content → CLAIM, Cue → CUE (a CUE relation from the claim), Source → SOURCE (a
  SAID_BY relation). The trigger itself (``Attribution``) is not a span of glose.
- ``R`` lines whose label maps to a glose relation (``SAID_BY``, ``CUE``) are kept;
  ``A`` attributes become span attributes; ``#`` notes become the span's note.
- Labels are mapped by ``LABEL_MAP`` (PolNeAR's names and brat's usual entity
  names); ``--label-map Name=LABEL,...`` adds or overrides, ``Name=-`` skips a label.

The result is a Prodigy-style task (``text``, ``spans``, ``relations``, ``answer``)
that the importer validates like any JSONL line. No NLP here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from glose.errors import BadFile
from glose.plaintext import visible
from glose.vocabulary import (
    CLAIM,
    CLAIM_TYPES,
    CUE,
    LOC,
    MENTION_LABELS,
    MISC,
    ORG,
    PER,
    QUOTE_TYPES,
    SAID_BY,
    SOURCE,
    SPAN_LABELS,
)

SKIP = "-"
LABEL_MAP = {
    # PolNeAR's attribution types (its triggers and its Discard/Discuss marks are no glose span)
    "Source": SOURCE, "Cue": CUE, "Content": CLAIM, "Attribution": SKIP, "Attribution-no-source": SKIP,
    "Discard": SKIP, "Discuss": SKIP,
    # brat's usual entity names; a type spelled as a glose label is that label
    "Person": PER, "Organization": ORG, "Organisation": ORG, "Location": LOC, "GPE": LOC, "Misc": MISC,
    "Claim": CLAIM, **{label: label for label in SPAN_LABELS},
}
"""brat type -> glose label (SKIP: not stored)."""
ROLE_RELATIONS = {CUE: CUE, SOURCE: SAID_BY}
"""In an event, the relation from the claim to a role's span, by the span's label."""
RELATION_MAP = {SAID_BY: SAID_BY, "Said_by": SAID_BY, "Source": SAID_BY, CUE: CUE, "Cue": CUE}


def parse_label_map(text: str) -> dict[str, str]:
    """``Name=LABEL,Other=-`` as a dict, checked against glose's labels."""
    mapping = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, label = item.partition("=")
        if not sep or not name.strip() or label.strip() not in (*SPAN_LABELS, SKIP):
            raise ValueError(f"label map entries are Name=LABEL with LABEL one of {', '.join(SPAN_LABELS)} or -"
                             f" (got {visible(item)!r})")
        mapping[name.strip()] = label.strip()
    return mapping


@dataclass
class Standoff:
    """What one .ann file says, as a Prodigy-style task for the importer."""

    task: dict
    discontinuous: int = 0
    skipped: dict[str, int] = field(default_factory=dict)


def read_ann(text: str, ann: str, *, label_map: dict[str, str] | None = None) -> Standoff:
    """Parse an .ann file against its text; raise BadFile with the line that is wrong."""
    labels = {**LABEL_MAP, **(label_map or {})}
    spans: dict[str, list[dict]] = {}
    relations: list[dict] = []
    attrs: dict[str, dict] = {}
    notes: dict[str, str] = {}
    events: list[str] = []
    result = Standoff({})
    for number, line in enumerate(ann.split("\n"), start=1):
        if not line.strip():
            continue
        ident, _, rest = line.partition("\t")
        kind = ident[:1]
        try:
            if kind == "T":
                spec = rest.partition("\t")[0]
                name, _, ranges = spec.partition(" ")
                pieces = [tuple(int(x) for x in piece.split()) for piece in ranges.split(";")]
                if not pieces or any(len(p) != 2 or not 0 <= p[0] <= p[1] <= len(text) for p in pieces):
                    raise BadFile(f"offsets {visible(ranges)!r} do not fit the text (length {len(text)})")
                label = labels.get(name)
                if label is None:
                    raise BadFile(f"unknown brat type {visible(name)!r}: map it with --label-map {visible(name)}=LABEL"
                                  " (or =- to skip it)")
                if label == SKIP:
                    result.skipped[name] = result.skipped.get(name, 0) + 1
                    continue
                result.discontinuous += len(pieces) > 1
                spans[ident] = [{"start": start, "end": end, "label": label} for start, end in pieces if start < end]
                if len(spans[ident]) > 1:  # one glose span per piece, each saying whose piece it is
                    for span in spans[ident]:
                        span["part_of"] = ident
            elif kind == "E":
                events.append(rest)
            elif kind == "R":
                name, *args = rest.split("\t")[0].split()
                roles = dict(arg.split(":", 1) for arg in args)
                head, child = roles.get("Arg1"), roles.get("Arg2")
                if name in RELATION_MAP and head and child:
                    relations.append({"head": head, "child": child, "label": RELATION_MAP[name]})
            elif kind in ("A", "M"):
                parts = rest.split("\t")[0].split()
                if len(parts) >= 2:
                    attrs.setdefault(parts[1], {})[parts[0]] = parts[2] if len(parts) > 2 else True
            elif kind == "#":
                parts = rest.split("\t")
                target = parts[0].split()[-1] if parts[0].split() else ""
                if len(parts) > 1 and target:
                    notes[target] = parts[1]
            elif kind in ("N", "*"):
                continue  # normalisations and equivalences: nothing of glose's
            else:
                raise BadFile(f"unknown annotation kind {visible(ident)!r}")
        except BadFile as exc:
            raise BadFile(f".ann line {number}: {exc}") from exc
        except ValueError as exc:
            raise BadFile(f".ann line {number}: cannot be read ({exc})") from exc
    for rest in events:
        members = [arg.split(":", 1)[-1] for arg in rest.split("\t")[0].split()[1:]]
        claims = [ident for ident in members if spans.get(ident) and spans[ident][0]["label"] == CLAIM]
        for claim in claims:
            for ident in members:
                shards = spans.get(ident)
                if shards and shards[0]["label"] in ROLE_RELATIONS:
                    relations.append({"head": claim, "child": ident, "label": ROLE_RELATIONS[shards[0]["label"]]})
    for ident, shards in spans.items():
        for shard in shards:
            shard.update(attrs.get(ident, {}))
            if ident in notes:
                shard["note"] = notes[ident]
    known = [r for r in relations if spans.get(r["head"]) and spans.get(r["child"])]
    result.task = {
        "text": text,
        "answer": "accept",  # a brat annotation is a decision, not a suggestion
        "spans": [span for pieces in spans.values() for span in pieces],
        # A discontinuous span is one glose span per piece, each with the relations of the whole.
        "relations": [{"head_span": head, "child_span": child, "label": r["label"]}
                      for r in known for head in spans[r["head"]] for child in spans[r["child"]]],
    }
    return result


ANNOTATION_CONF = "\n".join([
    "# glose's labels, written by `glose export --format brat`",
    "[entities]", *SPAN_LABELS, "",
    "[relations]", f"{SAID_BY}\tArg1:{CLAIM}, Arg2:{'|'.join(MENTION_LABELS)}", f"{CUE}\tArg1:{CLAIM}, Arg2:{CUE}", "",
    "[events]", "",
    "[attributes]", f"quote_type\tArg:{CLAIM}, Value:{'|'.join(QUOTE_TYPES)}",
    f"claim_type\tArg:{CLAIM}, Value:{'|'.join(CLAIM_TYPES)}", f"checkworthy\tArg:{CLAIM}", ""])
"""brat's description of what the exported files hold."""
EXPORTED_ATTRIBUTES = ("quote_type", "claim_type", "checkworthy")


def write_ann(text: str, spans: list[dict], relations: list[dict]) -> str:
    """A layer's spans and relations in one document as an .ann file: a T line per
    annotation (the pieces of a discontinuous one, sharing ``part_of``, as one T with
    several ranges), an R line per relation, A lines for claim attributes, and a #
    note where a span has one."""
    groups: dict[object, list[dict]] = {}
    for span in sorted(spans, key=lambda s: (s["start"], s["end"], s["id"])):
        part_of = span["attrs"].get("part_of")
        groups.setdefault((span["label"], part_of) if part_of else span["id"], []).append(span)
    lines, ident_of = [], {}
    for number, pieces in enumerate(groups.values(), start=1):
        ranges = ";".join(f"{piece['start']} {piece['end']}" for piece in pieces)
        shown = " ".join(text[piece["start"]:piece["end"]] for piece in pieces).replace("\n", " ").replace("\t", " ")
        lines.append(f"T{number}\t{pieces[0]['label']} {ranges}\t{shown}")
        for piece in pieces:
            ident_of[piece["id"]] = f"T{number}"
    attribute_lines, notes = [], []
    for pieces in groups.values():
        first = pieces[0]
        ident = ident_of[first["id"]]
        for key in EXPORTED_ATTRIBUTES:
            value = first["attrs"].get(key)
            if value is True:
                attribute_lines.append(f"{key} {ident}")
            elif isinstance(value, str) and value and not any(c.isspace() for c in value):
                attribute_lines.append(f"{key} {ident} {value}")
        note = first["attrs"].get("note")
        if isinstance(note, str) and note:
            notes.append(f"AnnotatorNotes {ident}\t{' '.join(note.split())}")
    seen = set()
    relation_lines = []
    for relation in relations:
        head, child = ident_of.get(relation["head_id"]), ident_of.get(relation["child_id"])
        link = (relation["label"], head, child)
        if head and child and link not in seen:  # pieces of one annotation share their relations
            seen.add(link)
            relation_lines.append(f"{relation['label']} Arg1:{head} Arg2:{child}")
    lines += [f"R{n}\t{line}" for n, line in enumerate(relation_lines, start=1)]
    lines += [f"A{n}\t{line}" for n, line in enumerate(attribute_lines, start=1)]
    lines += [f"#{n}\t{line}" for n, line in enumerate(notes, start=1)]
    return "\n".join(lines) + "\n"
