"""Normalise article text once, at import, before any NLP (docs/DATA_MODEL.md, "Text").

The stored text is never changed afterwards, so every offset ever stored stays
valid; its SHA-256 is the document's identity. Normalisation:

- line endings (CRLF, CR, U+2028, U+2029) become ``\\n``;
- Unicode NFC;
- control characters are *replaced* by a visible stand-in of the same length
  (ESC becomes U+241B "␛", NUL U+2400 "␀", ...), never deleted, so an article
  cannot drive the terminal and nothing shifts. A tab becomes one space.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata

from glose.plaintext import STAND_INS

_LINE_BREAKS = re.compile("\r\n|\r|\u2028|\u2029")
_SURROGATES = re.compile("[\ud800-\udfff]")


def normalize(text: str) -> str:
    """Return ``text`` normalised for storage (idempotent)."""
    text = _LINE_BREAKS.sub("\n", text)
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text)
    return text.translate(STAND_INS)


def one_line_name(name: str) -> str:
    """A name that comes with data (a canonical source, a title) as glose stores it:
    normalised like article text, on one line, whitespace runs collapsed."""
    return " ".join(normalize(name).split())


def path_text(path) -> str:
    """A file name as text that can be stored and printed, even when it is not valid
    UTF-8 (each undecodable byte becomes U+FFFD)."""
    return str(path).encode("utf-8", "surrogateescape").decode("utf-8", "replace")


_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def json_line(value) -> str:
    """One JSON line that is safe on a terminal: JSON escapes C0 controls itself;
    DEL, C1 controls, line separators and bidirectional overrides are escaped too."""
    text = json.dumps(value, ensure_ascii=False)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def text_hash(text: str) -> str:
    """The identity of a stored (normalised) text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def offset_mapper(raw: str):
    """Return ``f(offset_in_raw) -> offset_in_normalize(raw)``.

    Used for spans that arrive with a text (JSONL import) whose normalisation
    changes its length (CRLF, decomposed accents). Offsets must fall on
    character boundaries that normalisation keeps, as any sane span does.
    """
    if normalize(raw) == raw:
        return lambda offset: offset
    cache: dict[int, int] = {}

    def mapped(offset: int) -> int:
        if offset not in cache:
            cache[offset] = len(normalize(raw[:offset]))
        return cache[offset]

    return mapped


_HEADER = re.compile(r"\A[ \t]*date[ \t]+(\d{4}(?:-\d{2}){0,2})\b[ \t]*\n?[ \t]*")


def split_header(text: str) -> tuple[dict, str]:
    """Take a leading ``date YYYY[-MM[-DD]]`` line off a plain-text article.

    Returns ``(meta, body)``; the date becomes ``meta["date"]``, not article text.
    """
    match = _HEADER.match(text)
    if not match:
        return {}, text
    return {"date": match.group(1)}, text[match.end():]
