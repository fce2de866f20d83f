"""The document list at 1,000 and at 100,000 documents, in one run (issue 13).

Generates a corpus of each size once and caches it (``$XDG_CACHE_HOME/glose-bench``,
else ``~/.cache/glose-bench``): ~300-word French texts made of the samples' sentences
and made-up names (so words do not all occur everywhere), about 10 suggested spans
each (three claim frames, their speakers tied to canonical sources of a long-tailed cast), the statuses of the annotator ``bench`` (2 % done, 1 % in progress) and of a
colleague, a few assignments and adjudications. Documents go in with the database
functions, one transaction per batch, not through the NLP importer.

Then, for each size, drives the real `GloseApp` headless with the pilot at 100x30 and
measures the CPU time of this process (``time.process_time()``, wall time beside it)

  * open:      the document list screen, pushed afresh, up to its first rows drawn;
  * down:      one down arrow (median of 50 in a row, across the list's first blocks);
  * pagedown, end, home: one key each;
  * filter:    f to my todo, then in progress, then done (each);
  * keystroke: each letter of a 4-letter search typed into the list's search box;

each the median of ``--rounds`` rounds, after the app's background check of large
files is over, garbage collected before each. It prints every figure at both sizes, the 100k / 1k ratios (target
<= 2x), the slowest keystroke (target <= 100 ms CPU) and the size of each database.
The team views of ``f`` (assigned to me, ...) are measured and printed too, outside
the targets. Wall times carry the pilot's idle waits (~20 ms steps); targets are on CPU.

    .venv/bin/python bench/scale.py [--sizes 1000 100000] [--rounds 5] [--search alep] [--cache DIR]
"""
from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import statistics
import sys
import time
from itertools import accumulate
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "samples"))

import make_long  # noqa: E402

from glose import claim_matching, source_matching  # noqa: E402
from glose.db import documents, layers, sources, spans  # noqa: E402
from glose.db.assignments import VIEWS  # noqa: E402
from glose.db.connection import open_db  # noqa: E402
from glose.db.transaction import write  # noqa: E402
from glose.textnorm import normalize, text_hash  # noqa: E402
from glose.tui.app import GloseApp  # noqa: E402
from glose.tui.document_list import DocumentListScreen  # noqa: E402
from glose.vocabulary import CLAIM, DONE, GOLD, IN_PROGRESS, SUGGESTIONS  # noqa: E402
from glose.widgets.document_table import DocumentTable  # noqa: E402

CORPUS_VERSION = 2
"""Part of the cached files' names: change it when the generator changes."""
ANNOTATOR, COLLEAGUE = "bench", "carol"
BATCH = 2_000
"""Documents per write transaction while generating."""
WORDS = 300
LABELS = ("CLAIM", "CLAIM", "CLAIM", "CUE", "CUE", "SOURCE", "PER", "PER", "ORG", "LOC")
"""The ~10 suggested spans of each document."""
FRAMES = ((0, 3, "CUE"), (0, 6, "SAID_BY"), (1, 4, "CUE"), (1, 5, "SAID_BY"), (2, 8, "SAID_BY"))
"""Their claim frames (indexes into LABELS): two claims with a cue and a person, one an organisation's."""
DOWNS = 50
RATIO_BAR, KEYSTROKE_BAR_MS = 2.0, 100.0


# -- The corpus --------------------------------------------------------------------------------


def made_up_names(rng: random.Random, count: int) -> list[str]:
    """Place and person names from French-looking syllables: the corpus's long tail of words."""
    syllables = ("ba be bi bo ca ce co da de di do fa fe fo ga ge go la le li lo ma me mi mo na ne no pa pe po "
                 "ra re ri ro sa se si so ta te ti to va ve vi ran ron lan mar mor ver vil tan ber bour char "
                 "chan gre pré tra vau fon mont ville court").split()
    names: dict[str, None] = {}
    while len(names) < count:
        names["".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))).capitalize()] = None
    return list(names)


def generate(path: Path, size: int) -> None:
    """Write a corpus of ``size`` documents to ``path`` (a new file)."""
    rng = random.Random(size)
    sentences = [normalize(s) for s in make_long.sample_sentences()]
    names = made_up_names(rng, 40_000)
    zipf = list(accumulate(1 / rank for rank in range(1, len(names) + 1)))
    db = open_db(path)
    started = time.perf_counter()
    for first in range(0, size, BATCH):
        with write(db):
            suggestions = layers.layer_id(db, SUGGESTIONS)
            for number in range(first, min(size, first + BATCH)):
                place, person, family = rng.choices(names, cum_weights=zipf, k=3)
                parts, words = [f"Dépêche {number} de {place}."], 0
                while words < WORDS:
                    sentence = rng.choice(sentences)
                    if rng.random() < 0.2:
                        sentence = f"Selon {person} {family}, {sentence[0].lower()}{sentence[1:]}"
                    parts.append(sentence)
                    words += len(sentence.split())
                text = " ".join(parts)
                title = f"{place} : {' '.join(rng.choice(sentences).split()[:8])}"
                doc = documents.insert_document(db, text=text, text_hash=text_hash(text), title=title,
                                                meta={"date": f"2016-12-{1 + number % 28:02d}"},
                                                origin="bench/scale.py", n_words=len(text.split()))
                cuts = sorted(rng.sample(range(1, len(text)), 2 * len(LABELS)))
                speaker, other, organisation = (" ".join(rng.choices(names, cum_weights=zipf, k=2)) for _ in range(3))
                canonical = {5: speaker, 6: speaker, 7: other, 8: organisation.upper()}
                spans.add_annotations(db, doc, suggestions, [
                    {"start": cuts[2 * i], "end": cuts[2 * i + 1], "label": label, "origin": "rules",
                     "canonical": canonical.get(i)} for i, label in enumerate(LABELS)],
                    [{"head": head, "child": child, "label": label} for head, child, label in FRAMES])
        print(f"  {min(size, first + BATCH):,} documents, {time.perf_counter() - started:.0f} s", flush=True)
    with write(db):
        team_at_work(db, size, rng)
    db.close()


def team_at_work(db, size: int, rng: random.Random) -> None:
    """The bench annotator's statuses (2 % done, 1 % in progress), a colleague's, 5 % of the
    documents assigned to both, 0.1 % adjudicated."""
    me, colleague, gold = (layers.annotator_id(db, name) for name in (ANNOTATOR, COLLEAGUE, GOLD))
    statuses = []
    for doc in range(1, size + 1):
        draw = rng.random()
        if draw < 0.03:
            statuses.append((doc, me, DONE if draw < 0.02 else IN_PROGRESS))
        if rng.random() < 0.02:
            statuses.append((doc, colleague, DONE))
    statuses += [(doc, gold, DONE) for doc in rng.sample(range(1, size + 1), max(1, size // 1000))]
    db.conn.executemany("INSERT INTO doc_status (doc_id, annotator_id, status) VALUES (?, ?, ?)", statuses)
    db.conn.executemany("INSERT INTO assignments (doc_id, annotator_id) VALUES (?, ?)",
                        [(doc, who) for doc in rng.sample(range(1, size + 1), size // 20) for who in (me, colleague)])


def corpus(cache: Path, size: int) -> Path:
    """The cached corpus of ``size`` documents, generated the first time."""
    path = cache / f"scale-{size}-v{CORPUS_VERSION}.db"
    if not path.exists():
        cache.mkdir(parents=True, exist_ok=True)
        print(f"generating {size:,} documents into {path} (once; cached)")
        partial = path.with_name(path.name + ".partial")
        for stale in cache.glob(partial.name + "*"):
            stale.unlink()
        generate(partial, size)
        partial.rename(path)
    return path


def megabytes(path: Path) -> float:
    return sum(p.stat().st_size for p in (path, path.with_name(path.name + "-wal")) if p.exists()) / 1e6


# -- The measurements --------------------------------------------------------------------------------


async def timed(pilot, *keys: str) -> tuple[float, float]:
    """CPU and wall seconds from pressing the keys to the app being idle again.

    Garbage is collected first: a full collection that earlier keys made due (~50-80 ms
    here, the same at any corpus size) would otherwise land on whichever key comes next."""
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    await pilot.press(*keys)
    await pilot.pause()
    return time.process_time() - cpu, time.perf_counter() - wall


async def open_list(app, pilot) -> tuple[float, float]:
    """Push the document list afresh; CPU and wall seconds until its first rows are drawn."""
    app.pop_screen()
    await pilot.pause()
    gc.collect()  # the previous screen's garbage is not this opening's cost
    cpu, wall = time.process_time(), time.perf_counter()
    app.push_screen(DocumentListScreen())
    await pilot.pause()
    while not (isinstance(app.screen, DocumentListScreen) and app.screen.query_one(DocumentTable).row_at(0)):
        await pilot.pause()
    return time.process_time() - cpu, time.perf_counter() - wall


async def one_round(app, pilot, search: str, results: dict[str, list[tuple[float, float]]]) -> None:
    def keep(name: str, figures: tuple[float, float]) -> None:
        results.setdefault(name, []).append(figures)

    keep("open", await open_list(app, pilot))
    downs = [await timed(pilot, "down") for _ in range(DOWNS)]
    keep("down", (statistics.median(c for c, _ in downs), statistics.median(w for _, w in downs)))
    for key in ("pagedown", "end", "home"):
        keep(key, await timed(pilot, key))
    for view in ("todo", "in progress", "done", *VIEWS):
        keep(f"f: {view}", await timed(pilot, "f"))
    await timed(pilot, "f")  # back to every document
    await timed(pilot, "slash")
    typed = [await timed(pilot, letter) for letter in search]
    for number, figures in enumerate(typed, 1):
        keep(f"keystroke {number}", figures)
    keep("keystroke (mean)", (statistics.mean(c for c, _ in typed), statistics.mean(w for _, w in typed)))
    await timed(pilot, "escape")


async def measure(path: Path, rounds: int, search: str) -> dict[str, tuple[float, float]]:
    """Median CPU and wall seconds of each measurement over the rounds."""
    app = GloseApp(path, annotator=ANNOTATOR)
    results: dict[str, list[tuple[float, float]]] = {}
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()  # the background check of a large file
        for _ in range(rounds):
            await one_round(app, pilot, search, results)
    return {name: (statistics.median(c for c, _ in runs), statistics.median(w for _, w in runs))
            for name, runs in results.items()}


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT MET"


TARGETS = ["open", "down", "pagedown", "end", "home", "f: todo", "f: in progress", "f: done", "keystroke (mean)"]
"""The measurements whose 100k / 1k ratio is a target."""


def report(sizes: list[int], figures: dict[int, dict[str, tuple[float, float]]], paths: dict[int, Path],
           search: str) -> None:
    small, large = sizes[0], sizes[-1]
    print(f"\nCPU ms (wall ms), median of the rounds; search typed: {search!r}")
    print(f"{'':>28}" + "".join(f"{size:>20,}" for size in sizes) + f"{'ratio':>9}  target")
    for name in figures[small]:
        cells = "".join(f"{figures[size][name][0] * 1e3:9.1f} ({figures[size][name][1] * 1e3:6.1f}) "
                        for size in sizes)
        ratio = figures[large][name][0] / figures[small][name][0]
        target = f"<= {RATIO_BAR}x: {verdict(ratio <= RATIO_BAR)}" if name in TARGETS else "(not a target)"
        print(f"{name:>28}{cells}{ratio:8.2f}x  {target}")
    slowest = {size: max(figures[size][name][0] for name in figures[size] if name.startswith("keystroke "))
               for size in sizes}
    print("\nslowest keystroke: " + ", ".join(f"{slowest[size] * 1e3:.1f} ms CPU at {size:,}" for size in sizes)
          + f" (target <= {KEYSTROKE_BAR_MS:.0f} ms: {verdict(max(slowest.values()) * 1e3 <= KEYSTROKE_BAR_MS)})")
    met = all(figures[large][n][0] / figures[small][n][0] <= RATIO_BAR for n in TARGETS)
    print(f"ratios {large:,} / {small:,} <= {RATIO_BAR}x for {', '.join(TARGETS)}: {verdict(met)}")
    for size in sizes:
        db = open_db(paths[size], access="read-only")
        counts = db.execute("SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM spans)").fetchone()
        db.close()
        print(f"database at {size:>7,} documents: {megabytes(paths[size]):8.1f} MB"
              f" ({counts[0]:,} documents, {counts[1]:,} spans) {paths[size]}")


def corpus_figures(path: Path) -> dict[str, float]:
    """CPU seconds of what the sources screen and the article's "same claim as" ask of the
    corpus (outside the targets, which are the document list's): counting every source's
    claims in the suggestions layer, one source's claims, the merge suggestions, and the
    candidates of one claim."""
    db = open_db(path, access="read-only")
    layer = layers.find_layer(db, SUGGESTIONS)
    assert layer is not None
    claim_filter = sources.ClaimFilter(layer)
    figures: dict[str, float] = {}

    def timed_call(name: str, call):
        gc.collect()
        started = time.process_time()
        result = call()
        figures[name] = time.process_time() - started
        return result

    counts = timed_call("sources: count claims", lambda: sources.claim_counts(db, claim_filter))
    top = max(counts, key=lambda source: counts[source][0])
    timed_call("sources: one source's claims", lambda: sources.claims_of(db, top, claim_filter))
    timed_call("sources: merge suggestions", lambda: source_matching.merge_suggestions(db))
    doc = db.execute("SELECT max(id) FROM documents").fetchone()[0]
    claim = next(s for s in spans.spans_of(db, doc, layer) if s["label"] == CLAIM)
    text = db.execute("SELECT substr(text, ?, ?) FROM documents WHERE id = ?",
                      [claim["start"] + 1, claim["end"] - claim["start"], doc]).fetchone()[0]
    timed_call("same claim: candidates", lambda: claim_matching.candidates(db, doc, text, [layer]))
    figures["sources"] = len(counts)
    db.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 100_000])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--search", default="alep", help="the word typed, a letter at a time (default: alep)")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "glose-bench"
    parser.add_argument("--cache", type=Path, default=default_cache, help=f"(default: {default_cache})")
    args = parser.parse_args()
    sizes = sorted(args.sizes)
    paths = {size: corpus(args.cache, size) for size in sizes}
    figures = {}
    for size in sizes:
        print(f"measuring at {size:,} documents ({args.rounds} rounds)", flush=True)
        figures[size] = asyncio.run(measure(paths[size], args.rounds, args.search))
    report(sizes, figures, paths, args.search)
    corpus_cpu = {size: corpus_figures(paths[size]) for size in sizes}
    print("\nCPU ms of the corpus views (not targets; the sources screen counts in a worker thread):")
    for name in corpus_cpu[sizes[0]]:
        if name != "sources":
            print(f"{name:>32}" + "".join(f"{corpus_cpu[size][name] * 1e3:12.1f}" for size in sizes))
    print(f"{'live canonical sources':>32}" + "".join(f"{corpus_cpu[size]['sources']:12,.0f}" for size in sizes))


if __name__ == "__main__":
    main()
