"""Lexicons of French attribution, read from plain data files.

The shipped files are in ``glose/data``; a pipeline saved with the claim-frame
component (``glose.suggest.component``) carries its own copy, which the engine then
reads instead (edit it there to change what one pipeline matches).
Matching is on spaCy lemmas, never on the surface strings of particular texts.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

PREP_POUR = "pour"  # "pour X," is checked apart: mostly not a cue (pour permettre, pour la sixième fois)
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

FILES = ("reporting_verbs.txt", "reporting_verbs_verbenet.txt", "prep_cues.txt", "speaker_nouns.txt",
         "group_nouns.txt", "first_names.txt")
"""The lexicon's files, in ``DATA`` and in a saved pipeline's component folder."""


@dataclass(frozen=True)
class VerbLexicon:
    """Reporting verbs: single lemmas, multi-word cues, and those taking a noun claim."""

    lemmas: frozenset[str]
    multiword: tuple[tuple[str, ...], ...]  # ("faire", "état"), ("faire", "savoir"), ...
    noun_claim: frozenset[str]  # lemma or "faire état" style key


@dataclass(frozen=True)
class Lexicon:
    """Everything the claim-frame engine matches words against, read from ``FILES``.

    ``lines`` keeps each file's entries as read (comments dropped): saving writes
    them back, so a saved pipeline's lexicon is the one it was built with.
    """

    lines: dict[str, tuple[str, ...]]
    verbs: VerbLexicon = field(init=False)
    prep_cues: tuple[tuple[str, ...], ...] = field(init=False)  # ("selon",), ("d'", "après")
    speaker_nouns: frozenset[str] = field(init=False)
    group_nouns: frozenset[str] = field(init=False)
    first_names: dict[str, str] = field(init=False)  # "Claire" -> "Fem"

    def __post_init__(self) -> None:
        missing = [name for name in FILES if name not in self.lines]
        if missing:
            raise ValueError(f"lexicon files missing: {', '.join(missing)}")
        lemmas, multi, noun_claim = set(), [], set()
        for line in self.lines["reporting_verbs.txt"]:
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
        lemmas.update(self.lines["reporting_verbs_verbenet.txt"])
        set_ = object.__setattr__  # frozen: the derived views are set once, here
        set_(self, "verbs", VerbLexicon(frozenset(lemmas), tuple(multi), frozenset(noun_claim)))
        set_(self, "prep_cues", tuple(tuple(line.lower().replace("’", "'").split()) for line in
                                      self.lines["prep_cues.txt"]))
        set_(self, "speaker_nouns", frozenset(line.lower() for line in self.lines["speaker_nouns.txt"]))
        set_(self, "group_nouns", frozenset(line.lower() for line in self.lines["group_nouns.txt"]))
        genders = {"F": "Fem", "M": "Masc"}
        set_(self, "first_names", {name: genders[g] for name, _, g in (line.partition("\t") for line in
                                                                      self.lines["first_names.txt"]) if g in genders})

    @classmethod
    def read(cls, folder: Path) -> Lexicon:
        """The lexicon of the files ``FILES`` in ``folder``. Raises OSError, ValueError."""
        return cls({name: tuple(_lines(name, folder)) for name in FILES})

    def write(self, folder: Path) -> None:
        """Write the files ``FILES`` into ``folder`` (created), one entry per line."""
        folder.mkdir(parents=True, exist_ok=True)
        for name in FILES:
            body = "".join(line + "\n" for line in self.lines[name])
            (folder / name).write_text(f"# glose lexicon ({name}), saved with a spaCy pipeline\n{body}",
                                       encoding="utf-8")


def _lines(name: str, folder: Path = DATA) -> list[str]:
    text = (folder / name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=1)
def shipped() -> Lexicon:
    """The lexicon of ``glose/data``: what the engine uses unless a pipeline brings its own."""
    return Lexicon.read(DATA)


def verbs() -> VerbLexicon:
    """The shipped reporting verbs: ``app/data/reporting_verbs.txt`` (by hand: flags such
    as ``+obj`` and multi-word cues) and ``app/data/reporting_verbs_verbenet.txt`` (plain
    lemmas of the Verb∋Net communication classes, no flags)."""
    return shipped().verbs
