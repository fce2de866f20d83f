"""Claims of other documents that say nearly the same as a claim: candidates for "the
same claim as…" (issue 13), best first, each with a score and why.

Two steps, so that it costs about the same on 100,000 documents as on two:

1. Narrow with the documents' full-text index: the documents holding most of the
   claim's most distinctive words (its longest ones, as stems: "atrocités" looks for
   "atroc*"). First those holding all of the ``POOL`` longest but one, then relaxing a
   word at a time while too few documents came; at most ``MAX_DOCUMENTS`` are read.
2. Compare the claims found there (suggestions, gold and the annotator's layer; not
   rejected; one per stretch) with the claim by their content words: the share of the
   two claims' word stems they have in common (a Dice coefficient, 0-100), two stems
   being the same when rapidfuzz finds them alike (a typo, an inflection past the stem).
   Function words and short words say nothing of a claim and are left out.

Why Dice on stems and not ``fuzz.token_set_ratio`` on the whole text: a short claim
whose few words all occur in a long one scores 100 there ("La bataille d'Alep touche
à sa fin" inside a long quote that mentions the battle), and articles share many
small words. ``THRESHOLD`` is checked on the samples by tests/test_claim_links.py: the
second article's Ban Ki-moon claim scores 53 against the first's, the battle "touche à
sa fin" 100; the best other pair of the two articles 38 (two different sentences of
the Secretary-General's spokesman), the next 35.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import combinations

import sqlite_utils
from rapidfuzz import fuzz, process

from glose.db import claim_links
from glose.db.spans import half_overlap

THRESHOLD = 45.0
"""The least score of a candidate (see the module's docstring)."""
POOL = 5
"""How many of the claim's longest words the full-text search starts from."""
MAX_DOCUMENTS = 200
"""At most this many other documents are read and compared."""
STEM = 5
"""Words are compared by their first letters (French inflects at the end)."""
PREFIX = 4
"""The full-text index searches stems by their first four letters: it keeps an index
of prefixes up to that length (migration 8), so such a search reads no word list."""
ALIKE = 80
"""Two stems are the same word at this rapidfuzz ratio (one letter of five differs)."""

_WORD = re.compile(r"[^\W_]+")
_FUNCTION_WORDS = frozenset("""
    alors aussi autre autres avait avaient avec avoir avons cela celle celles celui cette comme contre
    dans depuis donc dont elle elles encore entre est etaient etait etre fait leur leurs lors
    mais meme nous notre ont pour plus quand quel quelle quelles quels sans selon sera seront
    ses son sont sous suis tous tout toute toutes tres vers votre vous
    """.split())
"""Words of four letters or more (accents aside) that say nothing of what a claim is about."""


@dataclass(frozen=True)
class Candidate:
    """A claim of another document that may be the same claim."""

    doc_id: int
    start: int
    end: int
    text: str
    title: str
    date: str | None
    score: float
    """0-100: the share of content words the two claims have in common."""
    why: str
    """The words in common, as a reader would say it."""


def _folded(text: str) -> str:
    text = unicodedata.normalize("NFD", text.casefold())
    return "".join(char for char in text if not unicodedata.combining(char))


def content_words(text: str) -> dict[str, str]:
    """The words of a claim that say what it is about: {stem: the word as written},
    without case, accents, quotes and function words."""
    words: dict[str, str] = {}
    for match in _WORD.finditer(text):
        folded = _folded(match.group())
        if len(folded) >= 4 and folded not in _FUNCTION_WORDS and not folded.isdigit():
            words.setdefault(folded[:STEM], match.group())
    return words


def score(mine: dict[str, str], theirs: dict[str, str]) -> tuple[float, list[str]]:
    """(Dice coefficient of two claims' content stems, 0-100; my words they share)."""
    if not mine or not theirs:
        return 0.0, []
    shared = [word for stem, word in mine.items() if stem in theirs]
    best = 200 * (len(shared) + (len(mine) - len(shared))) / (len(mine) + len(theirs))
    if best >= THRESHOLD:  # only then is it worth looking for stems alike but not the same
        rest = [stem for stem in theirs if stem not in mine]
        shared += [word for stem, word in mine.items() if stem not in theirs and rest
                   and process.extractOne(stem, rest, scorer=fuzz.ratio, score_cutoff=ALIKE)]
    return 200 * len(shared) / (len(mine) + len(theirs)), shared


def search_levels(words: dict[str, str]) -> list[str]:
    """Full-text queries from the strictest to the loosest: documents holding all but one
    of the ``POOL`` longest stems, then all but two, … down to two of them (one for a
    claim of one word). Each stem is quoted: claim text is never FTS5 syntax."""
    pool = sorted(words, key=lambda stem: (-len(words[stem]), stem))[:POOL]
    sizes = range(max(2, len(pool) - 1), 1, -1) if len(pool) > 1 else range(len(pool), 0, -1)
    levels = []
    for size in sizes:
        groups = [" ".join(f'"{stem[:PREFIX]}"*' for stem in group) for group in combinations(pool, size)]
        levels.append(" OR ".join(f"({group})" for group in groups))
    return levels


def candidates(db: sqlite_utils.Database, doc_id: int, text: str, layer_ids: list[int], *,
               limit: int = 9) -> list[Candidate]:
    """The claims of other documents (in these layers) that say nearly what ``text`` (a
    claim of ``doc_id``) says: at least ``THRESHOLD``, best first, at most ``limit``."""
    mine = content_words(text)
    doc_ids: list[int] = []
    for match in search_levels(mine):
        if len(doc_ids) >= MAX_DOCUMENTS:
            break
        for other in claim_links.other_documents(db, match, excluding=doc_id, limit=MAX_DOCUMENTS):
            if other not in doc_ids and len(doc_ids) < MAX_DOCUMENTS:
                doc_ids.append(other)
    best: list[Candidate] = []
    for claim in claim_links.claims_in(db, doc_ids, layer_ids):
        value, shared = score(mine, content_words(claim["text"]))
        if value < THRESHOLD:
            continue
        found = Candidate(claim["doc_id"], claim["start"], claim["end"], claim["text"], claim["title"],
                          claim["date"], round(value, 1), f"{len(shared)} words in common: {', '.join(shared)}")
        same = [c for c in best if c.doc_id == found.doc_id
                and half_overlap((c.start, c.end), (found.start, found.end))]
        if same and same[0].score >= found.score:
            continue  # one candidate per stretch (the suggestion and its copy in a layer)
        best = [c for c in best if c not in same] + [found]
    best.sort(key=lambda c: (-c.score, c.doc_id, c.start))
    return best[:limit]
