"""Claim frames from a parsed French Doc.

How it works (all linear in the length of the text):

1. ``quotes.find_quotes`` scans the text once for quotations (« » “ ” "…",
   nested and unbalanced ones) and ``quotes.sentence_units`` cuts it into units
   that never split a quotation.
2. In each unit, *cues* are found outside quotations (or as an incise inside one,
   « A, a déclaré X, B »): reporting verbs matched on lemmas (``lexicon``),
   participles (*ajoutant que*), and prepositions (*selon*, *d'après*, *pour X,*).
3. Each cue gets a claim and a speaker by its construction:
   inverted verb (« … », a déclaré X / a-t-il dit) takes the text before it;
   *que* takes the clause after it; a quotation after the verb makes a mixed
   claim (*s'est dit « alarmé »*); a colon introduces a direct quote; some verbs
   take a plain noun phrase (*font état d'atrocités*); *selon X, …* takes the
   clause after X (or before it when X comes last).
4. Pronouns are resolved to the last fitting speaker (``canonical``); quotations
   left without a cue inherit the previous speaker; overlapping frames merge.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from glose.lexicon import PREP_CUES, PREP_POUR, RELATIVES, SOURCE_NOUN, TIME_NOUNS, verbs
from glose.suggest import mentions as M
from glose.suggest.frames import Frame, Mention
from glose.suggest.quotes import CLOSERS, MARKS, SPACES, Quote, find_quotes, sentence_units
from glose.suggest.speakers import identify
from glose.vocabulary import DIRECT, INDIRECT, MIXED, PER, SOURCE

if TYPE_CHECKING:
    from spacy.tokens import Doc

QUE = {"que", "qu'", "qu’", "qu"}
DAYS = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche", "hier",
        "aujourd'hui", "soir", "matin", "midi", "après-midi", "veille", "lendemain", "nuit"}
# Verbs that report speech whenever they are inverted after a comma, whatever
# follows (others need a plausible speaker: "a poursuivi son offensive").
CORE = {"dire", "déclarer", "affirmer", "ajouter", "annoncer", "estimer", "souligner", "préciser",
        "indiquer", "expliquer", "assurer", "confier", "écrire", "dénoncer", "insister",
        "rappeler", "juger", "avertir", "prévenir", "lancer", "poursuivre", "conclure"}
COUNT_NOUNS = {"centaine", "dizaine", "millier", "million", "milliard", "douzaine", "vingtaine",
               "trentaine", "quarantaine", "cinquantaine", "soixantaine"}
TRIM = SPACES + ".,;:"
CLOSING_MARKS = CLOSERS | {'"'}


@dataclass
class Cue:
    kind: str  # verb | prep | pour
    cs: int  # first token of the cue
    ce: int  # token after the cue
    head: int  # the verb (or preposition) token
    key: str = ""  # lexicon key: lemma or "faire état"
    clitic: int | None = None  # inverted subject clitic token (a-t-il)
    incise: Quote | None = None  # the quotation the cue interrupts


@dataclass
class _Draft:
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
class _Ctx:
    doc: Doc
    text: str
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


# ---------------------------------------------------------------- lexicon look-ups

# Irregular forms the tagger may miss, for verbs of the lexicon (and the -ir ones).
_IRREGULAR = {
    "dit": "dire", "disent": "dire", "disait": "dire", "écrit": "écrire", "écrivent": "écrire",
    "promis": "promettre", "promet": "promettre", "admis": "admettre", "admet": "admettre",
    "reconnu": "reconnaître", "reconnaît": "reconnaître", "soutenu": "soutenir", "soutient": "soutenir",
    "prévenu": "prévenir", "prévient": "prévenir", "répondu": "répondre", "répond": "répondre",
    "conclu": "conclure", "conclut": "conclure", "démenti": "démentir", "dément": "démentir",
    "poursuivi": "poursuivre", "poursuit": "poursuivre", "appris": "apprendre", "apprend": "apprendre",
    "maintenu": "maintenir", "maintient": "maintenir", "convenu": "convenir", "prédit": "prédire",
}


def _er_forms() -> dict[str, str]:
    """Surface forms of reporting verbs, for words the tagger mislabels (it reads
    "dénonce" in « … », dénonce l'ONU as a noun, "estime" as its own lemma)."""
    forms: dict[str, str] = {}
    for lemma in verbs().lemmas:
        if lemma.endswith("er") and lemma != "aller":
            stem = lemma[:-2]
            stems = {stem}
            if stem.endswith(("el", "et")):  # appeler -> appelle
                stems.add(stem + stem[-1])
            k = stem.rfind("é")
            if k != -1 and k >= len(stem) - 3:  # révéler -> révèle, répéter -> répète
                stems.add(stem[:k] + "è" + stem[k + 1:])
            for st in stems:
                for suffix in ("e", "es", "ent"):
                    forms.setdefault(st + suffix, lemma)
            for suffix in ("é", "ée", "és", "ées", "ait", "aient", "ant", "a"):
                forms.setdefault(stem + suffix, lemma)
        elif lemma.endswith("ir") and lemma not in {"prévenir", "convenir", "soutenir", "démentir", "maintenir"}:
            stem = lemma[:-2]  # réagir -> réagi, réagit, réagissent, réagissant
            for suffix in ("i", "it", "issent", "issait", "issant"):
                forms.setdefault(stem + suffix, lemma)
    for form, lemma in _IRREGULAR.items():
        if lemma in verbs().lemmas:
            forms.setdefault(form, lemma)
    return forms


_FORMS: dict[str, str] | None = None


def _verb_key(doc, i: int) -> tuple[str, int] | None:
    """The lexicon key of a reporting verb at token ``i`` and the token after it."""
    global _FORMS
    tok = doc[i]
    lex = verbs()
    lemma = tok.lemma_.lower()
    for words in lex.multiword:  # faire état (de), faire savoir, mettre en garde
        if lemma == words[0] and i + len(words) <= len(doc) and all(
            doc[i + k].lemma_.lower() == w or doc[i + k].lower_ == w for k, w in enumerate(words[1:], 1)
        ):
            end = i + len(words)
            if words[-1] == "état" and end < len(doc) and doc[end].lower_ in M.DE:
                end += 1
            return " ".join(words), end
    prev = doc[i - 1] if i > 0 else None
    if prev is not None and prev.lower_ in M.DETS and not (prev.lower_ in M.DE and _is_infinitive(tok)):
        return None  # "l'estime", "un appel": a noun; but "avant d'ajouter que"
    if lemma in lex.lemmas and (tok.pos_ in {"VERB", "AUX"} or prev is None or prev.pos_ == "AUX"
                                or prev.text in {",", "»", "”", '"'} or prev.lower_ in {"se", "s'", "s’"}):
        return lemma, i + 1
    if _FORMS is None:
        _FORMS = _er_forms()
    form = _FORMS.get(tok.lower_)
    if form and tok.pos_ not in {"ADJ", "ADP", "DET"}:
        return form, i + 1
    if form and tok.pos_ == "ADJ" and prev is not None and prev.pos_ in M.NOMINAL and _que_ahead(doc, i + 1):
        return form, i + 1  # "L'opposition juge que …" with the verb read as an adjective
    return None


def _que_ahead(doc, j: int) -> bool:
    """Does a que-clause open within a few words, before any punctuation?"""
    for k in range(j, min(j + 5, len(doc))):
        if doc[k].lower_ in QUE:
            return True
        if doc[k].is_punct:
            return False
    return False


def _is_participle(tok) -> bool:
    return "Part" in tok.morph.get("VerbForm", []) and "Pres" in tok.morph.get("Tense", [])


def _is_number(tok) -> bool:
    return tok.lower_ not in {"un", "une"} and (tok.like_num or any(c.isdigit() for c in tok.text))


def _is_infinitive(tok) -> bool:
    return "Inf" in tok.morph.get("VerbForm", [])


# ---------------------------------------------------------------- small helpers

def _chars(ctx: _Ctx, a: int, b: int) -> tuple[int, int]:
    """Character span of tokens [a, b)."""
    doc = ctx.doc
    return doc[a].idx, doc[b - 1].idx + len(doc[b - 1])


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
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


def _prev_char(text: str, pos: int) -> tuple[str, int]:
    """The last non-space character before ``pos`` and its index ("", -1 if none)."""
    while pos > 0 and text[pos - 1] in SPACES:
        pos -= 1
    return (text[pos - 1], pos - 1) if pos > 0 else ("", -1)


def _quotes_in(ctx: _Ctx, s: int, e: int) -> list[Quote]:
    """Outer quotations overlapping [s, e), by bisection (they never overlap each other)."""
    k = bisect_left(ctx.qstarts, e)
    out = []
    while k > 0 and ctx.quotes[k - 1].end > s:
        k -= 1
        out.append(ctx.quotes[k])
    return out[::-1]


def _tok_at(ctx: _Ctx, char: int) -> int:
    return bisect_left(ctx.starts, char)


def _quote_type(ctx: _Ctx, s: int, e: int, backward: bool) -> tuple[int, int, str]:
    """Claim span and quote_type of the region [s, e).

    A region that is one quotation is a direct quote (its content). Before an
    inverted cue, a quotation followed by a comma and unquoted words is still
    the direct quote (« … », notamment la Russie, a-t-il dit).
    """
    s, e = _trim(ctx.text, s, e)
    if backward:  # "Des propos … : « A », a tweeté X": the colon opens the claim
        inside = _quotes_in(ctx, s, e)
        colon = ctx.text.rfind(":", s, inside[0].start if inside else e)
        if colon != -1:
            s, e = _trim(ctx.text, colon + 1, e)
    inside = _quotes_in(ctx, s, e)
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


# ---------------------------------------------------------------- cues

def _find_cues(ctx: _Ctx, i0: int, i1: int) -> list[Cue]:
    doc, cues = ctx.doc, []
    i = i0
    while i < i1:
        low = doc[i].lower_.replace("’", "'")
        if ctx.q_of[i] < 0:
            prep = next((len(words) for words in PREP_CUES if i + len(words) <= i1 and all(
                doc[i + k].lower_.replace("’", "'") == word for k, word in enumerate(words))), 0)
            if prep:
                cues.append(Cue("prep", i, i + prep, i, low))
                i += prep
                continue
            if low == PREP_POUR and _pour_cue(ctx, i, i1):
                cues.append(Cue("pour", i, i + 1, i, low))
                i += 1
                continue
        found = _verb_key(doc, i) or _incise_verb(ctx, i, i0)
        if found is None:
            i += 1
            continue
        key, end = found
        cue = _verb_cue(ctx, i, end, key, i0, i1)
        if cue is not None:
            cues.append(cue)
            i = max(cue.ce, i + 1)
        else:
            i += 1
    return cues


def _incise_verb(ctx: _Ctx, i: int, i0: int) -> tuple[str, int] | None:
    """Any verb in the incise right after a quotation is a reporting verb, in the
    lexicon or not: « … », a tonné X; « … », raille-t-elle; « … », a-t-il martelé."""
    doc, tok = ctx.doc, ctx.doc[i]
    if tok.pos_ != "VERB" or ctx.q_of[i] >= 0:
        return None
    k = i
    while k - 1 >= i0 and (doc[k - 1].pos_ == "AUX" or doc[k - 1].text.startswith("-")):
        k -= 1  # "a", "a-t-il", "ont"
    if k - 2 < i0 or doc[k - 1].text != "," or doc[k - 2].text not in CLOSING_MARKS:
        return None
    return tok.lemma_.lower(), i + 1


def _verb_cue(ctx: _Ctx, i: int, end: int, key: str, i0: int, i1: int) -> Cue | None:
    doc = ctx.doc
    cs = i
    while cs - 1 >= i0 and (doc[cs - 1].pos_ == "AUX" or M.is_pronoun(doc[cs - 1])
                            or doc[cs - 1].lower_ in {"s'", "s’", "se", "ne", "-t", "t"}
                            or (doc[cs - 1].pos_ == "ADV" and cs - 2 >= i0 and doc[cs - 2].pos_ == "AUX")):
        if M.is_pronoun(doc[cs - 1]) and not doc[cs - 1].text.startswith("-"):
            break  # a preverbal subject pronoun is the source, not the cue
        cs -= 1
    clitic = next((k for k in range(cs, end) if doc[k].text.startswith("-") and M.is_pronoun(doc[k])), None)
    ce = end
    while ce < i1 and (doc[ce].text.startswith("-") and (M.is_pronoun(doc[ce]) or doc[ce].lower_ == "-t")):
        if M.is_pronoun(doc[ce]):
            clitic = ce
        ce += 1
    tok = doc[i]
    if (cs == i and "Part" in tok.morph.get("VerbForm", []) and "Past" in tok.morph.get("Tense", [])
            and tok.dep_ != "ROOT"):
        return None  # a bare past participle is an adjective: "une affirmation contestée par …" ("X dit …" is not)
    cue = Cue("verb", cs, ce, i, key, clitic)
    q = ctx.q_of[i]
    if q >= 0:  # only an incise may interrupt a quotation: « A, a déclaré X, B »
        if cs - 1 < i0 or doc[cs - 1].text != "," or ctx.q_of[cs - 1] != q:
            return None
        cue.incise = ctx.quotes[q]
    if _is_infinitive(doc[i]) and not _que_after(ctx, ce, i1):
        return None
    return cue


_BEFORE_INFINITIVE = {"ne", "n'", "n’", "pas", "plus", "jamais", "se", "s'", "s’", "y", "en", "le", "la", "les",
                      "l'", "l’", "lui", "leur"}


def _infinitive_claim(doc, a: int, end: int) -> int | None:
    """Where an infinitive claim starts after its cue ("a annoncé avoir saisi …",
    "dit vouloir …", "a promis de ne pas …"), leading de/d' left out; else None."""
    k = a + 1 if a < end and doc[a].lower_ in {"de", "d'", "d’"} else a
    start = k
    while k < end and k < start + 4 and doc[k].lower_ in _BEFORE_INFINITIVE:
        k += 1
    if k < end and doc[k].pos_ in {"VERB", "AUX"} and _is_infinitive(doc[k]):
        return start
    return None


def _pour_cue(ctx: _Ctx, i: int, i1: int) -> bool:
    """*pour X,* attributes only when X is a speaker right before a comma."""
    doc = ctx.doc
    before, _ = _prev_char(ctx.text, doc[i].idx)  # clause start: "Pour X," / ", pour X,"
    if before not in {"", ".", ",", ";", ":", "!", "?", "»"} and doc[i - 1].pos_ != "CCONJ":
        return False
    head = M.first_head(doc, i + 1, i1, ctx.ents)
    if head is None or not M.is_speakerish(doc, head, ctx.ents) or M.is_pronoun(doc[head]):
        return False
    _, end = M.mention_at(doc, head, i + 1, i1, ctx.ents)
    return end < i1 and doc[end].text == ","


def _que_after(ctx: _Ctx, ce: int, i1: int) -> int | None:
    """Token index where a que-clause starts after the cue (a few words may sit
    between: "a annoncé lundi que", "insistant sur le fait qu'")."""
    doc = ctx.doc
    for j in range(ce, min(ce + 6, i1)):
        low = doc[j].lower_
        if low in QUE:
            k = j + 1
            if k < i1 and doc[k].text in {"'", "’"}:
                k += 1
            return k if k < i1 else None
        if doc[j].text in {",", ".", ";", ":"} or ctx.q_of[j] >= 0 or doc[j].pos_ in {"VERB"}:
            return None
    return None


# ---------------------------------------------------------------- claims

def _clause_end(ctx: _Ctx, a: int, i1: int, cue_starts: set[int]) -> int:
    """Token index where a clause started at ``a`` ends: before a comma that opens
    another cue, a participle or a gerund (", ajoutant que", ", tout en …"), or at ";"."""
    doc = ctx.doc
    for j in range(a, i1):
        if ctx.q_of[j] >= 0:
            continue
        t = doc[j].text
        if t == ";":
            return j
        if t == "," and j + 1 < i1:
            nxt = doc[j + 1]
            if j + 1 in cue_starts or _is_participle(nxt) or nxt.lower_ in {"tout", "en"} and j + 2 < i1 and (
                _is_participle(doc[j + 2]) or doc[j + 2].lower_ == "en"
            ):
                return j
            if nxt.lower_ in {"tandis", "alors"} and j + 2 < i1 and doc[j + 2].lower_ in QUE:
                return j  # ", tandis que plusieurs habitants ont affirmé …": another clause
            if nxt.lower_ in {"sans", "avant"} and any(_is_infinitive(doc[k]) for k in range(j + 2, min(j + 5, i1))):
                return j  # "…, sans toutefois reconnaître les faits": circumstance, not claim
    return i1


def _skip_lead(ctx: _Ctx, a: int, b: int) -> int:
    """Skip dates and adverbs right after a cue ("a annoncé mardi soir …")."""
    doc = ctx.doc
    while a < b and (doc[a].lower_ in DAYS or doc[a].pos_ == "ADV" and ctx.q_of[a] < 0 or _is_number(doc[a]) and a + 1 < b and doc[a + 1].lower_ in TIME_NOUNS):
        a += 2 if _is_number(doc[a]) else 1
    return a


def _skip_segments(ctx: _Ctx, a: int, b: int) -> tuple[int, Mention | None]:
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


# ---------------------------------------------------------------- speakers

def _speaker_entry(ctx: _Ctx, m: Mention) -> tuple[Mention, str, str, str]:
    """A speaker with its name, grammatical number and, for common-noun phrases
    ("la mère de la victime"), gender; names get no gender ("" fits any pronoun)."""
    name = m.canonical or ctx.text[m.start:m.end]
    tok = ctx.doc[min(_tok_at(ctx, m.start), len(ctx.doc) - 1)]
    common = m.label == SOURCE and not m.canonical and not M.is_pronoun(tok)
    number = "Plur" if "Plur" in tok.morph.get("Number", []) and common else "Sing"
    gender = ""
    if common and tok.pos_ in {"DET", "NOUN"}:
        gender = next(iter(tok.morph.get("Gender", [])), "")
    return m, name, number, gender


def _register(ctx: _Ctx, sources: tuple[Mention, ...]) -> None:
    for m in sources:
        if m.start == m.end:
            continue
        ctx.speakers.append(_speaker_entry(ctx, m))


def _unit_subjects(ctx: _Ctx, u: int, i0: int, i1: int) -> list[tuple[Mention, str, str, str]]:
    """Speaker-like nominal subjects of a unit, outside quotations, in order: the
    antecedents of a pronoun in a later unit ("Zelensky a reçu … Il a réclamé")."""
    doc, out, k = ctx.doc, [], i0
    while k < i1:
        tok = doc[k]
        counted = k  # "Des milliers de manifestants": the counted noun says who
        if tok.lemma_.lower() in COUNT_NOUNS and k + 2 < i1 and doc[k + 1].lower_ in M.DE:
            counted = k + 2
        if (tok.dep_.startswith("nsubj") and ctx.q_of[k] < 0 and tok.pos_ in M.NOMINAL
                and not M.is_pronoun(tok) and M.is_speakerish(doc, counted, ctx.ents)):
            m, end = _mention(ctx, k, i0, i1)
            out.append(_speaker_entry(ctx, m))
            ctx.subjects.append(m)
            ctx.subject_units.append(u)
            k = max(end, k + 1)
            continue
        k += 1
    return out


def _resolve(ctx: _Ctx, mention: Mention, pronoun: str) -> Mention:
    """Tie a pronoun to the last speaker, or else subject of an earlier unit, of the
    same number and (when known) gender; it gets that speaker's canonical name."""
    want = "Plur" if pronoun in {"ils", "elles", "eux"} else "Sing"
    gender = {"il": "Masc", "ils": "Masc", "lui": "Masc", "eux": "Masc", "elle": "Fem", "elles": "Fem"}.get(pronoun, "")
    for _mention, name, number, g in reversed(ctx.speakers):
        if number == want and (not g or not gender or g == gender):
            return replace(mention, canonical=name)
    return mention


def _mention(ctx: _Ctx, head: int, floor: int, limit: int) -> tuple[Mention, int]:
    m, end = M.mention_at(ctx.doc, head, floor, limit, ctx.ents)
    tok = ctx.doc[head]
    if M.is_pronoun(tok):
        m = _resolve(ctx, m, M.clean_text(tok))
    return m, end


def _postposed(ctx: _Ctx, a: int, i1: int, quote: int = -1) -> tuple[Mention, int] | None:
    """The speaker after an inverted verb: skips dates, adverbs and prepositional
    phrases ("a affirmé à l'AFP Rami Abdel Rahmane"); *de source X* is a speaker."""
    doc, ents = ctx.doc, ctx.ents
    for j in range(a, min(i1, a + 14)):  # "a appris l'AFP de source syndicale"
        if doc[j].text in {",", ".", ":", ";"} or ctx.q_of[j] != quote:
            break
        if doc[j].lower_ in M.DE and j + 1 < i1 and doc[j + 1].lemma_.lower() == SOURCE_NOUN:
            return _mention(ctx, j + 1, j + 1, i1)
    j = a
    while j < min(i1, a + 14):
        tok = doc[j]
        if tok.text in {",", ".", ":", ";"} or ctx.q_of[j] != quote:
            return None
        if tok.lower_ in M.DE and j + 1 < i1 and doc[j + 1].lemma_.lower() == SOURCE_NOUN:
            return _mention(ctx, j + 1, j + 1, i1)
        if tok.lower_ in DAYS or tok.pos_ == "ADV" or _is_number(tok) or tok.lower_ in TIME_NOUNS:
            j += 1
            continue
        if (tok.pos_ == "ADP" and tok.lower_ != "des") or tok.lower_ in {"au", "aux", "dans", "lors", "sur", "par", "à", "en", "devant", "auprès"}:
            j += 1  # skip the phrase: determiners, then one entity or noun (+ adjectives)
            while j < i1 and doc[j].lower_ in M.DETS:
                j += 1
            if j < i1 and ents[j] >= 0:
                j = ents.spans[ents[j]].end
            elif j < i1:
                j += 1
            while j < i1 and doc[j].pos_ == "ADJ":
                j += 1
            continue
        head = M.first_head(doc, j, i1, ents)
        if head is None:
            return None
        return _mention(ctx, head, j, i1)
    return None


def _has_subject_before(ctx: _Ctx, cue: Cue, i0: int) -> bool:
    """Does the parse give the verb a nominal subject before it, outside quotes?"""
    return any(
        c.dep_.startswith("nsubj") and i0 <= c.i < cue.cs and ctx.q_of[c.i] < 0 and c.pos_ in M.NOMINAL
        for c in ctx.doc[cue.head].children
    )


def _subject(ctx: _Ctx, cue: Cue, i0: int, drafts: list[_Draft]) -> tuple[Mention, ...]:
    """The speaker before a verb cue: its parsed subject, an apposed name, or for a
    participle (", ajoutant que") the speaker of the clause it depends on."""
    doc = ctx.doc
    verb = doc[cue.head]
    if _is_participle(verb) and cue.cs == cue.head:
        if drafts and drafts[-1].sources:
            return drafts[-1].sources
        for _ in range(3):  # climb to the clause the participle hangs on
            if verb.head is verb or any(c.dep_.startswith("nsubj") for c in verb.children):
                break
            verb = verb.head
        if not any(c.dep_.startswith("nsubj") for c in verb.children):
            verb = verb.head
    for child in verb.children:
        if child.dep_.startswith("nsubj") and i0 <= child.i < cue.cs and ctx.q_of[child.i] < 0:
            head = child.i
            if child.lower_ in {"qui"}:  # relative: the speaker is the antecedent
                head = child.head.head.i if child.head.head.i < child.i else head
                if not M.is_speakerish(doc, head, ctx.ents) and drafts and drafts[-1].sources:
                    return drafts[-1].sources  # "assure X, 33 ans, qui dit …"
            if M.is_pronoun(doc[head]) and 0 < head < len(doc) - 1 and doc[head - 1].text == "," \
                    and doc[head + 1].text == ",":  # "L'opposition, elle, a dénoncé": the dislocated phrase
                k = next((k for k in range(i0, head - 1) if ctx.q_of[k] < 0 and doc[k].pos_ in M.NOMINAL
                          and M.is_speakerish(doc, k, ctx.ents)), None)
                if k is not None:
                    return (_mention(ctx, k, i0, head - 1)[0],)
            if M.is_pronoun(doc[head]) or M.first_head(doc, head, cue.cs, ctx.ents) == head:
                return (_mention(ctx, head, i0, cue.cs)[0],)
    # Fallback: the first speaker-like phrase of the clause, past a leading adverbial.
    j = i0
    if doc[j].pos_ == "ADP":
        j = next((k + 1 for k in range(j, cue.cs) if doc[k].text == ","), j)
    for k in range(j, cue.cs):
        if ctx.q_of[k] < 0 and (doc[k].pos_ in M.NOMINAL or M.is_pronoun(doc[k])) and M.is_speakerish(doc, k, ctx.ents):
            return (_mention(ctx, k, j, cue.cs)[0],)
    if drafts and drafts[-1].sources and _is_participle(doc[cue.head]):
        return drafts[-1].sources
    k = cue.cs - 1  # "L'opposition dénonce …" with a mis-tagged verb: the noun just before
    while k >= j and doc[k].pos_ in {"ADV", "ADJ"}:
        k -= 1
    if k >= j and ctx.q_of[k] < 0 and doc[k].pos_ in M.NOMINAL:
        return (_mention(ctx, k, j, cue.cs)[0],)
    return ()


# ---------------------------------------------------------------- per unit

def _unit_frames(ctx: _Ctx, u: int, s: int, e: int) -> list[_Draft]:
    doc = ctx.doc
    i0, i1 = _tok_at(ctx, s), _tok_at(ctx, e)
    if i0 >= i1:
        return []
    cues = _find_cues(ctx, i0, i1)
    cue_starts = {c.cs for c in cues}
    # An inverted cue needs a claim before it: a quotation or a verb. Before the first
    # of these only a subject can stand ("Le maire, X, a salué", "L'opposition, elle, a dit").
    first_claim = next((j for j in range(i0, i1) if ctx.q_of[j] >= 0 or doc[j].pos_ in {"VERB", "AUX"}), i1)
    drafts: list[_Draft] = []
    boundary = s  # where a claim before an inverted cue may start

    for cue in cues:
        cue_chars = _chars(ctx, cue.cs, cue.ce)
        if cue.kind in {"prep", "pour"}:
            boundary = _prep_frame(ctx, cue, u, i1, boundary, cue_starts, drafts)
            continue
        if cue.kind == "verb" and cue.clitic is None and cue.incise is None and first_claim >= cue.cs - 1:
            framed = _around_cue(ctx, cue, cue_chars, u, i0, i1, cue_starts)
            if framed is not None:  # "Depuis janvier, a indiqué M. X, le groupe a …"
                drafts.append(framed)
                _register(ctx, framed.sources)
                continue
        que = _que_after(ctx, cue.ce, i1)
        participle = _is_participle(doc[cue.head]) and cue.cs == cue.head  # ", appelant X à …"
        inverted = cue.clitic is not None or cue.incise is not None or (
            cue.cs > i0 and (doc[cue.cs - 1].text == "," or doc[cue.cs - 1].text in MARKS) and que is None
            and not _has_subject_before(ctx, cue, i0) and not participle and first_claim < cue.cs - 1
        )
        if inverted:
            n = len(drafts)
            boundary = _inverted_frame(ctx, cue, cue_chars, u, i1, boundary, drafts)
            if len(drafts) > n or cue.clitic is not None or cue.incise is not None:
                continue
        sources = _subject(ctx, cue, i0, drafts)
        frame = None
        if que is not None:
            end = _clause_end(ctx, que, i1, cue_starts)
            if end > que:
                cs, ce, qt = _quote_type(ctx, *_chars(ctx, que, end), backward=False)
                frame = _Draft(cs, ce, cue_chars, sources, qt, 0.75, u)
        elif cue.ce < i1 and doc[cue.ce].text == ":" and cue.ce + 1 < i1 and ctx.q_of[cue.ce + 1] >= 0:
            q = ctx.quotes[ctx.q_of[cue.ce + 1]]
            frame = _Draft(q.cstart, q.cend, cue_chars, sources, DIRECT, 0.85, u)
        else:
            a = _skip_lead(ctx, cue.ce, i1)
            end = _clause_end(ctx, a, i1, cue_starts)
            if end > a:
                has_quote = any(ctx.q_of[j] >= 0 for j in range(a, end))
                if has_quote:
                    cs, ce, qt = _quote_type(ctx, *_chars(ctx, a, end), backward=False)
                    frame = _Draft(cs, ce, cue_chars, sources, qt, 0.75, u)
                elif cue.key in verbs().noun_claim and not _is_infinitive(doc[cue.head]) and (
                    doc[a].pos_ in {"DET", "NOUN", "PROPN", "ADP"} or doc[a].lower_ in M.DETS
                ):
                    if doc[a].lower_ in {"de", "d'", "d’"} and a + 1 < end:
                        a += 1
                    cs, ce = _trim(ctx.text, *_chars(ctx, a, end))
                    frame = _Draft(cs, ce, cue_chars, sources, INDIRECT, 0.6, u)
                elif (start := _infinitive_claim(doc, a, end)) is not None:  # "a annoncé avoir saisi la justice"
                    cs, ce = _trim(ctx.text, *_chars(ctx, start, end))
                    frame = _Draft(cs, ce, cue_chars, sources, INDIRECT, 0.6, u)
        if frame is not None and frame.end > frame.start:
            if not frame.sources:
                frame.confidence -= 0.2
            drafts.append(frame)
            _register(ctx, frame.sources)
    return drafts


def _around_cue(ctx: _Ctx, cue: Cue, cue_chars, u, i0, i1, cue_starts) -> _Draft | None:
    """A cue set inside the reported clause after its first words: "Depuis janvier,
    a indiqué M. X, le groupe a supprimé …". One claim from the clause's start to its
    end, the cue and the speaker inside it (docs/CLAIM_BOUNDARIES.md, rule 4)."""
    doc = ctx.doc
    if cue.cs - 1 <= i0 or doc[cue.cs - 1].text != "," or any(ctx.q_of[j] >= 0 for j in range(i0, cue.cs)):
        return None
    src = _postposed(ctx, cue.ce, i1)
    if src is None:
        return None
    mention, after = src
    if after >= i1 or doc[after].text != ",":
        return None
    end = _clause_end(ctx, after + 1, i1, cue_starts)
    if end <= after + 1 or not any(doc[j].pos_ in {"VERB", "AUX"} for j in range(after + 1, end)):
        return None
    start = _skip_lead(ctx, i0, cue.cs)
    cs, ce = _trim(ctx.text, _chars(ctx, start, start + 1)[0], _chars(ctx, end - 1, end)[1])
    ctx.used.append((mention.start, mention.end))
    return _Draft(cs, ce, cue_chars, (mention,), INDIRECT, 0.65, u)


def _inverted_frame(ctx, cue: Cue, cue_chars, u, i1, boundary, drafts) -> int:
    """« … », a déclaré X  /  …, a-t-il dit  /  « A, a dit X, B »."""
    doc = ctx.doc
    src = None
    if cue.clitic is not None:
        pron = M.clean_text(doc[cue.clitic])
        if pron == "on":  # "a-t-on ajouté de source militaire": the source is named after
            src = _postposed(ctx, cue.ce, i1)
        if src is None:
            m = M.pronoun_mention(doc[cue.clitic])
            src = (_resolve(ctx, m, pron) if pron != "on" else m, cue.ce)
    else:
        src = _postposed(ctx, cue.ce, i1, ctx.q_of[cue.head])
        # « … », se sont félicités les écologistes: after a closing quote and a comma,
        # any noun phrase is the speaker; elsewhere it must look like one.
        after_quote = cue.cs >= 2 and doc[cue.cs - 1].text == "," and doc[cue.cs - 2].text in MARKS
        if src is not None and cue.key not in CORE and src[0].label == SOURCE and not after_quote:
            toks = range(_tok_at(ctx, src[0].start), min(_tok_at(ctx, src[0].end), len(doc)))
            if not any(M.is_speakerish(doc, k, ctx.ents) for k in toks):
                return boundary
    if src is None and cue.incise is None:
        return boundary
    sources = (src[0],) if src else ()
    src_end = src[1] if src else cue.ce
    if sources:
        ctx.used.append((sources[0].start, sources[0].end))
    if cue.incise is not None:
        q = cue.incise
        cs, ce, qt, conf = q.cstart, q.cend, DIRECT, 0.85
        if not q.balanced:  # « A, a déclaré X … (never closed): the quote is A
            ce = _trim(ctx.text, q.cstart, cue_chars[0])[1]
    else:
        cs, ce, qt = _quote_type(ctx, boundary, cue_chars[0], backward=True)
        conf = 0.85 if qt == DIRECT else 0.7
        # a second half after the speaker: « A », a dit X, « b … »  (one claim)
        nxt = src_end  # may be followed by an apposition: ", secrétaire générale du Snes, « b »"
        while nxt < i1 and ctx.q_of[nxt] < 0 and doc[nxt].pos_ not in {"VERB", "AUX"} and doc[nxt].text not in {".", ":", ";"}:
            nxt += 1
        if nxt < i1 and ctx.q_of[nxt] >= 0 and qt == DIRECT and doc[nxt - 1].text == ",":
            q2 = ctx.quotes[ctx.q_of[nxt]]
            if q2.cstart < q2.cend and ctx.text[q2.cstart].islower():
                ce = q2.cend
    if ce <= cs:
        return boundary
    quotes = _joined_quotes(ctx, cs, ce) if qt == MIXED else []
    if quotes:  # « A » et « B », a dit X: two claims, one cue, one speaker
        drafts.extend(_Draft(q.cstart, q.cend, cue_chars, sources, DIRECT, 0.8, u) for q in quotes)
    else:
        drafts.append(_Draft(cs, ce, cue_chars, sources, qt, conf, u))
    _register(ctx, sources)
    # "… », a déclaré l'Unicef dans un communiqué : « … »" : the colon opens a second quote
    for j in range(src_end, min(i1, src_end + 8)):
        if doc[j].text in {",", ".", ";"} or ctx.q_of[j] >= 0:
            break
        if doc[j].text == ":" and j + 1 < i1 and ctx.q_of[j + 1] >= 0:
            q = ctx.quotes[ctx.q_of[j + 1]]
            if q.cend > q.cstart:
                drafts.append(_Draft(q.cstart, q.cend, _chars(ctx, j, j + 1), sources, DIRECT, 0.8, u, False))
            break
    return _chars(ctx, src_end - 1, src_end)[1] if src else cue_chars[1]


def _joined_quotes(ctx: _Ctx, s: int, e: int) -> list[Quote]:
    """The quotations of [s, e) when it is nothing but two or more of them joined by
    "et" or commas; else []."""
    quotes = _quotes_in(ctx, s, e)
    if len(quotes) < 2:
        return []
    gaps = [ctx.text[s:quotes[0].start], ctx.text[quotes[-1].end:e]]
    gaps += [ctx.text[a.end:b.start] for a, b in zip(quotes, quotes[1:], strict=False)]
    if all(not gap.replace(",", " ").replace(" et ", " ").strip(SPACES) for gap in gaps):
        return quotes
    return []


def _prep_frame(ctx, cue: Cue, u, i1, boundary, cue_starts, drafts) -> int:
    """*selon X, …* / *d'après X, …* / *pour X, …* and *…, selon X*."""
    doc = ctx.doc
    head = M.first_head(doc, cue.ce, i1, ctx.ents)
    if head is None:
        return boundary
    comma = next((j for j in range(cue.ce, i1) if doc[j].text == "," and ctx.q_of[j] < 0), i1)
    m, _ = _mention(ctx, head, cue.ce, comma)
    ctx.used.append(_chars(ctx, cue.ce, comma))
    cue_chars = _chars(ctx, cue.cs, cue.ce)
    # "…, selon l'agence MAP, faisant état de …": a cue after X, so the claim precedes X
    cue_next = comma + 1 < i1 and (comma + 1 in cue_starts or _is_participle(doc[comma + 1]))
    if comma + 1 < i1 and not (cue_next and _chars(ctx, cue.cs, cue.cs + 1)[0] - boundary >= 12):
        a, name = _skip_segments(ctx, comma + 1, i1)  # the claim follows X
        if name is not None:
            m = name
        end = _clause_end(ctx, a, i1, cue_starts)
        if end <= a:
            return boundary
        if any(j in cue_starts and doc[j - 1].text != "," and doc[j - 1].text not in CLOSING_MARKS
               for j in range(a + 1, end)):
            # "Selon l'agence, le ministre X a affirmé : « … »": the words are X's, the
            # agency only reports them; the verb's own frame says so. (An incise after a
            # quotation, "« … », a-t-il souligné", is X's own cue: the frame stays.)
            return boundary
        cs, ce, qt = _quote_type(ctx, *_chars(ctx, a, end), backward=False)
        new_boundary = _chars(ctx, comma, comma + 1)[1]
    else:  # the claim precedes X: "…, selon un porte-parole"
        cs, ce, qt = _quote_type(ctx, boundary, cue_chars[0], backward=False)
        new_boundary = _chars(ctx, comma if cue_next else i1 - 1, (comma if cue_next else i1 - 1) + 1)[1]
        if ce - cs < 12:
            return boundary
    drafts.append(_Draft(cs, ce, cue_chars, (m,), qt, 0.75, u, False))
    _register(ctx, (m,))
    return new_boundary


# ---------------------------------------------------------------- the whole doc

def _context(doc) -> _Ctx:
    text = doc.text
    quotes = find_quotes(text)
    starts = [t.idx for t in doc]
    q_of, k = [-1] * len(doc), 0
    for i, start in enumerate(starts):  # one sweep: tokens and quotes are both sorted
        while k < len(quotes) and quotes[k].end <= start:
            k += 1
        if k < len(quotes) and quotes[k].start <= start < quotes[k].end:
            q_of[i] = k
    return _Ctx(doc, text, quotes, [q.start for q in quotes], starts, q_of, M.ent_index(doc))


def _floating(ctx: _Ctx, drafts: list[_Draft], units: list[tuple[int, int]]) -> list[_Draft]:
    """Quotations no cue claimed inherit the previous speaker (within two units)."""
    claimed = sorted([(d.start, d.end) for d in drafts] + ctx.used)
    c_starts, c_maxend, top = [a for a, _ in claimed], [], -1
    for _, b in claimed:  # running maximum of ends: "does any interval reach past x?"
        top = max(top, b)
        c_maxend.append(top)
    unit_starts = [s for s, _ in units]
    by_end = sorted(drafts, key=lambda d: d.end)
    k, last = 0, None  # last draft with a source that ends before the current quote
    out = []
    for q in ctx.quotes:
        while k < len(by_end) and by_end[k].end <= q.start:
            if by_end[k].sources:
                last = by_end[k]
            k += 1
        idx = bisect_left(c_starts, q.end) - 1
        if idx >= 0 and c_maxend[idx] > q.start:
            continue
        if len(ctx.text[q.cstart:q.cend].split()) < 4:
            continue
        u = max(0, bisect_left(unit_starts, q.start + 1) - 1)
        char, pos = _prev_char(ctx.text, q.start)
        colon = char == ":"
        if not colon and units[u][0] != q.start:
            continue
        sources = last.sources if last is not None and u - last.unit <= 2 else ()
        if not sources:  # "Ugo Humbert n'a pas cherché d'excuses. « … »": the last subject
            j = bisect_left(ctx.subject_units, u) - 1
            if j >= 0 and u - ctx.subject_units[j] == 1:
                sources = (ctx.subjects[j],)
        if colon:  # "La capitaine X partage cet optimisme : « … »": X speaks
            sources = _colon_subject(ctx, units[u][0], pos) or sources
        cue = (pos, pos + 1) if colon else None
        out.append(_Draft(q.cstart, q.cend, cue, sources, DIRECT, 0.6 if sources else 0.4, u, False))
    return out


def _colon_subject(ctx: _Ctx, s: int, colon: int) -> tuple[Mention, ...]:
    """The speaker-like subject of the clause that ends with a colon, if any."""
    doc = ctx.doc
    i0, k = _tok_at(ctx, s), _tok_at(ctx, colon)
    found = [i for i in range(i0, k) if ctx.q_of[i] < 0 and doc[i].pos_ in M.NOMINAL
             and M.is_speakerish(doc, i, ctx.ents)]
    subjects = [i for i in found if doc[i].dep_.startswith("nsubj")]
    if subjects or found:  # the parsed subject, else the first speaker-like noun
        m, _ = _mention(ctx, (subjects or found)[0], i0, k)
        return (m,)
    return ()


def _headings(ctx: _Ctx, drafts: list[_Draft]) -> list[_Draft]:
    """A quotation standing alone on its line (a heading, an intertitle) is a claim
    with low confidence and no cue, said by the speaker of the frame that repeats its
    words, else of the next frame after it. Returns the drafts, headings included."""
    text, out = ctx.text, list(drafts)
    said = [d for d in drafts if d.sources]
    for q in ctx.quotes:
        line_start = text.rfind("\n", 0, q.start) + 1
        line_end = text.find("\n", q.end)
        line_end = len(text) if line_end == -1 else line_end
        alone = not text[line_start:q.start].strip(SPACES) and not text[q.end:line_end].strip(SPACES + ".!?…")
        if not q.balanced or not alone or q.cend <= q.cstart:
            continue
        covering = [d for d in out if d.start < q.end and q.start < d.end]
        if any(d.sources or d.cue for d in covering):
            continue  # already someone's words
        words = text[q.cstart:q.cend]
        source = next((d for d in said if words in text[d.start:d.end]), None) or next(
            (d for d in said if d.start > q.end), None)
        out = [d for d in out if d not in covering]
        out.append(_Draft(q.cstart, q.cend, None, source.sources if source else (), DIRECT, 0.4, -1, False))
    return out


def _merge(drafts: list[_Draft]) -> list[_Draft]:
    """Frames whose claims overlap by half of the shorter one are one claim."""
    merged: list[_Draft] = []
    for d in sorted(drafts, key=lambda d: (d.start, -d.end)):
        if merged:
            p = merged[-1]
            overlap = min(p.end, d.end) - max(p.start, d.start)
            if overlap > 0 and overlap >= 0.5 * min(p.end - p.start, d.end - d.start):
                cue = p.cue if (p.verbal or not d.verbal) else d.cue
                seen = {(m.start, m.end) for m in p.sources}
                sources = p.sources + tuple(m for m in d.sources if (m.start, m.end) not in seen)
                qt = p.quote_type if p.quote_type == d.quote_type else MIXED
                merged[-1] = _Draft(min(p.start, d.start), max(p.end, d.end), cue, sources, qt,
                                    max(p.confidence, d.confidence), p.unit, p.verbal or d.verbal)
                continue
        merged.append(d)
    return merged


def _claim_type(ctx: _Ctx, s: int, e: int) -> str | None:
    """"statistic" when the claim counts something: a number before a noun or %."""
    doc = ctx.doc
    i, end = _tok_at(ctx, s), _tok_at(ctx, e)
    while i < end:
        tok = doc[i]
        if tok.lemma_.lower() in COUNT_NOUNS and i + 2 < end and doc[i + 1].lower_ in M.DE:
            return "statistic"
        if _is_number(tok):
            j = i + 1
            while j < end and _is_number(doc[j]):
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


def suggest_frames(doc) -> list[Frame]:
    """Return the claim frames of ``doc`` in reading order."""
    if len(doc) == 0:
        return []
    ctx = _context(doc)
    units = sentence_units(ctx.text, ctx.quotes)
    drafts: list[_Draft] = []
    for u, (s, e) in enumerate(units):
        k = len(ctx.speakers)
        drafts.extend(_unit_frames(ctx, u, s, e))
        # this unit's subjects rank below its speakers for later pronouns
        ctx.speakers[k:k] = _unit_subjects(ctx, u, _tok_at(ctx, s), _tok_at(ctx, e))
    drafts = _merge(drafts + _floating(ctx, drafts, units))
    drafts = sorted(_headings(ctx, drafts), key=lambda d: (d.start, d.end))
    frames = []
    for d in drafts:
        start, end = claim_edges(ctx.text, d.start, d.end)
        if end <= start:
            continue
        frames.append(Frame(
            claim_start=start, claim_end=end, cue=d.cue, sources=d.sources,
            quote_type=d.quote_type, claim_type=_claim_type(ctx, d.start, d.end),
            confidence=round(min(max(d.confidence, 0.05), 0.95), 2),
        ))
    return identify(doc, frames)
