"""One annotator at work on one document, without a screen: every rule of the article
screen's actions, and what the next key acts on.

The screen (``glose.tui.article_screen``) turns keys into calls here and shows the
results; tests drive it directly. An action that changes the database returns an
``Edit``: one Editor call to run (the screen runs it, waiting while the database is
busy) and what to select and say once it is committed. An action that does not
apply returns a ``Refusal`` with the reason; ``None`` means there is nothing to do.
No Textual here.
"""
from __future__ import annotations

import sqlite3
from bisect import bisect_right
from dataclasses import dataclass
from typing import Any, Callable
from urllib.parse import urlparse

import sqlite_utils

from glose import claim_matching
from glose.claim_matching import Candidate
from glose.db import documents, layers, spans
from glose.db.claim_links import ClaimLink
from glose.db.edits import Editor
from glose.db.spans import SpanRow
from glose.document_model import Changes, DocumentModel, start_of
from glose.errors import GloseError, UnknownDocument, describe
from glose.plaintext import cut
from glose.vocabulary import (
    ACCEPTED,
    CLAIM,
    CLAIM_TYPES,
    CUE,
    DIRECT,
    DONE,
    GOLD,
    IN_PROGRESS,
    MENTION_LABELS,
    PENDING,
    QUOTE_TYPES,
    REJECTED,
    SAID_BY,
    SUGGESTIONS,
)


def _nothing(result: Any, changes: Changes) -> str | None:
    return None


@dataclass(frozen=True)
class Edit:
    """A change to make: ``run`` it (one Editor call, one transaction); once it is
    committed and the model refreshed, ``then(result, changes)`` updates the
    selection and returns the message to show (None: say nothing)."""

    run: Callable[[], Any]
    then: Callable[[Any, Changes], str | None] = _nothing
    uses_selection: bool = False
    """The edit took the selected text: the screen clears the selection."""


@dataclass(frozen=True)
class Refusal:
    """Why an action does not apply (an empty message: just ring the bell)."""

    message: str = ""


@dataclass(frozen=True)
class Confirm:
    """An edit to make only once the annotator says yes to ``question``."""

    question: str
    edit: Edit


Outcome = Edit | Refusal | Confirm | None


@dataclass
class RemoveChoice:
    key: str
    label: str
    relation_id: int


class AnnotationSession:
    """The annotator's layer on one document: loaded, selected, and changed by rule.

    Opening it creates the annotator's layer and seeds it from the suggestions the
    first time. With ``read_only`` (a reason), or when the layer cannot be prepared,
    nothing is written: the annotator's layer is shown if it exists, else the
    suggestions, and every change is refused with the reason.
    """

    def __init__(self, db: sqlite_utils.Database, annotator: str, doc_id: int, *, read_only: str = "",
                 advance: bool = True, layer: str | None = None):
        self.db, self.annotator, self.doc_id = db, annotator, doc_id
        document = documents.get_document(db, doc_id)
        if document is None:
            raise UnknownDocument(f"no document {doc_id}")
        self.title: str = document["title"]
        self.read_only = read_only
        self.advance = advance
        """After deciding a claim (a, x), select the next pending one."""
        self.editor: Editor | None = None
        self.layer = layer
        """The layer edited when it is not the annotator's own (``gold``); never seeded."""
        self.model = DocumentModel(db, doc_id, self._open_layer(), document["text"])
        self.current: int | None = None
        """The span the next action applies to."""
        self.claim: int | None = None
        """The claim that cues and sources attach to."""

    def _open_layer(self) -> int:
        if not self.read_only:
            try:
                self.editor = Editor(self.db, self.annotator, self.doc_id, layer=self.layer)
                if self.layer is None:
                    self.editor.seed()  # first opening: start from the suggestions
                return self.editor.layer_id
            except (GloseError, sqlite3.Error) as exc:  # busy past the timeout, disk full...
                self.editor = None
                self.read_only = f"your layer could not be prepared ({reason(exc)}); reopen to retry"
        own = layers.find_layer(self.db, self.layer or self.annotator)
        if own is not None and spans.has_annotations(self.db, self.doc_id, own):
            return own
        return layers.find_layer(self.db, SUGGESTIONS) or own or 0

    # --- Selection ---------------------------------------------------------------------

    def span(self, span_id: int | None) -> SpanRow | None:
        return self.model.spans.get(span_id) if span_id is not None else None

    def select(self, span_id: int | None, *, on_purpose: bool = False) -> None:
        """Select a span. The claim that cues and sources attach to changes only when
        a claim is selected on purpose (n, p, the claims list, a click, making one),
        never because the caret passed over one."""
        self.current = span_id
        span = self.span(span_id)
        if on_purpose and span is not None and span["label"] == CLAIM:
            self.claim = span["id"]

    def at_caret(self, offset: int) -> int | None:
        """The span the caret selects at ``offset`` (None: keep the selection).

        While the caret is inside the selected span (its ends included) the selection
        stays, so the caret can mark where to cut it (``{`` and ``}``); once it leaves,
        the innermost span under it is selected."""
        current = self.span(self.current)
        if current is not None and current["start"] <= offset <= current["end"]:
            return None
        span = self.model.innermost_at(offset)
        return span["id"] if span is not None and span["id"] != self.current else None

    def next_item(self, kind: str, direction: int, caret: int) -> int | Refusal:
        """The next (or previous) item of a kind after the caret, wrapping around.
        (After an edit the screen puts the caret on the item edited, so this goes on
        from there.)"""
        items = {"claim": self.model.claims, "entity": self.model.entities, PENDING: self.model.pending}[kind]
        if not items:
            return Refusal(f"No {kind} in this document")
        if direction > 0:
            index = bisect_right(items, caret, key=start_of)
        else:
            index = bisect_right(items, caret - 1, key=start_of) - 1
        return items[index % len(items)]["id"]

    def refresh(self) -> Changes:
        """Re-read what changed in the database (this window's edits and others');
        a selected span that is gone is no longer selected."""
        changes = self.model.refresh()
        if self.current not in self.model.spans:
            self.current = None
        if self.claim not in self.model.spans:
            self.claim = None
        return changes

    def status_detail(self) -> str:
        """What the next key acts on, for the status line."""
        span = self.span(self.current)
        detail = []
        if span is not None:
            attrs = span["attrs"]
            detail = [f"{span['label']} {span['state']}"]
            detail += [attrs[k] for k in ("quote_type", "claim_type") if attrs.get(k)]
            detail += ["check-worthy"] if attrs.get("checkworthy") else []
            detail += [f"= {span['canonical']}"] if span.get("canonical") else []
            detail += ["note"] if attrs.get("note") else []
            detail += ["evidence"] if attrs.get("evidence") else []
            others = {link["other_doc_id"] for link in self.model.claim_links.get(span["id"], ())}
            detail += [f"≡ {len(others)} other document{'s' if len(others) > 1 else ''}"] if others else []
        return " ".join(detail)

    def claim_text(self, width: int = 40) -> str:
        """The text of the claim that cues and sources attach to, cut to ``width``."""
        claim = self.span(self.claim)
        if claim is None:
            return ""
        text = self.model.span_text(claim)
        return cut(text, width)

    def pending_counts(self) -> tuple[int, int]:
        """(pending claims, pending entities and source mentions): counted apart."""
        counts = self.model.pending_labels
        return counts[CLAIM], sum(counts[label] for label in MENTION_LABELS)

    def _need(self, span_id: int | None, what: str = "an annotation") -> SpanRow | Refusal:
        span = self.span(span_id)
        if span is None:
            return Refusal(f"Select {what} first (n, e, p or move the caret onto it)")
        return span

    def _claim(self) -> SpanRow | Refusal:
        return self._need(self.claim, "a claim")

    def _edit(self, run: Callable[[Editor], Any], then=_nothing, *, uses_selection: bool = False) -> Edit | Refusal:
        if self.editor is None or self.read_only:
            return Refusal(f"Read-only: {self.read_only}")
        editor = self.editor
        return Edit(lambda: run(editor), then, uses_selection)

    def trim(self, selection: tuple[int, int] | None) -> tuple[int, int] | Refusal:
        """The selected text without the spaces at its ends (a span never starts or
        ends on a space)."""
        if selection is None:
            return Refusal("Select text first: shift+arrows extend from the caret")
        start, end = selection
        text = self.model.text
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return (start, end) if start < end else Refusal()

    # --- Decisions and spans ---------------------------------------------------------------

    def set_state(self, state: str, whole_frame: bool) -> Outcome:
        """Accept or reject the selected item; on a claim with ``whole_frame``, its cue
        and links too (and, accepting, who said it). A rejected mention stops being
        anyone's source."""
        span = self._need(self.current)
        if isinstance(span, Refusal):
            return span
        span_ids, relations = [span["id"]], []
        frame = self.model.frame(span["id"]) if whole_frame else None
        if frame is not None:
            relations = [r["id"] for r in frame.source_relations]
            relations += [frame.cue_relation["id"]] if frame.cue_relation else []
            if frame.cue:
                span_ids.append(frame.cue["id"])
            if state == ACCEPTED:
                span_ids += [s["id"] for s in frame.sources]
        elif state == REJECTED:
            relations = [r["id"] for r in self.model.relations_to(span["id"])]
        verb = "accept" if state == ACCEPTED else "reject"
        what = "frame" if frame else span["label"]

        def then(changed: int, changes: Changes) -> str:
            if self.advance:  # on to the next claim (or entity) still to decide
                if frame is not None:
                    following = self.next_pending(span["start"], (CLAIM,))
                elif span["label"] in MENTION_LABELS:
                    following = self.next_pending(span["start"], MENTION_LABELS)
                else:
                    following = None
                if following is not None:
                    self.select(following, on_purpose=True)
            return f"{verb}ed {what}" if changed else f"Already {state}"

        return self._edit(lambda editor: editor.set_states(
            state, span_ids, relations, action=f"{verb}_{'frame' if frame else 'span'}"), then)

    def next_pending(self, after: int, labels: tuple[str, ...]) -> int | None:
        """The first pending span of these labels that starts after ``after`` (wrapping
        around), if any."""
        pending = self.model.pending
        index = bisect_right(pending, after, key=start_of)
        for step in range(len(pending)):
            span = pending[(index + step) % len(pending)]
            if span["label"] in labels:
                return span["id"]
        return None

    def label(self, label: str, selection: tuple[int, int] | None) -> Outcome:
        """With text selected: a new span of that label. Else: relabel the selected span."""
        if selection is not None:
            bounds = self.trim(selection)
            if isinstance(bounds, Refusal):
                return bounds

            def made(span_id: int, changes: Changes) -> str:
                self.select(span_id, on_purpose=True)
                return f"new {label}" + (" (direct: between quotation marks)" if attrs else "")

            # A claim made of a quotation is a direct quote (t changes it).
            attrs = {"quote_type": DIRECT} if label == CLAIM and self.model.quoted(*bounds) else None
            return self._edit(lambda editor: editor.add_span(*bounds, label, attrs=attrs), made, uses_selection=True)
        span = self._need(self.current)
        if isinstance(span, Refusal) or span["label"] == label:
            return span if isinstance(span, Refusal) else None
        return self._edit(lambda editor: editor.relabel(span["id"], label), lambda *_: f"now {label}")

    def edge(self, which: str, direction: int) -> Outcome:
        """Move the start or the end of the selected span by a word."""
        span = self._need(self.current)
        if isinstance(span, Refusal):
            return span
        model = self.model
        if which == "start":
            value = model.grow_start(span) if direction < 0 else model.shrink_start(span)
        else:
            value = model.grow_end(span) if direction > 0 else model.shrink_end(span)
        if value is None or value == (span["start"] if which == "start" else span["end"]):
            return Refusal()
        return self._edit(lambda editor: editor.update_span(span["id"], action=f"{which}_edge", **{which: value}))

    def edge_at(self, which: str, caret: int) -> Outcome:
        """Start (``which="start"``) or end the selected span at the caret, without the
        spaces there: a clause is cut in one key once the caret is on the spot."""
        span = self._need(self.current)
        if isinstance(span, Refusal):
            return span
        text = self.model.text
        offset = caret
        if which == "start":
            while offset < len(text) and text[offset].isspace():
                offset += 1
            start, end = offset, span["end"]
        else:
            while offset > 0 and text[offset - 1].isspace():
                offset -= 1
            start, end = span["start"], offset
        if start >= end:
            return Refusal(f"The caret is not inside the span: it would {'start' if which == 'start' else 'end'}"
                           " before it begins")
        if (start, end) == (span["start"], span["end"]):
            return Refusal()
        value = start if which == "start" else end
        return self._edit(lambda editor: editor.update_span(span["id"], action=f"{which}_edge", **{which: value}))

    def clause_edge(self, direction: int) -> Outcome:
        """End the selected span at the previous (-1) or next (1) clause mark."""
        span = self._need(self.current)
        if isinstance(span, Refusal):
            return span
        if direction < 0:
            end = self.model.clause_mark_before(span["end"], span["start"])
        else:
            end = self.model.clause_mark_after(span["end"])
        if end is None or end == span["end"]:
            return Refusal("No clause mark " + ("inside the span" if direction < 0 else "after the span in its paragraph"))
        return self._edit(lambda editor: editor.update_span(span["id"], action="end_edge", end=end))

    def accept_pending_entities(self, within: tuple[int, int] | None = None) -> Outcome:
        """Accept every pending entity and source mention (of ``within``, a range of
        offsets: a paragraph), as one action."""
        ids = [s["id"] for s in self.model.pending if s["label"] in MENTION_LABELS
               and (within is None or (within[0] <= s["start"] < within[1]))]
        if not ids:
            return Refusal("No pending entity " + ("in this paragraph" if within else "in this document"))
        return self._edit(lambda editor: editor.set_states(ACCEPTED, ids, action="accept_entities"),
                          lambda *_: f"accepted {len(ids)} entit{'y' if len(ids) == 1 else 'ies'}")

    def delete(self) -> Outcome:
        span = self._need(self.current)
        if isinstance(span, Refusal):
            return span
        return self._edit(lambda editor: editor.delete_span(span["id"]), lambda *_: f"deleted {span['label']}")

    # --- Frames: sources and cues --------------------------------------------------------------

    def source_candidates(self, visible: tuple[int, int] | None = None) -> list[SpanRow] | Refusal:
        """Mentions that could be the claim's source, nearest first (those that
        meet the ``visible`` range of offsets, when given)."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        mentions = self.model.source_candidates(claim["id"])
        if not mentions:
            return Refusal("No mention to link: select its text and press S")
        if visible is not None:
            start, end = visible
            mentions = [m for m in mentions if m["start"] < end and m["end"] > start]
        return mentions

    def mention_label(self, span: SpanRow) -> str:
        """A mention as the name picker lists it: its text, who it is, where."""
        text, name = self.model.span_text(span), self.model.source_name(span)
        who = text if name == text else f"{text} (= {name})"
        return f"{who} · {span['label']} · paragraph {self.model.paragraph_of(span['start'])}"

    def link_source(self, mention_id: int) -> Outcome:
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        mention = self.span(mention_id)
        if mention is None:  # deleted in another window meanwhile
            return Refusal("That mention no longer exists; nothing was changed")
        name = self.model.source_name(mention)
        return self._edit(lambda editor: editor.link(claim["id"], mention_id, SAID_BY), lambda *_: f"source: {name}")

    def selection_to(self, label: str, selection: tuple[int, int] | None) -> Outcome:
        """The selected text becomes the claim's cue (CUE) or a source mention of it
        (SOURCE). With no text selected, a cue is taken from the text next to the claim
        when it says one ("», a affirmé", "Selon X,")."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        if selection is None and label == CUE:
            frame = self.model.frame(claim["id"])
            if frame is not None and frame.cue is not None:
                return Refusal("The claim has a cue: select other text for another, or C clears it")
            selection = self.model.cue_near(claim)
            if selection is None:
                return Refusal("No cue next to the claim: select its text, then c")
        bounds = self.trim(selection)
        if isinstance(bounds, Refusal):
            return bounds

        def made(_: int, changes: Changes) -> str:
            if claim["id"] in self.model.spans:
                self.select(claim["id"])  # back on the claim: the next `n` goes to the next one
            return "cue set" if label == CUE else "new source mention, linked"

        return self._edit(lambda editor: editor.add_span(*bounds, label, link_to=claim["id"]), made,
                          uses_selection=True)

    def remove_choices(self) -> list[RemoveChoice] | Refusal:
        """The claim's source links, to pick the one to remove (at most nine, by digit)."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        frame = self.model.frame(claim["id"])
        if frame is None or not frame.sources:
            return Refusal("This claim has no source link")
        return [RemoveChoice(str(i + 1), self.mention_label(s), rel["id"])
                for i, (s, rel) in enumerate(zip(frame.sources, frame.source_relations, strict=True))][:9]

    def unlink(self, relation_id: int) -> Outcome:
        return self._edit(lambda editor: editor.unlink(relation_id), lambda *_: "source link removed")

    def clear_cue(self) -> Outcome:
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        frame = self.model.frame(claim["id"])
        if frame is None or frame.cue_relation is None:
            return Refusal("This claim has no cue")
        relation_id = frame.cue_relation["id"]
        return self._edit(lambda editor: editor.unlink(relation_id), lambda *_: "cue cleared")

    def canonical_prompt(self) -> tuple[str, list[str]] | Refusal:
        """For tying the selected mention to a canonical source: the name to start
        from, and every canonical name there is."""
        span = self._need(self.current, "a mention")
        if isinstance(span, Refusal):
            return span
        if span["label"] not in MENTION_LABELS:
            return Refusal(f"Canonical sources tie mentions ({', '.join(MENTION_LABELS)})")
        return span.get("canonical") or self.model.span_text(span), spans.canonical_names(self.db)

    def tie(self, name: str) -> Outcome:
        """Tie the selected mention to the canonical source ``name`` (created if new); "" unties."""
        span = self._need(self.current, "a mention")
        if isinstance(span, Refusal):
            return span
        return self._edit(lambda editor: editor.set_canonical(span["id"], name or None),
                          lambda *_: f"tied to {name}" if name else "untied")

    # --- The same claim in other documents ------------------------------------------------

    def same_claim_choices(self) -> list[tuple[str, str, tuple[str, Any]]] | Refusal:
        """For ``=``: the claims of other documents that say nearly what the claim says
        (keys 1-9, best first), then the claim's own links to take back (keys a, b, …).
        A choice's value is ``("link", Candidate)`` or ``("unlink", link id)``."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        if self.editor is None or self.read_only:
            return Refusal(f"Read-only: {self.read_only}")
        links = self.model.claim_links.get(claim["id"], [])
        wanted = [self.model.layer_id, *(layer for name in (SUGGESTIONS, GOLD)
                                         if (layer := layers.find_layer(self.db, name)) is not None)]
        found = [c for c in claim_matching.candidates(self.db, self.doc_id, self.model.span_text(claim), wanted)
                 if not any(link["other_doc_id"] == c.doc_id and spans.half_overlap(
                     (link["other_start"], link["other_end"]), (c.start, c.end)) for link in links)]
        choices: list[tuple[str, str, tuple[str, Any]]] = [
            (str(i + 1), f"{c.score:.0f}  {_place(c.title, c.date)} · {cut(c.text, 60)}", ("link", c))
            for i, c in enumerate(found[:9])]
        choices += [(chr(ord("a") + i), f"unlink  {_place(link['title'], link['date'])} · {cut(link['snippet'], 50)}",
                     ("unlink", link["id"])) for i, link in enumerate([k for k in links if k["mine"]][:9])]
        if not choices:
            return Refusal("No claim of another document says nearly the same (and this claim has no link)")
        return choices

    def link_same_claim(self, candidate: Candidate) -> Outcome:
        """The claim is the same claim as ``candidate`` (a claim of another document)."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        return self._edit(lambda editor: editor.link_claims(claim["id"], candidate.doc_id, candidate.start,
                                                            candidate.end),
                          lambda *_: f"same claim as in document {candidate.doc_id} ({candidate.why})")

    def unlink_same_claim(self, link_id: int) -> Outcome:
        return self._edit(lambda editor: editor.unlink_claims(link_id), lambda *_: "claim link removed")

    def linked_places(self) -> list[ClaimLink] | Refusal:
        """Where the claim's linked claims are (for opening their documents)."""
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        links = self.model.claim_links.get(claim["id"], [])
        return links or Refusal("This claim is linked to no claim of another document: = links one")

    # --- Attributes ------------------------------------------------------------------------

    def _set_attr(self, span: SpanRow, key: str, value, action: str) -> Outcome:
        attrs = dict(span["attrs"])
        if value in (None, "", False):
            attrs.pop(key, None)
        else:
            attrs[key] = value
        shown = value if value not in (None, "") else "(none)"
        return self._edit(lambda editor: editor.update_span(span["id"], attrs=attrs, action=action),
                          lambda *_: f"{key}: {shown}")

    def next_quote_type(self) -> Outcome:
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        current = claim["attrs"].get("quote_type")
        following = QUOTE_TYPES[(QUOTE_TYPES.index(current) + 1) % len(QUOTE_TYPES)] \
            if current in QUOTE_TYPES else QUOTE_TYPES[0]
        return self._set_attr(claim, "quote_type", following, "quote_type")

    def claim_type_choices(self) -> list[tuple[str, str, str]] | Refusal:
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        return [(str(i + 1), name, name) for i, name in enumerate(CLAIM_TYPES)] + [("0", "(none)", "")]

    def set_claim_type(self, value: str) -> Outcome:
        claim = self._claim()
        return claim if isinstance(claim, Refusal) else self._set_attr(claim, "claim_type", value, "claim_type")

    def toggle_checkworthy(self) -> Outcome:
        claim = self._claim()
        if isinstance(claim, Refusal):
            return claim
        return self._set_attr(claim, "checkworthy", not claim["attrs"].get("checkworthy"), "checkworthy")

    def note(self) -> str | Refusal:
        """The selected span's note, to edit."""
        span = self._need(self.current)
        return span if isinstance(span, Refusal) else span["attrs"].get("note", "")

    def set_note(self, text: str) -> Outcome:
        span = self._need(self.current)
        return span if isinstance(span, Refusal) else self._set_attr(span, "note", text, "note")

    def evidence(self) -> str | Refusal:
        """The claim's external evidence, to edit."""
        claim = self._claim()
        return claim if isinstance(claim, Refusal) else claim["attrs"].get("evidence", "")

    def check_evidence(self, url: str) -> str | None:
        """Why ``url`` is no evidence (None: it is, or it is empty)."""
        parsed = urlparse(url)
        if not url or (parsed.scheme in ("http", "https") and parsed.netloc):
            return None
        try:
            if url.startswith("doc:") and url[4:].isdigit() and documents.get_document(self.db, int(url[4:])):
                return None
        except sqlite3.Error as exc:
            return f"Cannot read the database: {reason(exc)}"
        return "Evidence is an http(s) URL, or doc:ID naming a document of this database"

    def set_evidence(self, url: str) -> Outcome:
        claim = self._claim()
        return claim if isinstance(claim, Refusal) else self._set_attr(claim, "evidence", url, "evidence")

    # --- History and status ------------------------------------------------------------------

    def _replayed(self, done: str, nothing: str):
        def then(action: str | None, changes: Changes) -> str:
            if action is None:
                return nothing
            if changes.highlights:  # show what came back or went again
                self.select(changes.highlights[0].id)
            return f"{done}: {action.replace('_', ' ')}"

        return then

    def undo(self) -> Outcome:
        return self._edit(lambda editor: editor.undo(), self._replayed("undone", "Nothing to undo"))

    def redo(self) -> Outcome:
        return self._edit(lambda editor: editor.redo(), self._replayed("redone", "Nothing to redo"))

    def toggle_done(self) -> Outcome:
        """Mark the document done (or back in progress); with items still pending,
        ask first, saying how many claims and entities."""
        def toggle(editor: Editor) -> str:
            status = IN_PROGRESS if editor.status() == DONE else DONE
            editor.set_status(status)
            return status

        edit = self._edit(toggle, lambda status, _: "document done" if status == DONE
                          else "document back in progress")
        claims, mentions = self.pending_counts()
        if isinstance(edit, Edit) and (claims or mentions) and self.editor is not None \
                and self.editor.status() != DONE:
            return Confirm(f"{claims} claim(s) and {mentions} entit{'y' if mentions == 1 else 'ies'} are still"
                           " pending. Mark the document done anyway?", edit)
        return edit


def _place(title: str, date: str | None) -> str:
    """A document as a list names it: its title, cut, and its date."""
    return cut(title, 28) + (f" · {date}" if date else "")


def reason(exc: BaseException) -> str:
    """A database error or a refusal in words for the status line."""
    return describe(exc) if isinstance(exc, sqlite3.Error) else str(exc)
