"""The first screen: every document with its progress; Enter opens one."""
from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING, ClassVar, cast

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static
from textual.widgets.data_table import ColumnKey

from glose.db import assignments, documents, layers
from glose.errors import describe
from glose.plaintext import one_line
from glose.tui.help import HelpGroups, KeyRow
from glose.vocabulary import DOC_STATUSES, DONE, IN_PROGRESS, TODO

if TYPE_CHECKING:
    from glose.tui.app import GloseApp

STATUS_MARKS = {TODO: "·", IN_PROGRESS: "•", DONE: "✓"}
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
    ]

    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Documents", [
            KeyRow("move / open the document", keys="↑↓ / enter"),
            KeyRow("search the texts (accents optional) / clear the search", ("search", "clear_search")),
            KeyRow("show only my todo, in progress, done; assigned to me, needing a second annotator,"
                   " ready to adjudicate, adjudicated; or all", ("filter",)),
            KeyRow("read the list again", ("refresh",)),
            KeyRow("adjudicate the document: its annotators' versions into gold", ("adjudicate",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    """The keys for `?` and the README (see glose.tui.help)."""

    status_filter: str | None = None
    """Show only documents with this status of mine (None: all)."""

    @property
    def glose(self) -> GloseApp:
        """The app, typed: its database and annotator."""
        return cast("GloseApp", self.app)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(placeholder="/ search the texts (accents optional)", id="search")
        yield DataTable(id="documents", cursor_type="row", zebra_stripes=True)
        yield Static(id="progress")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("id", key="id")
        table.add_column("title", key="title", width=self._title_width())
        table.add_column("date", key="date")
        table.add_column("words", key="words")
        table.add_column("claims", key="claims")
        table.add_column("status", key="status")
        self.action_refresh()
        table.focus()

    def _title_width(self) -> int:
        """The title takes what the other columns leave (they need about 44 cells)."""
        return max(20, self.size.width - 46)

    def on_resize(self) -> None:
        table = self.query_one(DataTable)
        column = table.columns.get(ColumnKey("title"))
        if column is not None and column.width != self._title_width():
            column.width = self._title_width()
            self.action_refresh()  # re-adding the rows lays the table out again at the new width

    def on_screen_resume(self) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        query = self.query_one("#search", Input).value
        db, annotator = self.glose.db, self.glose.annotator
        try:
            everyone = documents.list_documents(db, annotator)
            rows = everyone
            if query.strip():  # matches, best first
                by_id = {row["id"]: row for row in everyone}
                rows = [by_id[doc_id] for doc_id in documents.search(db, query) if doc_id in by_id]
        except sqlite3.Error as exc:
            self.query_one("#progress", Static).update(Text(f"Cannot read the database: {describe(exc)}"))
            self.notify(f"Cannot read the database: {describe(exc)}", severity="error")
            return
        if self.status_filter in DOC_STATUSES:
            rows = [row for row in rows if row["status"] == self.status_filter]
        elif self.status_filter:
            try:
                progress = assignments.progress(db)
            except sqlite3.Error as exc:
                self.notify(f"Cannot read the database: {describe(exc)}", severity="error")
                return
            rows = [row for row in rows if assignments.in_view(self.status_filter, progress[row["id"]], annotator)]
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for row in rows:
            # Text cells: titles come from articles and are never markup.
            table.add_row(
                Text(str(row["id"])), Text(one_line(row["title"])), Text(one_line(str(row["date"] or ""))),
                Text(f"{row['n_words'] or 0:,}", justify="right"), Text(str(row["claims"]), justify="right"),
                Text(f"{STATUS_MARKS[row['status']]} {row['status'].replace('_', ' ')}"),
                key=str(row["id"]),
            )
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        done = sum(1 for r in everyone if r["status"] == DONE)
        shown = f"{len(rows)} shown · " if query.strip() or self.status_filter else ""
        if self.status_filter:
            shown = f"only {self.status_filter.replace('_', ' ')} · " + shown
        self.query_one("#progress", Static).update(
            Text(f"{shown}{done}/{len(everyone)} done · annotator {one_line(annotator)}" if everyone
                 else "No documents yet: run 'glose import PATH' (or 'make run' for the samples)."))

    def action_cycle_filter(self) -> None:
        self.status_filter = STATUS_FILTERS[(STATUS_FILTERS.index(self.status_filter) + 1) % len(STATUS_FILTERS)]
        self.action_refresh()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.action_refresh()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).focus()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_clear_search(self) -> None:
        self.query_one("#search", Input).value = ""
        self.query_one(DataTable).focus()

    def action_adjudicate(self) -> None:
        from glose.tui.adjudication_screen import AdjudicationScreen

        table = self.query_one(DataTable)
        if not table.row_count:
            return
        doc_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
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

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.glose.open_document(int(event.row_key.value or 0))
