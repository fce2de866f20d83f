"""UIMA CAS XMI (INCEpTION's recommended format), both ways, through dkpro-cassis.

``write_folder`` writes exported records the way INCEpTION's "UIMA CAS XMI (XML 1.0)"
export lays them out: one ``<id>-<title>.xmi`` per document and one ``TypeSystem.xml``
beside them. ``read_tasks`` reads such a file (with the ``TypeSystem.xml`` of its
folder) into a Prodigy-style task that the importer validates like any JSONL line.

The type system, in INCEpTION's style for custom layers:

- ``webanno.custom.GloseSpan`` (a span layer): every glose span, entities included,
  its label in the feature ``label``; ``state``, ``origin``, ``canonical``,
  ``confidence`` (a Float) and the usual attributes ``quote_type``, ``claim_type``,
  ``note``, ``evidence``, ``part_of`` (strings) and ``checkworthy`` (a Boolean) are
  features of their own; any other attribute, or one whose value is not of that
  type, travels in ``attributes`` as a JSON object.
- ``webanno.custom.GloseRelation`` (a relation layer on GloseSpan): ``Governor`` is the
  claim, ``Dependent`` the source mention or the cue, ``label`` SAID_BY or CUE, and
  ``state``; it spans its dependent, as INCEpTION's relations do.
- ``webanno.custom.GloseDocument`` (a document metadata layer, on AnnotationBase): the
  document's meta as JSON (with ``text_hash``, which the import checks), the annotator
  and the task's answer.
- DKPro Core's ``DocumentMetaData`` (``documentTitle``, ``documentId``) and ``Token``s.

Entities are GloseSpans rather than DKPro's ``NamedEntity`` on purpose: an INCEpTION
relation layer attaches to one span layer, and SAID_BY must reach entities as well as
SOURCE spans. In INCEpTION, create the two custom layers with these names and features
(character-level anchoring, overlap and crossing sentences allowed: claims do both) or
import a project that has them. The import also reads DKPro's ``NamedEntity`` (its value
or subtype, PER/ORG/LOC/MISC or a usual spelling such as PERSON, see ``ENTITY_NAMES``)
so a plain INCEpTION NER project comes in; its ``identifier`` becomes an attribute.

What the format cannot hold, or the import does not read:

- a discontinuous claim: its pieces are separate GloseSpans sharing ``part_of``, as in
  glose itself (INCEpTION shows them as separate spans);
- confidence is a 32-bit float for INCEpTION (UIMA's Float): cassis writes and reads
  Python's exact decimal, but a file saved again by INCEpTION rounds it;
- sentences are not written (records have none); INCEpTION splits sentences itself;
- on import, tokens, sentences and DKPro's other layers (POS, lemmas, dependencies,
  coreference...) are no glose annotations and are ignored; annotations of any other
  custom layer (``webanno.custom.*``) make the file refused, never silently dropped;
- a text or an annotation with a character that XML 1.0 cannot carry (U+FFFE, U+FFFF;
  glose's stored texts have no control characters) cannot be written: the export
  stops at that document and says so.

UIMA offsets count UTF-16 code units (Java strings); cassis converts them from and to
Python's code points when it writes and reads. An offset that falls inside a surrogate
pair makes the file refused.
"""
from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import cassis

from glose.errors import BadFile, GloseError
from glose.files import safe_stem, write_whole
from glose.plaintext import one_line, visible
from glose.vocabulary import ENTITY_LABELS, LOC, MISC, ORG, PER, RELATION_LABELS, SPAN_LABELS

TYPE_SYSTEM_FILE = "TypeSystem.xml"
CUSTOM = "webanno.custom."
"""INCEpTION's prefix for the layers a project defines."""
SPAN_TYPE = CUSTOM + "GloseSpan"
RELATION_TYPE = CUSTOM + "GloseRelation"
DOCUMENT_TYPE = CUSTOM + "GloseDocument"
METADATA_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData"
TOKEN_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
NAMED_ENTITY_TYPE = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"

STRING_ATTRIBUTES = ("quote_type", "claim_type", "note", "evidence", "part_of")
BOOLEAN_ATTRIBUTES = ("checkworthy",)
SPAN_STRINGS = ("state", "origin", "canonical")
"""GloseSpan's string features that are span fields, not attributes."""
EXTRA_ATTRIBUTES = "attributes"
"""GloseSpan's feature for every other attribute, as a JSON object."""
_DERIVED = {"start", "end", "label", "token_start", "token_end", "text", "id", "confidence", *SPAN_STRINGS}
"""Keys of an exported span that are no attribute (the rest are)."""

ENTITY_NAMES = {
    **{label: label for label in ENTITY_LABELS},
    "PERSON": PER, "ORGANIZATION": ORG, "ORGANISATION": ORG, "LOCATION": LOC, "GPE": LOC, "OTH": MISC,
}
"""A NamedEntity's value (or its DKPro subtype's name, such as Person), upper-cased -> glose label."""

_STRING, _FLOAT, _BOOLEAN = "uima.cas.String", "uima.cas.Float", "uima.cas.Boolean"
FS = Any
"""A cassis feature structure (cassis has no type hints)."""


# --- The type system -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _glose_type_system_xml() -> str:
    """glose's type system as TypeSystem.xml (built once; a TypeSystem is mutable, its XML is not)."""
    ts = cassis.TypeSystem()
    metadata = ts.create_type(METADATA_TYPE, "uima.tcas.DocumentAnnotation", "DKPro Core's document metadata")
    ts.create_feature(metadata, "documentTitle", _STRING)
    ts.create_feature(metadata, "documentId", _STRING)
    ts.create_type(TOKEN_TYPE, description="A token, as glose's tokenizer cut the text")
    span = ts.create_type(SPAN_TYPE, description="A glose span: an entity, a claim, a cue or a source mention")
    ts.create_feature(span, "label", _STRING, description=" | ".join(SPAN_LABELS))
    for name in (*SPAN_STRINGS, *STRING_ATTRIBUTES):
        ts.create_feature(span, name, _STRING)
    ts.create_feature(span, "confidence", _FLOAT, description="The model's confidence, 0 to 1")
    for name in BOOLEAN_ATTRIBUTES:
        ts.create_feature(span, name, _BOOLEAN)
    ts.create_feature(span, EXTRA_ATTRIBUTES, _STRING, description="Other attributes, as a JSON object")
    relation = ts.create_type(RELATION_TYPE, description="A claim (Governor) linked to its source or cue (Dependent)")
    ts.create_feature(relation, "Governor", span)
    ts.create_feature(relation, "Dependent", span)
    ts.create_feature(relation, "label", _STRING, description=" | ".join(RELATION_LABELS))
    ts.create_feature(relation, "state", _STRING)
    document = ts.create_type(DOCUMENT_TYPE, "uima.cas.AnnotationBase", "What glose knows of the document")
    ts.create_feature(document, "meta", _STRING, description="The document's meta, as a JSON object")
    ts.create_feature(document, "annotator", _STRING)
    ts.create_feature(document, "answer", _STRING)
    xml = ts.to_xml()
    assert xml is not None
    return xml


def type_system() -> cassis.TypeSystem:
    """A fresh copy of glose's type system."""
    return cassis.load_typesystem(_glose_type_system_xml())


# --- Writing ---------------------------------------------------------------------------


def write_folder(records: Iterable[dict], out: Path) -> int:
    """Each record as ``<glose_doc_id>-<title>.xmi`` in ``out``, and glose's
    ``TypeSystem.xml``; each file written under a temporary name and renamed, so none
    is ever half written. Returns how many documents."""
    ts = type_system()
    count = 0
    for record in records:
        meta = record.get("meta") or {}
        stem = f"{meta.get('glose_doc_id', count + 1)}-{safe_stem(str(meta.get('title') or ''))}"
        try:
            xmi = to_xmi(record, ts)
        except ValueError as exc:  # lxml refuses what XML 1.0 cannot carry
            raise GloseError(f"document {stem}: a character XML 1.0 cannot carry ({exc}); it and the documents"
                             " after it were not written") from exc
        write_whole(out / f"{stem}.xmi", xmi)
        count += 1
    write_whole(out / TYPE_SYSTEM_FILE, _glose_type_system_xml())
    return count


def to_xmi(record: dict, ts: cassis.TypeSystem) -> str:
    """One exported record as a CAS in XMI (XML 1.0)."""
    text = record["text"]
    cas = cassis.Cas(typesystem=ts)
    cas.sofa_string = text
    meta = record.get("meta") or {}
    cas.add(ts.get_type(METADATA_TYPE)(begin=0, end=len(text), documentTitle=meta.get("title"),
                                       documentId=_text_or_none(meta.get("glose_doc_id"))))
    cas.add(ts.get_type(DOCUMENT_TYPE)(meta=json.dumps(meta, ensure_ascii=False), answer=record.get("answer"),
                                       annotator=record.get("_annotator_id")))
    token = ts.get_type(TOKEN_TYPE)
    cas.add_all([token(begin=t["start"], end=t["end"]) for t in record.get("tokens") or []])
    annotations = _Annotations(cas, ts)
    for span in record.get("spans") or []:
        annotations.add(span)
    relation = ts.get_type(RELATION_TYPE)
    for rel in record.get("relations") or []:
        head, child = annotations.find(rel["head_span"]), annotations.find(rel["child_span"])
        cas.add(relation(begin=child.begin, end=child.end, Governor=head, Dependent=child, label=rel["label"],
                         state=rel.get("state")))
    xmi = cas.to_xmi()
    assert xmi is not None
    return xmi


class _Annotations:
    """The GloseSpans of one CAS. A relation's head and child are the very dicts of
    the record's spans (the exporter shares them), or at least equal to one of them;
    one that is neither is added."""

    def __init__(self, cas: cassis.Cas, ts: cassis.TypeSystem):
        self.cas, self.type = cas, ts.get_type(SPAN_TYPE)
        self.made: dict[int, FS] = {}
        self.by_key: dict[tuple, FS] = {}

    def add(self, span: dict) -> FS:
        made = self.type(begin=span["start"], end=span["end"], label=span["label"], **_span_features(span))
        self.cas.add(made)
        self.made[id(span)] = made
        self.by_key.setdefault(_key(span), made)
        return made

    def find(self, span: dict) -> FS:
        found = self.made.get(id(span))
        if found is None:
            found = self.by_key.get(_key(span))
        return self.add(span) if found is None else found


def _key(span: dict) -> tuple:
    """What the importer tells spans apart by (part_of as JSON: it may be any value)."""
    return span["start"], span["end"], span["label"], json.dumps(span.get("part_of"), sort_keys=True)


def _span_features(span: dict) -> dict[str, Any]:
    """A span's fields and attributes as GloseSpan features (None: unset)."""
    features: dict[str, Any] = {name: span.get(name) for name in SPAN_STRINGS}
    features["confidence"] = span.get("confidence")
    extras = {}
    for key, value in span.items():
        if key in _DERIVED:
            continue
        if key in STRING_ATTRIBUTES and isinstance(value, str) or key in BOOLEAN_ATTRIBUTES and type(value) is bool:
            features[key] = value
        else:  # another attribute, or a value of another type: JSON keeps it exactly
            extras[key] = value
    if extras:
        features[EXTRA_ATTRIBUTES] = json.dumps(extras, ensure_ascii=False, sort_keys=True)
    return features


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)





# --- Reading ---------------------------------------------------------------------------

_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")


def read_tasks(path: Path, content: str) -> list[dict]:
    """An .xmi file, read with the TypeSystem.xml beside it, as one Prodigy-style task."""
    cas = _load_cas(content, _type_system_beside(path))
    text = cas.sofa_string
    if not isinstance(text, str) or not text:
        raise BadFile("the CAS has no text (no sofa string in its initial view)")
    _refuse_foreign_layers(cas)
    document = _first(cas, DOCUMENT_TYPE)
    meta = _document_meta(cas, document)
    spans = _spans(cas, text)
    task = {
        "text": text,
        "meta": meta,
        "spans": list(spans.values()),
        "relations": _relations(cas, spans),
        "answer": _value(document, "answer") or "accept",  # an INCEpTION annotation is a decision
    }
    annotator = _value(document, "annotator")
    if annotator:
        task["_annotator_id"] = annotator
    return [task]


def _type_system_beside(path: Path) -> cassis.TypeSystem:
    folder = path.parent
    for name in (TYPE_SYSTEM_FILE, TYPE_SYSTEM_FILE.lower()):
        candidate = folder / name
        if candidate.is_file():
            stat = candidate.stat()
            return _load_type_system(str(candidate.resolve()), stat.st_mtime_ns, stat.st_size)
    raise BadFile(f"no {TYPE_SYSTEM_FILE} beside {visible(path.name)}: a CAS XMI file is read with its type"
                  " system (INCEpTION's export has one in each document's zip)")


@lru_cache(maxsize=4)
def _load_type_system(path: str, mtime_ns: int, size: int) -> cassis.TypeSystem:
    """One type system for a whole folder of .xmi files (INCEpTION's is large);
    the file's time and size are in the key, so a changed file is read again."""
    try:
        return cassis.load_typesystem(Path(path))
    except Exception as exc:  # noqa: BLE001 - cassis and lxml raise many kinds on a bad file
        raise BadFile(f"{TYPE_SYSTEM_FILE} cannot be read ({type(exc).__name__}: {one_line(str(exc))[:200]})") from exc


def _load_cas(content: str, ts: cassis.TypeSystem) -> cassis.Cas:
    # The text is decoded already: drop the declaration so that lxml reads it as the
    # UTF-8 that cassis encodes it to, whatever encoding the declaration named.
    source = _DECLARATION.sub("", content, count=1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            cas = cassis.load_cas_from_xmi(source, typesystem=ts)
        except Exception as exc:  # noqa: BLE001 - cassis and lxml raise many kinds on a bad file
            raise BadFile(f"not a CAS XMI (XML 1.0) file that matches its {TYPE_SYSTEM_FILE}"
                          f" ({type(exc).__name__}: {one_line(str(exc))[:200]})") from exc
    # cassis only warns about a UTF-16 offset that is no character boundary, and keeps it
    unmapped = [w for w in caught if "Not mapping" in str(w.message)]
    if unmapped:
        raise BadFile(f"an offset falls inside a character ({one_line(str(unmapped[0].message))[:120]});"
                      " its annotations would be misplaced")
    return cas


def _refuse_foreign_layers(cas: cassis.Cas) -> None:
    """Annotations of a custom layer that glose does not know would be lost: say so."""
    ours = {SPAN_TYPE, RELATION_TYPE, DOCUMENT_TYPE}
    foreign = Counter(fs.type.name for fs in cas.select_all_fs()
                      if fs.type.name.startswith(CUSTOM) and fs.type.name not in ours)
    if foreign:
        layers = ", ".join(f"{visible(name)} ({count})" for name, count in sorted(foreign.items()))
        raise BadFile(f"annotations of layers glose cannot read: {layers}; glose reads {SPAN_TYPE},"
                      f" {RELATION_TYPE} and DKPro's NamedEntity")


def _document_meta(cas: cassis.Cas, document: FS | None) -> dict:
    meta: dict = {}
    raw = _value(document, "meta")
    if raw:
        meta = _json_object(raw, f"{DOCUMENT_TYPE}'s meta")
    title = _value(_first(cas, METADATA_TYPE), "documentTitle")
    if isinstance(title, str) and title.strip() and "title" not in meta:
        meta["title"] = title
    return meta


def _spans(cas: cassis.Cas, text: str) -> dict[int, dict]:
    """Every GloseSpan and NamedEntity as a task span, by the annotation's xmi id."""
    spans: dict[int, dict] = {}
    for fs in _select(cas, SPAN_TYPE):
        label = _value(fs, "label")
        if label not in SPAN_LABELS:
            raise BadFile(f"{_where(fs)}: unknown label {visible(repr(label))[:40]}"
                          f" (glose knows {', '.join(SPAN_LABELS)})")
        spans[fs.xmiID] = _span_of(fs, label, text)
    for fs in _select(cas, NAMED_ENTITY_TYPE):
        value = _value(fs, "value") or fs.type.short_name  # DKPro's subtypes: Person, Location...
        label = ENTITY_NAMES.get(str(value).upper())
        if label is None:
            raise BadFile(f"{_where(fs)}: unknown named-entity value {visible(repr(value))[:40]}"
                          f" (glose reads {', '.join(sorted(ENTITY_NAMES))})")
        span = _span_of(fs, label, text)
        if _value(fs, "identifier"):  # INCEpTION's entity link
            span["identifier"] = _value(fs, "identifier")
        spans[fs.xmiID] = span
    return spans


def _span_of(fs: FS, label: str, text: str) -> dict:
    if not 0 <= fs.begin < fs.end <= len(text):
        raise BadFile(f"{_where(fs)}: not within the text (length {len(text)}), or empty")
    span: dict[str, Any] = {"start": fs.begin, "end": fs.end, "label": label}
    for name in SPAN_STRINGS:
        if _value(fs, name):  # INCEpTION leaves an empty feature empty or unset: both mean none
            span[name] = _value(fs, name)
    if _value(fs, "confidence") is not None:
        span["confidence"] = _value(fs, "confidence")
    for name in (*STRING_ATTRIBUTES, *BOOLEAN_ATTRIBUTES):
        if _value(fs, name) is not None:
            span[name] = _value(fs, name)
    extras = _value(fs, EXTRA_ATTRIBUTES)
    if extras:
        span.update({k: v for k, v in _json_object(extras, f"{_where(fs)}: attributes").items() if k not in span})
    return span


def _relations(cas: cassis.Cas, spans: dict[int, dict]) -> list[dict]:
    relations = []
    for fs in _select(cas, RELATION_TYPE):
        label = _value(fs, "label")
        if label not in RELATION_LABELS:
            raise BadFile(f"{_where(fs)}: unknown relation label {visible(repr(label))[:40]}"
                          f" (glose knows {', '.join(RELATION_LABELS)})")
        governor, dependent = _value(fs, "Governor"), _value(fs, "Dependent")
        head = spans.get(governor.xmiID) if governor is not None else None
        child = spans.get(dependent.xmiID) if dependent is not None else None
        if head is None or child is None:
            raise BadFile(f"{_where(fs)}: a relation needs a Governor and a Dependent that are GloseSpans")
        relation = {"head_span": head, "child_span": child, "label": label}
        if _value(fs, "state"):
            relation["state"] = _value(fs, "state")
        relations.append(relation)
    return relations


def _select(cas: cassis.Cas, type_name: str) -> list[FS]:
    """The annotations of a type (and its subtypes) in text order; none if the type
    system has no such type."""
    if not cas.typesystem.contains_type(type_name):
        return []
    return sorted(cas.select(type_name), key=lambda fs: (fs.begin or 0, fs.end or 0, fs.xmiID))


def _first(cas: cassis.Cas, type_name: str) -> FS | None:
    if not cas.typesystem.contains_type(type_name):
        return None
    found = cas.select(type_name)
    return found[0] if found else None


def _value(fs: FS | None, name: str) -> Any:
    """A feature's value; None when unset or when the type has no such feature (a
    project may define a layer with fewer features than glose writes)."""
    if fs is None or fs.type.get_feature(name) is None:
        return None
    return fs.get(name)


def _json_object(raw: str, what: str) -> dict:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise BadFile(f"{what} is not JSON ({exc})") from exc
    if not isinstance(value, dict):
        raise BadFile(f"{what} is not a JSON object")
    return value


def _where(fs: FS) -> str:
    return f"{fs.type.short_name} {fs.begin}-{fs.end}"
