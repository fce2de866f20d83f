"""``glose export --format spacy``: a layer as spaCy DocBin files and a training config.

To be written: ``write_corpus`` writes train.spacy/dev.spacy (split by document) and config.cfg.
"""
from __future__ import annotations
