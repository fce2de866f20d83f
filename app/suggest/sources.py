"""Stage 3 of the claim-frame engine: the source mention of each cue.

The speaker before a verb is its parsed subject (or an apposed name); after an
inverted verb it is the noun phrase that follows, past dates and prepositional
phrases; a pronoun is tied to the last speaker, or subject of an earlier unit, of
its number and gender (``ctx.speakers``). Who a mention *is* (the proper name of a
descriptor, of a chain of pronouns) is the last stage's work: ``speakers.identify``.
"""
from __future__ import annotations

from bisect import bisect_left
from dataclasses import replace

from glose.lexicon import SOURCE_NOUN, TIME_NOUNS
from glose.suggest import mentions as M
from glose.suggest.context import DAYS, Ctx, Draft, is_participle, tok_at
from glose.suggest.cues import Cue
from glose.suggest.frames import Mention
from glose.vocabulary import SOURCE


def _speaker_entry(ctx: Ctx, m: Mention) -> tuple[Mention, str, str, str]:
    """A speaker with its name, grammatical number and gender: for common-noun phrases
    ("la mère de la victime") their own, for names what the text says of the person
    ("Mme X", "la procureure, X"); "" fits any pronoun."""
    name = m.canonical or ctx.text[m.start:m.end]
    tok = ctx.doc[min(tok_at(ctx, m.start), len(ctx.doc) - 1)]
    common = m.label == SOURCE and not m.canonical and not M.is_pronoun(tok)
    number = "Plur" if "Plur" in tok.morph.get("Number", []) and common else "Sing"
    gender = ""
    if common and tok.pos_ in {"DET", "NOUN"}:
        gender = next(iter(tok.morph.get("Gender", [])), "")
    elif not common and ctx.people is not None:  # a name: what its title or apposition says
        gender = ctx.people.gender_of(m.start, m.end)
    return m, name, number, gender


def register(ctx: Ctx, sources: tuple[Mention, ...]) -> None:
    for m in sources:
        if m.start == m.end:
            continue
        ctx.speakers.append(_speaker_entry(ctx, m))


def unit_subjects(ctx: Ctx, u: int, i0: int, i1: int) -> list[tuple[Mention, str, str, str]]:
    """Speaker-like nominal subjects of a unit, outside quotations, in order: the
    antecedents of a pronoun in a later unit ("Zelensky a reçu … Il a réclamé")."""
    doc, out, subjects, after = ctx.doc, [], ctx.nominal_subjects, i0
    for n in range(bisect_left(subjects, i0), bisect_left(subjects, i1)):
        k = subjects[n]
        if k < after or ctx.q_of[k] >= 0:
            continue
        counted = k  # "Des milliers de manifestants": the counted noun says who
        if k in ctx.count_nouns and k + 2 < i1 and doc[k + 1].lower_ in M.DE:
            counted = k + 2
        if not M.is_pronoun(doc[k]) and M.is_speakerish(doc, counted, ctx.ents):
            m, end = mention_of(ctx, k, i0, i1)
            out.append(_speaker_entry(ctx, m))
            ctx.subjects.append(m)
            ctx.subject_units.append(u)
            after = max(end, k + 1)
    return out


def resolve(ctx: Ctx, mention: Mention, pronoun: str) -> Mention:
    """Tie a pronoun to the last speaker, or else subject of an earlier unit, of the
    same number and (when known) gender; it gets that speaker's canonical name."""
    want = "Plur" if pronoun in {"ils", "elles", "eux"} else "Sing"
    gender = {"il": "Masc", "ils": "Masc", "lui": "Masc", "eux": "Masc", "elle": "Fem", "elles": "Fem"}.get(pronoun, "")
    # A person subject earlier in the same sentence comes first: "Son voisin, Bastien Roux,
    # … préfère …: la raquette attire, selon lui, …"
    here = tok_at(ctx, mention.start)
    subjects = ctx.nominal_subjects
    for n in range(bisect_left(subjects, here) - 1, bisect_left(subjects, ctx.unit_start) - 1, -1):
        k = subjects[n]
        if ctx.q_of[k] < 0 and want == "Sing" and M.is_speakerish(ctx.doc, k, ctx.ents) \
                and "Plur" not in ctx.doc[k].morph.get("Number", []):
            _, name, _, g = _speaker_entry(ctx, mention_of(ctx, k, ctx.unit_start, here)[0])
            if not g or not gender or g == gender:
                return replace(mention, canonical=name)
            break
    for _, name, number, g in reversed(ctx.speakers):
        if number == want and (not g or not gender or g == gender):
            return replace(mention, canonical=name)
    return mention


def mention_of(ctx: Ctx, head: int, floor: int, limit: int) -> tuple[Mention, int]:
    m, end = M.mention_at(ctx.doc, head, floor, limit, ctx.ents)
    tok = ctx.doc[head]
    if M.is_pronoun(tok):
        m = resolve(ctx, m, M.clean_text(tok))
    return m, end


def postposed(ctx: Ctx, a: int, i1: int, quote: int = -1) -> tuple[Mention, int] | None:
    """The speaker after an inverted verb: skips dates, adverbs and prepositional
    phrases ("a affirmé à l'AFP Rami Abdel Rahmane"); *de source X* is a speaker."""
    doc, ents = ctx.doc, ctx.ents
    for j in range(a, min(i1, a + 14)):  # "a appris l'AFP de source syndicale"
        if doc[j].text in {",", ".", ":", ";"} or ctx.q_of[j] != quote:
            break
        if doc[j].lower_ in M.DE and j + 1 < i1 and doc[j + 1].lemma_.lower() == SOURCE_NOUN:
            return mention_of(ctx, j + 1, j + 1, i1)
    j = a
    while j < min(i1, a + 14):
        tok = doc[j]
        if tok.text in {",", ".", ":", ";"} or ctx.q_of[j] != quote:
            return None
        if tok.lower_ in M.DE and j + 1 < i1 and doc[j + 1].lemma_.lower() == SOURCE_NOUN:
            return mention_of(ctx, j + 1, j + 1, i1)
        if tok.lower_ in DAYS or tok.pos_ == "ADV" or j in ctx.numbers or tok.lower_ in TIME_NOUNS:
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
        return mention_of(ctx, head, j, i1)
    return None


def has_subject_before(ctx: Ctx, cue: Cue, i0: int) -> bool:
    """Does the parse give the verb a nominal subject before it, outside quotes?"""
    return any(
        c.dep_.startswith("nsubj") and i0 <= c.i < cue.cs and ctx.q_of[c.i] < 0 and c.pos_ in M.NOMINAL
        for c in ctx.doc[cue.head].children
    )


def subject(ctx: Ctx, cue: Cue, i0: int, drafts: list[Draft]) -> tuple[Mention, ...]:
    """The speaker before a verb cue: its parsed subject, an apposed name, or for a
    participle (", ajoutant que") the speaker of the clause it depends on."""
    doc = ctx.doc
    verb = doc[cue.head]
    if is_participle(verb) and cue.cs == cue.head:
        if drafts and drafts[-1].sources:
            return drafts[-1].sources
        for _ in range(3):  # climb to the clause the participle hangs on
            if verb.head is verb or any(c.dep_.startswith("nsubj") for c in verb.children):
                break
            verb = verb.head
        if not any(c.dep_.startswith("nsubj") for c in verb.children):
            verb = verb.head
    elif verb.dep_ == "conj" and verb.head.i < verb.i and verb.head.lemma_.lower() in ctx.lex.verbs.lemmas \
            and not any(c.dep_.startswith("nsubj") for c in verb.children):
        verb = verb.head  # "il a reconnu … mais nié toute violence": the first cue's subject
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
                    return (mention_of(ctx, k, i0, head - 1)[0],)
            if M.is_pronoun(doc[head]) or M.first_head(doc, head, cue.cs, ctx.ents) == head:
                return (mention_of(ctx, head, i0, cue.cs)[0],)
    if cue.cs > i0 and doc[cue.cs - 1].lower_ in {"et", "mais"} and drafts and drafts[-1].sources:
        return drafts[-1].sources  # "… a reconnu deux erreurs mais nié toute fraude": the same speaker
    # Fallback: the first speaker-like phrase of the clause, past a leading adverbial.
    j = i0
    if doc[j].pos_ == "ADP":
        j = next((k + 1 for k in range(j, cue.cs) if doc[k].text == ","), j)
    for k in range(j, cue.cs):
        if ctx.q_of[k] < 0 and (doc[k].pos_ in M.NOMINAL or M.is_pronoun(doc[k])) and M.is_speakerish(doc, k, ctx.ents):
            return (mention_of(ctx, k, j, cue.cs)[0],)
    if drafts and drafts[-1].sources and is_participle(doc[cue.head]):
        return drafts[-1].sources
    k = cue.cs - 1  # "L'opposition dénonce …" with a mis-tagged verb: the noun just before
    while k >= j and doc[k].pos_ in {"ADV", "ADJ"}:
        k -= 1
    if k >= j and ctx.q_of[k] < 0 and doc[k].pos_ in M.NOMINAL:
        return (mention_of(ctx, k, j, cue.cs)[0],)
    return ()


def colon_subject(ctx: Ctx, s: int, colon: int) -> tuple[Mention, ...]:
    """The speaker-like subject of the clause that ends with a colon, if any."""
    doc = ctx.doc
    i0, k = tok_at(ctx, s), tok_at(ctx, colon)
    found = [i for i in range(i0, k) if ctx.q_of[i] < 0 and doc[i].pos_ in M.NOMINAL
             and M.is_speakerish(doc, i, ctx.ents)]
    subjects = [i for i in found if doc[i].dep_.startswith("nsubj")]
    if subjects or found:  # the parsed subject, else the first speaker-like noun
        m, _ = mention_of(ctx, (subjects or found)[0], i0, k)
        return (m,)
    return ()
