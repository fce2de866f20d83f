"""``glose import``: read article files, normalise, pre-annotate, store.

Reading (this module's first half) turns a file into ``Record`` objects or one
``BadFile`` reason; nothing is stored for a bad file. Storing (second half)
runs the texts through ``nlp.pipe`` in batches (in worker processes with
``--n-process``, which also compute tokens and suggestions) and writes each
file's documents, tokens and suggestions in one transaction.
"""
from __future__ import annotations

import json
import os
import sqlite3
import sys
from dataclasses import dataclass, field
from functools import cached_property, partial
from pathlib import Path
from typing import Callable, Iterable, Iterator

import sqlite_utils

from glose import brat, cas, doccano, labelstudio
from glose.db import documents, layers, spans
from glose.db.spans import NewRelation, NewSpan
from glose.db.transaction import write
from glose.errors import BadFile, describe
from glose.nlp import parse_map, tokens_of
from glose.plaintext import visible
from glose.suggest.rows import suggestions_of
from glose.textnorm import normalize, offset_mapper, one_line_name, path_text, split_header, text_hash
from glose.vocabulary import (
    ACCEPTED,
    IMPORT,
    ORIGINS,
    PENDING,
    REJECTED,
    RELATION_LABELS,
    SPAN_LABELS,
    STATES,
    SUGGESTIONS,
)

SUFFIXES = (".txt", ".md", ".jsonl")
STDIN = Path("-")
"""``glose import -``: the standard input (JSONL when it starts with ``{``, else a text)."""
# --format: the files each format reads, and how to name them in a message.
FORMATS = {
    "auto": (SUFFIXES, ".txt, .md and .jsonl"),
    "brat": ((".ann",), "brat .ann files (with their .txt)"),
    "doccano": ((".jsonl",), "doccano .jsonl files"),
    "labelstudio": ((".json",), "Label Studio .json exports"),
    "cas": ((".xmi",), "UIMA CAS .xmi files (with their TypeSystem.xml)"),
}
# The other tools' formats that are one file each: text in, Prodigy-style tasks out.
_TASK_READERS: dict[str, Callable[[Path, str], list[dict]]] = {
    "doccano": doccano.read_tasks, "labelstudio": labelstudio.read_tasks, "cas": cas.read_tasks,
}
STEP_ROWS = 2_000
"""At most this many annotations per write transaction (see ``_store_file``)."""
STALE_IMPORT_S = 300
"""A document still unfinished after this long was left by an interrupted import
(everything is computed before the first write, so storing takes seconds)."""
MAX_BYTES = 5_000_000
DEFAULT_IMPORT_LAYER = "imported"
"""The layer of a file's spans when neither --layer nor the task's _annotator_id names one."""
IMPORTED_SUGGESTIONS = "suggestions-imported"
"""Where a file's ``suggestions`` spans go when this import computes its own suggestions."""
# Keys of an imported span that are ours; any other key is kept as an attribute.
_SPAN_KEYS = {"start", "end", "label", "token_start", "token_end", "text", "state", "origin",
              "canonical", "confidence", "id"}
# Keys of a task that glose reads, or that Prodigy and glose's export write and need
# nothing kept (the hashes are recomputed on export); any other is named in a warning.
_TASK_KEYS = {"text", "meta", "spans", "relations", "answer", "_annotator_id", "tokens", "_input_hash",
              "_task_hash", "_session_id", "_view_id", "_timestamp"}


@dataclass
class Record:
    """One document read from a file, normalised, with any spans it carries."""

    text: str
    title: str
    meta: dict
    origin: str
    spans: list[NewSpan] = field(default_factory=list)
    relations: list[NewRelation] = field(default_factory=list)
    layer: str | None = None
    """The layer its spans go to when the import names none (a task's ``_annotator_id``)."""
    unknown_keys: tuple[str, ...] = ()

    @cached_property
    def hash(self) -> str:
        return text_hash(self.text)


# --- Reading -----------------------------------------------------------------


def collect_files(paths: Iterable[str | os.PathLike], *, fmt: str = "auto") -> tuple[list[Path], list[tuple[Path, str]]]:
    """Expand folders (recursively, sorted) into the files ``fmt`` reads (brat: the
    ``.ann`` files, each read with the ``.txt`` beside it); ``-`` is the standard input.

    Returns ``(files, problems)``: a named path that does not exist or a named
    file of another type is a problem; other types inside folders are skipped.
    """
    suffixes, described = FORMATS[fmt]
    files, problems = [], []
    for raw in paths:
        path = Path(raw)
        if path == STDIN and fmt != "brat":  # brat needs the .txt beside the .ann
            files.append(path)
        elif path.is_dir():
            files.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in suffixes))
        elif not path.exists():
            problems.append((path, "no such file or folder"))
        elif not path.is_file():
            problems.append((path, "not a regular file (a device, pipe or socket)"))
        elif path.suffix.lower() not in suffixes:
            problems.append((path, f"unsupported file type {path.suffix or '(none)'!r}; glose imports {described}"
                             + (" (another format: --format)" if fmt == "auto" else "")))
        else:
            files.append(path)
    return files, problems


def _read_bytes(path: Path, max_bytes: int) -> bytes:
    try:
        if path == STDIN:
            raw = sys.stdin.buffer.read(max_bytes + 1)
        else:
            with path.open("rb") as handle:
                raw = handle.read(max_bytes + 1)  # never trust st_size: /dev/zero says 0
    except OSError as exc:
        raise BadFile(f"cannot read {path.name}: {exc.strerror or exc}") from exc
    if len(raw) > max_bytes:
        raise BadFile(f"too large (over {max_bytes:,} bytes, the limit; see --max-bytes)")
    return raw


def read_file(path: Path, *, encoding: str | None = None, max_bytes: int = MAX_BYTES,
              label_map: dict[str, str] | None = None, fmt: str = "auto") -> list[Record]:
    """Read one file into records, or raise BadFile with the reason."""
    text = _decode(_read_bytes(path, max_bytes), encoding)
    origin = "stdin" if path == STDIN else path_text(path)
    try:
        if fmt == "brat":
            return [_brat_record(path, text, encoding, max_bytes, label_map)]
        if fmt in _TASK_READERS:
            tasks = _TASK_READERS[fmt](path, text)
            if not tasks:
                raise BadFile("empty: no text to import")
            return [_jsonl_record(task, origin) for task in tasks]
        suffix = (".jsonl" if text.lstrip().startswith("{") else ".txt") if path == STDIN else path.suffix.lower()
        if suffix == ".jsonl":
            return _read_jsonl(text, origin)
        meta, body = split_header(text)
        return [_text_record(body, meta, origin, markdown=suffix == ".md")]
    except BadFile:
        raise
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:  # odd input we did not foresee
        raise BadFile(f"cannot be read: {type(exc).__name__}: {exc}") from exc


def _brat_record(ann_path: Path, ann: str, encoding: str | None, max_bytes: int,
                 label_map: dict[str, str] | None) -> Record:
    """A brat .ann file with the .txt beside it: the text and its annotations."""
    text_path = ann_path.with_suffix(".txt")
    if not text_path.is_file():
        raise BadFile(f"no {text_path.name} beside it: brat annotations need their text")
    raw = _decode(_read_bytes(text_path, max_bytes), encoding)
    return _jsonl_record(brat.read_ann(raw, ann, label_map=label_map).task, path_text(ann_path))


def _decode(raw: bytes, encoding: str | None) -> str:
    if b"\x00" in raw[:8192] and not raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise BadFile("binary file (contains NUL bytes), not text")
    try:
        text = raw.decode(encoding or "utf-8-sig")
    except LookupError as exc:
        raise BadFile(f"unknown encoding {encoding!r}") from exc
    except UnicodeDecodeError as exc:
        hint = " (it starts with a UTF-16 byte-order mark: --encoding utf-16)" if raw.startswith(
            (b"\xff\xfe", b"\xfe\xff")) else ""
        raise BadFile(
            f"not valid {encoding or 'UTF-8'} (byte 0x{raw[exc.start]:02x} at offset {exc.start});"
            f" use --encoding to name the file's encoding{hint}"
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
    title = meta.get("title")
    if title is not None and not isinstance(title, str):
        raise BadFile('"meta.title" must be a string')
    title = " ".join(normalize(title).split()) if title else _title_of(text, markdown)
    return Record(text, title, {**meta, "title": title} if "title" in meta else meta, origin)


def _title_of(text: str, markdown: bool) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if markdown:
        headings = [line.lstrip("#").strip() for line in lines if line.startswith("#")]
        lines = headings + lines
    title = lines[0] if lines else "(untitled)"
    return title if len(title) <= 120 else title[:119] + "…"


def _read_jsonl(content: str, origin: str) -> list[Record]:
    records = []
    # Only "\n" ends a JSONL line: U+2028 and friends are legal inside JSON strings.
    for number, line in enumerate(content.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            records.append(_jsonl_record(json.loads(line, parse_constant=_no_constant), origin))
        except json.JSONDecodeError as exc:
            raise BadFile(f"line {number}: malformed JSON ({exc.msg} at column {exc.colno})") from exc
        except RecursionError as exc:
            raise BadFile(f"line {number}: JSON nested too deeply") from exc
        except BadFile as exc:
            raise BadFile(f"line {number}: {exc}") from exc
    if not records:
        raise BadFile("empty: no text to import")
    return records


def _no_constant(name: str):
    """JSON has no NaN or Infinity (Python's parser accepts them; nothing else does)."""
    raise BadFile(f"{name} is not a JSON number")


def _jsonl_record(obj, origin: str) -> Record:
    """A Prodigy/spaCy-style task: ``text``, ``meta``, optional ``spans``, ``relations``."""
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise BadFile('each line must be a JSON object with a "text" string')
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise BadFile('"meta" must be a JSON object')
    raw = obj["text"]
    meta = {k: v for k, v in meta.items() if k not in ("text_hash", "glose_doc_id")}
    record = _text_record(raw, meta, origin)
    record.unknown_keys = tuple(sorted(key for key in obj if key not in _TASK_KEYS))
    annotator = obj.get("_annotator_id")
    if annotator is not None:
        if not isinstance(annotator, str) or not annotator.strip() or visible(annotator) != annotator \
                or len(annotator) > 100:
            raise BadFile(f"_annotator_id must be a name (printable, 1 to 100 characters): {visible(repr(annotator))[:40]}")
        record.layer = annotator
    claimed_hash = (obj.get("meta") or {}).get("text_hash")
    if claimed_hash and claimed_hash != record.hash:
        raise BadFile("its text does not match meta.text_hash; its annotations are refused")
    # A task's answer is the default state of its spans (Prodigy: accept, reject, ignore).
    answer = obj.get("answer")
    default_state = {"accept": ACCEPTED, "reject": REJECTED}.get(answer if isinstance(answer, str) else "", PENDING)
    to_norm = offset_mapper(raw)
    found: list[NewSpan] = []
    index: dict[tuple[int, int, str, object], int] = {}

    def add_span(span) -> int:
        if not isinstance(span, dict):
            raise BadFile("a span must be a JSON object")
        start, end, label = span.get("start"), span.get("end"), span.get("label")
        if type(start) is not int or type(end) is not int or not isinstance(label, str) or not label.strip():
            raise BadFile(f"a span needs integer start and end and a label string: {json.dumps(span)[:80]}")
        if label not in SPAN_LABELS:
            raise BadFile(f"unknown span label {visible(label)!r} (glose knows {', '.join(SPAN_LABELS)})")
        if not 0 <= start < end <= len(raw):
            raise BadFile(f"span {start}-{end} lies outside the text (length {len(raw)})")
        if "text" in span and span["text"] != raw[start:end]:
            raise BadFile(f"span {start}-{end} says {span['text']!r} but the text there is {raw[start:end]!r}")
        new_start, new_end = to_norm(start), to_norm(end)
        if record.text[new_start:new_end] != normalize(raw[start:end]):
            raise BadFile(f"span {start}-{end} cuts through a character that normalisation changes "
                          "(a CRLF or a combining accent)")
        state = span.get("state", default_state)
        if state not in STATES:
            raise BadFile(f"unknown span state {state!r}")
        confidence, canonical = span.get("confidence"), span.get("canonical")
        if confidence is not None and (type(confidence) not in (int, float) or not 0 <= confidence <= 1):
            raise BadFile(f"span confidence must be a number from 0 to 1: {visible(repr(confidence))[:40]}")
        if canonical is not None and (not isinstance(canonical, str) or not one_line_name(canonical)):
            raise BadFile(f"span canonical must be a name (a string): {visible(repr(canonical))[:80]}")
        key = (start, end, label, span.get("part_of"))  # a piece of a discontinuous span stays its own
        if key not in index:
            index[key] = len(found)
            found.append({
                "start": new_start, "end": new_end, "label": label, "state": state, "origin": _origin(span),
                "canonical": one_line_name(canonical) if canonical else None, "confidence": confidence,
                "attrs": {k: v for k, v in span.items() if k not in _SPAN_KEYS},
            })
        return index[key]

    for span in obj.get("spans") or []:
        add_span(span)
    relations: list[NewRelation] = []
    for rel in obj.get("relations") or []:
        if not isinstance(rel, dict) or not isinstance(rel.get("head_span"), dict) \
                or not isinstance(rel.get("child_span"), dict):
            raise BadFile("a relation needs head_span and child_span objects")
        if rel.get("label") not in RELATION_LABELS:
            raise BadFile(f"unknown relation label {visible(repr(rel.get('label')))[:40]}"
                          f" (glose knows {', '.join(RELATION_LABELS)})")
        state = rel.get("state", default_state)
        if state not in STATES:
            raise BadFile(f"unknown relation state {state!r}")
        relations.append({"head": add_span(rel["head_span"]), "child": add_span(rel["child_span"]),
                          "label": rel["label"], "state": state, "origin": _origin(rel)})
    record.spans, record.relations = found, relations
    return record


def _origin(item: dict) -> str:
    """Where an item came from, as the file says (a round trip keeps it), else import."""
    origin = item.get("origin")
    return origin if origin in ORIGINS else IMPORT


# --- Storing -----------------------------------------------------------------


@dataclass
class Report:
    """What an import did, file by file."""

    imported: list[tuple[str, int]] = field(default_factory=list)  # (origin, doc id)
    # (origin, existing doc id or None when the text came earlier in this run, what happened)
    duplicates: list[tuple[str, int | None, str]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, reason)
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path, what was ignored)
    words: int = 0


Progress = Callable[[int, int, int], None]  # (bytes read, documents stored, words stored)


@dataclass
class _FileJob:
    """One file on its way in: new texts to parse, and texts already stored."""

    path: Path
    new: list[Record]
    known: list[tuple[Record, int | None]]
    parsed: list[_Parsed] = field(default_factory=list)


@dataclass
class _Parsed:
    """What storing needs of a parsed text, computed where it was parsed (a worker
    process with ``--n-process``): small to send back, nothing left for the parent."""

    tokens: tuple[str, str, str, str]
    n_words: int
    suggestions: spans.Batch | None


def _prepare(doc, *, tokenizer_name: str, with_suggestions: bool, model=None) -> _Parsed:
    tokens, n_words = tokens_of(doc, tokenizer_name)
    return _Parsed(documents.tokens_row(tokens), n_words,
                   spans.batch(*suggestions_of(doc, model)) if with_suggestions else None)


def import_paths(
    db: sqlite_utils.Database,
    paths: Iterable[str | os.PathLike],
    *,
    nlp=None,
    tokenizer_name: str = "blank:fr",
    layer: str | None = None,
    batch_size: int = 64,
    n_process: int | str = 1,
    encoding: str | None = None,
    max_bytes: int = MAX_BYTES,
    on_progress: Progress | None = None,
    fmt: str = "auto",
    label_map: dict[str, str] | None = None,
    model=None,
) -> Report:
    """Import files and folders; each file is one transaction (all or nothing).

    ``model``: a pipeline from ``glose train`` whose spans join the suggestions (origin MODEL).

    ``n_process``: a number or ``auto`` (see ``glose.nlp.parse_map``: worker processes
    parse, and compute tokens and suggestions, only when there is enough to share).

    ``nlp`` is a loaded pipeline (entities, sentences and claim suggestions go
    into the layer ``suggestions``) or a bare tokenizer pipeline for --no-nlp.
    A text already stored is not parsed again, but spans it carries still go
    into their layer (that is how annotations come back from other tools): ``layer``,
    else the task's ``_annotator_id``, else ``imported``.
    """
    report = Report()
    deferred: list[_FileJob] = []
    files, problems = collect_files(paths, fmt=fmt)
    report.failed.extend((str(path), reason) for path, reason in problems)
    progress = _Counter(on_progress)
    pending: dict[int, _FileJob] = {}
    with_suggestions = nlp.has_pipe("ner")
    store = partial(_store_file, db, layer=layer, with_suggestions=with_suggestions, report=report,
                    progress=progress)
    prepare = partial(_prepare, tokenizer_name=tokenizer_name, with_suggestions=with_suggestions, model=model)

    def texts() -> Iterator[tuple[str, tuple[int, int]]]:
        seen: set[str] = set()
        for file_index, path in enumerate(files):
            try:
                records = read_file(path, encoding=encoding, max_bytes=max_bytes, label_map=label_map, fmt=fmt)
            except BadFile as exc:
                report.failed.append((str(path), str(exc)))
                progress.read(path)
                continue
            job = _FileJob(path, [], [])
            for record in records:
                existing = documents.find_by_hash(db, record.hash)
                busy = None if existing is not None or record.hash in seen else _clear_unfinished(db, record)
                if busy:
                    report.duplicates.append((record.origin, None, busy))
                elif existing is not None or record.hash in seen:
                    job.known.append((record, existing))
                else:
                    seen.add(record.hash)
                    job.new.append(record)
            progress.read(path)
            unknown = sorted({key for record in records for key in record.unknown_keys})
            if unknown:
                report.warnings.append((str(path), f"keys glose does not read were ignored: {', '.join(unknown)}"))
            if not job.new:  # nothing to parse: store it now, or after the files whose texts it repeats
                if any(doc is None for _, doc in job.known):
                    deferred.append(job)
                else:
                    store(job)
                continue
            pending[file_index] = job
            for record_index, record in enumerate(job.new):
                yield record.text, (file_index, record_index)

    for parsed, (file_index, _) in parse_map(nlp, texts(), prepare, batch_size=batch_size, n_process=n_process):
        job = pending[file_index]
        job.parsed.append(parsed)
        if len(job.parsed) == len(job.new):
            del pending[file_index]
            store(job)
    for job in deferred:
        store(job)
    return report


@dataclass
class _Ready:
    """A new document with everything computed, waiting only to be inserted."""

    record: Record
    tokens: tuple[str, str, str, str]
    n_words: int
    suggestions: spans.Batch | None
    own: spans.Batch | None


def _store_file(db, job: _FileJob, *, layer: str | None, with_suggestions: bool,
                report: Report, progress: "_Counter") -> None:
    """Store one file, all or nothing: its new documents, and spans for known ones.

    Tokens, suggestions and their JSON are computed first: the write lock is
    held only for the inserts. A file that brings more than ``STEP_ROWS``
    annotations (a very long article) is written in several short transactions
    while its documents stay hidden, then shown in one last transaction; so an
    annotator's edit beside an import waits milliseconds, never seconds.
    """
    def layer_of(record: Record) -> str:
        name = layer or record.layer or DEFAULT_IMPORT_LAYER
        # The machine's layer gets this import's own suggestions: the file's stay apart.
        return IMPORTED_SUGGESTIONS if name == SUGGESTIONS and with_suggestions and job.new else name

    ready = [_Ready(record, parsed.tokens, parsed.n_words, parsed.suggestions,
                    spans.batch(record.spans, record.relations) if record.spans else None)
             for record, parsed in zip(job.new, job.parsed, strict=True)]
    in_steps = sum(len(item.suggestions or ()) + len(item.own or ()) for item in ready) > STEP_ROWS
    try:
        with write(db):
            suggestions = layers.layer_id(db, SUGGESTIONS) if with_suggestions and job.new else None
            targets = {name: layers.layer_id(db, name)
                       for name in {layer_of(r) for r in job.new + [r for r, _ in job.known] if r.spans}}
            known = list(job.known)
            placed = []
            for item in ready:
                existing = documents.find_by_hash(db, item.record.hash)
                if existing is not None:  # stored by another process since we looked
                    known.append((item.record, existing))
                    continue
                doc_id = documents.insert_document(
                    db, text=item.record.text, text_hash=item.record.hash, title=item.record.title,
                    meta=item.record.meta, origin=item.record.origin, n_words=item.n_words, complete=not in_steps)
                documents.store_tokens(db, doc_id, item.tokens)
                placed.append((item, doc_id))
                if not in_steps:
                    _add_rows(db, doc_id, suggestions, item.suggestions, targets.get(layer_of(item.record)), item.own,
                              step=None)
            if not in_steps:
                outcomes = [_add_to_known(db, record, doc_id, targets, layer_of(record)) for record, doc_id in known]
        if in_steps:
            for item, doc_id in placed:
                _add_rows(db, doc_id, suggestions, item.suggestions, targets.get(layer_of(item.record)), item.own,
                          step=STEP_ROWS)
            with write(db):
                documents.mark_complete(db, [doc_id for _, doc_id in placed])
                outcomes = [_add_to_known(db, record, doc_id, targets, layer_of(record)) for record, doc_id in known]
    except sqlite3.Error as exc:  # disk full, a lock held too long, a constraint: this file only
        report.failed.append((str(job.path), f"could not be stored: {describe(exc)}"))
    else:
        words = sum(item.n_words for item, _ in placed)
        report.imported += [(item.record.origin, doc_id) for item, doc_id in placed]
        for (record, _), (found, what, failed) in zip(known, outcomes, strict=True):
            if failed:
                report.failed.append((record.origin, what))
            else:
                report.duplicates.append((record.origin, found, what))
        report.words += words
        progress.stored(len(placed), words)


def _add_rows(db, doc_id: int, suggestions: int | None, suggested: spans.Batch | None,
              target: int | None, own: spans.Batch | None, *, step: int | None) -> None:
    """A new document's suggestions and its own spans: in the caller's transaction,
    or (``step``) in transactions of their own."""
    for layer_id, rows in ((suggestions, suggested), (target, own)):
        if rows is None or layer_id is None:
            continue
        if step is None:
            spans.add_annotations(db, doc_id, layer_id, rows)
        else:
            spans.add_in_steps(db, doc_id, layer_id, rows, step=step)


def _clear_unfinished(db, record: Record) -> str | None:
    """An earlier import of this text that never finished: remove it if it was
    interrupted (so the text imports anew); say so if another import is at it now."""
    unfinished = documents.find_unfinished(db, record.hash)
    if unfinished is None:
        return None
    doc_id, age = unfinished
    if age < STALE_IMPORT_S:
        return "being imported by another glose process right now; import it again later if it does not appear"
    while True:
        with write(db):
            if documents.delete_unfinished(db, doc_id, step=STEP_ROWS):
                return None


def _add_to_known(db, record: Record, doc_id: int | None, targets: dict[str, int],
                  layer: str) -> tuple[int | None, str, bool]:
    """Put a known text's spans into their layer, unless that would duplicate them:
    (the document, what happened, whether spans were refused)."""
    seen = "already imported" if doc_id else "same text as earlier in this run"
    doc_id = doc_id or documents.find_by_hash(db, record.hash)  # stored earlier in this run
    if doc_id is None:
        what = "same text as an earlier file of this run, which was not stored"
        return None, what + ("; its spans were not imported" if record.spans else ""), bool(record.spans)
    if not record.spans:
        return doc_id, seen, False
    target = targets[layer]
    if spans.spans_of(db, doc_id, target):
        return doc_id, (f"document {doc_id} already has annotations in layer {visible(layer)!r}: this file's"
                        f" {len(record.spans)} spans were not imported (import them with --layer NAME, or remove"
                        " the layer's with glose layers rm)"), True
    spans.add_annotations(db, doc_id, target, record.spans, record.relations)
    return doc_id, f"{seen}; its {len(record.spans)} spans added to layer {visible(layer)!r}", False


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
