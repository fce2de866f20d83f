"""The plain data a suggestion engine returns: claim frames over character offsets."""
from __future__ import annotations

from dataclasses import dataclass, field

from glose.vocabulary import DIRECT, SOURCE


@dataclass(frozen=True)
class Mention:
    """A span of the document text that said something (end exclusive).

    ``label`` is the entity label when the mention is a named entity
    (PER, ORG, LOC, MISC), else ``SOURCE`` (*une source diplomatique*, *il*).
    ``canonical`` names the speaker it denotes when that is known, e.g. a pronoun
    resolved to an earlier speaker: "Rupert Colville".
    """

    start: int
    end: int
    label: str = SOURCE
    canonical: str | None = None


@dataclass(frozen=True)
class Frame:
    """One suggested claim frame (docs/DATA_MODEL.md). Offsets are ``str`` indices."""

    claim_start: int
    claim_end: int
    cue: tuple[int, int] | None = None
    sources: tuple[Mention, ...] = field(default_factory=tuple)
    quote_type: str = DIRECT  # one of QUOTE_TYPES
    claim_type: str | None = None  # statistic | accusation | prediction | opinion | event | other
    confidence: float = 0.5
