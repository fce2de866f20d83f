"""Stage 1 of the claim-frame engine: cues, the words that mark reported speech.

Reporting verbs are matched on lemmas (``glose.lexicon``, Verb∋Net and the hand list),
on the surface forms the tagger misreads, and as any verb of the incise after a
quotation (« … », a tonné X); prepositional cues are *selon*, *d'après* (the lexicon's
``prep_cues.txt``) and *pour X,*. The patterns are data: a spaCy ``Matcher`` built
from the lexicon (``CueFinder``) marks the candidate tokens in one C pass, and only
those go through the checks below, which need the parse around them.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from glose.lexicon import PREP_POUR, Lexicon
from glose.suggest import mentions as M
from glose.suggest.context import CLOSING_MARKS, DAYS, QUE, Ctx, is_infinitive, prev_char
from glose.suggest.quotes import Quote
from glose.vocabulary import PER

# Verbs that report speech whenever they are inverted after a comma, whatever
# follows (others need a plausible speaker: "a poursuivi son offensive").
CORE = {"dire", "déclarer", "affirmer", "ajouter", "annoncer", "estimer", "souligner", "préciser",
        "indiquer", "expliquer", "assurer", "confier", "écrire", "dénoncer", "insister",
        "rappeler", "juger", "avertir", "prévenir", "lancer", "poursuivre", "conclure"}


@dataclass
class Cue:
    kind: str  # verb | prep | pour
    cs: int  # first token of the cue
    ce: int  # token after the cue
    head: int  # the verb (or preposition) token
    key: str = ""  # lexicon key: lemma or "faire état"
    clitic: int | None = None  # inverted subject clitic token (a-t-il)
    incise: Quote | None = None  # the quotation the cue interrupts


NOT_SPEECH_WHEN_REFLEXIVE = {"expliquer", "traduire", "confirmer", "annoncer", "révéler", "avérer", "préciser"}
"""Verbs that say nothing reflexively: "s'explique par", "se confirme", "s'annonce difficile"."""

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


def _surface_forms(lex: Lexicon) -> dict[str, str]:
    """Surface forms of reporting verbs, for words the tagger mislabels (it reads
    "dénonce" in « … », dénonce l'ONU as a noun, "estime" as its own lemma)."""
    forms: dict[str, str] = {}
    for lemma in lex.verbs.lemmas:
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
        if lemma in lex.verbs.lemmas:
            forms.setdefault(form, lemma)
    return forms


def verb_key(ctx: Ctx, i: int) -> tuple[str, int] | None:
    """The lexicon key of a reporting verb at token ``i`` and the token after it."""
    doc, tok = ctx.doc, ctx.doc[i]
    lex = ctx.lex.verbs
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
    if prev is not None and prev.lower_ in {"se", "s'", "s’"} and lemma in NOT_SPEECH_WHEN_REFLEXIVE:
        return None  # "la hausse s'explique par …", "la tendance se confirme"
    if prev is not None and prev.lower_ in M.DETS and not (prev.lower_ in M.DE and is_infinitive(tok)):
        return None  # "l'estime", "un appel": a noun; but "avant d'ajouter que"
    if prev is not None and prev.pos_ in {"ADP", "DET", "NUM"} and tok.pos_ == "NOUN":
        return None  # "en réplique", "142 500 demandes": a noun
    if lemma in lex.lemmas and (tok.pos_ in {"VERB", "AUX"} or prev is None or prev.pos_ == "AUX"
                                or prev.text in {",", "»", "”", '"'} or prev.lower_ in {"se", "s'", "s’"}):
        return lemma, i + 1
    form = ctx.forms.get(tok.lower_)
    if form and tok.pos_ not in {"ADJ", "ADP", "DET"}:
        return form, i + 1
    if form and tok.pos_ == "ADJ" and prev is not None and _after_a_subject(prev) and (
            _que_ahead(doc, i + 1) or i + 1 < len(doc) and _opens_a_claim(doc[i + 1]) and tok.lower_.endswith("e")):
        # "L'opposition juge que …", "Elle raconte avoir …", "La SNCF invoque un manque …": a verb
        # in the present read as an adjective (not "une décision contestée par …")
        return form, i + 1
    return None


def _after_a_subject(prev) -> bool:
    return prev.pos_ in M.NOMINAL or prev.text == "," or M.is_pronoun(prev)


def _opens_a_claim(tok) -> bool:
    """Could a claim start at ``tok`` right after its verb: an infinitive, an article, a quotation?"""
    return is_infinitive(tok) or tok.pos_ == "DET" or tok.text in {"«", "“", '"'}


def _que_ahead(doc, j: int) -> bool:
    """Does a que-clause open within a few words, before any punctuation?"""
    for k in range(j, min(j + 5, len(doc))):
        if doc[k].lower_ in QUE:
            return True
        if doc[k].is_punct:
            return False
    return False


def find_cues(ctx: Ctx, i0: int, i1: int) -> list[Cue]:
    """The cues of the unit of tokens [i0, i1), in order. Only the tokens the cue
    patterns matched (``candidates``) are looked at."""
    doc, cues, cands = ctx.doc, [], ctx.cue_candidates
    i = i0
    for c in range(bisect_left(cands, i0), bisect_left(cands, i1)):
        if cands[c] < i:
            continue  # inside the cue just found
        i = cands[c]
        low = doc[i].lower_.replace("’", "'")
        if ctx.q_of[i] < 0:
            prep = next((len(words) for words in ctx.lex.prep_cues if i + len(words) <= i1 and all(
                doc[i + k].lower_.replace("’", "'") == word for k, word in enumerate(words))), 0)
            if prep:
                cues.append(Cue("prep", i, i + prep, i, low))
                i += prep
                continue
            if low == PREP_POUR and _pour_cue(ctx, i, i1):
                cues.append(Cue("pour", i, i + 1, i, low))
                i += 1
                continue
        found = verb_key(ctx, i) or _incise_verb(ctx, i, i0)
        if found is None:
            continue
        key, end = found
        cue = _verb_cue(ctx, i, end, key, i0, i1)
        if cue is not None:
            cues.append(cue)
            i = max(cue.ce, i + 1)
    return cues


def _incise_verb(ctx: Ctx, i: int, i0: int) -> tuple[str, int] | None:
    """Any verb in the incise right after a quotation is a reporting verb, in the
    lexicon or not: « … », a tonné X; « … », raille-t-elle; « … », a-t-il martelé."""
    doc, tok = ctx.doc, ctx.doc[i]
    if tok.pos_ not in INCISE_TAGS or ctx.q_of[i] >= 0 or tok.text.startswith("-"):
        return None  # (nor the inverted clitic "-elle", which the tagger may call X)
    k = i
    while k - 1 >= i0 and (doc[k - 1].pos_ == "AUX" or doc[k - 1].text.startswith("-")
                           or doc[k - 1].lower_ in {"s'", "s’", "se"}):
        k -= 1  # "a", "a-t-il", "ont", "s'enthousiasme"
    if k - 2 < i0 or doc[k - 1].text != "," or doc[k - 2].text not in CLOSING_MARKS:
        return None
    if tok.pos_ != "VERB" and k == i and not _misread_incise(doc, i):
        return None  # a noun or adjective counts after an auxiliary: "a-t-il répété" read as ADJ
    return tok.lemma_.lower(), i + 1


def _verb_cue(ctx: Ctx, i: int, end: int, key: str, i0: int, i1: int) -> Cue | None:
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
    after_quote = cs >= i0 + 2 and doc[cs - 1].text == "," and doc[cs - 2].text in CLOSING_MARKS
    if (cs == i and "Part" in tok.morph.get("VerbForm", []) and "Past" in tok.morph.get("Tense", [])
            and tok.dep_ != "ROOT" and not after_quote):
        # a bare past participle is an adjective: "une affirmation contestée par …" ("X dit …" is
        # not, nor "« … », décrit X", where "décrit" is read as a participle)
        return None
    cue = Cue("verb", cs, ce, i, key, clitic)
    q = ctx.q_of[i]
    if q >= 0:  # only an incise may interrupt a quotation: « A, a déclaré X, B »
        if cs - 1 < i0 or doc[cs - 1].text != "," or ctx.q_of[cs - 1] != q:
            return None
        cue.incise = ctx.quotes[q]
    if is_infinitive(doc[i]) and not que_after(ctx, ce, i1):
        return None
    return cue


def _pour_cue(ctx: Ctx, i: int, i1: int) -> bool:
    """*pour X,* attributes only when X is a speaker right before a comma."""
    doc = ctx.doc
    before, _ = prev_char(ctx.text, doc[i].idx)  # clause start: "Pour X," / ", pour X,"
    if before not in {"", ".", ",", ";", ":", "!", "?", "»"} and doc[i - 1].pos_ != "CCONJ":
        return False
    head = M.first_head(doc, i + 1, i1, ctx.ents)
    if head is None or not M.is_speakerish(doc, head, ctx.ents):
        return False
    _, end = M.mention_at(doc, head, i + 1, i1, ctx.ents)
    # the name's tail the parse left out, or an adverb: "Pour l'association Eau Vive 32,", "pour lui désormais,"
    # then, before the comma, the name's tail the parse left out ("Anne-Sophie Le Guennec"), an adverb
    # ("pour lui désormais,"), or a complement ("l'avocate spécialisée en droit du numérique Claire Dumontet,")
    comma = next((j for j in range(end, min(i1, end + 12)) if doc[j].text == "," or doc[j].is_punct
                  and doc[j].text not in {"-", "'", "’", "(", ")"}), None)  # "Pour la Fédération (FFE),"
    if comma is None or doc[comma].text != ",":
        return False
    # no verb before the comma, but for a participle in the name's complement ("l'avocate
    # spécialisée en droit du numérique Claire Dumontet,")
    named = any(doc[j].ent_type_ == PER for j in range(end, comma))
    return named or not any(ctx.verbal[j] for j in range(end, comma))


def que_after(ctx: Ctx, ce: int, i1: int) -> int | None:
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
        if doc[j].text in {",", ".", ";", ":"} or ctx.q_of[j] >= 0 or doc[j].pos_ == "VERB" and low not in DAYS:
            return None  # (the tagger reads "lundi" as a verb, now and then)
    return None


INCISE_TAGS = {"VERB", "ADJ", "NOUN", "X", "PROPN"}
"""What the tagger calls the verb of an incise (« … », a-t-il répété: ADJ; s'agace-t-elle: X;
anticipe un courtier: PROPN)."""


def _misread_incise(doc, i: int) -> bool:
    """A lower-case word the tagger did not call a verb, right after « … », and followed
    by an inverted subject ("raconte-t-elle") or by its subject ("anticipe un courtier")."""
    if i + 1 >= len(doc) or not doc[i].text.islower():
        return False
    after = doc[i + 1]
    return after.text.startswith("-") or after.pos_ in ("DET", "PROPN")
INCISE_REACH = 6
"""Tokens after « …», at most, to an incise's verb (auxiliaries and a-t-il between)."""


class CueFinder:
    """The cue patterns of one lexicon, compiled for one vocabulary.

    ``PhraseMatcher`` tables, not token patterns with ``IN`` sets: a lookup by hash per
    token in C, where ``IN`` calls a Python predicate for every token of the text.
    """

    def __init__(self, lex: Lexicon, vocab) -> None:
        from spacy.matcher import PhraseMatcher
        from spacy.tokens import Doc

        self.lex, self.vocab = lex, vocab  # held: the cache below is keyed by their ids
        self.forms = _surface_forms(lex)
        verbs = lex.verbs
        lemmas = set(verbs.lemmas) | {words[0] for words in verbs.multiword}
        lemmas |= {lemma.capitalize() for lemma in lemmas}  # the lemma of a sentence's first word
        lowers = set(self.forms) | {PREP_POUR} | {words[0] for words in lex.prep_cues}
        lowers |= {word.replace("'", "’") for word in lowers}
        self.by_lemma = PhraseMatcher(vocab, attr="LEMMA")
        self.by_lemma.add("verb", [Doc(vocab, words=[w], lemmas=[w]) for w in sorted(lemmas)])
        self.by_lower = PhraseMatcher(vocab, attr="LOWER")
        self.by_lower.add("form", [Doc(vocab, words=[w]) for w in sorted(lowers)])
        self.after_quote = PhraseMatcher(vocab, attr="ORTH")
        self.after_quote.add("AFTER_QUOTE", [Doc(vocab, words=[mark, ","]) for mark in sorted(CLOSING_MARKS)])

    def candidates(self, doc) -> list[int]:
        """Sorted token indices where a cue may start: a lexicon match, or a verb
        within ``INCISE_REACH`` tokens after « …»,."""
        found = {start for _, start, _ in self.by_lemma(doc)}
        found.update(start for _, start, _ in self.by_lower(doc))
        after_quote = self.after_quote(doc)
        if after_quote:
            import numpy
            from spacy.attrs import POS

            verbs = numpy.isin(doc.to_array([POS]), [self.vocab.strings[tag] for tag in INCISE_TAGS])
            for _, _, end in after_quote:
                found.update(k for k in range(end, min(end + INCISE_REACH, len(doc))) if verbs[k])
        return sorted(found)


_FINDERS: dict[tuple[int, int], CueFinder] = {}


def finder(lex: Lexicon, vocab) -> CueFinder:
    """The ``CueFinder`` of this lexicon and vocabulary, compiled once."""
    key = (id(lex), id(vocab))
    if key not in _FINDERS:
        _FINDERS[key] = CueFinder(lex, vocab)
    return _FINDERS[key]

