"""`ClaimsPanel`: the document's claims in reading order, one row each."""
from __future__ import annotations

from typing import ClassVar, Iterable

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.message import Message
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from glose.plaintext import one_line
from glose.vocabulary import ACCEPTED, DIRECT, INDIRECT, MIXED, PENDING, REJECTED
from glose.widgets.data import ClaimRow

__all__ = ["ClaimRow", "ClaimsPanel"]

STATE_MARKERS = {PENDING: "?", ACCEPTED: "✓", REJECTED: "✗"}
"""The glyph opening each row, by claim state (readable without colour)."""

QUOTE_MARKERS = {DIRECT: "D", INDIRECT: "I", MIXED: "M"}
"""A one-cell mark of the quote type after the state marker (a letter: a « would
run into the claim's own guillemets)."""

NO_SOURCE = "no source"


class ClaimsPanel(OptionList):
    """The claims of a document, one row each: state, excerpt, source and cue.

    Keyboard: up/down/home/end/pageup/pagedown move the highlight, enter selects.
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = OptionList.COMPONENT_CLASSES | {
        "claims-panel--pending",
        "claims-panel--accepted",
        "claims-panel--rejected",
        "claims-panel--source",
        "claims-panel--no-source",
        "claims-panel--cue",
    }
    """
    | Class | Description |
    | :- | :- |
    | `claims-panel--pending`, `--accepted`, `--rejected` | The state marker. |
    | `claims-panel--source` | The source of a claim. |
    | `claims-panel--no-source` | The stand-in for a claim without source. |
    | `claims-panel--cue` | The cue of a claim. |
    """

    DEFAULT_CSS = """
    ClaimsPanel {
        height: 1fr;
        max-height: 100%;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        & > .claims-panel--pending { color: $text-warning; text-style: bold; }
        & > .claims-panel--accepted { color: $text-success; text-style: bold; }
        & > .claims-panel--rejected { color: $text-error; text-style: bold; }
        & > .claims-panel--source { text-style: italic; }
        & > .claims-panel--no-source { color: $text-warning; text-style: italic reverse; }
        & > .claims-panel--cue { text-style: bold; }
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
        super().__init__(name=name, id=id, classes=classes, disabled=disabled, markup=False)
        self._claims: list[ClaimRow] = []
        self._row_width = 0
        self._styles: tuple[object, ...] = ()
        """The component styles the rows were built with."""
        self.set_claims(claims)

    @property
    def claims(self) -> list[ClaimRow]:
        """The claims shown, in order."""
        return list(self._claims)

    @property
    def highlighted_claim(self) -> int | None:
        """The id of the highlighted claim, or None."""
        option = self.highlighted_option
        return int(option.id) if option is not None and option.id is not None else None

    def set_claims(self, claims: Iterable[ClaimRow]) -> None:
        """Show these claims, keeping the highlight on the same claim if still there."""
        keep = self.highlighted_claim
        self._claims = list(claims)
        with self.prevent(OptionList.OptionHighlighted):
            self.set_options(Option(self._row(claim), id=str(claim.id)) for claim in self._claims)
            if keep is not None:
                self.select(keep)

    def update_claims(self, claims: Iterable[ClaimRow]) -> None:
        """Redraw the rows of these claims, already listed (cheaper than ``set_claims``)."""
        position = {claim.id: i for i, claim in enumerate(self._claims)}
        for claim in claims:
            index = position[claim.id]
            self._claims[index] = claim
            self.replace_option_prompt_at_index(index, self._row(claim))

    def select(self, claim_id: int | None) -> None:
        """Highlight a claim's row (None: no row) without posting `Highlighted`."""
        index = next((i for i, claim in enumerate(self._claims) if claim.id == claim_id), None)
        with self.prevent(OptionList.OptionHighlighted):
            self.highlighted = index

    def _row(self, claim: ClaimRow) -> Content:
        """One row, `self._row_width` cells wide at most: the source gets up to 2/5
        of it, the cue 1/5, the excerpt the rest."""
        state = claim.state if claim.state in STATE_MARKERS else PENDING
        marker = (STATE_MARKERS[state], self._style(state))
        quote = QUOTE_MARKERS.get(claim.quote_type or "", " ")
        source = one_line(claim.source)
        cue = one_line(claim.cue)
        source_part = (
            (_truncate(source, max(6, self._row_width * 2 // 5)), self._style("source"))
            if source
            else (NO_SOURCE, self._style("no-source"))
        )
        cue_part = (_truncate(cue, max(4, self._row_width // 5)), self._style("cue"))
        tail = Content.assemble(" — ", source_part, *((" · ", cue_part) if cue else ()))
        excerpt_width = max(1, self._row_width - 3 - tail.cell_length)
        excerpt = _truncate(one_line(claim.excerpt), excerpt_width)
        excerpt += " " * (excerpt_width - cell_len(excerpt))
        return Content.assemble(marker, quote, " ", excerpt, tail)

    def _style(self, name: str) -> Style:
        """The style of component `claims-panel--{name}` (none before mounting)."""
        if not self.is_mounted:
            return Style()
        return Style.from_rich_style(self.get_component_rich_style(f"claims-panel--{name}", partial=True))

    def _redraw_rows(self) -> None:
        """Rebuild every row in place (new width or new styles)."""
        for index, claim in enumerate(self._claims):
            self.replace_option_prompt_at_index(index, self._row(claim))

    def on_resize(self, event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._row_width:
            self._row_width = width
            self._redraw_rows()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self.call_later(self._restyle_rows)  # once the component styles are updated too

    def _restyle_rows(self) -> None:
        styles = tuple(self._style(name) for name in (*STATE_MARKERS, "source", "no-source", "cue"))
        if styles != self._styles:
            self._styles = styles
            self._redraw_rows()

    def _on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Highlighted(self, int(event.option.id)))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Selected(self, int(event.option.id)))


def _truncate(text: str, width: int) -> str:
    """`text` cut to `width` cells, with an ellipsis when cut."""
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
