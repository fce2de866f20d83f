"""`DocumentTable`: the documents of a corpus, one row each, however many there are.

A virtual list: a Line API widget (a `ScrollView` with `render_line`) whose height is
the number of documents, holding only the rows near the screen, so that opening it,
moving in it and replacing its rows (a search, a filter) cost the same at 100,000
documents as at 1,000.

It never reads rows itself (widgets do not touch the database): its reactive `wanted`
says which rows it needs, and its owner answers with `fill`, at once, from a watcher
(``self.watch(table, "wanted", ...)``). Rows are asked for in aligned blocks of
`BLOCK`, a screen ahead of where the view is, so moving a row at a time rarely asks
for any; the blocks furthest from the cursor are let go. A row not filled yet is
drawn as "…".

Titles come from articles: they are drawn as plain text, on one line, never as markup.
"""
from __future__ import annotations

from typing import ClassVar, Sequence

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from glose.plaintext import cut, one_line
from glose.vocabulary import DONE, IN_PROGRESS, TODO
from glose.widgets.data import ListedDocument

__all__ = ["BLOCK", "DocumentTable", "ListedDocument"]

BLOCK = 64
"""Rows are asked for in aligned blocks of this many."""
HELD_BLOCKS = 12
"""At most this many blocks are held; beyond, those furthest from the cursor are let go."""
UNLAID_HEIGHT = 40
"""Rows taken to be on screen before the table has a size."""

STATUS_MARKS = {TODO: "·", IN_PROGRESS: "•", DONE: "✓"}

# The columns after the title: (label, width, right-aligned). Each cell has one cell of
# padding on either side, as Textual's DataTable draws them.
DATE, WORDS, CLAIMS, STATUS = ("date", 10, False), ("words", 7, True), ("claims", 6, True), ("status", 13, False)
TITLE_MIN = 20
STYLED = ("header", "even-row", "cursor", "placeholder")
"""The component styles the table uses (`document-table--{name}`)."""


class DocumentTable(ScrollView, can_focus=True):
    """Documents under a header: id, title, date, words, claims and the annotator's status.

    Keyboard: up/down/pageup/pagedown/home/end move the cursor, enter chooses the
    document; a click moves the cursor, a click on the cursor's row chooses it.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next document", show=False),
        Binding("up", "move(-1)", "Previous document", show=False),
        Binding("pagedown", "move(0, 1)", "Page down", show=False),
        Binding("pageup", "move(0, -1)", "Page up", show=False),
        Binding("home,ctrl+home", "first", "First document", show=False),
        Binding("end,ctrl+end", "last", "Last document", show=False),
        Binding("enter", "choose", "Open the document", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"document-table--{name}" for name in STYLED}
    """
    | Class | Description |
    | :- | :- |
    | `document-table--header` | The column labels. |
    | `document-table--even-row` | Every other row (zebra stripes). |
    | `document-table--cursor` | The cursor's row. |
    | `document-table--placeholder` | A row not read yet. |
    """

    DEFAULT_CSS = """
    DocumentTable {
        background: $surface;
        color: $foreground;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        &:focus {
            background-tint: $foreground 5%;
            & > .document-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
            & > .document-table--header { background-tint: $foreground 5%; }
        }
        &:dark > .document-table--even-row { background: $surface-darken-1 40%; }
        & > .document-table--header { text-style: bold; background: $panel; color: $foreground; }
        &:ansi > .document-table--header { background: ansi_bright_blue; color: ansi_default; }
        & > .document-table--even-row { background: $surface-lighten-1 50%; }
        & > .document-table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        & > .document-table--placeholder { color: $text-muted; }
    }
    """

    class Chosen(Message):
        """Posted when a document is chosen (enter, or a click on the cursor's row)."""

        def __init__(self, document_table: DocumentTable, document_id: int) -> None:
            super().__init__()
            self.document_table = document_table
            self.document_id = document_id

        @property
        def control(self) -> DocumentTable:
            return self.document_table

    wanted: reactive[range] = reactive(range(0), always_update=True, init=False)
    """Rows the table needs and does not hold (a range of row numbers); answer with `fill`."""

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None,
                 disabled: bool = False) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._total = 0
        self._rows: dict[int, ListedDocument] = {}
        """The rows held, by row number."""
        self._asked: set[int] = set()
        """Blocks asked for since the rows were last replaced (filled or not: not asked again)."""
        self._cursor = 0
        self._id_width = 2
        self._width = 0
        """The width rows are laid out at (the content region's)."""
        self._strips: dict[int, Strip] = {}
        """Rendered rows held, by row number, without the cursor (header: -1)."""
        self._styles: dict[str, Style] = {}
        self._base = _PLAIN
        """The widget's own style the rows were drawn with (focus tints it)."""

    # -- Public API ---------------------------------------------------------------

    @property
    def row_count(self) -> int:
        """How many documents the list holds (not only those read)."""
        return self._total

    @property
    def cursor_row(self) -> int:
        """The cursor's row number (0 when the list is empty)."""
        return self._cursor

    @property
    def cursor_document(self) -> ListedDocument | None:
        """The document under the cursor, if its row has been read."""
        return self._rows.get(self._cursor)

    @property
    def title_width(self) -> int:
        """Cells given to the title column at the current width."""
        fixed = sum(width + 2 for _, width, _ in (DATE, WORDS, CLAIMS, STATUS)) + self._id_width + 2
        return max(TITLE_MIN, self._width - fixed - 2)

    def row_at(self, row: int) -> ListedDocument | None:
        """The document of row ``row``, if it is held."""
        return self._rows.get(row)

    def show(self, total: int, *, widest_id: int = 0) -> None:
        """Hold a new list of ``total`` rows (none read yet: `wanted` asks for those on
        screen). The cursor keeps its row number, within the list. ``widest_id``: the
        largest id the list may show, which sizes the id column."""
        self._total = max(0, total)
        self._rows.clear()
        self._asked.clear()
        self._strips.clear()
        self._id_width = max(2, len(str(widest_id)))
        self._cursor = max(0, min(self._cursor, self._total - 1))
        self.virtual_size = Size(self._width, self._total + 1)
        self._scroll_to_cursor()
        self._want()
        self.refresh()

    def fill(self, start: int, rows: Sequence[ListedDocument]) -> None:
        """Rows ``start``, ``start + 1``, ... are these documents."""
        for row, document in enumerate(rows, start):
            if row < self._total:
                self._rows[row] = document
                self._strips.pop(row, None)
        self._let_go()
        self.refresh()

    def move_cursor(self, row: int) -> None:
        """Put the cursor on row ``row`` (within the list) and show it."""
        if self._total:
            self._move_to(max(0, min(self._total - 1, row)))

    # -- Keys and mouse ------------------------------------------------------------

    def action_move(self, rows: int, pages: int = 0) -> None:
        self.move_cursor(self._cursor + rows + pages * self._page())

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self._total - 1)

    def action_choose(self) -> None:
        document = self.cursor_document
        if document is not None:
            self.post_message(self.Chosen(self, document.id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None or offset.y < 1:  # the header
            return
        row = int(self.scroll_offset.y) + offset.y - 1
        if row >= self._total:
            return
        if row == self._cursor:
            self.action_choose()
        else:
            self._move_to(row)

    def _page(self) -> int:
        """Rows in a screenful (the header aside)."""
        return max(1, self.scrollable_content_region.height - 1)

    def _move_to(self, row: int) -> None:
        old, self._cursor = self._cursor, row
        for changed in {old, row}:
            self._refresh_row(changed)
        self._scroll_to_cursor()
        self._want()

    def _scroll_to_cursor(self) -> None:
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height - 1
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False)
        elif height > 0 and self._cursor >= top + height:
            self.scroll_to(y=self._cursor - height + 1, animate=False)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._want()

    # -- Which rows to hold --------------------------------------------------------

    def _near(self) -> range:
        """The blocks to hold: those on screen, with the cursor, and a screenful either side."""
        height = self.scrollable_content_region.height - 1
        if height <= 0:
            height = UNLAID_HEIGHT
        top = int(self.scroll_offset.y)
        first = max(0, min(top, self._cursor) - height)
        last = min(self._total, max(top + height, self._cursor + 1) + height)
        return range(first // BLOCK, (last - 1) // BLOCK + 1) if last > first else range(0)

    def _want(self) -> None:
        """Ask, through `wanted`, for the rows of the blocks near the screen not asked for yet."""
        missing = [block for block in self._near() if block not in self._asked]
        if not missing:
            return
        self._asked.update(range(missing[0], missing[-1] + 1))
        self.wanted = range(missing[0] * BLOCK, min(self._total, (missing[-1] + 1) * BLOCK))

    def _let_go(self) -> None:
        """Keep at most `HELD_BLOCKS` blocks: let go of those furthest from the cursor."""
        held = sorted({row // BLOCK for row in self._rows}, key=lambda block: abs(block - self._cursor // BLOCK))
        for block in held[HELD_BLOCKS:]:
            for row in range(block * BLOCK, (block + 1) * BLOCK):
                self._rows.pop(row, None)
                self._strips.pop(row, None)
            self._asked.discard(block)

    # -- Rendering -----------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        if y == 0:
            return self._strip(-1)
        row = int(self.scroll_offset.y) + y - 1
        if row >= self._total:
            return Strip.blank(width, self.rich_style)
        strip = self._strip(row)
        if row == self._cursor:
            strip = Strip(Segment.apply_style(strip, post_style=self._style("cursor")), strip.cell_length)
        return strip

    def _strip(self, row: int) -> Strip:
        """Row ``row`` (-1: the header) drawn at the current width, cursor aside."""
        strip = self._strips.get(row)
        if strip is None:
            document = self._rows.get(row)
            if row < 0:
                line, style = self._line(("id", "title", DATE[0], WORDS[0], CLAIMS[0], STATUS[0])), "header"
            elif document is None:
                line, style = self._line((" ", "…", "", "", "", "")), "placeholder"
            else:
                line, style = self._line(self._cells(document)), "even-row" if row % 2 == 0 else ""
            look = self.rich_style + self._style(style) if style else self.rich_style
            strip = Strip([Segment(line, look)]).adjust_cell_length(self._width, look)
            if document is not None or row < 0:  # placeholders are not kept: rows let go take theirs along
                self._strips[row] = strip
        return strip

    @staticmethod
    def _cells(document: ListedDocument) -> tuple[str, ...]:
        words = f"{document.words:,}" if document.words is not None else "0"
        mark = STATUS_MARKS.get(document.status, "?")
        return (str(document.id), document.title, document.date or "", words, str(document.claims),
                f"{mark} {document.status.replace('_', ' ')}")

    def _line(self, cells: tuple[str, ...]) -> str:
        """The cells laid out in their columns, each padded by a cell on either side."""
        columns = (("", self._id_width, False), ("", self.title_width, False), DATE, WORDS, CLAIMS, STATUS)
        laid_out = []
        for text, (_, width, right) in zip(cells, columns, strict=True):
            shown = cut(one_line(text), width)
            padding = " " * (width - cell_len(shown))
            laid_out.append(f" {padding}{shown} " if right else f" {shown}{padding} ")
        return "".join(laid_out)

    def _style(self, name: str) -> Style:
        """The style of component `document-table--{name}` (none before mounting)."""
        return self._styles.get(name, _PLAIN)

    def _refresh_row(self, row: int) -> None:
        self.refresh_lines(row + 1, 1)

    # -- Size and styles -------------------------------------------------------------

    def on_mount(self) -> None:
        self._styles, self._base = self._read_styles(), self.rich_style

    def _read_styles(self) -> dict[str, Style]:
        return {name: self.get_component_rich_style(f"document-table--{name}", partial=True) for name in STYLED}

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._width:
            self._width = width
            self._strips.clear()
            self.virtual_size = Size(width, self._total + 1)
            self.refresh()
        self._scroll_to_cursor()
        self._want()

    def _on_focus(self, event: events.Focus) -> None:
        self._refresh_row(self._cursor)

    def _on_blur(self, event: events.Blur) -> None:
        self._refresh_row(self._cursor)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self._restyle_rows)  # once the component styles are updated too

    def _restyle_rows(self) -> None:
        styles = self._read_styles()
        if styles != self._styles or self.rich_style != self._base:
            self._styles, self._base = styles, self.rich_style
            self._strips.clear()
            self.refresh()


_PLAIN = Style()
