"""The annotator: one article, its entities and claim frames, every action by key.

Each action is one ``db.edits.Editor`` call (one transaction, logged) and is
committed before the screen redraws and says "saved". The screen keeps no
annotation state of its own beyond what ``DocumentModel`` reads; after a change
it redraws only the highlights the change touched.

Other processes write to the same file (other annotators, the same annotator
in another window, imports): every edit goes through ``_edit``, which waits
for a busy database without freezing the screen, and turns any database error
or refusal into "not saved: why" on the status line, leaving the screen as
the database is. A timer re-reads what others changed.
"""
from __future__ import annotations

import sqlite3
import time
from bisect import bisect_right
from typing import Any, Callable
from urllib.parse import urlparse

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from glose.tui.document_model import MENTION_LABELS, DocumentModel, hint_labels
from glose.tui.hint_mode import HintModeScreen
from glose.tui.modals import ChoiceModal, PromptModal
from glose.db import annotations, documents, layers
from glose.db.edits import Editor
from glose.db.errors import EditRefused, GloseError, describe, is_busy
from glose.widgets._plain import one_line
from glose.widgets.article_view import ArticleView
from glose.widgets.claims_panel import ClaimsPanel
from glose.widgets.legend import Legend
from glose.widgets.status_line import StatusLine

LABEL_KEYS = {"1": "PER", "2": "ORG", "3": "LOC", "4": "MISC", "5": "CLAIM", "6": "CUE", "7": "SOURCE"}
QUOTE_TYPES = ("direct", "indirect", "mixed")
CLAIM_TYPES = ("statistic", "accusation", "prediction", "opinion", "event", "other")


def _start(span: dict) -> int:
    return span["start"]


def _key(binding_key: str, action: str, description: str, *, show: bool = False, id: str | None = None) -> Binding:
    return Binding(binding_key, action, description, show=show, id=id or action.split("(")[0])


class ArticleScreen(Screen):
    """Read and annotate one article in the annotator's own layer."""

    # Side by side only when the claims list can be wide enough to read (>= 58 cells).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (140, "-wide")]
    BINDINGS = [
        _key("escape,backspace", "back", "Documents"),
        _key("n", "next('claim')", "Next claim", show=True, id="next_claim"),
        _key("N", "next('claim', -1)", "Prev claim", id="previous_claim"),
        _key("e", "next('entity')", "Next entity or source mention", id="next_entity"),
        _key("E", "next('entity', -1)", "Prev entity or source mention", id="previous_entity"),
        _key("p", "next('pending')", "Next pending", id="next_pending"),
        _key("P", "next('pending', -1)", "Prev pending", id="previous_pending"),
        _key("tab", "toggle_panel", "Claims list ⇄ text", id="toggle_panel"),
        _key("a", "set_state('accepted', True)", "Accept", show=True, id="accept"),
        _key("A", "set_state('accepted', False)", "Accept this part only", id="accept_part"),
        _key("x", "set_state('rejected', True)", "Reject", show=True, id="reject"),
        _key("X", "set_state('rejected', False)", "Reject this part only", id="reject_part"),
        _key("s", "link_source", "Link source", show=True),
        _key("S", "selection_to('SOURCE')", "Selection → source mention", id="selection_to_source"),
        _key("r", "remove_source", "Remove a source link"),
        _key("c", "selection_to('CUE')", "Selection → cue", id="selection_to_cue"),
        _key("C", "clear_cue", "Clear cue"),
        _key("g", "canonical", "Canonical source"),
        *(_key(k, f"label('{label}')", f"Label {label} (selection: new span)", id=f"label_{label.lower()}")
          for k, label in LABEL_KEYS.items()),
        _key("h", "edge('start', -1)", "Grow start by a word", id="grow_start"),
        _key("H", "edge('start', 1)", "Shrink start by a word", id="shrink_start"),
        _key("l", "edge('end', 1)", "Grow end by a word", id="grow_end"),
        _key("L", "edge('end', -1)", "Shrink end by a word", id="shrink_end"),
        _key("t", "quote_type", "Quote type"),
        _key("y", "claim_type", "Claim type"),
        _key("exclamation_mark", "checkworthy", "Check-worthy on/off"),
        _key("m", "note", "Note"),
        _key("w", "evidence", "Evidence URL"),
        _key("delete", "delete_span", "Delete span"),
        _key("u", "undo", "Undo"),
        _key("ctrl+r", "redo", "Redo"),
        _key("d", "toggle_done", "Document done", id="done"),
    ]
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

    def __init__(self, doc_id: int):
        super().__init__()
        self.doc_id = doc_id
        self.current: int | None = None  # the span the next action applies to
        self.claim: int | None = None  # the claim sources and cues attach to
        self.editor: Editor | None = None  # None: read-only (self.read_only says why)
        self.read_only = ""
        self._waiting: tuple[Callable[[], Any], Callable[[Any], None] | None, float] | None = None
        self._data_version = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield ArticleView(id="article")
            yield ClaimsPanel()
        yield Legend()
        yield StatusLine()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        db = self.app.db
        try:
            doc = documents.get_document(db, self.doc_id)
            if doc is not None:
                layer_id = self._open_layer()
        except (GloseError, sqlite3.Error) as exc:
            self.app.notify(f"Cannot open document {self.doc_id}: {_reason(exc)}", severity="error")
            self.app.pop_screen()
            return
        if doc is None:
            self.app.notify(f"No document {self.doc_id}", severity="error")
            self.app.pop_screen()
            return
        title = one_line(doc["title"])
        self.title = title if len(title) <= 48 else title[:47] + "…"
        self.model = DocumentModel(db, self.doc_id, layer_id, doc["text"])
        view = self.query_one(ArticleView)
        view.set_document(doc["text"], self.model.highlights())
        panel = self.query_one(ClaimsPanel)
        panel.set_claims(self.model.claim_rows())
        panel.border_title = "claims · ? pending ✓ accepted ✗ rejected · D direct I indirect M mixed"
        status = self.query_one(StatusLine)
        status.annotator = self.app.annotator
        status.document = f"document {self.doc_id}"
        view.focus()
        self._data_version = self._read_data_version()
        self.set_interval(self.POLL_S, self._poll)
        self._refresh_status()

    def _open_layer(self) -> int:
        """The layer to show: the annotator's own (created and seeded from the
        suggestions on first opening), or, read-only, what exists to read."""
        db, annotator = self.app.db, self.app.annotator
        self.read_only = self.app.read_only
        if not self.read_only:
            try:
                self.editor = Editor(db, annotator, self.doc_id)
                self.editor.seed()  # first opening: start from the suggestions
                return self.editor.layer_id
            except (GloseError, sqlite3.Error) as exc:  # busy past the timeout, disk full...
                self.editor = None
                self.read_only = f"your layer could not be prepared ({_reason(exc)}); reopen to retry"
        own = layers.find_layer(db, annotator)
        if own is not None and annotations.has_annotations(db, self.doc_id, own):
            return own
        return layers.find_layer(db, layers.SUGGESTIONS) or own or 0

    # --- Showing -------------------------------------------------------------

    @property
    def view(self) -> ArticleView:
        return self.query_one(ArticleView)

    def _select(self, span_id: int | None, *, move_caret: bool = True) -> None:
        self.current = span_id
        span = self.model.spans.get(span_id) if span_id is not None else None
        if span is not None and span["label"] == "CLAIM":
            self.claim = span_id
            self.query_one(ClaimsPanel).select(span_id)
        elif span is not None and len(claims := self.model.claims_of(span_id)) == 1:
            self.claim = claims[0]
        self.view.select(span_id, self.model.related(span_id) if span_id is not None else ())
        if span is not None and move_caret:
            self.view.move_caret(span["start"])
        self._refresh_status()

    def _refresh_status(self) -> None:
        """The status line: counts, then what the next key acts on."""
        status = self.query_one(StatusLine)
        status.pending = len(self.model.pending)
        if self._read_only_reason:
            status.save_state, status.save_note = "read-only", self._read_only_reason
        span = self.model.spans.get(self.current) if self.current is not None else None
        detail = []
        if span is not None:
            attrs = span["attrs"]
            detail = [f"{span['label']} {span['state']}"]
            detail += [attrs[k] for k in ("quote_type", "claim_type") if attrs.get(k)]
            detail += ["check-worthy"] if attrs.get("checkworthy") else []
            detail += [f"= {span['canonical']}"] if span.get("canonical") else []
            detail += ["note"] if attrs.get("note") else []
            detail += ["evidence"] if attrs.get("evidence") else []
        if self.claim is not None and self.claim != self.current and self.claim in self.model.spans:
            detail.append(f"claim: {self.model.span_text(self.model.spans[self.claim])[:30]}")
        status.detail = " ".join(detail)

    def _changed(self, message: str | None = None):
        """Redraw after a committed change (the database is already up to date);
        return what changed. A message means this screen's own change: saved."""
        changes = self.model.refresh()
        self.view.update_highlights(changes.highlights, changes.removed)
        panel = self.query_one(ClaimsPanel)
        if changes.claim_order and [row.id for row in panel.claims] != [c["id"] for c in self.model.claims]:
            panel.set_claims(self.model.claim_rows())
        elif changes.claims:
            panel.update_claims(self.model.claim_rows(changes.claims))
        if self.current not in self.model.spans:
            self.current = None
        if self.claim not in self.model.spans:
            self.claim = None
        self._select(self.current, move_caret=False)
        if message:
            self._set_saved("saved")
            self.notify(message, timeout=2)
        return changes

    # --- Writing: one edit at a time, waiting for a busy database ---------------

    def _edit(self, change: Callable[[], Any], done: Callable[[Any], None] | None = None) -> None:
        """Run ``change`` (one Editor call, one transaction), then ``done(result)``.

        While another process holds the write lock the edit is retried on a timer
        (the screen keeps answering and says "saving…") for up to
        ``LOCK_PATIENCE_S``; any failure leaves the database as it was and says
        "not saved" with the reason. One edit waits at a time.
        """
        if self.editor is None or self._read_only_reason:
            self.app.bell()
            self.notify(f"Read-only: {self._read_only_reason}", severity="warning")
            self._refresh_status()
            return
        if self._waiting is not None:
            self.app.bell()
            self.notify("Still saving the previous change: the database is busy", severity="warning")
            return
        self._waiting = (change, done, time.monotonic() + self.LOCK_PATIENCE_S)
        self._attempt()

    def _attempt(self) -> None:
        if self._waiting is None:
            return
        change, done, deadline = self._waiting
        try:
            result = change()
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
        try:
            if done is not None:
                done(result)
            else:
                self._changed()
                self._set_saved("saved")
        except sqlite3.Error as exc:  # saved, but reading it back failed
            self._set_saved("saved")
            self.notify(f"Saved, but the screen could not read it back: {describe(exc)}", severity="error")

    def _not_saved(self, exc: BaseException) -> None:
        """Say why a change was not saved, and show the database as it is."""
        reason = _reason(exc)
        self._set_saved("not saved", reason)
        self.notify(f"Not saved: {reason}", severity="error", timeout=4)
        self._reread()

    def _set_saved(self, state: str, note: str = "") -> None:
        status = self.query_one(StatusLine)
        status.save_state, status.save_note = state, note

    @property
    def _read_only_reason(self) -> str:
        """Why nothing can be written from this screen (empty: it can)."""
        return self.read_only or self.app.read_only

    def _read_data_version(self) -> int:
        return self.app.db.execute("PRAGMA data_version").fetchone()[0]

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
            self._changed()
        except sqlite3.Error as exc:
            self._set_saved("not saved", f"cannot read the database: {describe(exc)}")

    def _need(self, span_id: int | None, what: str = "an annotation") -> dict | None:
        span = self.model.spans.get(span_id) if span_id is not None else None
        if span is None:
            self.notify(f"Select {what} first (n, e, p or move the caret onto it)", severity="warning")
        return span

    def _selection(self) -> tuple[int, int] | None:
        selection = self.view.selection
        if selection is None:
            self.notify("Select text first: shift+arrows extend from the caret", severity="warning")
            return None
        start, end = selection
        text = self.model.text
        while start < end and text[start].isspace():  # a span never starts or ends on a space
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else None

    # --- Messages from widgets -----------------------------------------------

    def on_article_view_caret_moved(self, event: ArticleView.CaretMoved) -> None:
        """The caret picks the innermost span under it, except at the start of the
        selected span (so ``n`` then ``a`` accepts the claim, not an entity it starts
        with); moving on inside a span reaches what is nested in it."""
        current = self.model.spans.get(self.current) if self.current is not None else None
        if current is not None and current["start"] == event.offset:
            return
        span = self.model.innermost_at(event.offset)
        if span is not None and span["id"] != self.current:
            self._select(span["id"], move_caret=False)

    def on_article_view_highlight_clicked(self, event: ArticleView.HighlightClicked) -> None:
        self._select(event.highlight_id, move_caret=False)

    def on_claims_panel_highlighted(self, event: ClaimsPanel.Highlighted) -> None:
        if event.claim_id != self.current:
            self._select(event.claim_id)

    def on_claims_panel_selected(self, event: ClaimsPanel.Selected) -> None:
        self._select(event.claim_id)
        self.view.focus()

    # --- Navigation ----------------------------------------------------------

    def action_back(self) -> None:
        """From the claims list, back to the text; from the text, back to the documents."""
        if self.query_one(ClaimsPanel).has_focus:
            self.view.focus()
        elif self._waiting is not None:  # leaving would drop the change that waits
            self.app.bell()
            self.notify("A change is still waiting for the database; wait for 'saved' or 'not saved'",
                        severity="warning")
        else:
            self.app.pop_screen()

    def action_toggle_panel(self) -> None:
        panel = self.query_one(ClaimsPanel)
        (self.view if panel.has_focus else panel).focus()

    def action_next(self, kind: str, direction: int = 1) -> None:
        items = {"claim": self.model.claims, "entity": self.model.entities, "pending": self.model.pending}[kind]
        if not items:
            self.notify(f"No {kind} in this document", severity="warning")
            return
        here = self.view.caret
        if direction > 0:
            index = bisect_right(items, here, key=_start)
        else:
            index = bisect_right(items, here - 1, key=_start) - 1
        self._select(items[index % len(items)]["id"])

    # --- Review --------------------------------------------------------------

    def action_set_state(self, state: str, whole_frame: bool) -> None:
        span = self._need(self.current)
        if span is None:
            return
        spans, relations = [span["id"]], []
        frame = self.model.frame(span["id"]) if whole_frame else None
        if frame is not None:
            relations = [r["id"] for r in frame.source_relations]
            relations += [frame.cue_relation["id"]] if frame.cue_relation else []
            if frame.cue:
                spans.append(frame.cue["id"])
            if state == "accepted":  # accepting a frame accepts who said it too
                spans += [s["id"] for s in frame.sources]
        elif state == "rejected":  # a rejected mention can no longer be anyone's source
            relations = [r["id"] for r in self.model.relations_to(span["id"])]
        verb = "accept" if state == "accepted" else "reject"

        def done(changed: int) -> None:
            if changed:
                self._changed(f"{verb}ed {'frame' if frame else span['label']}")
            else:
                self._set_saved("saved")
                self.notify(f"Already {state}", timeout=2)

        self._edit(lambda: self.editor.set_states(state, spans, relations,
                                                  action=f"{verb}_{'frame' if frame else 'span'}"), done)

    def action_label(self, label: str) -> None:
        selection = self.view.selection
        if selection is not None:
            bounds = self._selection()
            if bounds is None:
                return
            def made(span_id: int) -> None:
                self.view.action_clear_selection()
                self.current = span_id
                self._changed(f"new {label}")

            self._edit(lambda: self.editor.add_span(*bounds, label), made)
            return
        span = self._need(self.current)
        if span is not None and span["label"] != label:
            self._edit(lambda: self.editor.relabel(span["id"], label), lambda _: self._changed(f"now {label}"))

    def action_edge(self, which: str, direction: int) -> None:
        span = self._need(self.current)
        if span is None:
            return
        model = self.model
        if which == "start":
            value = model.grow_start(span) if direction < 0 else model.shrink_start(span)
        else:
            value = model.grow_end(span) if direction > 0 else model.shrink_end(span)
        if value is None or value == span[which]:
            self.app.bell()
            return
        self._edit(lambda: self.editor.update_span(span["id"], action=f"{which}_edge", **{which: value}))

    def action_delete_span(self) -> None:
        span = self._need(self.current)
        if span is not None:
            self._edit(lambda: self.editor.delete_span(span["id"]), lambda _: self._changed(f"deleted {span['label']}"))

    # --- Frames: sources and cues ----------------------------------------------

    def _claim(self) -> dict | None:
        return self._need(self.claim, "a claim")

    def action_link_source(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        mentions = self.model.source_candidates(claim["id"])
        if not mentions:
            self.notify("No mention to link: select its text and press S", severity="warning")
            return
        start, end = self.view.visible_range()
        candidates = [m for m in mentions if m["start"] < end and m["end"] > start]
        if not candidates:  # nothing on screen to hint: pick by name
            self._picked_source("search")
            return
        labels = hint_labels(len(candidates))
        self.view.set_hints({span["id"]: hint for span, hint in zip(candidates, labels)})
        hints = {hint: span["id"] for span, hint in zip(candidates, labels)}
        prompt = "source of the claim: type the letters on a mention · / type a name · escape cancels"
        self.app.push_screen(HintModeScreen(hints, prompt), self._picked_source)

    def _picked_source(self, picked) -> None:
        self.view.clear_hints()
        if picked == "search":
            claim = self.model.spans[self.claim]
            options = [(self._mention_label(s), s["id"]) for s in self.model.source_candidates(claim["id"])]
            self.app.push_screen(PromptModal("Source: type part of a name", options=options, free_text=False),
                                 self._picked_source)
        elif picked is not None and self.claim is not None:
            if picked not in self.model.spans:  # deleted in another window meanwhile
                self._not_saved(EditRefused("that mention no longer exists; nothing was changed"))
                return
            claim, name = self.claim, self.model.source_name(self.model.spans[picked])
            self._edit(lambda: self.editor.link(claim, picked, "SAID_BY"), lambda _: self._changed(f"source: {name}"))

    def _mention_label(self, span: dict) -> str:
        """A mention as the name picker lists it: its text, who it is, where."""
        text, name = self.model.span_text(span), self.model.source_name(span)
        who = text if name == text else f"{text} (= {name})"
        return f"{who} · {span['label']} · paragraph {self.model.paragraph_of(span['start'])}"

    def action_selection_to(self, label: str) -> None:
        """The selected text becomes the claim's cue (CUE) or a source mention (SOURCE)."""
        claim, bounds = self._claim(), self._selection()
        if claim is None or bounds is None:
            return
        def made(_) -> None:
            self.view.action_clear_selection()
            self._changed("cue set" if label == "CUE" else "new source mention, linked")
            if claim["id"] in self.model.spans:
                self._select(claim["id"])  # back on the claim: the next `n` goes to the next one

        self._edit(lambda: self.editor.add_span(*bounds, label, link_to=claim["id"]), made)

    def action_remove_source(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        frame = self.model.frame(claim["id"])
        if frame is None or not frame.sources:
            self.notify("This claim has no source link", severity="warning")
            return
        choices = [(str(i + 1), self.model.source_name(s), rel["id"])
                   for i, (s, rel) in enumerate(zip(frame.sources, frame.source_relations))][:9]

        def remove(relation_id) -> None:
            if relation_id is not None:
                self._edit(lambda: self.editor.unlink(relation_id), lambda _: self._changed("source link removed"))

        self.app.push_screen(ChoiceModal("Remove which source link?", choices), remove)

    def action_clear_cue(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        frame = self.model.frame(claim["id"])
        if frame is None or frame.cue_relation is None:
            self.notify("This claim has no cue", severity="warning")
            return
        relation_id = frame.cue_relation["id"]
        self._edit(lambda: self.editor.unlink(relation_id), lambda _: self._changed("cue cleared"))

    def action_canonical(self) -> None:
        span = self._need(self.current, "a mention")
        if span is None:
            return
        if span["label"] not in MENTION_LABELS:
            self.notify("Canonical sources tie mentions (PER, ORG, LOC, MISC, SOURCE)", severity="warning")
            return
        try:
            names = [row[0] for row in self.app.db.execute("SELECT name FROM canonical_sources ORDER BY name")]
        except sqlite3.Error as exc:
            self._not_saved(exc)
            return
        value = span.get("canonical") or self.model.span_text(span)

        def tie(name) -> None:
            if name is not None:
                self._edit(lambda: self.editor.set_canonical(span["id"], name or None),
                           lambda _: self._changed(f"tied to {name}" if name else "untied"))

        self.app.push_screen(PromptModal("Canonical source (empty to untie)", value=value,
                                         options=[(n, n) for n in names]), tie)

    # --- Attributes ------------------------------------------------------------

    def _set_attr(self, span: dict, key: str, value, action: str) -> None:
        attrs = dict(span["attrs"])
        if value in (None, "", False):
            attrs.pop(key, None)
        else:
            attrs[key] = value
        self._edit(lambda: self.editor.update_span(span["id"], attrs=attrs, action=action),
                   lambda _: self._changed(f"{key}: {value if value not in (None, '') else '(none)'}"))

    def action_quote_type(self) -> None:
        claim = self._claim()
        if claim is not None:
            current = claim["attrs"].get("quote_type")
            following = QUOTE_TYPES[(QUOTE_TYPES.index(current) + 1) % 3] if current in QUOTE_TYPES else "direct"
            self._set_attr(claim, "quote_type", following, "quote_type")

    def action_claim_type(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        choices = [(str(i + 1), name, name) for i, name in enumerate(CLAIM_TYPES)] + [("0", "(none)", "")]
        self.app.push_screen(ChoiceModal("Claim type", choices),
                             lambda value: value is not None and self._set_attr(claim, "claim_type", value, "claim_type"))

    def action_checkworthy(self) -> None:
        claim = self._claim()
        if claim is not None:
            self._set_attr(claim, "checkworthy", not claim["attrs"].get("checkworthy"), "checkworthy")

    def action_note(self) -> None:
        span = self._need(self.current)
        if span is not None:
            self.app.push_screen(PromptModal("Note (empty to clear)", value=span["attrs"].get("note", "")),
                                 lambda note: note is not None and self._set_attr(span, "note", note, "note"))

    def action_evidence(self) -> None:
        claim = self._claim()
        if claim is None:
            return

        def check(url: str) -> str | None:
            parsed = urlparse(url)
            if not url or (parsed.scheme in ("http", "https") and parsed.netloc):
                return None
            try:
                if url.startswith("doc:") and url[4:].isdigit() and documents.get_document(self.app.db, int(url[4:])):
                    return None
            except sqlite3.Error as exc:
                return f"Cannot read the database: {describe(exc)}"
            return "Evidence is an http(s) URL, or doc:ID naming a document of this database"

        self.app.push_screen(
            PromptModal("Evidence: a URL, or doc:ID (empty to clear)", value=claim["attrs"].get("evidence", ""),
                        placeholder="https://…", validate=check),
            lambda url: url is not None and self._set_attr(claim, "evidence", url, "evidence"))

    # --- History and status ----------------------------------------------------

    def action_undo(self) -> None:
        self._edit(lambda: self.editor.undo(), lambda action: self._replayed(action, "undone", "Nothing to undo"))

    def action_redo(self) -> None:
        self._edit(lambda: self.editor.redo(), lambda action: self._replayed(action, "redone", "Nothing to redo"))

    def _replayed(self, action: str | None, done: str, nothing: str) -> None:
        """Show an undo or redo: the message, and the first span it touched, scrolled to."""
        if action is None:
            self._set_saved("saved")
            self.notify(nothing, severity="warning")
            return
        changes = self._changed(f"{done}: {action.replace('_', ' ')}")
        if changes.highlights:
            self._select(changes.highlights[0].id)

    def action_toggle_done(self) -> None:
        def toggle() -> str:
            status = "in_progress" if self.editor.status() == "done" else "done"
            self.editor.set_status(status)
            return status

        self._edit(toggle, lambda status: self._changed(
            "document done" if status == "done" else "document back in progress"))


def _reason(exc: BaseException) -> str:
    """A database error or refusal in words for the status line."""
    return describe(exc) if isinstance(exc, sqlite3.Error) else str(exc)
