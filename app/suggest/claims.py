"""Stage 2 of the claim-frame engine: where a claim starts and ends, and what it is.

A claim is the clause after *que*, the quotation after a colon, the text an inverted
cue follows, or an infinitive or noun complement (docs/CLAIM_BOUNDARIES.md gives the
convention; ``claim_edges`` applies its rules 1-3 to every claim). ``quote_type``
says whether it is direct, indirect or mixed; ``claim_type`` marks statistics.
"""
from __future__ import annotations

from glose.lexicon import RELATIVES, TIME_NOUNS
from glose.suggest import mentions as M
from glose.suggest.context import (
    DAYS,
    QUE,
    TRIM,
    Ctx,
    is_infinitive,
    is_participle,
    quotes_in,
    tok_at,
)
from glose.suggest.frames import Mention
from glose.suggest.quotes import MARKS, SPACES, Quote
from glose.vocabulary import DIRECT, INDIRECT, MIXED, PER


def trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s] in TRIM:
        s += 1
    while e > s and text[e - 1] in TRIM:
        e -= 1
    for word in (" qui", " que", " dont"):  # "un projet « idéologique » qui, selon elle, …"
        if e - s > len(word) + 8 and text.endswith(word, s, e):
            e -= len(word)
            while e > s and text[e - 1] in TRIM:
                e -= 1
            break
    return s, e


def claim_edges(text: str, s: int, e: int) -> tuple[int, int]:
    """docs/CLAIM_BOUNDARIES.md, rules 1-3: no quotation mark or space at either edge
    (a mixed claim that begins or ends with a quoted fragment loses that mark, as a
    direct one does), no leading que/qu', no trailing . , ; :"""
    while s < e:
        if text[s] in SPACES or text[s] in MARKS:
            s += 1
        elif text[e - 1] in TRIM or text[e - 1] in MARKS:
            e -= 1
        elif text.startswith(("que ", "qu'", "qu’", "Que ", "Qu'", "Qu’"), s) and e - s > 4:
            s += 3 if text[s + 2] in "'’" else 4
        else:
            break
    return s, e


def quote_type(ctx: Ctx, s: int, e: int, backward: bool) -> tuple[int, int, str]:
    """Claim span and quote_type of the region [s, e).

    A region that is one quotation is a direct quote (its content). Before an
    inverted cue, a quotation followed by a comma and unquoted words is still
    the direct quote (« … », notamment la Russie, a-t-il dit).
    """
    s, e = trim(ctx.text, s, e)
    if backward:  # "Des propos … : « A », a tweeté X": the colon opens the claim
        inside = quotes_in(ctx, s, e)
        colon = ctx.text.rfind(":", s, inside[0].start if inside else e)
        if colon != -1:
            s, e = trim(ctx.text, colon + 1, e)
    inside = quotes_in(ctx, s, e)
    if not inside:
        return s, e, INDIRECT
    first = inside[0]
    if first.start == s and first.end >= e:
        content_upper = first.cstart < first.cend and ctx.text[first.cstart].isupper()
        if backward or content_upper:
            return first.cstart, min(first.cend, e), DIRECT
        return s, e, MIXED
    if backward and first.start == s and len(inside) == 1 and ctx.text[first.end:e].lstrip(" ").startswith(","):
        return first.cstart, first.cend, DIRECT
    return s, e, MIXED


_BEFORE_INFINITIVE = {"ne", "n'", "n’", "pas", "plus", "jamais", "se", "s'", "s’", "y", "en", "le", "la", "les",
                      "l'", "l’", "lui", "leur"}


def infinitive_claim(doc, a: int, end: int) -> int | None:
    """Where an infinitive claim starts after its cue ("a annoncé avoir saisi …",
    "dit vouloir …", "a promis de ne pas …"), leading de/d' left out; else None."""
    k = a + 1 if a < end and doc[a].lower_ in {"de", "d'", "d’"} else a
    start = k
    while k < end and k < start + 4 and doc[k].lower_ in _BEFORE_INFINITIVE:
        k += 1
    if k < end and doc[k].pos_ in {"VERB", "AUX"} and is_infinitive(doc[k]) and doc[k].lemma_ not in NO_CONTENT:
        return start
    return None


NO_CONTENT = {"commenter", "réagir", "répondre", "exprimer", "confirmer", "détailler", "préciser"}
"""Infinitives that say nothing of their own: "n'a pas souhaité commenter ces
informations", "a refusé de réagir" are no claims (docs/CLAIM_BOUNDARIES.md)."""


def clause_end(ctx: Ctx, a: int, i1: int, cue_starts: set[int]) -> int:
    """Token index where a clause started at ``a`` ends: before a comma that opens
    another cue, a participle or a gerund (", ajoutant que", ", tout en …"), or at ";"."""
    doc = ctx.doc
    for j in range(a, i1):
        if ctx.q_of[j] >= 0:
            continue
        t = doc[j].text
        if t == ";":
            return j
        if t in {"et", "mais"} and j + 1 in cue_starts and j > a:
            return j  # "a reconnu quatre braquages mais nié toute violence": the next cue's claim
        if t == "," and j + 2 < i1 and doc[j + 1].lower_ in {"et", "mais"} and j + 2 in cue_starts:
            return j  # "…, et a promis que …"
        if t == "," and j + 1 < i1:
            nxt = doc[j + 1]
            if j + 1 in cue_starts or is_participle(nxt) or nxt.lower_ in {"tout", "en"} and j + 2 < i1 and (
                is_participle(doc[j + 2]) or doc[j + 2].lower_ == "en"
            ):
                return j
            if nxt.lower_ == "qui" and j + 2 in cue_starts:
                return j  # "aux critiques de la maire, qui jugeait que …": her claim, not this one
            if nxt.lower_ in {"tandis", "alors"} and j + 2 < i1 and doc[j + 2].lower_ in QUE:
                return j  # ", tandis que plusieurs habitants ont affirmé …": another clause
            if nxt.lower_ in {"sans", "avant"} and any(is_infinitive(doc[k]) for k in range(j + 2, min(j + 5, i1))):
                return j  # "…, sans toutefois reconnaître les faits": circumstance, not claim
    return i1


def skip_lead(ctx: Ctx, a: int, b: int) -> int:
    """Skip dates and adverbs right after a cue ("a annoncé mardi soir …"), and a short
    aside between commas ("pointent, elles, la responsabilité …", "a affirmé mardi, sur
    un site du darkweb, être à l'origine …")."""
    doc = ctx.doc
    while True:
        while a < b and (doc[a].lower_ in DAYS or doc[a].pos_ == "ADV" and ctx.q_of[a] < 0 or a in ctx.numbers
                         and a + 1 < b and doc[a + 1].lower_ in TIME_NOUNS
                         and not (a + 2 < b and doc[a + 2].lower_ in M.DE)):  # "vingt ans de réclusion" is no date
            a += 2 if a in ctx.numbers else 1
        if a >= b or doc[a].text != "," or ctx.q_of[a] >= 0:
            return a
        close = next((j for j in range(a + 1, min(b, a + 9)) if doc[j].text == ","), None)
        if close is None or close + 1 >= b or any(ctx.verbal[j] or ctx.q_of[j] >= 0 for j in range(a + 1, close)):
            return a
        a = close + 1


def skip_segments(ctx: Ctx, a: int, b: int) -> tuple[int, Mention | None]:
    """After *selon X,*: skip a relative clause or short apposition that still
    belongs to X ("…, d'où décollent les avions russes, plus de 8 000 …"). An
    apposed name ("Pour la secrétaire générale, Sophie Binet, …"; "d'après l'un
    des auteurs, le biologiste Jean Hero, …") is returned: it names X."""
    doc, ents, name = ctx.doc, ctx.ents, None
    while a < b:
        comma = next((j for j in range(a, min(b, a + 12)) if doc[j].text == "," and ctx.q_of[j] < 0), None)
        if comma is None:
            return a, name
        first = doc[a].lower_.replace("’", "'")
        relative = first in RELATIVES or first == "d'" and a + 1 < b and doc[a + 1].lower_ == "où"
        has_verb = any(doc[j].pos_ in {"VERB", "AUX"} for j in range(a, comma))
        verbless = doc[a].pos_ in {"NOUN", "ADJ"} and not has_verb
        person = None
        if not has_verb and not relative:
            apposed = M.apposed_name(doc, a - 1, comma, ents)
            if apposed is not None and apposed.end == comma:
                person = apposed
            else:
                k = next((j for j in range(a, comma) if ents[j] >= 0 and ents.spans[ents[j]].label_ == PER), None)
                if k is not None and ents.spans[ents[k]].end == comma and doc[a].pos_ in {"DET", "NOUN", "ADJ", "PROPN"}:
                    person = ents.spans[ents[k]]
        if person is not None and name is None:
            name = M.entity_mention(person)
        elif not (relative or verbless):
            return a, name
        a = comma + 1
    return a, name


def joined_quotes(ctx: Ctx, s: int, e: int) -> list[Quote]:
    """The quotations of [s, e) when it is nothing but two or more of them joined by
    "et" or commas; else []."""
    quotes = quotes_in(ctx, s, e)
    if len(quotes) < 2:
        return []
    gaps = [ctx.text[s:quotes[0].start], ctx.text[quotes[-1].end:e]]
    gaps += [ctx.text[a.end:b.start] for a, b in zip(quotes, quotes[1:], strict=False)]
    if all(not gap.replace(",", " ").replace(" et ", " ").strip(SPACES) for gap in gaps):
        return quotes
    return []


def claim_type(ctx: Ctx, s: int, e: int) -> str | None:
    """"statistic" when the claim counts something: a number before a noun or %."""
    doc, numbers = ctx.doc, ctx.numbers
    i, end = tok_at(ctx, s), tok_at(ctx, e)
    while i < end:
        if i not in numbers and i not in ctx.count_nouns:
            i += 1  # nothing to read here: no Token made
            continue
        if i in ctx.count_nouns and i + 2 < end and doc[i + 1].lower_ in M.DE:
            return "statistic"
        if i in numbers:
            j = i + 1
            while j < end and j in numbers:
                j += 1
            if j < end and (doc[j].text in {"%", "pourcent"} or doc[j].lower_ in {"pour", "euros", "dollars"}):
                return "statistic"
            if j < end and doc[j].pos_ in {"NOUN", "ADJ"} and doc[j].lemma_.lower() not in TIME_NOUNS \
                    and doc[j].lower_ not in TIME_NOUNS:
                return "statistic"
            i = j
            continue
        i += 1
    return None
