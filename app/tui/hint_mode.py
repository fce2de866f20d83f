"""Picking a source mention by its on-screen hint letters (like a browser's link hints)."""
from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label

from glose.plaintext import one_line


def hint_labels(count: int, alphabet: str = "asdfghjklwertyuiopzxcvbnm") -> list[str]:
    """Hints for ``count`` candidates, nearest first: single letters while they
    last, then two letters behind the last few letters (never a prefix clash).
    No ``q``: pressed out of habit to quit, it must not link anything."""
    size = len(alphabet)
    if count <= size:
        return list(alphabet[:count])
    prefixes = min(size, -(-(count - size) // (size - 1)))  # ceil
    singles = list(alphabet[: size - prefixes])
    doubles = [p + q for p in alphabet[size - prefixes:] for q in alphabet]
    return (singles + doubles)[:count]


class HintModeScreen(ModalScreen[object]):
    """A transparent overlay that reads hint letters typed by the annotator.

    Dismisses with the picked value, with ``"search"`` when the annotator asks
    to type part of a name instead (``/``), or None on escape.
    """

    DEFAULT_CSS = """
    HintModeScreen { background: transparent; align: center bottom; }
    HintModeScreen > Label {
        width: 100%; height: 1; background: $warning; color: $background; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="cancel"),
        Binding("slash", "search", "Type a name", id="search_name"),
    ]

    def __init__(self, hints: Mapping[str, object], prompt: str):
        super().__init__()
        self.hints, self.prompt, self.typed = hints, prompt, ""

    def compose(self) -> ComposeResult:
        yield Label(Content(one_line(self.prompt)))

    def on_key(self, event) -> None:
        char = event.character
        if not char or not char.isalpha():
            return
        event.stop()
        self.typed += char.lower()
        if self.typed in self.hints:
            self.dismiss(self.hints[self.typed])
        elif not any(hint.startswith(self.typed) for hint in self.hints):
            self.typed = ""
            self.app.bell()

    def action_search(self) -> None:
        self.dismiss("search")

    def action_cancel(self) -> None:
        self.dismiss(None)
