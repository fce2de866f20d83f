"""Merge suggestions among canonical sources: names that are probably the same speaker.

Three reasons, accents and case ignored, titles (M., Mme, le président…) left out:

- ``same name``: "M. Stéphane Dujarric" / "Stéphane Dujarric";
- ``surname``: a surname alone against a full name, "M. Dujarric" / "Stéphane Dujarric";
- ``typo``: rapidfuzz's ratio of the two names, "Stepjane Dujarric" / "Stéphane Dujarric".
  Two full names must also have close first names: "Bachar al-Assad" / "Hafez
  al-Assad" (father and son) is not suggested; "Assad" alone is, against each;
- ``acronym``: an organisation's acronym against its expansion, "OSDH" /
  "Observatoire syrien des droits de l'homme".

Never every pair: same names, surnames and acronyms are looked up in dictionaries, and
typos are looked for only among names that share their first name's initial and the
first, or the last, four letters of their surname; so 50,000 sources take half a second.
Pure computation: no Textual, no spaCy; ``merge_suggestions`` reads what it needs.
"""
from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from itertools import chain, combinations

import numpy
import sqlite_utils
from rapidfuzz import fuzz, process

from glose.db import sources
from glose.db.sources import Source
from glose.vocabulary import ORGANISATION, PERSON

TYPO_MIN = 85
"""The least ratio (0-100) of two names, accents and case ignored, for a typo."""
FIRST_NAME_MIN = 70
"""The least ratio of the first names of two full names for a typo ("stephane"/"stepjane": 88)."""
BLOCK_MAX = 3_000
"""The most names compared pair by pair for typos (3,000: about 4.5 million ratios, in C)."""
SURNAME, SAME_NAME, TYPO, ACRONYM = "surname", "same name", "typo", "acronym"
SCORES = {SAME_NAME: 100, ACRONYM: 95, SURNAME: 90}
"""The score shown for a reason that is no ratio."""

TITLES = frozenset(
    "m mm mme mmes mlle mlles monsieur madame mademoiselle dr docteur pr professeur me maitre mgr"
    " president presidente ministre premier secretaire general generale porte parole colonel commandant"
    " capitaine ambassadeur ambassadrice depute deputee senateur senatrice maire juge procureur"
    " directeur directrice cheikh imam pere abbe".split())
"""Words of a title before a name, accents and case left out ("le porte-parole" too)."""
ARTICLES = frozenset({"le", "la", "l", "les"})
"""Dropped before a title only: "le président Macron", but "Le Pen" stays."""
LINKING = frozenset("de des du d la le l les et pour en aux au a sur of the for and".split())
"""Words an acronym leaves out: "Observatoire syrien des droits de l'homme" is OSDH."""
_WORD = re.compile(r"[^\W_]+")
_COMBINING = re.compile("[\u0300-\u036f]")
"""Accents once a name is decomposed (NFKD)."""


@dataclass(frozen=True)
class Suggestion:
    """Merge ``other`` into ``keep`` (ids of live sources), for ``reason`` at ``score``."""

    keep_id: int
    keep_name: str
    other_id: int
    other_name: str
    score: int
    reason: str

    def swapped(self) -> Suggestion:
        return Suggestion(self.other_id, self.other_name, self.keep_id, self.keep_name, self.score, self.reason)

    @property
    def pair(self) -> tuple[int, int]:
        a, b = sorted((self.keep_id, self.other_id))
        return a, b

    def __str__(self) -> str:
        return f"{self.other_name} → {self.keep_name} ({self.score}, {self.reason})"


def fold(text: str) -> str:
    """``text`` without accents nor case: what names are compared on."""
    return (text if text.isascii() else _COMBINING.sub("", unicodedata.normalize("NFKD", text))).casefold()


def words(name: str) -> list[str]:
    """The words of a name, without accents nor case, titles left out."""
    tokens = _WORD.findall(fold(name))
    start = 0
    while start < len(tokens) - 1:
        if tokens[start] in TITLES or (tokens[start] in ARTICLES and tokens[start + 1] in TITLES):
            start += 1
        else:
            break
    return tokens[start:]


def acronym_of(name: str) -> str | None:
    """The initials of a name of three or more words, linking words left out."""
    initials = [w[0] for w in words(name) if w not in LINKING]
    return "".join(initials) if len(initials) >= 2 and len(words(name)) >= 3 else None


def as_acronym(name: str) -> str | None:
    """The name as an acronym, if it is written as one: one word of 2-8 capitals (O.S.D.H. too)."""
    letters = name.replace(".", "").strip()
    if 2 <= len(letters) <= 8 and letters.isalpha() and letters.isupper():
        return words(letters)[0] if words(letters) else None
    return None


@dataclass(frozen=True)
class _Name:
    source: Source
    name: str
    words: tuple[str, ...]
    joined: str
    """The words, one space between: what a typo is measured on."""


def _compatible(a: Source, b: Source) -> bool:
    """A person is never an organisation; two different external ids are two sources."""
    if {a.kind, b.kind} == {PERSON, ORGANISATION}:
        return False
    return not (a.external_id and b.external_id and a.external_id != b.external_id)


def _same_names(names: Sequence[_Name]) -> Iterable[tuple[int, int, str, int]]:
    """Names equal once titles, accents and case are left out; surnames alone against a
    full name that ends with them (never for an organisation)."""
    by_words: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        if name.words:
            by_words[name.words].append(index)
    for group in by_words.values():
        yield from ((i, j, SAME_NAME, SCORES[SAME_NAME]) for i, j in combinations(group, 2))
    alone = {words[0]: group for words, group in by_words.items() if len(words) == 1}
    for index, name in enumerate(names):
        if len(name.words) >= 2 and name.words[-1] in alone and name.source.kind != ORGANISATION:
            for other in alone[name.words[-1]]:
                if names[other].source.kind != ORGANISATION:
                    yield index, other, SURNAME, SCORES[SURNAME]


def _typos(names: Sequence[_Name]) -> Iterable[tuple[int, int, str, int]]:
    """Names close by rapidfuzz's ratio, compared within their blocks only: those that
    share the initial of their first name (full names) and the first, or the last, four
    letters of their surname (a typo in the middle of a surname stays in one of them).
    Two full names need close first names too. A block larger than ``BLOCK_MAX`` (names
    that differ by digits, say) is left out rather than compared pair by pair."""
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        if len(name.joined) >= 5:
            initial = name.words[0][0] if len(name.words) >= 2 else ""
            blocks[f"{initial}<{name.words[-1][:4]}"].append(index)
            blocks[f"{initial}>{name.words[-1][-4:]}"].append(index)
    for block in blocks.values():
        if not 2 <= len(block) <= BLOCK_MAX:
            continue
        for i, j, score in _close_pairs(block, [names[i].joined for i in block]):
            a, b = names[i], names[j]
            if a.words == b.words or (len(a.words) >= 2 and len(b.words) >= 2 and a.words[0] != b.words[0]
                                      and fuzz.ratio(a.words[0], b.words[0]) < FIRST_NAME_MIN):
                continue
            yield i, j, TYPO, int(score)


def _close_pairs(block: list[int], texts: list[str]) -> Iterable[tuple[int, int, float]]:
    """Pairs of the block whose texts' ratio reaches ``TYPO_MIN``: one by one in a small
    block (most are), all at once in C (rapidfuzz's cdist) in a large one."""
    if len(block) <= 16:
        for (i, a), (j, b) in combinations(zip(block, texts, strict=True), 2):
            if score := fuzz.ratio(a, b, score_cutoff=TYPO_MIN):
                yield i, j, score
        return
    scores = process.cdist(texts, texts, scorer=fuzz.ratio, score_cutoff=TYPO_MIN, dtype=numpy.uint8)
    for x, y in zip(*numpy.nonzero(numpy.triu(scores, 1)), strict=True):
        yield block[x], block[y], float(scores[x, y])


def _acronym_pairs(names: Sequence[_Name]) -> Iterable[tuple[int, int, str, int]]:
    """An acronym against a name of three or more words with those initials."""
    expansions: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(names):
        if name.source.kind != PERSON and (initials := acronym_of(name.name)):
            expansions[initials].append(index)
    for index, name in enumerate(names):
        if name.source.kind != PERSON and (short := as_acronym(name.name)):
            yield from ((index, other, ACRONYM, SCORES[ACRONYM]) for other in expansions.get(short, ()))


def _keep_first(a: _Name, b: _Name, reason: str, mentions: dict[int, int]) -> bool:
    """Whether ``a``'s source is the one to keep (``a``, ``b``: the sources' own names,
    whichever of their names matched): the fuller name (a surname, an acronym go into
    the full name); for one name spelled two ways, the spelling mentioned most (a typo
    is rarer than the right one), then the longer, or for the same name the one written
    without a title."""
    if reason == ACRONYM:
        return as_acronym(a.name) is None
    if reason == SURNAME or (reason == SAME_NAME and len(a.words) != len(b.words)):
        return len(a.words) > len(b.words)
    ma, mb = mentions.get(a.source.id, 0), mentions.get(b.source.id, 0)
    if ma != mb:
        return ma > mb
    return len(a.name) >= len(b.name) if reason == TYPO else len(a.name) <= len(b.name)


def suggest(live: Sequence[Source], distinct: AbstractSet[tuple[int, int]] = frozenset(),
            mentions: dict[int, int] | None = None) -> list[Suggestion]:
    """Merge suggestions among ``live`` sources (their names and aliases), best first;
    never a pair in ``distinct`` (said not to be the same). ``mentions``: how often each
    source is mentioned, to keep the usual spelling of a typo."""
    mentions = mentions or {}
    names: list[_Name] = []
    for source in live:
        for name in (source.name, *source.aliases):
            parts = tuple(words(name))
            names.append(_Name(source, name, parts, " ".join(parts)))
    own = {name.source.id: name for name in names if name.name == name.source.name}
    best: dict[tuple[int, int], tuple[int, str, int, int]] = {}
    for i, j, reason, score in chain(_same_names(names), _typos(names), _acronym_pairs(names)):
        a, b = names[i], names[j]
        pair = (min(a.source.id, b.source.id), max(a.source.id, b.source.id))
        if a.source.id == b.source.id or pair in distinct or not _compatible(a.source, b.source):
            continue
        if pair not in best or score > best[pair][0]:
            keep_a = _keep_first(own[a.source.id], own[b.source.id], reason, mentions)
            best[pair] = (score, reason, i, j) if keep_a else (score, reason, j, i)
    found = [Suggestion(names[k].source.id, names[k].source.name, names[o].source.id, names[o].source.name,
                        score, reason) for score, reason, k, o in best.values()]
    return sorted(found, key=lambda s: (-s.score, s.other_name.casefold(), s.keep_name.casefold()))


def merge_suggestions(db: sqlite_utils.Database) -> list[Suggestion]:
    """The merge suggestions of the database's live sources, best first."""
    return suggest(sources.live_sources(db), sources.distinct_pairs(db), sources.mention_counts(db))
