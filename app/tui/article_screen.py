"""Reading one article: its text with entities and claims highlighted."""
from __future__ import annotations

from bisect import bisect_right

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from db import annotations, documents, layers
from widgets.article_view import ArticleView
from widgets.highlight import ENTITY_LABELS, Highlight


class ArticleScreen(Screen):
    """An article with its annotations (the annotator's layer, else the suggestions)."""

    BINDINGS = [
        Binding("escape,backspace", "app.pop_screen", "Documents", id="back"),
        Binding("n", "next_claim", "Next claim", id="next_claim"),
        Binding("N", "previous_claim", "Prev claim", id="previous_claim"),
        Binding("e", "next_entity", "Next entity", id="next_entity"),
        Binding("E", "previous_entity", "Prev entity", id="previous_entity"),
    ]

    def __init__(self, doc_id: int):
        super().__init__()
        self.doc_id = doc_id

    def compose(self) -> ComposeResult:
        yield Header()
        yield ArticleView(id="article")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        db = self.app.db
        doc = documents.get_document(db, self.doc_id)
        if doc is None:
            self.app.notify(f"No document {self.doc_id}", severity="error")
            self.app.pop_screen()
            return
        self.title = doc["title"]
        self.layer_name = self._layer_to_show()
        layer = layers.find_layer(db, self.layer_name) if self.layer_name else None
        spans = annotations.spans_of(db, self.doc_id, layer) if layer else []
        relations = annotations.relations_of(db, self.doc_id, layer) if layer else []
        self.related: dict[int, set[int]] = {}
        for rel in relations:
            self.related.setdefault(rel["head_id"], set()).add(rel["child_id"])
        highlights = [Highlight(s["id"], s["start"], s["end"], s["label"], s["state"]) for s in spans]
        self.claims = [h for h in highlights if h.label == "CLAIM"]
        self.entities = [h for h in highlights if h.label in ENTITY_LABELS]
        view = self.query_one(ArticleView)
        view.set_document(doc["text"], highlights)
        view.focus()
        self._update_status()

    def _layer_to_show(self) -> str | None:
        db, annotator = self.app.db, self.app.annotator
        mine = layers.find_layer(db, annotator)
        if mine and annotations.spans_of(db, self.doc_id, mine):
            return annotator
        return layers.SUGGESTIONS if layers.find_layer(db, layers.SUGGESTIONS) else None

    def _update_status(self, selected: Highlight | None = None) -> None:
        pending = sum(1 for h in self.query_one(ArticleView).highlights.values() if h.state == "pending")
        parts = [f"annotator {self.app.annotator}", f"document {self.doc_id}",
                 f"layer {self.layer_name or '(none)'}", f"{len(self.claims)} claims",
                 f"{pending} pending"]
        if selected is not None:
            parts.append(f"{selected.label} {selected.state}")
        self.query_one("#status", Static).update(Text(" · ".join(parts)))

    def _step(self, items: list[Highlight], direction: int) -> None:
        if not items:
            self.app.bell()
            return
        view = self.query_one(ArticleView)
        starts = [h.start for h in items]
        here = view.caret
        index = bisect_right(starts, here) if direction > 0 else bisect_right(starts, here - 1) - 1
        target = items[index % len(items)]
        view.select(target.id, self.related.get(target.id, ()))
        view.move_caret(target.start)
        self._update_status(target)

    def action_next_claim(self) -> None:
        self._step(self.claims, +1)

    def action_previous_claim(self) -> None:
        self._step(self.claims, -1)

    def action_next_entity(self) -> None:
        self._step(self.entities, +1)

    def action_previous_entity(self) -> None:
        self._step(self.entities, -1)
