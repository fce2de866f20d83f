"""The keys of a screen, grouped by what the annotator does, for `?` and the README.

A screen lists its keys in ``KEY_GROUPS``: groups of rows, each row naming bindings of the
screen by id (their keys are read from the bindings, so the help cannot show a key
that does nothing) or, for the caret keys of `ArticleView`, giving the keys as text.
``help_markdown`` writes the same rows as the README's tables; a test keeps the two
equal, so the README and the help agree.
"""
from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.keys import format_key
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

KEYS_WIDTH = 16
"""Cells given to the keys column."""


@dataclass(frozen=True)
class KeyRow:
    action: str
    ids: tuple[str, ...] = ()
    """Binding ids of the screen, shown as their keys joined by " / "."""
    keys: str = ""
    """Keys as text, for keys that are not the screen's own bindings."""


HelpGroups = list[tuple[str, list[KeyRow]]]


def key_name(binding: Binding) -> str:
    """A binding's key as the help and the footer show it: ``a``, ``{``, ``ctrl+r``."""
    if binding.key_display:
        return binding.key_display
    modifiers, key = binding.parse_key()
    return "+".join([*modifiers, format_key(key)])


def resolve(screen: type[Screen]) -> list[tuple[str, list[tuple[str, str]]]]:
    """``screen.KEY_GROUPS`` with the keys filled in from its bindings: (group, [(keys, action)])."""
    by_id = {b.id: b for b in screen.BINDINGS if isinstance(b, Binding) and b.id}
    return [(title, [(row.keys or " / ".join(key_name(by_id[i]) for i in row.ids), row.action) for row in rows])
            for title, rows in screen.KEY_GROUPS]  # type: ignore[attr-defined]


def help_markdown(screen: type[Screen]) -> str:
    """The README's tables for a screen's keys, one per group."""
    parts = []
    for title, rows in resolve(screen):
        parts.append(f"*{title}*\n\n| keys | action |\n| --- | --- |")
        parts.extend(f"| {' / '.join(f'`{k}`' for k in keys.split(' / '))} | {action} |" for keys, action in rows)
        parts.append("")
    return "\n".join(parts).rstrip() + "\n"


class HelpScreen(ModalScreen[None]):
    """Every key of a screen, grouped, the annotator's actions first; scrolls."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical {
        width: 96; max-width: 100%; height: 100%; max-height: 100%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    HelpScreen VerticalScroll { height: 1fr; }
    HelpScreen .group { text-style: bold; color: $accent; margin-top: 1; }
    HelpScreen .help { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="close"),
        Binding("down,j", "scroll('down')", "Scroll down", show=False),
        Binding("up,k", "scroll('up')", "Scroll up", show=False),
        Binding("pagedown,space", "scroll('page_down')", "Page down", show=False),
        Binding("pageup", "scroll('page_up')", "Page up", show=False),
    ]

    def __init__(self, title: str, groups: list[tuple[str, list[tuple[str, str]]]]):
        super().__init__()
        self.title_text, self.groups = title, groups

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(self.title_text))
            with VerticalScroll():
                for title, rows in self.groups:
                    yield Label(Content(title), classes="group")
                    for keys, action in rows:
                        line = Text(keys.ljust(KEYS_WIDTH - 1) + " ", style="bold", end="")
                        line.append(action)
                        yield Static(line)
            yield Label(Content("↑↓ pgup pgdn scroll · escape or ? closes"), classes="help")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_scroll(self, how: str) -> None:
        getattr(self.query_one(VerticalScroll), f"scroll_{how}")(animate=False)

    def action_close(self) -> None:
        self.dismiss(None)


def fill_readme(readme: str, screens: list[type[Screen]]) -> str:
    """``readme`` with the block between ``<!-- keys:Name -->`` and ``<!-- /keys:Name -->``
    of each screen rewritten from its ``KEY_GROUPS``."""
    for screen in screens:
        name = screen.__name__
        begin, end = f"<!-- keys:{name} -->\n", f"<!-- /keys:{name} -->"
        head, found, rest = readme.partition(begin)
        if not found or end not in rest:
            raise ValueError(f"the README has no block {begin.strip()} … {end}")
        readme = head + begin + "\n" + help_markdown(screen) + "\n" + end + rest.split(end, 1)[1]
    return readme


def documented_screens() -> list[type[Screen]]:
    from glose.tui.adjudication_screen import AdjudicationScreen
    from glose.tui.article_screen import ArticleScreen
    from glose.tui.document_list import DocumentListScreen
    from glose.tui.merge_screen import MergeSuggestionsScreen
    from glose.tui.sources_screen import SourceClaimsScreen, SourcesScreen

    return [DocumentListScreen, ArticleScreen, AdjudicationScreen, SourcesScreen, SourceClaimsScreen,
            MergeSuggestionsScreen]


if __name__ == "__main__":  # python -m glose.tui.help README.md: rewrite its key tables
    import sys
    from pathlib import Path

    path = Path(sys.argv[1])
    path.write_text(fill_readme(path.read_text(encoding="utf-8"), documented_screens()), encoding="utf-8")
