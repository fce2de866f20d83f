"""The glose Textual app: a document list, and a reader/annotator per document."""
from __future__ import annotations

from functools import partial
from pathlib import Path
from typing import Iterable

from textual.app import App, SystemCommand
from textual.binding import Binding

from app.textnorm import visible
from app.tui.document_list import DocumentListScreen
from db.connection import open_db


class GloseApp(App):
    """glose in the terminal. Tests build it with a temporary database path."""

    CSS_PATH = "glose.tcss"
    TITLE = "glose"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "toggle_keys", "Keys", id="keys"),
    ]

    def __init__(self, db_path: str | Path, *, annotator: str, doc_id: int | None = None):
        super().__init__()
        # Opened here, on the thread that runs the app: a sqlite3 connection
        # belongs to its thread. Raises DatabaseRefused before anything is drawn.
        self.db = open_db(db_path)
        self.db_path = Path(db_path)
        self.annotator = annotator
        self.start_doc = doc_id
        self.sub_title = visible(f"{annotator} · {self.db_path.name}")

    def on_mount(self) -> None:
        self.push_screen(DocumentListScreen())
        if self.start_doc is not None:
            self.open_document(self.start_doc)

    def open_document(self, doc_id: int) -> None:
        from app.tui.article_screen import ArticleScreen

        self.push_screen(ArticleScreen(doc_id))

    def notify(self, message: str, *, title: str = "", severity="information", timeout=None,
               markup: bool = False) -> None:
        """Notifications repeat user text (notes, names, URLs): never read as markup."""
        super().notify(visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False)

    def get_system_commands(self, screen) -> Iterable[SystemCommand]:
        """The command palette offers every action of the current screen, by its key's name."""
        yield from super().get_system_commands(screen)
        seen = set()
        for key, active in screen.active_bindings.items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(binding.description, f"key: {self.get_key_display(binding)}",
                                partial(self.run_action, binding.action, active.node))

    def action_toggle_keys(self) -> None:
        """Show or hide every key of the current screen (built from the bindings)."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self.action_show_help_panel()

    def on_unmount(self) -> None:
        self.db.close()
