"""The claim-frame engine as a spaCy component (app/suggest/component.py): inside
``nlp.pipe``, on long texts parsed in pieces, and saved with its lexicon."""
from __future__ import annotations

import subprocess
import sys

import pytest

from glose.lexicon import Lexicon, shipped
from glose.nlp import parse, parse_one, split_text
from glose.suggest.component import FACTORY, SPAN_KEYS, frames_of
from glose.suggest.engine import suggest_frames
from glose.vocabulary import CLAIM, CUE, DIRECT, SOURCE

pytestmark = pytest.mark.slow

TEXT = ("« Nous ne céderons pas », a déclaré la maire de Brest, Sophie Lambert, lundi.\n"
        "Le préfet affirme que la digue sera réparée avant l'hiver.")


def test_the_component_runs_last_inside_nlp_pipe_and_writes_spans_and_extensions(nlp):
    assert nlp.pipe_names[-1] == FACTORY
    doc = parse_one(nlp, TEXT)
    frames = frames_of(doc)
    assert frames == suggest_frames(doc)  # the same engine, run once by the pipeline
    claims = doc.spans[SPAN_KEYS[CLAIM]]
    assert [span.text for span in claims] == ["Nous ne céderons pas", "la digue sera réparée avant l'hiver"]
    assert {span.label_ for span in claims} == {CLAIM}
    assert [span.text for span in doc.spans[SPAN_KEYS[CUE]]] == ["a déclaré", "affirme"]
    assert "Sophie Lambert" in [span.text for span in doc.spans[SPAN_KEYS[SOURCE]]]
    first = claims[0]._.glose_frame
    assert first.quote_type == DIRECT and first.sources[0].canonical == "Sophie Lambert"
    assert doc[0:2]._.glose_frame is None  # a span that is no claim has no frame


def test_a_doc_with_frames_still_serialises(nlp):
    from spacy.tokens import Doc

    doc = parse_one(nlp, TEXT)
    again = Doc(nlp.vocab).from_bytes(doc.to_bytes())
    assert frames_of(again) == frames_of(doc)
    assert [s.text for s in again.spans[SPAN_KEYS[CLAIM]]] == [s.text for s in doc.spans[SPAN_KEYS[CLAIM]]]


def test_a_long_text_is_parsed_in_pieces_and_framed_once_joined(nlp):
    paragraphs = [f"Le maire numéro {k} affirme que la route {k} sera rouverte demain." for k in range(12)]
    text = "\n".join(paragraphs)
    assert len(split_text(text, 150)) >= 5
    ((doc, _),) = parse(nlp, [(text, None)], chunk_chars=150)
    frames = frames_of(doc)
    assert len(frames) == 12
    assert frames == suggest_frames(doc)  # computed on the joined Doc, offsets of the whole text
    assert [text[f.claim_start:f.claim_end] for f in frames][-1] == "la route 11 sera rouverte demain"


def test_saved_with_the_pipeline_the_lexicon_is_read_back_by_spacy_load(nlp, tmp_path):
    """A fresh interpreter (no ``import glose``) loads the saved pipeline through the
    entry point, and the engine matches what the saved lexicon says: without
    "affirmer" in it, "affirme que" is no cue."""
    folder = tmp_path / "pipeline"
    nlp.to_disk(folder)
    saved = folder / FACTORY
    assert sorted(p.name for p in saved.iterdir()) == sorted(shipped().lines)
    for name in ("reporting_verbs.txt", "reporting_verbs_verbenet.txt"):
        path = saved / name
        path.write_text("".join(line + "\n" for line in path.read_text(encoding="utf-8").splitlines()
                                if line != "affirmer"), encoding="utf-8")
    script = (
        "import spacy, sys\n"
        f"nlp = spacy.load({str(folder)!r})\n"
        "print('glose.suggest.component' in sys.modules)\n"  # imported by the entry point
        "doc = nlp('Le préfet affirme que la digue sera réparée. Le maire a déclaré que tout allait bien.')\n"
        f"print([s.text for s in doc.spans[{SPAN_KEYS[CLAIM]!r}]])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    assert out.split("\n")[:2] == ["True", "['tout allait bien']"]
    assert "affirmer" not in Lexicon.read(saved).verbs.lemmas
    assert "affirmer" in shipped().verbs.lemmas


def test_the_component_round_trips_through_bytes(nlp):
    component = nlp.get_pipe(FACTORY)
    lexicon = type(component)().from_bytes(component.to_bytes()).lexicon
    assert lexicon.lines == component.lexicon.lines
