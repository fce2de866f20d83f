"""Claim-frame suggestion engine (no Textual here).

`suggest_frames(doc)` turns a parsed French spaCy ``Doc`` into ``Frame`` objects:
a CLAIM span, its CUE, the mention(s) that said it, and attributes. The importer
stores them in the layer ``suggestions``.
"""
from glose.suggest.frames import Frame, Mention  # noqa: F401
