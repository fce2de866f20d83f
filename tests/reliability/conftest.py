"""The reliability suite: several annotators on one file, faults, damaged files, hostile input.

A small budget runs in ``make test``; ``GLOSE_SOAK=1`` runs every trial at full size
(``bench/soak.py`` prints the same figures outside pytest).
"""
from __future__ import annotations

import os

import pytest

FULL = os.environ.get("GLOSE_SOAK") == "1"


def budget(small: int, full: int) -> int:
    """How many trials or actions to run: ``small`` in the everyday suite, ``full`` with GLOSE_SOAK=1."""
    return full if FULL else small


@pytest.fixture
def shared_doc(db):
    """A document with suggestions (a claim, its cue and source, another entity)."""
    from tests.tui_data import build

    return build(db)
