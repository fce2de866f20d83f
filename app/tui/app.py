"""The glose Textual app: a document list, and a reader/annotator per document."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Callable, Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding

from glose.db import connection
from glose.db.connection import integrity_problem, is_read_only, open_db, why_not_writable
from glose.plaintext import visible
from glose.tui.document_list import DocumentListScreen
from glose.tui.help import HelpScreen, resolve

BUSY_TIMEOUT_MS = 200
"""The app's connection waits this long for another process's write lock, then
the screen retries on a timer: the screen never freezes for long."""


class GloseApp(App):
    """glose in the terminal. Tests build it with a temporary database path."""

    CSS_PATH = "glose.tcss"
    TITLE = "glose"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "toggle_keys", "Keys", id="keys"),
    ]

    def __init__(self, db_path: str | Path, *, annotator: str, doc_id: int | None = None,
                 read_only: bool = False, advance: bool = True, tags: bool = False,
                 progress: Callable[[str], None] | None = None):
        super().__init__()
        # Opened here, on the thread that runs the app: a sqlite3 connection
        # belongs to its thread. Raises DatabaseRefused before anything is drawn.
        # A file too large to check at once is checked in the background (on_mount).
        # ``progress`` hears how far the upgrade of an older file is (before the app starts).
        self.db = open_db(db_path, access="read-only" if read_only else "read",
                          busy_timeout_ms=BUSY_TIMEOUT_MS, progress=progress)
        self.db_path = Path(db_path)
        self.read_only = ""
        """Why nothing can be written (empty: it can)."""
        if read_only:
            self.read_only = "opened with --read-only"
        elif is_read_only(self.db):
            self.read_only = why_not_writable(self.db_path) or "the database cannot be written"
        self.annotator = annotator
        self.advance = advance
        """After a or x on a claim, go to the next pending claim (GLOSE_ADVANCE)."""
        self.tags = tags
        """Label tags under the text (GLOSE_TAGS, on under NO_COLOR); v toggles them."""
        self.start_doc = doc_id
        self.sub_title = visible(f"{annotator} · {self.db_path.name}" + (" · read-only" if self.read_only else ""))

    def on_mount(self) -> None:
        self.push_screen(DocumentListScreen())
        if self.start_doc is not None:
            self.open_document(self.start_doc)
        if self.db_path.stat().st_size > connection.QUICK_CHECK_MAX_BYTES:  # not checked by open_db
            self.run_worker(self._check_integrity, thread=True, group="integrity")

    def _check_integrity(self) -> None:
        """SQLite's quick check, on a connection of this worker's thread: a damaged
        file turns the app read-only before more is written into it."""
        problem = integrity_problem(self.db_path)
        if problem:
            self.call_from_thread(self._damaged, problem)

    def _damaged(self, problem: str) -> None:
        self.read_only = f"the database is damaged ({problem})"
        self.sub_title = visible(f"{self.annotator} · {self.db_path.name} · read-only")
        self.notify(f"The database is damaged: {problem}. Nothing more will be written to it;"
                    " copy your work out with 'glose export'.", severity="error", timeout=15)

    def open_document(self, doc_id: int) -> None:
        from glose.tui.article_screen import ArticleScreen

        self.push_screen(ArticleScreen(doc_id))

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None,
               markup: bool = False) -> None:
        """Notifications repeat user text (notes, names, URLs): never read as markup."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the current screen, by its key's name."""
        own = {b.description for b in self.BINDINGS if isinstance(b, Binding)}
        # Textual's own Quit (ctrl+q) would stand beside glose's: one Quit only.
        yield from (command for command in super().get_system_commands(screen) if command.title not in own)
        seen = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"key: {self.get_key_display(binding)}",
                                partial(self.run_action, binding.action, active.node))

    def action_toggle_keys(self) -> None:
        """The keys of the current screen, grouped by what they do (Textual's key panel
        for screens without such a list)."""
        screen = self.screen
        if isinstance(screen, HelpScreen):
            screen.dismiss(None)
        elif hasattr(screen, "KEY_GROUPS"):
            self.push_screen(HelpScreen("Keys of this screen", resolve(type(screen))))
        elif screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def on_unmount(self) -> None:
        self.db.close()
