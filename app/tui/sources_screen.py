"""The sources screen: every canonical source of the corpus with its claims and documents
in one layer; a source's claims; renaming, merging, splitting sources.

Counting reads every attribution of a layer (half a second at 1,000,000 spans), so it
runs in a worker thread on a connection of its own ("counting…"), never on the UI thread;
so does reading a source's claims. Each change to a source is one ``SourceEditor`` call (one transaction, logged, undone
with ``u``); a database error is a message on screen.
"""
from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Callable, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from glose.db import claim_links, layers, sources
from glose.db.sources import ClaimFilter, Source, SourceClaim, SourceEditor
from glose.errors import GloseError
from glose.plaintext import cut, one_line
from glose.session import reason
from glose.source_matching import fold
from glose.tui.background import read_apart
from glose.tui.help import HelpGroups, KeyRow
from glose.tui.modals import ChoiceModal, PromptModal
from glose.vocabulary import CLAIM_TYPES, GOLD, ORGANISATION, OTHER, PERSON, SUGGESTIONS

if TYPE_CHECKING:
    import sqlite_utils

    from glose.tui.app import GloseApp

SHOWN_MAX = 1_000
"""Rows of the sources list at most (the most quoted first); typing narrows it."""
DATES = re.compile(r"\s*(\d{4}-\d{2}-\d{2})\s*\.\.\s*(\d{4}-\d{2}-\d{2})\s*")
"""A date range as typed: 2016-12-01..2016-12-31."""


def parse_dates(typed: str) -> tuple[str, str] | None:
    """The (first, last) days of a typed range; None for an empty one. Raises ValueError."""
    if not typed.strip():
        return None
    found = DATES.fullmatch(typed)
    try:
        first, last = (date.fromisoformat(found[1]), date.fromisoformat(found[2])) if found else (None, None)
    except ValueError:
        first = last = None
    if first is None or last is None or first > last:
        raise ValueError("type two days, the first before the second: 2016-12-01..2016-12-31")
    return first.isoformat(), last.isoformat()


def edit_sources(screen: Screen, change: Callable[[SourceEditor], object]) -> object | None:
    """Run one change to the sources as the app's annotator (one transaction); on a
    refusal or a database error say why and return None."""
    app = cast("GloseApp", screen.app)
    if app.read_only:
        app.notify(f"Read-only: {app.read_only}", severity="warning")
        return None
    try:
        return change(SourceEditor(app.db, app.annotator)) or True
    except (GloseError, sqlite3.Error) as exc:
        app.bell()
        app.notify(f"Not saved: {reason(exc)}", severity="error", timeout=6)
        return None


@dataclass(frozen=True)
class Counted:
    """What the count read: the layer it chose, every live source, their counts."""

    layer: str
    sources: list[Source]
    counts: dict[int, tuple[int, int]]


class SourcesScreen(Screen):
    """Every canonical source with its numbers of claims and documents in one layer."""

    BINDINGS = [
        Binding("backspace", "back", "Documents", key_display="backspace", id="back"),
        Binding("slash", "focus_search", "Filter by name", id="search"),
        Binding("escape", "clear_search", "Clear the filter", id="clear_search", show=False),
        Binding("l", "cycle_layer", "Layer", id="layer"),
        Binding("t", "cycle_claim_type", "Claim type", id="claim_type"),
        Binding("d", "dates", "Dates", id="dates"),
        Binding("r", "rename", "Rename", id="rename"),
        Binding("k", "kind", "Kind", id="kind", show=False),
        Binding("i", "external_id", "External id", id="external_id", show=False),
        Binding("m", "merge", "Merge", id="merge"),
        Binding("s", "split", "Split an alias out", id="split", show=False),
        Binding("u", "undo", "Undo", id="undo", show=False),
        Binding("g", "suggestions", "Merge suggestions", id="suggestions"),
    ]
    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Sources", [
            KeyRow("move / open the source's claims", keys="↑↓ / enter"),
            KeyRow("filter by name (accents optional) / clear the filter", ("search", "clear_search")),
            KeyRow("count the claims of another layer (suggestions, an annotator, gold)", ("layer",)),
            KeyRow("count only one claim type, or all", ("claim_type",)),
            KeyRow("count only between two dates (2016-12-01..2016-12-31; empty: all)", ("dates",)),
        ]),
        ("Change the highlighted source (for everyone; each one undoable)", [
            KeyRow("rename it (the old name stays an alias)", ("rename",)),
            KeyRow("person, organisation or other / its external id (a Wikidata QID: Q42)", ("kind", "external_id")),
            KeyRow("merge another source into it / take one of its aliases out", ("merge", "split")),
            KeyRow("undo your last change to the sources", ("undo",)),
            KeyRow("merge suggestions: names that may be one source", ("suggestions",)),
            KeyRow("back to the documents", ("back",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    DEFAULT_CSS = """
    SourcesScreen DataTable { height: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.layer_name: str | None = None
        """The layer whose claims are counted (None: the worker chooses)."""
        self.claim_type: str | None = None
        self.dates: tuple[str, str] | None = None
        self.all_sources: list[Source] = []
        self._folded: dict[int, str] = {}
        """Each source's names without accents nor case, for the filter and the order."""
        self.counts: dict[int, tuple[int, int]] = {}
        self._counting = False

    @property
    def glose(self) -> GloseApp:
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ filter the sources by name", id="search")
        yield DataTable(id="sources", cursor_type="row", zebra_stripes=True)
        yield Static(id="progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = "sources"
        table = self.query_one(DataTable)
        # The counts right after the name: at 80 columns the aliases are what scrolls off.
        table.add_column("source", key="name", width=32)
        table.add_column("claims", key="claims", width=7)
        table.add_column("docs", key="docs", width=6)
        table.add_column("kind", key="kind", width=12)
        table.add_column("id", key="external_id", width=10)
        table.add_column("aliases", key="aliases", width=30)
        table.focus()

    def on_screen_resume(self) -> None:
        """Counted when shown, and again when back from a source's claims or the
        suggestions: what was changed there shows."""
        self.recount()

    # --- Counting, in a worker ------------------------------------------------------------

    def claim_filter(self) -> ClaimFilter | None:
        layer_id = layers.find_layer(self.glose.db, self.layer_name) if self.layer_name else None
        return None if layer_id is None else ClaimFilter(layer_id, self.claim_type, self.dates)

    def recount(self) -> None:
        """Count again (after a filter or a change); the list stays until the counts come."""
        self._counting = True
        self._show_progress()
        layer, claim_type, dates, annotator = self.layer_name, self.claim_type, self.dates, self.glose.annotator

        def count(db: sqlite_utils.Database) -> Counted:
            chosen = layer or default_layer(db, annotator)
            layer_id = layers.find_layer(db, chosen)
            counts = {} if layer_id is None else sources.claim_counts(db, ClaimFilter(layer_id, claim_type, dates))
            return Counted(chosen, sources.live_sources(db), counts)

        read_apart(self, count, self._counted, self._cannot_read, group="source-counts")

    def _counted(self, counted: Counted) -> None:
        self._counting = False
        self.layer_name, self.counts = counted.layer, counted.counts
        self._folded = {s.id: fold(" | ".join((s.name, *s.aliases))) for s in counted.sources}
        # Sorted once per count, not per keystroke of the name filter (150,000 sources).
        self.all_sources = sorted(counted.sources, key=lambda s: (-self.counts.get(s.id, (0, 0))[0], self._folded[s.id]))
        self._show_list()

    def _cannot_read(self, exc: BaseException) -> None:
        self._counting = False
        self._show_progress(f"cannot read the database: {reason(exc)}")
        self.notify(f"Cannot read the database: {reason(exc)}", severity="error")

    # --- Showing -------------------------------------------------------------------------

    def shown_sources(self) -> list[Source]:
        """The sources the filter lets through, the most quoted first."""
        needle = fold(self.query_one("#search", Input).value.strip())
        return [s for s in self.all_sources if needle in self._folded[s.id]]

    def _show_list(self, keep: int | None = None) -> None:
        table = self.query_one(DataTable)
        current = keep if keep is not None else self.current_id()
        table.clear()
        self._shown = self.shown_sources()
        for source in self._shown[:SHOWN_MAX]:
            claims, docs = self.counts.get(source.id, (0, 0))
            table.add_row(Text(cut(one_line(source.name), 32)), Text(f"{claims:,}", justify="right"),
                          Text(f"{docs:,}", justify="right"), Text(source.kind), Text(one_line(source.external_id or "")),
                          Text(cut(one_line(", ".join(source.aliases)), 30)), key=str(source.id))
        rows = [s.id for s in self._shown[:SHOWN_MAX]]
        if current in rows:
            table.move_cursor(row=rows.index(current))
        self._show_progress()

    def _show_progress(self, note: str = "") -> None:
        shown = getattr(self, "_shown", [])
        parts = [f"layer {one_line(self.layer_name or '…')}", f"claim type {self.claim_type or 'all'}",
                 "dates " + ("..".join(self.dates) if self.dates else "all"),
                 f"{len(shown):,} sources" + (f" (the first {SHOWN_MAX:,} shown)" if len(shown) > SHOWN_MAX else "")]
        if self._counting:
            parts.append("counting…")
        elif not self.all_sources:
            parts.append("no canonical sources yet: tie a mention to one with g in an article")
        if note:
            parts.append(note)
        self.query_one("#progress", Static).update(Text(" · ".join(parts)))

    def current_id(self) -> int | None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key else None

    def current(self) -> Source | None:
        found = self.current_id()
        source = next((s for s in self.all_sources if s.id == found), None)
        if source is None:
            self.app.bell()
        return source

    # --- Filters -------------------------------------------------------------------------

    def action_cycle_layer(self) -> None:
        try:
            names = layers.layer_names(self.glose.db)
        except sqlite3.Error as exc:
            self.notify(f"Cannot read the database: {reason(exc)}", severity="error")
            return
        if not names:
            return
        position = names.index(self.layer_name) if self.layer_name in names else -1
        self.layer_name = names[(position + 1) % len(names)]
        self.recount()

    def action_cycle_claim_type(self) -> None:
        cycle = (None, *CLAIM_TYPES)
        self.claim_type = cycle[(cycle.index(self.claim_type) + 1) % len(cycle)]
        self.recount()

    def action_dates(self) -> None:
        def check(typed: str) -> str | None:
            try:
                parse_dates(typed)
            except ValueError as exc:
                return str(exc)
            return None

        self.app.push_screen(PromptModal("Dates: first..last day (empty: all)", value="..".join(self.dates or ()),
                                         placeholder="2016-12-01..2016-12-31", validate=check), self._dates_typed)

    def _dates_typed(self, typed: str | None) -> None:
        if typed is not None:
            self.dates = parse_dates(typed)
            self.recount()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(DataTable).focus()

    # --- Opening -------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        source = self.current()
        claims = self.claim_filter()
        if source is not None and claims is not None:
            self.app.push_screen(SourceClaimsScreen(source, claims, self.layer_name or ""))

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_suggestions(self) -> None:
        from glose.tui.merge_screen import MergeSuggestionsScreen

        self.app.push_screen(MergeSuggestionsScreen())

    # --- Changes -------------------------------------------------------------------------

    def _changed(self, change: Callable[[SourceEditor], object], said: str) -> None:
        if edit_sources(self, change) is not None:
            self.notify(said, timeout=2)
            self.recount()

    def action_rename(self) -> None:
        if (source := self.current()) is not None:
            self.app.push_screen(PromptModal(f"Rename {source.name} (the old name stays an alias)", value=source.name),
                                 lambda name: None if not name else self._changed(
                                     lambda editor: editor.rename(source.id, name), f"Renamed {name}"))

    def action_kind(self) -> None:
        if (source := self.current()) is not None:
            choices = [("p", PERSON, PERSON), ("o", ORGANISATION, ORGANISATION), ("t", OTHER, OTHER)]
            self.app.push_screen(ChoiceModal(f"{source.name} is a", choices),
                                 lambda kind: None if kind is None else self._changed(
                                     lambda editor: editor.set_kind(source.id, kind), f"{source.name}: {kind}"))

    def action_external_id(self) -> None:
        if (source := self.current()) is not None:
            self.app.push_screen(
                PromptModal(f"External id of {source.name} (a Wikidata QID such as Q42; empty removes it)",
                            value=source.external_id or "", placeholder="Q42"),
                lambda value: None if value is None else self._changed(
                    lambda editor: editor.set_external_id(source.id, value), f"{source.name}: {value or 'no id'}"))

    def action_merge(self) -> None:
        if (source := self.current()) is None:
            return
        options = [(other.name, other.id) for other in self.all_sources if other.id != source.id]
        self.app.push_screen(PromptModal(f"Merge which source into {source.name}?", options=options, free_text=False),
                             lambda other: None if other is None else self._changed(
                                 lambda editor: editor.merge(source.id, other), f"Merged into {source.name}"))

    def action_split(self) -> None:
        if (source := self.current()) is None:
            return
        try:
            aliases = sources.aliases_of(self.glose.db, source.id)
        except sqlite3.Error as exc:
            self.notify(f"Cannot read the database: {reason(exc)}", severity="error")
            return
        if not aliases:
            self.notify(f"{source.name} has no alias to split out", severity="warning")
            return
        self.app.push_screen(PromptModal(f"Which alias of {source.name} becomes a source of its own?",
                                         options=[(name, alias) for alias, name in aliases], free_text=False),
                             lambda alias: None if alias is None else self._changed(
                                 lambda editor: editor.split(alias), "Split out"))

    def action_undo(self) -> None:
        undone = edit_sources(self, lambda editor: editor.undo() or "nothing")
        if undone is not None:
            self.notify("Nothing of yours to undo" if undone == "nothing" else f"Undone: {undone}", timeout=2)
            self.recount()


def default_layer(db: sqlite_utils.Database, annotator: str) -> str:
    """``gold`` if its claims have sources, else the annotator's own layer if they have,
    else the suggestions."""
    for name in (GOLD, annotator):
        layer_id = layers.find_layer(db, name)
        if layer_id is not None and sources.has_claims(db, layer_id):
            return name
    return SUGGESTIONS


class SourceClaimsScreen(Screen):
    """The claims of one source across the corpus; enter opens one in its article."""

    BINDINGS = [
        Binding("backspace,escape", "back", "Sources", key_display="backspace", id="back"),
    ]
    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Claims of the source", [
            KeyRow("move / open the claim in its article (backspace comes back here)", keys="↑↓ / enter"),
            KeyRow("back to the sources", ("back",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    DEFAULT_CSS = """
    SourceClaimsScreen DataTable { height: 1fr; }
    """

    def __init__(self, source: Source, claims: ClaimFilter, layer: str):
        super().__init__()
        self.source, self.claim_filter, self.layer_name = source, claims, layer
        self.claims: list[SourceClaim] = []
        self.links: dict[int, int] = {}
        """Claim id -> how many claims of other documents it is linked to (column ≡)."""

    @property
    def glose(self) -> GloseApp:
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="claims", cursor_type="row", zebra_stripes=True)
        yield Static(id="progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.title = cut(one_line(self.source.name), 48)
        table = self.query_one(DataTable)
        for label, key, width in (("claim", "text", 44), ("cue", "cue", 14), ("quote", "quote_type", 8),
                                  ("type", "claim_type", 10), ("document", "title", 26), ("date", "date", 10),
                                  ("≡", "links", 3)):
            table.add_column(label, key=key, width=width)
        self.query_one("#progress", Static).update(Text("reading the claims…"))
        table.focus()
        source_id, claim_filter = self.source.id, self.claim_filter

        def read(db: sqlite_utils.Database) -> tuple[list[SourceClaim], dict[int, int]]:
            claims = sources.claims_of(db, source_id, claim_filter)
            return claims, claim_links.link_counts(db, claim_filter.layer_id, [c.span_id for c in claims])

        read_apart(self, read, self._show, self._cannot_read, group="source-claims")

    def _show(self, answer: tuple[list[SourceClaim], dict[int, int]]) -> None:
        self.claims, self.links = answer
        table = self.query_one(DataTable)
        table.clear()
        for claim in self.claims:
            links = self.links.get(claim.span_id)
            table.add_row(*(Text(cut(one_line(value), width)) for value, width in (
                (claim.text, 44), (claim.cue, 14), (claim.quote_type, 8), (claim.claim_type, 10),
                (claim.title, 26), (claim.date, 10), (str(links) if links else "", 3))), key=str(claim.span_id))
        documents = len({c.doc_id for c in self.claims})
        self.query_one("#progress", Static).update(Text(one_line(
            f"{self.source.name} · {len(self.claims):,} claims in {documents:,} documents · layer {self.layer_name}")))

    def _cannot_read(self, exc: BaseException) -> None:
        self.query_one("#progress", Static).update(Text(f"cannot read the database: {reason(exc)}"))
        self.notify(f"Cannot read the database: {reason(exc)}", severity="error")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        from glose.tui.article_screen import ArticleScreen

        claim = self.claims[event.cursor_row]
        self.app.push_screen(ArticleScreen(claim.doc_id, select=(claim.start, claim.end)))

    def action_back(self) -> None:
        self.app.pop_screen()

