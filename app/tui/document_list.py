"""The first screen: every document with its progress; Enter opens one.

The list is a virtual list (`DocumentTable`): it holds only the rows near the screen
and asks for the others as they come into view; this screen reads them a page at a
time from the database (``glose.db.listing``: filtered, searched and counted in SQL),
so that it opens, moves, filters and searches as fast with 100,000 documents as with
1,000 (``bench/scale.py``).
"""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Input, Static

from glose.db import assignments, layers, listing
from glose.db.listing import ListQuery
from glose.errors import describe
from glose.plaintext import one_line
from glose.tui.help import HelpGroups, KeyRow
from glose.vocabulary import DOC_STATUSES
from glose.widgets.document_table import DocumentTable, ListedDocument

if TYPE_CHECKING:
    from glose.tui.app import GloseApp

STATUS_FILTERS = (None, *DOC_STATUSES, *assignments.VIEWS)
"""What f cycles through: all, my status (todo, in progress, done), then the team's views."""


class DocumentListScreen(Screen):
    """Documents with title, date, length, claims and my status; full-text filter."""

    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("escape", "clear_search", "Clear search", id="clear_search", show=False),
        Binding("f", "cycle_filter", "Filter", id="filter"),
        Binding("r", "refresh", "Refresh", id="refresh"),
        Binding("j", "adjudicate", "Adjudicate", id="adjudicate"),
        Binding("o", "sources", "Sources", id="sources", show=False),
    ]

    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Documents", [
            KeyRow("move / open the document", keys="↑↓ / enter"),
            KeyRow("search the texts (accents optional) / clear the search", ("search", "clear_search")),
            KeyRow("show only my todo, in progress, done; assigned to me, needing a second annotator,"
                   " ready to adjudicate, adjudicated; or all", ("filter",)),
            KeyRow("read the list again", ("refresh",)),
            KeyRow("adjudicate the document: its annotators' versions into gold", ("adjudicate",)),
            KeyRow("the sources of the corpus: who said how many claims, in which documents; merge suggestions",
                   ("sources",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    """The keys for `?` and the README (see glose.tui.help)."""

    status_filter: str | None = None
    """Show only documents with this status of mine (None: all)."""
    _done = _everyone = _widest_id = 0
    """For the progress line and the id column: read again by `action_refresh` only (not per key)."""

    @property
    def glose(self) -> GloseApp:
        """The app, typed: its database and annotator."""
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ search the texts (accents optional)", id="search")
        yield DocumentTable(id="documents")
        yield Static(id="progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DocumentTable)
        self.watch(table, "wanted", self._fill, init=False)
        self.action_refresh()
        table.focus()

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def _query(self) -> ListQuery:
        return ListQuery(self.glose.annotator, self.status_filter, self.query_one("#search", Input).value)

    def action_refresh(self) -> None:
        """Read the list again: how many documents it shows, the progress line, the rows on screen."""
        try:
            self._done, self._everyone = listing.done_and_total(self.glose.db, self.glose.annotator)
            self._widest_id = listing.widest_id(self.glose.db)
        except sqlite3.Error as exc:
            self._cannot_read(exc)
            return
        self._show_list()

    def _show_list(self) -> None:
        """Count the documents of the current filter and search, and show their first rows."""
        try:
            total = listing.count(self.glose.db, self._query())
        except sqlite3.Error as exc:
            self._cannot_read(exc)
            return
        self.query_one(DocumentTable).show(total, widest_id=self._widest_id)  # asks for its rows: _fill
        self._show_progress(total)

    def _fill(self, wanted: range) -> None:
        """Read the rows the table asks for, from their neighbours' ids when it holds them."""
        table = self.query_one(DocumentTable)
        previous, following = table.row_at(wanted.start - 1), table.row_at(wanted.stop)
        try:
            rows = listing.rows(self.glose.db, self._query(), wanted.start, wanted.stop, total=table.row_count,
                                previous_id=previous.id if previous else None,
                                next_id=following.id if following else None)
        except sqlite3.Error as exc:
            self._cannot_read(exc)
            return
        table.fill(wanted.start, [
            ListedDocument(id=row["id"], title=row["title"], date=str(row["date"] or ""), words=row["n_words"],
                           claims=row["claims"], status=row["status"])
            for row in rows])

    def _show_progress(self, shown: int) -> None:
        query = self._query()
        words = f"{shown:,} shown · " if query.search.strip() or query.view else ""
        if query.view:
            words = f"only {query.view.replace('_', ' ')} · " + words
        self.query_one("#progress", Static).update(
            Text(f"{words}{self._done:,}/{self._everyone:,} done · annotator {one_line(query.annotator)}"
                 if self._everyone else "No documents yet: run 'glose import PATH' (or 'make run' for the samples)."))

    def _cannot_read(self, exc: sqlite3.Error) -> None:
        self.query_one("#progress", Static).update(Text(f"Cannot read the database: {describe(exc)}"))
        self.notify(f"Cannot read the database: {describe(exc)}", severity="error")

    def action_cycle_filter(self) -> None:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        self._show_list()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._show_list()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DocumentTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(DocumentTable).focus()

    def action_adjudicate(self) -> None:
        from glose.tui.adjudication_screen import AdjudicationScreen

        document = self.query_one(DocumentTable).cursor_document
        if document is None:
            return
        doc_id = document.id
        try:
            names = layers.annotating(self.glose.db, doc_id)
        except sqlite3.Error as exc:
            self.notify(f"Cannot read the database: {describe(exc)}", severity="error")
            return
        if len(names) < 2:
            self.notify(f"Adjudication needs two annotators' layers; document {doc_id} has"
                        f" {len(names)} ({', '.join(names) or 'none'})", severity="warning")
            return
        self.app.push_screen(AdjudicationScreen(doc_id, names))

    def action_sources(self) -> None:
        from glose.tui.sources_screen import SourcesScreen

        self.app.push_screen(SourcesScreen())

    def on_document_table_chosen(self, event: DocumentTable.Chosen) -> None:
        self.glose.open_document(event.document_id)
