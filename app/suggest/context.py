"""What the stages of the claim-frame engine share about one document.

``build_context`` reads a parsed Doc once: its quotations (``quotes``), each token's
start and enclosing quotation, its entities; the stages (``cues``, ``claims``,
``sources``, then ``engine`` which assembles frames) work on token indices and
character offsets through the small helpers here.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from glose.lexicon import Lexicon
from glose.suggest import mentions as M
from glose.suggest.frames import Mention
from glose.suggest.quotes import CLOSERS, SPACES, Quote, find_quotes

if TYPE_CHECKING:
    from spacy.tokens import Doc

QUE = {"que", "qu'", "qu’", "qu"}
DAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier",
        "aujourd'hui", "soir", "matin", "midi", "après-midi", "veille", "lendemain", "nuit"}
COUNT_NOUNS = {"centaine", "dizaine", "millier", "million", "milliard", "douzaine", "vingtaine",
               "trentaine", "quarantaine", "cinquantaine", "soixantaine"}
TRIM = SPACES + ".,;:"
CLOSING_MARKS = CLOSERS | {'"'}


@dataclass
class Draft:
    """A frame under construction (token-free, char offsets)."""

    start: int
    end: int
    cue: tuple[int, int] | None
    sources: tuple[Mention, ...]
    quote_type: str
    confidence: float
    unit: int
    verbal: bool = True  # cue is a verb (preferred when frames merge)


@dataclass
class Ctx:
    """What every stage reads about one document, and the speakers seen so far."""

    doc: Doc
    text: str
    lex: Lexicon
    quotes: list[Quote]
    qstarts: list[int]
    starts: list[int]
    q_of: list[int]  # outer quotation of each token, or -1
    ents: M.EntIndex
    # speakers of frames and subjects of past units, oldest first: mention, name, number, gender
    speakers: list[tuple[Mention, str, str, str]] = field(default_factory=list)
    subjects: list[Mention] = field(default_factory=list)  # subjects of units, for floating quotes
    subject_units: list[int] = field(default_factory=list)  # the unit of each subject (sorted)
    used: list[tuple[int, int]] = field(default_factory=list)  # source phrases (not claims)
    # set by the cue stage (``cues.CueFinder``): where cues may start, misread verb forms
    cue_candidates: list[int] = field(default_factory=list)
    forms: dict[str, str] = field(default_factory=dict)
    # tokens by kind, in order (``build_context``): nominal subjects, numbers, "dizaine"…
    nominal_subjects: list[int] = field(default_factory=list)
    numbers: set[int] = field(default_factory=set)  # a number word or a token with a digit (not "un")
    verbal: list[bool] = field(default_factory=list)
    people: Any = None  # the document's persons (``speakers.People``), set by the engine
    unit_start: int = 0  # first token of the unit the engine is in  # for each token: a VERB or an AUX?
    count_nouns: set[int] = field(default_factory=set)


def is_participle(tok) -> bool:
    return "Part" in tok.morph.get("VerbForm", []) and "Pres" in tok.morph.get("Tense", [])


def is_infinitive(tok) -> bool:
    return "Inf" in tok.morph.get("VerbForm", [])


def chars(ctx: Ctx, a: int, b: int) -> tuple[int, int]:
    """Character span of tokens [a, b)."""
    doc = ctx.doc
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def prev_char(text: str, pos: int) -> tuple[str, int]:
    """The last non-space character before ``pos`` and its index ("", -1 if none)."""
    while pos > 0 and text[pos - 1] in SPACES:
        pos -= 1
    return (text[pos - 1], pos - 1) if pos > 0 else ("", -1)


def quotes_in(ctx: Ctx, s: int, e: int) -> list[Quote]:
    """Outer quotations overlapping [s, e), by bisection (they never overlap each other)."""
    k = bisect_left(ctx.qstarts, e)
    out = []
    while k > 0 and ctx.quotes[k - 1].end > s:
        k -= 1
        out.append(ctx.quotes[k])
    return out[::-1]


def tok_at(ctx: Ctx, char: int) -> int:
    return bisect_left(ctx.starts, char)


def build_context(doc, lex: Lexicon) -> Ctx:
    """The quotations, token offsets and entities of ``doc``, and the few tokens the
    stages look at one by one (read from whole-Doc arrays: a ``doc[i]`` per token of a
    long text would cost more than all the rest)."""
    import numpy
    from spacy.attrs import DEP, IDX, LEMMA, LIKE_NUM, POS
    from spacy.symbols import AUX, NOUN, PROPN, VERB

    text = text_of(doc)
    quotes = find_quotes(text)
    table = doc.to_array([IDX, DEP, POS, LIKE_NUM, LEMMA])
    starts = table[:, 0].tolist()
    q_of, k = [-1] * len(doc), 0
    for i, start in enumerate(starts):  # one sweep: tokens and quotes are both sorted
        while k < len(quotes) and quotes[k].end <= start:
            k += 1
        if k < len(quotes) and quotes[k].start <= start < quotes[k].end:
            q_of[i] = k
    ents = M.ent_index(doc, lex.speaker_nouns)
    ctx = Ctx(doc, text, lex, quotes, [q.start for q in quotes], starts, q_of, ents)
    strings = doc.vocab.strings
    subject_deps = [h for h in set(table[:, 1].tolist()) if strings[h].startswith("nsubj")]
    nominal = numpy.isin(table[:, 2], [NOUN, PROPN])
    ctx.verbal = numpy.isin(table[:, 2], [VERB, AUX]).tolist()
    ctx.nominal_subjects = numpy.flatnonzero(numpy.isin(table[:, 1], subject_deps) & nominal).tolist()
    counters = [strings.add(w) for noun in COUNT_NOUNS for w in (noun, noun.capitalize())]
    ctx.count_nouns = set(numpy.flatnonzero(numpy.isin(table[:, 4], counters)).tolist())
    with_digit = {bisect_right(starts, m.start()) - 1 for m in _DIGIT.finditer(text)}
    ctx.numbers = {i for i in set(numpy.flatnonzero(table[:, 3]).tolist()) | with_digit
                   if doc[i].lower_ not in {"un", "une"}}
    return ctx


_DIGIT = re.compile(r"\d")


def text_of(doc) -> str:
    """``doc.text``, computed once per Doc: spaCy joins it from a new Token object per
    token each time it is asked."""
    text = doc.user_data.get(TEXT_KEY)
    if text is None:
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


TEXT_KEY = "glose.text"
