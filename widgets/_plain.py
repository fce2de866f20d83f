"""Make untrusted text safe to draw: no control character reaches the terminal."""
from __future__ import annotations

STAND_INS = {code: chr(0x2400 + code) for code in range(0x20) if code != 0x0A}
"""C0 controls (but "\\n"), DEL, C1 controls and bidi overrides, each mapped to a
visible one-cell stand-in (as the importer does), for `str.translate`."""
STAND_INS[0x09] = " "
STAND_INS[0x7F] = "\u2421"
STAND_INS.update({code: "\ufffd" for code in range(0x80, 0xA0)})
STAND_INS.update({code: "\ufffd" for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})


def one_line(text: str) -> str:
    """`text` on one line (whitespace runs collapsed), control characters replaced."""
    return " ".join(text.translate(STAND_INS).split())
