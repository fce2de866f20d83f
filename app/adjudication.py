"""Adjudication: several annotators' layers on one document, merged into ``gold``.

The layers' annotations are grouped into *items*: a claim (with its cue, sources and
quote type) or an entity, one version per layer, grouped when they overlap by at
least half of the longer span. An item is *agreed* when every layer has the same
version; else it is a disagreement. A decision puts one or more versions into the
layer ``gold`` (one Editor action: one undoable event group), each span recording the
layers it came from in its ``from`` attribute; "neither" puts a rejected span there,
so that the item counts as decided and nothing of it is exported. No Textual here.
"""
from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field

import sqlite_utils

from glose import errors
from glose.db import documents, layers, spans
from glose.db.edits import Editor
from glose.db.spans import SpanRow, half_overlap
from glose.errors import GloseError, UnknownDocument
from glose.plaintext import cut
from glose.vocabulary import ACCEPTED, CLAIM, CUE, DONE, ENTITY_LABELS, GOLD, REJECTED, SAID_BY


class SavedButUnread(GloseError):
    """A decision was committed, but reading the document again failed."""


@dataclass(frozen=True)
class Version:
    """One layer's version of an item."""

    layer: str
    span: SpanRow
    cue: SpanRow | None = None
    sources: tuple[SpanRow, ...] = ()

    def key(self) -> tuple:
        """What must be equal for two versions to agree."""
        def bounds(s: SpanRow | None):
            return None if s is None else (s["start"], s["end"], s["label"])

        return (bounds(self.span), self.span["attrs"].get("quote_type"), bounds(self.cue),
                tuple(sorted(bounds(s) for s in self.sources)))


@dataclass
class Item:
    kind: str
    """"claim" or "entity"."""
    versions: dict[str, Version] = field(default_factory=dict)
    decision: str | None = None
    """What gold holds for it: "accepted" or "rejected" (neither), None: undecided."""
    gold: list[int] = field(default_factory=list)
    """The gold spans that decide it (replaced by a new decision)."""

    @property
    def first(self) -> Version:
        return next(iter(self.versions.values()))

    def agreed(self, layer_names: list[str]) -> bool:
        keys = {v.key() for v in self.versions.values()}
        return len(self.versions) == len(layer_names) and len(keys) == 1

    @property
    def start(self) -> int:
        return min(v.span["start"] for v in self.versions.values())


class Adjudication:
    """The adjudication of one document: its items, and the decisions that write gold."""

    def __init__(self, db: sqlite_utils.Database, doc_id: int, layer_names: list[str], adjudicator: str):
        """``adjudicator``: who decides (their undo takes back their decisions only)."""
        document = documents.get_document(db, doc_id)
        if document is None:
            raise UnknownDocument(f"no document {doc_id}")
        self.db, self.doc_id, self.layers = db, doc_id, layer_names
        self.text = document["text"]
        self.title = document["title"]
        self.editor = Editor(db, adjudicator, doc_id, layer=GOLD)
        self.reload()

    def reload(self) -> None:
        versions: list[tuple[str, Version]] = []
        for name in self.layers:
            layer_id = layers.find_layer(self.db, name)
            if layer_id is not None:
                versions += [(name, v) for v in _versions(self.db, self.doc_id, layer_id, name)]
        versions.sort(key=lambda pair: (pair[1].span["start"], pair[1].span["end"]))
        self.items: list[Item] = []
        for name, version in versions:
            kind = "claim" if version.span["label"] == CLAIM else "entity"
            item = next((i for i in self.items if i.kind == kind and name not in i.versions
                         and _close(i.first.span, version.span)), None)
            if item is None:
                item = Item(kind)
                self.items.append(item)
            item.versions[name] = version
        gold = spans.spans_of(self.db, self.doc_id, self.editor.layer_id)
        for item in self.items:
            # A claim is decided by a gold claim, an entity by a gold entity (not by the
            # SOURCE mention a claim brought along).
            decided = [s for s in gold if _kind(s) == item.kind and any(_close(s, v.span) for v in item.versions.values())]
            item.gold = [s["id"] for s in decided]
            if decided:
                item.decision = ACCEPTED if any(s["state"] == ACCEPTED for s in decided) else REJECTED
        # Disagreements first, then in reading order.
        self.items.sort(key=lambda i: (i.agreed(self.layers), i.start))

    def agreed_undecided(self) -> list[Item]:
        return [i for i in self.items if i.decision is None and i.agreed(self.layers)]

    def next_disagreement(self, after: int) -> int | None:
        """The index of the next undecided disagreement after ``after`` (wrapping)."""
        order = list(range(after + 1, len(self.items))) + list(range(0, after + 1))
        return next((i for i in order if self.items[i].decision is None and not self.items[i].agreed(self.layers)),
                    None)

    # --- Decisions: each one Editor action ------------------------------------------

    def take(self, items: list[Item], layer_names: list[str] | None = None) -> int:
        """Put the versions of these layers (all layers: None) of the items into gold."""
        rows: list[dict] = []
        links: list[tuple[int, int, str]] = []
        replacing = [span_id for item in items for span_id in item.gold]
        for item in items:
            chosen = [v for name, v in item.versions.items() if layer_names is None or name in layer_names]
            distinct: dict[tuple, list[str]] = {}
            for version in chosen:
                distinct.setdefault(version.key(), []).append(version.layer)
            for version in (v for v in chosen if distinct[v.key()][0] == v.layer):
                origin = distinct[version.key()]
                head = _add(rows, version.span, origin)
                if version.cue is not None:
                    links.append((head, _add(rows, version.cue, origin), CUE))
                links += [(head, _add(rows, source, origin), SAID_BY) for source in version.sources]
        if not rows:
            return 0
        self.editor.take(rows, links, replacing=replacing)
        self._read_back()
        return len(rows)

    def neither(self, item: Item) -> None:
        """Decide that gold has none of the item's versions."""
        self.editor.take([_row(item.first.span, list(item.versions))], [], state=REJECTED, action="adjudicate_none",
                         replacing=item.gold)
        self._read_back()

    def undo(self) -> str | None:
        action = self.editor.undo()
        self._read_back()
        return action

    def _read_back(self) -> None:
        """Read the items again after a committed decision."""
        try:
            self.reload()
        except sqlite3.Error as exc:
            raise SavedButUnread(f"saved, but the screen could not read it back: {errors.describe(exc)}") from exc

    def finish(self) -> None:
        """Mark the document adjudicated."""
        self.editor.set_status(DONE)


def _row(span: SpanRow, origin: list[str]) -> dict:
    attrs = {k: v for k, v in span["attrs"].items() if k != "from"}
    return {"start": span["start"], "end": span["end"], "label": span["label"], "attrs": {**attrs, "from": origin}}


def _add(rows: list[dict], span: SpanRow, origin: list[str]) -> int:
    row = _row(span, origin)
    for index, existing in enumerate(rows):
        if (existing["start"], existing["end"], existing["label"]) == (row["start"], row["end"], row["label"]):
            return index
    rows.append(row)
    return len(rows) - 1


def _kind(span: SpanRow) -> str | None:
    return "claim" if span["label"] == CLAIM else "entity" if span["label"] in ENTITY_LABELS else None


def _close(a: SpanRow, b: SpanRow) -> bool:
    return half_overlap((a["start"], a["end"]), (b["start"], b["end"]))


def _versions(db, doc_id: int, layer_id: int, name: str) -> list[Version]:
    """A layer's claims (with their frames) and entities, rejected ones left out."""
    rows = {s["id"]: s for s in spans.spans_of(db, doc_id, layer_id) if s["state"] != REJECTED}
    cues: dict[int, SpanRow] = {}
    sources: dict[int, list[SpanRow]] = {}
    for relation in spans.relations_of(db, doc_id, layer_id):
        if relation["state"] == REJECTED or relation["child_id"] not in rows:
            continue
        child = rows[relation["child_id"]]
        if relation["label"] == CUE:
            cues[relation["head_id"]] = child
        elif relation["label"] == SAID_BY:
            sources.setdefault(relation["head_id"], []).append(child)
    out = []
    for span in rows.values():
        if span["label"] == CLAIM:
            out.append(Version(name, span, cues.get(span["id"]),
                               tuple(sorted(sources.get(span["id"], ()), key=lambda s: s["start"]))))
        elif span["label"] in ENTITY_LABELS:
            out.append(Version(name, span))
    return out


def describe(version: Version | None, text: str) -> str:
    """A version on one line: [LABEL] text — source · cue · quote type."""
    if version is None:
        return "—"
    span = version.span
    shown = " ".join(text[span["start"]:span["end"]].split())
    parts = [f"[{span['label']}] {cut(shown, 60)}"]
    if version.sources:
        parts.append("— " + ", ".join(" ".join(text[s["start"]:s["end"]].split()) for s in version.sources))
    if version.cue is not None:
        parts.append("· " + text[version.cue["start"]:version.cue["end"]])
    if span["attrs"].get("quote_type"):
        parts.append(f"({span['attrs']['quote_type']})")
    return " ".join(parts)
