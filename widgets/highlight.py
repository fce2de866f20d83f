"""The plain data an `ArticleView` draws: one labelled span of the document.

No Textual here: the app builds these from its database rows and hands them over.
"""
from __future__ import annotations

from dataclasses import dataclass

ENTITY_LABELS = ("PER", "ORG", "LOC", "MISC")
"""Named-entity labels (as predicted by `fr_core_news_sm`)."""

LABELS = (*ENTITY_LABELS, "CLAIM", "CUE", "SOURCE")
"""Every label a highlight may carry."""

STATES = ("pending", "accepted", "rejected")
"""Every state a highlight may be in."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """A labelled span of the document text.

    `start` and `end` are Python `str` indices into the document text, `end`
    exclusive. Highlights may overlap and nest.
    """

    id: int
    start: int
    end: int
    label: str
    state: str = "pending"

    def __post_init__(self) -> None:
        if self.label not in LABELS:
            raise ValueError(f"unknown label {self.label!r}")
        if self.state not in STATES:
            raise ValueError(f"unknown state {self.state!r}")
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")
