"""The adjudication screen: several annotators' versions of one document, side by side,
decided one key each into the layer ``gold``. The rules live in
``glose.adjudication``; this screen shows them and binds the keys."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from glose.adjudication import Adjudication, Item, SavedButUnread, describe
from glose.errors import GloseError
from glose.plaintext import cut, one_line
from glose.session import reason
from glose.tui.help import HelpGroups, KeyRow
from glose.vocabulary import ACCEPTED, GOLD, REJECTED

if TYPE_CHECKING:
    from glose.tui.app import GloseApp

MARKS = {ACCEPTED: "✓", REJECTED: "✗"}


class AdjudicationScreen(Screen):
    """One row per item: whether the layers agree or what gold took, then each layer's version."""

    BINDINGS = [
        Binding("backspace", "back", "Documents", key_display="backspace", id="back"),
        *(Binding(str(n), f"take({n})", "Take that layer's" if n == 1 else f"Take layer {n}'s version",
                  show=n == 1, id=f"take_{n}", key_display="1…9" if n == 1 else None) for n in range(1, 10)),
        Binding("b", "take_all", "Take every version", show=False, id="take_all"),
        Binding("0", "neither", "Neither", show=True, id="neither"),
        Binding("a", "accept_agreed", "Take agreed", show=True, id="accept_agreed"),
        Binding("n", "next(1)", "Next", show=True, id="next_disagreement"),
        Binding("N", "next(-1)", "Previous disagreement", show=False, id="previous_disagreement"),
        Binding("u", "undo", "Undo", show=False, id="undo"),
        Binding("e", "edit_gold", "Edit gold in the article", show=False, id="edit_gold"),
        Binding("d", "finish", "Adjudicated", show=True, id="finish"),
    ]
    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Decide the highlighted item (each decision is one undoable action)", [
            KeyRow("take layer 1's, 2's … version into gold", keys="1 … 9"),
            KeyRow("take every layer's version / neither (gold gets nothing of it)", ("take_all", "neither")),
            KeyRow("take every item where all layers agree, at once", ("accept_agreed",)),
            KeyRow("undo the last decision", ("undo",)),
            KeyRow("open gold in the article screen, to edit what was taken (backspace comes back)",
                   ("edit_gold",)),
            KeyRow("mark the document adjudicated", ("finish",)),
        ]),
        ("Move", [
            KeyRow("next / previous undecided disagreement", ("next_disagreement", "previous_disagreement")),
            KeyRow("move in the list", keys="↑↓ / pgup / pgdn"),
            KeyRow("back to the documents", ("back",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    DEFAULT_CSS = """
    AdjudicationScreen DataTable { height: 1fr; }
    AdjudicationScreen #summary { height: 1; padding: 0 1; background: $panel; }
    AdjudicationScreen #detail { height: auto; max-height: 8; padding: 0 1; border-top: hkey $panel; }
    """

    def __init__(self, doc_id: int, layer_names: list[str]):
        super().__init__()
        self.doc_id, self.layer_names = doc_id, layer_names

    @property
    def glose(self) -> GloseApp:
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="items", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail")
        yield Static(id="summary")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        try:
            self.adjudication = Adjudication(self.glose.db, self.doc_id, self.layer_names, self.glose.annotator)
        except (GloseError, sqlite3.Error) as exc:
            self.app.notify(f"Cannot adjudicate document {self.doc_id}: {reason(exc)}", severity="error")
            self.app.pop_screen()
            return
        self.title = one_line(f"adjudicate · {self.adjudication.title}")[:60]
        self._columns()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if hasattr(self, "adjudication"):
            self._columns()

    def _columns(self) -> None:
        """One column per layer, sharing the width: the versions side by side."""
        table = self.query_one(DataTable)
        table.clear(columns=True)
        table.add_column("", key="mark", width=1)
        self._width = max(12, (self.size.width - 4) // len(self.layer_names) - 2)
        for number, name in enumerate(self.layer_names, start=1):
            table.add_column(Text(f"{number} {one_line(name)}"), key=name, width=self._width)
        self._show()

    # --- Showing ----------------------------------------------------------------------

    def _show(self, keep: int | None = None) -> None:
        adjudication = self.adjudication
        table = self.query_one(DataTable)
        row = table.cursor_row if keep is None else keep
        table.clear()
        for item in adjudication.items:
            mark = MARKS[item.decision] if item.decision else ("=" if item.agreed(self.layer_names) else "≠")
            table.add_row(Text(mark), *(Text(cut(one_line(describe(item.versions.get(name), adjudication.text)),
                                             self._width)) for name in self.layer_names))
        if adjudication.items:
            table.move_cursor(row=max(0, min(row, len(adjudication.items) - 1)))
        undecided = sum(i.decision is None for i in adjudication.items)
        disagreements = sum(i.decision is None and not i.agreed(self.layer_names) for i in adjudication.items)
        self.query_one("#summary", Static).update(Text(
            f"{len(adjudication.items)} items · {undecided} undecided · {disagreements} disagreements left ·"
            f" {len(adjudication.agreed_undecided())} agreed to take (a) · = agreed ≠ differ ✓ in gold ✗ neither"))

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """The highlighted item's versions in full, one line per layer."""
        item = self._item
        if item is None:
            self.query_one("#detail", Static).update("")
            return
        lines = [f"{number} {name}: {describe(item.versions.get(name), self.adjudication.text)}"
                 for number, name in enumerate(self.layer_names, start=1)]
        self.query_one("#detail", Static).update(Text("\n".join(one_line(line) for line in lines)))

    @property
    def _item(self) -> Item | None:
        table = self.query_one(DataTable)
        items = self.adjudication.items
        return items[table.cursor_row] if items and 0 <= table.cursor_row < len(items) else None

    def _decide(self, run, done: str) -> None:
        """Run a decision (one transaction); say what it did, or why it was not saved."""
        if self.glose.read_only:
            self.notify(f"Read-only: {self.glose.read_only}", severity="warning")
            return
        row = self.query_one(DataTable).cursor_row
        try:
            said = run()
        except SavedButUnread as exc:
            self.notify(str(exc), severity="error")
            return
        except (GloseError, sqlite3.Error) as exc:  # rolled back: the screen still shows the file
            self.notify(f"Not saved: {reason(exc)}", severity="error")
            return
        self._show(keep=row)
        self.notify(said if isinstance(said, str) else done, timeout=2)

    # --- Actions ----------------------------------------------------------------------

    def action_take(self, number: int) -> None:
        item = self._item
        if item is None or number > len(self.layer_names):
            self.app.bell()
            return
        name = self.layer_names[number - 1]
        if name not in item.versions:
            self.notify(f"{name} has no version of this item: 0 keeps it out of gold", severity="warning")
            return
        self._decide(lambda: self.adjudication.take([item], [name]), f"took {name}'s version")

    def action_take_all(self) -> None:
        item = self._item
        if item is not None:
            self._decide(lambda: self.adjudication.take([item]), "took every version")

    def action_neither(self) -> None:
        item = self._item
        if item is not None:
            self._decide(lambda: self.adjudication.neither(item), "neither: nothing of it in gold")

    def action_accept_agreed(self) -> None:
        agreed = self.adjudication.agreed_undecided()
        if not agreed:
            self.notify("No agreed item left to take", severity="warning")
            return
        self._decide(lambda: self.adjudication.take(agreed), f"took {len(agreed)} agreed item(s)")

    def action_next(self, direction: int) -> None:
        table = self.query_one(DataTable)
        items = self.adjudication.items
        if direction > 0:
            found = self.adjudication.next_disagreement(table.cursor_row)
        else:
            order = list(range(table.cursor_row - 1, -1, -1)) + list(range(len(items) - 1, table.cursor_row - 1, -1))
            found = next((i for i in order if items[i].decision is None and not items[i].agreed(self.layer_names)),
                         None)
        if found is None:
            self.notify("No disagreement left to decide", timeout=2)
        else:
            table.move_cursor(row=found)

    def action_undo(self) -> None:
        self._decide(lambda: "undone" if self.adjudication.undo() else "Nothing to undo", "undone")

    def action_finish(self) -> None:
        left = sum(i.decision is None for i in self.adjudication.items)
        if left:
            self.notify(f"{left} item(s) are still undecided: decide them first (a, 1…9, b, 0)", severity="warning")
            return
        self._decide(self.adjudication.finish, "document adjudicated")

    def action_edit_gold(self) -> None:
        from glose.tui.article_screen import ArticleScreen

        self.app.push_screen(ArticleScreen(self.doc_id, layer=GOLD))

    def on_screen_resume(self) -> None:
        """Back from editing gold: show what it holds now."""
        if hasattr(self, "adjudication"):
            try:
                self.adjudication.reload()
            except sqlite3.Error as exc:
                self.notify(f"Cannot read the database: {reason(exc)}", severity="error")
                return
            self._show()

    def action_back(self) -> None:
        self.app.pop_screen()
