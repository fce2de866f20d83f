"""The annotator: one article, its entities and claim frames, every action by key.

Each action is one ``db.edits.Editor`` call (one transaction, logged) and is
committed before the screen redraws and says "saved". The screen keeps no
annotation state of its own beyond what ``DocumentModel`` reads; after a change
it redraws only the highlights the change touched.
"""
from __future__ import annotations

from bisect import bisect_right
from urllib.parse import urlparse

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Footer, Header

from app.tui.document_model import MENTION_LABELS, DocumentModel, hint_labels
from app.tui.hint_mode import HintModeScreen
from app.tui.modals import ChoiceModal, PromptModal
from db import documents
from db.edits import Editor
from widgets.article_view import ArticleView
from widgets.claims_panel import ClaimsPanel
from widgets.legend import Legend
from widgets.status_line import StatusLine

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

    def __init__(self, doc_id: int):
        super().__init__()
        self.doc_id = doc_id
        self.current: int | None = None  # the span the next action applies to
        self.claim: int | None = None  # the claim sources and cues attach to

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
        doc = documents.get_document(db, self.doc_id)
        if doc is None:
            self.app.notify(f"No document {self.doc_id}", severity="error")
            self.app.pop_screen()
            return
        title = doc["title"]
        self.title = title if len(title) <= 48 else title[:47] + "…"
        self.editor = Editor(db, self.app.annotator, self.doc_id)
        self.editor.seed()  # first opening: start from the suggestions
        self.model = DocumentModel(db, self.doc_id, self.editor.layer_id, doc["text"])
        view = self.query_one(ArticleView)
        view.set_document(doc["text"], self.model.highlights())
        panel = self.query_one(ClaimsPanel)
        panel.set_claims(self.model.claim_rows())
        panel.border_title = "claims · ? pending ✓ accepted ✗ rejected · D direct I indirect M mixed"
        status = self.query_one(StatusLine)
        status.annotator = self.app.annotator
        status.document = f"document {self.doc_id}"
        view.focus()
        self._refresh_status()

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

    def _refresh_status(self, saved: bool = True) -> None:
        """The status line: counts, then what the next key acts on."""
        status = self.query_one(StatusLine)
        status.pending = len(self.model.pending)
        status.saved = saved
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
        return what changed."""
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
            self.notify(message, timeout=2)
        return changes

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
        if not self.editor.set_states(state, spans, relations, action=f"{verb}_{'frame' if frame else 'span'}"):
            self.notify(f"Already {state}", timeout=2)
            return
        self._changed(f"{verb}ed {'frame' if frame else span['label']}")

    def action_label(self, label: str) -> None:
        selection = self.view.selection
        if selection is not None:
            bounds = self._selection()
            if bounds is None:
                return
            span_id = self.editor.add_span(*bounds, label)
            self.view.action_clear_selection()
            self.current = span_id
            self._changed(f"new {label}")
            return
        span = self._need(self.current)
        if span is not None and span["label"] != label:
            self.editor.relabel(span["id"], label)
            self._changed(f"now {label}")

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
        self.editor.update_span(span["id"], action=f"{which}_edge", **{which: value})
        self._changed()

    def action_delete_span(self) -> None:
        span = self._need(self.current)
        if span is not None:
            self.editor.delete_span(span["id"])
            self._changed(f"deleted {span['label']}")

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
            self.editor.link(self.claim, picked, "SAID_BY")
            self._changed(f"source: {self.model.source_name(self.model.spans[picked])}")

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
        self.editor.add_span(*bounds, label, link_to=claim["id"])
        self.view.action_clear_selection()
        self._changed("cue set" if label == "CUE" else "new source mention, linked")
        self._select(claim["id"])  # back on the claim: the next `n` goes to the next one

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
                self.editor.unlink(relation_id)
                self._changed("source link removed")

        self.app.push_screen(ChoiceModal("Remove which source link?", choices), remove)

    def action_clear_cue(self) -> None:
        claim = self._claim()
        if claim is None:
            return
        frame = self.model.frame(claim["id"])
        if frame is None or frame.cue_relation is None:
            self.notify("This claim has no cue", severity="warning")
            return
        self.editor.unlink(frame.cue_relation["id"])
        self._changed("cue cleared")

    def action_canonical(self) -> None:
        span = self._need(self.current, "a mention")
        if span is None:
            return
        if span["label"] not in MENTION_LABELS:
            self.notify("Canonical sources tie mentions (PER, ORG, LOC, MISC, SOURCE)", severity="warning")
            return
        names = [row[0] for row in self.app.db.execute("SELECT name FROM canonical_sources ORDER BY name")]
        value = span.get("canonical") or self.model.span_text(span)

        def tie(name) -> None:
            if name is not None:
                self.editor.set_canonical(span["id"], name or None)
                self._changed(f"tied to {name}" if name else "untied")

        self.app.push_screen(PromptModal("Canonical source (empty to untie)", value=value,
                                         options=[(n, n) for n in names]), tie)

    # --- Attributes ------------------------------------------------------------

    def _set_attr(self, span: dict, key: str, value, action: str) -> None:
        attrs = dict(span["attrs"])
        if value in (None, "", False):
            attrs.pop(key, None)
        else:
            attrs[key] = value
        self.editor.update_span(span["id"], attrs=attrs, action=action)
        self._changed(f"{key}: {value if value not in (None, '') else '(none)'}")

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
            if url.startswith("doc:") and url[4:].isdigit() and documents.get_document(self.app.db, int(url[4:])):
                return None
            return "Evidence is an http(s) URL, or doc:ID naming a document of this database"

        self.app.push_screen(
            PromptModal("Evidence: a URL, or doc:ID (empty to clear)", value=claim["attrs"].get("evidence", ""),
                        placeholder="https://…", validate=check),
            lambda url: url is not None and self._set_attr(claim, "evidence", url, "evidence"))

    # --- History and status ----------------------------------------------------

    def action_undo(self) -> None:
        self._replay(self.editor.undo(), "undone", "Nothing to undo")

    def action_redo(self) -> None:
        self._replay(self.editor.redo(), "redone", "Nothing to redo")

    def _replay(self, action: str | None, done: str, nothing: str) -> None:
        """Show an undo or redo: the message, and the first span it touched, scrolled to."""
        if action is None:
            self.notify(nothing, severity="warning")
            return
        changes = self._changed(f"{done}: {action.replace('_', ' ')}")
        if changes.highlights:
            self._select(changes.highlights[0].id)

    def action_toggle_done(self) -> None:
        status = self.editor.status()
        self.editor.set_status("in_progress" if status == "done" else "done")
        self._changed("document done" if status != "done" else "document back in progress")
