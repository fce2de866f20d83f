"""Speaker mentions: noun phrases, named entities, appositions and pronouns.

All functions take token indices into a parsed ``Doc`` and look at a few
tokens around them only, so the engine stays linear in the length of a text.
"""
from __future__ import annotations

from glose.lexicon import PRONOUNS
from glose.suggest.frames import Mention
from glose.vocabulary import ENTITY_LABELS, LOC, MISC, PER, SOURCE

DETS = {"le", "la", "les", "l'", "l’", "un", "une", "des", "du", "son", "sa", "ses", "leur",
        "leurs", "ce", "cet", "cette", "ces", "plusieurs", "deux", "trois", "certains",
        "certaines", "de", "d'", "d’", "notre", "votre", "nos", "vos", "aucun", "aucune"}
DE = {"de", "du", "des", "d'", "d’"}
NOMINAL = {"NOUN", "PROPN"}
# Entities that can speak. LOC is kept: "la France demande", "Moscou a démenti".
SPEAKER_LABELS = set(ENTITY_LABELS)


class EntIndex(list):
    """For each token, the index of its entity in ``spans`` (or -1); and the speaker
    nouns of the lexicon in use, which decide with the entities who can speak.

    ``doc.ents`` rebuilds its tuple on every access, so the spans are kept here once.
    """

    spans: tuple = ()
    speaker_nouns: frozenset[str] = frozenset()


def ent_index(doc, speaker_nouns: frozenset[str]) -> EntIndex:
    """Map tokens to ``doc.ents`` in one pass."""
    idx = EntIndex([-1] * len(doc))
    idx.spans = tuple(doc.ents)
    idx.speaker_nouns = speaker_nouns
    for k, ent in enumerate(idx.spans):
        for i in range(ent.start, ent.end):
            idx[i] = k
    return idx


def clean_text(tok) -> str:
    return tok.text.lstrip("-").lower()


def is_pronoun(tok) -> bool:
    # inverted clitics ("-elle") are sometimes tagged X
    return clean_text(tok) in PRONOUNS and (tok.pos_ == "PRON" or tok.text.startswith("-"))


def entity_mention(ent) -> Mention:
    return Mention(ent.start_char, ent.end_char, ent.label_ or SOURCE)


def pronoun_mention(tok) -> Mention:
    """The pronoun itself, without the hyphen of an inverted clitic (a-t-il)."""
    start = tok.idx + (len(tok.text) - len(tok.text.lstrip("-")))
    return Mention(start, tok.idx + len(tok.text), SOURCE)


def np_end(doc, head: int, limit: int, ents: EntIndex) -> int:
    """Token index just past the noun phrase headed by ``head``: adjectives and
    ``de`` complements ("porte-parole militaire du régime"), never past ``limit``."""
    i = head + 1
    if ents[head] >= 0:
        i = max(i, ents.spans[ents[head]].end)
    while i < limit:
        tok = doc[i]
        if tok.pos_ == "ADJ" or tok.text in {"«", "»"} and i + 1 < limit:
            i += 1
        elif tok.lower_ in DE and i + 1 < limit:
            j = i + 1
            while j < limit and (doc[j].lower_ in DETS or doc[j].text in {"«"}):
                j += 1
            if j < limit and (doc[j].pos_ in NOMINAL or ents[j] >= 0):
                i = ents.spans[ents[j]].end if ents[j] >= 0 else j + 1
                i = min(i, limit)
            else:
                break
        elif ents[i] >= 0 and ents.spans[ents[i]].start == i and apposed_name(doc, i, limit, ents):
            break  # an apposed name starts here
        elif tok.pos_ == "PROPN" or (tok.pos_ == "NOUN" and doc[i - 1].pos_ == "PROPN"):
            i += 1  # tails of names the tagger split ("Abdel Rahmane")
        elif _particle(doc, i, limit):
            i += 2  # "Marine Le Pen", "Ursula von der Leyen"
        else:
            break
    return min(i, limit)


PARTICLES = {"le", "la", "de", "du", "des", "von", "van", "der", "den", "al", "ben", "el", "di", "da"}


def _particle(doc, i: int, limit: int) -> bool:
    """A name particle between two capitalised words (Le Pen, von der Leyen)."""
    return (doc[i].lower_ in PARTICLES and i + 1 < limit and doc[i + 1].text[:1].isupper()
            and doc[i - 1].text[:1].isupper() and doc[i - 1].pos_ in NOMINAL)


def name_run(doc, i: int, limit: int) -> int:
    """End of a run of capitalised proper-noun tokens starting at ``i`` (a name the
    tagger did not mark as an entity), or ``i`` when there is none of two words."""
    j = i
    while j < limit and (doc[j].text[:1].isupper() and doc[j].pos_ in NOMINAL or j > i and _particle(doc, j, limit)):
        j += 2 if doc[j].lower_ in PARTICLES and j > i else 1
    return j if j - i >= 2 and doc[i].pos_ == "PROPN" else i


def np_start(doc, head: int, floor: int) -> int:
    """Token index where the noun phrase of ``head`` starts (determiners, adjectives)."""
    i = head
    while i - 1 >= floor and (doc[i - 1].lower_ in DETS - {"de", "d'", "d’"} or doc[i - 1].pos_ in {"ADJ", "NUM"}
                              or doc[i - 1].text == "«"):
        i -= 1
    return i


def apposed_name(doc, after: int, limit: int, ents: EntIndex):
    """A PER entity right after a noun phrase ("son porte-parole, Stéphane Dujarric";
    "le chef de la diplomatie française Jean-Marc Ayrault"), else None."""
    i = after
    if i < limit and doc[i].text == ",":
        i += 1
    if i < limit and ents[i] >= 0:
        ent = ents.spans[ents[i]]
        # the tagger sometimes calls a foreign name MISC: all-proper-noun spans count
        named = ent.label_ == PER or all(t.pos_ == "PROPN" for t in ent) and ent.label_ == MISC
        if named and ent.start == i and ent.end <= limit:
            return ent
    if i > after and i < limit:  # ", Bruno Le Maire," with no entity: a capitalised run
        end = name_run(doc, i, limit)
        if end > i and (end >= limit or doc[end].text in {",", ")"} or doc[end].pos_ in {"ADP", "VERB", "AUX"}):
            return doc[i:end]
    return None


def mention_at(doc, tok_i: int, floor: int, limit: int, ents: EntIndex) -> tuple[Mention, int]:
    """The speaker mention whose head is the token ``tok_i``; returns it and the
    token index where its phrase ends. Names win over the titles apposed to them."""
    tok = doc[tok_i]
    if is_pronoun(tok):
        return pronoun_mention(tok), tok_i + 1
    if ents[tok_i] >= 0:
        ent = ents.spans[ents[tok_i]]
        end = ent.end
        if ent.label_ != PER:
            # "le porte-parole de l'ONU" is headed by a noun, not by the ORG it contains;
            # nor is "Secrétaire général" a place, whatever the tagger says.
            start = np_start(doc, ent.start, floor)
            if start < ent.start and doc[start].pos_ == "NOUN" and doc[start].lower_ not in DETS:
                tok_i = start
            elif doc[ent.start].lemma_.lower() in ents.speaker_nouns and doc[ent.start].text.islower():
                tok_i = ent.start
            elif ent.label_ in {LOC, MISC} and doc[ent.start].lemma_.lower() in ents.speaker_nouns:
                tok_i = ent.start
            else:
                name = apposed_name(doc, end, limit, ents)
                if name is not None:
                    return entity_mention(name), name.end
                return entity_mention(ent), end
        else:
            return entity_mention(ent), end
    start = np_start(doc, tok_i, floor)
    end = np_end(doc, tok_i, limit, ents)
    name = apposed_name(doc, end, limit, ents)
    if name is not None:
        return entity_mention(name), name.end
    # A name inside the phrase's own tail (rare tagger splits) is not looked for:
    # "le porte-parole de Ban Ki-moon" is the spokesman, not Ban Ki-moon.
    s, e = doc[start].idx, doc[end - 1].idx + len(doc[end - 1])
    return Mention(s, e, SOURCE), end


def first_head(doc, i: int, limit: int, ents: EntIndex) -> int | None:
    """The first token from ``i`` that can head a speaker phrase, skipping determiners."""
    start = i
    while i < limit and (doc[i].lower_ in DETS or doc[i].text in {"«", "»", "“"}):
        i += 1
    if i >= limit:
        return None
    tok = doc[i]
    if tok.pos_ in NOMINAL or ents[i] >= 0 or is_pronoun(tok) or tok.lower_ in ents.speaker_nouns:
        return i
    if tok.pos_ == "VERB" and i > start and doc[i - 1].lower_ in DETS - DE:
        return i  # "la leader de …" read as a verb: after an article it is a noun
    if tok.pos_ == "ADJ" and i + 1 < limit and doc[i + 1].pos_ in NOMINAL:
        return i + 1
    return None


def is_speakerish(doc, head: int, ents: EntIndex) -> bool:
    """Could this phrase head be someone who speaks (a name, a pronoun, a speaker noun)?"""
    tok = doc[head]
    if ents[head] >= 0 and ents.spans[ents[head]].label_ in SPEAKER_LABELS:
        return True
    return (is_pronoun(tok) or tok.lemma_.lower() in ents.speaker_nouns or tok.lower_ in ents.speaker_nouns
            or tok.pos_ == "PROPN" and tok.text[:1].isupper())
