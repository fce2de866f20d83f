"""The plain data the widgets draw. No Textual here: the app builds these from its
rows and hands them over; text in them is never parsed as markup."""
from __future__ import annotations

from dataclasses import dataclass

from glose.vocabulary import ACCEPTED, PENDING, REJECTED, SPAN_LABELS, STATES, TODO

STATE_MARKS = {PENDING: "?", ACCEPTED: "✓", REJECTED: "✗"}
"""How a state is shown without colour: in the claims list and the tag rows."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A labelled span of the document text, for `ArticleView`.

    `start` and `end` are Python `str` indices into the document text, `end`
    exclusive. Highlights may overlap and nest.
    """

    id: int
    start: int
    end: int
    label: str
    state: str = PENDING

    def __post_init__(self) -> None:
        if self.label not in SPAN_LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(frozen=True, slots=True)
class ClaimRow:
    """One claim as `ClaimsPanel` shows it."""

    id: int
    excerpt: str
    """The claim's text (any length: the panel truncates it)."""
    source: str = ""
    """The source mention(s) as text, or "" when the claim has none yet."""
    cue: str = ""
    """The cue's text, or ""."""
    state: str = PENDING
    """One of the vocabulary's STATES."""
    quote_type: str | None = None
    """One of the vocabulary's QUOTE_TYPES, or None when unknown."""
    linked: int = 0
    """How many claims of other documents it is the same claim as."""


@dataclass(frozen=True, slots=True)
class ListedDocument:
    """One document as `DocumentTable` shows it."""

    id: int
    title: str
    """Untrusted text (from the article): drawn as plain text, on one line."""
    date: str = ""
    words: int | None = None
    claims: int = 0
    """Its claims (not rejected) in the annotator's layer, else in the suggestions."""
    status: str = TODO
    """The annotator's status: one of the vocabulary's DOC_STATUSES."""
