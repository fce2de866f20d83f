"""`ClaimsPanel`: the document's claims in reading order, one row each.

A Line API widget (a `ScrollView` with `render_line`), like `ArticleView`: a long
article has thousands of claims, and an edit redraws one row, not the list.
"""
from __future__ import annotations

from typing import ClassVar, Iterable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from glose.plaintext import cut, one_line
from glose.vocabulary import DIRECT, INDIRECT, MIXED, PENDING
from glose.widgets.data import STATE_MARKS, ClaimRow

__all__ = ["ClaimRow", "ClaimsPanel"]

QUOTE_MARKERS = {DIRECT: "D", INDIRECT: "I", MIXED: "M"}
"""A one-cell mark of the quote type after the state marker (a letter: a « would
run into the claim's own guillemets)."""

LINKED = "≡"
"""After the quote type: the claim is the same claim as one of another document."""
NO_SOURCE = "no source"
STYLED = (*STATE_MARKS, "source", "no-source", "cue", "highlighted", "highlighted-blurred")
"""The component styles a row uses (`claims-panel--{name}`)."""


class ClaimsPanel(ScrollView, can_focus=True):
    """The claims of a document, one row each: state, quote type, ≡ when linked to a
    claim of another document, excerpt, source and cue.

    Keyboard: up/down/home/end/pageup/pagedown move the highlight, enter selects;
    a click selects.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", "Next claim", show=False),
        Binding("up", "move(-1)", "Previous claim", show=False),
        Binding("pagedown", "move(0, 1)", "Page down", show=False),
        Binding("pageup", "move(0, -1)", "Page up", show=False),
        Binding("home", "first", "First claim", show=False),
        Binding("end", "last", "Last claim", show=False),
        Binding("enter", "choose", "Select the claim", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {f"claims-panel--{name}" for name in STYLED}
    """
    | Class | Description |
    | :- | :- |
    | `claims-panel--pending`, `--accepted`, `--rejected` | The state marker. |
    | `claims-panel--source` | The source of a claim. |
    | `claims-panel--no-source` | The stand-in for a claim without source. |
    | `claims-panel--cue` | The cue of a claim. |
    | `claims-panel--highlighted` | The highlighted row, when the panel has focus. |
    | `claims-panel--highlighted-blurred` | The highlighted row otherwise. |
    """

    DEFAULT_CSS = """
    ClaimsPanel {
        height: 1fr;
        max-height: 100%;
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        padding: 0 1;
        & > .claims-panel--pending { color: $text-warning; text-style: bold; }
        & > .claims-panel--accepted { color: $text-success; text-style: bold; }
        & > .claims-panel--rejected { color: $text-error; text-style: bold; }
        & > .claims-panel--source { text-style: italic; }
        & > .claims-panel--no-source { color: $text-warning; text-style: italic reverse; }
        & > .claims-panel--cue { text-style: bold; }
        & > .claims-panel--highlighted { background: $block-cursor-background; color: $block-cursor-foreground;
                                         text-style: bold; }
        & > .claims-panel--highlighted-blurred { background: $block-cursor-blurred-background; }
    }
    """

    class Highlighted(Message):
        """Posted when the highlight moves to another claim (by key or mouse)."""

        def __init__(self, claims_panel: ClaimsPanel, claim_id: int) -> None:
            super().__init__()
            self.claims_panel = claims_panel
            self.claim_id = claim_id

        @property
        def control(self) -> ClaimsPanel:
            return self.claims_panel

    class Selected(Message):
        """Posted when a claim is chosen (enter or click)."""

        def __init__(self, claims_panel: ClaimsPanel, claim_id: int) -> None:
            super().__init__()
            self.claims_panel = claims_panel
            self.claim_id = claim_id

        @property
        def control(self) -> ClaimsPanel:
            return self.claims_panel

    def __init__(
        self,
        claims: Iterable[ClaimRow] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """A claims panel.

        Args:
            claims: The claims, in reading order.
            name: The name of the widget.
            id: The ID of the widget in the DOM.
            classes: The CSS classes of the widget.
            disabled: Whether the widget is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._claims: list[ClaimRow] = []
        self._position: dict[int, int] = {}
        """Claim id -> row."""
        self._highlighted: int | None = None
        self._row_width = 0
        self._strips: dict[int, Strip] = {}
        """Rendered rows by claim id, at `_row_width` (highlight drawn over them)."""
        self._styles: dict[str, Style] = {}
        """The component styles, read once per restyle (about 0.2 ms each)."""
        self.set_claims(claims)

    # -- Public API ---------------------------------------------------------------

    @property
    def claims(self) -> list[ClaimRow]:
        """The claims shown, in order."""
        return list(self._claims)

    @property
    def highlighted(self) -> int | None:
        """The highlighted row, or None."""
        return self._highlighted

    @property
    def highlighted_claim(self) -> int | None:
        """The id of the highlighted claim, or None."""
        return self._claims[self._highlighted].id if self._highlighted is not None else None

    def set_claims(self, claims: Iterable[ClaimRow]) -> None:
        """Show these claims, keeping the highlight on the same claim if still there."""
        keep = self.highlighted_claim
        self._claims = list(claims)
        self._position = {claim.id: row for row, claim in enumerate(self._claims)}
        self._strips.clear()
        self._highlighted = self._position.get(keep) if keep is not None else None
        self.virtual_size = Size(self._row_width, len(self._claims))
        self.refresh()

    def update_claims(self, claims: Iterable[ClaimRow]) -> None:
        """Redraw the rows of these claims, already listed (cheaper than ``set_claims``)."""
        for claim in claims:
            row = self._position[claim.id]
            self._claims[row] = claim
            self._strips.pop(claim.id, None)
            self._refresh_row(row)

    def select(self, claim_id: int | None) -> None:
        """Highlight a claim's row (None: no row) without posting `Highlighted`."""
        self._move_to(self._position.get(claim_id) if claim_id is not None else None, post=False)

    # -- Keys and mouse --------------------------------------------------------------

    def action_move(self, rows: int, pages: int = 0) -> None:
        if not self._claims:
            return
        step = rows + pages * max(1, self.scrollable_content_region.height - 1)
        if self._highlighted is None:
            target = 0 if step > 0 else len(self._claims) - 1
        else:
            target = max(0, min(len(self._claims) - 1, self._highlighted + step))
        self._move_to(target)

    def action_first(self) -> None:
        if self._claims:
            self._move_to(0)

    def action_last(self) -> None:
        if self._claims:
            self._move_to(len(self._claims) - 1)

    def action_choose(self) -> None:
        if self._highlighted is not None:
            self.post_message(self.Selected(self, self._claims[self._highlighted].id))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        row = int(self.scroll_offset.y) + offset.y
        if 0 <= row < len(self._claims):
            self._move_to(row)
            self.action_choose()

    def _move_to(self, row: int | None, *, post: bool = True) -> None:
        old, self._highlighted = self._highlighted, row
        for changed in {old, row} - {None}:
            self._refresh_row(changed)  # type: ignore[arg-type]
        if row is None:
            return
        top, height = int(self.scroll_offset.y), self.scrollable_content_region.height
        if row < top:
            self.scroll_to(y=row, animate=False)
        elif height and row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False)
        if post and row != old:
            self.post_message(self.Highlighted(self, self._claims[row].id))

    # -- Rendering ------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        row = int(self.scroll_offset.y) + y
        if row >= len(self._claims):
            return Strip.blank(width, self.rich_style)
        claim = self._claims[row]
        strip = self._strips.get(claim.id)
        if strip is None:
            strip = self._strips[claim.id] = self._render_row(claim)
        if row == self._highlighted:
            cursor = self._style("highlighted" if self.has_focus else "highlighted-blurred")
            strip = Strip(Segment.apply_style(strip, post_style=cursor), strip.cell_length)
        return strip.adjust_cell_length(width, self.rich_style)

    def _render_row(self, claim: ClaimRow) -> Strip:
        base = self.rich_style
        segments = Segment.apply_style(self._row(claim).render(self.app.console), base)
        return Strip(segments).adjust_cell_length(self._row_width, base)

    def _row(self, claim: ClaimRow) -> Text:
        """One row, `self._row_width` cells wide at most: the source gets up to 2/5
        of it, the cue 1/5, the excerpt the rest."""
        state = claim.state if claim.state in STATE_MARKS else PENDING
        quote = QUOTE_MARKERS.get(claim.quote_type or "", " ")
        source = one_line(claim.source)
        cue = one_line(claim.cue)
        source_part = (
            (cut(source, max(6, self._row_width * 2 // 5)), self._style("source"))
            if source
            else (NO_SOURCE, self._style("no-source"))
        )
        cue_part = (cut(cue, max(4, self._row_width // 5)), self._style("cue"))
        tail = Text.assemble(" — ", source_part, *((" · ", cue_part) if cue else ()), end="")
        excerpt_width = max(1, self._row_width - 3 - tail.cell_len)
        excerpt = cut(one_line(claim.excerpt), excerpt_width)
        excerpt += " " * (excerpt_width - cell_len(excerpt))
        return Text.assemble((STATE_MARKS[state], self._style(state)), quote, LINKED if claim.linked else " ",
                             excerpt, tail,
                             end="", no_wrap=True)

    def _style(self, name: str) -> Style:
        """The style of component `claims-panel--{name}` (none before mounting)."""
        return self._styles.get(name, _PLAIN)

    def _refresh_row(self, row: int) -> None:
        self.refresh_lines(row, 1)

    # -- Size and styles -------------------------------------------------------------

    def on_mount(self) -> None:
        self._styles = self._read_styles()

    def _read_styles(self) -> dict[str, Style]:
        return {name: self.get_component_rich_style(f"claims-panel--{name}", partial=True) for name in STYLED}

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._row_width:
            self._row_width = width
            self._strips.clear()
            self.virtual_size = Size(width, len(self._claims))
            self.refresh()

    def _on_focus(self, event: events.Focus) -> None:
        if self._highlighted is not None:
            self._refresh_row(self._highlighted)

    def _on_blur(self, event: events.Blur) -> None:
        if self._highlighted is not None:
            self._refresh_row(self._highlighted)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self._restyle_rows)  # once the component styles are updated too

    def _restyle_rows(self) -> None:
        styles = self._read_styles()
        if styles != self._styles:
            self._styles = styles
            self._strips.clear()
            self.refresh()


_PLAIN = Style()
