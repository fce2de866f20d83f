"""Quotation marks and sentence units, found in one linear scan of the text.

spaCy's small French model splits sentences badly around guillemets, so the
engine works on its own units: a sentence ends at ``.!?…`` followed by a capital
(or at a line break), never inside a quotation, so that « A. B », a-t-il dit
stays one unit.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

OPEN_CLOSE = {"«": "»", "“": "”", "„": "”", "‹": "›"}
CLOSERS = {"»", "”", "›"}
MARKS = set(OPEN_CLOSE) | CLOSERS | {'"'}
# Spaces French puts inside guillemets: ordinary, no-break, narrow no-break, thin.
SPACES = " \t\n\u00a0\u202f\u2009"


@dataclass(frozen=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks, ``cstart``/``cend`` do not
    (nor the spaces inside them). ``balanced`` is False when no closing mark was found."""

    start: int
    end: int
    cstart: int
    cend: int
    balanced: bool = True


def _quote(text: str, start: int, end: int, balanced: bool) -> Quote:
    cstart = start + 1
    cend = end - 1 if balanced else end
    while cstart < cend and text[cstart] in SPACES:
        cstart += 1
    while cend > cstart and text[cend - 1] in SPACES:
        cend -= 1
    return Quote(start, end, cstart, cend, balanced)


def find_quotes(text: str) -> list[Quote]:
    """Outermost quotations of ``text`` in order (nested ones are part of them).

    Unbalanced openings close at the end of their line, unless the next line
    starts with a closing mark (a quotation broken by a stray line break).
    """
    found: list[Quote] = []
    stack: list[tuple[str, int]] = []
    n = len(text)
    i = 0
    while i < n:
        ch = text[i]
        if ch in OPEN_CLOSE:
            stack.append((ch, i))
        elif ch in CLOSERS:
            for depth in range(len(stack) - 1, -1, -1):
                if OPEN_CLOSE.get(stack[depth][0]) == ch:
                    if depth == 0:
                        found.append(_quote(text, stack[0][1], i + 1, True))
                    del stack[depth:]
                    break
        elif ch == '"':
            if stack and stack[-1][0] == '"':
                if len(stack) == 1:
                    found.append(_quote(text, stack[0][1], i + 1, True))
                stack.pop()
            else:
                stack.append(('"', i))
        elif ch == "\n" and stack:
            j = i + 1
            while j < n and text[j] in " \t\u00a0\u202f":
                j += 1
            if not (j < n and text[j] in CLOSERS):
                found.append(_quote(text, stack[0][1], i, False))
                stack.clear()
        i += 1
    if stack:
        found.append(_quote(text, stack[0][1], n, False))
    return found


_ABBREV = {"m", "mm", "mme", "mmes", "mlle", "dr", "pr", "me", "st", "ste", "etc", "cf", "av", "j.-c"}


def sentence_units(text: str, quotes: list[Quote]) -> list[tuple[int, int]]:
    """Split ``text`` into (start, end) units; boundaries never fall inside a quotation."""
    inside = bytearray(len(text) + 1)
    for q in quotes:
        inside[q.start:q.end] = b"\x01" * (q.end - q.start)
    cuts: list[int] = []
    for m in re.finditer(r"\n|[.!?…]+", text):
        pos = m.end()
        if inside[m.start()]:
            continue
        if m.group() != "\n":
            j = pos
            while j < len(text) and text[j] in " \u00a0\u202f":
                j += 1
            if j < len(text) and not (text[j].isupper() or text[j] in "«“\"\n"):
                continue
            word = re.search(r"([\w.-]+)$", text[max(0, m.start() - 6):m.start()])
            if m.group() == "." and word and (
                word.group(1).lower() in _ABBREV or (len(word.group(1)) == 1 and word.group(1).isupper())
            ):
                continue
        cuts.append(pos)
    units, start = [], 0
    for cut in cuts + [len(text)]:
        s, e = start, cut
        while s < e and text[s] in SPACES:
            s += 1
        while e > s and text[e - 1] in SPACES:
            e -= 1
        if e > s:
            units.append((s, e))
        start = cut
    return units
