"""Key-press cost of `ArticleView` on a 1,000-word and a 100,000-word article.

Drives a harness app with the pilot at 80x24: caret moves by character, word and
line, selection changes, and `set_highlights` with one highlight changed. For each
size it prints the open time and the median / p95 cost per key, as CPU time
(`time.process_time()` around press + pause) and wall time (which has a ~80 ms
floor from the pilot's idle waits), then the 100k / 1k ratio. The bar: the
100k-word median within 1.5 x the 1k-word one.

    .venv/bin/python bench/article_view_latency.py [--rounds N]
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual.app import App, ComposeResult  # noqa: E402

from glose.vocabulary import SPAN_LABELS as LABELS
from glose.widgets.article_view import ArticleView  # noqa: E402
from glose.widgets.data import Highlight  # noqa: E402

WORDS = (
    "le la les des une un dans pour sur avec selon a déclaré affirmé estime ville "
    "gouvernement syrien forces rebelles civils Alep Damas Nations unies secrétaire "
    "général porte-parole d’après l’ONU « » été victimes atrocités offensive régime "
    "observatoire droits l’homme humanitaires Russie Iran lundi décembre mardi"
).split()
KEYS = ["right", "ctrl+right", "down", "shift+right", "ctrl+shift+right", "left", "up", "escape"]


def article(words: int, seed: int = 4) -> tuple[str, list[Highlight]]:
    """A French-like text of `words` words in paragraphs, ~1 highlight per 10 words."""
    rng = random.Random(seed)
    pieces: list[str] = []
    highlights: list[Highlight] = []
    offset = 0
    for index in range(words):
        word = rng.choice(WORDS)
        if index % 10 == 0:
            label = rng.choice(LABELS)
            highlights.append(Highlight(len(highlights), offset, offset + len(word), label))
        separator = "\n\n" if index % 90 == 89 else " "
        pieces.append(word + separator)
        offset += len(word) + len(separator)
    return "".join(pieces), highlights


class Bench(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleView()


def summary(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


async def measure(words: int, rounds: int) -> dict[str, float]:
    text, highlights = article(words)
    app = Bench()
    async with app.run_test(size=(80, 24)) as pilot:
        view = app.query_one(ArticleView)
        view.focus()
        await pilot.pause()
        cpu, wall = time.process_time(), time.perf_counter()
        view.set_document(text, highlights)
        await pilot.pause()
        open_cpu, open_wall = time.process_time() - cpu, time.perf_counter() - wall
        view.move_caret(len(text) // 2)
        await pilot.pause()
        cpu_samples: list[float] = []
        wall_samples: list[float] = []
        middle = len(highlights) // 2
        for round_ in range(rounds):
            for key in KEYS:
                cpu, wall = time.process_time(), time.perf_counter()
                await pilot.press(key)
                await pilot.pause()
                cpu_samples.append(time.process_time() - cpu)
                wall_samples.append(time.perf_counter() - wall)
            changed = highlights[middle + round_ % 20]
            state = ("accepted", "rejected", "pending")[round_ % 3]
            highlights[middle + round_ % 20] = Highlight(changed.id, changed.start, changed.end, changed.label, state)
            cpu, wall = time.process_time(), time.perf_counter()
            view.set_highlights(highlights)
            await pilot.pause()
            cpu_samples.append(time.process_time() - cpu)
            wall_samples.append(time.perf_counter() - wall)
    cpu_median, cpu_p95 = summary(cpu_samples)
    wall_median, wall_p95 = summary(wall_samples)
    return {
        "open_cpu": open_cpu,
        "open_wall": open_wall,
        "cpu_median": cpu_median,
        "cpu_p95": cpu_p95,
        "wall_median": wall_median,
        "wall_p95": wall_p95,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=25, help="rounds of 9 actions per size")
    rounds = parser.parse_args().rounds
    results = {words: await measure(words, rounds) for words in (1_000, 100_000)}
    print(f"{'words':>8} {'open cpu':>9} {'open wall':>9} {'cpu med':>8} {'cpu p95':>8} {'wall med':>8} {'wall p95':>8}  (ms)")
    for words, r in results.items():
        print(
            f"{words:>8} {r['open_cpu'] * 1e3:9.1f} {r['open_wall'] * 1e3:9.1f} {r['cpu_median'] * 1e3:8.2f}"
            f" {r['cpu_p95'] * 1e3:8.2f} {r['wall_median'] * 1e3:8.2f} {r['wall_p95'] * 1e3:8.2f}"
        )
    small, large = results[1_000], results[100_000]
    ratio = large["cpu_median"] / small["cpu_median"]
    print(f"ratio 100k/1k: cpu median {ratio:.2f}x, wall median {large['wall_median'] / small['wall_median']:.2f}x")
    print("bar (100k median within 1.5x of 1k):", "met" if ratio <= 1.5 else "NOT met")


if __name__ == "__main__":
    asyncio.run(main())
