"""Lexicons of French attribution, loaded from plain data files in ``glose/data``.

Matching is on spaCy lemmas, never on the surface strings of particular texts.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# Prepositional cues: lower-cased token sequences, apostrophes straight. "pour X,"
# is checked apart because "pour" is mostly not a cue (pour permettre, pour la
# sixième fois).
PREP_CUES = (("selon",), ("d'après",), ("d'", "après"))
PREP_POUR = "pour"
SOURCE_NOUN = "source"  # "de source militaire", "de sources concordantes"
PRONOUNS = {"il", "elle", "ils", "elles", "on", "lui", "eux"}  # lui/eux: "d'après lui"

# Nouns that count time, not things: "12 décembre" or "24 heures" is no statistic.
TIME_NOUNS = {
    "heure", "minute", "seconde", "jour", "semaine", "mois", "an", "année", "siècle", "fois",
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre", "h", "heures", "ans",
}
# Words that may start a relative clause after a comma (skipped at the start of a claim).
RELATIVES = {"qui", "où", "dont", "que", "qu'", "qu’", "lequel", "laquelle", "lesquels", "lesquelles"}


@dataclass(frozen=True)
class VerbLexicon:
    """Reporting verbs: single lemmas, multi-word cues, and those taking a noun claim."""

    lemmas: frozenset[str]
    multiword: tuple[tuple[str, ...], ...]  # ("faire", "état"), ("faire", "savoir"), ...
    noun_claim: frozenset[str]  # lemma or "faire état" style key


def _lines(name: str) -> list[str]:
    text = (DATA / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def verbs() -> VerbLexicon:
    """The reporting-verb lexicon of ``app/data/reporting_verbs.txt`` (by hand: flags such
    as ``+obj`` and multi-word cues) and ``app/data/reporting_verbs_verbenet.txt`` (plain
    lemmas of the Verb∋Net communication classes, no flags)."""
    lemmas, multi, noun_claim = set(), [], set()
    for line in _lines("reporting_verbs.txt"):
        entry, _, flag = line.partition("+")
        entry = entry.strip()
        for prefix in ("se ", "s'", "s’"):  # reflexive forms are matched on the verb
            if entry.startswith(prefix):
                entry = entry[len(prefix):]
        words = tuple(entry.split())
        if len(words) > 1:
            multi.append(words)
        else:
            lemmas.add(entry)
        if flag.strip() == "obj":
            noun_claim.add(entry)
    lemmas.update(_lines("reporting_verbs_verbenet.txt"))
    return VerbLexicon(frozenset(lemmas), tuple(multi), frozenset(noun_claim))


@lru_cache(maxsize=1)
def speaker_nouns() -> frozenset[str]:
    """Lemmas of nouns that head a speaker phrase (``app/data/speaker_nouns.txt``)."""
    return frozenset(line.lower() for line in _lines("speaker_nouns.txt"))


@lru_cache(maxsize=1)
def group_nouns() -> frozenset[str]:
    """Lemmas of speaker nouns that name a group, an institution or a document
    (``app/data/group_nouns.txt``): never a person named elsewhere."""
    return frozenset(line.lower() for line in _lines("group_nouns.txt"))
