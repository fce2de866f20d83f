"""Who each suggested source is: the proper name the document gives, else the mention.

The engine finds source *mentions* (a name, a descriptor, a pronoun). This last stage
ties each one to a *speaker* (docs/CLAIM_BOUNDARIES.md, "Sources and speakers") and
writes it as the mention's ``canonical``:

- a name inside the mention ("le secrétaire général Ban Ki-moon") is the speaker;
  a surname or "M. X" alone is the earlier full name ending in X;
- an apposition gives the name: "Son avocat, Me Antoine Vey, a annoncé" and
  "Antoine Vey, avocat du maire, a annoncé"; it also teaches which role noun
  stands for whom ("la présidente de l'ONG, Marie Dupont" → later "la présidente");
- a short definite description of one person ("l'entraîneur espagnol", "le grimpeur")
  with no such apposition is the named person who last spoke before it, within a few
  paragraphs; one headed by a group noun ("le parquet", "le club") is not, nor one
  with a complement, which introduces someone ("l'ambassadeur russe aux Nations unies");
- a pronoun the engine resolved to an earlier mention gets that mention's speaker,
  so a chain ends on a name, not on a descriptor.

A mention that names a person this way is labelled PER if spaCy had called it LOC
or MISC ("le Canadien"). Everything is computed from ``doc.ents`` and a few tokens
around each mention: linear in the text.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import replace

from glose.lexicon import PRONOUNS, Lexicon, shipped
from glose.suggest.context import DAYS, text_of
from glose.suggest.frames import Frame, Mention
from glose.suggest.mentions import DE
from glose.suggest.organisations import ORGANISATION_NOUNS, Organisations, kind_of, lemma_of, sort_of
from glose.vocabulary import LOC, MISC, ORG, PER

TITLES = ("M.", "Mme", "Mlle", "Me", "Dr", "Pr", "Mgr")
RECENT_CHARS = 1200
"""How far back a definite description looks for the person it stands for."""
_APPOS_AFTER = re.compile(
    r"(?:\s+(?:à|de|du|des|d'|d’|au|aux|en|chez|depuis|chargée?s?|déléguée?s?)\s*[^,.;:«»()\n]{1,60}?)?"
    # "L'adjoint à l'urbanisme", "le ministre délégué à la Mer", "la vice-présidente … chargée de la culture"
    r"(?:\s*\([^()\n]{1,40}\))?"  # "(FEI)"
    r"\s*,\s*(?:(?:M\.|Mme|Mlle|Me|Dr|Pr|Mgr)\s+)?")
_NAME = re.compile(r"[A-ZÉÈ][\w'’-]+(?: (?:de |d’|d'|du |von |van |al-)?[A-ZÉÈ][\w'’-]+)+")
"""Two capitalised words or more: a person's name set in apposition."""
SENTENCE_ADVERBS = {"désormais", "aussi", "toutefois", "pourtant", "cependant", "néanmoins", "également", "encore",
                    "donc", "alors", "enfin", "déjà", "lui-même", "elle-même", "eux-mêmes", "elles-mêmes"}
_DEFINITE = {"le", "la", "l'", "l’", "son", "sa", "ses", "leur", "ce", "cet", "cette"}
_POSSESSIVE = {"son", "sa", "ses"}


def identify(doc, frames: list[Frame], lexicon: Lexicon | None = None, people: People | None = None) -> list[Frame]:
    """The frames with each source's ``canonical`` set to its speaker, where known
    (``lexicon``'s speaker and group nouns say who may be a person; ``people``, the
    document's index, when the engine built it already)."""
    if not frames:
        return frames
    people = people or People(doc, lexicon or shipped())
    return [replace(f, sources=tuple(people.speaker(m) for m in f.sources)) if f.sources else f for f in frames]


PERSON_ENDINGS = ("ien", "ienne", "iste", "rice", "logue", "ier", "ière", "eure")
"""Endings of nouns of persons the speaker-noun list lacks (technicien, archéologue,
procureure); not -eur, which names firms as often (le distributeur, le transporteur)."""
SHORT_DESCRIPTION = 4
"""Tokens at most of a description that may stand for the last named speaker."""


def _without_title(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


class People:
    """The persons a document names, in order, and the role nouns its appositions tie to them."""

    def __init__(self, doc, lex: Lexicon):
        self.doc, self.text = doc, text_of(doc)
        self.groups = lex.group_nouns
        self.person_nouns = lex.speaker_nouns - self.groups
        self.spoken: list[tuple[int, str]] = []  # (position, full name) of each named speaker so far
        self.persons: list[tuple[int, int, str]] = []  # (start, end, full name) of each PER entity
        by_surname: dict[str, str] = {}
        for ent in doc.ents:
            if ent.label_ != PER and (ent[0].text not in TITLES or len(ent) < 2):  # "Dr Claire Aubignac", tagged MISC
                continue
            if kind_of(doc, ent.start) in ORGANISATION_NOUNS:
                continue  # "la société Restaval", tagged PER
            end = ent.end_char
            while end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "-"):
                end += 1  # "Ban Ki-" + "moon": the entity stopped inside a word
            name = _without_title(self.text[ent.start_char:end].strip())
            if name in TITLES:
                continue
            if " " in name:
                by_surname.setdefault(name.split()[-1], name)
            self.persons.append((ent.start_char, end, name))
        tagged = {start for start, _, _ in self.persons}
        for match in _NAME.finditer(self.text):  # names spaCy tagged otherwise ("la Néerlandaise Femke Dijkstra")
            words = match.group(0).split()
            before = self.text[max(0, match.start() - 3):match.start()].lower()
            if before.endswith(("la ", "le ", "l'", "l’")):
                words = words[1:]  # the nationality or role noun before the name
            span = doc.char_span(match.end() - len(" ".join(words)), match.end(), alignment_mode="expand")
            if len(words) < 2 or words[0] in TITLES or span is None or span[0].pos_ != "PROPN":
                continue  # not "D'après L'Équipe"
            name = " ".join(words)
            first_name = words[0] in lex.first_names
            if first_name and by_surname.get(words[-1], name).split()[0] not in lex.first_names:
                by_surname[words[-1]] = name  # "Arnaud Vély", not the shop "Maison Vély" named before him
            by_surname.setdefault(words[-1], name)
            if span.start_char not in tagged and (span[0].ent_type_ not in (ORG, LOC) or first_name) and span[0].i > 0 \
                    and (doc[span[0].i - 1].text in {",", "(", *TITLES} or first_name):
                self.persons.append((span.start_char, span.end_char, name))  # ", Inès Garaud,", "Gaëlle Le Roux"
        self.persons.sort()
        # A one-word name is the full name it ends ("M. Dujarric" → Stéphane Dujarric).
        self.surnames = by_surname
        self.organisations = Organisations(doc, lex.first_names, by_surname)
        self.persons = [(s, e, by_surname.get(n, n)) for s, e, n in self.persons]
        self.starts = [s for s, _, _ in self.persons]
        self.names = {name for _, _, name in self.persons if " " in name}
        # Named persons who head a clause (its subject, or a name after a comma or at a
        # sentence start: the parse often misses "En France, François Hollande, qui …, a
        # condamné"): a later "le président" may be them; "de Bachar al-Assad" is not.
        for start, end, name in self.persons:
            span = doc.char_span(start, end, alignment_mode="expand")
            if name in self.names and span is not None and (
                    any(t.dep_.startswith("nsubj") for t in span) or span.start == 0
                    or doc[span.start - 1].is_punct or doc[span.start - 1].text in TITLES or span[0].is_sent_start):
                self.spoken.append((start, name))
        self.roles: list[tuple[int, str, str]] = []  # (position, role noun lemma, full name)
        self.gender: dict[str, str] = {}  # full name -> Masc | Fem, when the text shows it
        for start, end, name in self.persons:
            title = self.text[max(0, start - 5):start].split()[-1:]
            heads = self._apposed_heads(start, end)
            self.roles += [(start, head.lemma_.lower(), name) for head in heads]
            # A title or a first name says it best; the article of the noun before the name
            # may belong to its complement ("l'avocate spécialisée en droit du numérique X").
            shown = [GENDER_OF_TITLE.get(title[0], "") if title else "", _first_name_gender(lex, name),
                     *(_gender(doc, head) for head in heads), self._agreement(end)]
            if name not in self.gender and any(shown):  # the first evidence the text gives
                self.gender[name] = next(g for g in shown if g)
        self.spoken += [(start, name) for start, _, name in self.roles]  # "le cycliste Romain Bardet"

    # -- the document's appositions --------------------------------------------------

    def _apposed_heads(self, start: int, end: int) -> list:
        """Role nouns (tokens) set beside a name: "<role>, X", "X, <role>", "le <role> X"."""
        doc = self.doc
        heads: list = []
        first = doc.char_span(start, end, alignment_mode="expand")
        if first is None:
            return heads
        i, j = first.start, first.end
        k = i - 1
        if k >= 0 and doc[k].text in TITLES:
            k -= 1
        if k >= 0 and doc[k].text == ",":  # "la présidente de l'ONG, Marie Dupont"
            heads += self._np_head(_phrase_start(doc, k), k)
        else:  # "le ministre Jean Dupont", "la réalisatrice tunisienne Leïla Ben Saïd"
            stop = k - 2  # an adjective or two ("tunisienne", which the tagger may call a verb)
            while k > max(0, stop) and doc[k].pos_ in ("ADJ", "VERB") and not doc[k].text[:1].isupper():
                k -= 1
            if k >= 0 and doc[k].pos_ == "NOUN":
                heads.append(doc[k])
        if j + 1 < len(doc) and doc[j].text == "," and doc[j + 1].pos_ != "ADP":  # "Marie Dupont, présidente de l'ONG,"
            heads += self._np_head(j + 1, min(len(doc), j + 12))  # (", sur LCI" is no apposition)
        return [h for h in heads if h.lemma_.lower() not in self.groups]

    def _np_head(self, a: int, b: int) -> list:
        for tok in self.doc[a:b]:
            if tok.i > a and self.doc[tok.i - 1].lower_ in {"de", "d'", "d’"} or tok.lower_ in DAYS:
                continue  # a complement ("d'emblée", "de l'ONG") or a date, not the head
            if tok.pos_ == "NOUN" or (tok.pos_ in ("PROPN", "ADJ") and tok.text[:1].isupper() and tok.ent_type_ != PER):
                return [tok]
            if tok.pos_ in ("VERB", "AUX") or tok.is_punct:
                break
        return []

    def _agreement(self, end: int) -> str:
        """The gender a participle agreeing with the name shows: "X, 34 ans, est venue"."""
        doc = self.doc
        last = doc.char_span(max(0, end - 1), end, alignment_mode="expand")  # the name's last token
        if last is None:
            return ""
        j = last.end
        if j < len(doc) and doc[j].text == ",":  # skip an apposition, or the comma after one
            j = next((k + 1 for k in range(j + 1, min(len(doc), j + 14)) if doc[k].text == ","), j + 1)
        if j + 1 < len(doc) and doc[j].lemma_ == "être" and doc[j + 1].pos_ in ("VERB", "ADJ"):
            found = doc[j + 1].morph.get("Gender", [])
            if len(found) == 1 and "Sing" in doc[j + 1].morph.get("Number", []):
                return found[0]
        return ""

    def gender_of(self, start: int, end: int) -> str:
        """Masc or Fem for the person named in [start, end), when the text shows it; else ""."""
        inside = self._persons_in(start, end)
        return self.gender.get(inside[-1][2], "") if inside else ""

    # -- one mention -----------------------------------------------------------------

    def speaker(self, m: Mention, depth: int = 0) -> Mention:
        m = self._without_adverbs(m)
        name = self._name(m, depth)
        if name is None:
            return m
        if name in self.names:
            self.spoken.append((m.start, name))
        label = PER if m.label in (LOC, MISC) else m.label
        return replace(m, canonical=name, label=label)

    def _without_adverbs(self, m: Mention) -> Mention:
        """"Pour la maire désormais, « … »": the adverb is not the speaker's."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        def adverb(tok) -> bool:
            return tok.pos_ == "ADV" or tok.lower_ in SENTENCE_ADVERBS  # the tagger calls "désormais" an adjective

        if span is None or len(span) < 2 or not adverb(span[-1]):
            return m
        end = len(span)
        while end > 1 and adverb(span[end - 1]):
            end -= 1
        return replace(m, end=span[end - 1].idx + len(span[end - 1].text))

    def _name(self, m: Mention, depth: int) -> str | None:
        text = self.text[m.start:m.end]
        if text.lower().lstrip("-") in PRONOUNS:
            return self._antecedent(m, depth)
        inside = [name for s, e, name in self._persons_in(m.start, m.end)]
        if inside:
            return inside[-1]
        end = m.end
        while end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "-"):
            end += 1  # "… Ban Ki-" + "moon", where spaCy saw no person
        words = self.text[m.start:end]
        known = [name for name in self.names if name in words]
        if known:
            return max(known, key=len)
        surname = _without_title(words.strip()).split()
        if len(surname) == 1 and surname[0] in self.surnames:  # "Dijkstra": "la Néerlandaise Femke Dijkstra"
            return self.surnames[surname[0]]
        for start, _, name in self._persons_in(m.end, m.end + 60):  # "le délégué syndical Marc Oury"
            between = self.text[m.end:start]
            if len(between.split()) <= 6 and not any(c in between for c in ",.;:«»()\n") \
                    and not _COMPLEMENT_END.search(between) and not self._finite_verb(m.end, start):
                return name  # "l'avocate spécialisée en droit du numérique Claire Dumontet", not "chargé de l'Espace"
        after = _APPOS_AFTER.match(self.text, m.end)
        if after:  # "Son avocat, Me Antoine Vey, a annoncé"
            apposed = self._persons_in(m.end, after.end() + 1)
            if apposed:  # the name right after the comma, not one inside the complement ("chargé de l'Espace")
                return apposed[-1][2]
            for start, _, name in self._persons_in(after.end(), after.end() + 40):
                between = self.text[after.end():start]  # ", le maître international Pavel Hruby"
                if len(between.split()) <= 4 and not any(c in between for c in ",.;:«»()\n"):
                    return name
            group = self._apposed_organisation(m, after.end())
            if group:
                return group
            named = _NAME.match(self.text, after.end())  # a name spaCy did not tag
            if named and (after.end() > m.end + 2 or named.group(0).count(" ") >= 1):
                return named.group(0)
        acronym = None if self._a_person(m) else self._acronym_after(m)  # "un responsable de la Direction … (DGAL)"
        return acronym or self._named_group(m) or self._group_named_before(m) or self._described(m)

    def _dislocated(self, m: Mention) -> Mention | None:
        """The phrase a pronoun set between commas repeats: "La région, elle, dément", and
        "Chez X, on" (the phrase starts its sentence and holds no verb)."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or len(span) != 1 or span.start < 2 or span.end >= len(self.doc):
            return None
        doc, i = self.doc, span.start
        start = doc[i - 1].sent.start
        while start < i and (doc[start].is_space or doc[start].is_punct):
            start += 1  # the paragraph break or the closing mark the sentence starts with
        if doc[i - 1].text == "," and doc[start].lower_ == "chez" and span[0].lower_ == "on":
            start += 1  # "Chez Nébula, on assure": Nébula
        elif doc[i - 1].text != "," or doc[i + 1].text != ",":
            return None
        phrase = doc[start:i - 1]
        if not 1 <= len(phrase) <= 6 or any(t.pos_ in ("VERB", "AUX") or t.is_punct for t in phrase):
            return None
        return Mention(phrase.start_char, phrase.end_char, m.label)

    def _person_noun(self, tok) -> bool:
        lemma, word = tok.lemma_.lower(), tok.lower_
        return lemma in self.person_nouns or word in self.person_nouns or word.endswith(PERSON_ENDINGS)

    def _a_person(self, m: Mention) -> bool:
        """Is the mention a person: a name, or a description headed by a person noun?"""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span):
            return False
        if span[0].ent_type_ == PER or self._persons_in(m.start, m.end):
            return True
        head = _head_noun(span) if len(span) > 1 else None
        return head is not None and self._person_noun(head) and head.lemma_.lower() not in self.groups

    def _speakerish(self, phrase: str) -> bool:
        """Does this phrase (a mention's text) name someone who may speak: its first noun
        a speaker or group noun ("la préfecture des Hautes-Alpes", "les syndicats")?"""
        words = phrase.lower().replace("'", "' ").replace("’", "’ ").split()
        return any(w in self.person_nouns or w in self.groups or w in ORGANISATION_NOUNS
                   or w.rstrip("s") in self.person_nouns or w.rstrip("s") in self.groups for w in words[:3])

    def _finite_verb(self, start: int, end: int) -> bool:
        span = self.doc.char_span(start, end, alignment_mode="contract")
        return span is not None and any(t.pos_ in ("VERB", "AUX") and "Part" not in t.morph.get("VerbForm", [])
                                        for t in span)

    def _apposed_organisation(self, m: Mention, at: int) -> str | None:
        """"Le premier syndicat de pharmaciens, la FSPF, dénonce": the organisation a
        group's description is set beside."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        head = _head_noun(span) if span is not None and len(span) > 1 else None
        if head is None or head.lemma_.lower() not in self.groups | ORGANISATION_NOUNS:
            return None
        after = self.doc.char_span(at, min(len(self.text), at + 80), alignment_mode="expand")
        if after is None or not len(after):
            return None
        k = 1 if after[0].pos_ == "DET" and len(after) > 1 else 0
        if not after[k].text[:1].isupper() or after[k].ent_iob_ != "B" or after[k].ent_type_ == PER:
            return None
        end = k + 1
        while end < len(after) and after[end].ent_iob_ == "I":
            end += 1
        return after[k:end].text

    def _acronym_after(self, m: Mention) -> str | None:
        """"l'Institut national de recherche pour l'agriculture, l'alimentation et
        l'environnement (Inrae)": the acronym the text gives the organisation right after."""
        k = bisect_left(self.organisations.acronyms, (m.end, -1, ""))
        if k == len(self.organisations.acronyms):
            return None
        start, _, acronym = self.organisations.acronyms[k]
        between = self.text[m.end:start]
        if len(between) > 100 or any(c in between for c in ".;:«»\n"):
            return None
        tokens = self.doc.char_span(m.end, start, alignment_mode="contract")
        if tokens is not None and any(t.pos_ in ("VERB", "AUX") for t in tokens):
            return None
        return acronym

    def _named_group(self, m: Mention) -> str | None:
        """A group noun and the name it is given: "le groupe Valmétal" is Valmétal,
        "l'association d'usagers Rail Sud-Ouest" is Rail Sud-Ouest; "la direction de
        Valmétal" is not (a part of it speaks)."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or len(span) < 2:
            return None
        # The name may run past the mention: "L'ONG Transport" + "& Environment", or
        # follow it ("l'association de supporters" + "Les Gabarres").
        doc, end = self.doc, span.end
        if end + 2 < len(doc) and doc[end].lower_ in M_DE and doc[end + 1].text.islower() \
                and doc[end + 1].pos_ in ("NOUN", "ADJ") and doc[end + 2].ent_iob_ == "B":
            end += 2  # "Le collectif" + "d'usagers" + "Trains Vivants"
        if end < len(doc) and doc[end].ent_iob_ == "B" and doc[end].ent_type_ != PER and doc[end].text[:1].isupper():
            end += 1
        while end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        span = doc[span.start:end]
        head = _head_noun(span)
        if head is None or head.lemma_.lower() not in self.groups | ORGANISATION_NOUNS:
            return None
        k = len(span)
        while k > 0 and (span[k - 1].text[:1].isupper() or span[k - 1].ent_iob_ == "I") and span[k - 1].i > head.i:
            k -= 1  # the name, with the small words inside it ("Transport & Environment", "Coursiers unis")
        while k < len(span) and not span[k].text[:1].isupper():
            k += 1  # but it starts with a capital: "le ministère" + "de l'Intérieur" is no name
        if k == len(span) or span[k - 1].pos_ in ("DET", "ADP") or span[k - 1].lower_ in M_DE:
            return None
        if any(t.text[:1].isupper() for t in span[1:k]):
            return None  # "le Comité international de la Croix-Rouge" is one name
        if any(t.lemma_.lower() in self.groups for t in span[1:k] if t.i > head.i):
            return None  # "la direction du groupe Aciéries Nordet": a part of it speaks
        return span[k:].text

    def _group_named_before(self, m: Mention) -> str | None:
        """"L'ONG réclame …", "Le club a annoncé …": a short definite description of an
        organisation is the organisation the text named last, not far before."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not 2 <= len(span) <= 3 or span[0].lower_ not in ("le", "la", "l'", "l’"):
            return None
        head = _head_noun(span)
        if head is None or lemma_of(head) not in ORGANISATION_NOUNS or any(t.pos_ == "ADP" for t in span) \
                or any(t.text[:1].isupper() for t in span[1:] if t.i > head.i):
            return None  # ("la Fondation Arc-en-Ciel" names itself)
        k = bisect_left(self.organisations.starts, m.start)
        recent = [(name, kind) for _, name, kind in self.organisations.named[bisect_left(self.organisations.starts, m.start - RECENT_CHARS):k]]
        # the last organisation introduced by the same noun, however far ("la société" →
        # "la société Pronto"; a firm is a firm: "l'entreprise" → "le groupe Valmonde")
        wanted = sort_of(lemma_of(head))
        same = next((name for _, name, kind in reversed(self.organisations.named[:k]) if sort_of(kind) == wanted), None)
        if same:
            return same
        subjects = [name for start, name, _ in self.organisations.named[bisect_left(self.organisations.starts, m.start - RECENT_CHARS // 4):k]
                    if start in self.organisations.subjects]
        if subjects:
            return subjects[-1]
        if recent and m.start - self.organisations.named[k - 1][0] <= RECENT_CHARS // 2:
            return recent[-1][0]
        return None

    def _antecedent(self, m: Mention, depth: int) -> str | None:
        """A pronoun the engine tied to an earlier mention: that mention's speaker; but a
        person named since then whose gender the text shows and the pronoun's matches
        is closer ("Une des plaignantes, Josiane Caradec, est venue … a-t-elle raconté")."""
        if depth > 3:
            return None
        dislocated = self._dislocated(m)
        if dislocated is not None:  # "La région, elle, dément": the pronoun repeats its sentence's subject
            return self._name(dislocated, depth + 1) or self.text[dislocated.start:dislocated.end]
        found = self.text.rfind(m.canonical, 0, m.start) if m.canonical else -1
        name = None
        if m.canonical:
            name = m.canonical if found == -1 else (
                self._name(Mention(found, found + len(m.canonical), m.label), depth + 1) or m.canonical)
        wanted = PRONOUN_GENDER.get(self.text[m.start:m.end].lower().lstrip("-"), "")
        known = self.gender.get(name or "", "")
        if m.canonical and name not in self.names and name not in self.organisations.names and not self._speakerish(name or ""):
            found = -1  # the engine's antecedent is no speaker at all ("les diptères")
        elif found > 0 and name not in self.names:
            # an organisation in a person's apposition: "le docteur X, médecin à l'ARS. Elle …"
            k = bisect_left(self.starts, found)
            if k and not any(c in self.text[self.persons[k - 1][1]:found] for c in ".;:«»\n") \
                    and found - self.persons[k - 1][1] < 80:
                found = self.persons[k - 1][0]
        if wanted and depth == 0 and name in self.names and found >= 0:
            # a person of the pronoun's gender who heads a clause since the engine's
            # antecedent, in the same or the previous sentence, is closer
            since = [(position, person) for position, person in self.spoken
                     if found < position < m.start and m.start - position < RECENT_CHARS // 4 and person != name
                     and self.gender.get(person) == wanted]
            if since:
                return max(since)[1]
        if wanted and depth == 0 and (known and known != wanted or name not in self.names):
            # the engine's antecedent cannot be it (another gender, or no person): the last
            # person of the pronoun's gender named since, if any
            k = bisect_left(self.starts, m.start)
            for start, _, person in reversed(self.persons[:k]):
                if m.start - start > RECENT_CHARS // 2 or start < found:
                    break
                if self.gender.get(person, "" if known else wanted) == wanted:
                    return person  # (of unknown gender, when the engine's antecedent is no person)
        return name

    def _persons_in(self, start: int, end: int) -> list[tuple[int, int, str]]:
        k = bisect_left(self.starts, start)
        out = []
        while k < len(self.persons) and self.persons[k][0] < end:
            out.append(self.persons[k])
            k += 1
        return out

    def _described(self, m: Mention) -> str | None:
        """A definite description of one person: the name an apposition tied its role
        noun to, else the person last named before it, not too far back."""
        span = self.doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None or not len(span) or span[0].lower_ not in _DEFINITE:
            return None
        head = _head_noun(span)
        if head is not None and span[0].lower_ in _POSSESSIVE and not self._person_noun(head) \
                and head.lemma_.lower() not in self.groups:  # "selon ses calculs": the person's own
            last = max(((position, name) for position, name in self.spoken
                        if m.start - RECENT_CHARS // 2 < position < m.start), default=None)
            return last[1] if last else None
        if head is None or "Plur" in head.morph.get("Number", []):
            return None
        if any(t.text[:1].isupper() and t.text not in COMMON_CAPITALISED for t in span[1:] if t.i > head.i):
            return None  # "le quotidien Marca" names itself ("le représentant de l'État" does not)
        lemma, word = head.lemma_.lower(), head.text.lower()
        if lemma in self.groups or word in self.groups:
            return None
        for position, role, name in reversed(self.roles):
            if position < m.start and role in (lemma, word):
                return name
        if not (self._person_noun(head) or head.text[:1].isupper()):
            return None
        # A longer description ("le représentant de l'État", "l'ancien milieu de terrain")
        # stands for someone only just named; far from any name it introduces someone.
        short = len(span) <= SHORT_DESCRIPTION and not any(t.pos_ == "ADP" for t in span)
        reach = RECENT_CHARS if short else RECENT_CHARS // 3
        wanted = _gender(self.doc, head)  # "la pédiatre": a woman, or someone whose gender is unknown

        def fits(name: str) -> bool:
            return not wanted or self.gender.get(name, wanted) == wanted

        last = max(((position, name) for position, name in self.spoken
                    if m.start - reach < position < m.start and fits(name)), default=None)
        if last and span[0].lower_ not in _POSSESSIVE:  # "son entraîneur" is not the one he trains
            return last[1]
        # No one before it: the person the text names with that role later ("Le maire a
        # annoncé …" … "Jean-Claude Perrin, maire de la ville,").
        return next((name for position, role, name in self.roles
                     if position > m.start and role in (lemma, word) and fits(name)), None)


M_DE = DE | {"l'", "l’"}
COMMON_CAPITALISED = {"État", "Etat", "République"}
"""Common nouns French writes with a capital: no name in "le procureur de la République"."""
GENDER_OF_TITLE = {"M.": "Masc", "Mme": "Fem", "Mlle": "Fem"}
PRONOUN_GENDER = {"il": "Masc", "elle": "Fem"}


def _gender(doc, tok) -> str:
    """Masc or Fem of a noun by its article ("la porte-parole"), or "": the tagger
    guesses the gender of epicene nouns (l'archéologue, la responsable) too often for
    the noun's own morphology to be read."""
    return ARTICLE_GENDER.get(doc[tok.i - 1].lower_, "") if tok.i > 0 else ""


ARTICLE_GENDER = {"le": "Masc", "la": "Fem", "un": "Masc", "une": "Fem", "du": "Masc", "au": "Masc",
                  "sa": "Fem", "ce": "Masc", "cet": "Masc", "cette": "Fem"}


_COMPLEMENT_END = re.compile(r"(?:^|\s)(?:de|du|des|d'|d’|l'|l’|le|la|les|à|au|aux|en|pour|par|sur)\s*$")
"""Text before a name that makes the name a complement, not the mention's person."""
def _first_name_gender(lex: Lexicon, name: str) -> str:
    """Masc or Fem by the first name, or its first part ("Anne-Laure" → Anne); else ""."""
    first = name.split()[0]
    return lex.first_names.get(first, "") or lex.first_names.get(first.split("-")[0], "")


def _head_noun(span):
    """The noun a description is about, after its determiner: "le premier syndicat de
    pharmaciens" is a syndicat, "le grand maître" a maître; "la leader" and "le prévenu",
    which the tagger reads as verbs, are nouns there; "le Nantais" is its own head."""
    first = span[0].i + 1
    for tok in span[1:]:
        if tok.pos_ == "NOUN" or tok.i == first and tok.pos_ == "VERB":
            return tok
        if tok.pos_ not in ("ADJ", "NUM") or tok.text[:1].isupper():
            break
    return next((t for t in span[1:] if t.pos_ in ("NOUN", "PROPN", "ADJ")), None)


_CHARGED = {"chargé", "chargée", "délégué", "déléguée"}
"""Participles inside a role: "le secrétaire d'État chargé de la Mer"."""


def _phrase_start(doc, k: int) -> int:
    """The first token of the phrase that ends before token ``k`` (after the last
    sentence mark, comma, verb, conjunction, pronoun, name or noun phrase: "L'élue Valérie
    Sanchez rappelle que le maire, Jean-Claude Perrin" gives "le maire")."""
    a = k
    while a > 0 and not (doc[a - 1].is_punct or doc[a - 1].pos_ in ("AUX", "SCONJ", "PRON")
                         or doc[a - 1].pos_ == "VERB" and not (doc[a - 1].lower_ in _CHARGED and a > 1
                                                               and doc[a - 2].pos_ in ("NOUN", "PROPN"))
                         or doc[a - 1].ent_type_ == PER
                         or doc[a].pos_ == "DET" and doc[a - 1].pos_ == "NOUN"):  # "à la presse" + "un responsable"
        a -= 1
    return a
