"""The article screen: one article, its entities and claim frames, every action by key.

The rules live in ``glose.session.AnnotationSession``; this screen binds keys to
them, shows what they select, and runs the edits they return. Each edit is one
Editor call (one transaction, logged), committed before the screen redraws and
says "saved"; it then redraws only the highlights the change touched.

Other processes write to the same file (other annotators, the same annotator in
another window, imports): ``_run`` waits for a busy database without freezing the
screen, and turns any database error or refusal into "not saved: why" on the
status line, leaving the screen as the database is. A timer re-reads what others
changed.
"""
from __future__ import annotations

import gc
import sqlite3
import time
from typing import TYPE_CHECKING, ClassVar, cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from glose.db import documents
from glose.db.claim_links import ClaimLink
from glose.db.connection import data_version
from glose.db.spans import half_overlap
from glose.document_model import Changes
from glose.errors import GloseError, is_busy
from glose.plaintext import cut, one_line
from glose.session import AnnotationSession, Confirm, Edit, Outcome, Refusal, reason
from glose.tui.help import HelpGroups, KeyRow
from glose.tui.hint_mode import HintModeScreen, hint_labels
from glose.tui.modals import ChoiceModal, PromptModal
from glose.vocabulary import ACCEPTED, CUE, MENTION_LABELS, PENDING, REJECTED, SOURCE, SPAN_LABELS
from glose.widgets.article_view import ArticleView
from glose.widgets.claims_panel import ClaimsPanel
from glose.widgets.legend import Legend
from glose.widgets.status_line import StatusLine

if TYPE_CHECKING:
    from glose.tui.app import GloseApp

LABEL_KEYS = {str(number): label for number, label in enumerate(SPAN_LABELS, start=1)}
"""1..7: PER ORG LOC MISC CLAIM CUE SOURCE."""


def _key(binding_key: str, action: str, description: str, *, show: bool = False, id: str | None = None) -> Binding:
    return Binding(binding_key, action, description, show=show, id=id or action.split("(")[0])


class ArticleScreen(Screen):
    """Read and annotate one article in the annotator's own layer."""

    # Side by side only when the claims list can be wide enough to read (>= 58 cells).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        Binding("backspace", "back", "Documents", key_display="backspace", id="back", show=True),
        _key("escape", "escape", "Clear the selection", show=True),
        _key("n", "next('claim')", "Next claim", show=True, id="next_claim"),
        _key("N", "next('claim', -1)", "Prev claim", id="previous_claim"),
        _key("e", "next('entity')", "Next entity or source mention", id="next_entity"),
        _key("E", "next('entity', -1)", "Prev entity or source mention", id="previous_entity"),
        _key("p", f"next('{PENDING}')", "Next pending", id="next_pending"),
        _key("P", f"next('{PENDING}', -1)", "Prev pending", id="previous_pending"),
        _key("tab", "toggle_panel", "Claims list ⇄ text", id="toggle_panel"),
        _key("v", "toggle_tags", "Label tags under the text on/off", id="toggle_tags"),
        _key("a", f"do('set_state', ('{ACCEPTED}', True))", "Accept", show=True, id="accept"),
        _key("A", f"do('set_state', ('{ACCEPTED}', False))", "Accept this part only", id="accept_part"),
        _key("x", f"do('set_state', ('{REJECTED}', True))", "Reject", show=True, id="reject"),
        _key("X", f"do('set_state', ('{REJECTED}', False))", "Reject this part only", id="reject_part"),
        _key("s", "link_source", "Link source", show=True),
        _key("S", f"selection_to('{SOURCE}')", "Selection → source mention", id="selection_to_source"),
        _key("r", "remove_source", "Remove a source link"),
        _key("c", f"selection_to('{CUE}')", "Selection → cue", id="selection_to_cue"),
        _key("C", "do('clear_cue')", "Clear cue", id="clear_cue"),
        _key("g", "canonical", "Canonical source"),
        _key("equals_sign", "same_claim", "Same claim as… (another document)", id="same_claim"),
        _key("j", "open_linked", "Open a linked claim's document", id="open_linked"),
        *(_key(k, f"label('{label}')", f"Label {label} (selection: new span)", id=f"label_{label.lower()}")
          for k, label in LABEL_KEYS.items()),
        _key("h", "do('edge', ('start', -1))", "Grow start by a word", id="grow_start"),
        _key("H", "do('edge', ('start', 1))", "Shrink start by a word", id="shrink_start"),
        _key("l", "do('edge', ('end', 1))", "Grow end by a word", id="grow_end"),
        _key("L", "do('edge', ('end', -1))", "Shrink end by a word", id="shrink_end"),
        _key("left_parenthesis", "clause_edge(-1)", "End at the previous clause mark", id="clause_back"),
        _key("right_parenthesis", "clause_edge(1)", "End at the next clause mark", id="clause_on"),
        _key("left_curly_bracket", "edge_at('start')", "Start the span at the caret", id="start_at_caret"),
        _key("right_curly_bracket", "edge_at('end')", "End the span at the caret", id="end_at_caret"),
        _key("b", "accept_paragraph", "Accept the paragraph's pending entities", id="accept_paragraph"),
        _key("B", "accept_document", "Accept every pending entity (asks)", id="accept_document"),
        _key("slash", "search", "Search the article", show=True, id="search"),
        _key("right_square_bracket", "search_again(1)", "Next match", id="next_match"),
        _key("left_square_bracket", "search_again(-1)", "Previous match", id="previous_match"),
        _key("t", "do('next_quote_type')", "Quote type", id="quote_type"),
        _key("y", "claim_type", "Claim type"),
        _key("exclamation_mark", "do('toggle_checkworthy')", "Check-worthy on/off", id="checkworthy"),
        _key("m", "note", "Note"),
        _key("w", "evidence", "Evidence URL"),
        _key("delete", "do('delete')", "Delete span", id="delete_span"),
        _key("u", "do('undo')", "Undo", id="undo"),
        _key("ctrl+r", "do('redo')", "Redo", id="redo"),
        _key("d", "do('toggle_done')", "Document done", id="done"),
    ]
    KEY_GROUPS: ClassVar[HelpGroups] = [
        ("Decide", [
            KeyRow("accept / reject the selected item, then on to the next pending one of its kind;"
                   " on a claim, its whole frame (cue, sources)", ("accept", "reject")),
            KeyRow("accept / reject this part only", ("accept_part", "reject_part")),
            KeyRow("accept every pending entity of the caret's paragraph / of the document (asks)",
                   ("accept_paragraph", "accept_document")),
            KeyRow("mark the document done (says what is pending and asks) / again: back in progress", ("done",)),
            KeyRow("undo / redo your own last actions on this document", ("undo", "redo")),
        ]),
        ("Spans", [
            KeyRow("label PER ORG LOC MISC CLAIM CUE SOURCE: a new span of the selected text,"
                   " else relabel the selected item", keys="1 … 7"),
            KeyRow("start / end the selected span at the caret", ("start_at_caret", "end_at_caret")),
            KeyRow("end the selected span (or the text selection) at the previous / next clause mark"
                   " (, ; : . « » …)", ("clause_back", "clause_on")),
            KeyRow("grow / shrink the start by a word", ("grow_start", "shrink_start")),
            KeyRow("grow / shrink the end by a word", ("grow_end", "shrink_end")),
            KeyRow("delete the selected span (and its links)", ("delete_span",)),
        ]),
        ("Links: the claim named in the status line (→ claim)", [
            KeyRow("link the claim to its source: type the letters on a mention, or / and a name", ("link_source",)),
            KeyRow("the selected text becomes a source mention of the claim", ("selection_to_source",)),
            KeyRow("the selected text becomes the claim's cue (nothing selected: the cue next to the claim,"
                   " as in « … », a affirmé) / clear the cue", ("selection_to_cue", "clear_cue")),
            KeyRow("remove one of the claim's source links", ("remove_source",)),
            KeyRow("tie the selected mention to a canonical source (a name; empty unties)", ("canonical",)),
            KeyRow("the claim is the same claim as one of another document: pick a candidate (score, title,"
                   " date, text) by its digit, or take a link back by its letter; ≡ marks linked claims",
                   ("same_claim",)),
            KeyRow("open the document of a linked claim, on that claim (backspace comes back)", ("open_linked",)),
        ]),
        ("Attributes of the claim", [
            KeyRow("quote type: direct, indirect, mixed", ("quote_type",)),
            KeyRow("claim type (a menu)", ("claim_type",)),
            KeyRow("check-worthy on / off", ("checkworthy",)),
            KeyRow("note on the selected item / evidence URL of the claim", ("note", "evidence")),
        ]),
        ("Navigation", [
            KeyRow("next / previous claim (it becomes the claim that links attach to)", ("next_claim", "previous_claim")),
            KeyRow("next / previous entity or source mention", ("next_entity", "previous_entity")),
            KeyRow("next / previous pending item", ("next_pending", "previous_pending")),
            KeyRow("search the article (case and accents optional) / next / previous match",
                   ("search", "next_match", "previous_match")),
            KeyRow("move the caret by character, word, line, page, to the top or bottom",
                   keys="←→↑↓ / ctrl+←→ / home / end / pgup / pgdn / ctrl+home / ctrl+end"),
            KeyRow("with the caret keys: select text", keys="shift"),
            KeyRow("clear the text selection, else let go of the selected item", ("escape",)),
            KeyRow("claims list ⇄ text", ("toggle_panel",)),
            KeyRow("label tags under the text on / off (on under NO_COLOR)", ("toggle_tags",)),
            KeyRow("back to the documents (this place is remembered)", ("back",)),
            KeyRow("this help / command palette / quit", keys="? / ctrl+p / q"),
        ]),
    ]
    """The keys for `?` and the README, grouped (see glose.tui.help)."""
    DEFAULT_CSS = """
    ArticleScreen #body { height: 1fr; }
    ArticleScreen #article { width: 82; height: 1fr; }
    ArticleScreen ClaimsPanel { width: 1fr; height: 1fr; border-left: tall $panel; border-top: hkey $panel; }
    ArticleScreen.-narrow #body { layout: vertical; }
    ArticleScreen.-narrow #article { width: 1fr; }
    ArticleScreen.-narrow ClaimsPanel {
        width: 1fr; height: auto; max-height: 30%; min-height: 3; border-left: none; border-top: hkey $panel;
    }
    ArticleScreen Legend { height: 1; padding: 0 1; }
    ArticleScreen ClaimsPanel { border-title-color: $text-muted; }
    """

    LOCK_PATIENCE_S = 10.0
    """How long an edit keeps waiting for a database that another process is writing."""
    RETRY_S = 0.25
    """Pause between two attempts of a waiting edit (the screen answers meanwhile)."""
    POLL_S = 1.0
    """How often the screen looks for changes made by other processes."""

    def __init__(self, doc_id: int, *, layer: str | None = None, select: tuple[int, int] | None = None):
        """``layer``: the layer to edit when it is not the annotator's own (``gold``,
        from the adjudication screen; never seeded from the suggestions). ``select``:
        the offsets of a claim to select on opening (from the sources screen: the
        claim of the layer shown at those offsets, else the caret at its start)."""
        super().__init__()
        self.doc_id = doc_id
        self.edited_layer = layer
        self.select_on_open = select
        self._waiting: tuple[Edit, float] | None = None
        self._data_version = 0
        self._search = ""
        self._away = False
        """Another article screen (a linked claim's) is open over this one."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ArticleView(id="article")
            yield ClaimsPanel()
        yield Legend()
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        try:
            self.session = AnnotationSession(self.glose.db, self.glose.annotator, self.doc_id, layer=self.edited_layer,
                                             read_only=self.glose.read_only, advance=self.glose.advance)
            position = documents.reading_position(self.glose.db, self.doc_id, self.glose.annotator)
        except (GloseError, sqlite3.Error) as exc:
            self.app.notify(f"Cannot open document {self.doc_id}: {reason(exc)}", severity="error")
            self.app.pop_screen()
            return
        title = one_line(self.session.title)
        self.title = title if len(title) <= 48 else title[:47] + "…"
        model = self.session.model
        view = self._view = self.query_one(ArticleView)
        view.tags = self.glose.tags
        view.set_document(model.text, model.highlights())
        panel = self.query_one(ClaimsPanel)
        panel.set_claims(model.claim_rows())
        panel.border_title = "claims · ? pending ✓ accepted ✗ rejected · D direct I indirect M mixed"
        status = self.query_one(StatusLine)
        status.annotator = self.glose.annotator + (f" in {self.edited_layer}" if self.edited_layer else "")
        view.focus()
        if self.select_on_open is None:
            view.move_caret(position)  # where the annotator left it
        else:
            start, end = self.select_on_open
            view.move_caret(start)
            claim = next((c["id"] for c in model.claims if (c["start"], c["end"]) == (start, end)), None)
            if claim is None:
                claim = next((c["id"] for c in model.claims if half_overlap((c["start"], c["end"]), (start, end))), None)
            if claim is not None:
                self._select(claim, on_purpose=True)
        self._data_version = self._read_data_version()
        self.set_interval(self.POLL_S, self._poll)
        self._refresh_status()
        # The article's rows are here for the screen's life: keep the garbage collector
        # from walking them again and again (on a 100k-word article each full pass
        # cost more than a key press). Unfrozen when the screen goes.
        gc.freeze()

    # --- Showing -------------------------------------------------------------

    @property
    def glose(self) -> GloseApp:
        """The app, typed: its database, annotator and why it may be read-only."""
        return cast("GloseApp", self.app)

    @property
    def view(self) -> ArticleView:
        return self._view

    @property
    def model(self):
        return self.session.model

    @property
    def current(self) -> int | None:
        return self.session.current

    @property
    def claim(self) -> int | None:
        return self.session.claim

    def _select(self, span_id: int | None, *, move_caret: bool = True, on_purpose: bool = False) -> None:
        """Select a span and show it: reversed in the text with what belongs to it, the
        caret on it. ``on_purpose``: chosen by the annotator (n, p, a click, the claims
        list), so a claim becomes the one cues and sources attach to."""
        session = self.session
        session.select(span_id, on_purpose=on_purpose)
        span = session.span(span_id)
        if session.claim is not None:
            self.query_one(ClaimsPanel).select(session.claim)
        self.view.select(span_id, self.model.related(span_id) if span_id is not None else ())
        if span is not None and move_caret:
            self.view.move_caret(span["start"])
        self._refresh_status()

    def _refresh_status(self) -> None:
        """The status line: counts, then what the next key acts on."""
        status = self.query_one(StatusLine)
        status.pending_claims, status.pending_entities = self.session.pending_counts()
        if self._read_only_reason:
            status.save_state, status.save_note = "read-only", self._read_only_reason
        status.claim = self.session.claim_text()
        status.detail = self.session.status_detail()

    def _redraw(self, changes: Changes, *, move_caret: bool = False) -> None:
        """Redraw what a refresh of the model changed (the database is up to date);
        ``move_caret``: the edit selected something else, show it."""
        self.view.update_highlights(changes.highlights, changes.removed)
        panel = self.query_one(ClaimsPanel)
        if changes.claim_order and [row.id for row in panel.claims] != [c["id"] for c in self.model.claims]:
            panel.set_claims(self.model.claim_rows())
        elif changes.claims:
            panel.update_claims(self.model.claim_rows(changes.claims))
        self._select(self.current, move_caret=move_caret)

    def _show(self, outcome: Outcome) -> None:
        """Run an action's outcome: an edit, one to confirm first, or a refusal to say."""
        if isinstance(outcome, Refusal):
            self.app.bell()
            if outcome.message:
                self.notify(outcome.message, severity="warning")
        elif isinstance(outcome, Confirm):
            edit = outcome.edit
            self.app.push_screen(ChoiceModal(outcome.question, [("n", "no", False), ("y", "yes", True)]),
                                 lambda yes: self._run(edit) if yes else None)
        elif isinstance(outcome, Edit):
            self._run(outcome)

    # --- Writing: one edit at a time, waiting for a busy database ---------------

    @property
    def _read_only_reason(self) -> str:
        """Why nothing can be written from this screen (empty: it can)."""
        return self.session.read_only or self.glose.read_only

    def _run(self, edit: Edit) -> None:
        """Run an edit, then redraw and say what it did.

        While another process holds the write lock the edit is retried on a timer
        (the screen keeps answering and says "saving…") for up to
        ``LOCK_PATIENCE_S``; any failure leaves the database as it was and says
        "not saved" with the reason. One edit waits at a time.
        """
        if self._read_only_reason:
            self._show(Refusal(f"Read-only: {self._read_only_reason}"))
            self._refresh_status()
            return
        if self._waiting is not None:
            self._show(Refusal("Still saving the previous change: the database is busy"))
            return
        self._waiting = (edit, time.monotonic() + self.LOCK_PATIENCE_S)
        self._attempt()

    def _attempt(self) -> None:
        if self._waiting is None:
            return
        edit, deadline = self._waiting
        try:
            result = edit.run()
        except (GloseError, sqlite3.Error) as exc:
            if is_busy(exc) and time.monotonic() < deadline:
                self._set_saved("saving", "waiting for the database (another process is writing)")
                self.set_timer(self.RETRY_S, self._attempt)
                return
            self._waiting = None
            self._not_saved(exc)
            return
        except BaseException:
            self._waiting = None
            raise
        self._waiting = None
        if edit.uses_selection:
            self.view.action_clear_selection()
        self._set_saved("saved")
        try:
            changes = self.session.refresh()
        except sqlite3.Error as exc:  # saved, but reading it back failed
            self.notify(f"Saved, but the screen could not read it back: {reason(exc)}", severity="error")
            return
        message = edit.then(result, changes)
        # The caret goes to the item edited (or selected after it), so that n, e and p
        # go on from there.
        self._redraw(changes, move_caret=True)
        if message:
            self.notify(message, timeout=2)

    def _not_saved(self, exc: BaseException) -> None:
        """Say why a change was not saved, and show the database as it is."""
        self._set_saved("not saved", reason(exc))
        self.notify(f"Not saved: {reason(exc)}", severity="error", timeout=4)
        self._reread()

    def _set_saved(self, state: str, note: str = "") -> None:
        status = self.query_one(StatusLine)
        status.save_state, status.save_note = state, note

    def _read_data_version(self) -> int:
        return data_version(self.glose.db)

    def _poll(self) -> None:
        """Show what other processes (another window, another annotator's undo) changed:
        ``data_version`` moves only when another connection commits."""
        try:
            version = self._read_data_version()
        except sqlite3.Error:
            return
        if version != self._data_version:
            self._data_version = version
            self._reread()

    def _reread(self) -> None:
        try:
            self._redraw(self.session.refresh())
        except sqlite3.Error as exc:
            self._set_saved("not saved", f"cannot read the database: {reason(exc)}")

    # --- Messages from widgets -----------------------------------------------

    def on_article_view_caret_moved(self, event: ArticleView.CaretMoved) -> None:
        span_id = self.session.at_caret(event.offset)
        if span_id is not None:
            self._select(span_id, move_caret=False)

    def on_article_view_highlight_clicked(self, event: ArticleView.HighlightClicked) -> None:
        self._select(event.highlight_id, move_caret=False, on_purpose=True)

    def on_claims_panel_highlighted(self, event: ClaimsPanel.Highlighted) -> None:
        if event.claim_id != self.current and self.query_one(ClaimsPanel).has_focus:
            self._select(event.claim_id, on_purpose=True)

    def on_claims_panel_selected(self, event: ClaimsPanel.Selected) -> None:
        self._select(event.claim_id, on_purpose=True)
        self.view.focus()

    # --- Navigation ----------------------------------------------------------

    def action_back(self) -> None:
        """Back to the documents (where this one was left is remembered)."""
        if self._waiting is not None:  # leaving would drop the change that waits
            self._show(Refusal("A change is still waiting for the database; wait for 'saved' or 'not saved'"))
            return
        self._save_position()
        self.app.pop_screen()

    def action_escape(self) -> None:
        """Escape only ever clears: the text selection (the article takes it first), else
        the claims list gives the keys back to the text, else the selected item is let go
        (the claim that cues and sources attach to stays). It never leaves the article."""
        if self.query_one(ClaimsPanel).has_focus:
            self.view.focus()
        elif self.current is not None:
            self._select(None)

    def on_screen_resume(self) -> None:
        """Back from a linked claim's document: show what was changed there (in this
        process: the poll sees only other processes' changes)."""
        if self._away:
            self._away = False
            self._reread()

    def on_unmount(self) -> None:
        self._save_position()
        gc.unfreeze()

    def _save_position(self) -> None:
        editor = getattr(getattr(self, "session", None), "editor", None)
        if editor is None or not hasattr(self, "_view") or self._read_only_reason:
            return
        try:
            documents.save_reading_position(self.glose.db, self.doc_id, editor.annotator_id, self.view.caret)
        except sqlite3.Error:
            pass  # where the caret was is no annotation: never worth an error on the way out

    def action_toggle_tags(self) -> None:
        """Label tags under the text (PER✓, CLAIM?), for telling labels apart without colour."""
        self.glose.tags = self.view.tags = not self.view.tags

    def action_toggle_panel(self) -> None:
        panel = self.query_one(ClaimsPanel)
        (self.view if panel.has_focus else panel).focus()

    def action_next(self, kind: str, direction: int = 1) -> None:
        found = self.session.next_item(kind, direction, self.view.caret)
        if isinstance(found, Refusal):
            self._show(found)
        else:
            self._select(found, on_purpose=True)

    def action_search(self) -> None:
        """Type words to find in the article (case and accents do not matter); the match
        is selected text: 5 makes it a claim, S a source, c a cue."""
        self.app.push_screen(PromptModal("Search the article (] next, [ previous)", value=self._search),
                             lambda query: None if not query else self._find(query, self.view.caret, 1))

    def action_search_again(self, direction: int) -> None:
        if not self._search:
            self._show(Refusal("Search first: /"))
            return
        selection = self.view.selection
        start = selection[0] if selection else self.view.caret
        self._find(self._search, start + 1 if direction > 0 else start, direction)

    def _find(self, query: str, offset: int, direction: int) -> None:
        self._search = query
        found = self.model.find(query, offset, direction)
        if found is None:
            self._show(Refusal(f"Not in this article: {query}"))
            return
        start, end = found
        self.view.move_caret(start)
        self.view.move_caret(end, extend=True)

    def action_clause_edge(self, direction: int) -> None:
        """With text selected, its end moves to the clause mark (the selection grows or
        shrinks); else the selected span's end does (an edit)."""
        selection = self.view.selection
        if selection is None:
            self._show(self.session.clause_edge(direction))
            return
        start, end = selection
        target = (self.model.clause_mark_before(end, start) if direction < 0
                  else self.model.clause_mark_after(end))
        if target is None:
            self._show(Refusal("No clause mark there"))
            return
        self.view.move_caret(start)
        self.view.move_caret(target, extend=True)

    def action_edge_at(self, which: str) -> None:
        self._show(self.session.edge_at(which, self.view.caret))

    def action_accept_paragraph(self) -> None:
        self._show(self.session.accept_pending_entities(self.model.paragraph_bounds(self.view.caret)))

    def action_accept_document(self) -> None:
        outcome = self.session.accept_pending_entities()
        if isinstance(outcome, Edit):
            count = sum(1 for s in self.model.pending if s["label"] in MENTION_LABELS)
            outcome = Confirm(f"Accept all {count} pending entities and source mentions of the document?", outcome)
        self._show(outcome)

    # --- Actions: the session decides, the screen runs and shows ------------------

    def action_do(self, rule: str, args: tuple = ()) -> None:
        """Apply one of the session's rules (``AnnotationSession.<rule>(*args)``) and show it.
        (Textual passes an action as many parameters as the method names: hence a tuple.)"""
        self._show(getattr(self.session, rule)(*args))

    def action_label(self, label: str) -> None:
        self._show(self.session.label(label, self.view.selection))

    def action_selection_to(self, label: str) -> None:
        self._show(self.session.selection_to(label, self.view.selection))

    # --- Actions that ask first ---------------------------------------------------

    def action_link_source(self) -> None:
        """Hint letters on the candidate mentions on screen; ``/`` to pick by name."""
        candidates = self.session.source_candidates(self.view.visible_range())
        if isinstance(candidates, Refusal):
            self._show(candidates)
            return
        if not candidates:  # nothing on screen to hint: pick by name
            self._picked_source("search")
            return
        labels = hint_labels(len(candidates))
        self.view.set_hints({span["id"]: hint for span, hint in zip(candidates, labels, strict=True)})
        hints = {hint: span["id"] for span, hint in zip(candidates, labels, strict=True)}
        prompt = "source of the claim: type the letters on a mention · / type a name · escape cancels"
        self.app.push_screen(HintModeScreen(hints, prompt), self._picked_source)

    def _picked_source(self, picked) -> None:
        self.view.clear_hints()
        if picked == "search":
            candidates = self.session.source_candidates()
            if isinstance(candidates, Refusal):
                self._show(candidates)
                return
            options = [(self.session.mention_label(s), s["id"]) for s in candidates]
            self.app.push_screen(PromptModal("Source: type part of a name", options=options, free_text=False),
                                 self._picked_source)
        elif picked is not None:
            self._show(self.session.link_source(picked))

    def action_remove_source(self) -> None:
        choices = self.session.remove_choices()
        if isinstance(choices, Refusal):
            self._show(choices)
            return
        self.app.push_screen(ChoiceModal("Remove which source link?",
                                         [(c.key, c.label, c.relation_id) for c in choices]),
                             lambda relation_id: None if relation_id is None
                             else self._show(self.session.unlink(relation_id)))

    def action_canonical(self) -> None:
        try:
            prompt = self.session.canonical_prompt()
        except sqlite3.Error as exc:
            self._not_saved(exc)
            return
        if isinstance(prompt, Refusal):
            self._show(prompt)
            return
        value, names = prompt
        self.app.push_screen(PromptModal("Canonical source (empty to untie)", value=value,
                                         options=[(name, name) for name in names]),
                             lambda name: None if name is None else self._show(self.session.tie(name)))

    def action_claim_type(self) -> None:
        choices = self.session.claim_type_choices()
        if isinstance(choices, Refusal):
            self._show(choices)
            return
        self.app.push_screen(ChoiceModal("Claim type", choices),
                             lambda value: None if value is None else self._show(self.session.set_claim_type(value)))

    def action_note(self) -> None:
        note = self.session.note()
        if isinstance(note, Refusal):
            self._show(note)
            return
        self.app.push_screen(PromptModal("Note (empty to clear)", value=note),
                             lambda text: None if text is None else self._show(self.session.set_note(text)))

    def action_evidence(self) -> None:
        evidence = self.session.evidence()
        if isinstance(evidence, Refusal):
            self._show(evidence)
            return
        self.app.push_screen(
            PromptModal("Evidence: a URL, or doc:ID (empty to clear)", value=evidence, placeholder="https://…",
                        validate=self.session.check_evidence),
            lambda url: None if url is None else self._show(self.session.set_evidence(url)))

    def action_same_claim(self) -> None:
        """Candidates for "the same claim as…" from other documents, and the claim's links."""
        try:
            choices = self.session.same_claim_choices()
        except sqlite3.Error as exc:
            self._show(Refusal(f"Cannot read the database: {reason(exc)}"))
            return
        if isinstance(choices, Refusal):
            self._show(choices)
            return
        self.app.push_screen(ChoiceModal("Same claim as… (digit: link it · letter: take the link back)", choices),
                             self._chose_same_claim)

    def _chose_same_claim(self, choice) -> None:
        if choice is None:
            return
        kind, value = choice
        self._show(self.session.link_same_claim(value) if kind == "link" else self.session.unlink_same_claim(value))

    def action_open_linked(self) -> None:
        """Open the document of a claim linked to this one, on that claim."""
        places = self.session.linked_places()
        if isinstance(places, Refusal):
            self._show(places)
            return
        if len(places) == 1:
            self._open_place(places[0])
            return
        self.app.push_screen(ChoiceModal("Open which linked claim?", [
            (str(i + 1), f"{one_line(link['title'])[:40]} · {cut(link['snippet'], 40)}", link)
            for i, link in enumerate(places[:9])]), lambda link: None if link is None else self._open_place(link))

    def _open_place(self, link: ClaimLink) -> None:
        if self._waiting is not None:
            self._show(Refusal("A change is still waiting for the database; wait for 'saved' or 'not saved'"))
            return
        self._save_position()
        self._away = True
        self.app.push_screen(ArticleScreen(link["other_doc_id"], layer=self.edited_layer,
                                            select=(link["other_start"], link["other_end"])))
