"""The organisations a document names, for the speaker stage (speakers.py).

An organisation is named by an ORG entity, by an acronym defined in parentheses
("la Commission nationale … (CNIL)"), by a word in capitals the tagger missed
("de FO-Justice"), or by whatever follows an organisation noun ("la société Restaval",
which the tagger may call a person; "le collectif Sauvons les haies"). Each is kept
with the noun that introduced it, so that a later "la société" finds "la société
Pronto", and with whether it heads a clause.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from glose.vocabulary import ORG, PER

ORGANISATION_NOUNS = {"association", "ong", "syndicat", "club", "collectif", "fédération", "entreprise", "société",
                      "groupe", "organisation", "agence", "institut", "parti", "constructeur", "opérateur",
                      "autorité", "compagnie", "commission", "union", "fondation", "banque", "mutuelle", "office",
                      "exploitant", "gestionnaire", "fabricant", "laboratoire", "plateforme", "enseigne", "firme",
                      "distributeur", "transporteur", "coopérative", "organisme", "direction"}
"""Heads of a description that stands for an organisation the text named ("l'ONG")."""
FIRMS = {"entreprise", "société", "groupe", "compagnie", "firme", "constructeur", "opérateur", "exploitant",
         "fabricant", "laboratoire", "enseigne", "distributeur", "transporteur", "plateforme"}
"""Organisation nouns that all name a company."""
NAME_LINKS = {"de", "du", "des", "d'", "d’", "en", "au", "aux", "à", "et"}
"""Small words inside an association's name ("Vivre en haute Bléone")."""
CAPITALS = re.compile(r"[A-Z][A-Z0-9]{1,7}(?:-[A-Z][a-zé]+)?")
"""A word in capitals ("FDSEA", "FO-Justice"): an organisation's acronym."""
ACRONYM = re.compile(r"\(([A-Z][A-Za-z]{1,7}(?: \d{1,3})?)\)")
"""An acronym defined in parentheses: "(CNIL)", "(Inrae)", "(UPE 13)"."""


class Organisations:
    """The organisations of one Doc, in text order.

    ``named``: (start, name, introducing noun) sorted by start; ``starts``: their
    starts, for bisection; ``names``; ``subjects``: starts of the entities that head a
    clause; ``acronyms``: (parenthesis start, end, acronym).
    """

    def __init__(self, doc, first_names: Mapping[str, str], surnames: Mapping[str, str]) -> None:
        text = doc.text
        # ORG entities, but not a person the tagger called ORG ("la Néerlandaise Femke Dijkstra")
        named = [(ent.start_char, org_name(doc, ent), kind_of(doc, ent.start)) for ent in doc.ents
                 if ent.label_ == ORG
                 and ent.text.split()[0] not in first_names  # not "Air France": France is a first name too
                 and not any(surnames.get(word, ent.text) != ent.text for word in ent.text.split())
                 and not (ent.end < len(doc) and doc[ent.end].pos_ == "PROPN")  # a name cut short
                 or kind_of(doc, ent.start) in ORGANISATION_NOUNS]  # whatever the tagger called it
        # "la société" after "Pronto a annoncé … devant le Conseil d'État" is Pronto
        self.subjects = {ent.start_char for ent in doc.ents
                         if any(t.dep_.startswith("nsubj") for t in ent) or ent[0].is_sent_start}
        self.acronyms: list[tuple[int, int, str]] = []
        for match in ACRONYM.finditer(text):
            self.acronyms.append((match.start(), match.end(), match.group(1)))
            named.append((match.start(), match.group(1), _acronym_noun(doc, match.start())))
        seen = {start for start, _, _ in named} | {start + 1 for start, _, _ in self.acronyms}
        named += _capitals(doc, seen) + _after_nouns(doc, seen)
        self.named = sorted(named)
        self.starts = [start for start, _, _ in self.named]
        self.names = {name for _, name, _ in self.named}


def _acronym_noun(doc, at: int) -> str:
    """The noun of the phrase an acronym in parentheses at ``at`` stands for: "… par la
    Commission nationale de l'informatique (CNIL)" gives commission."""
    before = doc.char_span(max(0, at - 120), at, alignment_mode="contract")
    tokens = list(before) if before is not None else []
    begin = max((k + 1 for k, t in enumerate(tokens) if t.is_punct or t.pos_ in ("VERB", "AUX")), default=0)
    head = next((t for t in tokens[begin:] if t.pos_ in ("NOUN", "PROPN")), None)
    return head.lemma_.lower() if head is not None else ""


def _capitals(doc, seen: set[int]) -> list[tuple[int, str, str]]:
    """Acronyms the tagger missed or called a place: "de FO-Justice", "l'US Grenelle"."""
    out = []
    for tok in doc:
        if not CAPITALS.fullmatch(tok.text) or tok.idx in seen or tok.ent_iob_ == "I" or tok.ent_type_ == PER:
            continue
        end = tok.i + 1
        while tok.ent_iob_ == "B" and end < len(doc) and doc[end].ent_iob_ == "I":
            end += 1
        while end + 1 < len(doc) and doc[end].text == "-" and not doc[end].whitespace_ \
                and doc[end + 1].text[:1].isupper():
            end += 2  # "FO" + "-" + "Justice"
        out.append((tok.idx, doc[tok.i:end].text, kind_of(doc, tok.i)))
    return out


def _after_nouns(doc, seen: set[int]) -> list[tuple[int, str, str]]:
    """Names after an organisation noun the tagger left untagged: "le collectif Sauvons les abeilles"."""
    out = []
    for tok in doc:
        if tok.lemma_.lower() in ORGANISATION_NOUNS and tok.i + 1 < len(doc) and not doc[tok.i + 1].ent_type_ \
                and doc[tok.i + 1].text[:1].isupper() and doc[tok.i + 1].idx not in seen:
            out.append((doc[tok.i + 1].idx, org_name(doc, doc[tok.i + 1:tok.i + 2]), tok.lemma_.lower()))
    return out


def lemma_of(tok) -> str:
    """A noun's lemma; the word itself for a noun the tagger read as a verb ("l'exploitant")."""
    return tok.lower_ if tok.pos_ == "VERB" else tok.lemma_.lower()


def sort_of(noun: str) -> str:
    """The kind of organisation a noun names: every firm noun is one kind."""
    return "entreprise" if noun in FIRMS else noun


def org_name(doc, span) -> str:
    """The name of an organisation its noun introduces, past what the tagger marked:
    "le collectif" + "Sauvons" + "les forêts du Haut-Morvan" (lower-case words up to a
    verb or a mark; a preposition only inside names or before a capital: "du
    Haut-Morvan", "en haute Bléone", not "dans un communiqué")."""
    if kind_of(doc, span.start) not in ORGANISATION_NOUNS:
        return span.text
    end, last = span.end, span.end
    while end < len(doc) and end - span.start < 8 and not doc[end].is_sent_start:
        tok = doc[end]
        if tok.is_punct or tok.pos_ in ("VERB", "AUX", "PRON", "SCONJ", "ADV") or tok.pos_ == "CCONJ" \
                and tok.lower_ != "et":
            break
        if tok.pos_ == "ADP" and tok.lower_ not in NAME_LINKS and not (
                end + 1 < len(doc) and doc[end + 1].text[:1].isupper()):
            break
        end += 1
        if tok.pos_ in ("NOUN", "PROPN", "ADJ") or tok.text[:1].isupper():
            last = end
    return doc[span.start:last].text


def kind_of(doc, i: int) -> str:
    """The noun that introduces the name at token ``i`` ("la société Pronto"), or ""."""
    k = i - 1
    if k >= 0 and doc[k].lower_ in ORGANISATION_NOUNS:
        return doc[k].lower_  # whatever the tagger called it ("du collectif" read as an adjective)
    while k >= 0 and doc[k].pos_ == "ADJ":
        k -= 1
    return doc[k].lemma_.lower() if k >= 0 and doc[k].pos_ == "NOUN" else ""
