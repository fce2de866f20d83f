"""Claim frames from a parsed French Doc: the stages put together.

How it works (all linear in the length of the text):

1. ``quotes.find_quotes`` scans the text once for quotations (« » “ ” "…",
   nested and unbalanced ones) and ``quotes.sentence_units`` cuts it into units
   that never split a quotation; ``context`` indexes tokens, quotes and entities.
2. ``cues``: in each unit, cues are found outside quotations (or as an incise inside
   one, « A, a déclaré X, B »): reporting verbs matched on lemmas (``lexicon``),
   participles (*ajoutant que*), and prepositions (*selon*, *d'après*, *pour X,*).
3. Each cue gets a claim (``claims``) and a source mention (``sources``) by its
   construction, here: inverted verb (« … », a déclaré X / a-t-il dit) takes the text
   before it; *que* takes the clause after it; a quotation after the verb makes a
   mixed claim (*s'est dit « alarmé »*); a colon introduces a direct quote; some
   verbs take a plain noun phrase (*font état d'atrocités*); *selon X, …* takes the
   clause after X (or before it when X comes last).
4. Pronouns are resolved to the last fitting speaker; quotations left without a cue
   inherit the previous speaker; overlapping frames merge; ``speakers.identify``
   names the person or organisation behind each source.

``glose.suggest.component`` runs all this as a spaCy pipeline component.
"""
from __future__ import annotations

from bisect import bisect_left

from glose.lexicon import RELATIVES, Lexicon, shipped
from glose.suggest import mentions as M
from glose.suggest.claims import (
    claim_edges,
    claim_type,
    clause_end,
    infinitive_claim,
    joined_quotes,
    quote_type,
    skip_lead,
    skip_segments,
    trim,
)
from glose.suggest.context import (
    CLOSING_MARKS,
    QUE,
    Ctx,
    Draft,
    build_context,
    chars,
    is_infinitive,
    is_participle,
    prev_char,
    tok_at,
)
from glose.suggest.cues import CORE, Cue, find_cues, finder, que_after
from glose.suggest.frames import Frame, Mention
from glose.suggest.quotes import MARKS, SPACES, sentence_units
from glose.suggest.sources import (
    colon_subject,
    has_subject_before,
    mention_of,
    postposed,
    register,
    resolve,
    subject,
    unit_subjects,
)
from glose.suggest.speakers import People, identify
from glose.vocabulary import DIRECT, INDIRECT, MIXED, SOURCE

__all__ = ["claim_edges", "suggest_frames"]

NOUN_CLAIM_OPENERS = {"tout", "toute", "tous", "toutes"}
"""Words a noun-phrase claim may start with beside determiners ("a nié toute violence")."""
NOT_CLAIM_OPENERS = {"pour", "par", "sur", "dans", "avec", "contre", "chez", "sans", "sous", "depuis", "pendant",
                     "lors", "vers", "envers"}
"""Prepositions that open a circumstance, not what was said ("redoutant pour leur sort")."""


def _subject_after(ctx: Ctx, cue: Cue, a: int, end: int) -> bool:
    """Is the phrase after the verb its subject ("une version que conteste X")?"""
    return any(c.dep_.startswith("nsubj") and a <= c.i < end for c in ctx.doc[cue.head].children)


def _unit_frames(ctx: Ctx, u: int, s: int, e: int) -> list[Draft]:
    doc = ctx.doc
    i0, i1 = tok_at(ctx, s), tok_at(ctx, e)
    if i0 >= i1:
        return []
    ctx.unit_start = i0
    cues = find_cues(ctx, i0, i1)
    cue_starts = {c.cs for c in cues}
    # An inverted cue needs a claim before it: a quotation or a verb. Before the first
    # of these only a subject can stand ("Le maire, X, a salué", "L'opposition, elle, a dit").
    first_claim = next((j for j in range(i0, i1) if ctx.q_of[j] >= 0 or ctx.verbal[j]), i1)
    drafts: list[Draft] = []
    boundary = s  # where a claim before an inverted cue may start

    for cue in cues:
        cue_chars = chars(ctx, cue.cs, cue.ce)
        if cue.kind in {"prep", "pour"}:
            boundary = _prep_frame(ctx, cue, u, i1, boundary, cue_starts, drafts)
            continue
        if cue.kind == "verb" and cue.incise is None and first_claim >= cue.cs - 1:
            around = _around_cue(ctx, cue, cue_chars, u, i0, i1, cue_starts)
            if around is not None:  # "Depuis janvier, a indiqué M. X, le groupe a …"
                drafts.append(around)
                register(ctx, around.sources)
                continue
        que = que_after(ctx, cue.ce, i1)
        participle = is_participle(doc[cue.head]) and cue.cs == cue.head  # ", appelant X à …"
        inverted = cue.clitic is not None or cue.incise is not None or (
            cue.cs > i0 and (doc[cue.cs - 1].text == "," or doc[cue.cs - 1].text in MARKS) and que is None
            and not has_subject_before(ctx, cue, i0) and not participle and first_claim < cue.cs - 1
        )
        if inverted:
            n = len(drafts)
            boundary = _inverted_frame(ctx, cue, cue_chars, u, i1, boundary, drafts)
            if len(drafts) > n or cue.clitic is not None or cue.incise is not None:
                continue
        sources = subject(ctx, cue, i0, drafts)
        framed: list[Draft] = []
        if que is not None:
            end = clause_end(ctx, que, i1, cue_starts)
            for a, b in _que_clauses(ctx, que, end):  # "rappelle que A et que B": two claims
                cs, ce, qt = quote_type(ctx, *chars(ctx, a, b), backward=False)
                framed.append(Draft(cs, ce, cue_chars, sources, qt, 0.75, u))
        elif cue.ce < i1 and doc[cue.ce].text == ":" and cue.ce + 1 < i1 and ctx.q_of[cue.ce + 1] >= 0:
            q = ctx.quotes[ctx.q_of[cue.ce + 1]]
            framed.append(Draft(q.cstart, q.cend, cue_chars, sources, DIRECT, 0.85, u))
        else:
            found = _complement_claim(ctx, cue, skip_lead(ctx, cue.ce, i1), i1, cue_starts)
            if found is not None:
                cs, ce, qt, confidence = found
                framed.append(Draft(cs, ce, cue_chars, sources, qt, confidence, u))
        for frame in framed:
            if frame.end > frame.start:
                if not frame.sources:
                    frame.confidence -= 0.2
                drafts.append(frame)
                register(ctx, frame.sources)
    return drafts


def _que_clauses(ctx: Ctx, a: int, end: int) -> list[tuple[int, int]]:
    """The token ranges of the que-clauses in [a, end): one, or several joined by
    "et que" / ", et que" (docs/CLAIM_BOUNDARIES.md, rule 5)."""
    doc, out = ctx.doc, []
    for j in range(a + 1, end - 2):
        if doc[j].lower_ == "et" and doc[j + 1].lower_ in QUE and ctx.q_of[j] < 0:
            stop = j - 1 if doc[j - 1].text == "," else j
            if stop > a:
                out.append((a, stop))
            a = j + 2 + (doc[j + 2].text in {"'", "’"})
    if end > a:
        out.append((a, end))
    return out


def _complement_claim(ctx: Ctx, cue: Cue, a: int, i1: int, cue_starts) -> tuple[int, int, str, float] | None:
    """The claim a verb takes as its complement, when no *que* or colon introduces it:
    a clause holding a quotation (« … »: the quotation, past a leading "dans un
    communiqué"), a noun phrase for the verbs that take one ("a réclamé un audit",
    "plaide pour un fonds"), or an infinitive ("a annoncé avoir saisi la justice")."""
    doc = ctx.doc
    end = clause_end(ctx, a, i1, cue_starts)
    if end <= a:
        return None
    if any(ctx.q_of[j] >= 0 for j in range(a, end)):
        first = next(j for j in range(a, end) if ctx.q_of[j] >= 0)
        colon = next((j for j in range(a, first) if doc[j].text == ":"), None)
        if colon is not None and any(ctx.verbal[j] for j in range(a, colon)):
            # "a démenti avoir envisagé un dépôt de bilan : « … »": the clause before the colon is
            # the claim, the quotation after it a frame of its own
            return _complement_claim(ctx, cue, a, colon, cue_starts)
        if colon is not None:  # "avait déclaré mardi à la barre : « … »": the quotation
            q = ctx.quotes[ctx.q_of[first]]
            return q.cstart, q.cend, DIRECT, 0.85
        if doc[a].pos_ == "ADP" and doc[a].lower_ not in M.DE and first - a <= 8 \
                and not any(ctx.verbal[j] for j in range(a, first)):
            a = first  # "a dénoncé dans un communiqué « des années de … »"
        cs, ce, qt = quote_type(ctx, *chars(ctx, a, end), backward=False)
        return cs, ce, qt, 0.75
    takes_noun = cue.key in ctx.lex.verbs.noun_claim
    if any(doc[j].lower_ in QUESTION_WORDS for j in range(cue.ce, min(end, a + 3))):
        return None  # "lui a demandé pourquoi …": a question asserts nothing
    if doc[a].lower_ == CLAIM_PREPOSITIONS.get(cue.key) and a + 1 < end:
        a, takes_noun = a + 1, True  # "plaide pour un fonds", "appelle à la prudence"
    elif takes_noun and doc[a].lower_ in {"à", "au", "aux"}:  # "a demandé au gouvernement l'ouverture …",
        b = next((j for j in range(a + 2, min(end, a + 7)) if doc[j].pos_ == "DET" and doc[j - 1].pos_ != "ADP"
                  or doc[j].lower_ in M.DE and j + 1 < end and is_infinitive(doc[j + 1])), None)
        if b is not None and not any(ctx.verbal[j] for j in range(a, b)):
            a = b  # "… aux compagnies de réduire leurs vols": past the one it is asked of
    if takes_noun and not is_infinitive(doc[cue.head]) and not _passive(ctx, cue) and (
        doc[a].pos_ in {"DET", "NOUN", "PROPN", "NUM"} or doc[a].lower_ in M.DETS | NOUN_CLAIM_OPENERS
        or doc[a].pos_ == "ADP" and doc[a].lower_ not in NOT_CLAIM_OPENERS
    ) and not _subject_after(ctx, cue, a, end) and not (cue.cs > 0 and doc[cue.cs - 1].lower_ in QUE):
        # (not "une version que conteste X": X is the subject)
        if doc[a].lower_ in {"de", "d'", "d’"} and a + 1 < end:
            a += 1
        cs, ce = trim(ctx.text, *chars(ctx, a, end))
        return (cs, ce, INDIRECT, 0.6) if not _protects_a_source(ctx.text[cs:ce]) else None
    start = infinitive_claim(doc, a, end)
    if start is not None:  # "a annoncé avoir saisi la justice"
        cs, ce = trim(ctx.text, *chars(ctx, start, end))
        return (cs, ce, INDIRECT, 0.6) if not _protects_a_source(ctx.text[cs:ce]) else None
    return None


QUESTION_WORDS = {"pourquoi", "comment", "combien", "quand", "si", "s'il", "s’il", "s'ils", "lequel", "laquelle"}
CLAIM_PREPOSITIONS = {"plaider": "pour", "appeler": "à", "engager": "à", "inviter": "à", "exhorter": "à",
                      "menacer": "de", "inciter": "à", "insister": "sur", "alerter": "sur"}
"""The preposition some verbs put before their claim, left out of it (docs/CLAIM_BOUNDARIES.md)."""
SOURCE_PROTECTION = ("anonym", "l'anonymat", "l’anonymat", "rester anonyme", "donner son nom", "être cité",
                     "être nommé", "être identifié", "garder l'anonymat", "garder l’anonymat", "conserver l'anonymat")
"""What a source asks for itself is no claim: "qui a requis l'anonymat", "a souhaité rester anonyme"."""


def _protects_a_source(claim: str) -> bool:
    return claim.lower().startswith(SOURCE_PROTECTION)


def _passive(ctx: Ctx, cue: Cue) -> bool:
    """"a été exclu du parti": a passive verb takes no object claim (but "s'est engagé à")."""
    words = [t.lower_ for t in ctx.doc[cue.cs:cue.head]]
    return any(w in {"été", "est", "sont", "était", "étaient", "fut"} for w in words) and not any(
        w in {"s'", "s’", "se"} for w in words)


def _around_cue(ctx: Ctx, cue: Cue, cue_chars, u, i0, i1, cue_starts) -> Draft | None:
    """A cue set inside the reported clause after its first words: "Depuis janvier,
    a indiqué M. X, le groupe a supprimé …". One claim from the clause's start to its
    end, the cue and the speaker inside it (docs/CLAIM_BOUNDARIES.md, rule 4)."""
    doc = ctx.doc
    if cue.cs - 1 <= i0 or doc[cue.cs - 1].text != "," or any(ctx.q_of[j] >= 0 for j in range(i0, cue.cs)):
        return None
    src: tuple[Mention, int] | None
    if cue.clitic is not None:  # "Depuis janvier, a-t-il précisé, deux lignes …"
        pronoun = doc[cue.clitic]
        src = (resolve(ctx, M.pronoun_mention(pronoun), M.clean_text(pronoun)), cue.ce)
    else:
        src = postposed(ctx, cue.ce, i1)
    if src is None:
        return None
    speaker, after = src
    if after >= i1 or doc[after].text != ",":
        return None
    end = clause_end(ctx, after + 1, i1, cue_starts)
    if end <= after + 1 or not any(doc[j].pos_ in {"VERB", "AUX"} for j in range(after + 1, end)):
        return None
    start = skip_lead(ctx, i0, cue.cs)
    cs, ce = trim(ctx.text, chars(ctx, start, start + 1)[0], chars(ctx, end - 1, end)[1])
    ctx.used.append((speaker.start, speaker.end))
    return Draft(cs, ce, cue_chars, (speaker,), INDIRECT, 0.65, u)


def _inverted_frame(ctx, cue: Cue, cue_chars, u, i1, boundary, drafts) -> int:
    """« … », a déclaré X  /  …, a-t-il dit  /  « A, a dit X, B »."""
    doc = ctx.doc
    src = None
    if cue.clitic is not None:
        pron = M.clean_text(doc[cue.clitic])
        if pron == "on":  # "a-t-on ajouté de source militaire": the source is named after
            src = postposed(ctx, cue.ce, i1)
        if src is None:
            m = M.pronoun_mention(doc[cue.clitic])
            src = (resolve(ctx, m, pron) if pron != "on" else m, cue.ce)
    else:
        src = postposed(ctx, cue.ce, i1, ctx.q_of[cue.head])
        # « … », se sont félicités les écologistes: after a closing quote and a comma,
        # any noun phrase is the speaker; elsewhere it must look like one.
        after_quote = cue.cs >= 2 and doc[cue.cs - 1].text == "," and doc[cue.cs - 2].text in MARKS
        if src is not None and cue.key not in CORE and src[0].label == SOURCE and not after_quote:
            toks = range(tok_at(ctx, src[0].start), min(tok_at(ctx, src[0].end), len(doc)))
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
            ce = trim(ctx.text, q.cstart, cue_chars[0])[1]
    else:
        cs, ce, qt = quote_type(ctx, boundary, cue_chars[0], backward=True)
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
    quotes = joined_quotes(ctx, cs, ce) if qt == MIXED else []
    if quotes:  # « A » et « B », a dit X: two claims, one cue, one speaker
        drafts.extend(Draft(q.cstart, q.cend, cue_chars, sources, DIRECT, 0.8, u) for q in quotes)
    else:
        drafts.append(Draft(cs, ce, cue_chars, sources, qt, conf, u))
    register(ctx, sources)
    # "… », a déclaré l'Unicef dans un communiqué : « … »" : the colon opens a second quote
    for j in range(src_end, min(i1, src_end + 8)):
        if doc[j].text in {",", ".", ";"} or ctx.q_of[j] >= 0:
            break
        if doc[j].text == ":" and j + 1 < i1 and ctx.q_of[j + 1] >= 0:
            q = ctx.quotes[ctx.q_of[j + 1]]
            if q.cend > q.cstart:
                drafts.append(Draft(q.cstart, q.cend, chars(ctx, j, j + 1), sources, DIRECT, 0.8, u, False))
            break
    return chars(ctx, src_end - 1, src_end)[1] if src else cue_chars[1]


def _prep_frame(ctx, cue: Cue, u, i1, boundary, cue_starts, drafts) -> int:
    """*selon X, …* / *d'après X, …* / *pour X, …* and *…, selon X*."""
    doc = ctx.doc
    comma = next((j for j in range(cue.ce, i1) if doc[j].text == "," and ctx.q_of[j] < 0), i1)
    head = M.first_head(doc, cue.ce, comma, ctx.ents)
    if head is None and comma < i1 and comma - cue.ce <= 3 and not doc[comma - 1].is_punct:
        head = comma - 1  # "Selon l'édile, …" with the noun read as an adjective: X ends at the comma
    if head is None:
        return boundary
    m, _ = mention_of(ctx, head, cue.ce, comma)
    ctx.used.append(chars(ctx, cue.ce, comma))
    cue_chars = chars(ctx, cue.cs, cue.ce)
    # "…, selon l'agence MAP, faisant état de …": a cue after X, so the claim precedes X
    cue_next = comma + 1 < i1 and (comma + 1 in cue_starts or is_participle(doc[comma + 1]))
    text_before = chars(ctx, cue.cs, cue.cs + 1)[0] - boundary >= 12  # a claim may stand before the cue
    follows = comma + 1 < i1 and not (cue_next and text_before)
    if follows:
        a, name = skip_segments(ctx, comma + 1, i1)
        # "… en février, d'après le cabinet X, qui suit …": X's relative clause ends the
        # sentence, so the claim is the text before the cue
        follows = not (a < i1 and doc[a].lower_ in RELATIVES and text_before)
    if follows:  # the claim follows X
        if name is not None:
            m = name
        end = clause_end(ctx, a, i1, cue_starts)
        if end <= a:
            return boundary
        subject_only = end + 1 < i1 and doc[end].text == "," and end + 1 in cue_starts and not any(
            ctx.verbal[j] for j in range(a, end))  # "Selon X, le ministre Y, a affirmé …"
        if subject_only or any(j in cue_starts and doc[j - 1].text != "," and doc[j - 1].text not in CLOSING_MARKS
                               for j in range(a + 1, end)):
            # "Selon l'agence, le ministre X a affirmé : « … »": the words are X's, the
            # agency only reports them; the verb's own frame says so. (An incise after a
            # quotation, "« … », a-t-il souligné", is X's own cue: the frame stays.)
            return boundary
        cs, ce, qt = quote_type(ctx, *chars(ctx, a, end), backward=False)
        new_boundary = chars(ctx, comma, comma + 1)[1]
    else:  # the claim precedes X: "…, selon un porte-parole"
        cs, ce, qt = quote_type(ctx, boundary, cue_chars[0], backward=False)
        stop = comma if cue_next else i1 - 1
        new_boundary = chars(ctx, stop, stop + 1)[1]
        if ce - cs < 12:
            return boundary
    drafts.append(Draft(cs, ce, cue_chars, (m,), qt, 0.75, u, False))
    register(ctx, (m,))
    return new_boundary


def _floating(ctx: Ctx, drafts: list[Draft], units: list[tuple[int, int]]) -> list[Draft]:
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
        char, pos = prev_char(ctx.text, q.start)
        colon = char == ":"
        if not colon and units[u][0] != q.start:
            continue
        sources = last.sources if last is not None and u - last.unit <= 2 else ()
        if not sources:  # "Ugo Humbert n'a pas cherché d'excuses. « … »": the last subject
            j = bisect_left(ctx.subject_units, u) - 1
            if j >= 0 and u - ctx.subject_units[j] == 1:
                sources = (ctx.subjects[j],)
        if colon:  # "La capitaine X partage cet optimisme : « … »": X speaks
            sources = colon_subject(ctx, units[u][0], pos) or sources
        cue = (pos, pos + 1) if colon else None
        out.append(Draft(q.cstart, q.cend, cue, sources, DIRECT, 0.6 if sources else 0.4, u, False))
    return out


def _headings(ctx: Ctx, drafts: list[Draft]) -> list[Draft]:
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
        out.append(Draft(q.cstart, q.cend, None, source.sources if source else (), DIRECT, 0.4, -1, False))
    return out


def _merge(drafts: list[Draft]) -> list[Draft]:
    """Frames whose claims overlap by half of the shorter one are one claim."""
    merged: list[Draft] = []
    for d in sorted(drafts, key=lambda d: (d.start, -d.end)):
        if merged:
            p = merged[-1]
            overlap = min(p.end, d.end) - max(p.start, d.start)
            if overlap > 0 and overlap >= 0.5 * min(p.end - p.start, d.end - d.start):
                cue = p.cue if (p.verbal or not d.verbal) else d.cue
                seen = {(m.start, m.end) for m in p.sources}
                sources = p.sources + tuple(m for m in d.sources if (m.start, m.end) not in seen)
                qt = p.quote_type if p.quote_type == d.quote_type else MIXED
                merged[-1] = Draft(min(p.start, d.start), max(p.end, d.end), cue, sources, qt,
                                    max(p.confidence, d.confidence), p.unit, p.verbal or d.verbal)
                continue
        merged.append(d)
    return merged


def suggest_frames(doc, lexicon: Lexicon | None = None) -> list[Frame]:
    """Return the claim frames of ``doc`` in reading order, matching words against
    ``lexicon`` (default: the shipped one, ``glose.lexicon.shipped``)."""
    if len(doc) == 0:
        return []
    lex = lexicon or shipped()
    ctx = build_context(doc, lex)
    ctx.people = People(doc, lex)
    found = finder(lex, doc.vocab)
    ctx.cue_candidates, ctx.forms = found.candidates(doc), found.forms
    units = sentence_units(ctx.text, ctx.quotes)
    drafts: list[Draft] = []
    for u, (s, e) in enumerate(units):
        k = len(ctx.speakers)
        drafts.extend(_unit_frames(ctx, u, s, e))
        # this unit's subjects rank below its speakers for later pronouns
        ctx.speakers[k:k] = unit_subjects(ctx, u, tok_at(ctx, s), tok_at(ctx, e))
    drafts = _merge(drafts + _floating(ctx, drafts, units))
    drafts = sorted(_headings(ctx, drafts), key=lambda d: (d.start, d.end))
    frames = []
    for d in drafts:
        start, end = claim_edges(ctx.text, d.start, d.end)
        if end <= start:
            continue
        frames.append(Frame(
            claim_start=start, claim_end=end, cue=d.cue, sources=d.sources,
            quote_type=d.quote_type, claim_type=claim_type(ctx, d.start, d.end),
            confidence=round(min(max(d.confidence, 0.05), 0.95), 2),
        ))
    return identify(doc, frames, lex, ctx.people)
