"""Merge suggestions, one key each: names of the corpus that may be one source.

``glose.source_matching`` finds them, in a worker thread on its own connection (half a
second for 50,000 sources); ``a`` merges, ``x`` says they are not the same (never
suggested again), ``w`` swaps which name is kept, ``u`` undoes the last change. Each is
one ``SourceEditor`` call.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from glose.plaintext import cut, one_line
from glose.session import reason
from glose.source_matching import Suggestion, merge_suggestions
from glose.tui.background import read_apart
from glose.tui.help import HelpGroups, KeyRow
from glose.tui.sources_screen import edit_sources

if TYPE_CHECKING:
    from glose.tui.app import GloseApp

SHOWN_MAX = 500
"""Suggestions listed at most, the best first: each decision reads them again."""


class MergeSuggestionsScreen(Screen):
    """One row per suggestion: "Stepjane Dujarric → Stéphane Dujarric (94, typo)"."""

    BINDINGS = [
        Binding("backspace,escape", "back", "Sources", key_display="backspace", id="back"),
        Binding("a", "accept", "Merge", id="accept"),
        Binding("x", "reject", "Not the same", id="reject"),
        Binding("w", "swap", "Keep the other name", id="swap"),
        Binding("u", "undo", "Undo", id="undo"),
    ]
    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Merge suggestions (each one undoable)", [
            KeyRow("merge: the name left of → becomes an alias of the name right of it", ("accept",)),
            KeyRow("not the same source (never suggested again)", ("reject",)),
            KeyRow("swap which name is kept", ("swap",)),
            KeyRow("undo your last change to the sources", ("undo",)),
            KeyRow("move", keys="↑↓ / pgup / pgdn"),
            KeyRow("back to the sources", ("back",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    DEFAULT_CSS = """
    MergeSuggestionsScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.suggestions: list[Suggestion] = []
        self._swapped: set[tuple[int, int]] = set()
        """Pairs whose kept name the annotator swapped (w): kept so when the list is read again."""
        self._finding = False

    @property
    def glose(self) -> GloseApp:
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="suggestions", cursor_type="row", zebra_stripes=True, show_header=False)
        yield Static(id="progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "merge suggestions"
        self.query_one(DataTable).add_column("suggestion", key="suggestion")
        self.query_one(DataTable).focus()
        self.find()

    def find(self) -> None:
        """Look for suggestions again (after a change): the list stays until they come."""
        self._finding = True
        self._show_progress()
        read_apart(self, merge_suggestions, self._found, self._cannot_read, group="merge-suggestions")

    def _found(self, found: list[Suggestion]) -> None:
        self._finding = False
        self._show([s.swapped() if s.pair in self._swapped else s for s in found])

    def _cannot_read(self, exc: BaseException) -> None:
        self._finding = False
        self._show_progress(f"cannot read the database: {reason(exc)}")
        self.notify(f"Cannot read the database: {reason(exc)}", severity="error")

    def _show(self, suggestions: list[Suggestion]) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        self.suggestions = suggestions
        table.clear()
        for suggestion in suggestions[:SHOWN_MAX]:
            table.add_row(Text(cut(one_line(str(suggestion)), max(20, self.size.width - 4))))
        if suggestions:
            table.move_cursor(row=min(row, table.row_count - 1))
        self._show_progress()

    def _show_progress(self, note: str = "") -> None:
        if self._finding:
            words = "looking for names that may be one source…"
        elif self.suggestions:
            best = f" (the best {SHOWN_MAX:,} shown)" if len(self.suggestions) > SHOWN_MAX else ""
            words = f"{len(self.suggestions):,} suggestions{best} · a merge · x not the same · w keep the other name · u undo"
        else:
            words = "no more suggestions"
        self.query_one("#progress", Static).update(Text(" · ".join(filter(None, (words, note)))))

    def current(self) -> Suggestion | None:
        table = self.query_one(DataTable)
        if not self.suggestions:
            self.app.bell()
            return None
        return self.suggestions[min(table.cursor_row, len(self.suggestions) - 1)]

    def _decided(self, suggestion: Suggestion, said: str) -> None:
        """Done: off the list at once, and looked for again (a merge changes other suggestions)."""
        self._show([s for s in self.suggestions if s.pair != suggestion.pair])
        self.notify(said, timeout=2)
        self.find()

    def action_accept(self) -> None:
        if (suggestion := self.current()) is not None and edit_sources(
                self, lambda editor: editor.merge(suggestion.keep_id, suggestion.other_id)) is not None:
            self._decided(suggestion, f"Merged: {suggestion.other_name} → {suggestion.keep_name}")

    def action_reject(self) -> None:
        if (suggestion := self.current()) is not None and edit_sources(
                self, lambda editor: editor.not_the_same(suggestion.keep_id, suggestion.other_id)) is not None:
            self._decided(suggestion, f"Not the same: {suggestion.other_name}, {suggestion.keep_name}")

    def action_swap(self) -> None:
        if (suggestion := self.current()) is not None:
            row = self.query_one(DataTable).cursor_row
            self._swapped ^= {suggestion.pair}
            self._show([s.swapped() if s is suggestion else s for s in self.suggestions])
            self.query_one(DataTable).move_cursor(row=row)

    def action_undo(self) -> None:
        undone = edit_sources(self, lambda editor: editor.undo() or "nothing")
        if undone is not None:
            self.notify("Nothing of yours to undo" if undone == "nothing" else f"Undone: {undone}", timeout=2)
            self.find()

    def action_back(self) -> None:
        self.app.pop_screen()
