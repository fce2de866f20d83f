"""``glose import``: read article files, normalise, pre-annotate, store.

Reading (this module's first half) turns a file into ``Record`` objects or one
``BadFile`` reason; nothing is stored for a bad file. Storing (second half)
runs the texts through ``nlp.pipe`` in batches and writes each file's
documents, tokens and suggestions in one transaction.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlite_utils

from app.preannotate import suggestions_of, tokens_of
from app.textnorm import normalize, offset_mapper, split_header, text_hash
from db import annotations, documents, layers
from db.transaction import write

SUFFIXES = (".txt", ".md", ".jsonl")
MAX_BYTES = 5_000_000
DEFAULT_IMPORT_LAYER = "imported"
# Keys of an imported span that are ours; any other key is kept as an attribute.
_SPAN_KEYS = {"start", "end", "label", "token_start", "token_end", "text", "state", "origin",
              "canonical", "confidence", "id"}


class BadFile(Exception):
    """A file that cannot be imported; the message says why (one line)."""


@dataclass
class Record:
    """One document read from a file, normalised, with any spans it carries."""

    text: str
    title: str
    meta: dict
    origin: str
    spans: list[dict] = field(default_factory=list)
    relations: list[dict] = field(default_factory=list)

    @property
    def hash(self) -> str:
        return text_hash(self.text)


# --- Reading -----------------------------------------------------------------


def collect_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders (recursively, sorted) into importable files.

    Returns ``(files, problems)``: a named path that does not exist or a named
    file of another type is a problem; other types inside folders are skipped.
    """
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES))
        elif not path.exists():
            problems.append((path, "no such file or folder"))
        elif path.suffix.lower() not in SUFFIXES:
            problems.append((path, f"unsupported file type {path.suffix or '(none)'!r}; glose imports .txt, .md and .jsonl"))
        else:
            files.append(path)
    return files, problems


def read_file(path: Path, *, encoding: str | None = None, max_bytes: int = MAX_BYTES) -> list[Record]:
    """Read one file into records, or raise BadFile with the reason."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise BadFile(f"too large ({size:,} bytes; the limit is {max_bytes:,}, see --max-bytes)")
        raw = path.read_bytes()
    except OSError as exc:
        raise BadFile(f"cannot read: {exc.strerror or exc}") from exc
    text = _decode(raw, encoding)
    if path.suffix.lower() == ".jsonl":
        return _read_jsonl(text, str(path))
    meta, body = split_header(text)
    return [_text_record(body, meta, str(path), markdown=path.suffix.lower() == ".md")]


def _decode(raw: bytes, encoding: str | None) -> str:
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("binary file (contains NUL bytes), not text")
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except LookupError as exc:
        raise BadFile(f"unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        raise BadFile(
            f"not valid {encoding or 'UTF-8'} (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            " use --encoding to name the file's encoding"
        ) from exc
    if "\x00" in text:
        raise BadFile("binary file (contains NUL characters), not text")
    if not text.strip():
        raise BadFile("empty: no text to import")
    return text


def _text_record(raw: str, meta: dict, origin: str, *, markdown: bool = False) -> Record:
    text = normalize(raw)
    if not text.strip():
        raise BadFile("empty: no text to import")
    return Record(text, meta.get("title") or _title_of(text, markdown), meta, origin)


def _title_of(text: str, markdown: bool) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if markdown:
        headings = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
        lines = headings + lines
    title = lines[0] if lines else "(untitled)"
    return title if len(title) <= 120 else title[:119] + "…"


def _read_jsonl(content: str, origin: str) -> list[Record]:
    records = []
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            records.append(_jsonl_record(json.loads(line), origin))
        except json.JSONDecodeError as exc:
            raise BadFile(f"line {number}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
        except BadFile as exc:
            raise BadFile(f"line {number}: {exc}") from exc
    if not records:
        raise BadFile("empty: no text to import")
    return records


def _jsonl_record(obj, origin: str) -> Record:
    """A Prodigy/spaCy-style task: ``text``, ``meta``, optional ``spans``, ``relations``."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise BadFile('each line must be a JSON object with a "text" string')
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadFile('"meta" must be a JSON object')
    raw = obj["text"]
    record = _text_record(raw, dict(meta), origin)
    claimed_hash = meta.get("text_hash")
    if claimed_hash and claimed_hash != record.hash:
        raise BadFile("its text does not match meta.text_hash; its annotations are refused")
    record.meta.pop("text_hash", None)
    to_norm = offset_mapper(raw)
    spans, index = [], {}

    def add_span(span) -> int:
        if not isinstance(span, dict):
            raise BadFile("a span must be a JSON object")
        try:
            start, end, label = int(span["start"]), int(span["end"]), str(span["label"])
        except (KeyError, TypeError, ValueError) as exc:
            raise BadFile(f"a span needs integer start, end and a label: {json.dumps(span)[:80]}") from exc
        if not 0 <= start < end <= len(raw):
            raise BadFile(f"span {start}-{end} lies outside the text (length {len(raw)})")
        if "text" in span and span["text"] != raw[start:end]:
            raise BadFile(f"span {start}-{end} says {span['text']!r} but the text there is {raw[start:end]!r}")
        key = (start, end, label)
        if key not in index:
            index[key] = len(spans)
            spans.append({
                "start": to_norm(start), "end": to_norm(end), "label": label,
                "state": span.get("state", "accepted" if obj.get("answer") == "accept" else "pending"),
                "origin": "import", "canonical": span.get("canonical"),
                "confidence": span.get("confidence"),
                "attrs": {k: v for k, v in span.items() if k not in _SPAN_KEYS},
            })
        return index[key]

    for span in obj.get("spans") or []:
        add_span(span)
    relations = []
    for rel in obj.get("relations") or []:
        if not isinstance(rel, dict) or "head_span" not in rel or "child_span" not in rel:
            raise BadFile("a relation needs head_span and child_span objects")
        if rel.get("label") not in ("SAID_BY", "CUE"):
            raise BadFile(f"unknown relation label {rel.get('label')!r} (glose knows SAID_BY and CUE)")
        relations.append({"head": add_span(rel["head_span"]), "child": add_span(rel["child_span"]),
                          "label": rel["label"], "origin": "import"})
    for span in spans:
        if span["state"] not in ("pending", "accepted", "rejected"):
            raise BadFile(f"unknown span state {span['state']!r}")
    record.spans, record.relations = spans, relations
    return record


# --- Storing -----------------------------------------------------------------


@dataclass
class Report:
    """What an import did, file by file."""

    imported: list[tuple[str, int]] = field(default_factory=list)  # (origin, doc id)
    duplicates: list[tuple[str, int]] = field(default_factory=list)  # (origin, existing id)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    words: int = 0


Progress = Callable[[int, int, int], None]  # (bytes read, documents stored, words stored)


def import_paths(
    db: sqlite_utils.Database,
    paths: Iterable[str | os.PathLike],
    *,
    nlp=None,
    tokenizer_name: str = "blank:fr",
    layer: str = DEFAULT_IMPORT_LAYER,
    batch_size: int = 64,
    n_process: int = 1,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_progress: Progress | None = None,
) -> Report:
    """Import files and folders; each file is one transaction (all or nothing).

    ``nlp`` is a loaded pipeline (entities, sentences and claim suggestions go
    into the layer ``suggestions``) or a bare tokenizer pipeline for --no-nlp.
    """
    report = Report()
    files, problems = collect_files(paths)
    report.failed.extend((str(path), reason) for path, reason in problems)
    progress = _Counter(on_progress)
    pending: dict[int, tuple[Path, list[Record], list]] = {}  # file index -> docs parsed so far

    def texts() -> Iterator[tuple[str, tuple[int, int]]]:
        seen: set[str] = set()
        for file_index, path in enumerate(files):
            try:
                records = read_file(path, encoding=encoding, max_bytes=max_bytes)
            except BadFile as exc:
                report.failed.append((str(path), str(exc)))
                progress.read(path)
                continue
            fresh = []
            for record in records:
                existing = documents.find_by_hash(db, record.hash)
                if existing is not None or record.hash in seen:
                    report.duplicates.append((record.origin, existing or 0))
                else:
                    seen.add(record.hash)
                    fresh.append(record)
            progress.read(path)
            if fresh:
                pending[file_index] = (path, fresh, [])
                for record_index, record in enumerate(fresh):
                    yield record.text, (file_index, record_index)

    for doc, (file_index, record_index) in nlp.pipe(
        texts(), as_tuples=True, batch_size=batch_size, n_process=n_process
    ):
        path, records, docs = pending[file_index]
        docs.append(doc)
        if len(docs) == len(records):
            del pending[file_index]
            try:
                words = _store_file(db, records, docs, layer=layer, tokenizer_name=tokenizer_name,
                                    with_suggestions=nlp.has_pipe("ner"), report=report)
            except Exception as exc:  # a constraint the reader did not foresee: fail this file only
                report.failed.append((str(path), f"could not be stored: {exc}"))
                words = 0
            progress.stored(len(docs), words)
    return report


def _store_file(db, records: list[Record], docs: list, *, layer: str, tokenizer_name: str,
                with_suggestions: bool, report: Report) -> int:
    """Store one file's documents in one transaction; return the words stored."""
    stored = []
    with write(db):
        suggestions = layers.layer_id(db, layers.SUGGESTIONS) if with_suggestions else None
        target = layers.layer_id(db, layer) if any(r.spans for r in records) else None
        for record, doc in zip(records, docs):
            tokens, n_words = tokens_of(doc, tokenizer_name)
            doc_id = documents.insert_document(
                db, text=record.text, text_hash=record.hash, title=record.title,
                meta=record.meta, origin=record.origin, n_words=n_words,
            )
            documents.store_tokens(db, doc_id, tokens)
            if suggestions is not None:
                spans, relations = suggestions_of(doc)
                annotations.add_annotations(db, doc_id, suggestions, spans, relations)
            if target is not None and record.spans:
                annotations.add_annotations(db, doc_id, target, record.spans, record.relations)
            stored.append((record.origin, doc_id, n_words))
    for origin, doc_id, _ in stored:
        report.imported.append((origin, doc_id))
    words = sum(n_words for _, _, n_words in stored)
    report.words += words
    return words


class _Counter:
    """Feeds the progress callback: bytes read, documents and words stored."""

    def __init__(self, callback: Progress | None):
        self.callback = callback
        self.bytes = self.docs = self.words = 0

    def read(self, path: Path) -> None:
        try:
            self.bytes += path.stat().st_size
        except OSError:
            pass
        self._emit()

    def stored(self, docs: int, words: int) -> None:
        self.docs += docs
        self.words += words
        self._emit()

    def _emit(self) -> None:
        if self.callback:
            self.callback(self.bytes, self.docs, self.words)
