"""The shipped entity patterns fix spaCy's systematic errors on news organisations."""
from __future__ import annotations

import json

import pytest
import spacy

from glose.settings import SHIPPED_PATTERNS, Settings
from glose.suggest.entities import RULER_NAME, add_entity_ruler


def test_pattern_file_is_valid_jsonl():
    rows = [json.loads(line) for line in SHIPPED_PATTERNS.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 30
    assert all(row["label"] in {"PER", "ORG", "LOC", "MISC"} and row["pattern"] for row in rows)


def test_ruler_on_a_blank_pipeline_and_idempotent():
    nlp = spacy.blank("fr")
    add_entity_ruler(nlp, SHIPPED_PATTERNS)
    add_entity_ruler(nlp, SHIPPED_PATTERNS)
    assert nlp.pipe_names.count(RULER_NAME) == 1
    doc = nlp("Le rapport de l'Unicef cite le CICR.")
    assert [(e.text, e.label_) for e in doc.ents] == [("Unicef", "ORG"), ("CICR", "ORG")]


def test_patterns_file_can_be_replaced(tmp_path):
    custom = tmp_path / "patterns.jsonl"
    custom.write_text(json.dumps({"label": "ORG", "pattern": "Groupe Alpha"}) + "\n", encoding="utf-8")
    settings = Settings.from_environment({"GLOSE_ENTITY_PATTERNS": str(custom)})
    nlp = spacy.blank("fr")
    add_entity_ruler(nlp, settings.entity_patterns)
    assert [(e.text, e.label_) for e in nlp("Le Groupe Alpha a signé.").ents] == [("Groupe Alpha", "ORG")]


def test_acronyms_match_case_sensitively():
    nlp = spacy.blank("fr")
    add_entity_ruler(nlp, SHIPPED_PATTERNS)
    assert [e.text for e in nlp("L'AP et l'AFP, mais pas ap ni afp.").ents] == ["AP", "AFP"]


@pytest.mark.slow
def test_ruler_sits_before_ner_and_fixes_known_errors(nlp):
    names = nlp.pipe_names
    assert names.index(RULER_NAME) < names.index("ner")
    doc = nlp(
        "L'Unicef et l'OSDH ont alerté le Haut Commissaire de l'ONU pour les droits de l'homme, "
        "tandis que le Hezbollah et le Conseil de sécurité se taisaient."
    )
    ents = {(e.text, e.label_) for e in doc.ents}
    for name in ("Unicef", "OSDH", "Haut Commissaire de l'ONU pour les droits de l'homme", "Hezbollah", "Conseil de sécurité"):
        assert (name, "ORG") in ents
