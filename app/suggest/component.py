"""The claim-frame engine as a spaCy pipeline component, ``glose_frames``.

``glose.nlp.load_model`` adds it after the parser, so ``nlp.pipe`` (and with it
``--n-process``) computes frames with everything else. A pipeline saved with
``nlp.to_disk`` keeps the component's lexicon in its folder (``glose_frames/*.txt``,
the files of ``glose.lexicon.FILES``), and ``spacy.load`` of that folder reads it back
through the entry point ``spacy_factories`` (no ``import glose`` needed): edit those
files to change what one pipeline matches.

Each Doc gets:

- ``doc._.glose_frames``: the frames as plain data (lists and dicts, so that a Doc
  still serialises); ``frames_of(doc)`` gives them back as ``Frame`` objects;
- ``doc.spans["glose_claims"]`` (label CLAIM), ``["glose_cues"]`` (CUE) and
  ``["glose_sources"]`` (the entity label, or SOURCE), one span per frame part;
- ``span._.glose_frame`` on a claim span: its ``Frame``.

A long text is parsed in pieces (``glose.nlp.parse``); the pieces are marked
(``PIECE_KEY``) and skipped, and the frames are computed once on the joined Doc.
"""
from __future__ import annotations

from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, Span

from glose.lexicon import Lexicon, shipped
from glose.suggest.engine import suggest_frames
from glose.suggest.frames import Frame, Mention
from glose.vocabulary import CLAIM, CUE, SOURCE

FACTORY = "glose_frames"
PIECE_KEY = "glose.piece"
"""``doc.user_data`` key set on a piece of a long text: the component leaves it alone."""
SPAN_KEYS = {CLAIM: "glose_claims", CUE: "glose_cues", SOURCE: "glose_sources"}
EXTENSION = "glose_frames"

if not Doc.has_extension(EXTENSION):
    Doc.set_extension(EXTENSION, default=None)
if not Span.has_extension("glose_frame"):
    Span.set_extension("glose_frame", getter=lambda span: _frame_of_span(span))


@Language.factory(FACTORY, default_config={})
def make_frames(nlp: Language, name: str) -> ClaimFrames:
    """``nlp.add_pipe("glose_frames")``: the engine with the shipped lexicon."""
    return ClaimFrames(name)


class ClaimFrames:
    """Writes each Doc's claim frames (see the module's docstring)."""

    def __init__(self, name: str = FACTORY, lexicon: Lexicon | None = None) -> None:
        self.name = name
        self.lexicon = lexicon or shipped()

    def __call__(self, doc: Doc) -> Doc:
        if doc.user_data.get(PIECE_KEY):
            return doc
        frames = suggest_frames(doc, self.lexicon)
        setattr(doc._, EXTENSION, [_plain(frame) for frame in frames])
        groups: dict[str, list[Span]] = {key: [] for key in SPAN_KEYS.values()}

        def add(key: str, start: int, end: int, label: str) -> None:
            span = doc.char_span(start, end, label=label, alignment_mode="expand")
            if span is not None:
                groups[key].append(span)

        for frame in frames:
            add(SPAN_KEYS[CLAIM], frame.claim_start, frame.claim_end, CLAIM)
            if frame.cue:
                add(SPAN_KEYS[CUE], *frame.cue, CUE)
            for m in frame.sources:
                add(SPAN_KEYS[SOURCE], m.start, m.end, m.label)
        for key, spans in groups.items():
            doc.spans[key] = spans
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)

    # -- saved with the pipeline: the lexicon files ------------------------------------

    def to_disk(self, path, *, exclude=()) -> None:
        self.lexicon.write(Path(path))

    def from_disk(self, path, *, exclude=()) -> ClaimFrames:
        self.lexicon = Lexicon.read(Path(path))
        return self

    def to_bytes(self, *, exclude=()) -> bytes:
        import srsly

        return srsly.msgpack_dumps({name: list(lines) for name, lines in self.lexicon.lines.items()})

    def from_bytes(self, data: bytes, *, exclude=()) -> ClaimFrames:
        import srsly

        self.lexicon = Lexicon({name: tuple(lines) for name, lines in srsly.msgpack_loads(data).items()})
        return self


def frames_of(doc: Doc, lexicon: Lexicon | None = None) -> list[Frame]:
    """The frames the component wrote on ``doc``; computed now if it did not run
    (a pipeline without it)."""
    stored = getattr(doc._, EXTENSION)
    if stored is None:
        return suggest_frames(doc, lexicon)
    return [_frame(data) for data in stored]


def _plain(frame: Frame) -> dict:
    return {"claim": [frame.claim_start, frame.claim_end], "cue": list(frame.cue) if frame.cue else None,
            "sources": [[m.start, m.end, m.label, m.canonical] for m in frame.sources],
            "quote_type": frame.quote_type, "claim_type": frame.claim_type, "confidence": frame.confidence}


def _frame(data: dict) -> Frame:
    cue = data["cue"]
    return Frame(data["claim"][0], data["claim"][1], (cue[0], cue[1]) if cue else None,
                 tuple(Mention(*source) for source in data["sources"]), data["quote_type"], data["claim_type"],
                 data["confidence"])


def _frame_of_span(span: Span) -> Frame | None:
    """The frame whose claim is this span (token-aligned as in ``doc.spans``), if any."""
    doc = span.doc
    for data in getattr(doc._, EXTENSION) or ():
        start, end = data["claim"]
        claim = doc.char_span(start, end, alignment_mode="expand")
        if claim is not None and (claim.start, claim.end) == (span.start, span.end):
            return _frame(data)
    return None
