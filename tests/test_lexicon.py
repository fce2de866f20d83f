"""The reporting-verb lexicon: the hand file and the Verb∋Net file read together."""
from __future__ import annotations

import re

from app.lexicon import DATA, _lines, verbs

VERBENET = "reporting_verbs_verbenet.txt"


def _header() -> str:
    text = (DATA / VERBENET).read_text(encoding="utf-8")
    return "\n".join(line for line in text.splitlines() if line.startswith("#"))


def test_union_has_at_least_250_lemmas():
    lex = verbs()
    union = set(lex.lemmas) | {" ".join(words) for words in lex.multiword}
    assert len(union) >= 250, len(union)


def test_verbenet_lemmas_are_lowercase_words_sorted_and_unique():
    lemmas = _lines(VERBENET)
    assert len(lemmas) >= 200
    for lemma in lemmas:
        assert lemma == lemma.lower(), lemma
        assert re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)*", lemma), lemma
        assert not lemma.startswith(("se ", "s'", "s’")), lemma  # clitics are dropped
        assert "+" not in lemma, lemma  # flags belong to the hand lexicon
    assert lemmas == sorted(set(lemmas))


def test_verbenet_header_names_source_and_license():
    header = _header()
    assert "https://github.com/aymara/verbenet" in header
    assert re.search(r"commit [0-9a-f]{40}", header)
    assert "Creative Commons Attribution-ShareAlike 4.0" in header
    assert "CC BY-SA 4.0" in header
    assert "2026-12-02" in header
    assert "Excluded" in header


def test_verbenet_regeneration_script_compiles():
    script = "\n".join(re.sub(r"^#\| ?", "", line) for line in _header().splitlines() if line.startswith("#|"))
    compile(script, VERBENET, "exec")


def test_sanity_members():
    verbenet = set(_lines(VERBENET))
    for lemma in ("déclarer", "affirmer", "railler", "tonner", "fustiger", "chuchoter", "rétorquer"):
        assert lemma in verbenet, lemma
    assert "marteler" not in verbenet  # not a Verb∋Net member: it comes from the hand lexicon
    lex = verbs()
    assert {"déclarer", "affirmer", "railler", "tonner", "marteler"} <= lex.lemmas


def test_exclusions_stay_out():
    lex = verbs()
    for lemma in ("être", "avoir", "faire", "savoir", "voir", "trouver", "lire", "causer", "placer", "marquer"):
        assert lemma not in lex.lemmas, lemma


def test_hand_flags_and_multiword_cues_are_kept():
    lex = verbs()
    assert {"confirmer", "annoncer", "faire état"} <= lex.noun_claim
    assert "railler" not in lex.noun_claim  # the Verb∋Net file adds plain lemmas only
    assert ("faire", "état") in lex.multiword and ("mettre", "en", "garde") in lex.multiword
    assert "exclamer" in lex.lemmas and "s'exclamer" not in lex.lemmas
