"""Claim frames from a parsed French Doc (filled in by issue 3)."""
from __future__ import annotations

from app.suggest.frames import Frame


def suggest_frames(doc) -> list[Frame]:
    """Return the claim frames of ``doc`` in reading order. (Stub for now.)"""
    return []
