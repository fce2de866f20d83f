"""Text that is safe to show: no control character ever reaches the terminal.

Article text is normalised once at import (``glose.textnorm``); names, labels, titles
and messages are made safe again where they are shown, with the same stand-ins.
"""
from __future__ import annotations

import re

from rich.cells import cell_len

STAND_INS = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x0A}
"""For ``str.translate``: each C0 control but the newline, DEL, each C1 control (CSI
among them, which some terminals obey) and each bidirectional override or isolate
(they reorder what a terminal shows) becomes a visible one-character stand-in,
so nothing shifts: ESC is "␛", NUL "␀", a tab one space."""
STAND_INS[0x09] = " "
STAND_INS[0x7F] = "\u2421"
STAND_INS.update({code: "\ufffd" for code in range(0x80, 0xA0)})
STAND_INS.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})

_SURROGATES = re.compile("[\ud800-\udfff]")
"""Lone surrogates (badly decoded scrapes, file names) cannot be encoded: one stand-in each."""


def visible(text: str) -> str:
    """``text`` on one line, every control character a visible stand-in (newlines too:
    "␤"); the length is kept. For file names, labels and titles printed as they are."""
    return _SURROGATES.sub("\ufffd", text).translate(STAND_INS).replace("\n", "\u2424")


def one_line(text: str) -> str:
    """``text`` on one line for a label or a status: control characters replaced,
    whitespace runs (newlines included) collapsed to one space."""
    return " ".join(_SURROGATES.sub("\ufffd", text).translate(STAND_INS).split())


def cut(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells (wide characters take two), with an
    ellipsis when cut."""
    if cell_len(text) <= width:
        return text
    cut, cells = [], 0
    for character in text:
        size = cell_len(character)
        if cells + size > width - 1:
            break
        cut.append(character)
        cells += size
    return "".join(cut) + "…"
