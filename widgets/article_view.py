"""`ArticleView`: a long article, wrapped at a reading measure, with its highlights.

A Line API widget (a `ScrollView` with `render_line`), so that a key press costs
the same on a 100,000-word article as on a 1,000-word one:

- the text is wrapped once per column width (`_wrap`), giving the char offset at
  which each visual line starts; offsets map to lines with `bisect` and to cells
  with Rich's `cell_len` (wide characters take two cells, combining marks none);
- highlights are indexed once per highlight set (`_SpanIndex`) so each line finds
  its spans with two bisects;
- rendered lines are cached as `Strip`s keyed by (line, width, version), and any
  change (caret, selection, highlights, hints) discards only the lines it touches.

Article text is untrusted: it is never parsed as markup (lines are Rich `Text`
built from plain strings) and any control character left in it is drawn as a
one-cell stand-in, so it cannot drive the terminal.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import accumulate
from typing import ClassVar, Collection, Iterable, Mapping

from rich.cells import cell_len, get_character_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.actions import SkipAction
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from glose.plaintext import STAND_INS
from glose.vocabulary import CLAIM, CUE, SPAN_LABELS, STATES
from glose.widgets.data import STATE_MARKS, Highlight

_WORD_THEN_SPACES = re.compile(r"([^ ]+)( *)")
"""Only U+0020 breaks a line: no-break spaces keep « and » with their words."""
_WORD = re.compile(r"\w+(?:-\w+)*")
"""What the caret jumps over by word: hyphenated compounds (a-t-il) are one word."""

TAG_RULES = {CLAIM: "┄", CUE: "╌"}
"""The rule drawn under a highlight in the tag row (others: a plain line)."""

LABEL_COMPONENTS = {label: f"article-view--{label.lower()}" for label in SPAN_LABELS}
"""Component class of each highlight label (shared with `Legend`)."""

STATE_COMPONENTS = {state: f"article-view--{state}" for state in STATES}
"""Component class of each highlight state (shared with `Legend`)."""

HIGHLIGHT_CSS = """
.article-view--per { color: #d787ff; text-style: italic; }
.article-view--org { color: #5fd7ff; text-style: italic; }
.article-view--loc { color: #87d75f; text-style: italic; }
.article-view--misc { color: #ffd75f; text-style: italic; }
.article-view--source { color: #ff875f; text-style: italic; }
.article-view--claim { background: $primary 15%; text-style: underline; }
.article-view--cue { text-style: bold; }
.article-view--accepted { background: $success 20%; }
.article-view--rejected { text-style: dim strike; }
.article-view--selected { text-style: reverse bold; }
.article-view--related { text-style: reverse; }
"""
"""Label and state styles. Entity colours are fixed (not theme variables, which
gave PER and LOC the same colour) and stay apart in 256 and 16 colours. Not colour alone: claims are underlined, cues bold,
mentions italic, rejected items struck, the selection reversed. Scoped into the
`DEFAULT_CSS` of `ArticleView` and `Legend`; an app's .tcss may restyle any
`.article-view--*` class."""


def _wrap(text: str, width: int) -> list[int]:
    """The char offset at which each visual line of `text` starts, at `width` cells.

    Paragraphs end at "\\n" (which stays on its paragraph's last line). Lines break
    at spaces, which hang past the measure; a word wider than the measure is cut.
    """
    starts: list[int] = []
    append = starts.append
    position = 0
    for paragraph in text.split("\n"):
        append(position)
        column = len(paragraph) - len(paragraph.lstrip(" "))
        for match in _WORD_THEN_SPACES.finditer(paragraph):
            word = match.group(1)
            cells = cell_len(word)
            if column and column + cells > width:
                append(position + match.start())
                column = 0
            if cells > width:
                for index, character in enumerate(word, position + match.start()):
                    size = get_character_cell_size(character)
                    if column and column + size > width:
                        append(index)
                        column = 0
                    column += size
            else:
                column += cells
            column += len(match.group(2))
        position += len(paragraph) + 1
    return starts


class _SpanIndex:
    """Highlight ids sorted by (start, -end), to find those meeting a range by bisect."""

    def __init__(self, highlights: Iterable[Highlight]) -> None:
        ordered = sorted(highlights, key=lambda h: (h.start, -h.end))
        self.ids = [h.id for h in ordered]
        self.starts = [h.start for h in ordered]
        self.ends = [h.end for h in ordered]
        self.keys = [(h.start, -h.end) for h in ordered]
        self.max_ends = list(accumulate(self.ends, max))
        """Running maximum of `ends`: non-decreasing, so it can be bisected too."""

    def move(self, removed: Iterable[Highlight], added: Iterable[Highlight]) -> None:
        """Take out the `removed` highlights and put in the `added` ones: an edit costs a
        few list insertions, not a sort of every highlight."""
        lowest = len(self.ids)
        for highlight in removed:
            index = bisect_left(self.keys, (highlight.start, -highlight.end))
            while self.ids[index] != highlight.id:
                index += 1
            for column in (self.ids, self.starts, self.ends, self.keys):
                del column[index]
            lowest = min(lowest, index)
        for highlight in added:
            key = (highlight.start, -highlight.end)
            index = bisect_right(self.keys, key)
            self.keys.insert(index, key)
            self.ids.insert(index, highlight.id)
            self.starts.insert(index, highlight.start)
            self.ends.insert(index, highlight.end)
            lowest = min(lowest, index)
        running = self.max_ends[lowest - 1] if lowest else 0
        self.max_ends[lowest:] = accumulate(self.ends[lowest:], max, initial=running)
        del self.max_ends[lowest]  # accumulate's initial value, already in place

    def meeting(self, start: int, end: int) -> list[int]:
        """Ids of the highlights that overlap [start, end), outer ones first."""
        low = bisect_right(self.max_ends, start)
        high = bisect_left(self.starts, end)
        ends = self.ends
        return [self.ids[i] for i in range(low, high) if ends[i] > start]


class ArticleView(ScrollView, can_focus=True):
    """A read-only article with highlights, a caret and a keyboard selection."""

    ALLOW_SELECT = False

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("left", "caret_left", "Caret left", show=False),
        Binding("right", "caret_right", "Caret right", show=False),
        Binding("ctrl+left,alt+left", "word_left", "Word left", show=False),
        Binding("ctrl+right,alt+right", "word_right", "Word right", show=False),
        Binding("up", "line_up", "Line up", show=False),
        Binding("down", "line_down", "Line down", show=False),
        Binding("home", "line_start", "Line start", show=False),
        Binding("end", "line_end", "Line end", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("ctrl+home", "document_start", "Top", show=False),
        Binding("ctrl+end", "document_end", "Bottom", show=False),
        Binding("shift+left", "caret_left(True)", "Extend left", show=False),
        Binding("shift+right", "caret_right(True)", "Extend right", show=False),
        Binding("ctrl+shift+left,alt+shift+left", "word_left(True)", "Extend word left", show=False),
        Binding("ctrl+shift+right,alt+shift+right", "word_right(True)", "Extend word right", show=False),
        Binding("shift+up", "line_up(True)", "Extend up", show=False),
        Binding("shift+down", "line_down(True)", "Extend down", show=False),
        Binding("shift+home", "line_start(True)", "Extend to line start", show=False),
        Binding("shift+end", "line_end(True)", "Extend to line end", show=False),
        Binding("escape", "clear_selection", "Clear selection", show=False),
    ]
    """Caret keys; add shift to extend the selection."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *LABEL_COMPONENTS.values(),
        *STATE_COMPONENTS.values(),
        "article-view--selected",
        "article-view--related",
        "article-view--selection",
        "article-view--caret",
        "article-view--hint",
    }
    """
    | Class | Description |
    | :- | :- |
    | `article-view--per` ... `--source` | A highlight, by label. |
    | `article-view--pending`, `--accepted`, `--rejected` | A highlight, by state. |
    | `article-view--selected` | The selected highlight. |
    | `article-view--related` | The highlights related to the selected one. |
    | `article-view--selection` | The keyboard selection. |
    | `article-view--caret` | The caret (drawn when focused). |
    | `article-view--hint` | A hint badge over a highlight. |
    """

    DEFAULT_CSS = (
        """
    ArticleView {
        background: $surface;
        color: $foreground;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    .article-view--selection { text-style: reverse; }
    .article-view--caret { text-style: reverse; }
    .article-view--hint { color: $warning; text-style: bold reverse; }
    """
        + HIGHLIGHT_CSS
    )

    measure: reactive[int] = reactive(76)
    """Width of the text column in cells (narrower when the widget is)."""

    centered: reactive[bool] = reactive(True)
    """Centre the text column (else keep a one-cell left margin)."""

    tags: reactive[bool] = reactive(False)
    """Under each line, a row naming the label and state of each highlight
    (``PER✓``, ``CLAIM?``), so that they are told apart without colour."""

    class CaretMoved(Message):
        """Posted when the caret moves (by key or click)."""

        def __init__(self, article_view: ArticleView, offset: int) -> None:
            super().__init__()
            self.article_view = article_view
            self.offset = offset
            """The caret's new char offset."""

        @property
        def control(self) -> ArticleView:
            return self.article_view

    class SelectionChanged(Message):
        """Posted when the keyboard selection changes; `start == end` once cleared."""

        def __init__(self, article_view: ArticleView, start: int, end: int) -> None:
            super().__init__()
            self.article_view = article_view
            self.start = start
            self.end = end

        @property
        def control(self) -> ArticleView:
            return self.article_view

    class HighlightClicked(Message):
        """Posted when a highlighted cell is clicked (innermost highlight there)."""

        def __init__(self, article_view: ArticleView, highlight_id: int) -> None:
            super().__init__()
            self.article_view = article_view
            self.highlight_id = highlight_id

        @property
        def control(self) -> ArticleView:
            return self.article_view

    def __init__(
        self,
        text: str = "",
        highlights: Iterable[Highlight] = (),
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        """An article view.

        Args:
            text: The document text.
            highlights: Its highlights.
            name: The name of the widget.
            id: The ID of the widget in the DOM.
            classes: The CSS classes of the widget.
            disabled: Whether the widget is disabled.
        """
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._strips: LRUCache[tuple[int, int, int], Strip] = LRUCache(1024)
        self._style_of_component: dict[str, Style] = {}
        self._version = 0
        """Bumped when every cached line goes stale (document, measure, styles)."""
        self.cache_misses = 0
        """Lines rendered so far (strip-cache misses), for tests and benchmarks."""
        self._width = 0
        self._margin = 0
        self._layouts: dict[int, list[int]] = {}
        """Line starts by column width: the text is wrapped once per width."""
        self._starts: list[int] | None = None
        """Line starts at the current width; None until the widget has a size."""
        self.set_document(text, highlights)

    # -- Public API -------------------------------------------------------------

    @property
    def text(self) -> str:
        """The document text, as given."""
        return self._text

    @property
    def highlights(self) -> Mapping[int, Highlight]:
        """The current highlights by id."""
        return self._by_id

    @property
    def caret(self) -> int:
        """The caret's char offset (0 to len(text))."""
        return self._caret

    @property
    def selection(self) -> tuple[int, int] | None:
        """The keyboard selection as (start, end), end exclusive, or None."""
        if self._anchor is None or self._anchor == self._caret:
            return None
        return min(self._anchor, self._caret), max(self._anchor, self._caret)

    @property
    def line_count(self) -> int:
        """Visual lines at the current width (0 before the widget has a size)."""
        return len(self._starts) if self._starts else 0

    def set_document(self, text: str, highlights: Iterable[Highlight] = ()) -> None:
        """Show another document: resets caret, selection, selected and hints."""
        self._text = text
        self._display = text.translate(STAND_INS)
        self._words: tuple[list[int], list[int]] | None = None
        self._by_id = {h.id: h for h in highlights}
        self._index = _SpanIndex(self._by_id.values())
        self._caret = 0
        self._anchor: int | None = None
        self._goal_cell: int | None = None
        self._selected: int | None = None
        self._related: frozenset[int] = frozenset()
        self._hints: dict[int, str] = {}
        self._pending_scroll: tuple[int, int] | None = None
        """A range to scroll into view once there is a layout."""
        self._layouts.clear()
        self._starts = None
        self._invalidate_all()
        if self.is_mounted:
            self.scroll_to(0, 0, animate=False)
            self._relayout()

    def set_highlights(self, highlights: Iterable[Highlight]) -> None:
        """Replace the highlights, redrawing only the lines whose highlights changed.

        Diffing costs O(highlights); `update_highlights` is O(changed).
        """
        old = self._by_id
        new = {h.id: h for h in highlights}
        changed = [h for id_, h in new.items() if (previous := old.get(id_)) is not h and previous != h]
        self.update_highlights(changed, [id_ for id_ in old if id_ not in new])

    def update_highlights(self, changed: Iterable[Highlight] = (), removed: Iterable[int] = ()) -> None:
        """Add or replace the `changed` highlights and drop the `removed` ids,
        redrawing only their lines (the span index is rebuilt if any span moved)."""
        by_id = self._by_id
        taken_out: list[Highlight] = []
        put_in: list[Highlight] = []
        for highlight in changed:
            previous = by_id.get(highlight.id)
            if previous is not None:
                self._invalidate(previous.start, previous.end)
            if previous is None or (previous.start, previous.end) != (highlight.start, highlight.end):
                taken_out += [previous] if previous is not None else []
                put_in.append(highlight)
            by_id[highlight.id] = highlight
            self._invalidate(highlight.start, highlight.end)
        for id_ in removed:
            previous = by_id.pop(id_, None)
            if previous is not None:
                taken_out.append(previous)
                self._invalidate(previous.start, previous.end)
        if taken_out or put_in:
            self._index.move(taken_out, put_in)

    def select(self, highlight_id: int | None, related: Collection[int] = ()) -> None:
        """Emphasise one highlight and its related ones (sources, cue), and scroll so
        that they are all on screen (the selected one alone if they do not fit)."""
        for id_ in {self._selected, *self._related, highlight_id, *related}:
            self._invalidate_highlight(id_)
        self._selected = highlight_id
        self._related = frozenset(related)
        highlight = self._by_id.get(highlight_id) if highlight_id is not None else None
        if highlight is None:
            return
        together = [h for h in (highlight, *(self._by_id.get(id_) for id_ in related)) if h is not None]
        start, end = min(h.start for h in together), max(h.end for h in together)
        if self._starts and self._rows_between(start, end) > self.scrollable_content_region.height:
            start, end = highlight.start, highlight.end
        self._scroll_into_view(start, end)

    def set_hints(self, hints: Mapping[int, str]) -> None:
        """Draw one- or two-letter badges over the start of the given highlights."""
        for id_ in {*self._hints, *hints}:
            self._invalidate_highlight(id_)
        self._hints = dict(hints)

    def clear_hints(self) -> None:
        """Remove every hint badge."""
        self.set_hints({})

    def move_caret(self, offset: int, *, extend: bool = False) -> None:
        """Move the caret to `offset`, extending the selection or clearing it."""
        offset = max(0, min(offset, len(self._text)))
        old_caret, old_anchor, old_selection = self._caret, self._anchor, self.selection
        if extend:
            if self._anchor is None:
                self._anchor = old_caret
        else:
            self._anchor = None
        self._caret = offset
        self._goal_cell = None
        self._invalidate(old_caret, old_caret)
        self._invalidate(offset, offset)
        if self._anchor == old_anchor and old_anchor is not None:
            self._invalidate(min(old_caret, offset), max(old_caret, offset))
        elif old_selection is not None:
            self._invalidate(*old_selection)
        self.scroll_to_offset(offset)
        if offset != old_caret:
            self.post_message(self.CaretMoved(self, offset))
        selection = self.selection
        if (selection is None) != (old_selection is None):  # the selected item's emphasis comes or goes
            for id_ in (self._selected, *self._related):
                self._invalidate_highlight(id_)
        if selection != old_selection:
            start, end = selection or (offset, offset)
            self.post_message(self.SelectionChanged(self, start, end))

    def scroll_to_offset(self, offset: int) -> None:
        """Scroll as little as needed for the line holding `offset` to be visible."""
        self._scroll_into_view(offset, offset)

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        """The (visual line, cell in the text column) of a char offset."""
        starts = self._require_layout()
        line = bisect_right(starts, offset) - 1
        return line, cell_len(self._display[starts[line] : offset])

    def position_to_offset(self, line: int, cell: int) -> int:
        """The char offset shown at (visual line, cell in the text column).

        A cell past the end of the line gives the line's last caret position; the
        second cell of a wide character gives that character.
        """
        starts = self._require_layout()
        line = max(0, min(line, len(starts) - 1))
        start, _, last = self._line_bounds(line)
        display = self._display
        column = 0
        for index in range(start, last):
            column += get_character_cell_size(display[index])
            if column > cell:
                return index
        return last

    def visible_range(self) -> tuple[int, int]:
        """The char offsets (start, end) of the text on screen now."""
        if not self._starts:
            return 0, 0
        top = min(self._top_line(), len(self._starts) - 1)
        bottom = top + -(-self.scrollable_content_region.height // self._per_line)
        end = self._starts[bottom] if bottom < len(self._starts) else len(self._text)
        return self._starts[top], end

    def highlight_at(self, offset: int) -> Highlight | None:
        """The innermost (shortest) highlight covering the char at `offset`."""
        covering = [self._by_id[id_] for id_ in self._index.meeting(offset, offset + 1)]
        return min(covering, key=lambda h: h.end - h.start, default=None)

    # -- Actions ----------------------------------------------------------------

    def action_caret_left(self, extend: bool = False) -> None:
        """Move the caret one character left (over any combining marks)."""
        offset = max(0, self._caret - 1)
        while offset > 0 and self._is_mark(offset):
            offset -= 1
        self.move_caret(offset, extend=extend)

    def action_caret_right(self, extend: bool = False) -> None:
        """Move the caret one character right (over any combining marks)."""
        offset = min(len(self._text), self._caret + 1)
        while offset < len(self._text) and self._is_mark(offset):
            offset += 1
        self.move_caret(offset, extend=extend)

    def action_word_left(self, extend: bool = False) -> None:
        """Move the caret to the start of this or the previous word."""
        starts, _ = self._word_bounds()
        index = bisect_left(starts, self._caret) - 1
        self.move_caret(starts[index] if index >= 0 else 0, extend=extend)

    def action_word_right(self, extend: bool = False) -> None:
        """Move the caret to the end of this or the next word."""
        _, ends = self._word_bounds()
        index = bisect_right(ends, self._caret)
        self.move_caret(ends[index] if index < len(ends) else len(self._text), extend=extend)

    def action_line_up(self, extend: bool = False) -> None:
        """Move the caret one visual line up, keeping its column."""
        self._move_lines(-1, extend)

    def action_line_down(self, extend: bool = False) -> None:
        """Move the caret one visual line down, keeping its column."""
        self._move_lines(1, extend)

    def action_page_up(self, extend: bool = False) -> None:
        """Move the caret one screen up."""
        self._move_lines(-max(1, self._page_lines() - 1), extend)

    def action_page_down(self, extend: bool = False) -> None:
        """Move the caret one screen down."""
        self._move_lines(max(1, self._page_lines() - 1), extend)

    def action_line_start(self, extend: bool = False) -> None:
        """Move the caret to the start of its visual line."""
        if self._starts:
            line, _ = self.offset_to_position(self._caret)
            self.move_caret(self._line_bounds(line)[0], extend=extend)

    def action_line_end(self, extend: bool = False) -> None:
        """Move the caret to the end of its visual line."""
        if self._starts:
            line, _ = self.offset_to_position(self._caret)
            self.move_caret(self._line_bounds(line)[2], extend=extend)

    def action_document_start(self) -> None:
        """Move the caret to the start of the document."""
        self.move_caret(0)

    def action_document_end(self) -> None:
        """Move the caret to the end of the document."""
        self.move_caret(len(self._text))

    def action_clear_selection(self) -> None:
        """Clear the selection (or let the key through when there is none)."""
        if self._anchor is None:
            raise SkipAction()
        self.move_caret(self._caret)

    # -- Events -----------------------------------------------------------------

    def _on_resize(self, event: events.Resize) -> None:
        self._relayout()

    def _on_focus(self, event: events.Focus) -> None:
        self._invalidate(self._caret, self._caret)

    def _on_blur(self, event: events.Blur) -> None:
        self._invalidate(self._caret, self._caret)

    def on_click(self, event: events.Click) -> None:
        position = event.get_content_offset(self)
        if position is None or not self._starts:
            return
        line = (int(self.scroll_offset.y) + position.y) // self._per_line  # a tag row belongs to its line
        cell = position.x - self._margin
        if line >= len(self._starts):
            self.move_caret(len(self._text), extend=event.shift)
            return
        offset = self.position_to_offset(line, max(cell, 0))
        start, stop, _ = self._line_bounds(line)
        on_text = 0 <= cell < cell_len(self._display[start:stop])
        highlight = self.highlight_at(offset) if on_text and not event.shift else None
        if highlight is not None:
            self.post_message(self.HighlightClicked(self, highlight.id))
        else:
            self.move_caret(offset, extend=event.shift)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._style_of_component.clear()
        self._invalidate_all()

    def watch_measure(self) -> None:
        self._invalidate_all()
        self._relayout()

    def watch_centered(self) -> None:
        self._invalidate_all()
        self._relayout()

    def watch_tags(self) -> None:
        self._invalidate_all()
        self._relayout()

    # -- Rendering --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """Render one line of the widget (Line API)."""
        width = self.scrollable_content_region.width
        row = int(self.scroll_offset.y) + y
        line, tag_row = divmod(row, self._per_line)
        if not self._starts or line >= len(self._starts):
            return Strip.blank(width, self.rich_style)
        key = (row, self._width, self._version)
        strip = self._strips.get(key)
        if strip is None:
            self.cache_misses += 1
            render = self._render_tag_line if tag_row else self._render_text_line
            strip = self._strips[key] = render(line)
        return strip if width == self._width else strip.adjust_cell_length(width, self.rich_style)

    def _render_text_line(self, line: int) -> Strip:
        """Render visual line `line`, margins included, `self._width` cells wide."""
        base = self.rich_style
        start, stop, last = self._line_bounds(line)
        text = Text(self._display[start:stop], style=base, end="", no_wrap=True)
        component = self._component_style
        selection = self.selection
        for id_ in self._index.meeting(start, stop):
            highlight = self._by_id[id_]
            style = component(LABEL_COMPONENTS[highlight.label]) + component(STATE_COMPONENTS[highlight.state])
            # While text is selected, only the selection is reversed: what is drawn
            # selected is exactly what a key will take.
            if selection is None and id_ == self._selected:
                style += component("article-view--selected")
            elif selection is None and id_ in self._related:
                style += component("article-view--related")
            text.stylize(style, max(highlight.start, start) - start, min(highlight.end, stop) - start)
        if selection is not None and selection[0] < stop and selection[1] > start:
            text.stylize(
                component("article-view--selection"),
                max(selection[0], start) - start,
                min(selection[1], stop) - start,
            )
        if self.has_focus and start <= self._caret <= last:
            at = self._caret - start
            if at == len(text):
                text.append(" ")
            under = text.get_style_at_offset(self.app.console, at)
            if selection is not None:  # an underline that leaves the cell in or out of the selection
                caret = Style(underline=True)
            elif under.reverse:
                caret = Style(reverse=False, underline=True)
            else:
                caret = component("article-view--caret")
            text.stylize(caret, at, at + 1)
        # apply_style: a line without highlights renders unstyled segments, which
        # Textual's NO_COLOR filter cannot take (it needs a colour to map).
        segments = [Segment(" " * self._margin, base), *Segment.apply_style(text.render(self.app.console), base)]
        strip = Strip(segments).adjust_cell_length(self._width, base)
        for id_, letters in self._hints.items():
            hinted = self._by_id.get(id_)
            if hinted is not None and start <= hinted.start < max(stop, start + 1):
                x = self._margin + cell_len(self._display[start : hinted.start])
                badge = Strip([Segment(letters, base + component("article-view--hint"))])
                strip = Strip.join([strip.crop(0, x), badge, strip.crop(x + badge.cell_length)])
        return strip.adjust_cell_length(self._width, base)

    def _render_tag_line(self, line: int) -> Strip:
        """The tag row under visual line `line`: under each highlight, a rule as long
        as it is on this line, and where it starts its label and state (``PER✓``).
        Outer highlights first, so the tags of nested ones stay readable."""
        base = self.rich_style
        start, stop, _ = self._line_bounds(line)
        display = self._display
        cells = [" "] * self._width
        styles: list[Style | None] = [None] * self._width
        component = self._component_style
        for id_ in self._index.meeting(start, max(stop, start + 1)):
            highlight = self._by_id[id_]
            first = self._margin + cell_len(display[start : max(highlight.start, start)])
            last = self._margin + cell_len(display[start : min(highlight.end, stop)])
            style = component(LABEL_COMPONENTS[highlight.label])
            rule = TAG_RULES.get(highlight.label, "─")
            for x in range(first, min(last, self._width)):
                cells[x], styles[x] = rule, style
            if highlight.start >= start:
                for x, character in enumerate(highlight.label + STATE_MARKS[highlight.state], first):
                    if x < self._width:
                        cells[x], styles[x] = character, style
        segments = [Segment(character, base + style if style else base) for character, style in zip(cells, styles, strict=True)]
        return Strip(Segment.simplify(segments), self._width)

    def _component_style(self, name: str) -> Style:
        """A component class's style, read once per restyle (reading one costs ~0.05 ms,
        and a line asks for several per highlight)."""
        style = self._style_of_component.get(name)
        if style is None:
            style = self._style_of_component[name] = self.get_component_rich_style(name, partial=True)
        return style

    # -- Layout and invalidation ------------------------------------------------

    def _relayout(self) -> None:
        """Wrap for the current width (once per column width) and size the scroll area."""
        width = self.scrollable_content_region.width
        if width <= 0:
            return
        column = max(1, min(self.measure, width - 2))
        top = self._starts[min(self._top_line(), len(self._starts) - 1)] if self._starts else None
        if column not in self._layouts:
            self._layouts[column] = _wrap(self._display, column)
        self._starts = self._layouts[column]
        self._width = width
        self._margin = (width - column) // 2 if self.centered else 1
        self.virtual_size = Size(width, len(self._starts) * self._per_line)
        if self._pending_scroll is not None:
            # After this refresh: the new virtual size must be in place, or the scroll is clamped.
            self.call_after_refresh(self._scroll_into_view, *self._pending_scroll)
        elif top is not None:
            self.scroll_to(y=(bisect_right(self._starts, top) - 1) * self._per_line, animate=False)
        self.refresh()

    @property
    def _per_line(self) -> int:
        """Screen rows per visual line: the text, and its tag row when tags are on."""
        return 2 if self.tags else 1

    def _top_line(self) -> int:
        return int(self.scroll_offset.y) // self._per_line

    def _page_lines(self) -> int:
        return max(1, self.scrollable_content_region.height // self._per_line)

    def _rows_between(self, start: int, end: int) -> int:
        """How many screen rows the lines of [start, end] take."""
        starts = self._require_layout()
        first = bisect_right(starts, start) - 1
        last = bisect_right(starts, max(start, end - 1)) - 1
        return (last - first + 1) * self._per_line

    def _require_layout(self) -> list[int]:
        if not self._starts:
            raise RuntimeError("ArticleView has no layout until it has a size")
        return self._starts

    def _line_bounds(self, line: int) -> tuple[int, int, int]:
        """(start, stop, last) of a visual line: its text is display[start:stop]
        and the caret may sit anywhere in start..last."""
        starts = self._starts
        assert starts is not None
        if line + 1 == len(starts):
            return starts[line], len(self._text), len(self._text)
        following = starts[line + 1]
        if self._text[following - 1] == "\n":
            return starts[line], following - 1, following - 1
        return starts[line], following, following - 1

    def _is_mark(self, offset: int) -> bool:
        """Whether the char at `offset` takes no cell (a combining mark)."""
        return get_character_cell_size(self._display[offset]) == 0

    def _word_bounds(self) -> tuple[list[int], list[int]]:
        """Start and end offsets of every word, found on the first word move."""
        if self._words is None:
            spans = [match.span() for match in _WORD.finditer(self._text)]
            self._words = [start for start, _ in spans], [end for _, end in spans]
        return self._words

    def _move_lines(self, delta: int, extend: bool) -> None:
        if not self._starts:
            return
        line, cell = self.offset_to_position(self._caret)
        goal = self._goal_cell if self._goal_cell is not None else cell
        target = line + delta
        if target < 0:
            offset = 0
        elif target >= len(self._starts):
            offset = len(self._text)
        else:
            offset = self.position_to_offset(target, goal)
        self.move_caret(offset, extend=extend)
        self._goal_cell = goal

    def _scroll_into_view(self, start: int, end: int) -> None:
        """Scroll as little as possible to show the lines of [start, end] (its
        first lines if it is taller than the widget)."""
        if not self._starts:
            self._pending_scroll = (start, end)
            return
        self._pending_scroll = None
        per = self._per_line
        first = (bisect_right(self._starts, start) - 1) * per
        last = (bisect_right(self._starts, max(start, end - 1)) - 1) * per + per - 1
        height = self.scrollable_content_region.height
        top = int(self.scroll_offset.y)
        if first < top:
            self.scroll_to(y=first, animate=False)
        elif last >= top + height:
            self.scroll_to(y=min(first, last - height + 1), animate=False)

    def _invalidate(self, start: int, end: int) -> None:
        """Forget and redraw the cached lines showing offsets start..end (inclusive)."""
        if not self._starts:
            return
        per = self._per_line
        first = (bisect_right(self._starts, start) - 1) * per
        last = (bisect_right(self._starts, max(start, end)) - 1) * per + per - 1
        for row in range(first, last + 1):
            self._strips.discard((row, self._width, self._version))
        self.refresh_lines(first, last - first + 1)

    def _invalidate_highlight(self, highlight_id: int | None) -> None:
        highlight = self._by_id.get(highlight_id) if highlight_id is not None else None
        if highlight is not None:
            self._invalidate(highlight.start, highlight.end)

    def _invalidate_all(self) -> None:
        self._version += 1
        self._strips.clear()
        self.refresh()
