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
from glose.suggest.context import text_of
from glose.suggest.frames import Frame, Mention
from glose.vocabulary import LOC, MISC, PER

TITLES = ("M.", "Mme", "Mlle", "Me", "Dr", "Pr", "Mgr")
RECENT_CHARS = 1200
"""How far back a definite description looks for the person it stands for."""
_APPOS_AFTER = re.compile(r"\s*,\s*(?:(?:M\.|Mme|Mlle|Me|Dr|Pr|Mgr)\s+)?")
_NAME = re.compile(r"[A-ZÉÈ][\w'’-]+(?: (?:de |d’|d'|du |von |van |al-)?[A-ZÉÈ][\w'’-]+)+")
"""Two capitalised words or more: a person's name set in apposition."""
SENTENCE_ADVERBS = {"désormais", "aussi", "toutefois", "pourtant", "cependant", "néanmoins", "également", "encore",
                    "donc", "alors", "enfin", "déjà", "lui-même", "elle-même", "eux-mêmes", "elles-mêmes"}
_DEFINITE = {"le", "la", "l'", "l’", "son", "sa", "leur", "ce", "cet", "cette"}


def identify(doc, frames: list[Frame], lexicon: Lexicon | None = None) -> list[Frame]:
    """The frames with each source's ``canonical`` set to its speaker, where known
    (``lexicon``'s speaker and group nouns say who may be a person)."""
    if not frames:
        return frames
    people = _People(doc, lexicon or shipped())
    return [replace(f, sources=tuple(people.speaker(m) for m in f.sources)) if f.sources else f for f in frames]


SHORT_DESCRIPTION = 4
"""Tokens at most of a description that may stand for the last named speaker."""


def _without_title(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0] in TITLES:
        words = words[1:]
    return " ".join(words)


class _People:
    """The persons a document names, in order, and the role nouns its appositions tie to them."""

    def __init__(self, doc, lex: Lexicon):
        self.doc, self.text = doc, text_of(doc)
        self.groups = lex.group_nouns
        self.person_nouns = lex.speaker_nouns - self.groups
        self.spoken: list[tuple[int, str]] = []  # (position, full name) of each named speaker so far
        self.persons: list[tuple[int, int, str]] = []  # (start, end, full name) of each PER entity
        by_surname: dict[str, str] = {}
        for ent in doc.ents:
            if ent.label_ != PER:
                continue
            end = ent.end_char
            while end < len(self.text) and (self.text[end].isalnum() or self.text[end] == "-"):
                end += 1  # "Ban Ki-" + "moon": the entity stopped inside a word
            name = _without_title(self.text[ent.start_char:end].strip())
            if " " in name:
                by_surname.setdefault(name.split()[-1], name)
            self.persons.append((ent.start_char, end, name))
        # A one-word name is the full name it ends ("M. Dujarric" → Stéphane Dujarric).
        self.persons = [(s, e, by_surname.get(n, n)) for s, e, n in self.persons]
        self.starts = [s for s, _, _ in self.persons]
        self.names = {name for _, _, name in self.persons if " " in name}
        # Named persons who head a clause (its subject, or a name after a comma or at a
        # sentence start: the parse often misses "En France, François Hollande, qui …, a
        # condamné"): a later "le président" may be them; "de Bachar al-Assad" is not.
        full = {start: name for start, _, name in self.persons}
        self.spoken += [(ent.start_char, full[ent.start_char]) for ent in doc.ents
                        if ent.label_ == PER and (any(t.dep_.startswith("nsubj") for t in ent) or ent.start == 0
                                                  or doc[ent.start - 1].is_punct or doc[ent.start].is_sent_start)]
        self.spoken = [(position, name) for position, name in self.spoken if name in self.names]
        self.roles: list[tuple[int, str, str]] = []  # (position, role noun lemma, full name)
        for start, end, name in self.persons:
            for head in self._apposed_heads(start, end):
                self.roles.append((start, head, name))
        self.spoken += [(start, name) for start, _, name in self.roles]  # "le cycliste Romain Bardet"

    # -- the document's appositions --------------------------------------------------

    def _apposed_heads(self, start: int, end: int) -> list[str]:
        """Role nouns set beside a name: "<role>, X", "X, <role>", "le <role> X"."""
        doc = self.doc
        heads: list[str] = []
        first = doc.char_span(start, end, alignment_mode="expand")
        if first is None:
            return heads
        i, j = first.start, first.end
        k = i - 1
        if k >= 0 and doc[k].text in TITLES:
            k -= 1
        if k >= 0 and doc[k].text == ",":  # "la présidente de l'ONG, Marie Dupont"
            heads += self._np_head(_phrase_start(doc, k), k)
        elif k >= 0 and doc[k].pos_ == "NOUN":  # "le ministre Jean Dupont"
            heads.append(doc[k].lemma_.lower())
        if j < len(doc) and doc[j].text == ",":  # "Marie Dupont, présidente de l'ONG,"
            heads += self._np_head(j + 1, min(len(doc), j + 12))
        return [h for h in heads if h not in self.groups]

    def _np_head(self, a: int, b: int) -> list[str]:
        for tok in self.doc[a:b]:
            if tok.pos_ == "NOUN" or (tok.pos_ in ("PROPN", "ADJ") and tok.text[:1].isupper() and tok.ent_type_ != PER):
                return [tok.lemma_.lower()]
            if tok.pos_ in ("VERB", "AUX") or tok.is_punct:
                break
        return []

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
        for start, _, name in self._persons_in(m.end, m.end + 30):  # "le délégué syndical Marc Oury"
            between = self.text[m.end:start]
            if len(between.split()) <= 2 and not any(c in between for c in ",.;:«»\n"):
                return name
        after = _APPOS_AFTER.match(self.text, m.end)
        if after:  # "Son avocat, Me Antoine Vey, a annoncé"
            for _start, _end, name in self._persons_in(m.end, after.end() + 1):
                return name
            named = _NAME.match(self.text, after.end())  # a name spaCy did not tag
            if named and (after.end() > m.end + 2 or named.group(0).count(" ") >= 1):
                return named.group(0)
        return self._described(m)

    def _antecedent(self, m: Mention, depth: int) -> str | None:
        """A pronoun the engine tied to an earlier mention: that mention's speaker."""
        if not m.canonical or depth > 3:
            return None
        found = self.text.rfind(m.canonical, 0, m.start)
        if found == -1:
            return m.canonical
        earlier = Mention(found, found + len(m.canonical), m.label)
        return self._name(earlier, depth + 1) or m.canonical

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
        head = next((t for t in span[1:] if t.pos_ in ("NOUN", "PROPN", "ADJ")), None)
        if head is None or "Plur" in head.morph.get("Number", []):
            return None
        lemma, word = head.lemma_.lower(), head.text.lower()
        if lemma in self.groups or word in self.groups:
            return None
        for position, role, name in reversed(self.roles):
            if position < m.start and role in (lemma, word):
                return name
        person = lemma in self.person_nouns or word in self.person_nouns or head.text[:1].isupper()
        if not person or len(span) > SHORT_DESCRIPTION or any(t.pos_ == "ADP" for t in span):
            return None
        last = max(((position, name) for position, name in self.spoken
                    if m.start - RECENT_CHARS < position < m.start), default=None)
        return last[1] if last else None


def _phrase_start(doc, k: int) -> int:
    """The first token of the phrase that ends before token ``k`` (after the last
    sentence mark, comma or verb)."""
    a = k
    while a > 0 and not (doc[a - 1].is_punct or doc[a - 1].pos_ in ("VERB", "AUX")):
        a -= 1
    return a
